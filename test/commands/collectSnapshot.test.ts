import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { takeSnapshot, type SnapshotDeps, type SnapshotRequest } from '../../src/core/snapshot.js';
import { verifyBundle } from '../../src/core/evidence/verify.js';
import { ARTIFACT_IDS, type ArtifactId } from '../../src/core/schema/artifacts.js';
import { clusterEvents, podInventory } from '../../src/core/schema/tables.js';
import type { Collector, CollectorEvent } from '../../src/core/collectors/types.js';
import type { ClusterApi } from '../../src/core/cluster/api.js';
import { ReplayClusterApi } from '../../src/core/derive/replay.js';
import { collectSnapshot, SUMMARY_BUTTONS } from '../../src/commands/collectSnapshot.js';
import { MANIFEST_FILE } from '../../src/core/evidence/manifest.js';
import { runCommand, testContext, type TestContext } from '../extension/fakes.js';
import { CMD } from '../../src/host/ids.js';
import { TWO_CONTEXTS, writeKubeconfig } from '../extension/kubeconfigFixture.js';
import { tempDir } from '../support/tempDir.js';

const row = (over: Record<string, unknown>) => ({ EventType: 'X', Namespace: 'ns', PodName: 'p', ContainerName: '', Summary: 's', Severity: '', TechniqueId: '', EventTime: '2026-11-27T01:00:00.0000000Z', ...over });

/**
 * The real snapshot orchestrator and bundle writer over a stand-in cluster: events yields two
 * rows; the pod inventory yields one, then calls `midway` and waits until it is aborted.
 */
function orchestrator(midway: () => void, seen: { req?: SnapshotRequest }) {
  const collectors = Object.fromEntries(
    ARTIFACT_IDS.map((id): [ArtifactId, Collector] => {
      if (id === 'events')
        return [id, { artifact: id, async *collect(): AsyncIterable<CollectorEvent> {
          yield { kind: 'row', table: clusterEvents.name, row: row({ Reason: 'Scheduled' }) as never };
          yield { kind: 'progress', done: 1, total: 2 };
          yield { kind: 'row', table: clusterEvents.name, row: row({ Reason: 'Pulled' }) as never };
        } }];
      if (id === 'podInventory')
        return [id, { artifact: id, async *collect(ctx): AsyncIterable<CollectorEvent> {
          yield { kind: 'row', table: podInventory.name, row: row({ EventType: 'PodCreated' }) as never };
          yield { kind: 'progress', done: 1, total: 40 };
          // Replayed for the derivation: what it had by the cancel is all there is.
          if (ctx.cluster instanceof ReplayClusterApi) return;
          midway();
          await new Promise((_r, reject) => {
            if (ctx.signal.aborted) reject(ctx.signal.reason);
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
          });
        } }];
      return [id, { artifact: id, async *collect(): AsyncIterable<CollectorEvent> {} }];
    }),
  ) as Record<ArtifactId, Collector>;
  const deps: SnapshotDeps = {
    connect: async (req) => ({
      api: { attachRaw: async () => undefined } as unknown as ClusterApi,
      identity: { context: req.context ?? '?', cluster: 'aks-prod-weu', server: 'https://127.0.0.1:6443', user: 'u', identity: null, serverVersion: null, kubeconfigFiles: [] },
    }),
    createObjectCache: () => ({ list: async () => ({ items: [], gaps: [] }) }),
    collectors,
  };
  return (req: SnapshotRequest, run: Parameters<typeof takeSnapshot>[1]) => {
    seen.req = req;
    return takeSnapshot(req, run, deps);
  };
}

async function setup(): Promise<{ cc: TestContext; seen: { req?: SnapshotRequest }; evidence: string }> {
  const kubeconfig = await writeKubeconfig('config', TWO_CONTEXTS);
  const evidence = await tempDir('kfs-evidence-');
  const seen: { req?: SnapshotRequest } = {};
  const cc: TestContext = testContext({
    user: { 'kubeforensys.kubeconfig': kubeconfig, 'kubeforensys.evidenceFolder': evidence, 'kubeforensys.sinceHours': 2, 'kubeforensys.collection.execEnabled': false, 'kubeforensys.excludeNamespaces': ['kube-public'] },
    core: { takeSnapshot: orchestrator(() => cc.ui.progress[0]!.token.cancel(), seen) },
  });
  return { cc, seen, evidence };
}

