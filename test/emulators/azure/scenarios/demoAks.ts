// The demo's Azure trail: the managed cluster behind the demo kube scenario (its fqdn is the kube
// emulator's host, so discovery by server URL works), two decoy clusters in the same
// subscription, diagnostic settings sending kube-audit, kube-audit-admin and guard to a workspace
// with resource-specific tables (plus a storage-only archive), the workspace rows, the Activity
// Log (the admin credential fetched by a service principal, a refused runCommand, a role
// assignment, a VM scale set runCommand, an on-call user's ordinary credential fetch) and two
// Defender alerts. Usage: startAzureEmulator({ aks: demoAksTrail({ kubeServerUrl, now }) }).
import type { AksTrail, ArmBody } from '../aksState.js';
import { managedCluster } from '../managedClusters.js';
import { diagnosticSetting } from '../diagnosticSettings.js';
import { activityEvent } from '../activityLog.js';
import { routeToWorkspaces } from '../auditWorkspace.js';
import { DEMO_AKS as D } from './demoIdentity.js';
import { demoBaselineAudit, demoGuardLines } from './demoAudit.js';
import { demoAttackAudit } from './demoAttack.js';
import { demoAlerts } from './demoAlerts.js';

export { DEMO_AKS } from './demoIdentity.js';

export interface DemoAksOptions {
  /** The kube emulator's server URL: the cluster's fqdn (or privateFQDN) becomes its hostname. */
  kubeServerUrl: string;
  /** The kube emulator's clock (kube.now()); the trail's times are relative to it. Default: now. */
  now?: Date;
  /** A private cluster: privateFQDN is the kube host, fqdn a different public name. */
  private?: boolean;
  /** With private: false omits the public fqdn entirely (enablePrivateClusterPublicFQDN false). */
  publicFqdn?: boolean;
  /** Which diagnostic settings the cluster has: the demo's, legacy AzureDiagnostics, or none. */
  diagnostics?: 'dedicated' | 'legacy' | 'none';
}

function clusters(host: string, o: DemoAksOptions): ArmBody[] {
  const sub = D.subscriptionId;
  const prod = managedCluster({
    subscriptionId: sub, resourceGroup: D.resourceGroup, name: D.clusterName, location: D.location, nodeResourceGroup: D.nodeResourceGroup,
    ...(o.private ? { privateFQDN: host, fqdn: o.publicFqdn === false ? null : undefined } : { fqdn: host }),
    aad: { enableAzureRBAC: true, tenantID: D.tenantId, adminGroupObjectIDs: ['0c6f2f6e-3a1d-4b8e-9f2a-7d5c4b3a2e1f'] },
    disableLocalAccounts: false, containerInsightsWorkspaceId: D.workspaceId, azurePolicy: false, defenderWorkspaceId: null,
    tags: { environment: 'production', owner: 'web-platform' },
  });
  const staging = managedCluster({ subscriptionId: sub, resourceGroup: 'rg-staging-weu', name: 'aks-staging-weu', location: D.location, aad: { enableAzureRBAC: true, tenantID: D.tenantId }, disableLocalAccounts: true });
  const dev = managedCluster({ subscriptionId: sub, resourceGroup: 'rg-dev-neu', name: 'aks-dev-neu', location: 'northeurope', privateFQDN: 'aks-dev-neu-dns-7c1d2e3f.4b5a6c7d-privatelink.northeurope.azmk8s.io', fqdn: null, aad: null });
  return [prod, staging, dev];
}

function settings(o: DemoAksOptions): ArmBody[] {
  if (o.diagnostics === 'none') return [];
  const base = { resourceId: D.clusterId };
  if (o.diagnostics === 'legacy') return [diagnosticSetting({ ...base, name: 'send-to-law', workspaceId: D.workspaceId, categories: ['kube-audit', 'kube-audit-admin', 'guard'] })];
  return [
    diagnosticSetting({ ...base, name: 'aks-audit-to-law', workspaceId: D.workspaceId, dedicated: true, categories: ['kube-audit', 'kube-audit-admin', 'guard'] }),
    diagnosticSetting({ ...base, name: 'archive-to-storage', storageAccountId: D.storageAccountId, categories: ['kube-audit'] }),
  ];
}

const MIN = 60_000;

