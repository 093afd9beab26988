// Takes a forensic snapshot: connects to the cluster, runs the selected collectors in order
// (events first, they expire soonest), streams their records into a new evidence bundle,
// and seals it with a manifest that reports every gap. A cancelled or partly forbidden
// snapshot still produces a bundle that verifies.
import { ARTIFACTS, type ArtifactId } from './schema/artifacts.js';
import { DEFAULT_COLLECT_OPTIONS, type Collector, type CollectOptions, type ObjectCache } from './collectors/types.js';
import { SILENT_LOGGER, type Gap, type Logger } from './model.js';
import { setMaxListeners } from 'node:events';
import { hostname, userInfo } from 'node:os';
import type { ClusterApi } from './cluster/api.js';
import { BundleWriter, assertOutsideBundle, newSnapshotId } from './evidence/writer.js';
import { RAW_INDEX_FILE } from './evidence/raw.js';
import type { Acquisition, ArtifactReport, ArtifactStatus, ClusterIdentity, Manifest, SnapshotStatus } from './evidence/manifest.js';
import type { TableName } from './schema/tables.js';
import { DERIVATION_VERSION, ON_DEMAND_TABLES, deriveInputOf, deriveMaterialized, type DerivedSource } from './derive/index.js';
import type { AzureRowSource } from './derive/azure.js';
import { logStreams } from './derive/logs.js';
import type { ScreenPoolOptions, Screening } from './derive/screenPool.js';
import { screenWhileCollecting, type LiveScreening } from './derive/liveScreening.js';
import { TOOL_VERSION } from './version.js';
import type { AzureConnection } from './azure/credentials.js';
import type { AzureCoverage } from './azure/sources/coverage.js';
import { AZURE_SOURCE } from './derive/index.js';
import { SOURCE_TABLES, emptySource } from './azure/sources/coverage.js';

export interface SnapshotRequest {
  /** Explicit kubeconfig file; otherwise KUBECONFIG, then ~/.kube/config (as kubectl). */
  kubeconfig?: string;
  context?: string;
  /** Parent folder; the bundle is a new folder inside it. */
  outDir: string;
  options?: Partial<CollectOptions>;
  /** What started the collection, for the manifest (default: this process's argv). */
  commandLine?: string[];
  /** Also collect the AKS cluster's Azure-side evidence (control-plane audit, Activity Log, Defender alerts). */
  azure?: AzureSourcesRequest;
}

export interface AzureSourcesRequest {
  /** `aks`: only when the kubeconfig's server is an AKS API server (*.azmk8s.io); `always`: whatever the server. */
  when?: 'always' | 'aks';
  /** The Azure sign-in; a function is called once the Kubernetes collection has started (a slow sign-in holds up nothing). */
  connection: AzureConnection | (() => Promise<AzureConnection>);
  aksResourceId?: string;
  subscriptionId?: string;
}

export interface ProgressEvent {
  artifact: ArtifactId;
  phase: 'start' | 'progress' | 'end';
  done: number;
  total: number;
  /** Raw evidence bytes the snapshot has received so far (rows are derived when it is sealed). */
  bytes: number;
  status?: ArtifactStatus;
}

export interface SnapshotRun {
  signal: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  log?: Logger;
}

export interface SnapshotResult {
  bundleDir: string;
  manifest: Manifest;
}

/** What the orchestrator needs from the cluster layer; a seam so tests can count calls. */
export interface SnapshotDeps {
  connect(req: { kubeconfig?: string; context?: string; signal: AbortSignal; maxInFlight?: number }): Promise<{ api: ClusterApi; identity: ClusterIdentity }>;
  createObjectCache(api: ClusterApi, options: CollectOptions): ObjectCache;
  collectors: Record<ArtifactId, Collector>;
  /** How the log streams are screened (default: the worker bundled at build time; tests pass its code). */
  screen?: ScreenPoolOptions;
}

export function resolveOptions(partial: Partial<CollectOptions> = {}, now = new Date()): CollectOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<CollectOptions>;
  return {
    ...DEFAULT_COLLECT_OPTIONS,
    artifacts: ARTIFACTS.map((a) => a.id),
    now,
    ...defined,
  };
}

