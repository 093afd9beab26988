// `npm run bench:collect`: an emulated cluster of 1,000 pods × 2 containers × 1,000 log lines,
// collected by the bundled CLI in a separate process (so only the collector's memory is measured), printing wall
// time, records per second and the collector's peak RSS. Target: peak RSS under 300 MB.
// Sizes can be changed: bench:collect -- --pods 200 --containers 2 --lines 500
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { verifyBundle } from '../src/core/evidence/verify.js';
import { readManifest } from '../src/core/evidence/reader.js';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateLargeScenario, startKubeEmulator } from '../test/emulators/kube/index.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '1000' },
    containers: { type: 'string', default: '2' },
    lines: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
    artifacts: { type: 'string', default: '' },
  },
});

const pods = Number(values.pods);
const containersPerPod = Number(values.containers);
const linesPerContainer = Number(values.lines);
const work = await mkdtemp(join(tmpdir(), 'kfs-bench-collect-'));
const emulator = await startKubeEmulator({ scenario: generateLargeScenario({ pods, containersPerPod, linesPerContainer }) });
const kubeconfig = join(work, 'kubeconfig.yaml');
await emulator.writeKubeconfig(kubeconfig);

// The product as users run it: the bundled CLI, in its own process, with its peak RSS recorded at exit.
const rssFile = join(work, 'rss.json');
const args = ['--import', './bench/rss-at-exit.mjs', 'dist/cli.mjs', 'collect', '--kubeconfig', kubeconfig, '--out', join(work, 'out'), '--json', '--concurrency', String(values.concurrency)];
if (values.artifacts) args.push('--artifacts', values.artifacts);
const started = performance.now();
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KFS_RSS_OUT: rssFile } });
let out = '';
child.stdout.on('data', (d) => (out += d));
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
const wallMs = performance.now() - started;
await emulator.close();
if (code !== 0 && code !== 3) {
  console.error(`collector process exited ${code}`);
  process.exit(1);
}
const summary = JSON.parse(out) as { bundle: string; status: string; artifacts: Record<string, { records: number }> };
const records = Object.values(summary.artifacts).reduce((n, a) => n + a.records, 0);
const verified = (await verifyBundle(summary.bundle)).ok;
const bytes = (await readManifest(summary.bundle)).files.reduce((n, f) => n + f.size, 0);
const { maxRssMb } = JSON.parse(await readFile(rssFile, 'utf8')) as { maxRssMb: number };
const r = { wallMs, records, bytes, maxRssMb, status: summary.status, verified };
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`cluster: ${pods} pods × ${containersPerPod} containers × ${linesPerContainer} log lines (concurrency ${values.concurrency}, artifacts: ${values.artifacts || 'all'})`);
console.log(`status: ${r.status}, bundle verified: ${r.verified}`);
console.log(`wall time: ${(r.wallMs / 1000).toFixed(1)} s`);
console.log(`records: ${r.records.toLocaleString('en-US')} (${Math.round(r.records / (r.wallMs / 1000)).toLocaleString('en-US')} records/s)`);
console.log(`bundle size: ${(r.bytes / 2 ** 20).toFixed(1)} MB`);
console.log(`collector peak RSS: ${r.maxRssMb.toFixed(0)} MB (target < 300 MB)`);
if (!values.keep) await rm(work, { recursive: true, force: true });
