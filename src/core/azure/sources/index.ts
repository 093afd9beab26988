// The Azure-side evidence of an AKS cluster, collected beside the Kubernetes API: the managed
// cluster's configuration, the control-plane audit log, the Activity Log and Defender alerts.
// Every response goes into the bundle's raw/ with the acquisition index; rows come later, from
// the derivation. Each source fails alone (its gap names the missing role); nothing here throws
// for a source, so the Kubernetes collection beside it is never held up by Azure's answers.
import type { AzureConnection } from '../credentials.js';
import { SCOPES } from '../credentials.js';
import type { RawStore } from '../../evidence/raw.js';
import { AzureRecorder } from './capture.js';
import type { SourceContext } from './context.js';
import { ADVICE, emptySource, type AzureCoverage, type CoverageSource, type CoverageSourceId } from './coverage.js';
import { readAuditDestinations } from './diagnostics.js';
import { queryDestination } from './audit.js';
import { readActivity } from './activity.js';
import { readAlerts } from './alerts.js';
import { resolveCluster, serverHost, type ResolvedCluster } from './resolve.js';

export interface AzureCollectRequest {
  conn: AzureConnection;
  /** The kubeconfig's server URL (its host is matched against the clusters' FQDNs). */
  server: string;
  aksResourceId?: string;
  subscriptionId?: string;
  /** The since-window. */
  from: Date;
  to: Date;
  signal: AbortSignal;
}

/** Collects every Azure source into `store`; returns the coverage report (records are counted at derivation). */
export async function collectAzureSources(req: AzureCollectRequest, store: RawStore): Promise<AzureCoverage> {
  const recorder = new AzureRecorder(store);
  const ctx: SourceContext = { conn: req.conn, recorder, window: { from: req.from, to: req.to }, signal: req.signal };
  const src = Object.fromEntries((['cluster', 'diagnostics', 'audit', 'activity', 'alerts', 'containerInsights'] as CoverageSourceId[]).map((id) => [id, emptySource(id)])) as Record<CoverageSourceId, CoverageSource>;
  const coverage: AzureCoverage = { identity: await identityOf(req.conn), cluster: null, sources: Object.values(src) };
  const cluster = await resolveCluster(ctx, req, src.cluster).catch((err: unknown) => failed(src.cluster, err));
  if (!cluster) {
    for (const s of coverage.sources.filter((x) => x.source !== 'cluster')) s.gaps.push({ scope: s.label, status: 'skipped', message: "Not asked: the cluster's Azure resource was not found (see the cluster source)." });
    return coverage;
  }
  coverage.cluster = { resourceId: cluster.resourceId, matchedBy: cluster.matchedBy, host: serverHost(req.server) };
  checkContainerInsights(cluster, src.containerInsights);
  const period = { from: req.from.toISOString(), to: req.to.toISOString() };
  for (const s of [src.diagnostics, src.audit, src.activity, src.alerts]) s.period = period;
  await Promise.all([
    audit(ctx, cluster, src).catch((err: unknown) => failed(src.audit, err)),
    activity(ctx, cluster, src.activity).catch((err: unknown) => failed(src.activity, err)),
    readAlerts(ctx, cluster, src.alerts).catch((err: unknown) => failed(src.alerts, err)),
  ]);
  return coverage;
}

async function audit(ctx: SourceContext, cluster: ResolvedCluster, src: Record<CoverageSourceId, CoverageSource>): Promise<void> {
  const destinations = await readAuditDestinations(ctx, cluster.resourceId, cluster.subscriptionId, src.diagnostics, src.audit);
  if (!destinations || destinations.length === 0) return;
  const readable = await Promise.all(destinations.map((d) => queryDestination(ctx, d, cluster.resourceId, src.audit)));
  src.audit.reachable = readable.some(Boolean);
}

async function activity(ctx: SourceContext, cluster: ResolvedCluster, source: CoverageSource): Promise<void> {
  // The Activity Log is always on (it is Azure's own record): only reachability can fail.
  source.enabled = true;
  const now = new Date();
  const ok = [await readActivity(ctx, cluster.subscriptionId, { kind: 'cluster', resourceId: cluster.resourceId }, source, now)];
  const nodeRg = cluster.json.properties?.nodeResourceGroup;
  if (nodeRg) ok.push(await readActivity(ctx, cluster.subscriptionId, { kind: 'node-resource-group', resourceGroup: nodeRg }, source, now));
  source.reachable = ok.some(Boolean);
}

function checkContainerInsights(cluster: ResolvedCluster, source: CoverageSource): void {
  const p = cluster.json.properties ?? {};
  const addon = Object.entries(p.addonProfiles ?? {}).find(([k]) => k.toLowerCase() === 'omsagent')?.[1];
  const on = addon?.enabled === true || p.azureMonitorProfile?.containerInsights?.enabled === true;
  source.enabled = on;
  source.reachable = null;
  const ws = addon?.config?.logAnalyticsWorkspaceResourceID ?? addon?.config?.logAnalyticsWorkspaceResourceId;
  if (typeof ws === 'string') source.where.push(ws);
  if (!on) source.gaps.push({ scope: 'Container Insights', status: 'skipped', message: 'Container Insights (the monitoring add-on) is off on this cluster.', advice: ADVICE.containerInsightsOff });
}

function failed(source: CoverageSource, err: unknown): null {
  if (err instanceof Error && err.name === 'AbortError') throw err;
  source.gaps.push({ scope: source.label, status: 'failed', message: err instanceof Error ? err.message : String(err) });
  return null;
}

/** Who the token says we are (upn, app id or object id), never the token itself. */
export async function identityOf(conn: AzureConnection): Promise<string> {
  if (conn.isTest) return 'the Azure emulator test principal';
  try {
    const t = await conn.credential.getToken(SCOPES.management);
    const payload = t?.token.split('.')[1];
    if (!payload) return 'unknown (the token is not a JWT)';
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const name = [c.upn, c.unique_name, c.preferred_username, c.appid, c.oid].find((v) => typeof v === 'string' && v !== '');
    return `${String(name ?? 'unknown')}${typeof c.tid === 'string' ? ` (tenant ${c.tid})` : ''}`;
  } catch (err) {
    return `unknown (${err instanceof Error ? err.message : String(err)})`;
  }
}

export { coverageLine, SOURCE_TABLES, ADVICE } from './coverage.js';
export type { AzureCoverage, CoverageSource } from './coverage.js';
