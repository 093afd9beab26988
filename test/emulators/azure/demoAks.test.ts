// The demo's Azure trail against the demo kube scenario: the same uids, creation times, pods,
// containers, nodes and addresses; and served by the emulator, discovery by the kubeconfig
// server's host finds the right cluster, and each source holds its step of the compromise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { LogsQueryResultStatus } from '@azure/monitor-query';
import { loadScenario, startKubeEmulator, type KubeEmulator, type Scenario } from '../kube/index.js';
import { startAzureEmulator, type AzureEmulator } from './server.js';
import { demoAksTrail, DEMO_AKS as D } from './scenarios/demoAks.js';
import { demoBaselineAudit } from './scenarios/demoAudit.js';
import { demoAttackAudit } from './scenarios/demoAttack.js';
import { all, sdkClients } from './clients.js';

const SCENARIO = resolve('test/emulators/kube/scenarios/demo.yaml');
let kube: KubeEmulator;
let azure: AzureEmulator;
let scenario: Scenario;
/** One reference time for the trail and the scenario (the kube clock keeps moving). */
let NOW: Date;

before(async () => {
  kube = await startKubeEmulator({ scenario: SCENARIO });
  NOW = kube.now();
  azure = await startAzureEmulator({ aks: demoAksTrail({ kubeServerUrl: kube.url, now: NOW }) });
  scenario = await loadScenario(SCENARIO, { now: NOW });
});
after(async () => {
  await azure.close();
  await kube.close();
});

type Obj = { kind: string; metadata: { name: string; namespace?: string; uid: string; creationTimestamp: string }; spec?: { containers?: { name: string }[] }; status?: { podIP?: string; addresses?: { type: string; address: string }[] } };
const find = (kind: string, name: string, ns?: string) => (scenario.objects as unknown as Obj[]).find((o) => o.kind === kind && o.metadata.name === name && (ns === undefined || o.metadata.namespace === ns));

test('every object the attack creates has the scenario\'s uid and creation time; exec targets exist with their container', () => {
  const now = NOW.getTime();
  const events = demoAttackAudit(now);
  const created = events.filter((e) => e.verb === 'create' && e.responseObject);
  assert.equal(created.length, 3, 'the binding, the privileged pod, the CronJob');
  for (const e of created) {
    const body = e.responseObject as { kind: string; metadata: { name: string; namespace?: string; uid: string } };
    const obj = find(body.kind, body.metadata.name, body.metadata.namespace);
    assert.ok(obj, `${body.kind} ${body.metadata.name} is in the kube scenario`);
    assert.equal(body.metadata.uid, obj.metadata.uid);
    assert.ok(Math.abs(Date.parse(obj.metadata.creationTimestamp) - Date.parse(e.stageTimestamp)) < 2000, `${body.kind} created at the audit time`);
  }
  for (const e of events.filter((x) => x.objectRef?.subresource === 'exec')) {
    const pod = find('Pod', e.objectRef!.name!, e.objectRef!.namespace);
    assert.ok(pod, e.requestURI);
    const container = new URL(e.requestURI, 'https://x').searchParams.get('container')!;
    assert.ok(pod.spec!.containers!.some((c) => c.name === container), `${container} is a container of ${pod.metadata.name}`);
  }
  assert.equal(find('Pod', D.webPod.name, D.webPod.namespace)!.status!.podIP, D.webPod.ip);
  assert.equal(find('Pod', D.webPod.name, D.webPod.namespace)!.metadata.uid, D.webPod.uid);
  for (const n of D.nodes) assert.equal(find('Node', n.name)!.status!.addresses!.find((a) => a.type === 'InternalIP')!.address, n.ip);
  // Everything happened within the demo's since-window (24 h) and before now.
  for (const e of [...events, ...demoBaselineAudit(now)]) {
    const t = Date.parse(e.stageTimestamp);
    assert.ok(t <= now + 1000 && t > now - 24 * 3_600_000, e.requestURI);
  }
});

test('discovery: the cluster whose fqdn is the kubeconfig server\'s host is the demo cluster, among decoys', async () => {
  assert.equal(azure.endpoints.subscriptionId, D.subscriptionId);
  const clusters = await all(sdkClients(azure).aks.managedClusters.list());
  assert.equal(clusters.length, 3);
  const host = new URL(kube.url).hostname;
  const match = clusters.filter((c) => c.fqdn === host || c.privateFqdn === host);
  assert.deepEqual(match.map((c) => c.id), [D.clusterId]);
  const [c] = match;
  assert.equal(c!.nodeResourceGroup, D.nodeResourceGroup);
  assert.equal(c!.disableLocalAccounts, false);
  assert.equal(c!.aadProfile?.enableAzureRbac, true);
  assert.equal(c!.addonProfiles?.omsagent?.enabled, true);
  assert.equal(c!.securityProfile?.defender, undefined, 'no Defender sensor: the kube scenario runs none');
});

