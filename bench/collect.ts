// `npm run bench:collect`: one emulated cluster (default 1,000 pods × 2 containers × 1,000 log lines,
// Kubernetes API emulator over HTTPS in this process) and, against that same emulator instance:
//   1. the serving limit: every container log fetched straight with node:https (bench/servingLimit.ts,
//      in its own process), 32 requests in flight, counting bytes only; and the same at concurrency 1;
//   2. the collector: the bundled CLI (`dist/cli.mjs collect --json`) in its own process, with its peak
//      RSS recorded at exit (bench/rss-at-exit.mjs); the bundle verified by `dist/cli.mjs verify`;
//   3. with --latency-ms N (off by default; `npm run bench:collect:latency`): N ms added to every request
//      by the emulator, then the collector at its default concurrency and again at --concurrency 1.
// It ends with one PASS/FAIL line per target. MB = 10^6 bytes; peak RSS is maxRSS / 1024 (as before).
// Sizes can be changed: bench:collect -- --pods 200 --containers 2 --lines 500 [--artifacts containerLogs]
// [--concurrency 8] [--latency-ms 25] [--keep] [--cpu-prof DIR]. The exit code is 1 only when a figure could not be
// measured (a process failed); a missed target is reported, not an error.
import { spawn } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateLargeScenario, startKubeEmulator, type KubeEmulator } from '../test/emulators/kube/index.js';
import type { ServingReport } from './servingLimit.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = 'dist/cli.mjs';
const SERVING_CONCURRENCY = 32;
const TARGETS = { percentOfServing: 50, bundleRatio: 1.5, peakRssMb: 300, latencySpeedup: 8 };

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '1000' },
    containers: { type: 'string', default: '2' },
    lines: { type: 'string', default: '1000' },
    /** Passed to the collector when set; empty: the CLI's own default. */
    concurrency: { type: 'string', default: '' },
    'latency-ms': { type: 'string', default: '0' },
    keep: { type: 'boolean', default: false },
    artifacts: { type: 'string', default: '' },
    /** Write a V8 CPU profile of the collector process into this folder (open it in Chrome DevTools). */
    'cpu-prof': { type: 'string', default: '' },
  },
});

function whole(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} ${v}: a whole number ≥ ${min}`);
    process.exit(2);
  }
  return n;
}
const pods = whole('pods', values.pods, 1);
const containersPerPod = whole('containers', values.containers, 1);
const linesPerContainer = whole('lines', values.lines, 0);
const latencyMs = whole('latency-ms', values['latency-ms'], 0);
if (values.concurrency) whole('concurrency', values.concurrency, 1);

const mb = (bytes: number) => bytes / 1e6;
const mbText = (bytes: number) => `${mb(bytes).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

// --- processes -------------------------------------------------------------------------------

interface Ran {
  code: number;
  stdout: string;
  wallMs: number;
}

function run(args: string[], opts: { env?: NodeJS.ProcessEnv; stderr?: 'inherit' | 'pipe' } = {}): Promise<Ran> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', opts.stderr ?? 'inherit'], env: { ...process.env, ...opts.env } });
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  return new Promise((resolve) => {
    child.on('error', (e) => resolve({ code: 127, stdout: String(e), wallMs: performance.now() - started }));
    child.on('close', (c, signal) => resolve({ code: c ?? (signal ? 128 : 1), stdout, wallMs: performance.now() - started }));
  });
}

/** The last JSON object in a process's stdout (the CLI may print something before it). */
function lastJson(text: string): Record<string, unknown> | undefined {
  const t = text.trim();
  for (let start = t.lastIndexOf('\n{'); ; start = t.lastIndexOf('\n{', start - 1)) {
    const from = start < 0 ? t.indexOf('{') : start + 1;
    if (from < 0) return undefined;
    try {
      const v: unknown = JSON.parse(t.slice(from));
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // not this one: try the previous candidate
    }
    if (start < 0) return undefined;
  }
}

