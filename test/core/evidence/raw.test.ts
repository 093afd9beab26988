// The raw-evidence bundle through the real client against the emulator: raw files are the
// bytes the server sent, every request the server saw is in the acquisition index, the rows
// are a deterministic derivation, and transient faults (429 with Retry-After, a 503, a reset
// mid-stream, a trickle, 410 again and again) lose nothing and double nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { generateLargeScenario, rfc3339Nano, startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.js';
import { takeSnapshot, type SnapshotDeps } from '../../../src/core/snapshot.js';
import { connectCluster } from '../../../src/core/cluster/connect.js';
import { KubeClusterApi } from '../../../src/core/cluster/client.js';
import { COLLECTORS, createObjectCache } from '../../../src/core/collectors/index.js';
import { MAX_LINE_BYTES } from '../../../src/core/cluster/lines.js';
import { openBundle, BundleError } from '../../../src/core/evidence/reader.js';
import { verifyBundle } from '../../../src/core/evidence/verify.js';
import { assertOutsideBundle } from '../../../src/core/evidence/writer.js';
import { readAcquisitionIndex } from '../../../src/core/derive/index.js';
import { MANIFEST_FILE, computeManifestDigest, tableFile } from '../../../src/core/evidence/manifest.js';
import { readRawBody, type AcquisitionEntry } from '../../../src/core/evidence/raw.js';
import { containerLogs, podInventory } from '../../../src/core/schema/tables.js';
import { tempDir } from '../../support/tempDir.js';

const signal = new AbortController().signal;
const LINES = 200;

let emu: KubeEmulator;
let kubeconfig: string;
let work: string;
/** Messages per container of a collection without faults: what every faulted one must equal. */
let reference: Map<string, string[]>;
let referenceDir: string;

/** The real connection, with small pages so lists have continue tokens, and quick retries. */
const deps = (pageSize = 5): SnapshotDeps => ({
  connect: async (req) => {
    const conn = await connectCluster(req);
    const api = conn.api as KubeClusterApi;
    api.pageSize = pageSize;
    api.retryPolicy = { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200 };
    return conn;
  },
  createObjectCache,
  collectors: COLLECTORS,
});

async function snapshot(pageSize = 5, abort?: AbortController, abortAtEvent = -1) {
  let events = 0;
  const onProgress = () => {
    if (++events === abortAtEvent) abort?.abort();
  };
  return takeSnapshot({ kubeconfig, outDir: work, options: { artifacts: ['events', 'podInventory', 'containerLogs'], concurrency: 4 } }, { signal: abort?.signal ?? signal, onProgress }, deps(pageSize));
}

