// The audit rules: each fires on a request a responder must see and stays silent on its near miss
// (a control-plane identity, a denied request, a controller's pod, a config map instead of a secret ...).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_RULES, POD_RULES } from '../../../../src/core/detections/index.js';
import { auditFindings, type AuditEvent, type AzureDetectContext } from '../../../../src/core/detections/azure/index.js';
import { audit, cited } from './fixtures.js';

const CTX: AzureDetectContext = {
  podCidrs: ['10.244.0.0/16'],
  pods: [{ ip: '10.244.1.17', namespace: 'prod-web', name: 'web-7d9c-abcde', serviceAccount: 'web' }],
};
const ruleIds = (events: AuditEvent[], ctx = CTX) => auditFindings(cited(events), ctx).map((f) => f.ruleId).sort();

const privilegedPod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dbg' },
  spec: { hostPID: true, containers: [{ name: 'c', image: 'alpine', securityContext: { privileged: true } }], volumes: [{ name: 'root', hostPath: { path: '/' } }] },
};
const CONTROLLER = 'system:serviceaccount:kube-system:replicaset-controller';
const crb = (role: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'backup-operator' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'prod-web' }],
});

// [rule, what fires, its near miss]
const CASES: [string, AuditEvent[], AuditEvent[]][] = [
  [AUDIT_RULES.exec.id,
    [audit({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'prod-web', name: 'web-1', code: 101, uri: '/api/v1/namespaces/prod-web/pods/web-1/exec?command=sh&container=web&stdin=true&tty=true' })],
    [audit({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'prod-web', name: 'web-1', code: 403 })]],
  [AUDIT_RULES.debugContainer.id,
    [audit({ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'prod-web', name: 'web-1', requestObject: { spec: { ephemeralContainers: [{ name: 'debugger-x', image: 'busybox' }] } } })],
    [audit({ verb: 'get', resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'prod-web', name: 'web-1' }), audit({ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'prod-web', name: 'web-1', code: 403 })]],
  [AUDIT_RULES.portForward.id,
    [audit({ verb: 'create', resource: 'pods', subresource: 'portforward', namespace: 'db', name: 'pg-0', code: 101, uri: '/api/v1/namespaces/db/pods/pg-0/portforward?ports=5432' })],
    [audit({ verb: 'get', resource: 'pods', namespace: 'db', name: 'pg-0' })]],
  [AUDIT_RULES.secrets.id,
    [audit({ verb: 'list', resource: 'secrets' })],
    [audit({ verb: 'list', resource: 'configmaps' }), audit({ verb: 'list', resource: 'secrets', user: 'system:kube-controller-manager' }), audit({ verb: 'list', resource: 'secrets', code: 403 })]],
  [AUDIT_RULES.binding.id,
    [audit({ verb: 'create', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', requestObject: crb('cluster-admin'), code: 201 })],
    [audit({ verb: 'create', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', requestObject: crb('view'), code: 201 })]],
  [AUDIT_RULES.anonymous.id,
    [audit({ verb: 'list', resource: 'pods', user: 'system:anonymous', groups: ['system:unauthenticated'] })],
    [audit({ verb: 'get', user: 'system:anonymous', groups: ['system:unauthenticated'], uri: '/healthz' }), audit({ verb: 'list', resource: 'pods', user: 'system:anonymous', groups: ['system:unauthenticated'], code: 401 })]],
  [AUDIT_RULES.privilegedPod.id,
    [audit({ verb: 'create', resource: 'pods', namespace: 'default', requestObject: privilegedPod, code: 201 })],
    [audit({ verb: 'create', resource: 'pods', namespace: 'default', requestObject: privilegedPod, code: 201, user: CONTROLLER })]],
  [AUDIT_RULES.tokenRequest.id,
    [audit({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'prod-web', name: 'web', code: 201 })],
    [audit({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'prod-web', name: 'web', code: 201, user: 'system:node:aks-nodepool1-12345678-vmss000000', groups: ['system:nodes'] })]],
  [AUDIT_RULES.deleteEvents.id,
    [audit({ verb: 'deletecollection', resource: 'events', namespace: 'prod-web' })],
    [audit({ verb: 'deletecollection', resource: 'events', namespace: 'gone', user: 'system:serviceaccount:kube-system:namespace-controller' }), audit({ verb: 'delete', resource: 'pods', namespace: 'prod-web', name: 'x' })]],
  [AUDIT_RULES.kubeSystemWorkload.id,
    [audit({ verb: 'create', resource: 'daemonsets', apiGroup: 'apps', namespace: 'kube-system', name: 'kube-proxy-helper', code: 201 })],
    [audit({ verb: 'create', resource: 'daemonsets', apiGroup: 'apps', namespace: 'kube-system', name: 'ama-logs', code: 201, user: 'aksService', groups: ['system:masters'] }), audit({ verb: 'create', resource: 'daemonsets', apiGroup: 'apps', namespace: 'monitoring', name: 'node-exporter', code: 201 })]],
  [AUDIT_RULES.fromPod.id,
    [audit({ verb: 'list', resource: 'pods', user: 'system:serviceaccount:prod-web:default', ips: ['10.244.1.17'], ua: 'Go-client' })],
    [audit({ verb: 'list', resource: 'pods', user: 'system:serviceaccount:prod-web:web', ips: ['10.244.1.17'], ua: 'Go-client' })]],
  [AUDIT_RULES.scriptedClient.id,
    [audit({ verb: 'get', resource: 'namespaces', ua: 'curl/8.5.0' })],
    [audit({ verb: 'get', resource: 'namespaces', ua: 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350' }), audit({ verb: 'get', uri: '/version', user: 'system:anonymous', groups: ['system:unauthenticated'], ua: 'curl/8.5.0' })]],
];

for (const [rule, fires, nearMiss] of CASES) {
  test(`${rule} fires`, () => assert.ok(ruleIds(fires).includes(rule), `${rule} did not fire: ${ruleIds(fires).join(', ')}`));
  test(`${rule} stays silent on its near miss`, () => assert.ok(!ruleIds(nearMiss).includes(rule), `${rule} fired on the near miss`));
}

test('an exec finding names who, from where, with which client and command, and cites its records', () => {
  const uri = '/api/v1/namespaces/prod-web/pods/web-1/exec?command=%2Fbin%2Fsh&command=-c&command=id&container=web';
  const received = audit({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'prod-web', name: 'web-1', uri, stage: 'RequestReceived', auditID: 'a-1' });
  const started = audit({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'prod-web', name: 'web-1', uri, stage: 'ResponseStarted', code: 101, auditID: 'a-1', time: '2026-12-01T14:10:01.000000Z' });
  const [f, ...rest] = auditFindings(cited([received, started]), CTX);
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.equal(f.ruleId, 'AUDIT-POD-EXEC');
  assert.equal(f.techniqueId, 'MS-TA9006');
  assert.equal(f.identity, 'mallory@contoso.example');
  assert.deepEqual(f.sourceIps, ['203.0.113.50']);
  assert.match(f.userAgent, /^kubectl\//);
  assert.equal(f.resource.container, 'web');
  assert.equal(f.fieldValue, '/bin/sh -c id');
  // Two stages of one request: both cited, counted once.
  assert.deepEqual(f.cites, ['snap/kubeaudit_CL/000000001', 'snap/kubeaudit_CL/000000002']);
  assert.equal(f.count, 1);
  assert.equal(f.eventTime, '2026-12-01T14:10:00.1234560Z');
  assert.match(f.explanation, /mallory@contoso\.example from 203\.0\.113\.50/);
});

test('repeated secret reads by one identity fold into one finding whose count matches its distinct cited requests', () => {
  const reads = Array.from({ length: 40 }, (_, i) => audit({ verb: 'get', resource: 'secrets', namespace: 'prod-web', name: 'db-password', time: `2026-12-01T14:${String(10 + (i % 40)).padStart(2, '0')}:00.000000Z` }));
  const other = audit({ verb: 'get', resource: 'secrets', namespace: 'prod-web', name: 'db-password', user: 'eve@contoso.example' });
  const denied = audit({ verb: 'get', resource: 'secrets', namespace: 'prod-web', name: 'db-password', code: 403 });
  const found = auditFindings(cited([...reads, other, denied]), CTX).filter((f) => f.ruleId === AUDIT_RULES.secrets.id);
  assert.equal(found.length, 2);
  const mallory = found.find((f) => f.identity === 'mallory@contoso.example')!;
  assert.equal(mallory.count, 40);
  assert.equal(mallory.cites.length, 40);
  assert.equal(mallory.severity, 'medium');
  assert.equal(mallory.eventTime, '2026-12-01T14:10:00.0000000Z');
  assert.equal(mallory.lastTime, '2026-12-01T14:49:00.0000000Z');
  // The denied read is not among the cites.
  assert.ok(!mallory.cites.includes('snap/kubeaudit_CL/000000042'));
});

test('a list of every secret is high; the AKS local admin account is judged, and the finding says whose credential it is', () => {
  const [f] = auditFindings(cited([audit({ verb: 'list', resource: 'secrets', user: 'masterclient', groups: ['system:masters', 'system:authenticated'] })]), CTX);
  assert.equal(f?.severity, 'high');
  assert.match(f!.explanation, /listClusterAdminCredential/);
});

test('an impersonated request by a control-plane name is judged as the person behind it', () => {
  const ev = audit({ verb: 'list', resource: 'secrets', user: 'mallory@contoso.example', impersonate: 'system:kube-controller-manager' });
  const [f] = auditFindings(cited([ev]), CTX);
  assert.equal(f?.identity, 'mallory@contoso.example (as system:kube-controller-manager)');
  const spoof = audit({ verb: 'list', resource: 'secrets', user: 'system:kube-controller-manager', impersonate: 'x' });
  assert.equal(auditFindings(cited([spoof]), CTX).length, 1);
});

test('a binding to a role the same log shows granting escalate fires; the subject is named', () => {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'helper' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate', 'bind'] }] };
  const events = [
    audit({ verb: 'create', resource: 'clusterroles', apiGroup: 'rbac.authorization.k8s.io', requestObject: role, code: 201 }),
    audit({ verb: 'create', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', requestObject: crb('helper'), code: 201 }),
  ];
  const [f] = auditFindings(cited(events), CTX);
  assert.equal(f?.ruleId, AUDIT_RULES.binding.id);
  assert.equal(f?.severity, 'high');
  assert.deepEqual(f?.subject, { kind: 'ServiceAccount', name: 'default', namespace: 'prod-web' });
  assert.match(f!.explanation, /bind or escalate/);
});

test('the control plane reconciling cluster-admin for system:masters is its own; the same identity granting it to a workload is not', () => {
  const masters = { ...crb('cluster-admin'), metadata: { name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters', apiGroup: 'rbac.authorization.k8s.io' }] };
  const reconcile = audit({ verb: 'update', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', name: 'cluster-admin', requestObject: masters, user: 'system:apiserver' });
  assert.equal(auditFindings(cited([reconcile]), CTX).length, 0);
  const grant = audit({ verb: 'create', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', requestObject: crb('cluster-admin'), code: 201, user: 'aksService' });
  assert.equal(auditFindings(cited([grant]), CTX)[0]?.ruleId, AUDIT_RULES.binding.id);
});

test('a patch of a binding with a partial body is judged by the binding the log stored earlier, or by its response', () => {
  const create = audit({ verb: 'create', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', name: 'backup-operator', requestObject: crb('cluster-admin'), code: 201, user: 'system:serviceaccount:kube-system:installer' });
  const patch = audit({ verb: 'patch', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', name: 'backup-operator', requestObject: { subjects: [{ kind: 'User', name: 'eve' }] } });
  const found = auditFindings(cited([create, patch]), CTX).filter((f) => f.ruleId === AUDIT_RULES.binding.id);
  assert.equal(found.length, 2, 'the platform-made create is still a cluster-admin binding; the patch is judged through it');
  const patchOnly = audit({ verb: 'patch', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', name: 'x', requestObject: { subjects: [] }, responseObject: crb('cluster-admin') });
  assert.equal(auditFindings(cited([patchOnly]), CTX)[0]?.ruleId, AUDIT_RULES.binding.id);
});

test('a user-created pod reuses the pod rules: the technique follows the worst hit, owner references a user writes do not excuse it', () => {
  const faked = { ...privilegedPod, metadata: { name: 'dbg', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', controller: true }] } };
  const [f] = auditFindings(cited([audit({ verb: 'create', resource: 'pods', namespace: 'default', requestObject: faked, code: 201 })]), CTX);
  assert.equal(f?.ruleId, AUDIT_RULES.privilegedPod.id);
  assert.equal(f?.severity, 'high');
  assert.ok([POD_RULES.privileged.techniqueId, POD_RULES.hostPathSensitive.techniqueId].includes(f!.techniqueId));
  assert.match(f!.explanation, /Privileged container/);
  assert.match(f!.explanation, /Host PID namespace/);
  // A pod with none of it, by a user: nothing.
  const plain = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ok' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  assert.equal(auditFindings(cited([audit({ verb: 'create', resource: 'pods', namespace: 'default', requestObject: plain, code: 201 })]), CTX).length, 0);
});

test('a CronJob in kube-system carries the CronJob persistence technique', () => {
  const [f] = auditFindings(cited([audit({ verb: 'create', resource: 'cronjobs', apiGroup: 'batch', namespace: 'kube-system', name: 'kube-cleanup', code: 201 })]), CTX);
  assert.equal(f?.techniqueId, 'MS-TA9014');
});

test('requests from a pod address with only the CIDR known: a user identity is high, a service account is presumed its own pod\'s', () => {
  const ctx: AzureDetectContext = { podCidrs: ['10.244.0.0/16', 'fd00:10:244::/56'] };
  const user = auditFindings(cited([audit({ verb: 'list', resource: 'nodes', ips: ['10.244.3.9'] })]), ctx).find((f) => f.ruleId === AUDIT_RULES.fromPod.id);
  assert.equal(user?.severity, 'high');
  const sa = auditFindings(cited([audit({ verb: 'list', resource: 'nodes', ips: ['fd00:10:244:0:0:0:0:9'], user: 'system:serviceaccount:app:runner' })]), ctx).find((f) => f.ruleId === AUDIT_RULES.fromPod.id);
  assert.equal(sa, undefined);
  const user6 = auditFindings(cited([audit({ verb: 'list', resource: 'nodes', ips: ['fd00:10:244::9'] })]), ctx).find((f) => f.ruleId === AUDIT_RULES.fromPod.id);
  assert.equal(user6?.severity, 'high', 'the short and long IPv6 forms are one address');
  assert.equal(auditFindings(cited([audit({ verb: 'list', resource: 'nodes', ips: ['10.245.0.1'] })]), ctx).filter((f) => f.ruleId === AUDIT_RULES.fromPod.id).length, 0);
});

test('python and raw HTTP clients are medium for users and silent for the platform; curl and wget are high for anyone', () => {
  const py = auditFindings(cited([audit({ verb: 'list', resource: 'pods', ua: 'OpenAPI-Generator/29.0.0/python' })]), CTX)[0];
  assert.equal(py?.severity, 'medium');
  assert.equal(auditFindings(cited([audit({ verb: 'list', resource: 'pods', ua: 'python-requests/2.31', user: 'system:serviceaccount:kube-system:addon' })]), CTX).length, 0);
  const stolen = auditFindings(cited([audit({ verb: 'list', resource: 'pods', ua: 'curl/8.5.0', user: 'system:serviceaccount:kube-system:coredns' })]), CTX)[0];
  assert.equal(stolen?.severity, 'high');
  assert.equal(stolen?.ruleId, AUDIT_RULES.scriptedClient.id);
});

test('platform identities from the context are the platform\'s own', () => {
  const ev = audit({ verb: 'list', resource: 'secrets', user: 'system:serviceaccount:flux-system:helm-controller' });
  assert.equal(auditFindings(cited([ev]), CTX).length, 1);
  assert.equal(auditFindings(cited([ev]), { ...CTX, platformIdentities: ['system:serviceaccount:flux-system:*'] }).length, 0);
});

test('refused requests by curl are their own finding, one step lower: the stolen token tried', () => {
  const refused = audit({ verb: 'list', resource: 'secrets', namespace: 'kube-system', ua: 'curl/8.5.0', code: 403, user: 'system:serviceaccount:prod-web:web-frontend' });
  const allowed = audit({ verb: 'get', resource: 'namespaces', ua: 'curl/8.5.0', user: 'system:serviceaccount:prod-web:web-frontend' });
  const found = auditFindings(cited([refused, allowed]), CTX).filter((f) => f.ruleId === AUDIT_RULES.scriptedClient.id);
  assert.deepEqual(found.map((f) => [f.severity, f.count, f.explanation.startsWith('Refused')]), [['medium', 1, true], ['high', 1, false]]);
  // The refused list of secrets is no secrets finding.
  assert.equal(auditFindings(cited([refused]), CTX).filter((f) => f.ruleId === AUDIT_RULES.secrets.id).length, 0);
});
