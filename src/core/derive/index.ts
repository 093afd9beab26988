// Raw evidence → schema rows. Small tables are derived once, at seal time, by running each
// artifact's collector against a replay of the raw evidence (replay.ts) and written to tables/
// so the tree shows them at once; the container log table is derived on demand from the raw
// streams (logs.ts) for the timeline, ingestion and exports. One pass over the logs at seal
// time runs the content rules and counts the log rows for the manifest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS, type ArtifactId } from '../schema/artifacts.js';
import { commandHistory, containerLogs, suspiciousPods, type RowByTable, type TableName } from '../schema/tables.js';
import { normalizeTime } from '../schema/time.js';
import type { Manifest } from '../evidence/manifest.js';
import { RAW_INDEX_FILE, type AcquisitionEntry } from '../evidence/raw.js';
import { DEFAULT_COLLECT_OPTIONS, type CollectOptions, type Collector, type ObjectCache } from '../collectors/types.js';
import { SILENT_LOGGER } from '../model.js';
import { createObjectCache } from '../collectors/objectCache.js';
import { meta, podContainers, str } from '../collectors/common.js';
import { ContainerContentScanner, logCitation } from '../detections/contentRules.js';
import { suspiciousPodRow } from '../detections/rows.js';
import { ReplayClusterApi } from './replay.js';
import { deriveAzure, type AzureRowSource } from './azure.js';
import type { KnownPod } from '../detections/azure/index.js';
import { screenStreams, type ScreenPoolOptions, type Screening } from './screenPool.js';
import { RowStamper, type StampSource } from './stamp.js';
import { containerKey, deriveLogRows, logStreams, type ContainerInfo, type LogRowContext, type LogStream } from './logs.js';

/** Goes up whenever the same raw evidence would give different rows. */
export const DERIVATION_VERSION = 3;

/** Tables derived on demand from raw/ rather than written to tables/. */
export const ON_DEMAND_TABLES: readonly TableName[] = [containerLogs.name];

/** What the derivation needs to know about a snapshot besides its raw files. */
export interface DeriveInput {
  bundleDir: string;
  stamp: StampSource;
  /** The options the snapshot ran with (since-window, exclusions, the reference "now"). */
  options: CollectOptions;
  entries: readonly AcquisitionEntry[];
}

export async function readAcquisitionIndex(bundleDir: string): Promise<AcquisitionEntry[]> {
  let text: string;
  try {
    text = await readFile(join(bundleDir, RAW_INDEX_FILE), 'utf8');
  } catch (err) {
    // Not written yet: nothing was requested.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: AcquisitionEntry[] = [];
  let n = 0;
  for (const line of text.split('\n')) {
    n++;
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as AcquisitionEntry);
    } catch (err) {
      throw new Error(`${RAW_INDEX_FILE} line ${n} is not valid JSON (${(err as Error).message}); run verify on the bundle.`);
    }
  }
  return out;
}

function replay(input: DeriveInput): { api: ReplayClusterApi; objects: ObjectCache; options: CollectOptions } {
  const api = new ReplayClusterApi(input.bundleDir, input.entries);
  // One at a time: rows come out in the same order on every derivation.
  const options = { ...input.options, concurrency: 1 };
  return { api, objects: createObjectCache(api, options), options };
}

/** What a derived row comes from: an artifact's raw evidence, or the Azure sources' (src/core/azure/sources). */
export type DerivedSource = ArtifactId | typeof AZURE_SOURCE;
export const AZURE_SOURCE = 'azure';

export type Derived =
  /** `via`: which Azure source an Azure row comes from (the coverage report counts rows per source). */
  | { kind: 'row'; table: TableName; artifact: DerivedSource; row: Record<string, unknown>; via?: AzureRowSource }
  /** Raw bytes the artifact's rows were derived from (a list shared by several counts for the first). */
  | { kind: 'bytes'; artifact: ArtifactId; bytes: number }
  /** Rows of an on-demand table, counted (not written) while its raw evidence was read. */
  | { kind: 'count'; table: TableName; artifact: ArtifactId; rows: number }
  /** The artifact's rows stop here: its replay failed (its rows so far are kept). */
  | { kind: 'error'; artifact: DerivedSource; message: string };

/**
 * Every materialized row, in a fixed order: artifact by artifact as the snapshot ran them; for
 * container logs, the findings of the content rules over the log lines.
 */
