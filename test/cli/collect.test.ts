// The "done means", through the real CLI process, the real client and the emulator:
// the demo cluster collects with every table filled, the bundle verifies (and its tables derive
// again from raw/ identically), one changed byte of a raw log stream fails verification, and a 403 on one artifact leaves the others complete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../emulators/kube/index.js';
import { readAcquisitionIndex } from '../../src/core/derive/index.js';

import { CLI, runCli } from './run.js';
import { tempDir } from '../support/tempDir.js';

let emulator: KubeEmulator;
let work: string;
let kubeconfig: string;

before(async () => {
  work = await tempDir('kfs-cli-');
  emulator = await startKubeEmulator({ scenario: resolve('test/emulators/kube/scenarios/demo.yaml') });
  kubeconfig = join(work, 'kubeconfig.yaml');
  await emulator.writeKubeconfig(kubeconfig);
});
after(() => emulator.close());

test('collect on the demo cluster fills all eight original tables and the pod inventory, and the bundle verifies', async () => {
  const res = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', join(work, 'a'), '--json']);
  // Partial (exit 3): the demo has distroless containers whose history cannot be read.
  assert.equal(res.code, 3, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.status, 'partial');
  for (const [id, a] of Object.entries(summary.artifacts) as [string, { status: string }][]) {
    assert.equal(a.status, id === 'commandHistory' ? 'partial' : 'ok', id);
  }
  assert.ok(
    summary.artifacts.commandHistory.gaps.some((g: { scope: string }) => g.scope === 'exec into prod-web/api-backend-5c6d7e8f9-abcde/metrics'),
    'the distroless container is named as a gap',
  );
  assert.equal(summary.context, 'aks-prod-weu');
  for (const table of ['kubelogs_CL', 'kubeevents_CL', 'commandhistory_CL', 'serviceaccounts_CL', 'suspiciouspods_CL', 'rbacbindings_CL', 'cronjobs_CL', 'networkpolicies_CL', 'podinventory_CL']) {
    assert.ok(summary.tables[table]?.records > 0, `${table} holds records`);
  }
  assert.ok(summary.artifacts.commandHistory.records > 0);

  const ok = await runCli(['verify', summary.bundle]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^OK: \d+ files match/);
  const derived = await runCli(['verify', '--derived', summary.bundle]);
  assert.equal(derived.code, 0, derived.stdout + derived.stderr);
  assert.match(derived.stdout, /; [1-9]\d* tables derived again from raw\/ are identical/);

  // The log rows are derived from the raw streams: one changed byte of a stream fails verification.
  const log = (await readAcquisitionIndex(summary.bundle)).find((e) => e.ref.kind === 'log' && e.status === 200 && e.bytes > 0)!;
  assert.ok(log?.file, 'a log stream is kept in raw/');
  const path = join(summary.bundle, log.file!);
  const bytes = await readFile(path);
  bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x20;
  await writeFile(path, bytes);
  const bad = await runCli(['verify', summary.bundle]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, new RegExp(`modified\\s+${log.file!.replace('.', '\\.')}`));
});

test('a 403 on network policies marks that artifact forbidden with its reason while the others complete', async () => {
  const undo = emulator.faults.forbid('networkpolicies', { group: 'networking.k8s.io' });
  try {
    const res = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', join(work, 'b'), '--json', '--artifacts', 'events,networkPolicies,cronJobs']);
    assert.equal(res.code, 3, 'partial collections exit 3');
    const summary = JSON.parse(res.stdout);
    assert.equal(summary.artifacts.networkPolicies.status, 'forbidden');
    assert.match(JSON.stringify(summary.artifacts.networkPolicies.gaps), /forbidden/);
    assert.equal(summary.artifacts.events.status, 'ok');
    assert.equal(summary.artifacts.cronJobs.status, 'ok');
    assert.ok(summary.artifacts.cronJobs.records > 0);
  } finally {
    undo();
  }
});

test('bad input gets one clear sentence and exit 2', async () => {
  const badKubeconfig = join(work, 'broken.yaml');
  await writeFile(badKubeconfig, 'apiVersion: v1\nclusters: [\n');
  const res = await runCli(['collect', '--kubeconfig', badKubeconfig, '--out', join(work, 'c')]);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /broken\.yaml/);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  const usage = await runCli(['collect', '--artifacts', 'logs,secrets']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown artifact logs, secrets/);
  const notBundle = await runCli(['verify', work]);
  assert.equal(notBundle.code, 2);
  assert.match(notBundle.stderr, /is not an evidence bundle/);
});

