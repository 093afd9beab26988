// The measured side of bench:collect: one snapshot in a fresh process, reporting its own peak RSS.
import { takeSnapshot } from '../src/core/snapshot.js';
import { verifyBundle } from '../src/core/evidence/verify.js';

const [kubeconfig, outDir, concurrency] = process.argv.slice(2) as [string, string, string];
const started = performance.now();
const result = await takeSnapshot(
  { kubeconfig, outDir, options: { concurrency: Number(concurrency), artifacts: ['events', 'podInventory', 'containerLogs'] } },
  { signal: new AbortController().signal },
);
const wallMs = performance.now() - started;
const maxRssMb = process.resourceUsage().maxRSS / 1024;
const records = Object.values(result.manifest.artifacts).reduce((n, a) => n + a.records, 0);
const bytes = result.manifest.files.reduce((n, f) => n + f.size, 0);
const verified = (await verifyBundle(result.bundleDir)).ok;
console.log(JSON.stringify({ wallMs, records, bytes, maxRssMb, status: result.manifest.status, verified }));
