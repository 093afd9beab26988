import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/core/model.js';
import { DEFAULT_BASELINE, RBAC_RULES, effectivePermissions, mergeBaselines, parseBaseline } from '../../../src/core/detections/index.js';
import { byRule, findings } from './helpers.js';

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };

function clusterRole(name: string, rules: Rule[]): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, creationTimestamp: '2025-01-01T00:00:00Z' }, rules };
}

function role(ns: string, name: string, rules: Rule[]): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns, creationTimestamp: '2025-01-01T00:00:00Z' }, rules };
}

type Subj = { kind: string; name: string; namespace?: string };
const SA: Subj = { kind: 'ServiceAccount', name: 'ci', namespace: 'build' };

function crb(name: string, roleName: string, subjects: Subj[] = [SA], created = '2025-01-01T00:00:00Z'): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name, creationTimestamp: created }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects };
}

function rb(ns: string, name: string, refKind: 'Role' | 'ClusterRole', roleName: string, subjects: Subj[] = [SA]): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: ns, creationTimestamp: '2025-01-01T00:00:00Z' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: refKind, name: roleName }, subjects };
}

/** The subject gets exactly these rules cluster-wide. */
function granting(rules: Rule[]): KubeObject[] {
  return [clusterRole('r', rules), crb('b', 'r')];
}

const CASES: { rule: string; fires: Rule[]; nearMiss: Rule[] }[] = [
  { rule: 'RBAC-WILDCARD', fires: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }], nearMiss: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
  { rule: 'RBAC-READ-SECRETS', fires: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }], nearMiss: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }] },
  { rule: 'RBAC-CREATE-PODS', fires: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }], nearMiss: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] }] },
  { rule: 'RBAC-CREATE-WORKLOADS', fires: [{ apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['create'] }], nearMiss: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'update'] }] },
  { rule: 'RBAC-POD-EXEC', fires: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }], nearMiss: [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }] },
  { rule: 'RBAC-EPHEMERAL-CONTAINERS', fires: [{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] }], nearMiss: [{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['get'] }] },
  { rule: 'RBAC-ESCALATE-BIND-IMPERSONATE', fires: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }], nearMiss: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['get', 'list'] }] },
  { rule: 'RBAC-NODES-PROXY', fires: [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }], nearMiss: [{ apiGroups: [''], resources: ['nodes', 'nodes/stats'], verbs: ['get'] }] },
  { rule: 'RBAC-SA-TOKEN-CREATE', fires: [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }], nearMiss: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['create'] }] },
  { rule: 'RBAC-CSR-APPROVE', fires: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] }], nearMiss: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get'] }] },
  { rule: 'RBAC-ADMISSION-WEBHOOKS', fires: [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['patch'] }], nearMiss: [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['get', 'list'] }] },
  { rule: 'RBAC-DELETE-ALL', fires: [{ apiGroups: ['', 'apps'], resources: ['*'], verbs: ['deletecollection'] }], nearMiss: [{ apiGroups: [''], resources: ['pods'], verbs: ['delete', 'deletecollection'] }] },
  { rule: 'RBAC-DELETE-RESOURCES', fires: [{ apiGroups: [''], resources: ['secrets'], verbs: ['delete'] }], nearMiss: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'update'] }] },
  { rule: 'RBAC-DELETE-EVENTS', fires: [{ apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['deletecollection'] }], nearMiss: [{ apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] }] },
  { rule: 'RBAC-DELETE-POD-LOGS', fires: [{ apiGroups: [''], resources: ['*/log'], verbs: ['delete'] }], nearMiss: [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list'] }] },
  { rule: 'RBAC-POD-PORT-FORWARD', fires: [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }], nearMiss: [{ apiGroups: [''], resources: ['pods/status'], verbs: ['get', 'update'] }] },
  { rule: 'RBAC-KUBE-SYSTEM-CONFIGMAP-WRITE', fires: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['patch'], resourceNames: ['coredns'] }], nearMiss: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'update'], resourceNames: ['kube-controller-manager'] }] },
  { rule: 'RBAC-CREATE-PERSISTENT-VOLUMES', fires: [{ apiGroups: ['*'], resources: ['persistentvolumes'], verbs: ['create'] }], nearMiss: [{ apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['create'] }] },
];

for (const c of CASES) {
  test(`${c.rule} fires on its grant and not on the near miss`, () => {
    const hits = byRule(findings(granting(c.fires)), c.rule);
    assert.equal(hits.length, 1, JSON.stringify(findings(granting(c.fires)).map((f) => f.ruleId)));
    const f = hits[0]!;
    assert.deepEqual(f.subject, { kind: 'ServiceAccount', name: 'ci', namespace: 'build' });
    assert.deepEqual(f.bindings, ['ClusterRoleBinding/b']);
    assert.deepEqual(f.resource, { kind: 'ClusterRoleBinding', namespace: '', name: 'b', container: '' });
    assert.equal(f.fieldPath, 'ClusterRole/r rules[0]');
    assert.match(f.techniqueId, /^MS-TA9\d{3}$/);
    assert.deepEqual(byRule(findings(granting(c.nearMiss)), c.rule), []);
  });
}

