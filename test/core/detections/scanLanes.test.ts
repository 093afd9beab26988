// `scan` reads its input on the main thread and on worker threads at once (scanLanes.ts), a large
// List export cut into runs of entries. Whatever the lanes, the runs and the workers' fates, the
// findings, where each resource is found, the errors and their order must be those of one thread
// reading the files one after another.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { DetectionStream, readInputs, type ScanInput, type ScanLaneOptions } from '../../../src/core/detections/index.js';
import { tempDir } from '../../support/tempDir.js';
import { mulberry32 } from '../../support/random.js';
import { damage } from './damage.js';
import { OPTS } from './helpers.js';
import { list } from './lists.js';
import { writeScanCorpus } from './scanCorpus.js';
import { readdir } from 'node:fs/promises';

/** Small enough that the test's files use workers and are cut into many runs. */
const SMALL: NonNullable<ScanLaneOptions['sizes']> = { parallelMinBytes: 0, splitMinBytes: 16 * 1024, chunkChars: 4 * 1024, streamMinBytes: Infinity, windowBytes: 4096 };
let workerCode: string;

before(async () => {
  // The worker exactly as scripts/build.mjs bundles it into the CLI.
  const built = await esbuild.build({ bundle: true, write: false, entryPoints: ['src/core/detections/scanWorker.ts'], platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  workerCode = built.outputFiles[0]!.text;
});

async function filesUnder(dir: string): Promise<ScanInput[]> {
  const out: ScanInput[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true, recursive: true })).sort((a, b) => join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)))) {
    if (e.isFile()) out.push({ file: join(e.parentPath, e.name), label: e.name });
  }
  return out;
}

async function read(inputs: ScanInput[], lanes: ScanLaneOptions) {
  const stream = new DetectionStream(OPTS);
  const r = await readInputs(inputs, stream, OPTS.platformRegistries, { sizes: SMALL, ...lanes });
  return { result: { findings: stream.finish(), where: r.where, errors: r.errors, readable: r.readable }, workers: r.workers, units: r.units };
}

/** The scan corpus, large Lists in kubectl's layout and others (one damaged), a JSON List, a file that is no manifest and one that cannot be read. */
async function corpus(seed: number): Promise<ScanInput[]> {
  const dir = await writeScanCorpus(await tempDir('kfs-lanes-'));
  const r = mulberry32(seed);
  await writeFile(join(dir, 'big-kubectl.yaml'), list(600, { kubectl: true, indented: false }, r));
  await writeFile(join(dir, 'big-indented.yaml'), list(500, { kubectl: false, indented: true }, r));
  let damaged = list(500, { kubectl: r() < 0.5, indented: false }, r);
  for (let d = 1 + Math.floor(r() * 3); d > 0; d--) damaged = damage(damaged, r);
  await writeFile(join(dir, 'big-damaged.yaml'), damaged);
  await writeFile(join(dir, 'notes.yaml'), 'just: a mapping\n');
  const inputs = await filesUnder(dir);
  return [...inputs, { file: join(dir, 'missing.yaml'), label: 'missing.yaml' }];
}

test('one, two or three lanes give one thread\'s findings, places and errors, in order, with the Lists cut into runs', async () => {
  const inputs = await corpus(1);
  const alone = await read(inputs, { workers: 0 });
  assert.ok(alone.result.findings.length > 100 && alone.result.errors.length >= 2, `${alone.result.findings.length} findings, ${alone.result.errors.length} errors: the corpus exercises both`);
  for (const workers of [1, 2]) {
    const run = await read(inputs, { workers, workerCode });
    assert.equal(run.workers, workers, 'the workers started');
    assert.ok(run.units > inputs.length + 20, `${run.units} units for ${inputs.length} files: the Lists were cut into runs`);
    assert.deepStrictEqual(run.result, alone.result, `${workers} worker(s)`);
  }
});

test('randomly damaged large Lists: runs that cannot be read alone make the file read whole, as one thread reads it', async () => {
  for (let seed = 2; seed <= 9; seed++) {
    const inputs = await corpus(seed);
    const alone = await read(inputs, { workers: 0 });
    assert.deepStrictEqual((await read(inputs, { workers: 1, workerCode })).result, alone.result, `seed ${seed}`);
  }
});

test('a worker that cannot start, fails at once or dies after a few units leaves its units to the other lanes', async () => {
  const inputs = await corpus(10);
  const alone = await read(inputs, { workers: 0 });
  // The real worker, made to exit when its third unit arrives (before it answers the first: its own reply is asynchronous).
  const dying = `${workerCode}\n;let n = 0; require('node:worker_threads').parentPort.on('message', () => { if (++n === 3) process.exit(1); });`;
  for (const code of ['process.exit(3)', 'throw new Error("broken worker")', 'syntax error here(', dying]) {
    assert.deepStrictEqual((await read(inputs, { workers: 2, workerCode: code })).result, alone.result, code.slice(0, 40));
  }
});

test('files large enough to be read a window at a time give the findings, places and errors of the files read whole', async () => {
  const streamed: NonNullable<ScanLaneOptions['sizes']> = { ...SMALL, streamMinBytes: 16 * 1024, windowBytes: 997 };
  const held: NonNullable<ScanLaneOptions['sizes']> = { ...SMALL, splitMinBytes: Infinity, streamMinBytes: Infinity };
  for (let seed = 11; seed <= 14; seed++) {
    const inputs = await corpus(seed);
    const whole = await read(inputs, { workers: 0, sizes: held });
    for (const workers of [0, 1]) {
      const run = await read(inputs, { workers, workerCode, sizes: streamed });
      assert.deepStrictEqual(run.result, whole.result, `seed ${seed}, ${workers} worker(s)`);
    }
  }
});
