// The fast YAML reader against js-yaml itself: on thousands of random documents (tricky scalars,
// every quoting and layout the reader knows, comments, and random damage to the text) it either
// gives up or gives exactly js-yaml's result, and it never accepts a text js-yaml rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import jsyaml from 'js-yaml';
import { KUBE_IMPLICIT, KUBE_SCHEMA } from '../../../src/core/detections/manifests.js';
import { NOT_SIMPLE, readSimpleYaml } from '../../../src/core/detections/simpleYaml.js';
import { mulberry32 as rng } from '../../support/random.js';


// Scalars where YAML 1.1 typing, quoting or indicators matter.
const TRICKY = [
  'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '0', '-1', '+1', '012', '0x1F', '0o17', '0b101', '1_000', '1e3', '1.5e-3',
  '.5', '.inf', '-.Inf', '.NaN', '1.0', '00', '<<', 'app-3', 'contoso.azurecr.io/app:1.2.0', 'http://x:80/a', ':8080', 'a:b', 'a #b', 'a#b', '#x', '-x',
  '- x', '?x', '? x', 'a: b', 'key:', '&a', '*a', '!tag', '|', '>', "'", '"', '\\', '%x', '@x', '`x', '{a}', '[a]', 'a, b', 'a]', 'a}', 'x  y', ' lead',
  'trail ', '__proto__', 'constructor', '', 'é', 'ü:1', '--listen=:8080', '${DB_PASSWORD}', 'a\\nb', 'it\'s', 'say "hi"', '100m', '512Mi', '2026-11-27T03:00:00Z',
];

/** Ordinary manifest values only (no indicators, no damage): what real manifests are made of. */
const ORDINARY = ['app', 'web-1', 'contoso.azurecr.io/app:1.2.0', '8080', 'true', 'no', '100m', '512Mi', 'http://db:5432/x', 'a b c', '--flag=:1', 'RuntimeDefault', '0.5'];
let ordinary = false;
/** The anchors defined so far in the document being generated; null: no anchors, aliases or merge keys. */
let anchorNames: string[] | null = null;

/** An alias to an anchor defined so far (sometimes to one that is not: js-yaml's error). */
function aliasText(r: () => number): string {
  const names = anchorNames!;
  return `*${names.length && r() < 0.9 ? names[Math.floor(r() * names.length)] : 'nowhere'}`;
}

/** `&name` and the node it names; now and then the name is known before its node ends (an alias inside it makes a cycle). */
function anchoredValue(r: () => number, inner: () => string): string {
  const name = `a${anchorNames!.length}`;
  const early = r() < 0.1;
  if (early) anchorNames!.push(name);
  const text = ` &${r() < 0.05 && anchorNames!.length ? anchorNames![0] : name}${inner()}`;
  if (!early) anchorNames!.push(name);
  return text;
}

/** The value of a merge key: an alias, a list of them, a flow mapping or a block mapping. */
function mergeValue(r: () => number, indent: number, depth: number): string {
  const k = r();
  if (k < 0.45) return ` ${aliasText(r)}`;
  if (k < 0.7) return ` [${aliasText(r)}${r() < 0.6 ? `, ${aliasText(r)}` : ''}]`;
  if (k < 0.85) return ` ${flow(r, 0)}`;
  return `\n${mapping(r, indent + 2, depth + 1)}`;
}

