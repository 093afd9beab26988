import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/core/model.js';
import { DEFAULT_BASELINE, mergeBaselines, parseBaseline, podTargets } from '../../../src/core/detections/index.js';
import { byRule, findings } from './helpers.js';

const privilegedSpec = { containers: [{ name: 'app', image: 'myregistry.azurecr.io/app:1', securityContext: { privileged: true } }] };
const tpl = (spec: object) => ({ metadata: { labels: { app: 'web' } }, spec });

function chain(): KubeObject[] {
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod', uid: 'd1' }, spec: { template: tpl(privilegedSpec) } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5c6d7e8f9', namespace: 'prod', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] }, spec: { template: tpl(privilegedSpec) } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-5c6d7e8f9-abcde', namespace: 'prod', labels: { 'pod-template-hash': '5c6d7e8f9' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5c6d7e8f9', controller: true }] }, spec: privilegedSpec },
  ];
}

test('a Deployment, its ReplicaSet and its pod report the issue twice: on the Deployment and on the pod', () => {
  const hits = byRule(findings(chain()), 'POD-PRIVILEGED');
  assert.deepEqual(hits.map((f) => `${f.resource.kind}/${f.resource.name}@${f.fieldPath}`).sort(), [
    'Deployment/web@spec.template.spec.containers[0].securityContext.privileged',
    'Pod/web-5c6d7e8f9-abcde@spec.containers[0].securityContext.privileged',
  ]);
  assert.equal(hits.find((f) => f.resource.kind === 'Pod')!.podName, 'web-5c6d7e8f9-abcde');
  assert.equal(hits.find((f) => f.resource.kind === 'Deployment')!.podName, '');
});

test('a ReplicaSet whose Deployment is not in the input is reported itself', () => {
  const hits = byRule(findings(chain().slice(1, 2)), 'POD-PRIVILEGED');
  assert.deepEqual(hits.map((f) => f.resource.kind), ['ReplicaSet']);
});

test('the pod\'s top owner is resolved through the ReplicaSet, or from pod-template-hash when the ReplicaSet is absent', () => {
  const all = podTargets(chain()).find((t) => t.kind === 'Pod')!;
  assert.deepEqual(all.topOwner, { kind: 'Deployment', name: 'web' });
  const podOnly = podTargets(chain().slice(2))[0]!;
  assert.deepEqual(podOnly.topOwner, { kind: 'Deployment', name: 'web' });
});

test('pod templates of DaemonSets, StatefulSets, Jobs and CronJobs are checked, with their own field paths', () => {
  const objs: KubeObject[] = [
    { kind: 'DaemonSet', metadata: { name: 'ds', namespace: 'a' }, spec: { template: tpl(privilegedSpec) } },
    { kind: 'StatefulSet', metadata: { name: 'ss', namespace: 'a' }, spec: { template: tpl(privilegedSpec) } },
    { kind: 'Job', metadata: { name: 'job', namespace: 'a' }, spec: { template: tpl(privilegedSpec) } },
    { kind: 'CronJob', metadata: { name: 'cj', namespace: 'a' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: tpl(privilegedSpec) } } } },
  ];
  const hits = byRule(findings(objs), 'POD-PRIVILEGED');
  assert.deepEqual(hits.map((f) => f.resource.kind).sort(), ['CronJob', 'DaemonSet', 'Job', 'StatefulSet']);
  assert.equal(hits.find((f) => f.resource.kind === 'CronJob')!.fieldPath, 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged');
});

const minerCron = (ns: string): KubeObject => ({
  kind: 'CronJob',
  metadata: { name: 'kube-metrics-sync', namespace: ns, creationTimestamp: '2026-11-27T01:00:00Z' },
  spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: tpl({ containers: [{ name: 'miner', image: 'docker.io/xmrig/xmrig:6.21.0', command: ['xmrig'] }] }) } } },
});

