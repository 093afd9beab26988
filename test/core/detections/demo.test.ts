// The demo scenario (a compromised AKS cluster): every planted attack step that lives in the
// cluster's objects comes out with its Threat Matrix technique, the AKS system pods as baseline,
// offline through `scan` and online through a collection into the bundle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { detectAll, parseManifests, type Finding } from '../../../src/core/detections/index.js';
import { runScan, type ScanIO } from '../../../src/cli/scan.js';
import { takeSnapshot } from '../../../src/core/snapshot.js';
import { openBundle } from '../../../src/core/evidence/reader.js';
import { startKubeEmulator, resolveRelativeTimes, type KubeEmulator } from '../../emulators/kube/index.js';
import { suspiciousPods, rbacFindings, type RbacFindingRow, type SuspiciousPodRow } from '../../../src/core/schema/tables.js';
import { OPTS } from './helpers.js';
import { tempDir } from '../../support/tempDir.js';

const DEMO = resolve('test/emulators/kube/scenarios/demo.yaml');
const NOW = new Date('2026-11-27T03:00:00Z');

let demo: Finding[] = [];
before(async () => {
  const text = resolveRelativeTimes(await readFile(DEMO, 'utf8'), NOW);
  demo = detectAll(parseManifests(text, DEMO).map((l) => l.object), { ...OPTS, now: NOW });
});

const on = (fs: Finding[], kind: string, name: string) => fs.filter((f) => f.resource.kind === kind && f.resource.name === name);
const rules = (fs: Finding[]) => new Set(fs.map((f) => `${f.ruleId} ${f.techniqueId}`));

test('step: privileged bare pod node-debugger mounting the host root', () => {
  const fs = on(demo, 'Pod', 'node-debugger');
  const got = rules(fs);
  for (const want of [
    'POD-PRIVILEGED MS-TA9018',
    'POD-HOST-PID MS-TA9018',
    'POD-HOST-NETWORK MS-TA9018',
    'POD-HOSTPATH-SENSITIVE MS-TA9013',
    'POD-HOSTPATH-WRITABLE MS-TA9013',
    'POD-MOUNT-SERVICE-PRINCIPAL MS-TA9026',
    'POD-NO-OWNER MS-TA9008',
    'POD-RISKY-SA-TOKEN MS-TA9016',
  ]) assert.ok(got.has(want), want);
  assert.ok(fs.every((f) => !f.baseline && f.resource.namespace === 'default'));
  assert.equal(fs[0]!.eventTime, '2026-11-27T02:20:00.0000000Z', 'EventTime is the pod\'s creationTimestamp (now-40m)');
});

test('step: crypto-miner cron job hidden in kube-system, and the pod its job ran', () => {
  const cron = rules(on(demo, 'CronJob', 'kube-metrics-sync'));
  for (const want of ['POD-CRYPTO-MINER MS-TA9039', 'POD-CRONJOB-PERSISTENCE MS-TA9014', 'POD-KUBE-SYSTEM-FOREIGN-IMAGE MS-TA9023']) assert.ok(cron.has(want), want);
  assert.deepEqual(on(demo, 'Job', 'kube-metrics-sync-28391234'), [], 'the Job repeats its CronJob\'s template: not reported twice');
  const pod = demo.filter((f) => f.resource.kind === 'Pod' && f.resource.name.startsWith('kube-metrics-sync-28391234'));
  assert.ok(rules(pod).has('POD-CRYPTO-MINER MS-TA9039'));
});

test('step: ClusterRoleBinding default-admin gives default/default cluster-admin, marked recent', () => {
  const f = demo.find((x) => x.ruleId === 'RBAC-CLUSTER-ADMIN' && x.resource.name === 'default-admin')!;
  assert.equal(f.techniqueId, 'MS-TA9019');
  assert.deepEqual(f.subject, { kind: 'ServiceAccount', name: 'default', namespace: 'default' });
  assert.equal(f.recent, true);
  assert.equal(f.baseline, false);
});

