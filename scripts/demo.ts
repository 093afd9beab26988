// `npm run demo`: the whole job on the built-in demo cluster, with no cluster or Azure needed.
// Starts the Kubernetes API emulator on the demo scenario (a compromised AKS cluster) and the Azure
// emulator on its Azure trail (control-plane audit, Activity Log, Defender alerts), collects a
// snapshot through the real clients exactly as `kubeforensys collect --azure` does, verifies the
// bundle, and prints the summary (with the Azure sources and their records), the bundle's path
// and what to try next.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startKubeEmulator } from '../test/emulators/kube/index.js';
import { startAzureEmulator, demoAksTrail } from '../test/emulators/azure/index.js';
import { TEST_ENDPOINTS_ENV } from '../src/core/azure/credentials.js';
import { SOURCE_TABLES } from '../src/core/azure/sources/coverage.js';
import { runCollect } from '../src/cli/collect.js';
import { verifyBundle } from '../src/core/evidence/verify.js';
import { openBundle } from '../src/core/evidence/reader.js';
import { readdir, stat } from 'node:fs/promises';

const scenario = resolve('test/emulators/kube/scenarios/demo.yaml');
const outDir = resolve(process.env.KUBEFORENSYS_DEMO_OUT ?? 'evidence');

async function newestBundle(parent: string): Promise<string> {
  const entries = await Promise.all(
    (await readdir(parent)).map(async (name) => ({ name, mtime: (await stat(join(parent, name))).mtimeMs })),
  );
  entries.sort((a, b) => b.mtime - a.mtime);
  return join(parent, entries[0]!.name);
}

async function main(): Promise<number> {
  const work = await mkdtemp(join(tmpdir(), 'kubeforensys-demo-'));
  const emulator = await startKubeEmulator({ scenario });
  const azure = await startAzureEmulator({ aks: demoAksTrail({ kubeServerUrl: emulator.url }) });
  try {
    const kubeconfig = join(work, 'kubeconfig.yaml');
    await emulator.writeKubeconfig(kubeconfig);
    // The CLI's Azure sign-in goes to the emulator only through this variable (tests and the demo).
    const endpoints = join(work, 'azure-endpoints.json');
    await azure.writeEndpointsFile(endpoints);
    process.env[TEST_ENDPOINTS_ENV] = endpoints;
    process.stdout.write(`Demo cluster (Kubernetes API emulator) listening on ${emulator.url}\n`);
    process.stdout.write(`Its Azure side (Azure emulator: AKS resource, audit workspace, Activity Log, Defender) on ${azure.url}\n`);
    process.stdout.write(`Collecting a forensic snapshot into ${outDir} …\n`);
    const code = await runCollect(
      { kubeconfig, out: outDir, since: 24 * 3600, exec: true, azure: true },
      { stdout: process.stdout, stderr: process.stderr },
    );
    const bundleDir = await newestBundle(outDir);
    const report = await verifyBundle(bundleDir);
    const bundle = await openBundle(bundleDir);
    const empty = Object.keys(bundle.manifest.tables).length;
    process.stdout.write(
      report.ok
        ? `Verified: ${report.checked} files match their SHA-256 (${empty} tables written).\n`
        : `VERIFY FAILED: ${report.problems.map((p) => `${p.kind} ${p.path}`).join(', ')}\n`,
    );
    for (const s of bundle.manifest.azure?.sources ?? []) {
      const table = SOURCE_TABLES[s.source];
      if (table) process.stdout.write(`Azure source ${s.label}: ${s.records} records in ${table}\n`);
    }
    process.stdout.write(`\nBundle: ${bundleDir}\n`);
    process.stdout.write(`Next: node dist/cli.mjs verify "${bundleDir}"   ·   node dist/cli.mjs timeline "${bundleDir}"\n`);
    // Partial is the expected outcome here: the demo cluster has distroless containers whose
    // history cannot be read, and the summary reports them. Only a failed or unverifiable run fails.
    return report.ok && code !== 1 ? 0 : 1;
  } finally {
    await emulator.close();
    await azure.close();
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
