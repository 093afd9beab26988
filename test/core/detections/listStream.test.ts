// streamList (a large List export read from its file a window at a time) against readManifests
// over the whole text: whatever the layout, the damage and the window size, a file it reads gives
// readManifests' objects in order with their lines; a file it cannot read so it names why, and
// read whole (as scan then reads it) it gives readManifests' objects or its sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifests, type LoadedObject } from '../../../src/core/detections/index.js';
import { streamList } from '../../../src/core/detections/listStream.js';
import { tempDir } from '../../support/tempDir.js';
import { mulberry32 } from '../../support/random.js';
import { damagedList } from './damage.js';
import { list } from './lists.js';

interface Outcome {
  objects: LoadedObject[] | string;
  /** Why the file was not read a window at a time (null: it was), and how many batches came. */
  why: string | null;
  batches: number;
}

let dir = '';
let n = 0;

/** readManifests' objects over the whole text, or its sentence. */
function whole(text: string): LoadedObject[] | string {
  const objects: LoadedObject[] = [];
  try {
    readManifests(text, 'list.yaml', 'list.yaml', { add: (b) => void objects.push(...b), rollback: () => void (objects.length = 0) });
    return objects;
  } catch (e) {
    return (e as Error).message;
  }
}

/** What scan does with a streamed file: a window at a time, or (taken back) the whole text. */
async function streamed(text: string, windowBytes: number): Promise<Outcome> {
  dir ||= await tempDir('kfs-list-stream-');
  const file = join(dir, `f${n++}.yaml`);
  await writeFile(file, text);
  let objects: LoadedObject[] = [];
  let batches = 0;
  const why = await streamList(file, { add: (b) => void (batches++, objects.push(...b)), rollback: () => void (objects = []) }, windowBytes);
  if (why === null) return { objects: objects.map((o) => ({ ...o, file: 'list.yaml' })), why, batches };
  return { objects: whole(text), why, batches };
}

/** Entries with text of more than one byte per character, cut anywhere by the windows. */
const unicode = (text: string) => text.replace(/( *)name: item-(\d+)\n/g, (m, sp: string, i: string) => (Number(i) % 3 ? m : `${m}${sp}description: "café ☕ ${'ü'.repeat(Number(i) % 7)}"\n`));

test('a List export is read a window at a time: the whole text\'s objects, lines and order, whatever the windows', async () => {
  for (const kubectl of [true, false]) {
    for (const indented of [false, true]) {
      const text = unicode(list(300, { kubectl, indented }, mulberry32(kubectl ? 1 : 2)));
      for (const windowBytes of [61, 997, 64 * 1024, 8 * 1024 * 1024]) {
        const s = await streamed(text, windowBytes);
        assert.equal(s.why, null, `kubectl ${kubectl}, indented ${indented}, window ${windowBytes}: read a window at a time`);
        assert.deepStrictEqual(s.objects, whole(text), `kubectl ${kubectl}, indented ${indented}, window ${windowBytes}`);
        if (windowBytes < 64 * 1024) assert.ok(s.batches > 5, `${s.batches} batches: handed on as the windows are read`);
      }
    }
  }
});

test('randomly damaged Lists: the whole text\'s objects or its sentence, read a window at a time or taken back and read whole', async () => {
  let declined = 0;
  let refused = 0;
  for (let seed = 1; seed <= 150; seed++) {
    const r = mulberry32(seed);
    const text = damagedList(120, r);
    const s = await streamed(text, [37, 500, 4096][seed % 3]!);
    assert.deepStrictEqual(s.objects, whole(text), `seed ${seed} (${s.why ?? 'streamed'})`);
    if (s.why !== null) declined++;
    if (typeof s.objects === 'string') refused++;
  }
  assert.ok(declined > 10 && refused > 10 && declined < 150, `${declined} files declined, ${refused} refused: the damage reaches every path`);
});

test('stars inside scalars are no alias: an export of RBAC rules and wildcard hosts is read a window at a time', async () => {
  const base = list(200, { kubectl: true, indented: false }, mulberry32(6));
  const rbac = base.replace(/( *)name: item-(\d*7)\n/g, (m, sp: string) => `${m}${sp}verbs: ['*']\n${sp}hosts: ["*.contoso.com", a*b]\n${sp}rules: [{verbs: ['*'], resources: ["*"]}]\n`);
  assert.ok((rbac.match(/\*/g) ?? []).length > 50);
  const s = await streamed(rbac, 1024);
  assert.equal(s.why, null);
  assert.deepStrictEqual(s.objects, whole(rbac));
});

test('what cannot be read a window at a time says why: aliases, JSON, several documents, CRLF, no List, the List\'s own keys unreadable', async () => {
  const base = list(200, { kubectl: true, indented: false }, mulberry32(3));
  const cases: [string, string, RegExp][] = [
    ['aliases', base.replace('  name: item-1\n', '  name: &n item-1\n').replace('  name: item-2\n', '  name: *n\n'), /alias/],
    ['an alias in a flow mapping', base.replace('  name: item-1\n', '  name: &n item-1\n').replace('  name: item-2\n', '  labels: {"a":*n}\n  name: item-2\n'), /alias/],
    ['a star in a block scalar', base.replace('  name: item-1\n', '  name: item-1\n  annotations:\n    run: |\n      rm -rf /tmp/*\n      *\n'), /alias/],
    ['JSON', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }] }, null, 2), /JSON/],
    ['two documents', `${base}---\napiVersion: v1\nkind: Pod\nmetadata: {name: extra}\n`, /more than one YAML document/],
    ['a leading marker', `---\n${base}`, /more than one YAML document/],
    ['CRLF', base.replace(/\n/g, '\r\n'), /root key/],
    ['a Pod', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n', /no root `items:`/],
    ['a List under a ConfigMap', base.replace('kind: List', 'kind: ConfigMap'), /own keys/],
    ['a flow sequence of items', 'apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Pod, metadata: {name: p}}]\n', /root key/],
    ['no entries', 'apiVersion: v1\nkind: List\nitems:\nmetadata: {}\n', /no block sequence/],
    ['entries that are no objects', 'apiVersion: v1\nkind: List\nitems:\n- a\n- b\n', /none of its entries/],
  ];
  for (const [name, text, why] of cases) {
    const s = await streamed(text, 512);
    assert.match(s.why ?? 'read a window at a time', why, name);
    assert.deepStrictEqual(s.objects, whole(text), name);
  }
});
