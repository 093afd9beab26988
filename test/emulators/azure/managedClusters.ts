// Microsoft.ContainerService/managedClusters as ARM serves it: list at subscription scope (and
// resource-group scope) with nextLink paging, and get. The body builder fills in what a real GET
// returns (api-version 2026-06-01 shape), so tests and the demo only state what matters to them.
import type { ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { armError, json } from './http.js';
import { pageOf } from './paging.js';
import type { ArmBody, RouteContext } from './aksState.js';

export const READ_CLUSTERS = 'Microsoft.ContainerService/managedClusters/read';

export interface ManagedClusterSpec {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  kubernetesVersion?: string;
  /** The public API server name; null omits it (a private cluster without public FQDN). */
  fqdn?: string | null;
  /** Set for a private cluster (apiServerAccessProfile.enablePrivateCluster). */
  privateFQDN?: string;
  disableLocalAccounts?: boolean;
  /** Entra ID integration; null = none (certificate and local accounts only). */
  aad?: { enableAzureRBAC: boolean; tenantID: string; adminGroupObjectIDs?: string[] } | null;
  /** Log Analytics workspace of Container Insights (addonProfiles.omsagent); null = off. */
  containerInsightsWorkspaceId?: string | null;
  azurePolicy?: boolean;
  /** Defender for Containers' workspace (securityProfile.defender); null = off. */
  defenderWorkspaceId?: string | null;
  nodeResourceGroup?: string;
  tags?: Record<string, string>;
}

/** A stable GUID-looking id derived from text (the same cluster always gets the same ids). */
export function stableGuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function managedClusterId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

function identityOf(spec: ManagedClusterSpec, nodeRg: string, which: string) {
  const id = stableGuid(`${spec.name}/${which}`);
  return {
    resourceId: `/subscriptions/${spec.subscriptionId}/resourcegroups/${nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${which}-${spec.name}`,
    clientId: stableGuid(`${id}/client`),
    objectId: stableGuid(`${id}/object`),
  };
}

function agentPool(spec: ManagedClusterSpec, version: string) {
  return {
    name: 'nodepool1', count: 2, vmSize: 'Standard_D4ds_v5', osDiskSizeGB: 128, osDiskType: 'Ephemeral', kubeletDiskType: 'OS',
    maxPods: 110, type: 'VirtualMachineScaleSets', availabilityZones: ['1', '2'], enableAutoScaling: false, provisioningState: 'Succeeded',
    powerState: { code: 'Running' }, orchestratorVersion: version, currentOrchestratorVersion: version, enableNodePublicIP: false,
    mode: 'System', osType: 'Linux', osSKU: 'Ubuntu', nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202411.12.0',
    upgradeSettings: { maxSurge: '10%' }, enableFIPS: false, securityProfile: { enableVTPM: false, enableSecureBoot: false },
  };
}

/** A managed cluster body as GET returns it. */
export function managedCluster(spec: ManagedClusterSpec): ArmBody {
  const version = spec.kubernetesVersion ?? '1.30.6';
  const nodeRg = spec.nodeResourceGroup ?? `MC_${spec.resourceGroup}_${spec.name}_${spec.location}`;
  const hash = createHash('sha256').update(spec.name).digest('hex').slice(0, 8);
  const dnsPrefix = `${spec.name}-dns`;
  const publicFqdn = spec.fqdn === undefined ? `${dnsPrefix}-${hash}.hcp.${spec.location}.azmk8s.io` : spec.fqdn;
  const isPrivate = spec.privateFQDN !== undefined;
  const workspaceAddon = spec.containerInsightsWorkspaceId
    ? { enabled: true, config: { logAnalyticsWorkspaceResourceID: spec.containerInsightsWorkspaceId, useAADAuth: 'true' }, identity: identityOf(spec, nodeRg, 'omsagent') }
    : { enabled: false, config: null };
  return {
    id: managedClusterId(spec.subscriptionId, spec.resourceGroup, spec.name),
    location: spec.location,
    name: spec.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    tags: spec.tags ?? {},
    sku: { name: 'Base', tier: 'Standard' },
    identity: { type: 'SystemAssigned', principalId: stableGuid(`${spec.name}/principal`), tenantId: spec.aad?.tenantID ?? stableGuid(`${spec.subscriptionId}/tenant`) },
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: version,
      currentKubernetesVersion: version,
      dnsPrefix,
      ...(publicFqdn ? { fqdn: publicFqdn, azurePortalFQDN: `${dnsPrefix}-${hash}.portal.hcp.${spec.location}.azmk8s.io` } : {}),
      ...(isPrivate ? { privateFQDN: spec.privateFQDN } : {}),
      agentPoolProfiles: [agentPool(spec, version)],
      servicePrincipalProfile: { clientId: 'msi' },
      addonProfiles: {
        omsagent: workspaceAddon,
        azurepolicy: spec.azurePolicy ? { enabled: true, config: { version: 'v2' }, identity: identityOf(spec, nodeRg, 'azurepolicy') } : { enabled: false, config: null },
        azureKeyvaultSecretsProvider: { enabled: false, config: null },
      },
      nodeResourceGroup: nodeRg,
      enableRBAC: true,
      supportPlan: 'KubernetesOfficial',
      networkProfile: {
        networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'calico', networkDataplane: 'azure', loadBalancerSku: 'standard',
        podCidr: '10.244.0.0/16', serviceCidr: '10.0.0.0/16', dnsServiceIP: '10.0.0.10', outboundType: 'loadBalancer',
        podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.0.0.0/16'], ipFamilies: ['IPv4'],
      },
      ...(spec.aad ? { aadProfile: { managed: true, enableAzureRBAC: spec.aad.enableAzureRBAC, adminGroupObjectIDs: spec.aad.adminGroupObjectIDs ?? [], tenantID: spec.aad.tenantID } } : {}),
      maxAgentPools: 100,
      apiServerAccessProfile: isPrivate
        ? { enablePrivateCluster: true, privateDNSZone: 'system', enablePrivateClusterPublicFQDN: Boolean(publicFqdn) }
        : { enablePrivateCluster: false },
      identityProfile: { kubeletidentity: identityOf(spec, nodeRg, 'agentpool') },
      autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' },
      disableLocalAccounts: spec.disableLocalAccounts ?? false,
      securityProfile: {
        ...(spec.defenderWorkspaceId ? { defender: { logAnalyticsWorkspaceResourceId: spec.defenderWorkspaceId, securityMonitoring: { enabled: true } } } : {}),
        workloadIdentity: { enabled: true },
      },
      oidcIssuerProfile: { enabled: true, issuerURL: `https://${spec.location}.oic.prod-aks.azure.com/${stableGuid(`${spec.subscriptionId}/tenant`)}/${stableGuid(spec.name)}/` },
      resourceUID: createHash('sha256').update(`${spec.name}/uid`).digest('hex').slice(0, 24),
    },
  };
}