test('a private demo cluster is found by its privateFQDN; its public fqdn is another name', async () => {
  const emu = await startAzureEmulator({ aks: demoAksTrail({ kubeServerUrl: kube.url, now: kube.now(), private: true }) });
  try {
    const c = await sdkClients(emu).aks.managedClusters.get(D.resourceGroup, D.clusterName);
    assert.equal(c.privateFqdn, new URL(kube.url).hostname);
    assert.match(c.fqdn ?? '', /\.hcp\.westeurope\.azmk8s\.io$/);
    assert.equal(c.apiServerAccessProfile?.enablePrivateCluster, true);
  } finally {
    await emu.close();
  }
});

test('each source holds its step: the exec in AKSAudit, the admin credential in the Activity Log, the miner alert', async () => {
  const { monitor, la, logs, security } = sdkClients(azure);
  const settings = (await monitor.diagnosticSettings.list(D.clusterId)).value!;
  assert.deepEqual(settings.map((s) => [s.name, s.logAnalyticsDestinationType ?? null, Boolean(s.workspaceId)]), [['aks-audit-to-law', 'Dedicated', true], ['archive-to-storage', null, false]]);
  const ws = await la.workspaces.get('rg-prod-weu-monitoring', 'law-prod-weu');
  const r = await logs.queryWorkspace(ws.customerId!, `AKSAudit | where ObjectRef.subresource == 'exec' and ObjectRef.name == '${D.webPod.name}' | project AuditId, Stage, User, SourceIps, UserAgent | order by Stage asc`, { duration: 'P1D' });
  assert.equal(r.status, LogsQueryResultStatus.Success);
  if (r.status === LogsQueryResultStatus.Success) {
    const rows = r.tables[0]!.rows;
    assert.deepEqual(rows.map((x) => x[1]), ['ResponseComplete', 'ResponseStarted']);
    assert.equal((rows[0]![2] as { username: string }).username, D.user.upn);
    assert.deepEqual(rows[0]![3], [D.attackerIp]);
  }
  const now = kube.now().getTime();
  const filter = `eventTimestamp ge '${new Date(now - 86_400_000).toISOString()}' and eventTimestamp le '${new Date(now).toISOString()}' and resourceUri eq '${D.clusterId}'`;
  const admin = (await all(monitor.activityLogs.list(filter))).filter((e) => e.operationName?.value === 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action');
  assert.deepEqual(admin.map((e) => [e.status?.value, e.caller, e.httpRequest?.clientIpAddress]), [['Succeeded', D.servicePrincipal.objectId, D.attackerIp], ['Started', D.servicePrincipal.objectId, D.attackerIp]]);
  const nodeRg = await all(monitor.activityLogs.list(`eventTimestamp ge '${new Date(now - 86_400_000).toISOString()}' and resourceGroupName eq '${D.nodeResourceGroup}'`));
  assert.ok(nodeRg.some((e) => e.operationName?.value === 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action'));
  const alerts = await all(security.alerts.listByResourceGroup(D.resourceGroup));
  const miner = alerts.find((a) => a.alertType === 'K8S_MaliciousContainerImage')!;
  assert.equal((miner.resourceIdentifiers![0] as { azureResourceId: string }).azureResourceId, D.clusterId);
  assert.match(JSON.stringify(miner.entities), /xmrig/);
});

test('the legacy and absent diagnostic settings variants', async () => {
  for (const diagnostics of ['legacy', 'none'] as const) {
    const emu = await startAzureEmulator({ aks: demoAksTrail({ kubeServerUrl: kube.url, now: kube.now(), diagnostics }) });
    try {
      const settings = (await sdkClients(emu).monitor.diagnosticSettings.list(D.clusterId)).value!;
      if (diagnostics === 'none') {
        assert.deepEqual(settings, []);
        continue;
      }
      assert.equal(settings[0]!.logAnalyticsDestinationType ?? null, null);
      const r = await sdkClients(emu).logs.queryWorkspace(D.workspaceCustomerId, `AzureDiagnostics | where Category == 'kube-audit-admin' | summarize count()`, { duration: 'P1D' });
      assert.equal(r.status, LogsQueryResultStatus.Success);
      if (r.status === LogsQueryResultStatus.Success) assert.ok(Number(r.tables[0]!.rows[0]![0]) > 10);
    } finally {
      await emu.close();
    }
  }
});