function scalarText(r: () => number): string {
  if (ordinary) return ORDINARY[Math.floor(r() * ORDINARY.length)]!;
  if (r() < 0.6) return TRICKY[Math.floor(r() * TRICKY.length)]!;
  const alphabet = 'abcXYZ019 :#-_./\'"\\{}[],&*!|>%@`?~<=+é';
  let s = '';
  const n = 1 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

/** A scalar as it could be written: plain (whatever that makes of it), single- or double-quoted. */
function scalar(r: () => number): string {
  const t = scalarText(r);
  const k = r();
  if (k < 0.55) return t;
  if (k < 0.75) return `'${t.replace(/'/g, "''")}'`;
  return JSON.stringify(t).replace(/\\u00e9/g, 'é');
}

function flow(r: () => number, depth: number): string {
  if (depth > 2 || r() < 0.5) return scalar(r);
  const n = Math.floor(r() * 4);
  const sp = r() < 0.7 ? ' ' : '';
  if (r() < 0.5) return `[${Array.from({ length: n }, () => flow(r, depth + 1)).join(`,${sp}`)}]`;
  return `{${Array.from({ length: n }, () => `${scalar(r)}:${r() < 0.9 ? ' ' : ''}${flow(r, depth + 1)}`).join(`,${sp}`)}}`;
}

function literal(r: () => number, indent: string): string {
  const lines = Array.from({ length: 1 + Math.floor(r() * 4) }, () => (r() < 0.2 ? '' : (r() < 0.2 ? '  ' : '') + scalarText(r)));
  return `${r() < 0.3 ? '|-' : '|'}${r() < 0.2 ? ' # c' : ''}\n${lines.map((l) => (l ? indent + l : r() < 0.5 ? '' : indent.slice(0, 1))).join('\n')}`;
}

function value(r: () => number, indent: number, depth: number, inSeq: boolean): string {
  const pad = ' '.repeat(indent);
  if (anchorNames) {
    const a = r();
    if (a < 0.12) return ` ${aliasText(r)}${r() < 0.1 ? ' # c' : ''}`;
    if (a < 0.27) return anchoredValue(r, () => value(r, indent, depth + 1, inSeq));
  }
  const k = r();
  if (depth < 4 && k < 0.3) return `\n${block(r, indent + 1 + Math.floor(r() * 3), depth + 1)}`;
  if (depth < 4 && !inSeq && k < 0.4) return `\n${sequence(r, indent + (r() < 0.5 ? 0 : 2), depth + 1)}`;
  if (k < 0.5) return ` ${flow(r, 0)}`;
  if (k < 0.58) return ` ${literal(r, pad + '  ')}`;
  if (k < 0.62) return '';
  return ` ${scalar(r)}${r() < 0.1 ? ' # note' : ''}`;
}

function block(r: () => number, indent: number, depth: number): string {
  return r() < 0.25 && depth > 0 ? sequence(r, indent, depth) : mapping(r, indent, depth);
}

function mapping(r: () => number, indent: number, depth: number): string {
  const pad = ' '.repeat(indent);
  const n = 1 + Math.floor(r() * 4);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (r() < 0.1) out.push(r() < 0.5 ? '' : `${pad}# comment`);
    if (anchorNames && depth < 4 && r() < 0.2) out.push(`${pad}${r() < 0.9 ? '<<' : "'<<'"}:${mergeValue(r, indent, depth)}`);
    else out.push(`${pad}${scalar(r)}:${value(r, indent, depth, false)}`);
  }
  return out.join('\n');
}

