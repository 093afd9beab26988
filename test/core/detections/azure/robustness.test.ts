// Attacker-shaped input: malformed records must not throw (a value of the wrong type reads as
// absent), and a busy audit log of ordinary control-plane traffic must produce no findings at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activityFindings, alertFindings, auditFindings, type AzureDetectContext, type AzureFinding, type CitedActivityEvent, type CitedAlert, type CitedAuditEvent } from '../../../../src/core/detections/azure/index.js';
import { activity, alert, audit, cited, CLUSTER_ID } from './fixtures.js';

const CTX: AzureDetectContext = {
  clusterResourceId: CLUSTER_ID,
  podCidrs: ['10.244.0.0/16', 'not-a-cidr', '10.0.0.0/99'],
  pods: [{ ip: '10.244.0.10', namespace: 'kube-system', name: 'coredns-abc', serviceAccount: 'coredns' }, { ip: 'garbage', namespace: 'x', name: 'y', serviceAccount: 'z' }],
};

const MALFORMED: unknown[] = [
  null, undefined, 42, 'text', [], [1, 2], {},
  { user: 'mallory', verb: 7, objectRef: [], sourceIPs: '1.2.3.4', responseStatus: { code: '200' } },
  { verb: 'create', objectRef: { resource: 'pods', namespace: 5 }, requestObject: { spec: 'x' }, responseStatus: { code: 201 } },
  { verb: 'create', objectRef: { resource: 'pods' }, requestObject: { kind: 'Pod', metadata: [], spec: { containers: null, volumes: 'v' } }, responseStatus: { code: 201 } },
  { verb: 'create', objectRef: { resource: 'pods' }, requestObject: { spec: { containers: [null, 3, { securityContext: 'privileged' }] } }, responseStatus: { code: 201 } },
  { verb: 'create', objectRef: { resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io' }, requestObject: { kind: 'ClusterRoleBinding', metadata: {}, roleRef: 5, subjects: {} }, responseStatus: { code: 201 } },
  { verb: 'create', objectRef: { resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io' }, requestObject: { kind: 'ClusterRoleBinding', metadata: { name: {} }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [null, { kind: 1 }] }, responseStatus: { code: 201 } },
  { verb: 'create', objectRef: { resource: 'clusterroles', apiGroup: 'rbac.authorization.k8s.io' }, requestObject: { kind: 'ClusterRole', metadata: { name: 'r' }, rules: 'all', aggregationRule: { clusterRoleSelectors: 'x' } }, responseStatus: { code: 201 } },
  { verb: 'create', objectRef: { resource: 'pods', subresource: 'exec', name: 'p' }, requestURI: '/api/v1/pods/p/exec?command=%E0%A4%A&container=%', responseStatus: { code: 101 } },
  { verb: 'get', user: { username: 'system:anonymous', groups: 'system:unauthenticated' }, requestURI: 12, annotations: 7 },
  { verb: 'list', user: { username: 'x', groups: [1, null] }, impersonatedUser: 'root', sourceIPs: [null, '10.244.1.1', {}], userAgent: { a: 1 }, requestReceivedTimestamp: '2026-99-99T99:99:99Z', objectRef: { resource: 'secrets' }, responseStatus: { code: 200 } },
  JSON.parse('{"__proto__": {"polluted": true}, "verb": "list", "objectRef": {"resource": "secrets"}, "responseStatus": {"code": 200}, "user": {"username": "u"}}'),
  { verb: 'list', objectRef: { resource: 'secrets' }, responseStatus: { code: Number.NaN }, user: { username: 'u' }, userAgent: 'curl/8'.repeat(50_000) },
];

test('malformed audit events never throw, and what they yield is well formed', () => {
  const items = [...MALFORMED.map((event, i) => ({ event, cite: `c${i}` })), null, { cite: 5 }, {}] as unknown as CitedAuditEvent[];
  const found = auditFindings(items, CTX);
  for (const f of found) wellFormed(f);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('malformed Activity Log events and alerts never throw', () => {
  const weird: unknown[] = [...MALFORMED, { operationName: 'listClusterAdminCredential' }, { operationName: { value: 5 }, status: 'Succeeded', caller: {} },
    { operationName: { value: 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action' }, httpRequest: 'x', claims: [], eventTimestamp: 5 }];
  const acts = activityFindings(weird.map((event, i) => ({ event, cite: `a${i}` })) as CitedActivityEvent[], CTX);
  acts.forEach(wellFormed);
  assert.equal(acts.length, 1, 'the one record that names the operation is still a finding');
  const alerts = alertFindings([...weird.map((a, i) => ({ alert: a, cite: `s${i}` })), { alert: { properties: { entities: [null, 1, { Type: 'K8s-pod', Namespace: { $ref: 'nowhere' } }], severity: 9 } }, cite: 'z' }] as CitedAlert[], {});
  alerts.forEach(wellFormed);
});

test('mutated events (every field swapped for a value of another type) never throw', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const junk = () => [null, 0, -1, 'x', '', [], {}, [null], { code: 'x' }, true, '../../etc/passwd', '\u0000\u2028'][Math.floor(rand() * 12)];
  const mutate = (o: unknown, depth = 0): unknown => {
    if (Array.isArray(o)) return o.map((x) => (rand() < 0.2 ? junk() : mutate(x, depth + 1)));
    if (o && typeof o === 'object') return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, rand() < 0.2 ? junk() : mutate(v, depth + 1)]));
    return o;
  };
  const pod = { kind: 'Pod', metadata: { name: 'p' }, spec: { hostPID: true, containers: [{ name: 'c', securityContext: { privileged: true } }], volumes: [{ hostPath: { path: '/' } }] } };
  const bases = [
    audit({ verb: 'create', resource: 'pods', namespace: 'default', requestObject: pod, code: 201 }),
    audit({ verb: 'create', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', requestObject: { kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'u' }] }, code: 201 }),
    audit({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'a', name: 'b', code: 101, uri: '/api/v1/namespaces/a/pods/b/exec?command=sh' }),
  ];
  const events = Array.from({ length: 3000 }, (_, i) => ({ event: mutate(bases[i % bases.length]), cite: `m${i}` })) as CitedAuditEvent[];
  auditFindings(events, CTX).forEach(wellFormed);
  const acts = Array.from({ length: 1000 }, (_, i) => ({ event: mutate(activity({ op: 'Microsoft.ContainerService/managedClusters/runCommand/action' })), cite: `x${i}` })) as CitedActivityEvent[];
  activityFindings(acts, CTX).forEach(wellFormed);
  const alerts = Array.from({ length: 1000 }, (_, i) => ({ alert: mutate(alert('K8S.NODE_CryptoCoinMinerArtifacts', 'High')), cite: `y${i}` })) as CitedAlert[];
  alertFindings(alerts, {}).forEach(wellFormed);
});

function wellFormed(f: AzureFinding): void {
  for (const k of ['ruleId', 'title', 'severity', 'techniqueId', 'fieldPath', 'fieldValue', 'explanation', 'identity', 'userAgent'] as const) assert.equal(typeof f[k], 'string', k);
  assert.ok(f.count >= 1 && f.cites.length >= f.count, 'every counted request is cited');
  assert.ok(f.fieldValue.length <= 513 && !/[\n\r\u2028]/.test(f.explanation), 'values are cut and on one line');
}

/** A busy hour of a healthy AKS cluster: the control plane, kubelets, add-ons, probes and a developer's reads. */
function ordinaryTraffic(n: number): CitedAuditEvent[] {
  const nodes = ['aks-nodepool1-12345678-vmss000000', 'aks-nodepool1-12345678-vmss000001'];
  const kubeProxyPod = { kind: 'Pod', metadata: { name: 'kube-proxy-x', namespace: 'kube-system', ownerReferences: [{ kind: 'DaemonSet', name: 'kube-proxy', controller: true }] },
    spec: { hostNetwork: true, containers: [{ name: 'kube-proxy', image: 'mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.2', securityContext: { privileged: true } }], volumes: [{ name: 'lib', hostPath: { path: '/lib/modules' } }] } };
  const makers: ((i: number) => ReturnType<typeof audit>)[] = [
    () => audit({ user: 'system:kube-controller-manager', verb: 'watch', resource: 'secrets', ips: ['172.31.0.4'], ua: 'kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3968350' }),
    () => audit({ user: 'system:kube-scheduler', verb: 'create', resource: 'pods', subresource: 'binding', namespace: 'prod-web', name: 'web-1', code: 201, ips: ['172.31.0.4'], ua: 'kube-scheduler/v1.30.2' }),
    (i) => audit({ user: `system:node:${nodes[i % 2]}`, groups: ['system:nodes', 'system:authenticated'], verb: 'get', resource: 'secrets', namespace: 'prod-web', name: 'web-tls', ips: ['10.224.0.4'], ua: 'kubelet/v1.30.2 (linux/amd64) kubernetes/3968350' }),
    (i) => audit({ user: `system:node:${nodes[i % 2]}`, groups: ['system:nodes'], verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'prod-web', name: 'web', code: 201, ips: ['10.224.0.5'], ua: 'kubelet/v1.30.2' }),
    (i) => audit({ user: `system:node:${nodes[i % 2]}`, groups: ['system:nodes'], verb: 'patch', resource: 'nodes', subresource: 'status', name: nodes[i % 2], ips: ['10.224.0.4'], ua: 'kubelet/v1.30.2' }),
    () => audit({ user: 'system:serviceaccount:kube-system:daemon-set-controller', verb: 'create', resource: 'pods', namespace: 'kube-system', requestObject: kubeProxyPod, code: 201, ips: ['172.31.0.4'], ua: 'kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3968350/system:serviceaccount:kube-system:daemon-set-controller' }),
    () => audit({ user: 'system:serviceaccount:kube-system:namespace-controller', verb: 'deletecollection', resource: 'events', namespace: 'ci-1234', ips: ['172.31.0.4'], ua: 'kube-controller-manager/v1.30.2' }),
    () => audit({ user: 'system:serviceaccount:kube-system:coredns', verb: 'watch', resource: 'endpointslices', apiGroup: 'discovery.k8s.io', ips: ['10.244.0.10'], ua: 'coredns/v1.11.1' }),
    () => audit({ user: 'system:serviceaccount:kube-system:metrics-server', verb: 'list', resource: 'nodes', ips: ['10.244.0.11'], ua: 'metrics-server/v0.7.1' }),
    () => audit({ user: 'system:serviceaccount:kube-system:ama-logs', verb: 'list', resource: 'secrets', namespace: 'kube-system', ips: ['10.244.0.12'], ua: 'Go-http-client/2.0' }),
    () => audit({ user: 'aksService', groups: ['system:masters'], verb: 'create', resource: 'daemonsets', apiGroup: 'apps', namespace: 'kube-system', name: 'ama-logs', code: 201, ips: ['172.31.0.9'], ua: 'addon-manager/v1' }),
    () => audit({ user: 'system:apiserver', verb: 'get', resource: 'namespaces', name: 'default', ips: ['::1'], ua: 'kube-apiserver/v1.30.2' }),
    () => audit({ user: 'system:anonymous', groups: ['system:unauthenticated'], verb: 'get', uri: '/readyz', ips: ['168.63.129.16'], ua: 'Go-http-client/1.1' }),
    () => audit({ user: 'system:anonymous', groups: ['system:unauthenticated'], verb: 'get', uri: '/livez?verbose', ips: ['168.63.129.16'], ua: 'curl/7.88' }),
    () => audit({ user: 'dev@contoso.example', verb: 'list', resource: 'pods', namespace: 'prod-web', ips: ['203.0.113.80'], ua: 'kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350' }),
    () => audit({ user: 'dev@contoso.example', verb: 'get', resource: 'configmaps', namespace: 'prod-web', name: 'web-config', ips: ['203.0.113.80'], ua: 'kubectl/v1.30.2' }),
    () => audit({ user: 'dev@contoso.example', verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'prod-web', name: 'web-1', code: 403, ips: ['203.0.113.80'], ua: 'kubectl/v1.30.2' }),
    () => audit({ user: 'system:serviceaccount:prod-web:web', verb: 'get', resource: 'configmaps', namespace: 'prod-web', name: 'flags', ips: ['10.244.1.17'], ua: 'web/1.0' }),
  ];
  return cited(Array.from({ length: n }, (_, i) => makers[i % makers.length]!(i)));
}

test('a busy audit log of ordinary control-plane, kubelet, add-on and developer traffic produces no findings', () => {
  const ctx: AzureDetectContext = { ...CTX, pods: [...CTX.pods!, { ip: '10.244.1.17', namespace: 'prod-web', name: 'web-1', serviceAccount: 'web' }] };
  const found = auditFindings(ordinaryTraffic(36_000), ctx);
  assert.deepEqual(found.map((f) => `${f.ruleId} ${f.identity}`), []);
});

test('one attacker in that traffic stands out as a handful of findings, not thousands', () => {
  const noise = ordinaryTraffic(18_000);
  const attack = cited(Array.from({ length: 500 }, () => audit({ verb: 'get', resource: 'secrets', namespace: 'prod-web', name: 'db', ua: 'curl/8.5.0' })), 'snap/attack/');
  const found = auditFindings([...noise, ...attack], { ...CTX, pods: [] });
  assert.deepEqual(found.map((f) => [f.ruleId, f.count]).sort(), [['AUDIT-SCRIPTED-CLIENT', 500], ['AUDIT-SECRETS-READ', 500]]);
});
