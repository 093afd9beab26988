// The cluster layer through the real @kubernetes/client-node against the Kubernetes API
// emulator: pagination with 410 restarts, 401, cancellation, logs (previous, huge line,
// non-UTF-8 bytes) and exec outcomes (success, non-zero exit, distroless, forbidden, bound).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.js';
import { connectCluster } from '../../../src/core/cluster/connect.js';
import { KubeApiError } from '../../../src/core/cluster/errors.js';
import type { ClusterApi, LogRequest } from '../../../src/core/cluster/api.js';
import { KubeClusterApi } from '../../../src/core/cluster/client.js';
import { timestampEnd } from '../../../src/core/cluster/logFormat.js';
import { RAW_DIR, RawStore, readRawBody, type AcquisitionEntry } from '../../../src/core/evidence/raw.js';
import { readAcquisitionIndex } from '../../../src/core/derive/index.js';
import { logStreams, readStreamLines } from '../../../src/core/derive/logs.js';
import { tempDir } from '../../support/tempDir.js';

const POD_COUNT = 25;

function scenario(): string {
  const pods = Array.from({ length: POD_COUNT }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${String(i).padStart(2, '0')}`, namespace: 'default', uid: `uid-${i}`, creationTimestamp: '${now-1h}', managedFields: [{ manager: 'kubectl' }] },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'c', restartCount: 0, state: { running: { startedAt: '${now-1h}' } } }] },
  }));
  const data = {
    apiVersion: 'kubeforensys.dev/emulator-v1',
    kind: 'KubeForenSysEmulatorData',
    cluster: 'client-test',
    containers: [
      {
        namespace: 'default',
        pod: 'p00',
        container: 'c',
        logs: [
          '${now-10m} first line',
          { time: '${now-9m}', text: 'Z', repeat: 1_500_000 },
          { time: '${now-8m}', base64: Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe, 0x21]).toString('base64') },
        ],
        files: [{ path: '/data/big', content: '0123456789', repeat: 100_000 }],
      },
      { namespace: 'default', pod: 'p01', container: 'c', distroless: true },
    ],
  };
  return [...pods, data].map((d) => stringify(d)).join('---\n');
}

let emu: KubeEmulator;
let kubeconfig: string;
let api: ClusterApi;
/** The raw evidence every request of `api` is recorded into. */
let rawDir: string;
let store: RawStore;
const signal = new AbortController().signal;

before(async () => {
  const dir = await tempDir('kfs-client-');
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, scenario());
  emu = await startKubeEmulator({ scenario: file });
  kubeconfig = join(dir, 'kubeconfig.yaml');
  await emu.writeKubeconfig(kubeconfig);
  const conn = await connectCluster({ kubeconfig, signal });
  api = conn.api;
  assert.equal(conn.identity.identity, emu.scenario.auth.username);
  assert.equal(conn.identity.server, emu.url.replace(/\/$/, ''));
  rawDir = join(dir, 'bundle');
  await mkdir(join(rawDir, RAW_DIR), { recursive: true });
  store = new RawStore(rawDir);
  await api.attachRaw(store);
});

after(async () => {
  await emu?.close();
});

test('lists are paginated, return plain JSON without managedFields, and restart cleanly on 410 Expired', async () => {
  const clean = await api.list('pods', { signal, pageSize: 10 });
  assert.equal(clean.length, POD_COUNT);
  assert.equal(typeof clean[0]!.metadata?.creationTimestamp, 'string', 'timestamps stay strings as kubectl shows them');
  assert.ok(!('managedFields' in (clean[0]!.metadata ?? {})));

  const seen = emu.requestLog.length;
  emu.faults.expireContinue('pods', 2);
  const pages: number[] = [];
  const names: string[] = [];
  for await (const page of api.listPages('pods', { signal, pageSize: 10 })) {
    pages.push(page.length);
    names.push(...page.map((p) => p.metadata!.name!));
  }
  assert.equal(names.length, POD_COUNT, 'every pod once');
  assert.equal(new Set(names).size, POD_COUNT, 'no pod twice');
  const requests = emu.requestLog.slice(seen).filter((r) => r.path.startsWith('/api/v1/pods'));
  assert.ok(requests.some((r) => r.status === 410), 'the emulator answered 410 once');
  assert.ok(requests.filter((r) => !r.path.includes('continue=')).length >= 2, 'the list restarted from the start');
});

test('a wrong token is a 401 naming the server, user and context', async () => {
  const dir = await tempDir('kfs-401-');
  const bad = join(dir, 'kc.yaml');
  await writeFile(bad, emu.kubeconfigYaml.replace(emu.scenario.auth.token, 'expired-token'));
  await assert.rejects(connectCluster({ kubeconfig: bad, signal }), (err: unknown) => {
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.status, 401);
    assert.match(err.message, /rejected the credentials of user client-test in context client-test \(401 Unauthorized\)/);
    assert.ok(err.message.includes(emu.url.replace(/\/$/, '')));
    return true;
  });
});

test('cancelling a call in flight rejects it as aborted', async () => {
  const remove = emu.faults.delay(5000, '/api/v1/namespaces');
  try {
    const ctl = new AbortController();
    const p = api.list('namespaces', { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 50);
    await assert.rejects(p, (err: unknown) => err instanceof KubeApiError && err.reason === 'Aborted');
  } finally {
    remove();
  }
});

/** Fetches a log into the raw evidence, then reads its lines back as the derivation does. */
async function readLog(req: Omit<LogRequest, 'signal'>) {
  const fetched = await api.fetchLog({ ...req, signal });
  await store.flush();
  const stream = logStreams(await readAcquisitionIndex(rawDir))
    .filter((s) => s.namespace === req.namespace && s.pod === req.pod && s.container === req.container && s.previous === req.previous)
    .at(-1)!;
  const lines: Buffer[] = [];
  await readStreamLines(rawDir, stream, (buf, start, end) => lines.push(Buffer.from(buf.subarray(start, end))));
  return { fetched, stream, lines };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const rawBody = (entry: AcquisitionEntry) => readRawBody(rawDir, entry);

test('logs stream into the raw evidence as served: a 1.5 MB line and non-UTF-8 bytes arrive intact', async () => {
  const { fetched, stream, lines } = await readLog({ namespace: 'default', pod: 'p00', container: 'c', previous: false });
  assert.deepEqual([fetched.outcome, fetched.attempts, fetched.message], ['ok', 1, '']);
  const [entry] = stream.attempts;
  assert.equal(stream.attempts.length, 1);
  assert.equal(entry!.status, 200);
  assert.equal(entry!.complete, true);
  assert.match(entry!.path, /\/api\/v1\/namespaces\/default\/pods\/p00\/log\?.*timestamps=true/);
  const body = await rawBody(entry!);
  assert.equal(body.length, fetched.bytes, 'every byte received is in the raw file');
  assert.equal(entry!.sha256, sha256(body), 'the index holds the hash of the raw file');
  assert.match(entry!.file!, /^raw\/\d{6}\.log$/, 'a stream too big for the pack has a file of its own');
  assert.equal(entry!.offset, 0);
  await emu.settled();
  const served = emu.requests.filter((q) => q.path === entry!.path).at(-1)!;
  assert.deepEqual([served.bytes, served.sha256], [body.length, entry!.sha256], 'the raw file is the body the server sent');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!.toString('utf8'), /^\d{4}-\d\d-\d\dT[\d:.]+Z first line$/);
  assert.ok(lines[1]!.length > 1_500_000 && lines[1]!.subarray(-1000).equals(Buffer.alloc(1000, 'Z')));
  // The non-UTF-8 line is kept as its exact bytes, after the kubelet's timestamp.
  const tsEnd = timestampEnd(lines[2]!, 0, lines[2]!.length);
  assert.ok(tsEnd > 0, 'the line starts with a timestamp');
  assert.deepEqual(lines[2]!.subarray(tsEnd + 1), Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe, 0x21]));
  assert.equal(isUtf8(lines[2]!), false);
  assert.deepEqual(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])), body, 'the lines are the raw body, split at newlines');
});

test('asking for a previous log that does not exist is a 400 whose Status message is kept', async () => {
  const { fetched, stream, lines } = await readLog({ namespace: 'default', pod: 'p00', container: 'c', previous: true });
  assert.deepEqual([fetched.outcome, fetched.attempts, fetched.message], ['no-log', 1, ''], 'no previous instance is not a failure');
  assert.equal(stream.attempts.length, 1, 'a 400 is not retried');
  const entry = stream.attempts[0]!;
  assert.equal(entry.status, 400);
  assert.equal(entry.ref.previous, true);
  assert.match(entry.path, /previous=true/);
  assert.match(entry.error ?? '', /previous terminated container "c" in pod "p00" not found/);
  const status = JSON.parse((await rawBody(entry)).toString('utf8')) as { kind: string; code: number; message: string };
  assert.equal(status.kind, 'Status');
  assert.equal(status.code, 400);
  assert.match(status.message, /previous terminated container "c" in pod "p00" not found/, 'the raw body is the Status the server sent');
  assert.deepEqual(lines, [], 'a refusal derives no log line');
});

test('exec: success, non-zero exit, a missing binary, the byte bound, and exec forbidden', async () => {
  const base = { namespace: 'default', container: 'c', timeoutMs: 20_000, signal };
  const ok = await api.exec({ ...base, pod: 'p00', command: ['ls', '-1', '/'], maxBytes: 4096 });
  assert.equal(ok.outcome, 'ok');
  assert.equal(ok.exitCode, 0);
  assert.match(ok.stdout.toString(), /^data$/m);

  const missing = await api.exec({ ...base, pod: 'p00', command: ['cat', '/no/such/file'], maxBytes: 4096 });
  assert.equal(missing.outcome, 'nonzero-exit');
  assert.equal(missing.exitCode, 1);
  assert.match(missing.stderr, /No such file/);

  const distroless = await api.exec({ ...base, pod: 'p01', command: ['cat', '/etc/passwd'], maxBytes: 4096 });
  assert.equal(distroless.outcome, 'binary-missing');

  const bounded = await api.exec({ ...base, pod: 'p00', command: ['cat', '/data/big'], maxBytes: 1000 });
  assert.equal(bounded.outcome, 'ok');
  assert.equal(bounded.truncated, true);
  assert.equal(bounded.stdout.length, 1000);

  const remove = emu.faults.forbidExec();
  try {
    const denied = await api.exec({ ...base, pod: 'p00', command: ['ls'], maxBytes: 4096 });
    assert.equal(denied.outcome, 'forbidden');
    assert.match(denied.message, /forbidden/);
  } finally {
    remove();
  }
});

test('a server certificate the kubeconfig does not trust is one TLS sentence naming the server', async () => {
  const dir = await tempDir('kfs-tls-');
  const untrusted = join(dir, 'kc.yaml');
  // Without the emulator's CA, its certificate chains to nothing the client trusts.
  await writeFile(untrusted, emu.kubeconfigYaml.replace(/certificate-authority-data: .*/, ''));
  await assert.rejects(connectCluster({ kubeconfig: untrusted, signal }), (err: unknown) => {
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.reason, 'TLSError');
    assert.match(err.message, /failed TLS verification/);
    assert.ok(err.message.includes(emu.url.replace(/\/$/, '')));
    return true;
  });
});

test('exec whose connection drops before a status is a failure, not a hang', async () => {
  const remove = emu.faults.drop('^/api/v1/namespaces/default/pods/p00/exec');
  try {
    const r = await api.exec({ namespace: 'default', pod: 'p00', container: 'c', command: ['ls'], maxBytes: 4096, timeoutMs: 20_000, signal });
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /exec into default\/p00\/c/);
  } finally {
    remove();
  }
});

test('exec works over the v4 channel protocol too (older API servers)', async () => {
  const dir = await tempDir('kfs-v4-');
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, scenario().replace('cluster: client-test', 'cluster: client-test\nexecProtocols: [v4.channel.k8s.io]'));
  const v4 = await startKubeEmulator({ scenario: file });
  try {
    const kc = join(dir, 'kc.yaml');
    await v4.writeKubeconfig(kc);
    const { api: v4api } = await connectCluster({ kubeconfig: kc, signal });
    const base = { namespace: 'default', pod: 'p00', container: 'c', maxBytes: 4096, timeoutMs: 20_000, signal };
    const ok = await v4api.exec({ ...base, command: ['ls', '-1', '/'] });
    assert.equal(ok.outcome, 'ok');
    assert.match(ok.stdout.toString(), /^data$/m);
    const failed = await v4api.exec({ ...base, command: ['cat', '/nope'] });
    assert.deepEqual([failed.outcome, failed.exitCode], ['nonzero-exit', 1]);
  } finally {
    await v4.close();
  }
});

test('an exec credential plugin (as kubelogin in azurecli mode) supplies the token', async () => {
  const dir = await tempDir('kfs-execplugin-');
  const plugin = join(dir, 'fake-credential-plugin');
  const credential = { apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: emu.scenario.auth.token } };
  await writeFile(plugin, `#!${process.execPath}\nprocess.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`, { mode: 0o755 });
  const kc = join(dir, 'kc.yaml');
  const yaml = emu.kubeconfigYaml.replace(
    /token: .*/,
    `exec:\n        apiVersion: client.authentication.k8s.io/v1beta1\n        command: ${plugin}\n        args: [get-token, --login, azurecli]\n        interactiveMode: Never`,
  );
  assert.ok(!yaml.includes('token:') && yaml.includes(plugin), 'the kubeconfig holds no token, only the plugin');
  await writeFile(kc, yaml);
  const conn = await connectCluster({ kubeconfig: kc, signal });
  assert.equal(conn.identity.identity, emu.scenario.auth.username);
  assert.equal((await conn.api.list('pods', { signal })).length, POD_COUNT);
});

