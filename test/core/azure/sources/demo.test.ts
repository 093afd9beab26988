// The demo's compromise, collected end to end: the kube emulator on the demo scenario and the
// Azure emulator on its trail, through the real Kubernetes client and the real Azure SDK clients.
// The bundle holds who did what (audit, Activity Log, Defender), the findings name the identity,
// the manifest's coverage report says which sources were on, and everything derives again from raw/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../../../emulators/kube/index.js';
import { startAzureEmulator, demoAksTrail, DEMO_AKS, type AzureEmulator } from '../../../emulators/azure/index.js';
import { takeSnapshot, type SnapshotResult } from '../../../../src/core/snapshot.js';
import { openBundle } from '../../../../src/core/evidence/reader.js';
import { verifyBundle } from '../../../../src/core/evidence/verify.js';
import { readAcquisitionIndex } from '../../../../src/core/derive/index.js';
import { azureActivity, kubeAudit, securityAlerts, suspiciousPods } from '../../../../src/core/schema/tables.js';
import { emulatorConnection } from '../fixtures.js';
import { tempDir } from '../../../support/tempDir.js';

let kube: KubeEmulator;
let azure: AzureEmulator;
let work: string;
let result: SnapshotResult;

before(async () => {
  work = await tempDir('kfs-aks-demo-');
  kube = await startKubeEmulator({ scenario: resolve('test/emulators/kube/scenarios/demo.yaml') });
  azure = await startAzureEmulator({ aks: demoAksTrail({ kubeServerUrl: kube.url }) });
  const kubeconfig = join(work, 'kubeconfig.yaml');
  await kube.writeKubeconfig(kubeconfig);
  result = await takeSnapshot(
    { kubeconfig, outDir: join(work, 'out'), options: { sinceSeconds: 24 * 3600, execEnabled: true }, azure: { connection: emulatorConnection(azure) } },
    { signal: new AbortController().signal },
  );
});

after(async () => {
  await kube?.close();
  await azure?.close();
  await rm(work, { recursive: true, force: true });
});

async function rows(table: string): Promise<Record<string, unknown>[]> {
  const b = await openBundle(result.bundleDir);
  const out: Record<string, unknown>[] = [];
  for await (const r of b.readTable(table as never)) out.push(r as unknown as Record<string, unknown>);
  return out;
}

