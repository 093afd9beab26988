// `kubeforensys collect` and `kubeforensys verify`: the snapshot and its integrity check.
import { Command, InvalidArgumentError, Option } from 'commander';
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ARTIFACTS, ARTIFACT_IDS, isArtifactId, type ArtifactId } from '../core/schema/artifacts.js';
// The collection and the Azure sign-in are imported when a collection runs: they bring
// client-node and the Azure SDKs, whose start-up every other command (scan, verify, --help) would
// otherwise pay (about 0.1 s of module initialisation per process).
import type { AzureSourcesRequest, ProgressEvent, SnapshotResult } from '../core/snapshot.js';
import { coverageLine, SOURCE_TABLES, type AzureCoverage } from '../core/azure/sources/coverage.js';
import { hashFile, verifyBundle, type VerifyReport } from '../core/evidence/verify.js';
import { MANIFEST_FILE, artifactRows, rowsElsewhere } from '../core/evidence/manifest.js';
import type { Manifest } from '../core/evidence/manifest.js';
import type { TableName } from '../core/schema/tables.js';
import { terminalJson } from '../core/text/terminal.js';
import { cliStreams, formatBytes, formatDuration, renderTable, safeText } from './format.js';

/** 130 is the shell's code for a process stopped by SIGINT: what a second Ctrl+C does. */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, cancelled: 4, interrupted: 130 } as const;

/** A bad argument: exit 2 with the sentence and a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseDuration(value: string): number {
  const m = /^(\d+)(s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`"${value}" is not a duration; use e.g. 90m, 24h or 7d.`);
  const n = Number(m[1]);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  if (n <= 0) throw new InvalidArgumentError('the since-window must be longer than zero.');
  return n * unit;
}

export function parseList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseArtifacts(value: string): ArtifactId[] {
  const ids = parseList(value);
  const bad = ids.filter((id) => !isArtifactId(id));
  if (bad.length) throw new InvalidArgumentError(`unknown artifact ${bad.join(', ')}; choose from ${ARTIFACT_IDS.join(', ')}.`);
  return ids as ArtifactId[];
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError(`"${value}" must be a whole number from 1 to 256.`);
  return n;
}

interface CollectFlags {
  kubeconfig?: string;
  context?: string;
  out: string;
  since: number;
  artifacts?: ArtifactId[];
  excludeNamespaces?: string[];
  concurrency?: number;
  exec: boolean;
  json?: boolean;
  /** true: --azure, false: --no-azure, undefined: when the server is an AKS API server. */
  azure?: boolean;
  subscription?: string;
  aksResourceId?: string;
}

/** Shows progress on a terminal (one rewritten line) and nothing when stderr is not a terminal. */
export function progressPrinter(stream: NodeJS.WriteStream): (e: ProgressEvent) => void {
  if (!stream.isTTY) return () => undefined;
  const label = new Map(ARTIFACTS.map((a) => [a.id, a.label]));
  return (e) => {
    const units = e.total ? ` ${e.done}/${e.total}` : '';
    const text = `${label.get(e.artifact)}${units} · ${formatBytes(e.bytes)} received`;
    if (e.phase === 'end') stream.write(`\r\x1b[2K${e.status === 'ok' ? '✔' : '!'} ${text} · ${e.status}\n`);
    else stream.write(`\r\x1b[2K… ${text}`);
  };
}

const LABEL = new Map(ARTIFACTS.map((a) => [a.id, a.label]));

/**
 * Per artifact: its rows, split by table where it stored some outside its own (a finding in a log
 * line is stored in suspiciouspods_CL). Then per table: the rows a reader of the bundle gets, and
 * which artifacts they came from. Both add up to the same total.
 */
export function summaryTable(manifest: Manifest, width?: number): string {
  const split = artifactRows(manifest, ARTIFACTS);
  const rows = split.map((a) => {
    const r = manifest.artifacts[a.artifact]!;
    const why = r.error ?? r.gaps[0]?.message ?? '';
    const more = r.gaps.length > 1 ? ` (+${r.gaps.length - 1} more gaps)` : '';
    const elsewhere = rowsElsewhere(a);
    return [LABEL.get(a.artifact)!, r.status, r.records.toLocaleString('en-US'), elsewhere ? `of which ${elsewhere}` : '', formatBytes(r.bytes), why ? safeText(why, 100) + more : ''];
  });
  const artifacts = renderTable(['Artifact', 'Status', 'Rows', 'Stored elsewhere', 'Fetched', 'Gaps'], rows, width);
  const azure = manifest.azure ? `\n\n${azureTable(manifest.azure, width)}` : '';
  return `${artifacts}${azure}\n\n${tablesTable(manifest, split, width)}`;
}

