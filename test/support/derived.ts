// Collectors as a snapshot runs them, minus the bundle around it: the collectors fetch into a
// fresh raw/ folder (their requests recorded through the api's RawStore), then the rows are
// derived from that raw evidence exactly as the snapshot derives them at seal time
// (materialized tables by replaying the collectors, the container log table on demand).
// Tests assert on what the derivation gives, i.e. on what a bundle would hold.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterApi } from '../../src/core/cluster/api.js';
import { COLLECTORS, createObjectCache } from '../../src/core/collectors/index.js';
import type { CollectOptions, CollectorEvent } from '../../src/core/collectors/types.js';
import type { Gap, Logger } from '../../src/core/model.js';
import { RAW_DIR, RawStore, type AcquisitionEntry } from '../../src/core/evidence/raw.js';
import { deriveLogTable, deriveMaterialized, readAcquisitionIndex, type DeriveInput, type DerivedSource } from '../../src/core/derive/index.js';
import type { ArtifactId } from '../../src/core/schema/artifacts.js';
import { containerLogs, type TableName } from '../../src/core/schema/tables.js';
import { normalizeTime } from '../../src/core/schema/time.js';
import { resolveOptions } from '../../src/core/snapshot.js';
import { tempDir } from './tempDir.js';

export interface DerivedRun {
  /** The temporary bundle folder holding raw/ (and its index). */
  dir: string;
  options: CollectOptions;
  input: DeriveInput;
  /** Derived rows by table, stamped and in schema column order, as a bundle would hold them. */
  rows: Map<TableName, Record<string, unknown>[]>;
  /** Gaps and progress the collectors reported while fetching. */
  gaps: Gap[];
  progress: { artifact: ArtifactId; done: number; total: number }[];
  /** Artifacts whose derivation stopped with an error. */
  errors: { artifact: DerivedSource; message: string }[];
  /** The acquisition index as written to raw/index.jsonl. */
  entries: AcquisitionEntry[];
  /** The error that ended the collection after `signal` was aborted (null when it ran to the end). */
  cancelled: unknown;
}

export interface DeriveRunOptions {
  signal?: AbortSignal;
  /** Sees every collector event as it comes (to abort at a chosen point). */
  onEvent?: (ev: CollectorEvent, artifact: ArtifactId) => void;
  log?: Logger;
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs `artifacts` (in the given order, sharing one object cache) against `api` with a fresh raw
 * store attached, then derives every table from what was recorded. A collection cut by an abort
 * of `signal` is still derived (as a cancelled snapshot is sealed); any other error is thrown.
 */
export async function collectAndDerive(api: ClusterApi, artifacts: ArtifactId | ArtifactId[], opts: Partial<CollectOptions> = {}, run: DeriveRunOptions = {}): Promise<DerivedRun> {
  const ids = Array.isArray(artifacts) ? artifacts : [artifacts];
  const options = resolveOptions({ ...opts, artifacts: ids });
  const dir = await tempDir('kfs-derived-');
  await mkdir(join(dir, RAW_DIR), { mode: 0o700 });
  const store = new RawStore(dir);
  await api.attachRaw(store);
  const signal = run.signal ?? new AbortController().signal;
  const objects = createObjectCache(api, options);
  const gaps: Gap[] = [];
  const progress: DerivedRun['progress'] = [];
  let cancelled: unknown = null;
  try {
    for (const artifact of ids) {
      for await (const ev of COLLECTORS[artifact].collect({ cluster: api, objects, options, signal, log: run.log ?? silent, acquiring: false })) {
        // Rows seen while collecting are dropped, as the snapshot drops them: the rows a bundle
        // holds are the ones derived from the raw evidence below.
        if (ev.kind === 'gap') gaps.push(ev.gap);
        else if (ev.kind === 'progress') progress.push({ artifact, done: ev.done, total: ev.total });
        run.onEvent?.(ev, artifact);
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
    cancelled = err;
  }
  await store.flush();
  const entries = await readAcquisitionIndex(dir);
  const input: DeriveInput = {
    bundleDir: dir,
    stamp: { snapshotId: 'derived-test', cluster: api.contextName, timeGenerated: normalizeTime(options.now)! },
    options,
    entries,
  };
  const rows = new Map<TableName, Record<string, unknown>[]>();
  const add = (table: TableName, row: Record<string, unknown>) => {
    if (!rows.has(table)) rows.set(table, []);
    rows.get(table)!.push(row);
  };
  const errors: DerivedRun['errors'] = [];
  for await (const d of deriveMaterialized(input, COLLECTORS)) {
    if (d.kind === 'row') add(d.table, d.row);
    else if (d.kind === 'error') errors.push({ artifact: d.artifact, message: d.message });
  }
  if (ids.includes('containerLogs')) for await (const row of deriveLogTable(input)) add(containerLogs.name, row as unknown as Record<string, unknown>);
  return { dir, options, input, rows, gaps, progress, errors, entries, cancelled };
}
