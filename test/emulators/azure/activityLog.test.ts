// The Activity Log and Defender alerts through the real SDK clients (@azure/arm-monitor
// activityLogs, @azure/arm-security alerts): the restricted $filter, nextLink paging, newest
// first, the 403 of each source alone, and a throttled page retried.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAzureEmulator, type AzureEmulator } from './server.js';
import { activityEvent, parseActivityFilter, READ_ACTIVITY } from './activityLog.js';
import { securityAlert, READ_ALERTS } from './securityAlerts.js';
import { managedClusterId } from './managedClusters.js';
import { all, sdkClients } from './clients.js';

const SUB = '22222222-3333-4444-5555-666666666666';
const TENANT = '99999999-8888-7777-6666-555555555555';
const CLUSTER = managedClusterId(SUB, 'rg-aks', 'aks-x');
const NODE_RG = 'MC_rg-aks_aks-x_westeurope';
// Two days ago, on a whole minute: inside the Activity Log's 90-day retention.
const T0 = Math.floor((Date.now() - 2 * 86_400_000) / 60_000) * 60_000;
let emu: AzureEmulator;

const ev = (minutes: number, resourceId: string, operation: string) =>
  activityEvent({ subscriptionId: SUB, tenantId: TENANT, resourceId, operation, time: new Date(T0 + minutes * 60_000), caller: 'sp-object-id', claims: { appid: 'app' }, clientIp: '203.0.113.7', status: 'Succeeded' });

