// Resumable ingestion of an evidence bundle through the Logs Ingestion API. Each table is
// streamed from the bundle and cut into contiguous batches under 1 MB (one request each, gzipped
// by the SDK); the ingestion checkpoint in the bundle records every batch the service accepted,
// so a re-run sends only what is missing. Retries: 429 (Retry-After), 5xx, reset connections,
// and 403 while a fresh role assignment propagates.
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TABLES, tableByName, type TableName } from '../schema/tables.js';
import { openBundle } from '../evidence/reader.js';
import { INGEST_CHECKPOINT_FILE } from '../evidence/manifest.js';
import { clientOptions, type AzureConnection } from './credentials.js';
import { AzureError, describeAzureError } from './errors.js';
import { abortableDelay } from './provision.js';
import type { AzureState } from './state.js';
import { isLoopbackHttps } from './testEndpoints.js';

/** Below the SDK's 1,000,000-byte chunk size, so each batch is exactly one request. */
export const MAX_BATCH_BYTES = 950_000;
/** The service truncates longer field values; we do it first, with a marker. */
export const MAX_FIELD_BYTES = 64 * 1024;

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

export interface IngestTableResult {
  rows: number;
  sent: number;
  skipped: number;
  bytes: number;
  requests: number;
}

export interface IngestResult {
  tables: Partial<Record<TableName, IngestTableResult>>;
  /** True when a checkpoint from an earlier run was used. */
  resumed: boolean;
  truncatedFields: number;
  requests: number;
  bytes: number;
}

export interface IngestCheckpoint {
  version: 1;
  destination: { workspaceResourceId: string; rules: string[] };
  /** Per table: rows [0, prefix) delivered, plus delivered [start, end) ranges beyond it. */
  tables: Partial<Record<TableName, { prefix: number; ranges: [number, number][] }>>;
  updatedAt: string;
}

const marker = (dropped: number, recordId: string) =>
  `…[truncated by KubeForenSys: ${dropped} more bytes; full value in the evidence bundle, RecordId ${recordId}]`;

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

function isDelivered(cp: { prefix: number; ranges: [number, number][] }, i: number): boolean {
  return i < cp.prefix || cp.ranges.some(([a, b]) => i >= a && i < b);
}

function markDelivered(cp: { prefix: number; ranges: [number, number][] }, start: number, end: number): void {
  cp.ranges.push([start, end]);
  cp.ranges.sort((a, b) => a[0] - b[0]);
  // Fold ranges that touch the prefix into it, so the checkpoint stays small.
  let changed = true;
  while (changed) {
    changed = false;
    const merged: [number, number][] = [];
    for (const r of cp.ranges) {
      if (r[0] <= cp.prefix) {
        cp.prefix = Math.max(cp.prefix, r[1]);
        changed = true;
      } else merged.push(r);
    }
    cp.ranges = merged;
  }
}