test('an exec that hangs before the upgrade is cut by its timeout', async () => {
  const remove = emu.faults.delay(3000, '/api/v1/namespaces/default/pods/p00/exec');
  try {
    const r = await api.exec({ namespace: 'default', pod: 'p00', container: 'c', command: ['ls'], maxBytes: 4096, timeoutMs: 200, signal });
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /timed out/);
  } finally {
    remove();
  }
});

test('an API call that gets no answer fails with a timeout instead of hanging the snapshot', async () => {
  const client = api as KubeClusterApi;
  const remove = emu.faults.delay(3000, '/api/v1/namespaces');
  client.callTimeoutMs = 200;
  try {
    await assert.rejects(api.list('namespaces', { signal }), (err: unknown) => {
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.reason, 'Timeout');
      assert.match(err.message, /listing namespaces timed out/);
      return true;
    });
  } finally {
    client.callTimeoutMs = 120_000;
    remove();
  }
});

test('a log request that gets no answer is given up after the idle timeout', async () => {
  const client = api as KubeClusterApi;
  const remove = emu.faults.delay(3000, '/api/v1/namespaces/default/pods/p00/log');
  const policy = client.retryPolicy;
  client.logIdleTimeoutMs = 200;
  client.retryPolicy = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 };
  try {
    const started = Date.now();
    const { fetched, stream, lines } = await readLog({ namespace: 'default', pod: 'p00', container: 'c', previous: false });
    assert.ok(Date.now() - started < 2500, 'given up long before the server would have answered');
    assert.equal(fetched.outcome, 'failed');
    assert.equal(fetched.attempts, 2, 'a stall is transient: tried again, then given up');
    assert.match(fetched.message, /stalled: no data/);
    assert.match(fetched.message, /gave up after 2 attempt/);
    assert.equal(stream.attempts.length, 2, 'every attempt is in the acquisition index');
    for (const e of stream.attempts) {
      assert.deepEqual([e.status, e.reason, e.complete, e.bytes], [0, 'Timeout', false, 0]);
      assert.match(e.error ?? '', /stalled: no data/);
    }
    assert.deepEqual(stream.attempts.map((e) => e.attempt), [1, 2]);
    assert.deepEqual(lines, []);
  } finally {
    client.logIdleTimeoutMs = 120_000;
    client.retryPolicy = policy;
    remove();
  }
});

test('inside a pod with no kubeconfig, the service account token and CA are used, as kubectl does', async () => {
  const root = await tempDir('kfs-incluster-');
  const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  await mkdir(sa, { recursive: true });
  await writeFile(join(sa, 'token'), emu.scenario.auth.token);
  await writeFile(join(sa, 'ca.crt'), emu.caPem);
  await writeFile(join(sa, 'namespace'), 'kube-system');
  const url = new URL(emu.url);
  const conn = await connectCluster({
    signal,
    env: { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port },
    home: join(root, 'home-without-kube-config'),
    inClusterRoot: root,
  });
  assert.equal(conn.identity.context, 'inClusterContext');
  assert.equal(conn.identity.identity, emu.scenario.auth.username);
  assert.equal((await conn.api.list('pods', { signal })).length, POD_COUNT);
});
