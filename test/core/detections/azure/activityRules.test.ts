// The Activity Log rules: who fetched the admin credentials, ran commands through Azure, blinded the
// audit or granted access, each with its near miss (a failed call, another resource, a read).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVITY_RULES } from '../../../../src/core/detections/index.js';
import { activityFindings, type ActivityLogEvent, type AzureDetectContext } from '../../../../src/core/detections/azure/index.js';
import { activity, CLUSTER_ID, citedActivity, NODE_RG } from './fixtures.js';

const CTX: AzureDetectContext = { clusterResourceId: CLUSTER_ID, nodeResourceGroup: NODE_RG };
const ids = (events: ActivityLogEvent[], ctx = CTX) => activityFindings(citedActivity(events), ctx).map((f) => f.ruleId);
const CS = 'Microsoft.ContainerService/managedClusters';
const VMSS = `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss`;
const OTHER = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-other/providers/Microsoft.Web/sites/app';

const CASES: [string, ActivityLogEvent[], ActivityLogEvent[]][] = [
  [ACTIVITY_RULES.adminCredential.id, [activity({ op: `${CS}/listClusterAdminCredential/action` })], [activity({ op: `${CS}/listClusterAdminCredential/action`, status: 'Failed' }), activity({ op: `${CS}/read` })]],
  [ACTIVITY_RULES.userCredential.id, [activity({ op: `${CS}/listClusterUserCredential/action` })], [activity({ op: `${CS}/listClusterUserCredential/action`, status: 'Failed' })]],
  [ACTIVITY_RULES.runCommand.id, [activity({ op: `${CS}/runCommand/action` })], [activity({ op: `${CS}/commandResults/read` })]],
  [ACTIVITY_RULES.vmRunCommand.id, [activity({ op: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action', resourceId: `${VMSS}/virtualMachines/0` })],
    [activity({ op: 'Microsoft.Compute/virtualMachines/runCommand/action', resourceId: `${OTHER.replace('Microsoft.Web/sites', 'Microsoft.Compute/virtualMachines')}` })]],
  [ACTIVITY_RULES.vmExtension.id, [activity({ op: 'Microsoft.Compute/virtualMachineScaleSets/extensions/write', resourceId: `${VMSS}/extensions/CustomScript` })],
    [activity({ op: 'Microsoft.Compute/virtualMachineScaleSets/extensions/write', resourceId: `${VMSS}/extensions/vmssCSE`, caller: 'aks-rp-identity' })]],
  [ACTIVITY_RULES.diagnostics.id, [activity({ op: 'microsoft.insights/diagnosticSettings/delete', resourceId: `${CLUSTER_ID}/providers/microsoft.insights/diagnosticSettings/audit-to-law` })],
    [activity({ op: 'microsoft.insights/diagnosticSettings/read', resourceId: `${CLUSTER_ID}/providers/microsoft.insights/diagnosticSettings/audit-to-law` }), activity({ op: 'microsoft.insights/diagnosticSettings/delete', resourceId: `${OTHER}/providers/microsoft.insights/diagnosticSettings/x` })]],
  [ACTIVITY_RULES.roleAssignment.id, [activity({ op: 'Microsoft.Authorization/roleAssignments/write', resourceId: `${CLUSTER_ID}/providers/Microsoft.Authorization/roleAssignments/0c6e6b4a-0000-0000-0000-000000000001` })],
    [activity({ op: 'Microsoft.Authorization/roleAssignments/write', resourceId: `${OTHER}/providers/Microsoft.Authorization/roleAssignments/1` })]],
];

const CTX_WITH_PLATFORM: AzureDetectContext = { ...CTX, platformCallers: ['aks-rp-identity'] };
for (const [rule, fires, nearMiss] of CASES) {
  test(`${rule} fires`, () => assert.ok(ids(fires, CTX_WITH_PLATFORM).includes(rule)));
  test(`${rule} stays silent on its near miss`, () => assert.ok(!ids(nearMiss, CTX_WITH_PLATFORM).includes(rule), `fired: ${ids(nearMiss, CTX_WITH_PLATFORM).join(', ')}`));
}

test('listClusterAdminCredential names the caller and address; Started and Succeeded of one call count once', () => {
  const started = activity({ op: `${CS}/listClusterAdminCredential/action`, status: 'Started', correlationId: 'corr-1', time: '2026-12-01T14:05:00.0000000Z' });
  const done = activity({ op: `${CS}/listClusterAdminCredential/action`, status: 'Succeeded', correlationId: 'corr-1', time: '2026-12-01T14:05:01.0000000Z' });
  const again = activity({ op: `${CS}/LISTCLUSTERADMINCREDENTIAL/ACTION`, correlationId: 'corr-2', time: '2026-12-01T14:30:00.0000000Z' });
  const [f, ...rest] = activityFindings(citedActivity([started, done, again]), CTX);
  assert.equal(rest.length, 0);
  assert.equal(f?.severity, 'high');
  assert.equal(f?.techniqueId, 'MS-TA9003');
  assert.equal(f?.identity, 'spn-deployer@contoso.example');
  assert.deepEqual(f?.sourceIps, ['198.51.100.23']);
  assert.equal(f?.count, 2);
  assert.equal(f?.cites.length, 3);
  assert.equal(f?.eventTime, '2026-12-01T14:05:00.0000000Z');
  assert.equal(f?.lastTime, '2026-12-01T14:30:00.0000000Z');
});

test('a diagnostic setting change is medium, a delete high; role assignments in the node resource group count', () => {
  const write = activityFindings(citedActivity([activity({ op: 'Microsoft.Insights/diagnosticSettings/write', resourceId: `${CLUSTER_ID}/providers/microsoft.insights/diagnosticSettings/a` })]), CTX)[0];
  assert.equal(write?.severity, 'medium');
  assert.equal(write?.techniqueId, 'T1562.008');
  const rg = activityFindings(citedActivity([activity({ op: 'Microsoft.Authorization/roleAssignments/write', resourceId: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/${NODE_RG}/providers/Microsoft.Authorization/roleAssignments/2` })]), CTX)[0];
  assert.equal(rg?.ruleId, ACTIVITY_RULES.roleAssignment.id);
});

test('an operation whose Started record is followed by a Failed one did not happen: no finding, nothing cited', () => {
  const started = activity({ op: `${CS}/runCommand/action`, status: 'Started', correlationId: 'corr-9' });
  const failed = activity({ op: `${CS}/runCommand/action`, status: 'Failed', correlationId: 'corr-9' });
  assert.deepEqual(ids([started, failed]), []);
  const accepted = activity({ op: `${CS}/runCommand/action`, status: 'Accepted', correlationId: 'corr-10' });
  assert.deepEqual(activityFindings(citedActivity([started, failed, accepted]), CTX).map((f) => [f.ruleId, f.count, f.cites]), [[ACTIVITY_RULES.runCommand.id, 1, ['snap/azureactivity_CL/000000003']]]);
});
