// Resumable ingestion of an evidence bundle through the Logs Ingestion API. Each table is
// streamed from the bundle and cut into contiguous batches under 1 MB (one request each, gzipped
// by the SDK), sent to its own rule's ingestion endpoint; the checkpoint in the bundle records
// every batch the service accepted, so a re-run sends only what is missing. Retries: 429
// (Retry-After), 5xx, reset connections, and 403 while a fresh role assignment propagates. A batch
// the service refuses with 400 is split until the refused rows are found; those are quarantined
// (reported and counted, never silently dropped) and the rest goes on.
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import { TABLES, tableByName, type TableName } from '../schema/tables.js';
import { openBundle, type Bundle } from '../evidence/reader.js';
import { INGEST_CHECKPOINT_FILE } from '../evidence/manifest.js';
import { clientOptions, type AzureConnection } from './credentials.js';
import { AzureError, describeAzureError } from './errors.js';
import { abortableDelay } from './provision.js';
import type { AzureState, RuleState } from './state.js';
import { isLoopbackHttps } from './testEndpoints.js';
import { isDelivered, markDelivered, readCheckpoint, signCheckpoint, writeCheckpoint, type CheckpointBinding, type Delivered, type IngestCheckpoint } from './checkpoint.js';

/** Below the SDK's 1,000,000-byte chunk size, so each batch is exactly one request. */
export const MAX_BATCH_BYTES = 950_000;
/** The service truncates longer field values; we do it first, with a marker. */
export const MAX_FIELD_BYTES = 64 * 1024;
/** Refused rows per table after which the table is given up (something is wrong beyond single rows). */
export const MAX_QUARANTINED_PER_TABLE = 100;

export interface IngestProgress {
  table: TableName;
  rowsSent: number;
  bytesSent: number;
  /** Rows of the table in the bundle. */
  rowsTotal: number;
  /** Rows skipped because an earlier run already delivered them. */
  rowsSkipped: number;
}

export interface IngestRun {
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  /** Human messages: retries and what is being waited for. */
  log?: (message: string) => void;
  /** Batches in flight at once (default 4). */
  maxConcurrency?: number;
  /** First back-off delay for 5xx and resets (default 1 s; doubles, capped at 30 s). */
  retryBaseMs?: number;
  /** Attempts per batch for throttling, 5xx and resets (default 12). */
  maxAttempts?: number;
  /** How long 403s are retried as role propagation before giving up (default 30 min). */
  forbiddenWaitMs?: number;
  tables?: TableName[];
  /** Smaller batches (tests that need many requests); never above MAX_BATCH_BYTES. */
  maxBatchBytes?: number;
}

/** A row the service refused: which, and what it said. */
export interface QuarantinedRow {
  table: TableName;
  /** Position of the row in the bundle's table. */
  index: number;
  recordId: string;
  status: number;
  code: string;
  reason: string;
}

export interface IngestTableResult {
  rows: number;
  sent: number;
  skipped: number;
  bytes: number;
  requests: number;
  quarantined: number;
  /** Set when the table was given up (too many refused rows); the later tables still ran. */
  stopped?: string;
}

export interface IngestResult {
  tables: Partial<Record<TableName, IngestTableResult>>;
  /** True when a checkpoint from an earlier run was used. */
  resumed: boolean;
  /** Why an existing checkpoint was not trusted (every record was sent again), if it was not. */
  checkpointRejected: string | null;
  truncatedFields: number;
  requests: number;
  bytes: number;
  /** Rows the service refused (400): not in the workspace, still in the bundle. */
  quarantined: QuarantinedRow[];
  /** Rows of this bundle the workspace has accepted, this run and earlier ones. */
  delivered: number;
}

const marker = (dropped: number, recordId: string) => `…[truncated by KubeForenSys: ${dropped} more bytes; full value in the evidence bundle, RecordId ${recordId}]`;

/** Cuts a string to at most maxBytes of UTF-8 without splitting a character. */
function cutUtf8(s: string, maxBytes: number): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return s;
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/** The row as sent: every field within the service's 64 KB limit, truncated with a marker. */
export function prepareRow(row: Record<string, unknown>, counter: { truncated: number }): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(row)) {
    if (v === null || typeof v === 'number' || typeof v === 'boolean') continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    const size = Buffer.byteLength(text, 'utf8');
    if (size <= MAX_FIELD_BYTES) continue;
    const m = marker(0, String(row.RecordId ?? ''));
    const kept = cutUtf8(text, MAX_FIELD_BYTES - Buffer.byteLength(m, 'utf8') - 16);
    out ??= { ...row };
    // A dynamic value too large is sent as its truncated JSON text (still a valid dynamic).
    out[k] = kept + marker(size - Buffer.byteLength(kept, 'utf8'), String(row.RecordId ?? ''));
    counter.truncated++;
  }
  return out ?? row;
}