test('every RBAC rule has a test', () => {
  // The two rules on built-in roles and bindings are tested in rbacBuiltin.test.ts.
  const covered = new Set([...CASES.map((c) => c.rule), 'RBAC-CLUSTER-ADMIN', 'RBAC-ANONYMOUS-BINDING', 'RBAC-ROLE-NOT-FOUND']);
  assert.deepEqual(Object.values(RBAC_RULES).map((r) => r.id).filter((id) => !covered.has(id)), []);
});

const CLUSTER_ADMIN = clusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }]);

test('cluster-admin: one finding, not a dozen implied ones; recent when the binding is new', () => {
  const fs = findings([CLUSTER_ADMIN, crb('default-admin', 'cluster-admin', [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }], '2026-11-27T02:10:00Z')]);
  assert.deepEqual(fs.map((f) => f.ruleId), ['RBAC-CLUSTER-ADMIN']);
  assert.equal(fs[0]!.techniqueId, 'MS-TA9019');
  assert.equal(fs[0]!.recent, true);
  assert.equal(fs[0]!.baseline, false);
  assert.equal(fs[0]!.eventTime, '2026-11-27T02:10:00.0000000Z');
});

test('near miss: a cluster-admin binding older than the since-window is not recent', () => {
  const fs = findings([CLUSTER_ADMIN, crb('old-admin', 'cluster-admin', [{ kind: 'User', name: 'alice@contoso.com' }], '2026-01-01T00:00:00Z')]);
  assert.equal(fs[0]!.ruleId, 'RBAC-CLUSTER-ADMIN');
  assert.equal(fs[0]!.recent, false);
});

test('the bootstrap cluster-admin binding to system:masters is baseline; a full wildcard under another name is RBAC-WILDCARD', () => {
  const boot = findings([CLUSTER_ADMIN, crb('cluster-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters' }])]);
  assert.equal(boot.length, 1);
  assert.equal(boot[0]!.ruleId, 'RBAC-CLUSTER-ADMIN');
  assert.equal(boot[0]!.baseline, true);
  const god = findings(granting([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]));
  assert.deepEqual(god.map((f) => f.ruleId), ['RBAC-WILDCARD']);
});

test('bindings to anonymous and all-authenticated users are found; the bootstrap discovery bindings are baseline', () => {
  const viewer = clusterRole('view', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
  const bad = findings([viewer, crb('anon-view', 'view', [{ kind: 'User', name: 'system:anonymous' }])]);
  const anon = byRule(bad, 'RBAC-ANONYMOUS-BINDING');
  assert.equal(anon.length, 1);
  assert.equal(anon[0]!.baseline, false);
  assert.equal(anon[0]!.techniqueId, 'MS-TA9005');
  const discovery = clusterRole('system:discovery', [{ nonResourceURLs: ['/api', '/version'], verbs: ['get'] }]);
  const boot = byRule(findings([discovery, crb('system:discovery', 'system:discovery', [{ kind: 'Group', name: 'system:authenticated' }])]), 'RBAC-ANONYMOUS-BINDING');
  assert.equal(boot.length, 1);
  assert.equal(boot[0]!.baseline, true);
  // Near miss: an ordinary group is not "everyone".
  assert.deepEqual(byRule(findings([viewer, crb('devs-view', 'view', [{ kind: 'Group', name: 'developers' }])]), 'RBAC-ANONYMOUS-BINDING'), []);
});

test('permissions are aggregated per subject across bindings, scoped per namespace', () => {
  const objs = [
    role('prod', 'secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
    clusterRole('pod-exec', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]),
    rb('prod', 'read-secrets', 'Role', 'secret-reader'),
    rb('prod', 'exec', 'ClusterRole', 'pod-exec'),
    rb('stage', 'exec', 'ClusterRole', 'pod-exec'),
  ];
  const fs = findings(objs);
  const secrets = byRule(fs, 'RBAC-READ-SECRETS');
  assert.equal(secrets.length, 1);
  assert.equal(secrets[0]!.resource.namespace, 'prod');
  assert.equal(secrets[0]!.severity, 'medium', 'namespaced secret access is medium; cluster-wide is high');
  assert.deepEqual(byRule(fs, 'RBAC-POD-EXEC').map((f) => f.resource.namespace).sort(), ['prod', 'stage']);
  assert.equal(effectivePermissions({ roles: [objs[0]!], clusterRoles: [objs[1]!], roleBindings: objs.slice(2), clusterRoleBindings: [] }).length, 1, 'one subject');
});

test('aggregated ClusterRoles are resolved through their label selectors', () => {
  const parent: KubeObject = {
    kind: 'ClusterRole',
    metadata: { name: 'monitoring', creationTimestamp: '2025-01-01T00:00:00Z' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
    rules: [],
  };
  const child: KubeObject = {
    kind: 'ClusterRole',
    metadata: { name: 'monitoring-secrets', labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['watch'] }],
  };
  const unrelated: KubeObject = { kind: 'ClusterRole', metadata: { name: 'other', labels: { x: 'y' } }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] };
  const fs = findings([parent, child, unrelated, crb('mon', 'monitoring')]);
  const hit = byRule(fs, 'RBAC-READ-SECRETS');
  assert.equal(hit.length, 1);
  assert.equal(hit[0]!.fieldPath, 'ClusterRole/monitoring-secrets rules[0]');
  assert.deepEqual(byRule(fs, 'RBAC-CREATE-PODS'), [], 'the unselected role is not aggregated');
});