/** The Azure sources: on or off, read or not, their rows, where from, and what is missing with what to do. */
export function azureTable(c: AzureCoverage, width?: number): string {
  const rows = c.sources.map((s) => {
    const { status, detail } = coverageLine(s);
    const table = SOURCE_TABLES[s.source];
    return [s.label, status, table ? s.records.toLocaleString('en-US') : '', formatBytes(s.bytes), safeText(detail, 300)];
  });
  const head = c.cluster ? `AKS cluster ${safeText(c.cluster.resourceId, 300)} (matched by ${c.cluster.matchedBy}), read as ${safeText(c.identity, 200)}` : `AKS cluster not found, as ${safeText(c.identity, 200)}`;
  return `${head}\n${renderTable(['Azure source', 'Status', 'Rows', 'Fetched', 'Where / gaps'], rows, width)}`;
}

function tablesTable(manifest: Manifest, split: ReturnType<typeof artifactRows>, width?: number): string {
  const from = new Map<TableName, string[]>();
  for (const a of split) for (const t of a.tables) if (t.rows > 0) from.set(t.table, [...(from.get(t.table) ?? []), `${LABEL.get(a.artifact)} ${t.rows.toLocaleString('en-US')}`]);
  for (const src of manifest.azure?.sources ?? []) for (const [t, n] of Object.entries(src.tables ?? {}) as [TableName, number][]) if (n > 0) from.set(t, [...(from.get(t) ?? []), `${src.label} ${n.toLocaleString('en-US')}`]);
  const rows = (Object.entries(manifest.tables) as [TableName, { records: number }][]).map(([table, t]) => [table, t.records.toLocaleString('en-US'), (from.get(table) ?? []).join(', ')]);
  const total = (Object.values(manifest.tables) as { records: number }[]).reduce((n, t) => n + t.records, 0);
  return `${renderTable(['Table', 'Rows', 'From'], rows, width)}\n${total.toLocaleString('en-US')} rows in all: what the timeline, export and ingest read from this bundle.`;
}

export function jsonSummary(result: SnapshotResult): object {
  const m = result.manifest;
  return {
    bundle: result.bundleDir,
    snapshotId: m.snapshotId,
    status: m.status,
    context: m.cluster.context,
    server: m.cluster.server,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    artifacts: Object.fromEntries(
      Object.entries(m.artifacts).map(([id, r]) => [id, { status: r.status, records: r.records, tables: r.tables, bytes: r.bytes, gaps: r.gaps, error: r.error }]),
    ),
    tables: m.tables,
    ...(m.azure ? { azure: m.azure } : {}),
  };
}

export function exitCodeFor(m: Manifest): number {
  return m.status === 'complete' ? EXIT.ok : m.status === 'cancelled' ? EXIT.cancelled : m.status === 'failed' ? EXIT.failed : EXIT.partial;
}

/** Kernel file systems: nothing can be written there (and /proc can hang a write). */
const VIRTUAL_ROOTS = ['/proc', '/sys'];

/**
 * Refuses an --out that cannot hold a bundle before anything is asked of the cluster: a file or
 * device (/dev/null), a path under a file, /proc or /sys, a folder that cannot be written.
 */
export async function assertUsableOut(out: string): Promise<void> {
  const abs = resolve(out);
  let existing = abs;
  for (;;) {
    try {
      const st = await stat(existing);
      if (!st.isDirectory()) {
        const what = st.isFile() ? 'a file' : 'a device or special file';
        throw new UsageError(existing === abs ? `--out ${out} is ${what}, not a folder; give a folder the bundle can be created in.` : `--out ${out} cannot be created: ${existing} is ${what}, not a folder.`);
      }
      break;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const up = dirname(existing);
      if (up === existing) break;
      existing = up;
    }
  }
  const real = await realpath(existing).catch(() => existing);
  const root = VIRTUAL_ROOTS.find((r) => real === r || real.startsWith(`${r}/`));
  if (root) throw new UsageError(`--out ${out} is on ${root}, a kernel file system that cannot hold evidence; choose a folder on a disk.`);
  try {
    await access(existing, constants.W_OK);
  } catch {
    throw new UsageError(`--out ${out} cannot be created: ${existing} is not writable by this user.`);
  }
}

