// Built-in roles known offline, default bindings baselined only as Kubernetes makes them, the
// missing-role info finding, and the RBAC concerns through wildcards, resourceNames, aggregation
// and group subjects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/core/model.js';
import { byRule, findings, pod } from './helpers.js';

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };
type Subj = { kind: string; name: string; namespace?: string };
const SA: Subj = { kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' };
const ANON: Subj = { kind: 'User', name: 'system:anonymous' };
const AUTHENTICATED: Subj = { kind: 'Group', name: 'system:authenticated' };
const UNAUTHENTICATED: Subj = { kind: 'Group', name: 'system:unauthenticated' };

function clusterRole(name: string, rules: Rule[], labels: Record<string, string> = {}, aggregateFrom?: Record<string, string>): KubeObject {
  const o: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels, creationTimestamp: '2025-01-01T00:00:00Z' }, rules };
  if (aggregateFrom) o.aggregationRule = { clusterRoleSelectors: [{ matchLabels: aggregateFrom }] };
  return o;
}
function crb(name: string, roleName: string, subjects: Subj[]): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name, creationTimestamp: '2025-01-01T00:00:00Z' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects };
}
function rb(ns: string, name: string, roleName: string, subjects: Subj[], refKind = 'ClusterRole'): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: ns, creationTimestamp: '2025-01-01T00:00:00Z' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: refKind, name: roleName }, subjects };
}
const ids = (fs: { ruleId: string }[]) => new Set(fs.map((f) => f.ruleId));

test('a binding to cluster-admin is found without the role in the input (the built-in one stands in)', () => {
  const fs = findings([crb('ci-admin', 'cluster-admin', [SA])]);
  const admin = byRule(fs, 'RBAC-CLUSTER-ADMIN');
  assert.equal(admin.length, 1);
  assert.equal(admin[0]!.baseline, false);
  assert.match(admin[0]!.explanation, /ClusterRole\/cluster-admin \(built-in\)/);
  assert.deepEqual(byRule(fs, 'RBAC-ROLE-NOT-FOUND'), []);
});

test('system:anonymous bound to cluster-admin offline: high, not baseline', () => {
  const fs = findings([crb('anon-admin', 'cluster-admin', [ANON])]);
  const anon = byRule(fs, 'RBAC-ANONYMOUS-BINDING');
  assert.equal(anon.length, 1);
  assert.equal(anon[0]!.severity, 'high');
  assert.equal(anon[0]!.baseline, false);
  assert.ok(ids(fs).has('RBAC-CLUSTER-ADMIN'));
});

test('a RoleBinding to the built-in edit role resolves its aggregated rules: secrets, exec, pods, events, port-forward', () => {
  const fs = findings([rb('prod', 'ci-edit', 'edit', [SA])]);
  const got = ids(fs);
  for (const want of ['RBAC-READ-SECRETS', 'RBAC-POD-EXEC', 'RBAC-CREATE-PODS', 'RBAC-CREATE-WORKLOADS', 'RBAC-DELETE-EVENTS', 'RBAC-POD-PORT-FORWARD', 'RBAC-DELETE-RESOURCES', 'RBAC-SA-TOKEN-CREATE']) assert.ok(got.has(want), want);
  assert.ok(fs.every((f) => f.resource.name === 'ci-edit' && !f.baseline));
  assert.equal(byRule(fs, 'RBAC-READ-SECRETS')[0]!.severity, 'medium', 'namespaced secrets read is medium');
  // Near miss: the built-in view role reads no secrets and changes nothing.
  const view = ids(findings([rb('prod', 'ci-view', 'view', [SA])]));
  assert.deepEqual([...view], []);
});

test('a binding to a role neither in the input nor built in is an info finding, once per binding', () => {
  const fs = findings([crb('mystery', 'acme-operator', [SA, { kind: 'User', name: 'bob' }])]);
  const missing = byRule(fs, 'RBAC-ROLE-NOT-FOUND');
  assert.equal(missing.length, 1);
  assert.equal(missing[0]!.severity, 'info');
  assert.equal(missing[0]!.fieldValue, 'ClusterRole/acme-operator');
  assert.match(missing[0]!.explanation, /neither in the input nor a built-in/);
  // Near miss: the same binding with its role in the input.
  const given = findings([clusterRole('acme-operator', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]), crb('mystery', 'acme-operator', [SA])]);
  assert.deepEqual(byRule(given, 'RBAC-ROLE-NOT-FOUND'), []);
});

test('the default discovery bindings are baseline exactly as Kubernetes makes them', () => {
  const fs = byRule(findings([crb('system:public-info-viewer', 'system:public-info-viewer', [AUTHENTICATED, UNAUTHENTICATED])]), 'RBAC-ANONYMOUS-BINDING');
  assert.equal(fs.length, 2);
  assert.ok(fs.every((f) => f.baseline));
});