async function readCheckpoint(dir: string): Promise<IngestCheckpoint | null> {
  try {
    const cp = JSON.parse(await readFile(join(dir, INGEST_CHECKPOINT_FILE), 'utf8')) as IngestCheckpoint;
    return cp.version === 1 ? cp : null;
  } catch {
    return null;
  }
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
  const ra = cause?.response?.headers?.get('retry-after');
  const seconds = ra !== undefined && ra !== null && ra !== '' ? Number(ra) : NaN;
  return {
    status: cause?.statusCode,
    code: cause?.code,
    retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : undefined,
    message: String(cause?.message ?? err),
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

async function ingest(conn: AzureConnection, bundleDir: string, state: AzureState, run: IngestRun): Promise<IngestResult> {
  const signal = run.signal;
  if (conn.isTest && !isLoopbackHttps(state.ingestionEndpoint)) {
    throw new AzureError(`The test-only Azure connection refuses ingestion endpoint ${state.ingestionEndpoint}: it is not the local emulator.`);
  }
  const bundle = await openBundle(bundleDir);
  const client = new LogsIngestionClient(state.ingestionEndpoint, conn.credential, {
    ...clientOptions(conn),
    // Every retry is ours: the checkpoint must know exactly which batches landed.
    retryOptions: { maxRetries: 0 },
  });
  const destination = { workspaceResourceId: state.workspaceResourceId, rules: state.rules.map((r) => r.immutableId) };
  const previous = await readCheckpoint(bundleDir);
  const sameDestination = previous && JSON.stringify(previous.destination) === JSON.stringify(destination);
  if (previous && !sameDestination) run.log?.('The ingestion checkpoint is for another workspace or rule; sending every record to this one.');
  const checkpoint: IngestCheckpoint = sameDestination ? previous : { version: 1, destination, tables: {}, updatedAt: new Date().toISOString() };
  const resumed = !!sameDestination && Object.keys(previous.tables).length > 0;

  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    checkpoint.updatedAt = new Date().toISOString();
    const text = JSON.stringify(checkpoint);
    saving = saving.then(async () => {
      const path = join(bundleDir, INGEST_CHECKPOINT_FILE);
      await writeFile(`${path}.tmp`, text, { mode: 0o600 });
      await rename(`${path}.tmp`, path);
    });
    return saving;
  };

  const counter = { truncated: 0 };
  const result: IngestResult = { tables: {}, resumed, truncatedFields: 0, requests: 0, bytes: 0 };
  const concurrency = Math.max(1, run.maxConcurrency ?? 4);
  const wanted = run.tables ?? TABLES.map((t) => t.name);
  const maxBatch = Math.min(run.maxBatchBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES);
  let forbiddenSince: number | null = null;

  const send = async (table: TableName, ruleId: string, ruleResource: string, stream: string, rows: Record<string, unknown>[]): Promise<void> => {
    let delay = run.retryBaseMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        result.requests++;
        await client.upload(ruleId, stream, rows, { maxConcurrency: 1, abortSignal: signal });
        forbiddenSince = null;
        return;
      } catch (err) {
        if (signal?.aborted) throw signal.reason ?? err;
        const f = failureOf(err);
        const role = { action: `send ${table} records to the data collection rule`, resource: ruleResource, role: 'Monitoring Metrics Publisher' };
        if (f.status === 403) {
          forbiddenSince ??= Date.now();
          if (Date.now() - forbiddenSince >= (run.forbiddenWaitMs ?? 30 * 60_000)) throw describeAzureError(err, role, conn.tenantId);
          run.log?.(`Azure refused ingestion (403): waiting for the "Monitoring Metrics Publisher" role assignment on ${ruleResource} to propagate (this can take up to 30 minutes).`);
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
          throw new AzureError(`The Logs Ingestion API refused ${table} records (${f.status ?? f.code}): ${f.message.split('\n')[0]}`, f.status, f.code);
        }
        const wait = f.retryAfterMs ?? delay;
        run.log?.(`${f.status === 429 ? 'Throttled' : f.status ? `HTTP ${f.status}` : 'Connection lost'} sending ${table}; retrying in ${(wait / 1000).toFixed(1)} s.`);
        await abortableDelay(wait, signal);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  };

  for (const table of wanted) {
    const def = tableByName(table);
    const target = state.streams[table];
    if (!def || !target) throw new AzureError(`The Azure state has no stream for ${table}: run "kubeforensys provision" again.`);
    const rule = state.rules.find((r) => r.immutableId === target.ruleImmutableId);
    const ruleResource = rule?.resourceId ?? target.ruleImmutableId;
    const cp = (checkpoint.tables[table] ??= { prefix: 0, ranges: [] });
    const total = bundle.manifest.tables[table]?.records ?? 0;
    const tr: IngestTableResult = { rows: total, sent: 0, skipped: 0, bytes: 0, requests: 0 };
    result.tables[table] = tr;
    const inflight = new Set<Promise<void>>();
    let firstError: unknown = null;
    let batch: Record<string, unknown>[] = [];
    let batchStart = 0;
    let batchBytes = 2;
    const progress = () => run.onProgress?.({ table, rowsSent: tr.sent, bytesSent: tr.bytes, rowsTotal: total, rowsSkipped: tr.skipped });

    const flush = async () => {
      if (batch.length === 0) return;
      const rows = batch;
      const start = batchStart;
      const bytes = batchBytes;
      batch = [];
      batchBytes = 2;
      while (inflight.size >= concurrency) await Promise.race(inflight);
      if (firstError) return; // reported after the in-flight batches settle
      const p = send(table, target.ruleImmutableId, ruleResource, target.stream, rows)
        .then(async () => {
          markDelivered(cp, start, start + rows.length);
          tr.sent += rows.length;
          tr.bytes += bytes;
          tr.requests++;
          await save();
          progress();
        })
        .catch((err) => {
          firstError ??= err;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    };

    let i = 0;
    for await (const row of bundle.readTable(table, { signal })) {
      const index = i++;
      if (isDelivered(cp, index)) {
        tr.skipped++;
        continue;
      }
      if (firstError) break;
      const prepared = prepareRow(row as unknown as Record<string, unknown>, counter);
      const size = Buffer.byteLength(JSON.stringify(prepared), 'utf8') + 1;
      // A batch is a contiguous range of rows, so the checkpoint can describe it as [start, end).
      if (batch.length && (batchBytes + size > maxBatch || batchStart + batch.length !== index)) await flush();
      if (batch.length === 0) batchStart = index;
      batch.push(prepared);
      batchBytes += size;
    }
    if (!firstError) await flush();
    await Promise.allSettled([...inflight]);
    await saving;
    if (firstError) throw firstError;
    progress();
  }
  result.truncatedFields = counter.truncated;
  result.bytes = Object.values(result.tables).reduce((n, t) => n + (t?.bytes ?? 0), 0);
  return result;
}
