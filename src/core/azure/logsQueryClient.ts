// The one module that touches @azure/monitor-query (deprecated upstream; successor
// @azure/monitor-query-logs has the same LogsQueryClient API): swapping the package changes
// only the import below.
import { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { clientOptions, type AzureConnection } from './credentials.js';

export interface RawTable {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

export type RawQueryResult =
  | { status: 'success'; table: RawTable }
  | { status: 'partial'; table: RawTable; error: { code: string; message: string } };

export async function runWorkspaceQuery(
  conn: AzureConnection,
  workspaceId: string,
  query: string,
  /** `capture`: a per-retry policy that sees every answer (the Azure evidence sources record them as raw evidence). */
  opts: { signal?: AbortSignal; serverTimeoutInSeconds?: number; capture?: PipelinePolicy } = {},
): Promise<RawQueryResult> {
  const additionalPolicies = opts.capture ? [{ policy: opts.capture, position: 'perRetry' as const }] : undefined;
  const client = new LogsQueryClient(conn.credential, { ...clientOptions(conn), endpoint: conn.queryEndpoint, additionalPolicies });
  // No timespan: the query's own time filter on EventTime applies, not one on TimeGenerated.
  let rawBody: string | undefined;
  let res;
  try {
    res = await client.queryWorkspace(workspaceId, query, undefined as never, {
      abortSignal: opts.signal,
      serverTimeoutInSeconds: opts.serverTimeoutInSeconds ?? 600,
      // The SDK keeps only the top-level partial-error text; the reason (e.g. the row limit) is in
      // error.details[].innererror of the raw body.
      onResponse: (raw) => {
        rawBody = raw.bodyAsText ?? undefined;
      },
    });
  } catch (err) {
    // The service answers 204 No Content when nothing matched; the SDK expects 200 and throws.
    if ((err as { statusCode?: number }).statusCode === 204) return { status: 'success', table: { columns: [], rows: [] } };
    throw err;
  }
  const toRaw = (t: { columnDescriptors: { name?: string; type?: string }[]; rows: unknown[][] } | undefined): RawTable => ({
    columns: (t?.columnDescriptors ?? []).map((c) => ({ name: c.name ?? '', type: c.type ?? '' })),
    rows: t?.rows ?? [],
  });
  if (res.status === LogsQueryResultStatus.Success) return { status: 'success', table: toRaw(res.tables[0]) };
  const e = res.partialError as { code?: string; message?: string };
  let detail: string | undefined;
  try {
    const raw = JSON.parse(rawBody ?? '{}') as { error?: { message?: string; details?: { message?: string; innererror?: { message?: string } }[] } };
    detail = (raw.error?.details ?? []).map((d) => d.innererror?.message ?? d.message).filter(Boolean).join('; ') || raw.error?.message;
  } catch {
    detail = undefined;
  }
  return {
    status: 'partial',
    table: toRaw(res.partialTables[0]),
    error: { code: e.code ?? 'PartialError', message: detail ?? e.message ?? 'partial result' },
  };
}
