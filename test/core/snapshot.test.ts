// The orchestrator's own rules, with scripted collectors: failure isolation, gap reporting and
// cancellation. (The full path through the real client is covered against the emulator.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { takeSnapshot, type SnapshotDeps } from '../../src/core/snapshot.js';
import { ARTIFACT_IDS, type ArtifactId } from '../../src/core/schema/artifacts.js';
import { clusterEvents, cronJobs } from '../../src/core/schema/tables.js';
import type { Collector, CollectorEvent } from '../../src/core/collectors/types.js';
import { verifyBundle } from '../../src/core/evidence/verify.js';
import { TOOL_VERSION } from '../../src/core/version.js';
import { ReplayClusterApi } from '../../src/core/derive/replay.js';
import { tempDir } from '../support/tempDir.js';

function deps(behaviour: Partial<Record<ArtifactId, (signal: AbortSignal) => AsyncIterable<CollectorEvent>>>): SnapshotDeps {
  const collectors = Object.fromEntries(
    // A derivation replays the collector over the raw evidence: the scripted one then runs as if
    // already cancelled, so it yields what it yielded before its wait and stops.
    ARTIFACT_IDS.map((id) => [id, { artifact: id, collect: (ctx) => (behaviour[id] ?? (async function* () {}))(ctx.cluster instanceof ReplayClusterApi ? AbortSignal.abort() : ctx.signal) } satisfies Collector]),
  ) as Record<ArtifactId, Collector>;
  return {
    connect: async () => ({
      api: { contextName: 'test', attachRaw: async () => undefined } as never,
      identity: { context: 'test', cluster: 'test-cluster', server: 'https://127.0.0.1:6443', user: 'u', identity: 'system:admin', serverVersion: 'v1.30.0', kubeconfigFiles: [] },
    }),
    createObjectCache: () => ({ list: async () => ({ items: [], gaps: [] }) }),
    collectors,
  };
}

const eventRow = (n: number): CollectorEvent => ({
  kind: 'row',
  table: clusterEvents.name,
  row: { EventTime: null, EventType: 'K8sEvent', Namespace: 'ns', PodName: '', ContainerName: '', Summary: `e${n}`, Severity: '', TechniqueId: '' } as never,
});

test('one failing and one forbidden artifact do not stop the others, and each gap is in the manifest', async () => {
  const out = await tempDir('kfs-snap-');
  const result = await takeSnapshot(
    { outDir: out },
    { signal: new AbortController().signal },
    deps({
      events: async function* () {
        yield eventRow(1);
        yield eventRow(2);
      },
      // eslint-disable-next-line require-yield
      cronJobs: async function* () {
        throw new Error('boom: the API server answered 500');
      },
      networkPolicies: async function* () {
        yield { kind: 'gap', gap: { artifact: 'networkPolicies', scope: 'networkpolicies (all namespaces)', status: 'forbidden', message: 'networkpolicies is forbidden' } };
      },
      rbac: async function* () {
        yield { kind: 'row', table: cronJobs.name, row: { Summary: 'x' } as never };
        yield { kind: 'gap', gap: { artifact: 'rbac', scope: 'roles in ns a', status: 'forbidden', message: 'roles is forbidden' } };
      },
    }),
  );
  const m = result.manifest;
  assert.equal(m.status, 'partial');
  assert.equal(m.tool.version, TOOL_VERSION);
  assert.equal(m.artifacts.events?.status, 'ok');
  assert.equal(m.artifacts.events?.records, 2);
  assert.equal(m.artifacts.cronJobs?.status, 'failed');
  assert.match(m.artifacts.cronJobs?.error ?? '', /answered 500/);
  assert.equal(m.artifacts.networkPolicies?.status, 'forbidden');
  assert.equal(m.artifacts.rbac?.status, 'partial');
  assert.equal(m.artifacts.podInventory?.status, 'ok');
  assert.equal((await verifyBundle(result.bundleDir)).ok, true);
  const log = await readFile(join(result.bundleDir, 'collection.log'), 'utf8');
  assert.match(log, /cronJobs: failed: boom/);
  assert.match(log, /networkPolicies: forbidden/);
});

test('cancelling mid-artifact seals a bundle that verifies and is marked cancelled', async () => {
  const out = await tempDir('kfs-snap-');
  const controller = new AbortController();
  const result = await takeSnapshot(
    { outDir: out },
    { signal: controller.signal },
    deps({
      events: async function* (signal) {
        for (let i = 0; ; i++) {
          if (i === 50) controller.abort();
          yield eventRow(i);
          // Live, the orchestrator stops it after row 50; replayed, it ends there by itself.
          if (signal.aborted && i >= 50) return;
        }
      },
    }),
  );
  assert.equal(result.manifest.status, 'cancelled');
  assert.equal(result.manifest.artifacts.events?.status, 'cancelled');
  assert.equal(result.manifest.artifacts.events?.records, 51);
  assert.equal(result.manifest.artifacts.networkPolicies?.status, 'cancelled');
  assert.equal((await verifyBundle(result.bundleDir)).ok, true);
});

test('the tool version matches package.json', async () => {
  const pkg = JSON.parse(await readFile('package.json', 'utf8'));
  assert.equal(TOOL_VERSION, pkg.version);
});