test('Cancel in the progress notification aborts core\'s signal; the bundle is sealed, verifies, and the summary offers its buttons', async () => {
  const { cc, seen, evidence } = await setup();
  await cc.state.selectContext('aks-prod-weu');
  await cc.state.setArtifactsChecked([{ artifact: 'containerLogs', checked: false }]);

  const result = await collectSnapshot(cc);
  assert.ok(result, 'a cancelled collection still yields its bundle');
  const p = cc.ui.progress[0]!;
  assert.equal(p.cancellable, true);
  assert.equal(p.title, 'KubeForenSys: collecting from aks-prod-weu');
  assert.equal(p.token.isCancellationRequested, true);

  // What core was asked for: the picked context, the ticked artifacts, the settings.
  assert.equal(seen.req!.context, 'aks-prod-weu');
  assert.equal(seen.req!.outDir, evidence);
  assert.deepEqual(seen.req!.options!.artifacts, ARTIFACT_IDS.filter((a) => a !== 'containerLogs'));
  assert.equal(seen.req!.options!.sinceSeconds, 7200);
  assert.equal(seen.req!.options!.execEnabled, false);
  assert.deepEqual(seen.req!.options!.excludeNamespaces, ['kube-public']);

  // Progress names the artifact in progress and its units of work (rows are counted when they
  // are derived from the raw evidence, at the seal).
  const messages = p.reports.map((r) => r.message);
  assert.ok(messages.some((msg) => msg?.startsWith(`Cluster events (1/${ARTIFACT_IDS.length - 1}): 1/2 · `)), messages.join('\n'));
  assert.ok(messages.some((msg) => msg?.startsWith(`Pod inventory (2/${ARTIFACT_IDS.length - 1}): 1/40 · `)), messages.join('\n'));

  const m = result.manifest;
  assert.equal(m.status, 'cancelled');
  assert.equal(m.artifacts.events?.records, 2);
  assert.equal(m.artifacts.podInventory?.status, 'cancelled');
  assert.equal(m.artifacts.podInventory?.records, 1, 'what it had by the cancel is kept');
  // After events the artifacts run side by side: the ones that had ended by the cancel keep their status.
  assert.equal(m.artifacts.cronJobs?.status, 'ok');
  assert.equal((await verifyBundle(result.bundleDir)).ok, true);

  const summary = cc.ui.shown.at(-1)!;
  assert.equal(summary.level, 'warning');
  assert.match(summary.message, new RegExp(`Collection cancelled; the bundle holds what was collected: 3 records from ${ARTIFACT_IDS.length - 1} artifacts`));
  assert.deepEqual(summary.buttons, [SUMMARY_BUTTONS.openTimeline, SUMMARY_BUTTONS.reveal, SUMMARY_BUTTONS.showLog]);
  assert.equal(cc.state.bundle?.dir, result.bundleDir, 'the tree now shows the new bundle');
  assert.ok(cc.log.lines.some((l) => l.startsWith('warn collection cancelled by the user')));
});

test('the summary buttons open the timeline of the new bundle, reveal it, and show the log', async () => {
  for (const [button, check] of [
    [SUMMARY_BUTTONS.openTimeline, (cc: TestContext, dir: string) => assert.deepEqual(cc.timeline.opened, [{ source: { kind: 'local', bundleDir: dir }, filter: undefined }])],
    [SUMMARY_BUTTONS.reveal, (cc: TestContext, dir: string) => assert.deepEqual(cc.ui.revealed, [join(dir, MANIFEST_FILE)])],
    [SUMMARY_BUTTONS.showLog, (cc: TestContext) => assert.equal(cc.log.shown, 1)],
  ] as const) {
    const { cc } = await setup();
    cc.ui.answer = (s) => (s.buttons.includes(button) ? button : undefined);
    const result = await collectSnapshot(cc);
    // The summary is shown without blocking the command; let its button handler run.
    await new Promise((r) => setImmediate(r));
    check(cc, result!.bundleDir);
  }
});

test('a missing kubeconfig stops the collection with one clear error', async () => {
  const cc = testContext({ user: { 'kubeforensys.kubeconfig': '/nonexistent/kubeconfig' } });
  cc.ui.answer = () => 'Select Cluster Context';
  const called: unknown[] = [];
  cc.core.takeSnapshot = async () => {
    called.push(1);
    throw new Error('must not be called');
  };
  assert.equal(await collectSnapshot(cc), undefined);
  assert.equal(called.length, 0);
  assert.equal(cc.ui.shown[0]!.level, 'error');
  assert.match(cc.ui.shown[0]!.message, /cannot read the kubeconfig: .*\/nonexistent\/kubeconfig/);
});

test('a kubeconfig without current-context asks for a context and opens the picker', async () => {
  const kubeconfig = await writeKubeconfig('config', TWO_CONTEXTS.replace('current-context: kind-lab', 'current-context: ""'));
  const cc = testContext({ user: { 'kubeforensys.kubeconfig': kubeconfig } });
  cc.ui.answer = (s) => s.buttons[0];
  assert.equal(await collectSnapshot(cc), undefined);
  assert.match(cc.ui.shown[0]!.message, /no cluster context to collect from/);
  assert.deepEqual(cc.ui.commands, [{ id: 'kubeforensys.selectContext', args: [] }]);
});

test('a collection failure is shown once with the log at hand', async () => {
  const { cc } = await setup();
  cc.core.takeSnapshot = async () => {
    throw new Error('Cannot reach https://127.0.0.1:6443 (context kind-lab): connect ECONNREFUSED.');
  };
  cc.ui.answer = () => SUMMARY_BUTTONS.showLog;
  assert.equal(await runCommand(cc, CMD.collect), undefined);
  assert.equal(cc.ui.shown.length, 1);
  assert.match(cc.ui.shown[0]!.message, /collection from kind-lab failed: Cannot reach/);
  assert.equal(cc.log.shown, 1);
});