/** Total records from the summary, whatever the artifacts' shape: a map or a list of objects with a count. */
function recordsOf(summary: Record<string, unknown>): number | undefined {
  const pick = (o: unknown): number | undefined => {
    if (!o || typeof o !== 'object') return undefined;
    const r = o as Record<string, unknown>;
    for (const k of ['records', 'recordCount', 'rows']) if (typeof r[k] === 'number' && Number.isFinite(r[k])) return r[k];
    return undefined;
  };
  const top = pick(summary);
  if (top !== undefined) return top;
  const a = summary.artifacts;
  const list = Array.isArray(a) ? a : a && typeof a === 'object' ? Object.values(a) : [];
  let total = 0;
  let found = false;
  for (const x of list) {
    const n = pick(x);
    if (n !== undefined) {
      total += n;
      found = true;
    }
  }
  return found ? total : undefined;
}

/** Bytes and files on disk under the bundle (a folder walked recursively, or a single file). */
async function diskUsage(path: string): Promise<{ bytes: number; files: number }> {
  const st = await lstat(path);
  if (st.isFile()) return { bytes: st.size, files: 1 };
  if (!st.isDirectory()) return { bytes: 0, files: 0 };
  let bytes = 0;
  let files = 0;
  for (const e of await readdir(path, { withFileTypes: true })) {
    const u = await diskUsage(join(path, e.name));
    bytes += u.bytes;
    files += u.files;
  }
  return { bytes, files };
}

interface Collected {
  label: string;
  code: number;
  wallMs: number;
  requests?: number;
  status?: string;
  bundle?: string;
  records?: number;
  snapshotMs?: number;
  peakRssMb?: number;
  ok: boolean;
}

/** One `dist/cli.mjs collect --json` in its own process, timed from spawn to exit. */
async function collect(emulator: KubeEmulator, kubeconfig: string, outDir: string, label: string, concurrency: string): Promise<Collected> {
  const rssFile = join(outDir, 'rss.json');
  const profile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'])] : [];
  const args = [...profile, '--import', './bench/rss-at-exit.mjs', CLI, 'collect', '--kubeconfig', kubeconfig, '--out', join(outDir, 'out'), '--json'];
  if (concurrency) args.push('--concurrency', concurrency);
  if (values.artifacts) args.push('--artifacts', values.artifacts);
  const before = emulator.requestLog?.length;
  const r = await run(args, { env: { KFS_RSS_OUT: rssFile } });
  const after = emulator.requestLog?.length;
  const c: Collected = { label, code: r.code, wallMs: r.wallMs, ok: false };
  if (before !== undefined && after !== undefined) c.requests = after - before;
  const summary = lastJson(r.stdout);
  if (summary) {
    if (typeof summary.status === 'string') c.status = summary.status;
    if (typeof summary.bundle === 'string') c.bundle = resolve(ROOT, summary.bundle);
    c.records = recordsOf(summary);
    const t0 = typeof summary.startedAt === 'string' ? Date.parse(summary.startedAt) : NaN;
    const t1 = typeof summary.endedAt === 'string' ? Date.parse(summary.endedAt) : NaN;
    if (Number.isFinite(t0) && Number.isFinite(t1) && t1 >= t0) c.snapshotMs = t1 - t0;
  }
  try {
    const rss = JSON.parse(await readFile(rssFile, 'utf8')) as { maxRssMb?: unknown };
    if (typeof rss.maxRssMb === 'number') c.peakRssMb = rss.maxRssMb;
  } catch {
    // the process died before its exit hook ran
  }
  // 0 complete, 3 partial (some gaps), 4 cancelled: a bundle was sealed. Anything else failed.
  c.ok = (r.code === 0 || r.code === 3) && c.bundle !== undefined;
  if (!c.ok) console.error(`${label}: collector exited ${r.code}${c.bundle ? '' : ', no bundle in its --json output'}${summary ? '' : `; stdout: ${r.stdout.slice(0, 500)}`}`);
  return c;
}