/** --azure, or an Azure flag, asks for the Azure sources; --no-azure refuses them; neither: only on an AKS API server. */
function azureRequest(flags: CollectFlags): AzureSourcesRequest | undefined {
  if (flags.azure === false) {
    if (flags.subscription || flags.aksResourceId) throw new UsageError('--no-azure cannot be combined with --subscription or --aks-resource-id.');
    return undefined;
  }
  const asked = flags.azure === true || !!flags.subscription || !!flags.aksResourceId;
  // Where the cluster is looked up without --subscription: the subscription the environment names (as the Azure SDKs read it).
  const subscriptionId = flags.subscription ?? (process.env.AZURE_SUBSCRIPTION_ID || undefined);
  return {
    when: asked ? 'always' : 'aks',
    connection: async () => (await import('../core/azure/credentials.js')).cliConnection({ subscriptionId }),
    subscriptionId,
    aksResourceId: flags.aksResourceId,
  };
}

type CollectIo = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream & { isTTY?: boolean } };

/** Runs a collection the way the CLI does; returns the exit code. Also used by the demo. */
export async function runCollect(flags: CollectFlags, io: CollectIo = cliStreams()): Promise<number> {
  await assertUsableOut(flags.out);
  const controller = new AbortController();
  let interrupts = 0;
  let sealed = false;
  const onSigint = () => {
    interrupts++;
    // Once sealed, a second Ctrl+C loses nothing: the bundle verifies, as a cancelled one does.
    if (interrupts > 1 && sealed) process.exit(EXIT.cancelled);
    if (interrupts > 1) {
      io.stderr.write('\nStopped at once: the bundle being written is not sealed (no manifest) and will not verify.\n');
      process.exit(EXIT.interrupted);
    }
    io.stderr.write('\nCancelling: sealing what was collected so far (press Ctrl+C again to quit at once)…\n');
    controller.abort(new Error('cancelled by the user'));
  };
  process.on('SIGINT', onSigint);
  try {
    let result: SnapshotResult;
    try {
      const { takeSnapshot } = await import('../core/snapshot.js');
      result = await takeSnapshot(
        {
          kubeconfig: flags.kubeconfig,
          context: flags.context,
          outDir: resolve(flags.out),
          azure: azureRequest(flags),
          options: {
            sinceSeconds: flags.since,
            artifacts: flags.artifacts,
            excludeNamespaces: flags.excludeNamespaces,
            concurrency: flags.concurrency,
            execEnabled: flags.exec,
          },
        },
        {
          signal: controller.signal,
          onProgress: flags.json ? undefined : progressPrinter(io.stderr as NodeJS.WriteStream),
          log: { info: () => undefined, warn: () => undefined, error: (m) => io.stderr.write(`error: ${safeText(m, 500)}\n`) },
        },
      );
      sealed = true;
    } catch (err) {
      // Cancelled while connecting: nothing was asked of the evidence yet, so there is no bundle.
      if (!controller.signal.aborted) throw err;
      io.stderr.write('Cancelled before the collection started: no bundle was written.\n');
      return EXIT.cancelled;
    }
    if (flags.json) io.stdout.write(terminalJson(jsonSummary(result), 2) + '\n');
    else {
      io.stdout.write(`\n${summaryTable(result.manifest)}\n\n`);
      io.stdout.write(`Snapshot ${result.manifest.status}: ${safeText(result.bundleDir, 1000)}\n`);
      io.stdout.write(`manifest.json SHA-256: ${await hashFile(join(result.bundleDir, MANIFEST_FILE))}\n`);
    }
    return exitCodeFor(result.manifest);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const COLLECT_EXIT_CODES = `
Exit codes:
  0    every artifact collected
  1    the collection failed (nothing usable was written)
  2    bad arguments, kubeconfig or credentials (nothing was collected)
  3    partial: some artifacts or scopes could not be collected (see the summary and manifest.json)
  4    cancelled (Ctrl+C): the bundle holds what was collected before and verifies; cancelled
       before the collection started, no bundle is written
  130  Ctrl+C twice: stopped at once; the bundle being written is not sealed and will not verify`;

const VERIFY_EXIT_CODES = `
Exit codes:
  0  intact
  1  tampered: a file, SHA256SUMS or the manifest does not match, or the manifest is broken (truncated, edited, a link)
  2  not a bundle: the path does not exist, is not a folder, or holds no KubeForenSys manifest`;

export function registerCollectCommands(program: Command): void {
  program
    .command('collect')
    .description('Collect a forensic snapshot of the current kubeconfig context into a new evidence bundle.')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, then ~/.kube/config, as kubectl)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('--out <dir>', 'folder the bundle is created in', 'evidence')
    .addOption(new Option('--since <duration>', 'log window, e.g. 90m, 24h, 7d').argParser(parseDuration).default(24 * 3600, formatDuration(24 * 3600)))
    .addOption(new Option('--artifacts <list>', `comma-separated subset of: ${ARTIFACT_IDS.join(', ')}`).argParser(parseArtifacts))
    .option('--exclude-namespaces <list>', 'comma-separated namespaces to skip (system namespaces are collected by default)', parseList)
    .option('--concurrency <n>', 'requests to the API server at once, at most, across all artifacts (default 32)', parsePositiveInt)
    .option('--no-exec', 'do not exec into containers (skips command history)')
    .option('--json', 'print one machine-readable summary on stdout instead of the table')
    .option('--azure', "also collect the AKS cluster's Azure-side evidence: control-plane audit, Activity Log, Defender alerts (default: when the server is *.azmk8s.io)")
    .option('--no-azure', 'do not read anything from Azure, even for an AKS cluster')
    .option('--subscription <id>', 'subscription to find the AKS cluster in by its API server host (implies --azure; default AZURE_SUBSCRIPTION_ID)')
    .option('--aks-resource-id <id>', 'the AKS cluster resource id, instead of finding it by host (implies --azure)')
    .addHelpText('after', COLLECT_EXIT_CODES)
    .action(async (flags: CollectFlags) => {
      process.exitCode = await runCollect(flags);
    });

  program
    .command('verify')
    .argument('<bundle>', 'evidence bundle folder')
    .option('--json', 'print the report as JSON')
    .option('--derived', 'also derive the tables again from the raw evidence and compare them byte for byte')
    .description('Recompute every SHA-256 in the bundle manifest and name each modified, missing or extra file.')
    .addHelpText('after', VERIFY_EXIT_CODES)
    .action(async (bundle: string, flags: { json?: boolean; derived?: boolean }) => {
      const report = await verifyBundle(resolve(bundle), { derived: flags.derived });
      writeVerifyReport(bundle, report, flags, cliStreams().stdout);
      process.exitCode = report.ok ? EXIT.ok : EXIT.failed;
    });
}

/** Every name in the report comes from the bundle's folder or manifest: written escaped. */
export function writeVerifyReport(bundle: string, report: VerifyReport, flags: { json?: boolean; derived?: boolean }, out: NodeJS.WritableStream): void {
  if (flags.json) {
    out.write(terminalJson(report, 2) + '\n');
    return;
  }
  if (report.ok) {
    const derived = flags.derived ? `; ${report.derivedChecked} tables derived again from raw/ are identical` : '';
    out.write(`OK: ${report.checked} files match their SHA-256 in ${safeText(bundle, 500)}${derived}\nmanifest.json SHA-256: ${report.manifestSha256}\n`);
    return;
  }
  out.write(`TAMPERED: ${safeText(bundle, 500)}: ${report.problems.length} problem(s)\n`);
  for (const p of report.problems) out.write(`  ${p.kind.padEnd(8)} ${safeText(p.path, 300)}: ${safeText(p.detail, 1000)}\n`);
  if (report.manifestSha256) out.write(`manifest.json SHA-256: ${report.manifestSha256}\n`);
}
