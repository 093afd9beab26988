// The unified timeline from a Log Analytics workspace: the union KQL from the one builder, run
// through the query client, and the answer turned back into TimelineRow values equal to the local
// engine's. Partial results and the row limit are reported, never silently cut.
import { tableByName, type TableName } from '../schema/tables.js';
import type { TimelineRow } from '../schema/timeline.js';
import { normalizeTime } from '../schema/time.js';
import { buildInsightsProbeQuery, buildTimelineQuery, DEFAULT_ROW_LIMIT } from '../timeline/kql.js';
import type { TimelineFilter } from '../timeline/filter.js';
import { isInsightsTableName, type InsightsTableName } from './insightsTables.js';
import type { AzureConnection } from './credentials.js';
import { describeAzureError } from './errors.js';
import { runWorkspaceQuery, type RawTable } from './logsQueryClient.js';

export interface WorkspaceTimeline {
  rows: TimelineRow[];
  query: string;
  /** True when more rows matched than the limit: rows holds the first `limit`. */
  truncated: boolean;
  /** The service's partial-failure message (e.g. its 500,000-row limit), when it gave one. */
  partialError: string | null;
}

export interface WorkspaceQueryOptions {
  filter: TimelineFilter;
  insightsTables?: readonly InsightsTableName[];
  limit?: number;
  signal?: AbortSignal;
}

/** Turns result rows into TimelineRows: Time normalized, Details parsed with its datetimes normalized. */
export function toTimelineRows(table: RawTable): TimelineRow[] {
  const index = new Map(table.columns.map((c, i) => [c.name, i]));
  const get = (row: unknown[], name: string): unknown => {
    const i = index.get(name);
    return i === undefined ? undefined : row[i];
  };
  return table.rows.map((row) => {
    const source = String(get(row, 'SourceTable') ?? '') as TableName;
    let details = get(row, 'Details');
    if (typeof details === 'string') {
      try {
        details = JSON.parse(details);
      } catch {
        details = { value: details };
      }
    }
    const d = { ...((details ?? {}) as Record<string, unknown>) };
    // Kusto prints datetimes with trailing zeros trimmed; the bundle keeps 7 digits.
    for (const c of tableByName(source)?.specific ?? []) {
      if (c.type === 'datetime' && typeof d[c.name] === 'string') d[c.name] = normalizeTime(d[c.name] as string) ?? d[c.name];
    }
    const time = get(row, 'Time');
    const text = (name: string) => {
      const v = get(row, name);
      return v === null || v === undefined ? '' : String(v);
    };
    return {
      Time: time instanceof Date ? (normalizeTime(time) ?? '') : time ? (normalizeTime(String(time)) ?? String(time)) : '',
      SourceTable: source,
      EventType: text('EventType'),
      Cluster: text('Cluster'),
      Namespace: text('Namespace'),
      PodName: text('PodName'),
      ContainerName: text('ContainerName'),
      Summary: text('Summary'),
      Severity: text('Severity'),
      TechniqueId: text('TechniqueId'),
      RecordId: text('RecordId'),
      Details: d,
    };
  });
}

export async function queryWorkspaceTimeline(conn: AzureConnection, workspaceCustomerId: string, opts: WorkspaceQueryOptions): Promise<WorkspaceTimeline> {
  const limit = opts.limit ?? DEFAULT_ROW_LIMIT;
  const query = buildTimelineQuery({ filter: opts.filter, insightsTables: opts.insightsTables, limit, timeAsText: true });
  let res;
  try {
    res = await runWorkspaceQuery(conn, workspaceCustomerId, query, { signal: opts.signal });
  } catch (err) {
    throw describeAzureError(err, { action: 'query the Log Analytics workspace', resource: `workspace ${workspaceCustomerId}`, role: 'Log Analytics Reader' }, conn.tenantId);
  }
  const rows = toTimelineRows(res.table);
  const truncated = rows.length > limit || res.status === 'partial';
  return {
    rows: rows.slice(0, limit),
    query,
    truncated,
    partialError: res.status === 'partial' ? `${res.error.code}: ${res.error.message}` : null,
  };
}

/** The Container Insights and AKS audit tables this workspace has rows in. */
export async function detectInsightsTables(conn: AzureConnection, workspaceCustomerId: string, signal?: AbortSignal): Promise<InsightsTableName[]> {
  let res;
  try {
    res = await runWorkspaceQuery(conn, workspaceCustomerId, buildInsightsProbeQuery(), { signal });
  } catch (err) {
    throw describeAzureError(err, { action: 'list the tables of the Log Analytics workspace', resource: `workspace ${workspaceCustomerId}`, role: 'Log Analytics Reader' }, conn.tenantId);
  }
  const col = res.table.columns.findIndex((c) => c.name === 'SourceTable');
  return res.table.rows.map((r) => String(r[col])).filter(isInsightsTableName);
}
