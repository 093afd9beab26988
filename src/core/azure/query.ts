// The unified timeline from a Log Analytics workspace: the union KQL from the one builder, run
// through the query client, and the answer turned back into TimelineRow values equal to the local
// engine's. Partial results and the row limit are reported, never silently cut.
import { TABLES, tableByName, type TableName } from '../schema/tables.js';
import { COMMON } from '../schema/columns.js';
import { TIME_SOURCES, TIMELINE_PASSTHROUGH, TL, type TimeSource, type TimelineRow } from '../schema/timeline.js';
import { normalizeTime } from '../schema/time.js';
import { buildInsightsProbeQuery, buildTimelineQuery, DEFAULT_ROW_LIMIT, kqlIdentifier, kqlString } from '../timeline/kql.js';
import type { TimelineFilter } from '../timeline/filter.js';
import { isInsightsTableName, type InsightsTableName } from '../schema/insightsTables.js';
import type { AzureConnection } from './credentials.js';
import { AzureError, describeAzureError } from './errors.js';
import type { IngestRecord } from './state.js';
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
    const source = String(get(row, TL.SourceTable) ?? '') as TableName;
    let details = get(row, TL.Details);
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
    const time = get(row, TL.Time);
    const text = (name: string) => {
      const v = get(row, name);
      return v === null || v === undefined ? '' : String(v);
    };
    const timeSource = text(TL.TimeSource);
    // The passthrough columns come as they are, named by the schema's list (a new one needs no edit here).
    const passthrough = Object.fromEntries(TIMELINE_PASSTHROUGH.map((n) => [n, text(n)])) as Pick<TimelineRow, (typeof TIMELINE_PASSTHROUGH)[number]>;
    return {
      ...passthrough,
      [TL.Time]: time instanceof Date ? (normalizeTime(time) ?? '') : time ? (normalizeTime(String(time)) ?? String(time)) : '',
      [TL.TimeSource]: (TIME_SOURCES as readonly string[]).includes(timeSource) ? (timeSource as TimeSource) : 'none',
      [TL.SourceTable]: source,
      [TL.Details]: d,
    };
  });
}

const READ_ROLE = 'Log Analytics Data Reader (or Microsoft.OperationalInsights/workspaces/query/*/read)';

/** One query, its failure described in one sentence (a table the caller cannot read named as such). */
async function run(conn: AzureConnection, workspaceCustomerId: string, query: string, action: string, signal?: AbortSignal) {
  try {
    return await runWorkspaceQuery(conn, workspaceCustomerId, query, { signal });
  } catch (err) {
    const e = describeAzureError(err, { action, resource: `workspace ${workspaceCustomerId}`, role: READ_ROLE }, conn.tenantId);
    // A table the caller may not read does not resolve in its queries, exactly like a missing one.
    const table = TABLES.find((t) => e.message.includes(`'${t.name}'`));
    if (e.status === 400 && table && /resolve|does not refer/i.test(e.message)) {
      throw new AzureError(
        `The workspace does not show table ${table.name} to the signed-in identity: it needs "${READ_ROLE}" on workspace ${workspaceCustomerId} (or the table does not exist yet: run "kubeforensys provision").`,
        400,
        e.code,
      );
    }
    throw e;
  }
}

/** The query result is cut by the service (row or size limit) rather than by our own `take`. */
const isServiceCut = (res: { status: string; error?: { message: string } }) => res.status === 'partial' && /E_QUERY_RESULT_SET_TOO_LARGE|limit/i.test(res.error?.message ?? '');

/**
 * The unified timeline from the workspace. When the service cuts a result at its size limit (about
 * 100 MB of raw result, reached long before 500,000 rows once Details are large), the rest is read
 * in further time windows starting at the last time received; rows at that boundary time already
 * received are skipped by position (the order is total, so the same rows come first again).
 */
export async function queryWorkspaceTimeline(conn: AzureConnection, workspaceCustomerId: string, opts: WorkspaceQueryOptions): Promise<WorkspaceTimeline> {
  const limit = opts.limit ?? DEFAULT_ROW_LIMIT;
  const query = buildTimelineQuery({ filter: opts.filter, insightsTables: opts.insightsTables, limit, timeAsText: true });
  const rows: TimelineRow[] = [];
  let partialError: string | null = null;
  let filter = opts.filter;
  for (let page = 0; ; page++) {
    const q = page === 0 ? query : buildTimelineQuery({ filter, insightsTables: opts.insightsTables, limit: limit + 1 - rows.length, timeAsText: true });
    const res = await run(conn, workspaceCustomerId, q, 'query the Log Analytics workspace', opts.signal);
    let got = toTimelineRows(res.table);
    const boundary = rows.at(-1)?.Time;
    if (page > 0 && boundary) {
      const seen = rows.filter((r) => r.Time === boundary).length;
      let skip = 0;
      got = got.filter((r) => !(r.Time === boundary && skip++ < seen));
    }
    rows.push(...got);
    if (res.status === 'partial') partialError = `${res.error.code}: ${res.error.message}`;
    const last = rows.at(-1)?.Time;
    // Page on only while the service cut the answer, rows are still wanted, and time moves on.
    if (!isServiceCut(res) || rows.length > limit || !last || got.length === 0 || (page > 0 && last === boundary)) break;
    partialError = null;
    filter = { ...opts.filter, from: opts.filter.from && opts.filter.from > last ? opts.filter.from : last };
  }
  const truncated = rows.length > limit || partialError !== null;
  return { rows: rows.slice(0, limit), query, truncated, partialError };
}

/** How far the workspace has caught up with the last ingestion: Log Analytics needs minutes for new data. */
export interface Arrival {
  snapshotId: string;
  ingested: number;
  at: string;
  /** Rows of that snapshot the workspace returns now. */
  shown: number;
  complete: boolean;
  /** "ingested N rows at T; the workspace shows M so far", with what to do. */
  message: string;
}

/** Counts the workspace's rows of the last ingested snapshot, to say whether it has caught up. */
export async function workspaceArrival(conn: AzureConnection, workspaceCustomerId: string, last: IngestRecord, signal?: AbortSignal): Promise<Arrival> {
  const union = TABLES.map((t) => kqlIdentifier(t.name)).join(', ');
  const query = `union ${union}\n| where ${kqlIdentifier(COMMON.SnapshotId)} == ${kqlString(last.snapshotId)}\n| count`;
  const res = await run(conn, workspaceCustomerId, query, 'count the ingested rows in the Log Analytics workspace', signal);
  const shown = Number(res.table.rows[0]?.[0] ?? 0);
  const complete = shown >= last.rows;
  const n = (x: number) => x.toLocaleString('en-US');
  const message = complete
    ? `ingested ${n(last.rows)} rows at ${last.at}; the workspace shows all of them.`
    : `ingested ${n(last.rows)} rows at ${last.at}; the workspace shows ${n(shown)} so far: Log Analytics can take up to 15 minutes to make new data queryable, refresh in a few minutes.`;
  return { snapshotId: last.snapshotId, ingested: last.rows, at: last.at, shown, complete, message };
}

/** The Container Insights and AKS audit tables this workspace has rows in. */
export async function detectInsightsTables(conn: AzureConnection, workspaceCustomerId: string, signal?: AbortSignal): Promise<InsightsTableName[]> {
  const res = await run(conn, workspaceCustomerId, buildInsightsProbeQuery(), 'list the tables of the Log Analytics workspace', signal);
  const col = res.table.columns.findIndex((c) => c.name === TL.SourceTable);
  return res.table.rows.map((r) => String(r[col])).filter(isInsightsTableName);
}