async function verify(bundle: string): Promise<{ ok: boolean; code: number; text: string }> {
  const r = await run([CLI, 'verify', bundle], { stderr: 'pipe' });
  return { ok: r.code === 0, code: r.code, text: r.stdout.trim().split('\n')[0] ?? '' };
}

/** Latency per request in the emulator; returns the function that removes it. */
function injectLatency(emulator: KubeEmulator, ms: number): () => void {
  // The `delay` fault delays every request whose path matches (none given: all) by `ms`.
  return emulator.faults.add({ type: 'delay', ms });
}

// --- the run ---------------------------------------------------------------------------------

const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(
  `cluster: ${int(pods)} pods × ${containersPerPod} containers × ${int(linesPerContainer)} log lines ` +
    `(collector concurrency: ${values.concurrency || 'default'}, artifacts: ${values.artifacts || 'all'}${latencyMs ? `, latency mode ${latencyMs} ms` : ''})`,
);

const work = await mkdtemp(join(tmpdir(), 'kfs-bench-collect-'));
const emulator = await startKubeEmulator({ scenario: generateLargeScenario({ pods, containersPerPod, linesPerContainer }) });
const kubeconfig = join(work, 'kubeconfig.yaml');
await emulator.writeKubeconfig(kubeconfig);
let failed = false;
const results: { name: string; pass: boolean | undefined; figure: string }[] = [];

