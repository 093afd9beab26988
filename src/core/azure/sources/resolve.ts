// Which managed cluster the kubeconfig points at: the one named by --aks-resource-id, or the one
// in the subscription whose API server host (properties.fqdn, or properties.privateFQDN of a
// private cluster) is exactly the kubeconfig server's host, compared case-insensitively. The
// managed cluster's GET is recorded as served: it is the evidence of how the cluster was set up.
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { armOptions, gapOf, parseResourceId, sameId, type SourceContext } from './context.js';
import type { CapturedAttempt } from './capture.js';
import type { AzureCoverage, CoverageSource } from './coverage.js';

/** The managed cluster resource as ARM serves it (only what the sources read is declared). */
export interface ManagedClusterJson {
  id?: string;
  name?: string;
  location?: string;
  identity?: unknown;
  properties?: {
    fqdn?: string;
    privateFQDN?: string;
    nodeResourceGroup?: string;
    disableLocalAccounts?: boolean;
    aadProfile?: { managed?: boolean; enableAzureRBAC?: boolean };
    apiServerAccessProfile?: { enablePrivateCluster?: boolean };
    addonProfiles?: Record<string, { enabled?: boolean; config?: Record<string, string> }>;
    azureMonitorProfile?: { containerInsights?: { enabled?: boolean } };
    securityProfile?: { defender?: { securityMonitoring?: { enabled?: boolean }; logAnalyticsWorkspaceResourceId?: string } };
  };
}

export interface ResolvedCluster {
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  json: ManagedClusterJson;
  matchedBy: NonNullable<AzureCoverage['cluster']>['matchedBy'];
}

export const CLUSTER_READ = { role: 'Reader (Microsoft.ContainerService/managedClusters/read)' };

/** The kubeconfig server's host, lower-cased, without port or brackets. */
export function serverHost(server: string): string {
  try {
    return new URL(server).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return '';
  }
}

const bodyJson = (a: CapturedAttempt): unknown => {
  try {
    return JSON.parse(a.body.toString('utf8'));
  } catch {
    return null;
  }
};

/** How a cluster's hosts match the kubeconfig's, exactly (a private FQDN counts as much as the public one). */
export function hostMatch(c: ManagedClusterJson, host: string): 'fqdn' | 'private-fqdn' | null {
  const p = c.properties ?? {};
  if (host && typeof p.fqdn === 'string' && p.fqdn.toLowerCase() === host) return 'fqdn';
  if (host && typeof p.privateFQDN === 'string' && p.privateFQDN.toLowerCase() === host) return 'private-fqdn';
  return null;
}

export interface ResolveRequest {
  server: string;
  aksResourceId?: string;
  subscriptionId?: string;
}

/** Finds and GETs the cluster; every failure is a gap on the cluster source, never a throw. */
export async function resolveCluster(ctx: SourceContext, req: ResolveRequest, source: CoverageSource): Promise<ResolvedCluster | null> {
  const host = serverHost(req.server);
  let target: { id: string; matchedBy: ResolvedCluster['matchedBy'] } | null;
  if (req.aksResourceId) target = { id: req.aksResourceId, matchedBy: 'aks-resource-id' };
  else target = await findByHost(ctx, req.subscriptionId ?? ctx.conn.subscriptionId, host, source);
  if (!target) return null;
  const parts = parseResourceId(target.id);
  if (!parts || !/^Microsoft\.ContainerService$/i.test(parts.provider) || !/^managedClusters$/i.test(parts.type)) {
    source.gaps.push({ scope: target.id, status: 'failed', message: `${target.id} is not a managed cluster resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>).` });
    return null;
  }
  let served: ManagedClusterJson | null = null;
  const client = new ContainerServiceClient(ctx.conn.credential, parts.subscriptionId, armOptions(ctx, { source: 'cluster', operation: 'managedClusters.get', scope: target.id }, source, (a) => {
    if (a.status === 200) served = bodyJson(a) as ManagedClusterJson;
  }));
  try {
    await client.managedClusters.get(parts.resourceGroup, parts.name, { abortSignal: ctx.signal });
  } catch (err) {
    source.reachable = false;
    source.gaps.push(gapOf(err, { action: 'read the managed cluster', resource: target.id, role: CLUSTER_READ.role, scope: target.id }));
    return null;
  }
  source.reachable = true;
  source.enabled = true;
  source.where.push(target.id);
  const json = (served ?? {}) as ManagedClusterJson;
  source.notes = clusterFacts(json);
  if (target.matchedBy === 'aks-resource-id' && host && !hostMatch(json, host)) {
    source.gaps.push({ scope: target.id, status: 'partial', message: `The kubeconfig's server host ${host} is neither the fqdn nor the privateFQDN of ${target.id}: check that --aks-resource-id names the cluster the kubeconfig points at.` });
  }
  return { resourceId: json.id ?? target.id, subscriptionId: parts.subscriptionId, resourceGroup: parts.resourceGroup, name: parts.name, json, matchedBy: target.matchedBy };
}