export async function* deriveMaterialized(input: DeriveInput, collectors: Record<ArtifactId, Collector>, signal?: AbortSignal, screen: ScreenPoolOptions & { started?: Screening | null } = {}): AsyncGenerator<Derived> {
  const sig = signal ?? new AbortController().signal;
  // Screening the logs is most of the derivation: it starts first, on every core, while the
  // other artifacts are replayed; or it started while the collection was still running.
  const streams = input.options.artifacts.includes('containerLogs') ? logStreams(input.entries) : [];
  // A screening that started during the collection keeps what it screened of these streams.
  const screening = screen.started ?? screenStreams(input.bundleDir, screen);
  screening.add(streams);
  screening.help();
  try {
    yield* deriveInOrder(input, collectors, sig, screening, streams);
  } finally {
    screening.close();
  }
}

async function* deriveInOrder(input: DeriveInput, collectors: Record<ArtifactId, Collector>, sig: AbortSignal, screening: Screening, streams: readonly LogStream[]): AsyncGenerator<Derived> {
  const { api, objects, options } = replay(input);
  const stamper = new RowStamper(input.stamp);
  for (const def of ARTIFACTS) {
    if (!options.artifacts.includes(def.id)) continue;
    const artifact = def.id;
    const served = api.bytesServed;
    try {
      if (artifact === 'containerLogs') {
        const counted = { rows: 0 };
        for await (const row of logFindings(input, sig, counted, screening, streams)) yield { kind: 'row', table: suspiciousPods.name, artifact, row: stamper.stamp(suspiciousPods.name, row) };
        // Every stream is screened: the workers' memory goes back before the other artifacts are replayed.
        screening.close();
        yield { kind: 'count', table: containerLogs.name, artifact, rows: counted.rows };
        yield { kind: 'bytes', artifact, bytes: streams.reduce((n, s) => n + s.attempts.reduce((m, a) => m + a.bytes, 0), 0) };
        continue;
      }
      let lastHistory = '';
      for await (const ev of collectors[artifact].collect({ cluster: api, objects, options, signal: sig, log: SILENT_LOGGER, acquiring: false })) {
        if (ev.kind !== 'row') continue;
        const row = stamper.stamp(ev.table, ev.row as Record<string, unknown>);
        // A history finding comes right after the history row it was found in (one container at a time): cite that row.
        if (ev.table === commandHistory.name) lastHistory = String(row.RecordId);
        else if (ev.table === suspiciousPods.name && String(row.FieldPath).startsWith('history:/')) row.FieldPath = `${String(row.FieldPath)}, record ${lastHistory}`;
        yield { kind: 'row', table: ev.table, artifact, row };
      }
    } catch (err) {
      if (sig.aborted) throw err;
      yield { kind: 'error', artifact, message: err instanceof Error ? err.message : String(err) };
    }
    if (artifact !== 'containerLogs') yield { kind: 'bytes', artifact, bytes: api.bytesServed - served };
  }
  yield* azureDerived(input, objects, stamper, sig);
}