try {
  // 1. The serving limit.
  const sr = await run(['--import', 'tsx', 'bench/servingLimit.ts', '--kubeconfig', kubeconfig, '--concurrency', `${SERVING_CONCURRENCY},1`]);
  const serving = lastJson(sr.stdout) as ServingReport | undefined;
  const fast = serving?.runs.find((x) => x.concurrency === SERVING_CONCURRENCY);
  const slow = serving?.runs.find((x) => x.concurrency === 1);
  if (sr.code !== 0 || !serving || !fast || !slow) {
    throw new Error(`serving-limit process exited ${sr.code}: ${sr.stdout.slice(0, 500)}`);
  }
  const served = fast.bytes;
  const errs = (x: typeof fast) => (x.failed ? `, ${x.failed} not 200: ${JSON.stringify(x.statuses)}` : '');
  console.log(
    `serving limit (node:https, ${SERVING_CONCURRENCY} in flight): ${sec(fast.wallMs)}, ${mbText(served)} at ${(mb(served) / (fast.wallMs / 1000)).toFixed(1)} MB/s, ` +
      `${int(serving.requests)} requests (${int(serving.current)} current, ${int(serving.previous)} previous)${errs(fast)}`,
  );
  console.log(`serving at concurrency 1: ${sec(slow.wallMs)} (${(slow.wallMs / fast.wallMs).toFixed(1)}× the ${SERVING_CONCURRENCY}-in-flight time)${errs(slow)}`);
  if (slow.bytes !== served) console.log(`  note: concurrency 1 received ${int(slow.bytes)} bytes, ${SERVING_CONCURRENCY} in flight ${int(served)}`);

  // 2. The collector.
  const c = await collect(emulator, kubeconfig, join(work, 'run'), 'collector', values.concurrency);
  const pct = (fast.wallMs / c.wallMs) * 100;
  const parts = [
    `${sec(c.wallMs)} wall${c.snapshotMs !== undefined ? ` (snapshot ${sec(c.snapshotMs)})` : ''}`,
    `${pct.toFixed(0)}% of the serving rate`,
    c.records !== undefined ? `${int(c.records)} records (${int(c.records / (c.wallMs / 1000))} records/s)` : 'records: n/a',
    `${(mb(served) / (c.wallMs / 1000)).toFixed(1)} MB/s of served bytes`,
    `peak RSS ${c.peakRssMb !== undefined ? `${c.peakRssMb.toFixed(0)} MB` : 'n/a'}`,
    c.requests !== undefined ? `${int(c.requests)} requests` : '',
  ].filter(Boolean);
  console.log(`collector (${CLI} collect): ${parts.join(', ')}`);
  let ratio: number | undefined;
  if (c.bundle) {
    const disk = await diskUsage(c.bundle);
    ratio = disk.bytes / served;
    const v = await verify(c.bundle);
    console.log(`  status ${c.status ?? 'n/a'} (exit ${c.code}), bundle ${v.ok ? 'verified' : `NOT verified (verify exit ${v.code}: ${v.text.slice(0, 200)})`}`);
    console.log(`  bundle: ${mbText(disk.bytes)} in ${int(disk.files)} files, ${ratio.toFixed(2)}× served bytes${values.keep ? ` — ${c.bundle}` : ''}`);
    if (!v.ok) failed = true;
  } else failed = true;
  if (!c.ok) failed = true;
  results.push({ name: `collection ≥ ${TARGETS.percentOfServing}% of the raw-fetch rate`, pass: c.ok ? pct >= TARGETS.percentOfServing : false, figure: `${pct.toFixed(0)}%` });
  results.push({ name: `bundle ≤ ${TARGETS.bundleRatio}× served bytes`, pass: ratio === undefined ? false : ratio <= TARGETS.bundleRatio, figure: ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×` });
  results.push({
    name: `peak RSS ≤ ${TARGETS.peakRssMb} MB`,
    pass: c.peakRssMb === undefined ? false : c.peakRssMb <= TARGETS.peakRssMb,
    figure: c.peakRssMb === undefined ? 'n/a' : `${c.peakRssMb.toFixed(0)} MB`,
  });
  if (!values.keep) await rm(join(work, 'run'), { recursive: true, force: true });

  // 3. Latency mode.
  const latencyTarget = `latency ${latencyMs || 'N'} ms: ≥ ${TARGETS.latencySpeedup}× faster than at concurrency 1`;
  if (latencyMs > 0) {
    const remove = injectLatency(emulator, latencyMs);
    try {
      const d = await collect(emulator, kubeconfig, join(work, 'latency-default'), 'latency, default concurrency', '');
      if (!values.keep) await rm(join(work, 'latency-default'), { recursive: true, force: true });
      const one = await collect(emulator, kubeconfig, join(work, 'latency-1'), 'latency, concurrency 1', '1');
      if (!values.keep) await rm(join(work, 'latency-1'), { recursive: true, force: true });
      const speedup = one.wallMs / d.wallMs;
      const reqs = (x: Collected) =>
        x.requests !== undefined ? `, ${int(x.requests)} requests = ${sec(x.requests * latencyMs)} of latency in sequence` : '';
      console.log(
        `latency ${latencyMs} ms per request: default concurrency ${sec(d.wallMs)} (${d.status ?? `exit ${d.code}`}${reqs(d)}), ` +
          `concurrency 1 ${sec(one.wallMs)} (${one.status ?? `exit ${one.code}`}${reqs(one)}): ${speedup.toFixed(1)}× faster`,
      );
      if (!d.ok || !one.ok) failed = true;
      results.push({ name: latencyTarget, pass: d.ok && one.ok ? speedup >= TARGETS.latencySpeedup : false, figure: `${speedup.toFixed(1)}×` });
    } finally {
      remove();
    }
  } else {
    results.push({ name: latencyTarget, pass: undefined, figure: 'not run (--latency-ms N, or npm run bench:collect:latency)' });
  }
} catch (e) {
  failed = true;
  console.error(e instanceof Error ? e.message : String(e));
} finally {
  await emulator.close();
  if (!values.keep) await rm(work, { recursive: true, force: true });
  else console.log(`kept: ${work}`);
}

console.log('targets:');
for (const r of results) console.log(`  ${r.pass === undefined ? 'SKIP' : r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${r.figure}`);
// Exit on our own even if a keep-alive socket or timer outlived the emulator.
process.exit(failed ? 1 : 0);