interface Failure {
  status?: number;
  code?: string;
  retryAfterMs?: number;
  message: string;
}

function failureOf(err: unknown): Failure {
  const agg = err as { errors?: { cause?: unknown }[] };
  const cause = (agg?.errors?.[0]?.cause ?? err) as {
    statusCode?: number;
    code?: string;
    message?: string;
    response?: { headers?: { get(name: string): string | undefined } };
  };
  const header = (name: string) => cause?.response?.headers?.get(name);
  const ra = header('retry-after');
  const seconds = ra !== undefined && ra !== null && ra !== '' ? Number(ra) : NaN;
  return {
    status: cause?.statusCode,
    // The service names every ingestion error in x-ms-error-code, also when the body says little.
    code: header('x-ms-error-code') ?? cause?.code,
    retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : undefined,
    message: String(cause?.message ?? (err as Error)?.message ?? err),
  };
}

export async function ingestBundle(conn: AzureConnection, bundleDir: string, state: AzureState, run: IngestRun = {}): Promise<IngestResult> {
  try {
    return await ingest(conn, bundleDir, state, run);
  } catch (err) {
    // Whatever layer noticed the cancellation (file stream, SDK), report the caller's reason.
    if (run.signal?.aborted) throw run.signal.reason ?? err;
    throw err;
  }
}

/** One client per ingestion endpoint: each Direct rule has its own host (or all share the DCE's). */
function clientsFor(conn: AzureConnection, rules: RuleState[]): Map<string, LogsIngestionClient> {
  const clients = new Map<string, LogsIngestionClient>();
  for (const r of rules) {
    if (conn.isTest && !isLoopbackHttps(r.ingestionEndpoint)) {
      throw new AzureError(`The test-only Azure connection refuses ingestion endpoint ${r.ingestionEndpoint}: it is not the local emulator.`);
    }
    if (!clients.has(r.ingestionEndpoint)) {
      // Every retry is ours: the checkpoint must know exactly which batches landed.
      clients.set(r.ingestionEndpoint, new LogsIngestionClient(r.ingestionEndpoint, conn.credential, { ...clientOptions(conn), retryOptions: { maxRetries: 0 } }));
    }
  }
  return clients;
}

/** The checkpoint to continue, or a fresh one; a checkpoint that fails its checks is reported. */
async function startCheckpoint(bundle: Bundle, bundleDir: string, state: AzureState, run: IngestRun): Promise<{ cp: IngestCheckpoint; resumed: boolean; rejected: string | null }> {
  const binding: CheckpointBinding = {
    workspaceResourceId: state.workspaceResourceId,
    rules: state.rules.map((r) => r.immutableId),
    snapshotId: bundle.manifest.snapshotId,
    manifestDigest: bundle.manifest.manifestDigest,
  };
  const records = Object.fromEntries(Object.entries(bundle.manifest.tables).map(([t, v]) => [t, v?.records ?? 0]));
  const read = await readCheckpoint(bundleDir, binding, records, state.checkpointKey);
  if (read.kind === 'ok') return { cp: read.checkpoint, resumed: Object.keys(read.checkpoint.tables).length > 0, rejected: null };
  if (read.kind === 'rejected') {
    run.log?.(`The ingestion checkpoint ${INGEST_CHECKPOINT_FILE} is not trusted: ${read.reason}; every record is sent again (copies in the workspace share RecordId).`);
  }
  const fresh = signCheckpoint(state.checkpointKey, { version: 2, binding, tables: {}, updatedAt: new Date().toISOString() });
  return { cp: fresh, resumed: false, rejected: read.kind === 'rejected' ? read.reason : null };
}

/** Everything one ingestion run shares across tables. */
interface Session {
  conn: AzureConnection;
  state: AzureState;
  run: IngestRun;
  clients: Map<string, LogsIngestionClient>;
  result: IngestResult;
  counter: { truncated: number };
  forbiddenSince: number | null;
  save(): Promise<void>;
}