test('the cluster is found by its API server host among decoys, and its GET is kept as served', async () => {
  const cov = result.manifest.azure!;
  assert.equal(cov.cluster?.resourceId.toLowerCase(), DEMO_AKS.clusterId.toLowerCase());
  assert.equal(cov.cluster?.matchedBy, 'fqdn');
  const entries = await readAcquisitionIndex(result.bundleDir);
  const get = entries.find((e) => e.ref.kind === 'azure' && e.ref.operation === 'managedClusters.get');
  assert.ok(get && get.status === 200 && get.bytes > 0 && /^[0-9a-f]{64}$/.test(get.sha256));
  assert.match(get.path, /\/managedClusters\/aks-prod-weu\?api-version=/i);
  const raw = JSON.stringify(entries);
  assert.doesNotMatch(raw, /kfs-emulator-token|Bearer|authorization":/i, 'no token and no Authorization header in the index');
});

test('kubeaudit_CL holds the exec into the web pod by the named user from the external IP', async () => {
  const audit = await rows(kubeAudit.name);
  const exec = audit.filter((r) => r.ObjectSubresource === 'exec' && r.Identity === 'mallory@contoso.example');
  assert.ok(exec.length >= 1, 'the exec request is there');
  assert.equal(exec[0]!.SourceIp, '203.0.113.7');
  assert.match(String(exec[0]!.PodName), /^web-frontend-/);
  assert.equal(exec[0]!.ContainerName, 'nginx');
  assert.match(String(exec[0]!.UserAgent), /^kubectl\//);
  const keys = audit.map((r) => `${String(r.AuditId)}/${String(r.Stage)}`);
  assert.equal(new Set(keys).size, keys.length, 'an event read from AKSAudit and AKSAuditAdmin is kept once');
});

test('azureactivity_CL holds listClusterAdminCredential by the service principal, and the node resource group run command', async () => {
  const act = await rows(azureActivity.name);
  const admin = act.filter((r) => /listClusterAdminCredential\/action$/i.test(String(r.OperationName)));
  assert.ok(admin.length >= 1);
  assert.equal(admin[0]!.SourceIp, '203.0.113.7');
  assert.ok(act.some((r) => r.LogScope === 'node-resource-group' && /virtualMachineScaleSets\/virtualMachines\/runCommand/i.test(String(r.OperationName))));
});

test('securityalerts_CL holds the mining alert on the cluster', async () => {
  const alerts = await rows(securityAlerts.name);
  const miner = alerts.find((r) => r.AlertType === 'K8S_MaliciousContainerImage');
  assert.ok(miner, 'the miner alert');
  assert.equal(miner.Severity, 'high');
  assert.equal(miner.Namespace, 'kube-system');
  const mount = alerts.find((r) => r.AlertType === 'K8S_SensitiveMount');
  assert.deepEqual([mount?.Namespace, mount?.PodName, mount?.Severity], ['default', 'node-debugger', 'info'], 'the bare pod the alert names is the row\'s pod');
});

test('findings over the Azure rows name the identity behind each and cite the rows', async () => {
  const findings = (await rows(suspiciousPods.name)).filter((r) => /^(audit:|activityLog:|alert:|requestObject\.)/.test(String(r.FieldPath)));
  assert.ok(findings.some((f) => /mallory@contoso\.example/.test(String(f.Explanation)) && /exec/i.test(String(f.FieldPath))), 'the exec finding names mallory');
  assert.ok(findings.some((f) => /listClusterAdminCredential/i.test(`${String(f.FieldValue)} ${String(f.Explanation)}`) && f.Explanation && String(f.Explanation).includes(DEMO_AKS.servicePrincipal.objectId)));
  const ids = new Set((await rows(kubeAudit.name)).map((r) => r.RecordId));
  const execFinding = findings.find((f) => /exec/i.test(String(f.FieldPath)))!;
  const cited = /records? (.*)$/.exec(String(execFinding.FieldPath))![1]!.split(', ').map((s) => s.replace(/ \(\+\d+ more\)$/, ''));
  assert.ok(cited.length > 0 && cited.every((c) => ids.has(c)), 'every cite is a kubeaudit_CL row');
});

test("the manifest's coverage report: audit read from the dedicated tables, the storage-only setting named, Container Insights on, the Defender sensor absent", () => {
  const by = Object.fromEntries(result.manifest.azure!.sources.map((s) => [s.source, s]));
  assert.equal(by.audit!.enabled, true);
  assert.equal(by.audit!.reachable, true);
  assert.ok(by.audit!.records > 0 && by.audit!.records === result.manifest.tables.kubeaudit_CL?.records);
  assert.ok(by.audit!.where.some((w) => w.startsWith('AKSAudit in ')));
  assert.ok(by.audit!.where.some((w) => w.startsWith('archive-to-storage: a storage account')));
  assert.equal(by.alerts!.enabled, null);
  assert.match(by.alerts!.gaps[0]!.message, /Defender sensor is not deployed/);
  assert.match(by.alerts!.gaps[0]!.advice!, /^Enable Defender for Containers/);
  assert.equal(by.activity!.records, result.manifest.tables.azureactivity_CL?.records);
  assert.equal(by.alerts!.records, 2);
  assert.equal(by.containerInsights!.enabled, true);
  assert.ok(by.cluster!.notes!.includes('local accounts ENABLED (the admin certificate works)') && by.cluster!.notes!.includes('Entra ID with Azure RBAC'), JSON.stringify(by.cluster!.notes));
  assert.ok(by.audit!.period && by.activity!.period);
});

test('the bundle verifies, and every Azure row derives again byte for byte from raw/', async () => {
  const report = await verifyBundle(result.bundleDir, { derived: true });
  assert.equal(report.ok, true, JSON.stringify(report.problems));
});
