// Managed clusters and their diagnostic settings through the real SDK clients: paging, a private
// cluster, role checks per source, an absent diagnostic setting, and the demo trail's cluster.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get as httpsGet } from 'node:https';
import { startAzureEmulator, type AzureEmulator } from './server.js';
import { managedCluster, managedClusterId, READ_CLUSTERS } from './managedClusters.js';
import { diagnosticSetting, READ_DIAGNOSTIC_SETTINGS } from './diagnosticSettings.js';
import { all, sdkClients } from './clients.js';

let emu: AzureEmulator;
const SUB = '11111111-2222-3333-4444-555555555555';
const names = ['aks-a', 'aks-b', 'aks-c', 'aks-d', 'aks-e'];
const idOf = (n: string) => managedClusterId(SUB, n === 'aks-e' ? 'rg-other' : 'rg-aks', n);

before(async () => {
  emu = await startAzureEmulator({ subscriptionId: SUB, armPageSize: 2 });
  for (const n of names) {
    const rg = n === 'aks-e' ? 'rg-other' : 'rg-aks';
    emu.aks.addCluster(managedCluster({ subscriptionId: SUB, resourceGroup: rg, name: n, location: 'westeurope', ...(n === 'aks-c' ? { privateFQDN: 'aks-c-dns-1234.abcd.privatelink.westeurope.azmk8s.io', fqdn: null } : {}) }));
  }
  emu.aks.setDiagnosticSettings(idOf('aks-a'), [
    diagnosticSetting({ resourceId: idOf('aks-a'), name: 'to-law', workspaceId: '/subscriptions/x/resourceGroups/m/providers/Microsoft.OperationalInsights/workspaces/law', dedicated: true, categories: ['kube-audit-admin', 'guard'] }),
    diagnosticSetting({ resourceId: idOf('aks-a'), name: 'legacy', workspaceId: '/subscriptions/x/resourceGroups/m/providers/Microsoft.OperationalInsights/workspaces/old', categories: ['kube-audit'] }),
  ]);
});
after(() => emu.close());

test('listing managed clusters at subscription scope follows nextLink pages until every cluster is read', async () => {
  const { aks } = sdkClients(emu);
  const got = await all(aks.managedClusters.list());
  assert.deepEqual(got.map((c) => c.name).sort(), names);
  // Five clusters at two per page: the SDK had to follow two nextLinks.
  const pages = [];
  for await (const page of aks.managedClusters.list().byPage()) pages.push(page.length);
  assert.deepEqual(pages, [2, 2, 1]);
});

test('a private cluster carries privateFQDN and no public fqdn; a public one the reverse', async () => {
  const { aks } = sdkClients(emu);
  const priv = await aks.managedClusters.get('rg-aks', 'aks-c');
  // SDK 25 flattens properties and spells the JSON's privateFQDN as privateFqdn.
  assert.equal(priv.privateFqdn, 'aks-c-dns-1234.abcd.privatelink.westeurope.azmk8s.io');
  assert.equal(priv.fqdn, undefined);
  assert.equal(priv.apiServerAccessProfile?.enablePrivateCluster, true);
  const pub = await aks.managedClusters.get('rg-aks', 'aks-a');
  assert.match(pub.fqdn ?? '', /^aks-a-dns-[0-9a-f]{8}\.hcp\.westeurope\.azmk8s\.io$/);
  assert.equal(pub.privateFqdn, undefined);
  assert.equal(pub.nodeResourceGroup, 'MC_rg-aks_aks-a_westeurope');
  assert.equal(pub.addonProfiles?.omsagent?.enabled, false);
});

test('a missing cluster is 404 ResourceNotFound', async () => {
  const { aks } = sdkClients(emu);
  await assert.rejects(aks.managedClusters.get('rg-aks', 'nope'), (e: { statusCode: number; code: string }) => e.statusCode === 404 && e.code === 'ResourceNotFound');
});