/** Thrown for a 400: the batch holds at least one row the service refuses. */
class RefusedBatch extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** One request with our retries; a 400 becomes RefusedBatch, anything else final is one sentence. */
async function sendOnce(s: Session, table: TableName, rule: RuleState, stream: string, rows: Record<string, unknown>[]): Promise<void> {
  const { run, conn } = s;
  const signal = run.signal;
  const client = s.clients.get(rule.ingestionEndpoint)!;
  const role = { action: `send ${table} records to the data collection rule`, resource: rule.resourceId, role: 'Monitoring Metrics Publisher' };
  let delay = run.retryBaseMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      s.result.requests++;
      await client.upload(rule.immutableId, stream, rows, { maxConcurrency: 1, abortSignal: signal });
      s.forbiddenSince = null;
      return;
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      const f = failureOf(err);
      if (f.status === 400) throw new RefusedBatch(f);
      if (f.status === 403 && /IsDcrDceBindingValid:\s*False/i.test(f.message)) {
        // Not a role still propagating: the endpoint is not this rule's. Waiting would not help.
        throw new AzureError(`The ingestion endpoint ${rule.ingestionEndpoint} does not belong to data collection rule ${rule.name}: run "kubeforensys provision" again to refresh the ids.`, 403, f.code);
      }
      if (f.status === 403) {
        s.forbiddenSince ??= Date.now();
        if (Date.now() - s.forbiddenSince >= (run.forbiddenWaitMs ?? 30 * 60_000)) throw describeAzureError(err, role, conn.tenantId);
        run.log?.(`Azure refused ingestion (403): waiting for the "Monitoring Metrics Publisher" role assignment on ${rule.resourceId} to propagate (this can take up to 30 minutes).`);
        await abortableDelay(Math.min(delay, 30_000), signal);
        delay = Math.min(delay * 2, 30_000);
        attempt = 0; // propagation waits are bounded by time, not attempts
        continue;
      }
      const retriable =
        f.status === 429 ||
        f.status === 408 ||
        (f.status !== undefined && f.status >= 500) ||
        (f.status === undefined && /ECONNRESET|socket hang up|REQUEST_SEND_ERROR|ETIMEDOUT|EPIPE|ECONNREFUSED/i.test(`${f.code} ${f.message}`));
      if (!retriable || attempt >= (run.maxAttempts ?? 12)) {
        if (f.status === 401 || f.status === 403 || f.status === undefined) throw describeAzureError(err, role, conn.tenantId);
        throw new AzureError(`The Logs Ingestion API refused ${table} records (${f.status}${f.code ? ` ${f.code}` : ''}): ${f.message.split('\n')[0]}`, f.status, f.code);
      }
      const wait = f.retryAfterMs ?? delay;
      run.log?.(`${f.status === 429 ? 'Throttled' : f.status ? `HTTP ${f.status}` : 'Connection lost'} sending ${table}; retrying in ${(wait / 1000).toFixed(1)} s.`);
      await abortableDelay(wait, signal);
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

/**
 * Sends rows [start, start + rows.length); on a 400 splits the batch in halves until the refused
 * rows are single, and quarantines those. Returns the sub-ranges accepted.
 */
async function sendSplitting(s: Session, table: TableName, rule: RuleState, stream: string, rows: Record<string, unknown>[], start: number): Promise<[number, number][]> {
  try {
    await sendOnce(s, table, rule, stream, rows);
    return [[start, start + rows.length]];
  } catch (err) {
    if (!(err instanceof RefusedBatch)) throw err;
    if (rows.length === 1) {
      quarantine(s, table, start, rows[0]!, err.failure);
      return [];
    }
    const half = Math.ceil(rows.length / 2);
    const a = await sendSplitting(s, table, rule, stream, rows.slice(0, half), start);
    const b = await sendSplitting(s, table, rule, stream, rows.slice(half), start + half);
    return [...a, ...b];
  }
}

function quarantine(s: Session, table: TableName, index: number, row: Record<string, unknown>, f: Failure): void {
  const q: QuarantinedRow = { table, index, recordId: String(row.RecordId ?? ''), status: f.status ?? 400, code: f.code ?? '', reason: f.message.split('\n')[0]!.slice(0, 300) };
  s.result.quarantined.push(q);
  const tr = s.result.tables[table]!;
  tr.quarantined++;
  s.run.log?.(`The service refused ${table} record ${q.recordId} (${q.code || q.status}): ${q.reason}; it stays in the bundle and is reported as quarantined.`);
  if (tr.quarantined >= MAX_QUARANTINED_PER_TABLE) throw new TableGivenUp(`${tr.quarantined} records were refused; the rest of the table was not sent`);
}

class TableGivenUp extends Error {}

async function ingestTable(s: Session, bundle: Bundle, table: TableName, cp: Delivered): Promise<void> {
  const { run, state } = s;
  const target = state.streams[table];
  const rule = target && state.rules.find((r) => r.immutableId === target.ruleImmutableId);
  if (!tableByName(table) || !target || !rule) throw new AzureError(`The Azure state has no stream for ${table}: run "kubeforensys provision" again.`);
  const total = bundle.manifest.tables[table]?.records ?? 0;
  const tr: IngestTableResult = { rows: total, sent: 0, skipped: 0, bytes: 0, requests: 0, quarantined: 0 };
  s.result.tables[table] = tr;
  const concurrency = Math.max(1, run.maxConcurrency ?? 4);
  const maxBatch = Math.min(run.maxBatchBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES);
  const inflight = new Set<Promise<void>>();
  let firstError: unknown = null;
  let batch: Record<string, unknown>[] = [];
  let batchStart = 0;
  let batchBytes = 2;
  const progress = () => run.onProgress?.({ table, rowsSent: tr.sent, bytesSent: tr.bytes, rowsTotal: total, rowsSkipped: tr.skipped });

  const flush = async () => {
    if (batch.length === 0) return;
    const [rows, start, bytes] = [batch, batchStart, batchBytes];
    batch = [];
    batchBytes = 2;
    while (inflight.size >= concurrency) await Promise.race(inflight);
    if (firstError) return; // reported after the in-flight batches settle
    const p = sendSplitting(s, table, rule, target.stream, rows, start)
      .then(async (accepted) => {
        for (const [a, b] of accepted) markDelivered(cp, a, b);
        const n = accepted.reduce((sum, [a, b]) => sum + b - a, 0);
        tr.sent += n;
        tr.bytes += n === rows.length ? bytes : Math.round((bytes * n) / rows.length);
        tr.requests++;
        await s.save();
        progress();
      })
      .catch((err) => {
        firstError ??= err;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  let i = 0;
  for await (const row of bundle.readTable(table, { signal: run.signal })) {
    const index = i++;
    if (isDelivered(cp, index)) {
      tr.skipped++;
      continue;
    }
    if (firstError) break;
    const prepared = prepareRow(row as unknown as Record<string, unknown>, s.counter);
    const size = Buffer.byteLength(JSON.stringify(prepared), 'utf8') + 1;
    // A batch is a contiguous range of rows, so the checkpoint can describe it as [start, end).
    if (batch.length && (batchBytes + size > maxBatch || batchStart + batch.length !== index)) await flush();
    if (batch.length === 0) batchStart = index;
    batch.push(prepared);
    batchBytes += size;
  }
  if (!firstError) await flush();
  await Promise.allSettled([...inflight]);
  await s.save();
  if (firstError instanceof TableGivenUp) {
    tr.stopped = firstError.message;
    run.log?.(`Gave up on ${table}: ${firstError.message}.`);
  } else if (firstError) throw firstError;
  progress();
}

async function ingest(conn: AzureConnection, bundleDir: string, state: AzureState, run: IngestRun): Promise<IngestResult> {
  const bundle = await openBundle(bundleDir);
  const clients = clientsFor(conn, state.rules);
  const { cp, resumed, rejected } = await startCheckpoint(bundle, bundleDir, state, run);
  let checkpoint = cp;
  let saving: Promise<void> = Promise.resolve();
  const s: Session = {
    conn,
    state,
    run,
    clients,
    counter: { truncated: 0 },
    forbiddenSince: null,
    result: { tables: {}, resumed, checkpointRejected: rejected, truncatedFields: 0, requests: 0, bytes: 0, quarantined: [], delivered: 0 },
    save() {
      const { mac: _old, ...rest } = checkpoint;
      checkpoint = signCheckpoint(state.checkpointKey, { ...rest, updatedAt: new Date().toISOString() });
      const snapshot = checkpoint;
      saving = saving.then(() => writeCheckpoint(bundleDir, snapshot));
      return saving;
    },
  };
  for (const table of run.tables ?? TABLES.map((t) => t.name)) {
    await ingestTable(s, bundle, table, (checkpoint.tables[table] ??= { prefix: 0, ranges: [] }));
  }
  await saving;
  s.result.truncatedFields = s.counter.truncated;
  s.result.bytes = Object.values(s.result.tables).reduce((n, t) => n + (t?.bytes ?? 0), 0);
  s.result.delivered = Object.values(checkpoint.tables).reduce((n, d) => n + (d ? d.prefix + d.ranges.reduce((m, [a, b]) => m + b - a, 0) : 0), 0);
  return s.result;
}
