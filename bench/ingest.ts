// `npm run bench:ingest`: writes a bundle of 1,000,000 container log records with the
// BundleWriter, then ingests it into the Azure emulator from a separate process (so only the
// ingesting process's memory is measured) and prints rows/s, MB/s, peak RSS, request count and
// mean request size. Sizes: bench:ingest -- --rows 200000 --concurrency 4
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BundleWriter, newSnapshotId } from '../test/support/v1BundleWriter.js';
import { containerLogs } from '../src/core/schema/tables.js';
import { normalizeTime } from '../src/core/schema/time.js';
import { startAzureEmulator } from '../test/emulators/azure/server.js';
import { TEST_ENDPOINTS_ENV } from '../src/core/azure/testEndpoints.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, concurrency: { type: 'string', default: '4' }, keep: { type: 'boolean', default: false } } });
const rows = Number(values.rows);
const work = await mkdtemp(join(tmpdir(), 'kfs-bench-ingest-'));

const writeStart = performance.now();
const w = await BundleWriter.create(work, {
  snapshotId: newSnapshotId(new Date()),
  cluster: { context: 'bench', cluster: 'bench', server: 'https://127.0.0.1', user: 'bench', identity: null },
  startedAt: new Date().toISOString(),
  options: { artifacts: ['containerLogs'], sinceSeconds: 86400, excludeNamespaces: [], concurrency: 8, execEnabled: false },
  toolVersion: 'bench',
});
const t0 = Date.parse('2026-03-01T00:00:00Z');
for (let i = 0; i < rows; i++) {
  const pod = `web-${i % 1000}`;
  await w.write(containerLogs.name, {
    EventTime: normalizeTime(new Date(t0 + i * 37)),
    EventType: 'LogLine',
    Namespace: `ns-${i % 20}`,
    PodName: pod,
    ContainerName: 'app',
    Summary: `10.0.${i % 255}.${i % 250} - - "GET /api/v1/items/${i} HTTP/1.1" 200 ${i % 5000}`,
    Severity: '',
    TechniqueId: '',
    Message: `10.0.${i % 255}.${i % 250} - - "GET /api/v1/items/${i} HTTP/1.1" 200 ${i % 5000} "-" "curl/8.5.0"`,
    Previous: false,
    ContainerKind: 'container',
    Image: 'registry.example/web:1.2.3',
    NodeName: `aks-nodepool1-${i % 3}`,
    LineNumber: i + 1,
    TimestampParsed: true,
    NonUtf8: false,
  });
}
await w.seal({ status: 'complete', endedAt: new Date().toISOString(), artifacts: {} });
const writeSeconds = (performance.now() - writeStart) / 1000;

const emu = await startAzureEmulator({ discardRows: true });
const endpoints = join(work, 'endpoints.json');
await emu.writeEndpointsFile(endpoints);
const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ingest-child.ts', w.dir, String(values.concurrency)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, [TEST_ENDPOINTS_ENV]: endpoints },
});
let out = '';
child.stdout.on('data', (d) => (out += d));
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
const stats = { ...emu.stats };
await emu.close();
if (!values.keep) await rm(work, { recursive: true, force: true });
if (code !== 0) {
  console.error(`ingest process exited ${code}`);
  process.exit(1);
}
const r = JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; requests: number; bytes: number; maxRssKb: number };
const mb = r.bytes / 1e6;
console.log(`bench:ingest — ${rows.toLocaleString('en-US')} log records, concurrency ${values.concurrency}, ${cpus().length} CPUs, Node ${process.version}`);
console.log(`  bundle written in            ${writeSeconds.toFixed(1)} s`);
console.log(`  ingested in                  ${r.seconds.toFixed(1)} s`);
console.log(`  rows/s                       ${Math.round(rows / r.seconds).toLocaleString('en-US')}`);
console.log(`  MB/s (JSON, before gzip)     ${(mb / r.seconds).toFixed(1)}`);
console.log(`  requests                     ${r.requests.toLocaleString('en-US')} (emulator saw ${stats.ingestRequests.toLocaleString('en-US')}, ${stats.ingestRows.toLocaleString('en-US')} rows)`);
console.log(`  mean request, JSON / gzipped ${(r.bytes / r.requests / 1024).toFixed(0)} KB / ${(stats.ingestBytes / stats.ingestRequests / 1024).toFixed(0)} KB`);
console.log(`  peak RSS of the ingester     ${(r.maxRssKb / 1024).toFixed(0)} MB`);
if (stats.ingestRows !== rows) {
  console.error(`the emulator received ${stats.ingestRows} rows, expected ${rows}`);
  process.exit(1);
}