/** The configuration facts a responder asks first, from the GET as served (every value type-checked). */
export function clusterFacts(c: ManagedClusterJson): string[] {
  const p = c.properties ?? {};
  const facts: string[] = [];
  facts.push(p.disableLocalAccounts === true ? 'local accounts disabled' : 'local accounts ENABLED (the admin certificate works)');
  if (p.aadProfile?.managed) facts.push(p.aadProfile.enableAzureRBAC ? 'Entra ID with Azure RBAC' : 'Entra ID with Kubernetes RBAC');
  else facts.push('no Entra ID integration');
  const addons = Object.entries(p.addonProfiles ?? {}).filter(([, a]) => a?.enabled === true).map(([k]) => k);
  facts.push(addons.length ? `add-ons ${addons.sort().join(', ')}` : 'no add-ons');
  if (p.apiServerAccessProfile?.enablePrivateCluster === true) facts.push('private API server');
  if (typeof p.nodeResourceGroup === 'string') facts.push(`node resource group ${p.nodeResourceGroup}`);
  const identity = (c.identity as { type?: unknown } | undefined)?.type;
  if (typeof identity === 'string') facts.push(`identity ${identity}`);
  return facts;
}

/** Lists the subscription's managed clusters (every page recorded) and picks the one whose host is the kubeconfig's. */
async function findByHost(ctx: SourceContext, subscriptionId: string | undefined, host: string, source: CoverageSource): Promise<{ id: string; matchedBy: 'fqdn' | 'private-fqdn' } | null> {
  if (!subscriptionId) {
    source.gaps.push({ scope: 'managed cluster', status: 'skipped', message: 'No subscription is known to look the cluster up in: pass --subscription <id> or --aks-resource-id <id>.' });
    return null;
  }
  const scope = `/subscriptions/${subscriptionId}`;
  const found: ManagedClusterJson[] = [];
  const client = new ContainerServiceClient(ctx.conn.credential, subscriptionId, armOptions(ctx, { source: 'cluster', operation: 'managedClusters.list', scope }, source, (a) => {
    const page = bodyJson(a) as { value?: ManagedClusterJson[] } | null;
    if (a.status === 200 && Array.isArray(page?.value)) found.push(...page.value);
  }));
  try {
    for await (const page of client.managedClusters.list({ abortSignal: ctx.signal }).byPage()) void page;
  } catch (err) {
    source.reachable = false;
    source.gaps.push(gapOf(err, { action: 'list the managed clusters of the subscription', resource: scope, role: CLUSTER_READ.role, scope }));
    return null;
  }
  const matches = found.flatMap((c) => {
    const how = hostMatch(c, host);
    return how && typeof c.id === 'string' ? [{ id: c.id, matchedBy: how }] : [];
  });
  const distinct = matches.filter((m, i) => matches.findIndex((o) => sameId(o.id, m.id)) === i);
  if (distinct.length === 1) return distinct[0]!;
  source.reachable = true;
  const message = distinct.length === 0
    ? `None of the ${found.length} managed clusters in subscription ${subscriptionId} has the API server host ${host || '(none)'} as its fqdn or privateFQDN: pass --aks-resource-id, or --subscription for the cluster's subscription.`
    : `${distinct.length} managed clusters in subscription ${subscriptionId} have the API server host ${host}: pass --aks-resource-id to choose (${distinct.map((m) => m.id).join(', ')}).`;
  source.gaps.push({ scope, status: 'failed', message });
  return null;
}
