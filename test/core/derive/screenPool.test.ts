// The seal screens log streams on worker threads beside the main thread: wherever a stream was
// screened, the findings (their order, citations, per-container cap) and the log row count are
// the ones a single-threaded derivation gives, also when a worker dies or cannot start.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.js';
import { connectCluster } from '../../../src/core/cluster/connect.js';
import { COLLECTORS } from '../../../src/core/collectors/index.js';
import { deriveMaterialized, type Derived } from '../../../src/core/derive/index.js';
import { containerLogs } from '../../../src/core/schema/tables.js';
import { collectAndDerive, type DerivedRun } from '../../support/derived.js';

const DEMO = new URL('../../emulators/kube/scenarios/demo.yaml', import.meta.url).pathname;
let emu: KubeEmulator;
let run: DerivedRun;
let workerCode: string;

before(async () => {
  emu = await startKubeEmulator({ scenario: DEMO });
  const kubeconfig = join(await mkdtemp(join(tmpdir(), 'kfs-screen-')), 'kubeconfig.yaml');
  await emu.writeKubeconfig(kubeconfig);
  const { api } = await connectCluster({ kubeconfig, signal: new AbortController().signal });
  run = await collectAndDerive(api, ['podInventory', 'containerLogs'], { sinceSeconds: 0 });
  // The worker exactly as scripts/build.mjs bundles it into the extension and the CLI.
  const built = await esbuild.build({ bundle: true, write: false, entryPoints: ['src/core/derive/screenWorker.ts'], platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  workerCode = built.outputFiles[0]!.text;
});

after(async () => {
  await emu?.close();
});

async function derive(screen: Parameters<typeof deriveMaterialized>[3]): Promise<Derived[]> {
  const out: Derived[] = [];
  for await (const d of deriveMaterialized(run.input, COLLECTORS, undefined, screen)) out.push(d);
  return out;
}

test('findings and log row counts are the same whether streams are screened on workers or on the main thread', async () => {
  const alone = await derive({ workers: 0 });
  const findings = alone.filter((d) => d.kind === 'row' && d.artifact === 'containerLogs');
  assert.ok(findings.length >= 5, `the demo's logs hold content findings (${findings.length})`);
  const count = alone.find((d) => d.kind === 'count');
  // The manifest's count is the number of rows the log table derives into.
  assert.equal(count?.kind === 'count' ? count.rows : -1, run.rows.get(containerLogs.name)!.length);
  for (const workers of [1, 3]) assert.deepEqual(await derive({ workers, workerCode }), alone, `${workers} worker(s)`);
});

test('a worker that dies at once, or code that cannot run, leaves its streams to the main thread', async () => {
  const alone = await derive({ workers: 0 });
  assert.deepEqual(await derive({ workers: 2, workerCode: 'process.exit(3)' }), alone);
  assert.deepEqual(await derive({ workers: 1, workerCode: 'throw new Error("broken worker")' }), alone);
  // A worker that answers nothing for a stream is not waited on forever: it dies with an error.
  const silent = `require('node:worker_threads').parentPort.on('message', () => { throw new Error('cannot screen'); });`;
  assert.deepEqual(await derive({ workers: 1, workerCode: silent }), alone);
});
