// `npm run bench:collect`: an emulated cluster of 1,000 pods × 2 containers × 1,000 log lines,
// collected by a separate process (so only the collector's memory is measured), printing wall
// time, records per second and the collector's peak RSS. Target: peak RSS under 300 MB.
// Sizes can be changed: bench:collect -- --pods 200 --containers 2 --lines 500
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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
  },
});

const pods = Number(values.pods);
const containersPerPod = Number(values.containers);
const linesPerContainer = Number(values.lines);
const work = await mkdtemp(join(tmpdir(), 'kfs-bench-collect-'));
const emulator = await startKubeEmulator({ scenario: generateLargeScenario({ pods, containersPerPod, linesPerContainer }) });
const kubeconfig = join(work, 'kubeconfig.yaml');
await emulator.writeKubeconfig(kubeconfig);

const child = spawn(process.execPath, ['--import', 'tsx', 'bench/collect-child.ts', kubeconfig, join(work, 'out'), String(values.concurrency)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout.on('data', (d) => (out += d));
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
await emulator.close();
if (code !== 0) {
  console.error(`collector process exited ${code}`);
  process.exit(1);
}
const r = JSON.parse(out.trim().split('\n').at(-1)!) as { wallMs: number; records: number; bytes: number; maxRssMb: number; status: string; verified: boolean };
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`cluster: ${pods} pods × ${containersPerPod} containers × ${linesPerContainer} log lines (concurrency ${values.concurrency})`);
console.log(`status: ${r.status}, bundle verified: ${r.verified}`);
console.log(`wall time: ${(r.wallMs / 1000).toFixed(1)} s`);
console.log(`records: ${r.records.toLocaleString('en-US')} (${Math.round(r.records / (r.wallMs / 1000)).toLocaleString('en-US')} records/s)`);
console.log(`bundle size: ${(r.bytes / 2 ** 20).toFixed(1)} MB`);
console.log(`collector peak RSS: ${r.maxRssMb.toFixed(0)} MB (target < 300 MB)`);
if (!values.keep) await rm(work, { recursive: true, force: true });