function sequence(r: () => number, indent: number, depth: number): string {
  const pad = ' '.repeat(indent);
  const n = 1 + Math.floor(r() * 3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (anchorNames && depth < 4 && r() < 0.3) {
      out.push(`${pad}-${anchoredValue(r, () => `\n${mapping(r, indent + 2, depth + 1)}`)}`);
    } else if (r() < 0.5 && depth < 4) {
      const inner = mapping(r, indent + 2, depth + 1).split('\n');
      out.push(`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
    } else out.push(`${pad}-${value(r, indent, depth, true)}`);
  }
  return out.join('\n');
}

/** Random damage: a character dropped, doubled or replaced, a line indented or outdented. */
function damage(r: () => number, text: string): string {
  const i = Math.floor(r() * text.length);
  const k = r();
  if (k < 0.25) return text.slice(0, i) + text.slice(i + 1);
  if (k < 0.5) return text.slice(0, i) + text[i] + text.slice(i);
  if (k < 0.75) return text.slice(0, i) + ' :-#"\'[{,|&*\n\t'[Math.floor(r() * 14)] + text.slice(i + 1);
  const lines = text.split('\n');
  const l = Math.floor(r() * lines.length);
  lines[l] = r() < 0.5 ? ` ${lines[l]}` : lines[l]!.replace(/^ /, '');
  return lines.join('\n');
}

type Outcome = { kind: 'value'; value: unknown } | { kind: 'error' };
function jsYaml(text: string): Outcome {
  try {
    return { kind: 'value', value: jsyaml.load(text, { schema: KUBE_SCHEMA, json: true }) };
  } catch {
    return { kind: 'error' };
  }
}

function check(text: string, where: string): boolean {
  const fast = readSimpleYaml(text, KUBE_IMPLICIT);
  if (fast === NOT_SIMPLE) return false;
  const ref = jsYaml(text);
  assert.equal(ref.kind, 'value', `${where}: the fast reader accepted a text js-yaml rejects:\n${text}`);
  assert.deepStrictEqual(fast, (ref as { value: unknown }).value, `${where}: differs from js-yaml on:\n${text}`);
  return true;
}

test('random documents: the fast reader gives js-yaml\'s result or gives up (and reads most of them)', () => {
  let read = 0;
  const N = 6000;
  for (let seed = 1; seed <= N; seed++) {
    const r = rng(seed);
    const text = `${r() < 0.2 ? '---\n' : ''}${mapping(r, 0, 0)}\n`;
    if (check(text, `seed ${seed}`)) read++;
  }
  // The subset is the point: most generated documents are in it (they are written as manifests are).
  assert.ok(read > N * 0.15, `only ${read} of ${N} documents were read by the fast reader`);
});

test('random documents of ordinary values: most are read by the fast reader, as js-yaml reads them', () => {
  let read = 0;
  const N = 2000;
  ordinary = true;
  try {
    for (let seed = 1; seed <= N; seed++) if (check(`${mapping(rng(seed * 31), 0, 0)}\n`, `ordinary seed ${seed}`)) read++;
  } finally {
    ordinary = false;
  }
  assert.ok(read > N * 0.7, `only ${read} of ${N} ordinary documents were read by the fast reader`);
});

test('documents with anchors, aliases and merge keys: the fast reader gives js-yaml\'s result (shared nodes, merged keys) or gives up', () => {
  let read = 0;
  let damagedRead = 0;
  const N = 6000;
  try {
    // Tricky scalars, then ordinary ones (where more documents stay in the subset, so more merges are read).
    for (const kind of ['tricky', 'ordinary']) {
      ordinary = kind === 'ordinary';
      for (let seed = 1; seed <= N; seed++) {
        const r = rng(seed * 104729);
        anchorNames = [];
        let text = `${mapping(r, 0, 0)}\n`;
        if (check(text, `anchored ${kind} seed ${seed}`)) read++;
        for (let d = 1 + Math.floor(r() * 2); d > 0; d--) text = damage(r, text);
        if (check(text, `damaged anchored ${kind} seed ${seed}`)) damagedRead++;
      }
    }
  } finally {
    anchorNames = null;
    ordinary = false;
  }
  assert.ok(read > N * 0.1 && damagedRead > 100, `read ${read} of ${N} documents, ${damagedRead} damaged ones`);
});

test('an alias is the anchored node itself and a merge copies only the keys not yet set, as js-yaml does', () => {
  const text = 'base: &b {x: 1, p: [1, 2]}\nm:\n  p: own\n  <<: [*b, {z: 3}]\n  x: last\nlist:\n- &item\n  k: v\n- *item\n';
  const v = readSimpleYaml(text, KUBE_IMPLICIT) as { base: { p: unknown }; m: Record<string, unknown>; list: unknown[] };
  assert.notEqual(v, NOT_SIMPLE);
  assert.deepStrictEqual(v, jsyaml.load(text, { schema: KUBE_SCHEMA, json: true }));
  assert.deepStrictEqual(Object.keys(v.m), ['p', 'x', 'z'], 'merged keys in place, later keys overwrite, earlier ones win');
  assert.equal(v.list[0], v.list[1], 'the alias shares the node');
  for (const left of ['a: &x\n  b: *x\n', 'a: &x 1\nb: &x 2\nc: *x\n', 'a: *nowhere\n', '- &x a: 1\n', 'a: &x |\n  t\n', 'a: [&x 1]\n', 'a: {<<: {b: 1}}\n', 'a:\n  <<: [[1]]\n', 'a: &x!y 1\n']) {
    assert.equal(readSimpleYaml(left, KUBE_IMPLICIT), NOT_SIMPLE, JSON.stringify(left));
  }
});

test('damaged documents: the fast reader never accepts what js-yaml rejects, nor reads it differently', () => {
  let read = 0;
  let rejected = 0;
  for (let seed = 1; seed <= 6000; seed++) {
    const r = rng(seed * 7919);
    let text = `${mapping(r, 0, 0)}\n`;
    for (let d = 1 + Math.floor(r() * 3); d > 0; d--) text = damage(r, text);
    if (check(text, `damaged seed ${seed}`)) read++;
    if (jsYaml(text).kind === 'error') rejected++;
  }
  assert.ok(read > 500 && rejected > 500, `read ${read}, js-yaml rejected ${rejected}`);
});

test('manifests as written: the demo scenario and kubectl-style documents are read by the fast reader, as js-yaml reads them', () => {
  const demo = readFileSync(new URL('../../emulators/kube/scenarios/demo.yaml', import.meta.url), 'utf8');
  const docs = demo.split(/^---[ \t]*$/m).filter((d) => d.trim());
  let read = 0;
  for (const [i, d] of docs.entries()) if (check(d, `demo document ${i}`)) read++;
  assert.ok(read >= docs.length / 2, `${read} of ${docs.length} demo documents read fast`);
  const kubectl = `apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: prod
  labels: {app: web, "tier": front}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Pod"}
spec:
  containers:
  - name: web
    image: "nginx:1.25"
    args: ["--port=:8080", '--mode=it''s']
    securityContext:
      privileged: yes
      runAsUser: 0x0
  hostPID: on
  volumes: []
status: {}
`;
  assert.ok(check(kubectl, 'kubectl document'));
  const chart = `# chart
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: store, namespace: data}
spec:
  template:
    spec:
      containers:
      - &store
        name: store
        image: contoso.azurecr.io/store:1
        securityContext: &sc {allowPrivilegeEscalation: false, privileged: yes}
      - <<: *store
        name: backup
        securityContext:
          <<: *sc
          runAsUser: 0
`;
  assert.ok(check(chart, 'chart template with an anchor and merge keys'));
  const v = readSimpleYaml(kubectl, KUBE_IMPLICIT) as { spec: { hostPID: unknown; containers: { securityContext: { privileged: unknown } }[] } };
  assert.equal(v.spec.hostPID, true, 'YAML 1.1 booleans, as kubectl reads them');
  assert.equal(v.spec.containers[0]!.securityContext.privileged, true);
});

test('what the subset leaves to js-yaml: tags, folded and multi-line scalars, tabs', () => {
  for (const text of [
    'a: !!str 1\n',
    'a: >\n  folded\n',
    'a: plain\n  continued\n',
    'a:\tb\n',
    'a: "two\n  lines"\n',
    'a: [1,\n  2]\n',
    'a: |+\n  keep\n\n',
    '%YAML 1.1\n---\na: 1\n',
    '- a\n- b\n',
  ]) assert.equal(readSimpleYaml(text, KUBE_IMPLICIT), NOT_SIMPLE, JSON.stringify(text));
  assert.deepEqual(readSimpleYaml('__proto__: {polluted: 1}\n', KUBE_IMPLICIT), jsyaml.load('__proto__: {polluted: 1}\n', { schema: KUBE_SCHEMA, json: true }));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
