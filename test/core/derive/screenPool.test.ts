// The seal screens log streams on worker threads beside the main thread: wherever a stream was
// screened, the findings (their order, citations, per-container cap) and the log row count are
// the ones a single-threaded derivation gives, also when a worker dies or cannot start.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.js';
import { connectCluster } from '../../../src/core/cluster/connect.js';
import { COLLECTORS } from '../../../src/core/collectors/index.js';
import { deriveMaterialized, type Derived } from '../../../src/core/derive/index.js';
import { containerLogs, suspiciousPods } from '../../../src/core/schema/tables.js';
import { collectAndDerive, type DerivedRun } from '../../support/derived.js';
import { tempDir } from '../../support/tempDir.js';

const DEMO = new URL('../../emulators/kube/scenarios/demo.yaml', import.meta.url).pathname;
let emu: KubeEmulator;
let run: DerivedRun;
let workerCode: string;

before(async () => {
  emu = await startKubeEmulator({ scenario: DEMO });
  const kubeconfig = join(await tempDir('kfs-screen-'), 'kubeconfig.yaml');
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

test('a snapshot screens its logs on a worker while the rest is collected; the sealed findings are the ones verify derives again', async (t) => {
  const { takeSnapshot } = await import('../../../src/core/snapshot.js');
  const { connectCluster: connect } = await import('../../../src/core/cluster/connect.js');
  const { createObjectCache } = await import('../../../src/core/collectors/index.js');
  const { verifyBundle } = await import('../../../src/core/evidence/verify.js');
  const { openBundle } = await import('../../../src/core/evidence/reader.js');
  const dir = await tempDir('kfs-screen-snap-', t);
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await emu.writeKubeconfig(kubeconfig);
  const sealed: { findings: string[]; logs: number | undefined }[] = [];
  for (const screen of [{ workers: 0 }, { workers: 2, workerCode }]) {
    const { bundleDir } = await takeSnapshot(
      { kubeconfig, outDir: join(dir, String(screen.workers)), options: { artifacts: ['podInventory', 'containerLogs', 'commandHistory'], sinceSeconds: 0, execEnabled: true } },
      { signal: new AbortController().signal },
      { connect, createObjectCache, collectors: COLLECTORS, screen },
    );
    const report = await verifyBundle(bundleDir, { derived: true });
    assert.ok(report.ok, JSON.stringify(report.problems));
    const bundle = await openBundle(bundleDir);
    const findings: string[] = [];
    for await (const r of bundle.readTable(suspiciousPods.name)) findings.push(`${r.RuleId} ${r.FieldPath.replace(bundle.manifest.snapshotId, 'ID')}`);
    const log = await readFile(join(bundleDir, 'collection.log'), 'utf8');
    // Every stream ended normally here, so every one was handed over while the collection ran.
    const live = /(\d+) of (\d+) log streams were handed to 2 screening worker thread\(s\) while the collection ran/.exec(log);
    if (screen.workers === 2) assert.ok(live && Number(live[1]) > 0 && live[1] === live[2], `the screening kept pace with the collection: ${live?.[0]}`);
    else assert.equal(live, null, 'without workers the seal screens');
    sealed.push({ findings, logs: bundle.manifest.tables[containerLogs.name]?.records });
  }
  assert.ok(sealed[0]!.findings.some((f) => f.includes('record ')), 'log findings cite their records');
  assert.deepEqual(sealed[1], sealed[0]);
});

test('a stream is screened once per set of attempts: the same attempts again reuse the result, a retried stream is screened again', async () => {
  const { screenStreams } = await import('../../../src/core/derive/screenPool.js');
  const { logStreams } = await import('../../../src/core/derive/logs.js');
  const streams = logStreams(run.input.entries).filter((s) => s.attempts.some((a) => a.bytes > 0));
  assert.ok(streams.length >= 2);
  const screening = screenStreams(run.input.bundleDir, { workers: 0 });
  try {
    screening.add(streams.slice(0, 1));
    assert.equal(screening.queued(streams), 1);
    // The same stream rebuilt from the index (a new object, the same attempts) is the same stream.
    const again = logStreams(run.input.entries).find((s) => s.attempts[0]!.seq === streams[0]!.attempts[0]!.seq)!;
    assert.equal(screening.queued([again]), 1);
    const first = await screening.resultOf(streams[0]!);
    assert.equal(await screening.resultOf(again), first, 'the result was reused, not screened again');
    // The same stream with one more attempt (as if a retry came after it was handed over) is screened again.
    const retried = { ...streams[0]!, attempts: [...streams[0]!.attempts, { ...streams[0]!.attempts.at(-1)!, seq: 999_999 }] };
    assert.equal(screening.queued([retried]), 0);
    assert.notEqual(await screening.resultOf(retried), first);
    assert.equal(screening.queued([streams[0]!, retried, streams[1]!]), 2, 'a stream never added is not counted as queued');
  } finally {
    screening.close();
  }
});