test('the AKS platform workloads come out as baseline, and nothing else does', () => {
  for (const name of ['kube-proxy', 'csi-azuredisk-node', 'ama-logs']) {
    const fs = on(demo, 'DaemonSet', name);
    assert.ok(fs.length > 0 && fs.every((f) => f.baseline), name);
  }
  const systemPods = demo.filter((f) => f.resource.kind === 'Pod' && /^(kube-proxy|csi-azuredisk-node|ama-logs|coredns|konnectivity-agent)-/.test(f.resource.name));
  assert.ok(systemPods.length > 0 && systemPods.every((f) => f.baseline), 'system pods resolve to their DaemonSet/Deployment owner');
  const baselined = new Set(demo.filter((f) => f.baseline).map((f) => f.resource.namespace));
  assert.deepEqual([...baselined].sort(), ['', 'kube-system'], 'only kube-system workloads and platform RBAC are baseline');
});

test('kubeforensys scan over the demo scenario file lists every planted step with its technique id', async () => {
  const o = { out: '', err: '', cwd: process.cwd(), now: () => NOW } as ScanIO & { out: string; err: string };
  o.stdout = (s) => void (o.out += s);
  o.stderr = (s) => void (o.err += s);
  const code = await runScan([DEMO], { format: 'json', failOn: 'high' }, o);
  assert.equal(code, 1);
  assert.equal(o.err, '', 'the emulator data document is skipped silently');
  const ids = new Set((JSON.parse(o.out) as { techniqueId: string; baseline: boolean }[]).filter((f) => !f.baseline).map((f) => f.techniqueId));
  for (const t of ['MS-TA9018', 'MS-TA9013', 'MS-TA9026', 'MS-TA9008', 'MS-TA9016', 'MS-TA9039', 'MS-TA9014', 'MS-TA9023', 'MS-TA9019', 'MS-TA9006']) assert.ok(ids.has(t), t);
});

let emu: KubeEmulator | undefined;
after(() => emu?.close());

test('after a collection the findings are in the bundle\'s suspiciouspods_CL and rbacfindings_CL tables', async () => {
  emu = await startKubeEmulator({ scenario: DEMO });
  const dir = await tempDir('kfs-detect-');
  try {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    await emu.writeKubeconfig(kubeconfig);
    const signal = AbortSignal.timeout(60_000);
    const { bundleDir, manifest } = await takeSnapshot({ kubeconfig, outDir: join(dir, 'out'), options: { artifacts: ['suspiciousPods', 'rbac'] } }, { signal });
    assert.equal(manifest.artifacts.suspiciousPods?.status, 'ok');
    const bundle = await openBundle(bundleDir);
    const pods: SuspiciousPodRow[] = [];
    for await (const r of bundle.readTable(suspiciousPods.name)) pods.push(r);
    const rbac: RbacFindingRow[] = [];
    for await (const r of bundle.readTable(rbacFindings.name)) rbac.push(r);

    const priv = pods.find((r) => r.RuleId === 'POD-PRIVILEGED' && r.PodName === 'node-debugger')!;
    assert.equal(priv.TechniqueId, 'MS-TA9018');
    assert.equal(priv.EventType, 'Finding');
    assert.equal(priv.Severity, 'high');
    assert.equal(priv.ResourceKind, 'Pod');
    assert.equal(priv.Baseline, false);
    assert.match(priv.EventTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    assert.ok(pods.some((r) => r.RuleId === 'POD-RISKY-SA-TOKEN' && r.PodName === 'node-debugger'), 'token rule ran with the RBAC from the shared cache');
    assert.ok(pods.some((r) => r.Baseline && r.ResourceName === 'kube-proxy'));
    const admin = rbac.find((r) => r.RuleId === 'RBAC-CLUSTER-ADMIN' && r.ResourceName === 'default-admin')!;
    assert.equal(admin.SubjectName, 'default');
    assert.equal(admin.Recent, true, 'created 50 minutes before the snapshot');
    assert.deepEqual(admin.Bindings, ['ClusterRoleBinding/default-admin']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