test('a system:-named binding is not baseline by its name: secrets to everyone authenticated is high', () => {
  const fs = findings([
    clusterRole('system:metrics-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
    crb('system:metrics-reader', 'system:metrics-reader', [AUTHENTICATED]),
  ]);
  const anon = byRule(fs, 'RBAC-ANONYMOUS-BINDING');
  assert.equal(anon.length, 1);
  assert.equal(anon[0]!.baseline, false);
  assert.equal(anon[0]!.severity, 'high');
  assert.equal(byRule(fs, 'RBAC-READ-SECRETS')[0]!.baseline, false);
});

test('a default binding with an added subject, or its role widened, stops being baseline', () => {
  const extraSubject = byRule(findings([crb('system:discovery', 'system:discovery', [AUTHENTICATED, ANON])]), 'RBAC-ANONYMOUS-BINDING');
  const anon = extraSubject.find((f) => f.subject?.name === 'system:anonymous')!;
  assert.equal(anon.baseline, false);
  assert.equal(anon.severity, 'medium', 'only the discovery role, as built');
  const widened = findings([
    clusterRole('system:discovery', [{ nonResourceURLs: ['/api'], verbs: ['get'] }, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
    crb('system:discovery', 'system:discovery', [AUTHENTICATED]),
  ]);
  const w = byRule(widened, 'RBAC-ANONYMOUS-BINDING')[0]!;
  assert.equal(w.baseline, false);
  assert.equal(w.severity, 'high');
  const secrets = byRule(widened, 'RBAC-READ-SECRETS')[0]!;
  assert.equal(secrets.baseline, false);
});

test('the controller manager\'s default grant is baseline; the same binding with an extra user is not', () => {
  const def = byRule(findings([crb('system:kube-controller-manager', 'system:kube-controller-manager', [{ kind: 'User', name: 'system:kube-controller-manager' }])]), 'RBAC-READ-SECRETS');
  assert.equal(def.length, 1);
  assert.equal(def[0]!.baseline, true);
  const tampered = findings([crb('system:kube-controller-manager', 'system:kube-controller-manager', [{ kind: 'User', name: 'system:kube-controller-manager' }, { kind: 'User', name: 'mallory' }])]);
  const mallory = byRule(tampered, 'RBAC-READ-SECRETS').find((f) => f.subject?.name === 'mallory')!;
  assert.equal(mallory.baseline, false);
});

test('a group bound to an aggregated ClusterRole gets the child role\'s port-forward and configmap rights', () => {
  const objs = [
    clusterRole('ops', [], {}, { 'acme.io/aggregate-to-ops': 'true' }),
    clusterRole('ops-tunnel', [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['*'] }, { apiGroups: ['*'], resources: ['configmaps'], verbs: ['update'] }], { 'acme.io/aggregate-to-ops': 'true' }),
    rb('kube-system', 'ops', 'ops', [{ kind: 'Group', name: 'ops-team' }]),
  ];
  const fs = findings(objs);
  const pf = byRule(fs, 'RBAC-POD-PORT-FORWARD')[0]!;
  assert.deepEqual(pf.subject, { kind: 'Group', name: 'ops-team', namespace: '' });
  assert.match(pf.fieldPath, /ClusterRole\/ops-tunnel/);
  assert.equal(byRule(fs, 'RBAC-KUBE-SYSTEM-CONFIGMAP-WRITE').length, 1);
  // Near miss: the same grant in another namespace cannot touch CoreDNS.
  const elsewhere = findings([objs[0]!, objs[1]!, rb('prod', 'ops', 'ops', [{ kind: 'Group', name: 'ops-team' }])]);
  assert.deepEqual(byRule(elsewhere, 'RBAC-KUBE-SYSTEM-CONFIGMAP-WRITE'), []);
});

test('resourceNames narrow a grant: still reported, one severity lower, with the names', () => {
  const named = byRule(findings([clusterRole('one-secret', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db-password'] }]), crb('b', 'one-secret', [SA])]), 'RBAC-READ-SECRETS');
  assert.equal(named.length, 1);
  assert.equal(named[0]!.severity, 'medium');
  assert.match(named[0]!.explanation, /only the objects named db-password/);
});

test('persistent volumes: creating them cluster-wide is high, a namespaced grant (which does nothing) is low', () => {
  const rule = [{ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['create'] }];
  assert.equal(byRule(findings([clusterRole('pv', rule), crb('b', 'pv', [SA])]), 'RBAC-CREATE-PERSISTENT-VOLUMES')[0]!.severity, 'high');
  assert.equal(byRule(findings([clusterRole('pv', rule), rb('ci', 'b', 'pv', [SA])]), 'RBAC-CREATE-PERSISTENT-VOLUMES')[0]!.severity, 'low');
});

test('a service account that can create pods cluster-wide is a powerful token; in one namespace it is not', () => {
  const rule = [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }];
  const mounting = pod({ serviceAccountName: 'deployer' }, { namespace: 'ci' });
  const wide = findings([clusterRole('pod-maker', rule), crb('b', 'pod-maker', [SA]), mounting]);
  assert.equal(byRule(wide, 'POD-RISKY-SA-TOKEN').length, 1);
  const narrow = findings([clusterRole('pod-maker', rule), rb('ci', 'b', 'pod-maker', [SA]), mounting]);
  assert.deepEqual(byRule(narrow, 'POD-RISKY-SA-TOKEN'), []);
});
