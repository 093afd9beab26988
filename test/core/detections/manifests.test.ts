import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../../src/core/detections/index.js';

test('multi-document YAML: every object with the line it starts on; empty documents ignored', () => {
  const text = ['# comment', 'apiVersion: v1', 'kind: Pod', 'metadata: {name: a}', '---', '---', 'apiVersion: v1', 'kind: Pod', 'metadata: {name: b}', ''].join('\n');
  const out = parseManifests(text, 'pods.yaml');
  assert.deepEqual(out.map((o) => [o.object.metadata?.name, o.line]), [['a', 2], ['b', 7]]);
});

test('kind: List and *List (kubectl get -o yaml / -o json) are expanded, items keep their lines', () => {
  const yaml = ['apiVersion: v1', 'kind: List', 'items:', '- apiVersion: v1', '  kind: Pod', '  metadata: {name: a}', '- apiVersion: apps/v1', '  kind: Deployment', '  metadata: {name: d}', 'metadata: {resourceVersion: ""}'].join('\n');
  assert.deepEqual(parseManifests(yaml, 'list.yaml').map((o) => [o.object.kind, o.line]), [['Pod', 4], ['Deployment', 7]]);
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }] }, null, 2);
  const fromJson = parseManifests(json, 'pods.json');
  assert.equal(fromJson[0]!.object.metadata?.name, 'p');
  assert.equal(fromJson[0]!.line, 5);
});

test('the kube emulator\'s data document is skipped silently', () => {
  const text = 'apiVersion: kubeforensys.dev/emulator-v1\nkind: KubeForenSysEmulatorData\nlogs: {}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n';
  assert.deepEqual(parseManifests(text, 'demo.yaml').map((o) => o.object.kind), ['Namespace']);
});

test('a file that is not a manifest gets one sentence naming it', () => {
  assert.throws(() => parseManifests('name: my-app\nversion: 1.2.3\n', 'package.yaml'), { name: 'ManifestError', message: 'package.yaml is not a Kubernetes manifest: none of its documents has both apiVersion and kind.' });
  assert.throws(() => parseManifests('', 'empty.yaml'), /empty\.yaml is not a Kubernetes manifest: it is empty\./);
  assert.throws(() => parseManifests('kind: Pod\nmetadata: {name: [unclosed\n', 'broken.yaml'), /^ManifestError: broken\.yaml is not valid YAML or JSON at line \d+/);
});

test('alias bombs fail instead of exhausting memory', () => {
  const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'apiVersion: v1', 'kind: Pod'].join('\n');
  assert.throws(() => parseManifests(bomb, 'bomb.yaml'), /bomb\.yaml/);
});

test('block-form alias bombs, self-referencing anchors and excessive merge work are refused too (the fast reader reads anchors)', () => {
  const block = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: b}', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++) block.push(`a${i}: &a${i}`, ...Array.from({ length: 10 }, () => `  - *a${i - 1}`));
  assert.throws(() => parseManifests(block.join('\n') + '\n', 'block.yaml'), /^ManifestError: block\.yaml could not be read as YAML: .*an alias bomb/);
  assert.throws(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: &d\n  self: *d\n', 'cycle.yaml'), /^ManifestError: cycle\.yaml could not be read as YAML: .*an alias bomb/);
  const keys = Array.from({ length: 200 }, (_, i) => `k${i}: ${i}`).join(', ');
  const merges = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: m}', `base: &b {${keys}}`, 'list:', ...Array.from({ length: 80 }, (_, i) => `- <<: *b\n  own: ${i}`)];
  assert.throws(() => parseManifests(merges.join('\n') + '\n', 'merges.yaml'), /^ManifestError: merges\.yaml is not valid YAML or JSON at line \d+: merge keys exceeded maxTotalMergeKeys/);
});

test('merge keys are applied as kubectl applies them: a privileged spec behind <<: *anchor is seen', () => {
  const text = ['apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'x-privileged: &priv', '  securityContext: {privileged: true}', '  image: alpine', 'spec:', '  containers:', '  - <<: *priv', '    name: c', ''].join('\n');
  const [o] = parseManifests(text, 'merge.yaml');
  const c = (o!.object.spec as { containers: Record<string, unknown>[] }).containers[0]!;
  assert.deepEqual(c, { securityContext: { privileged: true }, image: 'alpine', name: 'c' });
  // Keys written beside the merge win over the merged ones, as in YAML 1.1.
  const over = parseManifests(['apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'base: &b {image: a, name: x}', 'spec: {containers: [{<<: *b, name: web}]}'].join('\n'), 'm.yaml');
  assert.deepEqual((over[0]!.object.spec as { containers: unknown[] }).containers[0], { image: 'a', name: 'web' });
});

test('YAML 1.1 scalars as kubectl reads them: yes/on are true; timestamps stay strings', () => {
  const [o] = parseManifests('apiVersion: v1\nkind: Pod\nmetadata: {name: p, creationTimestamp: 2026-11-27T02:00:00Z}\nspec: {hostPID: yes, hostNetwork: on, hostIPC: no}\n', 'b.yaml');
  assert.deepEqual(o!.object.spec, { hostPID: true, hostNetwork: true, hostIPC: false });
  assert.equal(o!.object.metadata?.creationTimestamp, '2026-11-27T02:00:00Z');
});

test('a large List export keeps every item\'s line', () => {
  const items = Array.from({ length: 20000 }, (_, i) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c${i}, namespace: n}\n  data: {k: v}`);
  const out = parseManifests(`apiVersion: v1\nkind: List\nitems:\n${items.join('\n')}\n`, 'big.yaml');
  assert.equal(out.length, 20000);
  assert.deepEqual([out[0]!.line, out[19999]!.line], [4, 4 + 19999 * 4]);
});
