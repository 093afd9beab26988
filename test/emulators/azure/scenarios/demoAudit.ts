// The demo cluster's control-plane audit trail (audit.k8s.io/v1 events as kube-apiserver writes
// them), consistent with test/emulators/kube/scenarios/demo.yaml: the same pods, uids, namespaces,
// nodes and times relative to the kube emulator's clock. Baseline traffic by the control plane,
// kubelets and add-ons runs every five minutes over the last three hours; the attack is a handful
// of requests by mallory (exec into the web pod), masterclient (the cluster-admin certificate a
// service principal fetched) and the default service account it then bound to cluster-admin.
import type { AuditEvent, ControlPlaneLine } from '../auditWorkspace.js';
import { stableGuid } from '../managedClusters.js';
import { DEMO_AKS as D } from './demoIdentity.js';

const MIN = 60_000;
type Who = AuditEvent['user'];
interface Req {
  /** Milliseconds before now. */
  ago: number;
  user: Who;
  ip: string;
  ua: string;
  verb: string;
  uri: string;
  ref?: AuditEvent['objectRef'];
  code: number;
  level?: AuditEvent['level'];
  stage?: AuditEvent['stage'];
  /** How long the request took (the stage timestamp follows the received one). */
  tookMs?: number;
  requestObject?: unknown;
  responseObject?: unknown;
  reason?: string;
  auditID?: string;
}

const micro = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_, f: string) => `.${f}${String(ms % 7).padStart(3, '0')}Z`);

