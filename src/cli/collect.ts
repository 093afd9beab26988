// `kubeforensys collect` and `kubeforensys verify`: the snapshot and its integrity check.
import { Command, InvalidArgumentError, Option } from 'commander';
import { join, resolve } from 'node:path';
import { ARTIFACTS, ARTIFACT_IDS, isArtifactId, type ArtifactId } from '../core/schema/artifacts.js';
import { takeSnapshot, type ProgressEvent, type SnapshotResult } from '../core/snapshot.js';
import { hashFile, verifyBundle } from '../core/evidence/verify.js';
import { MANIFEST_FILE } from '../core/evidence/manifest.js';
import type { Manifest } from '../core/evidence/manifest.js';
import { formatBytes, renderTable, safeText } from './format.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, cancelled: 4 } as const;

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

export function summaryTable(manifest: Manifest): string {
  const rows = ARTIFACTS.filter((a) => manifest.artifacts[a.id]).map((a) => {
    const r = manifest.artifacts[a.id]!;
    const why = r.error ?? r.gaps[0]?.message ?? '';
    const more = r.gaps.length > 1 ? ` (+${r.gaps.length - 1} more gaps)` : '';
    return [a.label, r.status, r.records.toLocaleString('en-US'), formatBytes(r.bytes), why ? safeText(why, 100) + more : ''];
  });
  return renderTable(['Artifact', 'Status', 'Records', 'Fetched', 'Gaps'], rows);
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
      Object.entries(m.artifacts).map(([id, r]) => [id, { status: r.status, records: r.records, bytes: r.bytes, gaps: r.gaps, error: r.error }]),
    ),
    tables: m.tables,
  };
}

export function exitCodeFor(m: Manifest): number {
  return m.status === 'complete' ? EXIT.ok : m.status === 'cancelled' ? EXIT.cancelled : m.status === 'failed' ? EXIT.failed : EXIT.partial;
}

/** Runs a collection the way the CLI does; returns the exit code. Also used by the demo. */
export async function runCollect(flags: CollectFlags, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.cancelled);
    io.stderr.write('\nCancelling: sealing what was collected so far (press Ctrl+C again to quit at once)…\n');
    controller.abort(new Error('cancelled by the user'));
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await takeSnapshot(
      {
        kubeconfig: flags.kubeconfig,
        context: flags.context,
        outDir: resolve(flags.out),
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
        onProgress: flags.json ? undefined : progressPrinter(io.stderr),
        log: { info: () => undefined, warn: () => undefined, error: (m) => io.stderr.write(`error: ${safeText(m, 500)}\n`) },
      },
    );
    if (flags.json) io.stdout.write(JSON.stringify(jsonSummary(result), null, 2) + '\n');
    else {
      io.stdout.write(`\n${summaryTable(result.manifest)}\n\n`);
      io.stdout.write(`Snapshot ${result.manifest.status}: ${result.bundleDir}\n`);
      io.stdout.write(`manifest.json SHA-256: ${await hashFile(join(result.bundleDir, MANIFEST_FILE))}\n`);
    }
    return exitCodeFor(result.manifest);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function registerCollectCommands(program: Command): void {
  program
    .command('collect')
    .description('Collect a forensic snapshot of the current kubeconfig context into a new evidence bundle.')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, then ~/.kube/config, as kubectl)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('--out <dir>', 'folder the bundle is created in', 'evidence')
    .option('--since <duration>', 'log window, e.g. 90m, 24h, 7d', parseDuration, 24 * 3600)
    .addOption(new Option('--artifacts <list>', `comma-separated subset of: ${ARTIFACT_IDS.join(', ')}`).argParser(parseArtifacts))
    .option('--exclude-namespaces <list>', 'comma-separated namespaces to skip (system namespaces are collected by default)', parseList)
    .option('--concurrency <n>', 'containers collected in parallel (default 16)', parsePositiveInt)
    .option('--no-exec', 'do not exec into containers (skips command history)')
    .option('--json', 'print one machine-readable summary on stdout instead of the table')
    .addHelpText(
      'after',
      `\nExit codes:\n  0  every artifact collected\n  1  the collection failed (nothing usable was written)\n  2  bad arguments or kubeconfig\n  3  partial: some artifacts or scopes could not be collected (see the summary and manifest.json)\n  4  cancelled: the bundle holds what was collected before Ctrl+C and verifies`,
    )
    .action(async (flags: CollectFlags) => {
      process.exitCode = await runCollect(flags, { stdout: process.stdout, stderr: process.stderr });
    });

  program
    .command('verify')
    .argument('<bundle>', 'evidence bundle folder')
    .option('--json', 'print the report as JSON')
    .option('--derived', 'also derive the tables again from the raw evidence and compare them byte for byte')
    .description('Recompute every SHA-256 in the bundle manifest and name each modified, missing or extra file.')
    .addHelpText('after', '\nExit codes:\n  0  intact\n  1  tampered: at least one file or the manifest does not match\n  2  not a bundle or unreadable')
    .action(async (bundle: string, flags: { json?: boolean; derived?: boolean }) => {
      const report = await verifyBundle(resolve(bundle), { derived: flags.derived });
      if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else if (report.ok) {
        const derived = flags.derived ? `; ${report.derivedChecked} tables derived again from raw/ are identical` : '';
        process.stdout.write(`OK: ${report.checked} files match their SHA-256 in ${safeText(bundle, 500)}${derived}\nmanifest.json SHA-256: ${report.manifestSha256}\n`);
      } else {
        process.stdout.write(`TAMPERED: ${bundle}\n`);
        for (const p of report.problems) process.stdout.write(`  ${p.kind.padEnd(8)} ${p.path}: ${p.detail}\n`);
      }
      process.exitCode = report.ok ? 0 : 1;
    });
}