async function logMessages(dir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for await (const r of (await openBundle(dir)).readTable(containerLogs.name)) {
    const k = `${r.Namespace}/${r.PodName}/${r.ContainerName}`;
    out.set(k, [...(out.get(k) ?? []), `${r.EventTime} ${r.Message}`]);
  }
  return out;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const norm = (p: string) => {
  const u = new URL(p, 'https://x');
  return `${u.pathname}?${[...u.searchParams].map(([k, v]) => `${k}=${v}`).sort().join('&')}`;
};

before(async () => {
  work = await tempDir('kfs-raw-');
  emu = await startKubeEmulator({ scenario: generateLargeScenario({ pods: 6, containersPerPod: 2, linesPerContainer: LINES, namespaces: 2 }), recordBodies: true });
  kubeconfig = join(work, 'kubeconfig.yaml');
  await emu.writeKubeconfig(kubeconfig);
  const clean = await snapshot();
  referenceDir = clean.bundleDir;
  reference = await logMessages(clean.bundleDir);
});

after(async () => {
  await emu?.close();
});

test('every raw file holds the bytes the server sent, and every request it saw is in the acquisition index', async () => {
  emu.requests.length = 0;
  const { bundleDir, manifest } = await snapshot();
  await emu.settled();
  const entries = await readAcquisitionIndex(bundleDir);
  const indexed = new Map<string, string[]>();
  for (const e of entries) {
    const body = await readRawBody(bundleDir, e);
    assert.equal(sha(body), e.sha256, `${e.file} hashes as the index says`);
    assert.equal(body.length, e.bytes);
    indexed.set(norm(e.path), [...(indexed.get(norm(e.path)) ?? []), e.sha256]);
  }
  let compared = 0;
  for (const r of emu.requests) {
    if (r.path.includes('/exec')) continue;
    const served = emu.servedBody(r.index);
    assert.ok(served, `the emulator kept ${r.path}`);
    assert.ok(indexed.get(norm(r.path))?.includes(sha(served)), `${r.method} ${r.path} (${served.length} bytes) is in the index with the same bytes`);
    compared++;
  }
  assert.ok(compared >= 12 + 4, `logs and list pages compared (${compared})`);
  assert.equal(entries.length, emu.requests.length, 'one index entry per request the server saw');
  assert.equal(manifest.formatVersion, 2);
  assert.equal(manifest.acquisition?.serverVersion?.startsWith('v1.'), true);
  assert.ok(manifest.acquisition?.commandLine.length);
  // Raw file names are opaque: nothing from the cluster names a file.
  for (const e of entries) if (e.file) assert.match(e.file, /^raw\/\d{6}\.(json|log|bin|pack)$/);
  // Small answers share a pack (no file each); each keeps its own place and hash in the index.
  const packed = entries.filter((e) => e.file?.endsWith('.pack'));
  assert.ok(packed.length >= 10 && packed.some((e) => e.offset > 0), `small bodies are packed (${packed.length})`);
});

test('the same raw evidence derives byte-identical rows; verify --derived re-derives the tables', async () => {
  const digest = async () => {
    const h = createHash('sha256');
    for await (const r of (await openBundle(referenceDir)).readTable(containerLogs.name)) h.update(JSON.stringify(r));
    return h.digest('hex');
  };
  assert.equal(await digest(), await digest());
  const report = await verifyBundle(referenceDir, { derived: true });
  assert.deepEqual(report.problems, []);
  assert.ok(report.derivedChecked >= 1, 'the pod inventory was derived again');
  const n = [...reference.values()].reduce((a, m) => a + m.length, 0);
  assert.equal(n, 12 * LINES);
  assert.equal((await openBundle(referenceDir)).manifest.tables.kubelogs_CL?.records, n, 'the manifest counts what a reader gets');
});

test('sha256sum -c SHA256SUMS checks the bundle without our tool', () => {
  const r = spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: referenceDir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

async function faulted(add: () => () => void, pageSize = 5) {
  const remove = add();
  try {
    return await snapshot(pageSize);
  } finally {
    remove();
  }
}

async function assertSameLogs(dir: string) {
  const got = await logMessages(dir);
  assert.deepEqual([...got.keys()].sort(), [...reference.keys()].sort());
  for (const [k, m] of reference) assert.deepEqual(got.get(k), m, `${k}: every line once, in order`);
}

const attempts = (entries: AcquisitionEntry[], path: RegExp) => entries.filter((e) => path.test(e.path)).map((e) => [e.attempt, e.status]);

test('a 429 with Retry-After on the pod list is waited out: nothing lost, both attempts indexed', async () => {
  const { bundleDir, manifest } = await faulted(() => emu.faults.throttle({ path: '/api/v1/pods', retryAfter: 1, times: 1 }));
  assert.equal(manifest.artifacts.podInventory?.status, 'ok');
  assert.equal(manifest.artifacts.containerLogs?.status, 'ok');
  await assertSameLogs(bundleDir);
  const first = attempts(await readAcquisitionIndex(bundleDir), /^\/api\/v1\/pods\?limit=5$/);
  assert.deepEqual(first, [[1, 429], [2, 200]]);
});

test('one 503 on the pod list is retried: pod inventory, logs complete', async () => {
  const { bundleDir, manifest } = await faulted(() => emu.faults.add({ type: 'error', path: '/api/v1/pods', status: 503, times: 1 }));
  assert.equal(manifest.status, 'complete');
  await assertSameLogs(bundleDir);
  let pods = 0;
  for await (const r of (await openBundle(bundleDir)).readTable(podInventory.name)) if (r.EventType === 'PodCreated') pods++;
  assert.equal(pods, 6);
});

test('a log stream reset mid-way is resumed and stitched by position: no line lost or doubled', async () => {
  const logPath = '^/api/v1/namespaces/bench-0/pods/[^/]+/log';
  const { bundleDir, manifest } = await faulted(() => emu.faults.reset(4000, { path: logPath, times: 2 }));
  assert.equal(manifest.artifacts.containerLogs?.status, 'ok', JSON.stringify(manifest.artifacts.containerLogs?.gaps));
  await assertSameLogs(bundleDir);
  const entries = await readAcquisitionIndex(bundleDir);
  const resumed = entries.filter((e) => e.ref.kind === 'log' && e.ref.resume !== null);
  assert.ok(resumed.length >= 2, 'the resumed requests are in the index');
  for (const e of resumed) assert.match(e.path, /sinceTime=/);
  assert.ok(entries.some((e) => e.ref.kind === 'log' && !e.complete && e.bytes === 4000), 'the cut attempt is kept with its bytes');
});

test('a trickling log stream completes with the same lines', async () => {
  const { bundleDir } = await faulted(() => emu.faults.trickle({ chunkBytes: 700, intervalMs: 1, path: '^/api/v1/namespaces/bench-1/pods/[^/]+/log', times: 1 }));
  await assertSameLogs(bundleDir);
});

test('a list that answers 410 Expired again and again keeps the pages it had and reports the gap', async () => {
  const { bundleDir, manifest } = await faulted(() => emu.faults.expireContinue('pods', 1, { times: 5 }), 2);
  const gaps = manifest.artifacts.podInventory?.gaps ?? [];
  assert.equal(gaps.length, 1);
  assert.equal(gaps[0]!.status, 'partial');
  assert.match(gaps[0]!.message, /Expired|410/);
  const names: string[] = [];
  for await (const r of (await openBundle(bundleDir)).readTable(podInventory.name)) if (r.EventType === 'PodCreated') names.push(`${r.Namespace}/${r.PodName}`);
  assert.ok(names.length >= 2, `pods listed before the failure are kept (${names.length})`);
  assert.equal(new Set(names).size, names.length, 'no pod twice');
  const expired = (await readAcquisitionIndex(bundleDir)).filter((e) => e.status === 410);
  assert.ok(expired.length >= 4, `every 410 is indexed (${expired.length})`);
});

test('cancelling at random points always seals a bundle that verifies', async () => {
  // Progress events come at artifact starts, per container and at artifact ends: cancel at several.
  for (const at of [1, 3, 6, 9, 14]) {
    const ctl = new AbortController();
    const { bundleDir, manifest } = await snapshot(5, ctl, at);
    assert.equal(manifest.status, 'cancelled', `cancelled at progress event ${at}`);
    const r = await verifyBundle(bundleDir, { derived: true });
    assert.deepEqual(r.problems, [], `cancelled at progress event ${at}`);
  }
});

test('a line over the size limit is split, and its continuation can never forge a time; 0xFF and the text \\xFF stay apart', async () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const t1 = new Date(now.getTime() - 60_000);
  const prefix = rfc3339Nano(t1.toISOString()).length + 1;
  const forged = '2019-01-01T00:00:00Z forged';
  const data = {
    apiVersion: 'kubeforensys.dev/emulator-v1',
    kind: 'KubeForenSysEmulatorData',
    cluster: 'fidelity',
    containers: [
      {
        namespace: 'default',
        pod: 'p',
        container: 'c',
        logs: [
          { time: t1.toISOString(), text: `${'A'.repeat(MAX_LINE_BYTES - prefix)}${forged}` },
          { time: new Date(t1.getTime() + 1000).toISOString(), base64: Buffer.from([0x61, 0xff, 0x62]).toString('base64') },
          { time: new Date(t1.getTime() + 2000).toISOString(), text: 'a\\xFFb' },
        ],
      },
    ],
  };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u-p', creationTimestamp: t1.toISOString() }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running', containerStatuses: [{ name: 'c', restartCount: 0, state: { running: { startedAt: t1.toISOString() } } }] } };
  const dir = await tempDir('kfs-fidelity-');
  await writeFile(join(dir, 's.yaml'), [pod, data].map((d) => stringify(d)).join('---\n'));
  const e2 = await startKubeEmulator({ scenario: join(dir, 's.yaml') });
  try {
    await e2.writeKubeconfig(join(dir, 'kc.yaml'));
    const { bundleDir } = await takeSnapshot({ kubeconfig: join(dir, 'kc.yaml'), outDir: dir, options: { artifacts: ['containerLogs'] } }, { signal });
    const rows = [];
    for await (const r of (await openBundle(bundleDir)).readTable(containerLogs.name)) rows.push(r);
    assert.equal(rows.length, 4);
    const [p1, p2, bin, text] = rows as [(typeof rows)[number], (typeof rows)[number], (typeof rows)[number], (typeof rows)[number]];
    assert.deepEqual([p1.LinePart, p2.LinePart, bin.LinePart], [1, 2, 0]);
    assert.ok(p2.Message.startsWith('2019-01-01'), 'the continuation is kept as text');
    assert.equal(p2.EventTime, p1.EventTime, 'dated as the line it continues, not by the text in it');
    assert.equal(p2.TimestampParsed, false);
    assert.equal(p1.LineNumber, p2.LineNumber);
    assert.equal(bin.NonUtf8, true);
    assert.equal(bin.MessageBase64, Buffer.from([0x61, 0xff, 0x62]).toString('base64'));
    assert.equal(text.NonUtf8, false);
    assert.equal(text.MessageBase64, '');
    assert.notEqual(bin.Message, text.Message);
  } finally {
    await e2.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('verify never follows a link, never opens a FIFO, and refuses manifest paths outside the bundle', async () => {
  const { bundleDir } = await snapshot();
  const table = join(bundleDir, tableFile(podInventory.name));
  await rm(table);
  await symlink('/etc/hostname', table);
  let r = await verifyBundle(bundleDir);
  assert.ok(r.problems.some((p) => p.path === tableFile(podInventory.name) && /not a regular file/.test(p.detail)));
  await rm(table);
  assert.equal(spawnSync('mkfifo', [table]).status, 0);
  r = await verifyBundle(bundleDir); // would hang if it opened the FIFO
  assert.ok(r.problems.some((p) => p.path === tableFile(podInventory.name) && /not a regular file/.test(p.detail)));
  await assert.rejects(async () => {
    for await (const _ of (await openBundle(bundleDir)).readTable(podInventory.name)) void _;
  }, /not a regular file/);

  // The same for raw evidence: a FIFO or a link in place of the pack is refused, never waited on.
  const pack = (await readAcquisitionIndex(bundleDir)).find((e) => e.file?.endsWith('.pack'))!.file!;
  await rm(join(bundleDir, pack));
  assert.equal(spawnSync('mkfifo', [join(bundleDir, pack)]).status, 0);
  await assert.rejects(async () => {
    for await (const _ of (await openBundle(bundleDir)).readTable(containerLogs.name)) void _;
  }, new RegExp(`${pack.replace('.', '\\.')} is not a regular file`));
  await rm(join(bundleDir, pack));
  await symlink('/etc/hostname', join(bundleDir, pack));
  await assert.rejects(async () => {
    for await (const _ of (await openBundle(bundleDir)).readTable(containerLogs.name)) void _;
  }, /ELOOP|not a regular file/);

  const mPath = join(bundleDir, MANIFEST_FILE);
  const m = JSON.parse(await readFile(mPath, 'utf8'));
  m.files.push({ path: '../../etc/hostname', size: 1, sha256: 'x' });
  m.manifestDigest = computeManifestDigest(m);
  await writeFile(mPath, JSON.stringify(m));
  r = await verifyBundle(bundleDir);
  assert.ok(r.problems.some((p) => p.kind === 'manifest' && /outside the bundle/.test(p.detail)));
});

test('an acquisition index edited to claim more bytes than its raw file holds gets a sentence, not an allocation failure', async () => {
  const { bundleDir } = await snapshot();
  const indexPath = join(bundleDir, 'raw', 'index.jsonl');
  const lines = (await readFile(indexPath, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AcquisitionEntry);
  const log = lines.find((e) => e.ref.kind === 'log' && e.bytes > 0)!;
  log.bytes = 1e12;
  await writeFile(indexPath, lines.map((e) => JSON.stringify(e)).join('\n') + '\n');
  await assert.rejects(async () => {
    for await (const _ of (await openBundle(bundleDir)).readTable(containerLogs.name)) void _;
  }, new RegExp(`holds \\d+ bytes, not the 1000000000000 bytes at offset \\d+ the acquisition index records`));
});

test('a bundle from a newer format is refused in one sentence', async () => {
  const dir = await tempDir('kfs-future-');
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify({ formatVersion: 9, files: [] }));
  await assert.rejects(openBundle(dir), (err: unknown) => err instanceof BundleError && /newer KubeForenSys/.test(err.message));
});

test('a new bundle is never written inside a sealed one, and the cluster is not asked anything first', async () => {
  const before = emu.requests.length;
  await assert.rejects(
    takeSnapshot({ kubeconfig, outDir: join(referenceDir, 'raw', 'again') }, { signal }),
    (err: unknown) => err instanceof BundleError && /inside the evidence bundle/.test(err.message),
  );
  assert.equal(emu.requests.length, before);
  assert.deepEqual((await verifyBundle(referenceDir)).problems, []);
  // Another program's manifest.json above --out (a web app's) is not a bundle.
  const app = await tempDir('kfs-webapp-');
  await writeFile(join(app, MANIFEST_FILE), JSON.stringify({ name: 'my-pwa', start_url: '/' }));
  await assertOutsideBundle(join(app, 'evidence'));
});
