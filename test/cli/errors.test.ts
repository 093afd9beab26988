// Issue 14, points 1, 11, 12 and 13, through the CLI as a real process: every bad input is one
// sentence naming what is wrong (never a stack trace, never a hang), refused before the cluster
// is asked anything; the exit codes are the ones --help documents, Ctrl+C included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../emulators/kube/index.js';
import { BundleWriter, newSnapshotId } from '../support/v1BundleWriter.js';
import { MAX_TABLE_LINE_BYTES } from '../../src/core/evidence/reader.js';
import { MANIFEST_FILE, computeManifestDigest, tableFile } from '../../src/core/evidence/manifest.js';
import { containerLogs } from '../../src/core/schema/tables.js';
import { runCli, until, type CliResult } from './run.js';
import { tempDir } from '../support/tempDir.js';

let emu: KubeEmulator;
let work: string;
let kubeconfig: string;

before(async () => {
  work = await tempDir('kfs-cli-errors-');
  emu = await startKubeEmulator({ scenario: 'test/emulators/kube/scenarios/demo.yaml' });
  kubeconfig = join(work, 'kubeconfig.yaml');
  await emu.writeKubeconfig(kubeconfig);
});
after(() => emu.close());

/** One sentence on stderr: one line, no stack trace, no help text. */
function assertOneSentence(res: CliResult, pattern: RegExp): void {
  const lines = res.stderr.trim().split('\n');
  assert.ok(lines.length <= 2, `at most the sentence and where to read more, got:\n${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at |Options:|RangeError|TypeError|ENOTDIR|EEXIST/);
}

async function smallBundle(): Promise<string> {
  const w = await BundleWriter.create(await mkdtemp(join(work, 'v1-')), {
    snapshotId: newSnapshotId(new Date()),
    cluster: { context: 'ctx', cluster: 'c', server: 'https://127.0.0.1:1', user: 'u', identity: null },
    startedAt: new Date().toISOString(),
    options: { artifacts: ['containerLogs'], sinceSeconds: 3600, excludeNamespaces: [], concurrency: 2, execEnabled: true },
    toolVersion: '0.0.0-test',
  });
  await w.write(containerLogs.name, { EventTime: '2026-01-01T00:00:00.0000000Z', EventType: 'LogLine', Namespace: 'ns', PodName: 'p', ContainerName: 'c', Summary: 'hello', Message: 'hello' } as never);
  await w.seal({ status: 'complete', endedAt: new Date().toISOString(), artifacts: {} });
  return w.dir;
}

test('1: collect --out inside a sealed bundle is refused before connecting, exit 2', async () => {
  const bundle = await smallBundle();
  const asked = emu.requests.length;
  const res = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', join(bundle, 'tables', 'again')]);
  assert.equal(res.code, 2);
  assertOneSentence(res, /is inside the evidence bundle/);
  assert.equal(emu.requests.length, asked, 'the cluster was asked nothing');
  assert.equal((await runCli(['verify', bundle])).code, 0, 'the sealed bundle still verifies');
});

test('11: --out that is a device, a file, under a file or on /proc is refused before connecting', async () => {
  const file = join(work, 'a-file');
  await writeFile(file, 'x');
  const asked = emu.requests.length;
  for (const [out, why] of [
    ['/dev/null', /--out \/dev\/null is a device or special file, not a folder/],
    [file, /is a file, not a folder/],
    [join(file, 'below'), /cannot be created: .*a-file is a file, not a folder/],
    ['/proc/x', /--out \/proc\/x is on \/proc, a kernel file system/],
  ] as const) {
    const res = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', out], { timeoutMs: 120_000 });
    assert.equal(res.code, 2, `${out}: ${res.stderr}`);
    assertOneSentence(res, why);
  }
  assert.equal(emu.requests.length, asked, 'the cluster was asked nothing');
});

test('11: verify on a missing path, on manifest.json, on broken manifests; timeline on a broken manifest', async () => {
  const bundle = await smallBundle();
  const missing = await runCli(['verify', join(work, 'no-such-bundle')]);
  assert.equal(missing.code, 2);
  assertOneSentence(missing, /no-such-bundle does not exist/);
  const manifest = await runCli(['verify', join(bundle, MANIFEST_FILE)]);
  assert.equal(manifest.code, 2);
  assertOneSentence(manifest, /is the manifest file; pass the bundle folder that holds it/);

  const m = JSON.parse(await readFile(join(bundle, MANIFEST_FILE), 'utf8'));
  for (const [files, named] of [
    [[{ path: 5 }], 'files\\[0\\]\\.path'],
    [[null], 'files\\[0\\]'],
  ] as const) {
    const dir = await mkdtemp(join(work, 'broken-'));
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify({ ...m, files }));
    const v = await runCli(['verify', dir]);
    assert.equal(v.code, 1, 'a broken manifest is tampering');
    assert.match(v.stdout, new RegExp(`TAMPERED: .*\\n  manifest manifest\\.json: .* ${named} is missing or has the wrong type`));
    const t = await runCli(['timeline', dir]);
    assert.equal(t.code, 2);
    assertOneSentence(t, new RegExp(`${named} is missing or has the wrong type`));
  }
});

test('11: a table line longer than any row is one sentence, not a RangeError', { timeout: 600_000 }, async () => {
  const bundle = await smallBundle();
  await appendFile(join(bundle, tableFile(containerLogs.name)), Buffer.alloc(MAX_TABLE_LINE_BYTES + 1024, 0x61));
  const res = await runCli(['timeline', bundle], { timeoutMs: 300_000 });
  assert.equal(res.code, 2);
  assertOneSentence(res, /kubelogs_CL\.jsonl line 2 is longer than 128 MiB, more than any row KubeForenSys writes; run verify/);
});

test('11: --from later than --to is a usage error', async () => {
  for (const cmd of [['kql'], ['timeline', await smallBundle()]]) {
    const res = await runCli([...cmd, '--from', '2026-02-01T00:00:00Z', '--to', '2026-01-01T00:00:00Z']);
    assert.equal(res.code, 2, cmd[0]);
    assertOneSentence(res, /--from 2026-02-01T00:00:00\.0000000Z is not before --to 2026-01-01T00:00:00\.0000000Z; nothing could match\. \(see kubeforensys (kql|timeline) --help\)/);
  }
});

test('12: a truncated manifest is tampering (exit 1), as verify --help says', async () => {
  const bundle = await smallBundle();
  const text = await readFile(join(bundle, MANIFEST_FILE), 'utf8');
  await writeFile(join(bundle, MANIFEST_FILE), text.slice(0, text.length >> 1));
  const res = await runCli(['verify', bundle]);
  assert.equal(res.code, 1);
  assert.match(res.stdout, /manifest\.json: .*manifest\.json is not valid JSON, so it was truncated or edited/);
  const help = await runCli(['verify', '--help']);
  assert.match(help.stdout, /1 {2}tampered: .*the manifest is broken \(truncated/);
});

test('12: a token the server refuses is exit 2 (bad credentials), in one sentence', async () => {
  const bad = join(work, 'bad-token.yaml');
  await writeFile(bad, (await readFile(kubeconfig, 'utf8')).replace(/token: .*/, 'token: not-the-token'));
  const res = await runCli(['collect', '--kubeconfig', bad, '--out', join(work, 'bad')]);
  assert.equal(res.code, 2);
  assertOneSentence(res, /rejected the credentials of user .* \(401 Unauthorized\)/);
  assert.ok(!res.stderr.includes('not-the-token'), 'no token is printed');
});

test('12: Ctrl+C while connecting exits 4 and writes no bundle', async () => {
  const undo = emu.faults.add({ type: 'latency', ms: 30_000, path: '/apis/authentication.k8s.io/v1/selfsubjectreviews' });
  const out = join(work, 'cancel-connect');
  try {
    const start = emu.requests.length;
    const res = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', out], {
      onSpawn: (child) => void until(() => emu.requests.slice(start).some((r) => r.path.includes('selfsubjectreviews')), 'the connect request').then(() => child.kill('SIGINT')),
    });
    assert.equal(res.code, 4, res.stderr);
    assert.match(res.stderr, /Cancelled before the collection started: no bundle was written\./);
    assert.ok(!existsSync(out) || (await readdir(out)).length === 0, 'no bundle');
  } finally {
    undo();
  }
});

test('12: Ctrl+C during collection exits 4 with a bundle that verifies; twice exits 130, unsealed', { timeout: 600_000 }, async () => {
  const undo = emu.faults.add({ type: 'latency', ms: 30_000, path: '^.*/log$' });
  try {
    const collect = async (out: string, twice: boolean) => {
      const start = emu.requests.length;
      const res = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', out, '--artifacts', 'events,containerLogs'], {
        onSpawn: (child) =>
          void until(() => emu.requests.slice(start).some((r) => r.path.endsWith('/log') || r.path.includes('/log?')), 'a log request').then(() => {
            // The second Ctrl+C goes once the first is seen to be handled: two signals sent before
            // the process runs merge into one, and a fixed wait can outlast a seal this small.
            if (twice) child.stderr?.on('data', (d: Buffer) => void (d.toString().includes('Cancelling:') && child.kill('SIGINT')));
            child.kill('SIGINT');
          }),
      });
      return { res, bundle: existsSync(out) ? join(out, (await readdir(out))[0] ?? '') : '' };
    };
    const once = await collect(join(work, 'cancel-once'), false);
    assert.equal(once.res.code, 4, once.res.stderr);
    assert.equal((await runCli(['verify', once.bundle])).code, 0, 'the cancelled bundle verifies');

    const twice = await collect(join(work, 'cancel-twice'), true);
    assert.equal(twice.res.code, 130, twice.res.stderr);
    assert.match(twice.res.stderr, /Stopped at once: the bundle being written is not sealed \(no manifest\) and will not verify\./);
    assert.ok(!existsSync(join(twice.bundle, MANIFEST_FILE)));
    const help = await runCli(['collect', '--help']);
    assert.match(help.stdout, /4 {4}cancelled \(Ctrl\+C\)/);
    assert.match(help.stdout, /130 {2}Ctrl\+C twice/);
  } finally {
    undo();
  }
});

test('13: a usage error is one sentence and where to read more; --since shows its default as a duration', async () => {
  const since = await runCli(['collect', '--since', '5x']);
  assert.equal(since.code, 2);
  assertOneSentence(since, /"5x" is not a duration; use e\.g\. 90m, 24h or 7d\.\n\(see kubeforensys collect --help\)/);
  const unknown = await runCli(['verify', '--frobnicate', 'x']);
  assert.equal(unknown.code, 2);
  assertOneSentence(unknown, /unknown option '--frobnicate'\n\(see kubeforensys verify --help\)/);
  const help = await runCli(['collect', '--help']);
  assert.match(help.stdout, /--since <duration> +log window, e\.g\. 90m, 24h, 7d \(default: 24h\)/);
});

test('13: tables fit an 80-column terminal; --json and jsonl keep the full values', { timeout: 600_000 }, async () => {
  const out = join(work, 'narrow');
  const res = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', out], { env: { COLUMNS: '80' } });
  assert.equal(res.code, 3, res.stderr);
  for (const line of res.stdout.split('\n')) assert.ok([...line].length <= 80 || /^(Snapshot|manifest\.json SHA-256)/.test(line), `too wide: ${line}`);
  assert.match(res.stdout, /…/, 'long gap messages are cut to the width');
  const bundle = join(out, (await readdir(out))[0]!);
  const table = await runCli(['timeline', bundle], { env: { COLUMNS: '80' } });
  assert.equal(table.code, 0, table.stderr);
  for (const line of table.stdout.split('\n')) assert.ok([...line].length <= 80, `too wide: ${line}`);
  const jsonl = await runCli(['timeline', bundle, '--format', 'jsonl'], { env: { COLUMNS: '80' } });
  const longest = Math.max(...jsonl.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { Summary: string }).Summary.length));
  assert.ok(longest > 80, 'the JSON lines hold summaries longer than the table can show');
});

test('11: the manifest digest still matches after a shape edit, and the shape is still refused', async () => {
  // An attacker who recomputes the digest still cannot smuggle a non-string path past verify.
  const bundle = await smallBundle();
  const m = JSON.parse(await readFile(join(bundle, MANIFEST_FILE), 'utf8'));
  m.files.push({ path: ['raw', '..'], size: 1, sha256: 'x' });
  m.manifestDigest = computeManifestDigest(m);
  await writeFile(join(bundle, MANIFEST_FILE), JSON.stringify(m));
  const res = await runCli(['verify', bundle]);
  assert.equal(res.code, 1);
  assert.match(res.stdout, /files\[\d\]\.path is missing or has the wrong type/);
  await mkdir(join(work, 'unused'), { recursive: true });
});

test('11: kql --limit 100 asks the portal for exactly 100 rows', async () => {
  const res = await runCli(['kql', '--limit', '100']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /\n\| take 100\n/);
  assert.doesNotMatch(res.stdout, /take 101/);
});

test('10: collect with an exec plugin that prints a bare token: exit 2, the token never printed', async () => {
  const d = await mkdtemp(join(work, 'plugin-'));
  const plugin = join(d, 'plugin');
  await writeFile(plugin, `#!${process.execPath}\nprocess.stdout.write('S3CR3T-RAW');\n`, { mode: 0o755 });
  const kc = (await readFile(kubeconfig, 'utf8')).replace(/token: .*/, `exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ${JSON.stringify(plugin)}}`);
  await writeFile(join(d, 'kc.yaml'), kc);
  const res = await runCli(['collect', '--kubeconfig', join(d, 'kc.yaml'), '--out', join(d, 'out')]);
  assert.equal(res.code, 2, res.stderr);
  assertOneSentence(res, /did not print an ExecCredential: its output is not JSON \(not shown, as it may hold a token\)/);
  assert.ok(!res.stderr.includes('S3CR3T') && !res.stdout.includes('S3CR3T'));
});
