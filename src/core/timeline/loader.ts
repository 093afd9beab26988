// Reads a bundle into the store: every table through the bundle reader as timeline rows, except
// a format-2 bundle's container log table, which comes column by column straight from the raw
// streams (derive/logs.ts deriveLogColumns): a million log lines without a million row objects.
import type { Bundle } from '../evidence/reader.js';
import { normalizeTime } from '../schema/time.js';
import { TABLES, containerLogs, type TableName } from '../schema/tables.js';
import type { TimelineRow } from '../schema/timeline.js';
import { toTimelineRow } from './rows.js';
import { StoreBuilder } from './storeBuilder.js';
import { kubeletTimeKey, parseTimeKey } from './timeKey.js';
import type { TimeRange } from './source.js';
import type { Store } from './store.js';

export interface LoadProgress {
  table: TableName;
  /** Rows read from this table so far. */
  rows: number;
  /** Rows read from every table so far. */
  totalRows: number;
  /** Rows the manifest says the bundle holds (for a percentage), when the source has a manifest. */
  expectedRows?: number;
  done: boolean;
}

export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
}

/** The part of a Bundle the loader needs (an in-memory stand-in can provide it too). */
export type TableSource = Pick<Bundle, 'readTable'> & Partial<Pick<Bundle, 'manifest' | 'dir'>>;

const PROGRESS_EVERY = 20_000;

export async function loadStore(bundle: TableSource, opts: LoadOptions = {}): Promise<{ store: Store; defaultRange: TimeRange | null }> {
  const builder = new StoreBuilder();
  const counts = bundle.manifest?.tables;
  const expectedRows = counts ? Object.values(counts).reduce((n, t) => n + (t?.records ?? 0), 0) : undefined;
  for (const table of TABLES) {
    opts.signal?.throwIfAborted();
    const before = builder.length;
    const report = (done: boolean) => opts.onProgress?.({ table: table.name, rows: builder.length - before, totalRows: builder.length, expectedRows, done });
    if (table.name === containerLogs.name && derivesLogsOnDemand(bundle)) await loadLogColumns(bundle, builder, report, opts.signal);
    else await loadRows(bundle, table.name, builder, report, opts.signal);
    builder.cut();
    report(true);
  }
  opts.signal?.throwIfAborted();
  return { store: builder.build(), defaultRange: sinceWindow(bundle.manifest) };
}

function derivesLogsOnDemand(b: TableSource): b is TableSource & Pick<Bundle, 'manifest' | 'dir'> {
  return typeof b.dir === 'string' && !!b.manifest?.derivation?.onDemand?.includes(containerLogs.name);
}

async function loadRows(bundle: TableSource, table: TableName, builder: StoreBuilder, report: (done: boolean) => void, signal?: AbortSignal): Promise<void> {
  const shared = new Map<string, string>();
  let rows = 0;
  for await (const raw of bundle.readTable(table, { signal })) {
    const row = toTimelineRow(table, raw as unknown as Record<string, unknown>);
    compactDetails(row, shared);
    builder.add(row);
    if (++rows % PROGRESS_EVERY === 0) {
      signal?.throwIfAborted();
      report(false);
    }
  }
}

async function loadLogColumns(bundle: TableSource & Pick<Bundle, 'manifest' | 'dir'>, builder: StoreBuilder, report: (done: boolean) => void, signal?: AbortSignal): Promise<void> {
  const { deriveInputOf, logRowContext } = await import('../derive/index.js');
  const { deriveLogColumns, logStreams } = await import('../derive/logs.js');
  const input = await deriveInputOf(bundle.dir, bundle.manifest);
  const ctx = await logRowContext(input, signal ?? new AbortController().signal);
  const sink = builder.logSink(ctx);
  let rows = 0;
  const counted: typeof sink = {
    stream: sink.stream,
    line: (...a) => {
      sink.line(...a);
      if (++rows % PROGRESS_EVERY === 0) report(false);
    },
  };
  await deriveLogColumns(ctx, logStreams(input.entries), counted, { fromString: parseTimeKey, fromKubelet: kubeletTimeKey }, signal);
}

const SHARED_MAX_LENGTH = 128;
const SHARED_MAX_ENTRIES = 200_000;

/**
 * JSON.parse gives every row its own copy of every string: the same image, node and kind on
 * many rows. Short Details strings are shared through `shared`, and a value equal to the Summary
 * reuses it. Values are unchanged; only the string instances are.
 */
function compactDetails(row: TimelineRow, shared: Map<string, string>): void {
  const d = row.Details;
  for (const k in d) {
    const v = d[k];
    if (typeof v !== 'string') continue;
    if (v === row.Summary) d[k] = row.Summary;
    else if (v.length <= SHARED_MAX_LENGTH) {
      const s = shared.get(v);
      if (s !== undefined) d[k] = s;
      else if (shared.size < SHARED_MAX_ENTRIES) shared.set(v, v);
    }
  }
}

/** The collection's since-window: [now - sinceSeconds, now], from the manifest's options. */
function sinceWindow(m: TableSource['manifest']): TimeRange | null {
  const now = m ? Date.parse(m.options?.now ?? m.startedAt ?? '') : NaN;
  const since = m?.options?.sinceSeconds;
  if (!Number.isFinite(now) || typeof since !== 'number' || !(since > 0)) return null;
  const from = normalizeTime(new Date(now - since * 1000));
  const to = normalizeTime(new Date(now));
  return from && to ? { from, to } : null;
}