const LIST_SUB = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters$/i;
const LIST_RG = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters$/i;
const GET_ONE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i;

export function isManagedClustersPath(path: string): boolean {
  return LIST_SUB.test(path) || LIST_RG.test(path) || GET_ONE.test(path);
}

/** Serves the request when it is a managed cluster read; returns false otherwise. */
export function managedClusters(ctx: RouteContext, method: string, url: URL, res: ServerResponse): boolean {
  const p = url.pathname;
  const sub = LIST_SUB.exec(p);
  const rg = LIST_RG.exec(p);
  const one = GET_ONE.exec(p);
  if (!sub && !rg && !one) return false;
  if (method !== 'GET') {
    armError(res, 405, 'MethodNotAllowed', `The emulator serves managed clusters read-only (${method}).`);
    return true;
  }
  if (one) {
    const id = managedClusterId(one[1]!, one[2]!, one[3]!);
    if (ctx.denied(res, READ_CLUSTERS, id)) return true;
    const body = ctx.store.clusters.get(id.toLowerCase());
    if (!body) {
      armError(res, 404, 'ResourceNotFound', `The Resource 'Microsoft.ContainerService/managedClusters/${one[3]}' under resource group '${one[2]}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
      return true;
    }
    json(res, 200, body);
    return true;
  }
  const scope = sub ? `/subscriptions/${sub[1]}` : `/subscriptions/${rg![1]}/resourceGroups/${rg![2]}`;
  const inScope = [...ctx.store.clusters.values()].filter((c) => c.id.toLowerCase().startsWith(`${scope.toLowerCase()}/`));
  // ARM filters a collection GET down to what the caller may read below the scope; only a caller
  // with no grant of the action anywhere in it is refused.
  const visible = inScope.filter((c) => ctx.rbac.can(ctx.who, c.id, READ_CLUSTERS));
  if (!ctx.rbac.can(ctx.who, scope, READ_CLUSTERS) && !ctx.rbac.grantsWithin(ctx.who, scope, READ_CLUSTERS) && ctx.denied(res, READ_CLUSTERS, scope)) return true;
  visible.sort((a, b) => a.id.localeCompare(b.id));
  const page = pageOf(visible, url, ctx.base, ctx.pageSize, res);
  if (page) json(res, 200, page);
  return true;
}