test('a role created within the window marks the grant recent even when the binding is old', () => {
  const fresh = clusterRole('fresh', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
  fresh.metadata!.creationTimestamp = '2026-11-27T02:55:00Z';
  const f = byRule(findings([fresh, crb('b', 'fresh')]), 'RBAC-READ-SECRETS')[0]!;
  assert.equal(f.recent, true);
});

test('a ServiceAccount subject without a namespace takes the RoleBinding\'s', () => {
  const objs = [role('team', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]), rb('team', 'b', 'Role', 'r', [{ kind: 'ServiceAccount', name: 'deployer' }])];
  assert.deepEqual(byRule(findings(objs), 'RBAC-CREATE-PODS')[0]!.subject, { kind: 'ServiceAccount', name: 'deployer', namespace: 'team' });
});

test('a pod mounting the token of a risky service account is flagged; with automount off it is not', () => {
  const objs = [CLUSTER_ADMIN, crb('ci-admin', 'cluster-admin')];
  const p: KubeObject = { kind: 'Pod', metadata: { name: 'runner', namespace: 'build', ownerReferences: [{ kind: 'Job', name: 'j' }] }, spec: { serviceAccountName: 'ci', containers: [{ name: 'c', image: 'x.azurecr.io/runner:1' }] } };
  const hit = byRule(findings([...objs, p]), 'POD-RISKY-SA-TOKEN');
  assert.equal(hit.length, 1);
  assert.equal(hit[0]!.techniqueId, 'MS-TA9016');
  assert.match(hit[0]!.explanation, /cluster-admin/);
  const sa: KubeObject = { kind: 'ServiceAccount', metadata: { name: 'ci', namespace: 'build' }, automountServiceAccountToken: false };
  assert.deepEqual(byRule(findings([...objs, sa, p]), 'POD-RISKY-SA-TOKEN'), [], 'service account disables automount');
  const projected = { ...p, spec: { ...(p.spec as object), automountServiceAccountToken: false, volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }] } };
  assert.equal(byRule(findings([...objs, projected]), 'POD-RISKY-SA-TOKEN').length, 1, 'a projected token volume mounts it anyway');
  const other = { ...p, spec: { ...(p.spec as object), serviceAccountName: 'reader' } };
  assert.deepEqual(byRule(findings([...objs, other]), 'POD-RISKY-SA-TOKEN'), [], 'a different service account');
});

test('platform grants from the baseline file are marked baseline; other subjects of the same binding are not', () => {
  const objs = [CLUSTER_ADMIN, crb('aks-cluster-admin-binding', 'cluster-admin', [{ kind: 'User', name: 'clusterAdmin' }, { kind: 'User', name: 'mallory' }])];
  const fs = byRule(findings(objs), 'RBAC-CLUSTER-ADMIN');
  assert.deepEqual(fs.map((f) => [f.subject!.name, f.baseline]).sort(), [['clusterAdmin', true], ['mallory', false]]);
  const mine = parseBaseline({ workloads: [], rbac: { serviceAccounts: [{ namespace: 'build', names: ['ci'] }] } }, 'mine.yaml');
  const ci = findings(granting([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]), { baseline: mergeBaselines(DEFAULT_BASELINE, mine) });
  assert.equal(byRule(ci, 'RBAC-READ-SECRETS')[0]!.baseline, true);
  assert.throws(() => parseBaseline({ workloads: [], rbac: { bindings: [{ name: 'x' }] } }, 'bad.yaml'), /bad\.yaml: rbac\.bindings entries need/);
});
