// readManifests (a large List read entry by entry, handed on in batches) against parseManifests
// (the whole file at once): on Lists in kubectl's layout and others, intact and randomly damaged,
// the objects handed on, in order and with their lines, are parseManifests' objects, or both throw
// the same sentence; whenever an entry cannot be read alone, what was handed on is taken back first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests, readManifests, type LoadedObject } from '../../../src/core/detections/index.js';
import { damagedList } from './damage.js';
import { list } from './lists.js';
import { mulberry32 } from '../../support/random.js';

interface Collected {
  objects: LoadedObject[];
  batches: number;
  rollbacks: number;
}

/** readManifests into a sink that keeps what it is handed, and counts batches and take-backs (into `into`, also when it throws). */
function collect(text: string, into: Collected = { objects: [], batches: 0, rollbacks: 0 }): Collected {
  readManifests(text, 'list.yaml', 'list.yaml', {
    add: (batch) => {
      into.batches++;
      into.objects.push(...batch);
    },
    rollback: () => {
      into.rollbacks++;
      into.objects = [];
    },
  });
  return into;
}

/** parseManifests' result or error message, and readManifests' through a collecting sink. */
function both(text: string): { whole: LoadedObject[] | string; streamed: LoadedObject[] | string; rollbacks: number } {
  let whole: LoadedObject[] | string;
  try {
    whole = parseManifests(text, 'list.yaml');
  } catch (e) {
    whole = (e as Error).message;
  }
  const s: Collected = { objects: [], batches: 0, rollbacks: 0 };
  try {
    return { whole, streamed: collect(text, s).objects, rollbacks: s.rollbacks };
  } catch (e) {
    return { whole, streamed: (e as Error).message, rollbacks: s.rollbacks };
  }
}

test('a large List read entry by entry gives the whole file\'s objects and lines, in batches', () => {
  for (const kubectl of [true, false]) {
    for (const indented of [false, true]) {
      const text = list(400, { kubectl, indented }, mulberry32(7));
      assert.ok(text.length > 64 * 1024, 'large enough to be read entry by entry');
      const s = collect(text);
      assert.deepStrictEqual(s.objects, parseManifests(text, 'list.yaml'), `kubectl ${kubectl}, indented ${indented}`);
      assert.ok(s.batches > 1 && s.rollbacks === 0, `${s.batches} batches, ${s.rollbacks} take-backs: read entry by entry`);
    }
  }
});

test('damaged large Lists: the same objects or the same sentence as the whole-file reader', () => {
  let errors = 0;
  let rolledBack = 0;
  for (let seed = 1; seed <= 120; seed++) {
    const r = mulberry32(seed);
    const text = damagedList(300, r);
    const { whole, streamed, rollbacks } = both(text);
    assert.deepStrictEqual(streamed, whole, `seed ${seed}`);
    if (typeof whole === 'string') errors++;
    rolledBack += rollbacks;
  }
  assert.ok(errors > 10 && rolledBack > 0, `${errors} damaged files refused, ${rolledBack} take-backs: the damage reaches both paths`);
});

test('a List with aliases, a small List and a JSON List are read whole, as before', () => {
  const base = list(300, { kubectl: true, indented: false }, mulberry32(3));
  const aliased = base.replace('  name: item-1\n', '  name: &n item-1\n').replace('  name: item-2\n', '  name: *n\n');
  const a = collect(aliased);
  assert.equal(a.batches, 1, 'aliases may cross entries: one batch, the whole document');
  assert.deepStrictEqual(a.objects, parseManifests(aliased, 'list.yaml'));
  assert.equal(a.objects[2]!.object.metadata?.name, 'item-1');
  const small = list(5, { kubectl: true, indented: false }, mulberry32(4));
  assert.deepStrictEqual(collect(small).objects, parseManifests(small, 'list.yaml'));
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: parseManifests(base, 'list.yaml').map((l) => l.object) }, null, 2);
  assert.deepStrictEqual(collect(json).objects, parseManifests(json, 'list.yaml'));
});

test('a document that only looks like a List (its items: under another kind) keeps the whole reader\'s result', () => {
  const cm = list(300, { kubectl: false, indented: false }, mulberry32(5)).replace('kind: List', 'kind: ConfigMap');
  const s = collect(cm);
  assert.deepStrictEqual(s.objects, parseManifests(cm, 'list.yaml'));
  assert.equal(s.objects.length, 1, 'one ConfigMap whose items are data');
});

test('stars that cannot start an alias (quoted, inside a plain scalar) leave a List read entry by entry; anchors and aliases anywhere keep the whole reader\'s result', () => {
  const base = list(300, { kubectl: true, indented: false }, mulberry32(8));
  const rbac = base.replace(/( *)name: item-(\d*3)\n/g, (m, sp: string) => `${m}${sp}verbs: ['*']\n${sp}hosts: ["*.contoso.com", a*b]\n`);
  const s = collect(rbac);
  assert.ok(s.batches > 1, 'read entry by entry');
  assert.deepStrictEqual(s.objects, parseManifests(rbac, 'list.yaml'));
  // Anchors, aliases and stars put anywhere in any line: always the whole reader's objects or sentence.
  let aliased = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const r = mulberry32(seed);
    const lines = list(150, { kubectl: r() < 0.5, indented: r() < 0.3 }, r).split('\n');
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
      const i = Math.floor(r() * lines.length);
      const at = Math.floor(r() * (lines[i]!.length + 1));
      const token = ['&a ', '*a', ' *a', '*', "'*'", '{"k":*a}', '[*a]', ',*a', ': *a'][Math.floor(r() * 9)]!;
      lines[i] = lines[i]!.slice(0, at) + token + lines[i]!.slice(at);
      if (token.includes('*')) aliased++;
    }
    const { whole, streamed } = both(lines.join('\n'));
    assert.deepStrictEqual(streamed, whole, `seed ${seed}`);
  }
  assert.ok(aliased > 150);
});

test('an alias bomb in one entry of a large List is refused, in block, flow and JSON-like flow form', () => {
  const base = list(300, { kubectl: false, indented: false }, mulberry32(9));
  const forms: ((i: number) => string)[] = [
    (i) => `  a${i}: &a${i}\n${Array.from({ length: 10 }, () => `  - *a${i - 1}`).join('\n')}`,
    (i) => `  a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`,
    (i) => `  a${i}: &a${i} {${Array.from({ length: 10 }, (_, j) => `"k${j}":*a${i - 1}`).join(',')}}`,
  ];
  for (const form of forms) {
    const bomb = ['- apiVersion: v1', '  kind: ConfigMap', '  metadata: {name: bomb}', '  a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 7 }, (_, i) => form(i + 1))].join('\n');
    const text = base.replace('items:\n', `items:\n${bomb}\n`);
    const { whole, streamed } = both(text);
    assert.match(String(whole), /alias bomb/, form(1).slice(0, 30));
    assert.equal(streamed, whole, form(1).slice(0, 30));
  }
});