export async function takeSnapshot(req: SnapshotRequest, run: SnapshotRun, deps?: SnapshotDeps): Promise<SnapshotResult> {
  const d = deps ?? (await defaultDeps());
  const log = run.log ?? SILENT_LOGGER;
  const options = resolveOptions(req.options);
  run.signal.throwIfAborted();
  // Before anything touches the cluster: a bundle must not be written into another one.
  await assertOutsideBundle(req.outDir);
  // Every request in flight listens on the signal, and artifacts run side by side: not a leak.
  setMaxListeners(Math.max(100, options.concurrency * 16), run.signal);
  const { api, identity } = await d.connect({ kubeconfig: req.kubeconfig, context: req.context, signal: run.signal, maxInFlight: options.concurrency });
  const azureReq = req.azure && wantsAzure(req.azure, identity.server) ? req.azure : null;
  const startedAt = new Date();
  const writer = await BundleWriter.create(req.outDir, {
    snapshotId: newSnapshotId(startedAt),
    cluster: identity,
    startedAt: startedAt.toISOString(),
    toolVersion: TOOL_VERSION,
    options: {
      artifacts: options.artifacts,
      sinceSeconds: options.sinceSeconds,
      excludeNamespaces: options.excludeNamespaces,
      concurrency: options.concurrency,
      execEnabled: options.execEnabled,
      now: options.now.toISOString(),
      historyMaxBytes: options.historyMaxBytes,
      platformRegistries: options.platformRegistries,
      ...(azureReq ? { azure: { aksResourceId: azureReq.aksResourceId, subscriptionId: azureReq.subscriptionId } } : {}),
    },
    acquisition: acquisitionRecord(identity, req.commandLine ?? process.argv),
  });
  // The connection's first requests (who we are, /version) go in with everything after.
  await api.attachRaw(writer.raw);
  // Everything goes to both the caller's log and the bundle's collection.log.
  const both: Logger = {
    info: (m) => (log.info(m), void writer.logLine('info', m)),
    warn: (m) => (log.warn(m), void writer.logLine('warn', m)),
    error: (m) => (log.error(m), void writer.logLine('error', m)),
  };
  both.info(`snapshot ${writer.header.snapshotId} of context ${identity.context} (${identity.server}) as ${identity.identity ?? identity.user}`);

  // Azure runs beside the Kubernetes collection from here on, never before it: each source fails alone.
  const azure = azureReq ? collectAzure(azureReq, identity.server, options, writer, run.signal, both) : null;
  const { reports, live } = await collectArtifacts({ api, objects: d.createObjectCache(api, options), options, writer, run, log: both }, d);
  const coverage = azure ? await azure : undefined;
  const tables = await deriveTables(writer, reports, d.collectors, both, { ...d.screen, started: live?.screening ?? null }, coverage);
  const manifest = await writer.seal({
    azure: coverage,
    status: snapshotStatus(run.signal.aborted, Object.values(reports), coverage),
    endedAt: new Date().toISOString(),
    artifacts: reports,
    tables,
    derivation: { version: DERIVATION_VERSION, onDemand: [...ON_DEMAND_TABLES] },
  });
  log.info(`bundle sealed at ${writer.dir} (${manifest.status})`);
  return { bundleDir: writer.dir, manifest };
}

/** AKS API servers, public (<dns>.hcp.<region>.azmk8s.io) or private (<dns>.privatelink.<region>.azmk8s.io). */
const AKS_HOST = /\.azmk8s\.io$/i;

function wantsAzure(req: AzureSourcesRequest, server: string): boolean {
  if (req.when !== 'aks') return true;
  try {
    return AKS_HOST.test(new URL(server).hostname);
  } catch {
    return false;
  }
}

/** The Azure sources beside the Kubernetes collection; a failure is a gap in the report, never a failed snapshot. */
async function collectAzure(req: AzureSourcesRequest, server: string, options: CollectOptions, writer: BundleWriter, signal: AbortSignal, log: Logger): Promise<AzureCoverage> {
  const { collectAzureSources } = await import('./azure/sources/index.js');
  const to = options.now;
  const from = new Date(to.getTime() - options.sinceSeconds * 1000);
  try {
    const conn = typeof req.connection === 'function' ? await req.connection() : req.connection;
    const coverage = await collectAzureSources({ conn, server, aksResourceId: req.aksResourceId, subscriptionId: req.subscriptionId, from, to, signal }, writer.raw);
    for (const s of coverage.sources) for (const g of s.gaps) log.warn(`azure ${s.source}: ${g.status}: ${g.scope}: ${g.message}`);
    return coverage;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`azure: ${message}`);
    const cluster = emptySource('cluster');
    cluster.gaps.push({ scope: 'Azure sign-in', status: signal.aborted ? 'skipped' : 'failed', message });
    return { identity: 'unknown', cluster: null, sources: [cluster] };
  }
}