test('without managedClusters/read the list and the get are 403 AuthorizationFailed naming the action', async () => {
  const token = emu.addPrincipal([{ scope: `/subscriptions/${SUB}`, role: { Actions: [READ_DIAGNOSTIC_SETTINGS] } }]);
  const { aks, monitor } = sdkClients(emu, token);
  // The list pager keeps only the code ("Pagination failed with unexpected statusCode 403")...
  await assert.rejects(all(aks.managedClusters.list()), (e: { statusCode: number; code: string }) => e.statusCode === 403 && e.code === 'AuthorizationFailed');
  // ...the get carries the service's message, which names the missing action.
  await assert.rejects(aks.managedClusters.get('rg-aks', 'aks-a'), (e: { statusCode: number; code: string; message: string }) => {
    assert.equal(e.statusCode, 403);
    assert.equal(e.code, 'AuthorizationFailed');
    assert.ok(e.message.includes(`perform action '${READ_CLUSTERS}' over scope`), e.message);
    return true;
  });
  // The other source still answers for the same principal: each source fails alone.
  assert.equal((await monitor.diagnosticSettings.list(idOf('aks-a'))).value?.length, 2);
});

test('a reader of one resource group lists only that group\'s clusters at subscription scope', async () => {
  const token = emu.addPrincipal([{ scope: `/subscriptions/${SUB}/resourceGroups/rg-other`, role: { Actions: ['*/read'] } }]);
  const { aks } = sdkClients(emu, token);
  assert.deepEqual((await all(aks.managedClusters.list())).map((c) => c.name), ['aks-e']);
});

test('diagnostic settings: Dedicated and legacy destinations, categories on and off, none at all, and 403', async () => {
  const { monitor } = sdkClients(emu);
  const got = (await monitor.diagnosticSettings.list(idOf('aks-a'))).value!;
  const dedicated = got.find((s) => s.name === 'to-law')!;
  assert.equal(dedicated.logAnalyticsDestinationType, 'Dedicated');
  assert.deepEqual(dedicated.logs!.filter((l) => l.enabled).map((l) => l.category), ['kube-audit-admin', 'guard']);
  assert.equal(dedicated.logs!.find((l) => l.category === 'kube-audit')!.enabled, false);
  const legacy = got.find((s) => s.name === 'legacy')!;
  assert.equal(legacy.logAnalyticsDestinationType ?? null, null);
  assert.match(legacy.workspaceId!, /workspaces\/old$/);
  // A cluster with no diagnostic setting: an empty list, not an error.
  assert.deepEqual((await monitor.diagnosticSettings.list(idOf('aks-b'))).value, []);
  const token = emu.addPrincipal([{ scope: `/subscriptions/${SUB}`, role: { Actions: [READ_CLUSTERS] } }]);
  await assert.rejects(sdkClients(emu, token).monitor.diagnosticSettings.list(idOf('aks-a')), (e: { statusCode: number; message: string }) => e.statusCode === 403 && e.message.includes(`'${READ_DIAGNOSTIC_SETTINGS}'`));
});

test('a throttle on managed clusters alone: 429 with Retry-After, retried by the SDK; diagnostic settings untouched', async () => {
  emu.faults.add({ target: 'managedClusters', kind: 'throttle', count: 1, retryAfterSeconds: 0 });
  const { aks, monitor } = sdkClients(emu, undefined, { maxRetries: 2 });
  await monitor.diagnosticSettings.list(idOf('aks-a'));
  assert.equal(emu.faults.injected.length, 0, 'the diagnostic settings request was not throttled');
  assert.equal((await aks.managedClusters.get('rg-aks', 'aks-b')).name, 'aks-b');
  assert.deepEqual(emu.faults.injected, [{ target: 'managedClusters', kind: 'throttle' }]);
  emu.faults.add({ target: 'managedClusters', kind: 'unavailable', count: 1, retryAfterSeconds: 0 });
  await assert.rejects(sdkClients(emu).aks.managedClusters.get('rg-aks', 'aks-b'), (e: { statusCode: number }) => e.statusCode === 503);
});

test('a page link whose $skiptoken is not the service\'s is 400; a request without api-version is 400', async () => {
  const { aks } = sdkClients(emu);
  const bad = `${emu.url}/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters?api-version=2026-06-01&$skiptoken=not-a-token`;
  await assert.rejects(async () => {
    for await (const page of aks.managedClusters.list().byPage({ continuationToken: bad })) void page;
  }, (e: { statusCode: number }) => e.statusCode === 400);
  const noVersion = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpsGet(`${emu.url}/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters`, { ca: emu.endpoints.ca, headers: { authorization: `Bearer ${emu.endpoints.token}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  assert.equal(noVersion.status, 400);
  assert.equal((JSON.parse(noVersion.body) as { error: { code: string } }).error.code, 'MissingApiVersionParameter');
});