test('every count the summary shows is what a reader of the bundle gets, per table and per artifact', async () => {
  const { openBundle } = await import('../../src/core/evidence/reader.js');
  const { TABLES } = await import('../../src/core/schema/tables.js');
  const { ARTIFACTS } = await import('../../src/core/schema/artifacts.js');
  const res = await new Promise<{ code: number; stdout: string }>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'collect', '--kubeconfig', kubeconfig, '--out', join(work, 'counts')], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, COLUMNS: '300' } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout }));
  });
  assert.equal(res.code, 3);
  const num = (s: string) => Number(s.replace(/,/g, ''));
  const bundle = await openBundle(/^Snapshot partial: (.+)$/m.exec(res.stdout)![1]!);

  // The table section: each table's rows are the rows the reader streams, and its "From" adds up.
  const shown = new Map<string, { rows: number; from: Map<string, number> }>();
  for (const m of res.stdout.matchAll(/^(\w+_CL) +([\d,]+) +(.*)$/gm)) {
    const from = new Map([...m[3]!.matchAll(/([A-Z][a-z]+(?: [a-z]+)*|RBAC) ([\d,]+)/g)].map((f) => [f[1]!, num(f[2]!)]));
    shown.set(m[1]!, { rows: num(m[2]!), from });
  }
  let total = 0;
  for (const t of TABLES) {
    let read = 0;
    for await (const _ of bundle.readTable(t.name)) read++;
    assert.equal(shown.get(t.name)?.rows ?? 0, read, `${t.name}: the summary shows what the reader gets`);
    const from = [...(shown.get(t.name)?.from.values() ?? [])].reduce((a, b) => a + b, 0);
    assert.equal(from, read, `${t.name}: the artifacts it came from add up to its rows`);
    total += read;
  }
  assert.match(res.stdout, new RegExp(`^${total.toLocaleString('en-US')} rows in all`, 'm'));

  // The artifact section: each artifact's rows are the sum of what it stored, and rows stored in
  // another artifact's table (content findings in suspiciouspods_CL) are named.
  let elsewhere = 0;
  for (const a of ARTIFACTS) {
    const line = new RegExp(`^${a.label} +\\w+ +([\\d,]+) +(of which ([^ ].*?))? {2}`, 'm').exec(res.stdout);
    assert.ok(line, a.label);
    const parts = [...shown.values()].map((s) => s.from.get(a.label) ?? 0).reduce((x, y) => x + y, 0);
    assert.equal(num(line[1]!), parts, `${a.label}: its rows are what the tables hold from it`);
    for (const [table, s] of shown) {
      const n = s.from.get(a.label) ?? 0;
      if (n > 0 && !a.tables.includes(table as never)) {
        assert.ok(line[3]?.includes(`${n.toLocaleString('en-US')} in ${table}`), `${a.label}: names ${n} rows in ${table}`);
        elsewhere++;
      }
    }
  }
  assert.ok(elsewhere > 0, 'the demo has content findings stored outside the artifact that found them');
});

test('the manifest SHA-256 printed by collect and verify is the file\'s; sha256sum -c passes; links, FIFOs and escaping paths are refused by name', async () => {
  const { createHash } = await import('node:crypto');
  const { spawnSync } = await import('node:child_process');
  const { readdir, rm, symlink } = await import('node:fs/promises');
  const { computeManifestDigest } = await import('../../src/core/evidence/manifest.js');
  const out = join(work, 'sums');
  const res = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', out, '--artifacts', 'events,podInventory']);
  assert.equal(res.code, 0, res.stderr);
  const bundle = join(out, (await readdir(out))[0]!);
  const sha = createHash('sha256').update(await readFile(join(bundle, 'manifest.json'))).digest('hex');
  assert.match(res.stdout, new RegExp(`^manifest\\.json SHA-256: ${sha}$`, 'm'));
  const ok = await runCli(['verify', bundle]);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, new RegExp(`^manifest\\.json SHA-256: ${sha}$`, 'm'));
  const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: bundle, encoding: 'utf8' });
  assert.equal(sums.status, 0, sums.stdout + sums.stderr);
  assert.match(sums.stdout, /manifest\.json: OK/);

  // A FIFO where a table is (listed or not): nothing opens it, so nothing hangs.
  const table = join(bundle, 'tables', 'podinventory_CL.jsonl');
  await rm(table, { force: true });
  assert.equal(spawnSync('mkfifo', [table]).status, 0);
  const fifo = await runCli(['verify', bundle], { timeoutMs: 120_000 });
  assert.equal(fifo.code, 1, 'verify does not open the FIFO');
  assert.match(fifo.stdout, /tables\/podinventory_CL\.jsonl: not a regular file/);
  const timeline = await runCli(['timeline', bundle], { timeoutMs: 120_000 });
  assert.equal(timeline.code, 2, 'the timeline does not open the FIFO');
  assert.match(timeline.stderr, /podinventory_CL\.jsonl is not a regular file; run verify on the bundle\./);
  await rm(table);

  // A link in place of sealed evidence is never followed.
  const index = join(bundle, 'raw', 'index.jsonl');
  const saved = await readFile(index);
  await rm(index);
  await symlink('/etc/hostname', index);
  const linked = await runCli(['verify', bundle]);
  assert.equal(linked.code, 1);
  assert.match(linked.stdout, /modified raw\/index\.jsonl: not a regular file \(a link, FIFO or device stands where the evidence was\)/);
  await rm(index);
  await writeFile(index, saved);

  // A count edited (and the digest recomputed) no longer adds up: verify names it.
  const m = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
  m.tables.kubeevents_CL = { records: (m.tables.kubeevents_CL?.records ?? 0) + 5 };
  m.manifestDigest = computeManifestDigest(m);
  await writeFile(join(bundle, 'manifest.json'), JSON.stringify(m));
  const counts = await runCli(['verify', bundle]);
  assert.equal(counts.code, 1);
  assert.match(counts.stdout, /manifest manifest\.json: table kubeevents_CL counts \d+ rows but the artifacts stored \d+ there/);

  m.files.push({ path: '../../etc/hostname', size: 1, sha256: 'x' });
  m.manifestDigest = computeManifestDigest(m);
  await writeFile(join(bundle, 'manifest.json'), JSON.stringify(m));
  const escaping = await runCli(['verify', bundle]);
  assert.equal(escaping.code, 1);
  assert.match(escaping.stdout, /manifest \.\.\/\.\.\/etc\/hostname: the manifest names a path outside the bundle/);
});