test('a cron job with a high finding is flagged as persistence (MS-TA9014), and its Job is not reported twice', () => {
  const job: KubeObject = { kind: 'Job', metadata: { name: 'kube-metrics-sync-28391234', namespace: 'kube-system', ownerReferences: [{ kind: 'CronJob', name: 'kube-metrics-sync', controller: true }] }, spec: { template: tpl({ containers: [{ name: 'miner', image: 'docker.io/xmrig/xmrig:6.21.0' }] }) } };
  const fs = findings([minerCron('kube-system'), job]);
  assert.deepEqual(byRule(fs, 'POD-CRONJOB-PERSISTENCE').map((f) => [f.resource.name, f.techniqueId, f.fieldValue]), [['kube-metrics-sync', 'MS-TA9014', '*/5 * * * *']]);
  assert.equal(byRule(fs, 'POD-CRYPTO-MINER').length, 1, 'only on the CronJob');
  assert.equal(byRule(fs, 'POD-KUBE-SYSTEM-FOREIGN-IMAGE')[0]!.techniqueId, 'MS-TA9023');
});

test('near miss: an ordinary cron job gets no persistence finding', () => {
  const ok: KubeObject = { kind: 'CronJob', metadata: { name: 'backup', namespace: 'prod' }, spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template: tpl({ containers: [{ name: 'b', image: 'x.azurecr.io/backup:1' }] }) } } } };
  assert.deepEqual(byRule(findings([ok]), 'POD-CRONJOB-PERSISTENCE'), []);
});

function kubeProxy(image: string, ns = 'kube-system'): KubeObject[] {
  const spec = { hostNetwork: true, volumes: [{ name: 'lib-modules', hostPath: { path: '/lib/modules' } }], containers: [{ name: 'kube-proxy', image, securityContext: { privileged: true } }] };
  return [
    { kind: 'DaemonSet', metadata: { name: 'kube-proxy', namespace: ns }, spec: { template: tpl(spec) } },
    { kind: 'Pod', metadata: { name: 'kube-proxy-7xk2p', namespace: ns, ownerReferences: [{ kind: 'DaemonSet', name: 'kube-proxy', controller: true }] }, spec },
  ];
}

test('AKS platform workloads are reported but marked baseline', () => {
  const fs = findings(kubeProxy('mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.29.2-hotfix.20240322'));
  const priv = byRule(fs, 'POD-PRIVILEGED');
  assert.equal(priv.length, 2);
  assert.ok(fs.length > 0 && fs.every((f) => f.baseline), 'every finding on kube-proxy is baseline');
});

test('near miss: the same name with an image from another registry, or in another namespace, is not baseline', () => {
  const impostor = findings(kubeProxy('docker.io/evil/kube-proxy:v1.29.2'));
  assert.ok(impostor.every((f) => !f.baseline));
  assert.ok(byRule(impostor, 'POD-KUBE-SYSTEM-FOREIGN-IMAGE').length > 0);
  const elsewhere = findings(kubeProxy('mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.29.2', 'default'));
  assert.ok(elsewhere.every((f) => !f.baseline));
});

test('the baseline is a data file a user can extend', () => {
  const objs = kubeProxy('registry.example.com/net/agent:1').map((o) => ({ ...o, metadata: { ...o.metadata, name: o.kind === 'Pod' ? 'agent-x' : 'net-agent', namespace: 'netops', ownerReferences: o.kind === 'Pod' ? [{ kind: 'DaemonSet', name: 'net-agent', controller: true }] : undefined } }));
  assert.ok(findings(objs).every((f) => !f.baseline));
  const extra = parseBaseline({ workloads: [{ namespace: 'netops', ownerKind: 'DaemonSet', ownerNames: ['net-agent'], registries: ['registry.example.com/'] }] }, 'test');
  const fs = findings(objs, { baseline: mergeBaselines(DEFAULT_BASELINE, extra) });
  assert.ok(fs.length > 0 && fs.every((f) => f.baseline));
  assert.throws(() => parseBaseline({ workloads: [{ namespace: 'x' }] }, 'bad.yaml'), /bad\.yaml: workloads\[0\] needs/);
});
