// Takes a forensic snapshot: connects to the cluster, runs the selected collectors in order
// (events first, they expire soonest), streams their records into a new evidence bundle,
// and seals it with a manifest that reports every gap. A cancelled or partly forbidden
// snapshot still produces a bundle that verifies.
import { ARTIFACTS, type ArtifactId } from './schema/artifacts.js';
import {
  DEFAULT_COLLECT_OPTIONS,
  type Collector,
  type CollectOptions,
  type Gap,
  type Logger,
  type ObjectCache,
} from './collectors/types.js';
import type { ClusterApi } from './cluster/api.js';
import { BundleWriter, newSnapshotId } from './evidence/writer.js';
import type { ArtifactReport, ArtifactStatus, ClusterIdentity, Manifest, SnapshotStatus } from './evidence/manifest.js';
import { TOOL_VERSION } from './version.js';

export interface SnapshotRequest {
  /** Explicit kubeconfig file; otherwise KUBECONFIG, then ~/.kube/config (as kubectl). */
  kubeconfig?: string;
  context?: string;
  /** Parent folder; the bundle is a new folder inside it. */
  outDir: string;
  options?: Partial<CollectOptions>;
}

export interface ProgressEvent {
  artifact: ArtifactId;
  phase: 'start' | 'progress' | 'end';
  done: number;
  total: number;
  records: number;
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
  connect(req: { kubeconfig?: string; context?: string; signal: AbortSignal }): Promise<{ api: ClusterApi; identity: ClusterIdentity }>;
  createObjectCache(api: ClusterApi, options: CollectOptions): ObjectCache;
  collectors: Record<ArtifactId, Collector>;
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

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
  const log = run.log ?? silent;
  const options = resolveOptions(req.options);
  run.signal.throwIfAborted();
  const { api, identity } = await d.connect({ kubeconfig: req.kubeconfig, context: req.context, signal: run.signal });
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
    },
  });
  // Everything goes to both the caller's log and the bundle's collection.log.
  const both: Logger = {
    info: (m) => (log.info(m), void writer.logLine('info', m)),
    warn: (m) => (log.warn(m), void writer.logLine('warn', m)),
    error: (m) => (log.error(m), void writer.logLine('error', m)),
  };
  both.info(`snapshot ${writer.header.snapshotId} of context ${identity.context} (${identity.server}) as ${identity.identity ?? identity.user}`);

  const objects = d.createObjectCache(api, options);
  const reports: Partial<Record<ArtifactId, ArtifactReport>> = {};
  for (const def of ARTIFACTS) {
    if (!options.artifacts.includes(def.id)) continue;
    reports[def.id] = await runArtifact(d.collectors[def.id], { api, objects, options, writer, run, log: both });
  }
  const manifest = await writer.seal({
    status: snapshotStatus(run.signal.aborted, Object.values(reports)),
    endedAt: new Date().toISOString(),
    artifacts: reports,
  });
  log.info(`bundle sealed at ${writer.dir} (${manifest.status})`);
  return { bundleDir: writer.dir, manifest };
}

interface ArtifactRun {
  api: ClusterApi;
  objects: ObjectCache;
  options: CollectOptions;
  writer: BundleWriter;
  run: SnapshotRun;
  log: Logger;
}

async function runArtifact(collector: Collector, r: ArtifactRun): Promise<ArtifactReport> {
  const artifact = collector.artifact;
  const report: ArtifactReport = { status: 'ok', records: 0, bytes: 0, startedAt: new Date().toISOString(), endedAt: null, gaps: [], error: null };
  const emit = (phase: ProgressEvent['phase'], done: number, total: number) =>
    r.run.onProgress?.({ artifact, phase, done, total, records: report.records, bytes: report.bytes, status: phase === 'end' ? report.status : undefined });
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
    const ctx = { cluster: r.api, objects: r.objects, options: r.options, signal: r.run.signal, log: r.log };
    for await (const ev of collector.collect(ctx)) {
      if (ev.kind === 'row') {
        const before = r.writer.bytes(ev.table);
        await r.writer.write(ev.table, ev.row);
        report.records++;
        report.bytes += r.writer.bytes(ev.table) - before;
      } else if (ev.kind === 'gap') {
        report.gaps.push(ev.gap);
        r.log.warn(`${artifact}: ${ev.gap.status}: ${ev.gap.scope}: ${ev.gap.message}`);
      } else {
        done = ev.done;
        total = ev.total;
        emit('progress', done, total);
      }
      // A collector that ignores the signal still stops here.
      r.run.signal.throwIfAborted();
    }
    report.status = artifactStatus(report.records, report.gaps);
  } catch (err) {
    if (r.run.signal.aborted) {
      report.status = 'cancelled';
      r.log.warn(`${artifact}: cancelled after ${report.records} records`);
    } else {
      report.status = 'failed';
      report.error = err instanceof Error ? err.message : String(err);
      r.log.error(`${artifact}: failed: ${report.error}`);
    }
  }
  report.endedAt = new Date().toISOString();
  r.log.info(`${artifact}: ${report.status}, ${report.records} records, ${report.gaps.length} gaps`);
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

function snapshotStatus(cancelled: boolean, reports: ArtifactReport[]): SnapshotStatus {
  if (cancelled) return 'cancelled';
  if (reports.length > 0 && reports.every((r) => r.status === 'failed')) return 'failed';
  return reports.every((r) => r.status === 'ok' || r.status === 'skipped') ? 'complete' : 'partial';
}

async function defaultDeps(): Promise<SnapshotDeps> {
  const [{ connectCluster }, { COLLECTORS, createObjectCache }] = await Promise.all([
    import('./cluster/connect.js'),
    import('./collectors/index.js'),
  ]);
  return { connect: connectCluster, createObjectCache, collectors: COLLECTORS };
}
