// The demo's Azure trail (the emulator's scenario data: audit events, Activity Log, Defender alerts)
// through the Azure rules: every step of the compromise is a finding naming who did it and from
// where, and the three hours of control-plane, kubelet and add-on traffic around it stay silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activityFindings, alertFindings, auditFindings, type ActivityLogEvent, type AuditEvent, type AzureDetectContext, type AzureFinding, type SecurityAlert } from '../../../../src/core/detections/azure/index.js';
import { demoAksTrail, DEMO_AKS as D } from '../../../emulators/azure/scenarios/demoAks.js';
import { demoBaselineAudit } from '../../../emulators/azure/scenarios/demoAudit.js';
import { demoAttackAudit } from '../../../emulators/azure/scenarios/demoAttack.js';
import { cited } from './fixtures.js';

const now = Date.parse('2026-12-01T15:00:00Z');
const CTX: AzureDetectContext = {
  clusterResourceId: D.clusterId,
  nodeResourceGroup: D.nodeResourceGroup,
  podCidrs: ['10.244.0.0/16'],
  pods: [{ ip: D.webPod.ip, namespace: D.webPod.namespace, name: D.webPod.name, serviceAccount: 'web-frontend' }],
};
// The emulator declares its events without the index signature shapes.ts allows for unknown fields: same JSON, a cast.
const sorted = (events: ReturnType<typeof demoBaselineAudit>) => [...events].sort((a, b) => a.stageTimestamp.localeCompare(b.stageTimestamp)) as unknown as AuditEvent[];
const row = (f: AzureFinding) => [f.ruleId, f.severity, f.identity, f.sourceIps.join(','), `${f.resource.kind} ${f.resource.namespace}/${f.resource.name}`, f.count];

test('the demo audit trail: each attack step is one finding with its identity and address; the baseline is silent', () => {
  const found = auditFindings(cited(sorted([...demoBaselineAudit(now), ...demoAttackAudit(now)])), CTX);
  const atk = D.attackerIp;
  assert.deepEqual(found.map(row), [
    ['AUDIT-POD-EXEC', 'high', D.user.upn, atk, `Pod ${D.webPod.namespace}/${D.webPod.name}`, 1],
    ['AUDIT-SCRIPTED-CLIENT', 'medium', 'system:serviceaccount:prod-web:web-frontend', D.nodes[0].ip, 'Client /curl', 1],
    ['AUDIT-POWERFUL-BINDING', 'high', 'masterclient', atk, 'ClusterRoleBinding /default-admin', 1],
    ['AUDIT-SECRETS-READ', 'high', 'masterclient', atk, 'Secret /*', 1],
    ['AUDIT-SA-TOKEN-REQUEST', 'medium', 'masterclient', atk, 'ServiceAccount default/default', 1],
    ['AUDIT-USER-PRIVILEGED-POD', 'high', 'system:serviceaccount:default:default', atk, 'Pod default/node-debugger', 1],
    ['AUDIT-POD-EXEC', 'high', 'system:serviceaccount:default:default', atk, 'Pod default/node-debugger', 1],
    ['AUDIT-KUBE-SYSTEM-WORKLOAD', 'high', 'system:serviceaccount:default:default', atk, 'CronJob kube-system/kube-metrics-sync', 1],
  ]);
  const exec = found[0]!;
  // Its two stages (ResponseStarted, ResponseComplete) are both cited.
  assert.equal(exec.cites.length, 2);
  assert.equal(exec.resource.container, D.webPod.container);
  assert.match(exec.userAgent, /^kubectl\//);
  assert.equal(found.find((f) => f.ruleId === 'AUDIT-POWERFUL-BINDING')?.subject?.name, 'default');
  assert.match(found[6]!.fieldValue, /^chroot \/host sh$/);
  assert.equal(found[7]!.techniqueId, 'MS-TA9014');
});

test('the demo Activity Log: the service principal fetched admin credentials, assigned a role and ran a node command; the refused runCommand and the on-call fetch are not alarms', () => {
  const trail = demoAksTrail({ kubeServerUrl: 'https://127.0.0.1:6443', now: new Date(now) });
  const events = (trail.activityLog ?? []).map((event, i) => ({ event: event as ActivityLogEvent, cite: `a${i}` }));
  const found = activityFindings(events, CTX);
  const sp = D.servicePrincipal.objectId;
  assert.deepEqual(found.map((f) => [f.ruleId, f.severity, f.identity, f.sourceIps.join(','), f.count]), [
    ['ARM-USER-CREDENTIAL', 'info', D.oncall.upn, D.corpIp, 1],
    ['ARM-ADMIN-CREDENTIAL', 'high', sp, D.attackerIp, 1],
    ['ARM-ROLE-ASSIGNMENT', 'high', sp, D.attackerIp, 1],
    ['ARM-NODE-RUN-COMMAND', 'high', sp, D.attackerIp, 1],
  ]);
  assert.equal(found[1]!.cites.length, 2, 'Started and Succeeded of one call');
});

test('the demo Defender alerts: the miner CronJob and the sensitive mount, on their workloads, with Defender\'s severity', () => {
  const trail = demoAksTrail({ kubeServerUrl: 'https://127.0.0.1:6443', now: new Date(now) });
  const found = alertFindings((trail.alerts ?? []).map((alert, i) => ({ alert: alert as SecurityAlert, cite: `s${i}` })), CTX);
  assert.deepEqual(found.map((f) => [f.ruleId, f.severity, f.techniqueId, `${f.resource.kind} ${f.resource.namespace}/${f.resource.name}`]), [
    ['DEFENDER-K8S-ALERT', 'high', 'MS-TA9039', 'CronJob kube-system/kube-metrics-sync'],
    ['DEFENDER-K8S-ALERT', 'info', 'MS-TA9013', 'Pod default/node-debugger'],
  ]);
});