/** Each source's records are the rows its raw evidence derived into. */
function countCoverage(coverage: AzureCoverage): void {
  for (const s of coverage.sources) {
    const table = SOURCE_TABLES[s.source];
    if (table) s.records = s.tables?.[table] ?? 0;
  }
}

function acquisitionRecord(identity: ClusterIdentity, commandLine: string[]): Acquisition {
  let osUser = '';
  try {
    osUser = userInfo().username;
  } catch {
    osUser = process.env.USER ?? '';
  }
  return {
    host: hostname(),
    osUser,
    commandLine,
    kubeconfigFiles: identity.kubeconfigFiles,
    serverVersion: identity.serverVersion,
    clock: 'system clock of the collecting host, UTC',
    index: RAW_INDEX_FILE,
  };
}

/**
 * Derives the materialized tables from the raw evidence just collected and writes them; counts
 * the rows of the on-demand tables. Each artifact's report gets its rows per table, and its
 * final status from its rows and gaps. Runs even after a cancel: what was collected is kept.
 */
async function deriveTables(
  writer: BundleWriter,
  reports: Partial<Record<ArtifactId, ArtifactReport>>,
  collectors: Record<ArtifactId, Collector>,
  log: Logger,
  screen: ScreenPoolOptions & { started: Screening | null },
  coverage?: AzureCoverage,
): Promise<Manifest['tables']> {
  const started = performance.now();
  // The index is read back from disk: the derivation sees exactly what an examiner will.
  await writer.raw.flush();
  // From the header the manifest is made of: the seal derives exactly as verify --derived will.
  const input = await deriveInputOf(writer.dir, writer.header);
  const early = screen.started;
  if (early) {
    const streams = logStreams(input.entries);
    log.info(`${early.queued(streams)} of ${streams.length} log streams were handed to ${early.workers} screening worker thread(s) while the collection ran`);
  }
  const tables: Manifest['tables'] = {};
  const add = (artifact: DerivedSource, table: TableName, n: number, via?: AzureRowSource) => {
    tables[table] = { records: (tables[table]?.records ?? 0) + n };
    if (artifact === AZURE_SOURCE) {
      const s = coverage?.sources.find((x) => x.source === via);
      if (s) s.tables = { ...s.tables, [table]: (s.tables?.[table] ?? 0) + n };
      return;
    }
    const r = reports[artifact];
    if (!r) return;
    r.tables = { ...r.tables, [table]: (r.tables?.[table] ?? 0) + n };
    r.records += n;
  };
  try {
    for await (const d of deriveMaterialized(input, collectors, undefined, screen)) {
      if (d.kind === 'error') log.error(`${d.artifact}: deriving its rows from the raw evidence stopped: ${d.message}`);
      else if (d.kind === 'count') add(d.artifact, d.table, d.rows);
      else if (d.kind === 'bytes') {
        const r = reports[d.artifact];
        if (r) r.bytes = d.bytes;
      }
      else {
        await writer.writeRow(d.table, d.row);
        add(d.artifact, d.table, 1, d.via);
      }
    }
  } catch (err) {
    log.error(`deriving the tables from the raw evidence failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (coverage) countCoverage(coverage);
  for (const r of Object.values(reports)) if (r && r.status !== 'cancelled' && r.status !== 'failed') r.status = artifactStatus(r.records, r.gaps);
  log.info(`derived ${Object.values(tables).reduce((n, t) => n + (t?.records ?? 0), 0)} rows in ${Math.round(performance.now() - started)} ms`);
  return tables;
}

/**
 * Every chosen artifact: events first, alone (they expire soonest), then the rest side by side
 * (logs are bound by bandwidth, exec by round trips, lists by neither, so they overlap well).
 * Its own function so the live object cache (every pod listed) is gone before the seal replays
 * the raw evidence into a cache of its own.
 */
async function collectArtifacts(r: ArtifactRun, d: SnapshotDeps): Promise<{ reports: Partial<Record<ArtifactId, ArtifactReport>>; live: LiveScreening | null }> {
  const chosen = ARTIFACTS.filter((def) => r.options.artifacts.includes(def.id));
  const done = new Map<ArtifactId, ArtifactReport>();
  const runOne = async (id: ArtifactId) => {
    done.set(id, await runArtifact(d.collectors[id], r));
  };
  for (const def of chosen.filter((a) => a.id === 'events')) await runOne(def.id);
  // The logs are screened as they come in. Only a head start: without a worker the seal screens everything.
  const live = r.options.artifacts.includes('containerLogs') ? screenWhileCollecting(r.writer.raw, r.writer.dir, d.screen) : null;
  await Promise.all(chosen.filter((a) => a.id !== 'events').map((def) => runOne(def.id)));
  await live?.stop();
  // The manifest lists artifacts in their fixed order, whatever order they finished in.
  return { reports: Object.fromEntries(chosen.map((def) => [def.id, done.get(def.id)!])), live };
}

interface ArtifactRun {
  api: ClusterApi;
  objects: ObjectCache;
  options: CollectOptions;
  writer: BundleWriter;
  run: SnapshotRun;
  log: Logger;
}

/** Acquisition of one artifact: its requests are recorded as raw evidence; its rows come later, from the derivation. */
async function runArtifact(collector: Collector, r: ArtifactRun): Promise<ArtifactReport> {
  const artifact = collector.artifact;
  const report: ArtifactReport = { status: 'ok', records: 0, bytes: 0, startedAt: new Date().toISOString(), endedAt: null, gaps: [], error: null };
  const emit = (phase: ProgressEvent['phase'], done: number, total: number) =>
    r.run.onProgress?.({ artifact, phase, done, total, bytes: r.writer.raw.bytes, status: phase === 'end' ? report.status : undefined });
  if (r.run.signal.aborted) {
    report.status = 'cancelled';
    report.endedAt = report.startedAt;
    emit('end', 0, 0);
    return report;
  }
  emit('start', 0, 0);
  let done = 0;
  let total = 0;
  try {
    const ctx = { cluster: r.api, objects: r.objects, options: r.options, signal: r.run.signal, log: r.log, acquiring: true };
    for await (const ev of collector.collect(ctx)) {
      if (ev.kind === 'gap') {
        report.gaps.push(ev.gap);
        r.log.warn(`${artifact}: ${ev.gap.status}: ${ev.gap.scope}: ${ev.gap.message}`);
      } else if (ev.kind === 'progress') {
        done = ev.done;
        total = ev.total;
        emit('progress', done, total);
      }
      // A collector that ignores the signal still stops here.
      r.run.signal.throwIfAborted();
    }
  } catch (err) {
    if (r.run.signal.aborted) {
      report.status = 'cancelled';
      r.log.warn(`${artifact}: cancelled`);
    } else {
      report.status = 'failed';
      report.error = err instanceof Error ? err.message : String(err);
      r.log.error(`${artifact}: failed: ${report.error}`);
    }
  }
  report.endedAt = new Date().toISOString();
  r.log.info(`${artifact}: ${report.status === 'ok' ? 'collected' : report.status}, ${report.gaps.length} gaps`);
  emit('end', done, total);
  return report;
}

export function artifactStatus(records: number, gaps: Gap[]): ArtifactStatus {
  if (gaps.length === 0) return 'ok';
  if (records === 0 && gaps.every((g) => g.status === 'skipped')) return 'skipped';
  if (records === 0 && gaps.every((g) => g.status === 'forbidden')) return 'forbidden';
  if (records === 0 && gaps.every((g) => g.status === 'failed')) return 'failed';
  return 'partial';
}

function snapshotStatus(cancelled: boolean, reports: ArtifactReport[], coverage?: AzureCoverage): SnapshotStatus {
  if (cancelled) return 'cancelled';
  if (reports.length > 0 && reports.every((r) => r.status === 'failed')) return 'failed';
  // An Azure source that was asked for and could not be read makes the snapshot partial; one that
  // is off in the cluster's configuration (no diagnostic setting, no Defender) is a fact, not a gap of ours.
  const azureMissing = (coverage?.sources ?? []).some((s) => s.gaps.some((g) => g.status !== 'skipped'));
  return !azureMissing && reports.every((r) => r.status === 'ok' || r.status === 'skipped') ? 'complete' : 'partial';
}

async function defaultDeps(): Promise<SnapshotDeps> {
  const [{ connectCluster }, { COLLECTORS, createObjectCache }] = await Promise.all([
    import('./cluster/connect.js'),
    import('./collectors/index.js'),
  ]);
  return { connect: connectCluster, createObjectCache, collectors: COLLECTORS };
}