/** The Azure sources' rows and findings, after every artifact's (the rules are told the pods the snapshot listed). */
async function* azureDerived(input: DeriveInput, objects: ObjectCache, stamper: RowStamper, signal: AbortSignal): AsyncGenerator<Derived> {
  const pods = async () => knownPods(objects, signal).catch(() => []);
  try {
    for await (const d of deriveAzure(input.bundleDir, input.entries, (t, r) => stamper.stamp(t, r), pods, signal)) yield { kind: 'row', table: d.table, artifact: AZURE_SOURCE, row: d.row, via: d.source };
  } catch (err) {
    if (signal.aborted) throw err;
    yield { kind: 'error', artifact: AZURE_SOURCE, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Pods with their addresses, from the pods as the raw evidence lists them (none when pods were not listed). */
async function knownPods(objects: ObjectCache, signal: AbortSignal): Promise<KnownPod[]> {
  const { items } = await objects.list('pods', signal);
  return items.flatMap((pod) => {
    const m = meta(pod);
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    const status = (pod.status ?? {}) as Record<string, unknown>;
    const ips = [status.podIP, ...(Array.isArray(status.podIPs) ? status.podIPs.map((p) => (p as { ip?: unknown })?.ip) : [])].filter((ip): ip is string => typeof ip === 'string' && ip !== '');
    // hostNetwork pods share the node's address: a request from it says nothing about the pod.
    if (spec.hostNetwork === true) return [];
    return [...new Set(ips)].map((ip) => ({ ip, namespace: str(m.namespace), name: str(m.name), serviceAccount: str(spec.serviceAccountName) || 'default' }));
  });
}

/** Container details for log rows, from the pods as the raw evidence lists them. */
async function containerInfo(objects: ObjectCache, signal: AbortSignal): Promise<Map<string, ContainerInfo>> {
  const out = new Map<string, ContainerInfo>();
  const { items } = await objects.list('pods', signal);
  for (const pod of items) {
    const m = meta(pod);
    const node = str((pod.spec as Record<string, unknown> | undefined)?.nodeName);
    for (const c of podContainers(pod)) out.set(containerKey(str(m.namespace), str(m.name), c.name), { kind: c.kind, image: str(c.spec.image), node });
  }
  return out;
}

/**
 * The content rules over every log line (one cap per container, current and previous together);
 * the same pass counts the log table's rows for the manifest. The streams were screened in any
 * order (screen.ts); the findings are made here in the index's order.
 */
async function* logFindings(input: DeriveInput, signal: AbortSignal, counted: { rows: number }, screening: Screening, streams: readonly LogStream[]): AsyncGenerator<Record<string, unknown>> {
  const scanners = new Map<string, ContainerContentScanner>();
  for (const s of streams) {
    signal.throwIfAborted();
    const key = containerKey(s.namespace, s.pod, s.container);
    let scanner = scanners.get(key);
    if (!scanner) scanners.set(key, (scanner = new ContainerContentScanner('log', { namespace: s.namespace, pod: s.pod, container: s.container })));
    const screen = await screening.resultOf(s);
    // The log table numbers its rows across streams in this order.
    const rowsBefore = counted.rows;
    const recordOf = (n: number) => `${input.stamp.snapshotId}/${containerLogs.name}/${String(rowsBefore + n + 1).padStart(9, '0')}`;
    for (const h of screen.hits) {
      for (const f of scanner.check(h.text, () => logCitation(s.previous, h.line, recordOf(h.rowOffset)), h.time)) yield suspiciousPodRow(f) as Record<string, unknown>;
    }
    counted.rows += screen.rows;
  }
  for (const sc of scanners.values()) {
    const capped = sc.capFinding();
    if (capped) yield suspiciousPodRow(capped) as Record<string, unknown>;
  }
}

/** The container log table, derived from the raw streams, streaming, in batches. */
export async function* deriveLogBatches(input: DeriveInput, signal?: AbortSignal): AsyncGenerator<RowByTable[typeof containerLogs.name][]> {
  const sig = signal ?? new AbortController().signal;
  yield* deriveLogRows(await logRowContext(input, sig), logStreams(input.entries), sig);
}

/** What every log row carries besides its line (the local timeline's columnar path reads the streams with it too). */
export async function logRowContext(input: DeriveInput, signal: AbortSignal): Promise<LogRowContext> {
  const { objects } = replay(input);
  const containers = await containerInfo(objects, signal).catch(() => new Map<string, ContainerInfo>());
  return { bundleDir: input.bundleDir, snapshotId: input.stamp.snapshotId, cluster: input.stamp.cluster, timeGenerated: input.stamp.timeGenerated, containers };
}

/** The container log table row by row. */
export function deriveLogTable(input: DeriveInput | (() => Promise<DeriveInput>), signal?: AbortSignal): AsyncIterable<RowByTable[typeof containerLogs.name]> {
  return unbatch(async () => deriveLogBatches(typeof input === 'function' ? await input() : input, signal));
}

/**
 * Rows out of batches without a generator per row: an async generator costs a few promise hops
 * per value, which at millions of log rows is seconds; here a row is one resolved promise.
 */
export function unbatch<T>(open: () => Promise<AsyncIterator<T[]>>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let source: AsyncIterator<T[]> | null = null;
      let batch: T[] = [];
      let i = 0;
      const next = async (): Promise<IteratorResult<T>> => {
        source ??= await open();
        for (;;) {
          const r = await source.next();
          if (r.done) return { done: true, value: undefined };
          if (r.value.length === 0) continue;
          batch = r.value;
          i = 1;
          return { done: false, value: batch[0]! };
        }
      };
      return {
        next: () => (i < batch.length ? Promise.resolve({ done: false, value: batch[i++]! }) : next()),
        return: async () => {
          await source?.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/**
 * What a derivation of the bundle in `dir` starts from: the manifest's record of the snapshot
 * and the acquisition index on disk. The seal, `verify --derived` and every reader call this, so
 * they all derive from the same input.
 */
export async function deriveInputOf(dir: string, m: Pick<Manifest, 'snapshotId' | 'startedAt' | 'options'> & { cluster: { cluster: string } }): Promise<DeriveInput> {
  return {
    bundleDir: dir,
    stamp: { snapshotId: m.snapshotId, cluster: m.cluster.cluster, timeGenerated: normalizeTime(m.startedAt) ?? '' },
    // Recorded values win; a value the manifest leaves out keeps its default.
    options: { ...DEFAULT_COLLECT_OPTIONS, ...Object.fromEntries(Object.entries(m.options).filter(([, v]) => v !== undefined)), artifacts: m.options.artifacts, now: new Date(m.options.now ?? 0) } as CollectOptions,
    entries: await readAcquisitionIndex(dir),
  };
}