function activity(now: number): Record<string, unknown>[] {
  const common = { subscriptionId: D.subscriptionId, tenantId: D.tenantId };
  const sp = D.servicePrincipal;
  const spClaims = { aud: 'https://management.core.windows.net/', iss: `https://sts.windows.net/${D.tenantId}/`, appid: sp.appId, appidacr: '1', idtyp: 'app', oid: sp.objectId, 'http://schemas.microsoft.com/identity/claims/objectidentifier': sp.objectId, 'http://schemas.microsoft.com/identity/claims/tenantid': D.tenantId };
  const userClaims = (u: { upn: string; objectId: string }) => ({ aud: 'https://management.core.windows.net/', iss: `https://sts.windows.net/${D.tenantId}/`, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': u.upn, name: u.upn.split('@')[0]!, appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', idtyp: 'user', 'http://schemas.microsoft.com/identity/claims/objectidentifier': u.objectId, 'http://schemas.microsoft.com/identity/claims/tenantid': D.tenantId });
  const pair = (spec: Omit<Parameters<typeof activityEvent>[0], 'status' | 'correlationId' | 'subscriptionId' | 'tenantId'>, end: 'Succeeded' | 'Failed' | 'Accepted', correlationId: string) => [
    activityEvent({ ...common, ...spec, status: 'Started', correlationId }),
    activityEvent({ ...common, ...spec, time: new Date(spec.time.getTime() + 1800), status: end, correlationId, level: end === 'Failed' ? 'Error' : 'Informational' }),
  ];
  const at = (ago: number) => new Date(now - ago);
  const cluster = D.clusterId;
  return [
    ...pair({ resourceId: cluster, operation: 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action', time: at(160 * MIN), caller: D.oncall.upn, claims: userClaims(D.oncall), clientIp: D.corpIp, role: 'Azure Kubernetes Service Cluster User Role' }, 'Succeeded', 'a1f0c9e2-0001-4c6b-9d3e-5f7a8b9c0d1e'),
    ...pair({ resourceId: cluster, operation: 'Microsoft.ContainerService/managedClusters/runCommand/action', time: at(51 * MIN + 40_000), caller: sp.objectId, claims: spClaims, clientIp: D.attackerIp }, 'Failed', 'a1f0c9e2-0002-4c6b-9d3e-5f7a8b9c0d1e'),
    ...pair({ resourceId: cluster, operation: 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action', time: at(51 * MIN), caller: sp.objectId, claims: spClaims, clientIp: D.attackerIp, role: 'Contributor' }, 'Succeeded', 'a1f0c9e2-0003-4c6b-9d3e-5f7a8b9c0d1e'),
    ...pair({ resourceId: `${cluster}/providers/Microsoft.Authorization/roleAssignments/8e2d1c0b-5a4f-4e3d-9c2b-1a0f9e8d7c6b`, operation: 'Microsoft.Authorization/roleAssignments/write', time: at(45 * MIN), caller: sp.objectId, claims: spClaims, clientIp: D.attackerIp, httpMethod: 'PUT', role: 'Owner', properties: { requestbody: JSON.stringify({ Id: '8e2d1c0b-5a4f-4e3d-9c2b-1a0f9e8d7c6b', Properties: { PrincipalId: D.user.objectId, PrincipalType: 'User', RoleDefinitionId: `/subscriptions/${D.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`, Scope: cluster } }) } }, 'Succeeded', 'a1f0c9e2-0004-4c6b-9d3e-5f7a8b9c0d1e'),
    ...pair({ resourceId: `${D.vmssId}/virtualMachines/0`, operation: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action', time: at(38 * MIN), caller: sp.objectId, claims: spClaims, clientIp: D.attackerIp, role: 'Contributor' }, 'Accepted', 'a1f0c9e2-0005-4c6b-9d3e-5f7a8b9c0d1e'),
  ];
}

/** The whole Azure side of the demo, relative to `now` (the kube emulator's clock). */
export function demoAksTrail(o: DemoAksOptions): AksTrail {
  const now = (o.now ?? new Date()).getTime();
  const host = new URL(o.kubeServerUrl).hostname.replace(/^\[|\]$/g, '');
  const diag = settings(o);
  const events = [...demoBaselineAudit(now), ...demoAttackAudit(now)].sort((a, b) => a.stageTimestamp.localeCompare(b.stageTimestamp));
  const routed = routeToWorkspaces(D.clusterId, diag, events, demoGuardLines(now), () => D.workspaceCustomerId);
  const tables = Object.fromEntries(routed.get(D.workspaceId.toLowerCase()) ?? new Map());
  return {
    subscriptionId: D.subscriptionId,
    tenantId: D.tenantId,
    clusters: clusters(host, o),
    diagnosticSettings: { [D.clusterId]: diag },
    workspaces: [{ id: D.workspaceId, location: D.location, customerId: D.workspaceCustomerId, tables }],
    activityLog: activity(now),
    alerts: demoAlerts(now),
  };
}
