// The Azure Activity Log of the cluster resource (listClusterAdminCredential, runCommand, cluster
// updates, diagnostic-setting and role-assignment writes on it) and of its node resource group
// (VM scale set runCommand and extension writes, managed identity changes), over the since-window,
// every page recorded. The service keeps 90 days: an older start is moved up and said so.
import { MonitorClient } from '@azure/arm-monitor';
import { armOptions, gapOf, type SourceContext } from './context.js';
import { ADVICE, type CoverageSource } from './coverage.js';

export const ACTIVITY_RETENTION_MS = 90 * 24 * 3600_000;
export const ACTIVITY_READ = { role: 'Reader or Monitoring Reader (Microsoft.Insights/eventtypes/values/read)' };

/** An OData string literal: single quotes doubled (names come from Azure, but are still text). */
export const odataString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export type ActivityScope = { kind: 'cluster'; resourceId: string } | { kind: 'node-resource-group'; resourceGroup: string };

export function activityFilter(scope: ActivityScope, from: Date, to: Date): string {
  const time = `eventTimestamp ge ${odataString(from.toISOString())} and eventTimestamp le ${odataString(to.toISOString())}`;
  return scope.kind === 'cluster' ? `${time} and resourceUri eq ${odataString(scope.resourceId)}` : `${time} and resourceGroupName eq ${odataString(scope.resourceGroup)}`;
}

/** Reads one scope's entries; false when it could not be read (the gap says why). */
export async function readActivity(ctx: SourceContext, subscriptionId: string, scope: ActivityScope, source: CoverageSource, now: Date): Promise<boolean> {
  const oldest = new Date(now.getTime() - ACTIVITY_RETENTION_MS);
  let from = ctx.window.from;
  if (from < oldest) {
    source.gaps.push({ scope: 'Activity Log', status: 'partial', message: `The Activity Log keeps 90 days: entries before ${oldest.toISOString()} are not asked for.`, advice: ADVICE.activityRetention });
    from = oldest;
  }
  const filter = activityFilter(scope, from, ctx.window.to);
  const label = scope.kind === 'cluster' ? scope.resourceId : `/subscriptions/${subscriptionId}/resourceGroups/${scope.resourceGroup}`;
  const client = new MonitorClient(ctx.conn.credential, subscriptionId, armOptions(ctx, { source: 'activity', operation: `activityLogs.list ${scope.kind}`, scope: label }, source));
  try {
    for await (const page of client.activityLogs.list(filter, { abortSignal: ctx.signal }).byPage()) void page;
  } catch (err) {
    source.gaps.push(gapOf(err, { action: `read the Activity Log of ${scope.kind === 'cluster' ? 'the cluster' : 'the node resource group'}`, resource: label, role: ACTIVITY_READ.role, scope: `Activity Log of ${label}` }));
    return false;
  }
  source.where.push(label);
  return true;
}
