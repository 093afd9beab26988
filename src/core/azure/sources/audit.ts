// The control-plane audit log, read from each workspace the diagnostic settings send it to, over
// the since-window in time windows: a window whose answer the service cut (its 500,000-row or
// ~100 MB limit: a 200 with an `error`) is split in two and asked again, down to one second; a
// window that still does not fit is a gap. Every answer, cut ones included, is raw evidence;
// the derivation reads only the answers that were not cut.
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import { runWorkspaceQuery } from '../logsQueryClient.js';
import { kqlDatetime, kqlString } from '../../timeline/kql.js';
import { armOptions, gapOf, parseResourceId, type SourceContext } from './context.js';
import type { CoverageSource } from './coverage.js';
import type { AuditDestination } from './diagnostics.js';

/** A window is first asked for at most this long (a day of a busy cluster's audit is already large). */
export const FIRST_WINDOW_MS = 24 * 3600_000;
/** The shortest window: one that is still cut at this length is reported, not split again. */
export const MIN_WINDOW_MS = 1000;

export const WORKSPACE_READ = { role: 'Log Analytics Reader (Microsoft.OperationalInsights/workspaces/read)' };
export const auditReadRole = (table: string) =>
  `Log Analytics Reader (Microsoft.OperationalInsights/workspaces/query/${table}/read, or the data action Microsoft.OperationalInsights/workspaces/tables/data/read)`;

/** The KQL for one window of one destination; every value from Azure or the user is escaped. */
export function auditQuery(d: Pick<AuditDestination, 'table' | 'category'>, clusterId: string, from: Date, to: Date): string {
  const lines = [
    d.table,
    `| where TimeGenerated >= ${kqlDatetime(from.toISOString())} and TimeGenerated < ${kqlDatetime(to.toISOString())}`,
    `| where _ResourceId =~ ${kqlString(clusterId)}`,
  ];
  if (d.table === 'AzureDiagnostics') lines.push(`| where Category == ${kqlString(d.category)}`);
  lines.push('| order by TimeGenerated asc');
  return lines.join('\n');
}

/** Splits [from, to) into windows of at most `size` milliseconds. */
export function windows(from: Date, to: Date, size = FIRST_WINDOW_MS): { from: Date; to: Date }[] {
  const out: { from: Date; to: Date }[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += size) out.push({ from: new Date(t), to: new Date(Math.min(t + size, to.getTime())) });
  return out;
}

/** The workspace's customerId (the query API's id), from its ARM GET (recorded). */
async function workspaceCustomerId(ctx: SourceContext, workspaceId: string, audit: CoverageSource): Promise<string | null> {
  const parts = parseResourceId(workspaceId);
  if (!parts) {
    audit.gaps.push({ scope: workspaceId, status: 'failed', message: `The diagnostic setting names ${workspaceId}, which is not a workspace resource id.` });
    return null;
  }
  const client = new OperationalInsightsManagementClient(ctx.conn.credential, parts.subscriptionId, armOptions(ctx, { source: 'audit', operation: 'workspaces.get', scope: workspaceId }, audit));
  try {
    const ws = await client.workspaces.get(parts.resourceGroup, parts.name, { abortSignal: ctx.signal });
    return ws.customerId ?? null;
  } catch (err) {
    audit.gaps.push(gapOf(err, { action: 'read the audit workspace', resource: workspaceId, role: WORKSPACE_READ.role, scope: workspaceId }));
    return null;
  }
}

/** Queries one destination window by window; returns false when the identity may not read it. */
export async function queryDestination(ctx: SourceContext, d: AuditDestination, clusterId: string, audit: CoverageSource): Promise<boolean> {
  const customerId = await workspaceCustomerId(ctx, d.workspaceId, audit);
  if (!customerId) return false;
  audit.where.push(`${d.table}${d.table === 'AzureDiagnostics' ? ` (Category ${d.category})` : ''} in ${d.workspaceId}`);
  const pending = windows(ctx.window.from, ctx.window.to).reverse();
  while (pending.length > 0) {
    ctx.signal.throwIfAborted();
    const w = pending.pop()!;
    const query = auditQuery(d, clusterId, w.from, w.to);
    const capture = ctx.recorder.policy(
      { kind: 'azure', source: 'audit', operation: 'query', scope: d.workspaceId, table: d.table, window: { from: w.from.toISOString(), to: w.to.toISOString() }, query },
      (a) => {
        audit.requests++;
        audit.bytes += a.body.length;
      },
    );
    let result;
    try {
      result = await runWorkspaceQuery(ctx.conn, customerId, query, { signal: ctx.signal, capture });
    } catch (err) {
      audit.gaps.push(gapOf(err, { action: `query ${d.table} in the audit workspace`, resource: d.workspaceId, role: auditReadRole(d.table), scope: `${d.table} in ${d.workspaceId}` }));
      return false;
    }
    if (result.status === 'success') continue;
    const span = w.to.getTime() - w.from.getTime();
    if (span > MIN_WINDOW_MS) {
      // The earlier half is asked first: the windows stay in time order.
      const mid = new Date(w.from.getTime() + Math.floor(span / 2000) * 1000 || w.from.getTime() + Math.floor(span / 2));
      pending.push({ from: mid, to: w.to }, { from: w.from, to: mid });
      continue;
    }
    audit.gaps.push({
      scope: `${d.table} ${w.from.toISOString()} to ${w.to.toISOString()}`,
      status: 'partial',
      message: `The service cut the answer for a window of ${span} ms that cannot be split further (${result.error.message}); the audit events of that window are missing.`,
    });
  }
  return true;
}
