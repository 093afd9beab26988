// `kubeforensys collect --azure` as a real process against both emulators: the summary lists the
// Azure sources with their rows, --json carries the coverage report, a 403 on one source is a
// partial snapshot naming the role, --no-azure asks Azure nothing, and the Kubernetes
// collection does not wait for a slow Azure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../emulators/kube/index.js';
import { startAzureEmulator, demoAksTrail, DEMO_AKS, READ_ACTIVITY, type AzureEmulator } from '../emulators/azure/index.js';
import { readAcquisitionIndex } from '../../src/core/derive/index.js';
import { readManifest } from '../../src/core/evidence/reader.js';
import { TEST_ENDPOINTS_ENV } from '../../src/core/azure/credentials.js';
import { runCli } from './run.js';
import { tempDir } from '../support/tempDir.js';

let kube: KubeEmulator;
let azure: AzureEmulator;
let work: string;
let kubeconfig: string;
let endpoints: string;

before(async () => {
  work = await tempDir('kfs-cli-aks-');
  kube = await startKubeEmulator({ scenario: resolve('test/emulators/kube/scenarios/demo.yaml') });
  azure = await startAzureEmulator({ aks: demoAksTrail({ kubeServerUrl: kube.url }) });
  kubeconfig = join(work, 'kubeconfig.yaml');
  await kube.writeKubeconfig(kubeconfig);
  endpoints = join(work, 'azure.json');
  await azure.writeEndpointsFile(endpoints);
});
after(async () => {
  await kube.close();
  await azure.close();
});

const collect = (out: string, args: string[], file = endpoints) =>
  runCli(['collect', '--kubeconfig', kubeconfig, '--out', join(work, out), ...args], { env: { [TEST_ENDPOINTS_ENV]: file }, timeoutMs: 300_000 });

test('collect --azure: the summary lists each Azure source with its rows, and which tables they filled', async () => {
  const res = await collect('table', ['--azure']);
  assert.equal(res.code, 3, res.stderr);
  assert.match(res.stdout, /AKS cluster \/subscriptions\/.*\/managedClusters\/aks-prod-weu \(matched by fqdn\)/);
  assert.match(res.stdout, /Control-plane audit \(kube-audit\)\s+ok\s+\d+/);
  assert.match(res.stdout, /Azure Activity Log\s+ok\s+\d+/);
  assert.match(res.stdout, /Defender for Cloud alerts\s+ok\s+2\s/);
  assert.match(res.stdout, /kubeaudit_CL\s+\d+\s+Control-plane audit \(kube-audit\) \d+/);
  assert.match(res.stdout, /suspiciouspods_CL\s+\d+\s+.*Control-plane audit \(kube-audit\) \d+/, 'the findings over the audit are counted where they are stored');
});

test('collect --json carries the coverage report; --subscription finds the cluster by host', async () => {
  const res = await collect('json', ['--json', '--subscription', DEMO_AKS.subscriptionId]);
  const s = JSON.parse(res.stdout);
  assert.equal(s.azure.cluster.matchedBy, 'fqdn');
  const audit = s.azure.sources.find((x: { source: string }) => x.source === 'audit');
  assert.ok(audit.records > 0 && audit.records === s.tables.kubeaudit_CL.records);
  const m = await readManifest(s.bundle);
  assert.deepEqual(m.options.azure, { subscriptionId: DEMO_AKS.subscriptionId });
});

test('a 403 on the Activity Log: the snapshot is partial, the gap names the role, the audit and alerts are collected', async () => {
  const token = azure.addPrincipal([{ scope: `/subscriptions/${DEMO_AKS.subscriptionId}`, role: { Actions: ['*'], NotActions: [READ_ACTIVITY], DataActions: ['*'] } }]);
  const file = join(work, 'azure-no-activity.json');
  await azure.writeEndpointsFile(file, token);
  const res = await collect('forbidden', ['--json', '--azure'], file);
  assert.equal(res.code, 3);
  const s = JSON.parse(res.stdout);
  const act = s.azure.sources.find((x: { source: string }) => x.source === 'activity');
  assert.equal(act.reachable, false);
  assert.match(act.gaps[0].message, /Microsoft\.Insights\/eventtypes\/values\/read/);
  assert.ok(s.tables.kubeaudit_CL.records > 0 && s.tables.securityalerts_CL.records === 2);
  assert.equal(s.tables.azureactivity_CL, undefined);
});

test('--no-azure asks Azure nothing; without --azure a cluster that is not *.azmk8s.io is not looked up', async () => {
  const before = azure.stats.armReads;
  for (const args of [['--no-azure'], []]) {
    const res = await collect(`off-${args.length}`, ['--json', ...args]);
    const s = JSON.parse(res.stdout);
    assert.equal(s.azure, undefined);
    assert.ok(!(await readAcquisitionIndex(s.bundle)).some((e) => e.ref.kind === 'azure'));
  }
  assert.equal(azure.stats.armReads, before);
  const bad = await collect('bad', ['--no-azure', '--subscription', 'x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--no-azure cannot be combined/);
});

test('the Kubernetes collection does not wait for Azure: events are collected while the cluster lookup is still answering', async () => {
  azure.faults.add({ target: 'managedClusters', kind: 'slow', delayMs: 8000, count: 1 });
  const res = await collect('slow', ['--json', '--azure']);
  const s = JSON.parse(res.stdout);
  const list = (await readAcquisitionIndex(s.bundle)).find((e) => e.ref.kind === 'azure' && e.ref.operation === 'managedClusters.list')!;
  const events = (await readManifest(s.bundle)).artifacts.events!;
  assert.ok(Date.parse(events.endedAt ?? '') < Date.parse(list.endedAt), `events ended ${String(events.endedAt)}, the lookup ${list.endedAt}`);
  assert.ok(s.tables.kubeaudit_CL.records > 0, 'and the Azure sources are still collected');
});