before(async () => {
  emu = await startAzureEmulator({ subscriptionId: SUB, armPageSize: 3 });
  const events = [];
  // Seven events on the cluster, one on a child role assignment, two in the node resource group, one elsewhere.
  for (let i = 0; i < 7; i++) events.push(ev(i, CLUSTER, 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action'));
  events.push(ev(8, `${CLUSTER}/providers/Microsoft.Authorization/roleAssignments/ra-1`, 'Microsoft.Authorization/roleAssignments/write'));
  const vmss = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss`;
  events.push(ev(9, `${vmss}/virtualMachines/0`, 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action'), ev(10, vmss, 'Microsoft.Compute/virtualMachineScaleSets/write'));
  events.push(ev(11, managedClusterId(SUB, 'rg-aks', 'aks-other'), 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'));
  emu.aks.addActivity(events);
  const alert = (minutes: number, rg: string, type: string) => securityAlert({
    subscriptionId: SUB, resourceGroup: rg, location: 'westeurope', tenantId: TENANT, clusterId: CLUSTER, alertType: type, displayName: type, description: 'd',
    severity: 'High', intent: 'Execution', start: new Date(T0 + minutes * 60_000), compromisedEntity: 'aks-x', entities: [], remediationSteps: ['r'], extendedProperties: {},
  });
  emu.aks.addAlerts([alert(1, 'rg-aks', 'K8S_MaliciousContainerImage'), alert(2, 'rg-aks', 'K8S_SensitiveMount'), alert(3, 'rg-aks', 'K8S.NODE_DigitalCurrencyMining'), alert(4, 'rg-aks', 'K8S_PrivilegedContainer'), alert(5, 'rg-web', 'VM_SuspiciousActivity')]);
});
after(() => emu.close());

const range = (a: number, b: number) => `eventTimestamp ge '${new Date(T0 + a * 60_000).toISOString()}' and eventTimestamp le '${new Date(T0 + b * 60_000).toISOString()}'`;

test('resourceUri eq returns the cluster\'s events and its child resources\', newest first, over nextLink pages', async () => {
  const { monitor } = sdkClients(emu);
  const got = await all(monitor.activityLogs.list(`${range(0, 60)} and resourceUri eq '${CLUSTER}'`));
  assert.equal(got.length, 8, 'seven on the cluster and the role assignment on it; not the other cluster');
  assert.equal(got[0]!.operationName?.value, 'Microsoft.Authorization/roleAssignments/write');
  const times = got.map((e) => e.eventTimestamp!.getTime());
  assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
  assert.equal(got[1]!.httpRequest?.clientIpAddress, '203.0.113.7');
  assert.equal(got[1]!.caller, 'sp-object-id');
  const pages: number[] = [];
  for await (const p of monitor.activityLogs.list(`${range(0, 60)} and resourceUri eq '${CLUSTER}'`).byPage()) pages.push(p.length);
  assert.deepEqual(pages, [3, 3, 2]);
});

test('the eventTimestamp range and resourceGroupName eq select the node resource group\'s events', async () => {
  const { monitor } = sdkClients(emu);
  const got = await all(monitor.activityLogs.list(`${range(0, 60)} and resourceGroupName eq '${NODE_RG.toLowerCase()}'`));
  assert.deepEqual(got.map((e) => e.operationName?.value), ['Microsoft.Compute/virtualMachineScaleSets/write', 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action']);
  const window = await all(monitor.activityLogs.list(`${range(2, 4)} and resourceUri eq '${CLUSTER}'`));
  assert.equal(window.length, 3, 'minutes 2, 3 and 4, both ends included');
});

test('a $filter the service refuses is a 400 BadRequest: no eventTimestamp, two scopes, an unknown field', async () => {
  const { monitor } = sdkClients(emu);
  for (const filter of [`resourceUri eq '${CLUSTER}'`, `${range(0, 1)} and resourceUri eq '${CLUSTER}' and resourceGroupName eq 'rg-aks'`, `${range(0, 1)} and operationName eq 'x'`, `${range(5, 1)}`]) {
    await assert.rejects(all(monitor.activityLogs.list(filter)), (e: { statusCode: number; code: string }) => {
      assert.equal(e.statusCode, 400, filter);
      assert.equal(e.code, 'BadRequest');
      return true;
    });
  }
  assert.equal(typeof parseActivityFilter(`eventTimestamp ge '2026-01-01T00:00:00Z'`, T0), 'object', 'le is optional (defaults to now)');
  assert.match(String(parseActivityFilter(null)), /required/);
});

test('without eventtypes/values/read the Activity Log alone is 403 naming the action; alerts still answer', async () => {
  const token = emu.addPrincipal([{ scope: `/subscriptions/${SUB}`, role: { Actions: [READ_ALERTS] } }]);
  const { monitor, security } = sdkClients(emu, token);
  await assert.rejects(all(monitor.activityLogs.list(`${range(0, 60)} and resourceUri eq '${CLUSTER}'`)), (e: { statusCode: number; code: string; message: string }) => {
    assert.equal(e.statusCode, 403);
    assert.equal(e.code, 'AuthorizationFailed');
    assert.ok(e.message.includes(`'${READ_ACTIVITY}'`), e.message);
    return true;
  });
  assert.equal((await all(security.alerts.list())).length, 5);
  // A reader of the cluster's resource group may read that group's events (and no other).
  const rgToken = emu.addPrincipal([{ scope: `/subscriptions/${SUB}/resourceGroups/rg-aks`, role: { Actions: ['*/read'] } }]);
  assert.equal((await all(sdkClients(emu, rgToken).monitor.activityLogs.list(`${range(0, 60)} and resourceUri eq '${CLUSTER}'`))).length, 8);
  await assert.rejects(all(sdkClients(emu, rgToken).monitor.activityLogs.list(`${range(0, 60)} and resourceGroupName eq '${NODE_RG}'`)), (e: { statusCode: number }) => e.statusCode === 403);
});

test('alerts at subscription and resource-group scope, paged; 403 without alerts read', async () => {
  const { security } = sdkClients(emu);
  const sub = await all(security.alerts.list());
  assert.equal(sub.length, 5);
  const pages: number[] = [];
  for await (const p of security.alerts.list().byPage()) pages.push(p.length);
  assert.deepEqual(pages, [3, 2]);
  const rg = await all(security.alerts.listByResourceGroup('rg-aks'));
  assert.deepEqual(rg.map((a) => a.alertType).sort(), ['K8S.NODE_DigitalCurrencyMining', 'K8S_MaliciousContainerImage', 'K8S_PrivilegedContainer', 'K8S_SensitiveMount']);
  const a = rg.find((x) => x.alertType === 'K8S_MaliciousContainerImage')!;
  assert.equal(a.resourceIdentifiers?.[0]?.type, 'AzureResource');
  assert.equal((a.resourceIdentifiers?.[0] as { azureResourceId?: string }).azureResourceId, CLUSTER);
  assert.equal(a.compromisedEntity, 'aks-x');
  const token = emu.addPrincipal([{ scope: `/subscriptions/${SUB}`, role: { Actions: [READ_ACTIVITY] } }]);
  await assert.rejects(all(sdkClients(emu, token).security.alerts.list()), (e: { statusCode: number; message: string }) => e.statusCode === 403 && e.message.includes(`'${READ_ALERTS}'`));
});

test('a throttled Activity Log page is retried after Retry-After; the alerts source is not throttled', async () => {
  emu.faults.clear();
  emu.faults.add({ target: 'activityLog', kind: 'throttle', count: 1, retryAfterSeconds: 0 });
  const { monitor, security } = sdkClients(emu, undefined, { maxRetries: 2 });
  await all(security.alerts.list());
  assert.equal(emu.faults.injected.filter((f) => f.target === 'alerts').length, 0);
  assert.equal((await all(monitor.activityLogs.list(`${range(0, 60)} and resourceUri eq '${CLUSTER}'`))).length, 8);
  assert.deepEqual(emu.faults.injected.slice(-1), [{ target: 'activityLog', kind: 'throttle' }]);
});

test('events older than the 90-day retention are not returned, whatever the filter asks', async () => {
  const old = new Date(Date.now() - 91 * 86_400_000);
  emu.aks.addActivity([activityEvent({ subscriptionId: SUB, tenantId: TENANT, resourceId: CLUSTER, operation: 'Microsoft.ContainerService/managedClusters/write', time: old, caller: 'x', claims: {}, clientIp: '192.0.2.1', status: 'Succeeded' })]);
  const { monitor } = sdkClients(emu);
  const got = await all(monitor.activityLogs.list(`eventTimestamp ge '${new Date(old.getTime() - 60_000).toISOString()}' and resourceUri eq '${CLUSTER}'`));
  assert.equal(got.length, 8, 'only the recent events');
  assert.ok(got.every((e) => e.operationName?.value !== 'Microsoft.ContainerService/managedClusters/write'));
});
