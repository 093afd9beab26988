// `scan` gives the detections its input file by file (DetectionStream) and lets each file's objects
// go: what spans files (RBAC and the token rule, owners and the de-duplication, baseline owners,
// services behind ingresses) must come out as if every object had been given at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { KubeObject } from '../../../src/core/model.js';
import { DetectionStream, detectAll, parseManifests, sortFindings } from '../../../src/core/detections/index.js';
import { localBatch } from '../../../src/core/detections/engine.js';
import { resolveRelativeTimes } from '../../emulators/kube/index.js';
import { mulberry32 } from '../../support/random.js';
import { byRule, OPTS } from './helpers.js';

/** The objects cut into parts at random places (some parts empty). */
function cut(objects: readonly KubeObject[], seed: number): KubeObject[][] {
  const r = mulberry32(seed);
  const parts: KubeObject[][] = [[]];
  for (const o of objects) {
    if (r() < 0.15) parts.push([]);
    if (r() < 0.05) parts.push([]);
    parts[parts.length - 1]!.push(o);
  }
  return parts;
}

const streamed = (parts: KubeObject[][]) => {
  const s = new DetectionStream(OPTS);
  for (const p of parts) s.add(p);
  return s.finish();
};

test('the demo scenario given in random parts gives the findings of the whole, in the same order', async () => {
  const demo = resolve('test/emulators/kube/scenarios/demo.yaml');
  const objects = parseManifests(resolveRelativeTimes(await readFile(demo, 'utf8'), OPTS.now), demo).map((l) => l.object);
  const whole = detectAll(objects, OPTS);
  assert.ok(whole.length > 50 && whole.some((f) => f.ruleId === 'POD-RISKY-SA-TOKEN') && whole.some((f) => f.baseline), 'the scenario exercises the token rule and the baseline');
  for (let seed = 1; seed <= 40; seed++) assert.deepStrictEqual(streamed(cut(objects, seed)), whole, `seed ${seed}`);
});

test('owners, bindings and service accounts that come in a later part than the pod still decide its findings', () => {
  const spec = { serviceAccountName: 'builder', containers: [{ name: 'app', image: 'contoso.azurecr.io/app:1', securityContext: { privileged: true } }] };
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-5c6d7e8f9-abcde', namespace: 'prod', labels: { 'pod-template-hash': '5c6d7e8f9' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5c6d7e8f9', controller: true }] },
    spec,
  };
  const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5c6d7e8f9', namespace: 'prod', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] }, spec: { template: { spec } } };
  const deploy: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' }, spec: { template: { spec } } };
  const binding: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'builder-admin' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'prod' }],
  };
  const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'prod' }, automountServiceAccountToken: false };
  const late = streamed([[pod], [rs], [binding], [deploy]]);
  assert.deepStrictEqual(sortFindings(late), sortFindings(detectAll([pod, rs, binding, deploy], OPTS)));
  // The ReplicaSet's template is its Deployment's, which came last: reported on the Deployment and the pod only.
  assert.deepEqual(byRule(late, 'POD-PRIVILEGED').map((f) => f.resource.kind).sort(), ['Deployment', 'Pod']);
  assert.equal(byRule(late, 'POD-RISKY-SA-TOKEN').length, 2, 'the binding in a later part makes the mounted token risky');
  // A service account in the last part that turns automount off silences the token rule for every part before it.
  assert.equal(byRule(streamed([[pod], [rs], [binding], [deploy, sa]]), 'POD-RISKY-SA-TOKEN').length, 0);
});

test('parts read elsewhere and posted as a structured clone (what a scan worker sends) give the findings of the whole', async () => {
  const demo = resolve('test/emulators/kube/scenarios/demo.yaml');
  const objects = parseManifests(resolveRelativeTimes(await readFile(demo, 'utf8'), OPTS.now), demo).map((l) => l.object);
  const whole = detectAll(objects, OPTS);
  for (let seed = 1; seed <= 10; seed++) {
    const s = new DetectionStream(OPTS);
    for (const p of cut(objects, seed)) s.addLocal(structuredClone(localBatch(p, OPTS.platformRegistries)));
    assert.deepStrictEqual(s.finish(), whole, `seed ${seed}`);
  }
});