function event(now: number, r: Req): AuditEvent {
  const received = now - r.ago;
  return {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: r.level ?? 'Metadata',
    auditID: r.auditID ?? stableGuid(`${r.ago}/${r.user.username}/${r.verb}/${r.uri}`), stage: r.stage ?? 'ResponseComplete',
    requestURI: r.uri, verb: r.verb, user: r.user, sourceIPs: [r.ip], userAgent: r.ua,
    ...(r.ref ? { objectRef: r.ref } : {}),
    responseStatus: { metadata: {}, code: r.code, ...(r.code >= 400 ? { status: 'Failure', reason: r.code === 403 ? 'Forbidden' : 'NotFound' } : {}) },
    ...(r.requestObject ? { requestObject: r.requestObject } : {}),
    ...(r.responseObject ? { responseObject: r.responseObject } : {}),
    requestReceivedTimestamp: micro(received), stageTimestamp: micro(received + (r.tookMs ?? 4)),
    annotations: {
      'authorization.k8s.io/decision': r.code === 403 ? 'forbid' : 'allow',
      'authorization.k8s.io/reason': r.reason ?? (r.code === 403 ? '' : 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"'),
    },
  };
}

const sa = (ns: string, name: string, extra?: Record<string, string[]>): Who => ({
  username: `system:serviceaccount:${ns}:${name}`, uid: stableGuid(`sa/${ns}/${name}`),
  groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'], ...(extra ? { extra } : {}),
});
const KCM: Who = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
const SCHED: Who = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
const AKS_SERVICE: Who = { username: 'aksService', groups: ['system:masters', 'system:authenticated'] };
const KUBELET_UA = 'kubelet/v1.30.6 (linux/amd64) kubernetes/3a8b1e2';

/** Control plane, kubelet and add-on requests every five minutes for three hours: what must not fire. */
function baseline(now: number): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (let ago = 180 * MIN; ago > 2 * MIN; ago -= 5 * MIN) {
    const lease = (who: Who, name: string, ua: string) => [
      { ago, user: who, ip: D.controlPlaneIp, ua, verb: 'get', uri: `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}?timeout=5s`, ref: { resource: 'leases', namespace: 'kube-system', name, apiGroup: 'coordination.k8s.io', apiVersion: 'v1' }, code: 200, reason: `RBAC: allowed by ClusterRoleBinding "system:${name}" of ClusterRole "system:${name}" to User "${who.username}"` },
      { ago: ago - 1200, user: who, ip: D.controlPlaneIp, ua, verb: 'update', uri: `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}?timeout=5s`, ref: { resource: 'leases', namespace: 'kube-system', name, apiGroup: 'coordination.k8s.io', apiVersion: 'v1' }, code: 200, reason: `RBAC: allowed by ClusterRoleBinding "system:${name}" of ClusterRole "system:${name}" to User "${who.username}"` },
    ];
    const reqs: Req[] = [
      ...lease(KCM, 'kube-controller-manager', 'kube-controller-manager/v1.30.6 (linux/amd64) kubernetes/3a8b1e2/leader-election'),
      ...lease(SCHED, 'kube-scheduler', 'kube-scheduler/v1.30.6 (linux/amd64) kubernetes/3a8b1e2/leader-election'),
      ...D.nodes.map((n, i): Req => ({
        ago: ago - 2000 - i * 700, user: { username: `system:node:${n.name}`, groups: ['system:nodes', 'system:authenticated'] }, ip: n.ip, ua: KUBELET_UA,
        verb: 'patch', uri: `/api/v1/nodes/${n.name}/status?timeout=10s`, ref: { resource: 'nodes', name: n.name, apiVersion: 'v1', subresource: 'status' }, code: 200, reason: '',
      })),
      { ago: ago - 3100, user: sa('kube-system', 'ama-logs'), ip: D.nodes[0].ip, ua: 'ama-logs/3.1.24 (linux/amd64)', verb: 'list', uri: '/api/v1/pods?limit=250', ref: { resource: 'pods', apiVersion: 'v1' }, code: 200, reason: 'RBAC: allowed by ClusterRoleBinding "amalogsclusterrolebinding" of ClusterRole "ama-logs-reader" to ServiceAccount "ama-logs/kube-system"' },
      { ago: ago - 3600, user: sa('kube-system', 'coredns'), ip: D.nodes[1].ip, ua: 'coredns/v1.11.3 (linux/amd64) kubernetes/3a8b1e2', verb: 'watch', uri: '/apis/discovery.k8s.io/v1/endpointslices?allowWatchBookmarks=true&watch=true', ref: { resource: 'endpointslices', apiGroup: 'discovery.k8s.io', apiVersion: 'v1' }, code: 200, tookMs: 60_000, reason: 'RBAC: allowed by ClusterRoleBinding "system:coredns" of ClusterRole "system:coredns" to ServiceAccount "coredns/kube-system"' },
    ];
    if (ago % (30 * MIN) === 0) {
      reqs.push({ ago: ago - 4000, user: AKS_SERVICE, ip: D.controlPlaneIp, ua: 'Go-http-client/2.0', verb: 'get', uri: '/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status', ref: { resource: 'configmaps', namespace: 'kube-system', name: 'cluster-autoscaler-status', apiVersion: 'v1' }, code: 404, reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"' });
    }
    out.push(...reqs.map((r) => event(now, r)));
  }
  return out;
}

export { event as demoAuditEvent, baseline as demoBaselineAudit, sa as serviceAccountUser };
export type { Req as DemoRequest };

/** The guard (Entra authentication webhook) lines of the Entra-signed-in requests. */
export function demoGuardLines(now: number): ControlPlaneLine[] {
  const at = (ago: number) => new Date(now - ago).toISOString();
  return [
    { category: 'guard', time: at(2 * 60 * MIN + 40 * MIN - 30_000), level: 'info', message: `I1201 authenticated user ${D.oncall.upn} oid ${D.oncall.objectId} via Entra ID` },
    { category: 'guard', time: at(55 * MIN + 21_000), level: 'info', message: `I1201 authenticated user ${D.user.upn} oid ${D.user.objectId} via Entra ID` },
    { category: 'guard', time: at(55 * MIN + 6_000), level: 'info', message: `I1201 authenticated user ${D.user.upn} oid ${D.user.objectId} via Entra ID` },
  ];
}
