// Each Azure source against the Azure emulator through the real SDK clients: found by a private
// FQDN, absent diagnostic settings, every source's 403 as a gap naming the role while the other
// sources are still read, an audit query over the row limit paged by splitting its window, and a
// window that cannot be split reported. Rows are derived from the raw answers recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  startAzureEmulator, demoAksTrail, DEMO_AKS, managedCluster, diagnosticSetting, routeToWorkspaces,
  READ_CLUSTERS, READ_DIAGNOSTIC_SETTINGS, READ_ACTIVITY, READ_ALERTS, type AzureEmulator, type EmulatorOptions, type AuditEvent,
} from '../../../emulators/azure/index.js';
import { RawStore } from '../../../../src/core/evidence/raw.js';
import { readAcquisitionIndex } from '../../../../src/core/derive/index.js';
import { deriveAzureRows } from '../../../../src/core/derive/azure.js';
import { collectAzureSources } from '../../../../src/core/azure/sources/index.js';
import { ADVICE, type AzureCoverage, type CoverageSource } from '../../../../src/core/azure/sources/coverage.js';
import { emulatorConnection } from '../fixtures.js';
import { tempDir } from '../../../support/tempDir.js';

const KUBE = 'https://127.0.0.1:6443';
const HOUR = 3600_000;

interface Run {
  coverage: AzureCoverage;
  rows: Awaited<ReturnType<typeof derive>>;
  queries: number;
}

async function derive(dir: string) {
  const out: { table: string; row: Record<string, unknown> }[] = [];
  for await (const d of deriveAzureRows(dir, await readAcquisitionIndex(dir))) out.push({ table: d.table, row: d.row as unknown as Record<string, unknown> });
  return out;
}

/** Collects the Azure sources of `server` into a fresh raw store and derives their rows. */
async function collect(emu: AzureEmulator, opts: { token?: string; server?: string; aksResourceId?: string; hours?: number } = {}): Promise<Run> {
  const dir = await tempDir('kfs-aks-src-');
  try {
    await mkdir(join(dir, 'raw'));
    const store = new RawStore(dir);
    const to = new Date();
    const coverage = await collectAzureSources(
      { conn: emulatorConnection(emu, opts.token), server: opts.server ?? KUBE, aksResourceId: opts.aksResourceId, from: new Date(to.getTime() - (opts.hours ?? 24) * HOUR), to, signal: new AbortController().signal },
      store,
    );
    await store.seal();
    const entries = await readAcquisitionIndex(dir);
    return { coverage, rows: await derive(dir), queries: entries.filter((e) => e.ref.kind === 'azure' && e.ref.operation === 'query').length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const source = (c: AzureCoverage, id: string): CoverageSource => c.sources.find((s) => s.source === id)!;
const count = (r: Run, table: string) => r.rows.filter((x) => x.table === table).length;

async function withEmu<T>(opts: EmulatorOptions, fn: (emu: AzureEmulator) => Promise<T>): Promise<T> {
  const emu = await startAzureEmulator(opts);
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}

test('a private cluster is found by its private FQDN (an exact host match), not by a decoy', async () => {
  await withEmu({ aks: demoAksTrail({ kubeServerUrl: KUBE, private: true }) }, async (emu) => {
    const r = await collect(emu, { server: 'https://127.0.0.1:443/' });
    assert.equal(r.coverage.cluster?.matchedBy, 'private-fqdn');
    assert.equal(r.coverage.cluster?.resourceId.toLowerCase(), DEMO_AKS.clusterId.toLowerCase());
    assert.ok(count(r, 'kubeaudit_CL') > 0);
    // A host that only starts like the private FQDN is no match.
    const none = await collect(emu, { server: 'https://127.0.0.10:443/' });
    assert.equal(none.coverage.cluster, null);
    assert.match(source(none.coverage, 'cluster').gaps[0]!.message, /None of the 3 managed clusters .* has the API server host 127\.0\.0\.10/);
    assert.ok(none.coverage.sources.filter((s) => s.source !== 'cluster').every((s) => s.gaps[0]?.status === 'skipped'));
  });
});

test('no diagnostic setting: no audit is read, and the report says to enable it now', async () => {
  await withEmu({ aks: demoAksTrail({ kubeServerUrl: KUBE, diagnostics: 'none' }) }, async (emu) => {
    const r = await collect(emu);
    const audit = source(r.coverage, 'audit');
    assert.equal(audit.enabled, false);
    assert.equal(audit.gaps[0]!.advice, ADVICE.auditOff);
    assert.match(audit.gaps[0]!.advice!, /^kube-audit is not sent anywhere: enable diagnostic settings now/);
    assert.equal(r.queries, 0);
    assert.ok(count(r, 'azureactivity_CL') > 0 && count(r, 'securityalerts_CL') === 2, 'the other sources are read');
  });
});

test('legacy AzureDiagnostics: the events in log_s become the same audit rows', async () => {
  const dedicated = await withEmu({ aks: demoAksTrail({ kubeServerUrl: KUBE }) }, (emu) => collect(emu));
  const legacy = await withEmu({ aks: demoAksTrail({ kubeServerUrl: KUBE, diagnostics: 'legacy' }) }, (emu) => collect(emu));
  const key = (r: Run) => r.rows.filter((x) => x.table === 'kubeaudit_CL').map((x) => `${String(x.row.AuditId)} ${String(x.row.Stage)} ${String(x.row.Identity)} ${String(x.row.RequestUri)}`).sort();
  assert.ok(key(legacy).length > 0);
  assert.deepEqual(key(legacy), key(dedicated));
  assert.ok(legacy.rows.filter((x) => x.table === 'kubeaudit_CL').every((x) => x.row.WorkspaceTable === 'AzureDiagnostics' && x.row.AuditCategory === 'kube-audit'));
});

const allBut = (action: string) => [{ scope: `/subscriptions/${DEMO_AKS.subscriptionId}`, role: { Actions: ['*'], NotActions: [action], DataActions: ['*'] } }];

for (const [name, action, sourceId, role] of [
  ['the managed cluster', READ_CLUSTERS, 'cluster', /Microsoft\.ContainerService\/managedClusters\/read/],
  ['the diagnostic settings', READ_DIAGNOSTIC_SETTINGS, 'diagnostics', /Microsoft\.Insights\/diagnosticSettings\/read/],
  ['the Activity Log', READ_ACTIVITY, 'activity', /Microsoft\.Insights\/eventtypes\/values\/read/],
  ['the Defender alerts', READ_ALERTS, 'alerts', /Security Reader \(Microsoft\.Security\/locations\/alerts\/read\)/],
  ['the audit workspace', 'Microsoft.OperationalInsights/workspaces/read', 'audit', /Microsoft\.OperationalInsights\/workspaces\/read/],
] as const) {
  test(`a 403 on ${name} is a gap naming the role; the other sources are still collected`, async () => {
    await withEmu({ aks: demoAksTrail({ kubeServerUrl: KUBE }) }, async (emu) => {
      const token = emu.addPrincipal(allBut(action));
      const r = await collect(emu, { token });
      const s = source(r.coverage, sourceId);
      const gap = s.gaps.find((g) => g.status === 'forbidden');
      assert.ok(gap, `${sourceId} has a forbidden gap: ${JSON.stringify(s.gaps)}`);
      assert.match(gap.message, /^Azure refused to /);
      assert.match(gap.message, role);
      if (sourceId === 'cluster') return assert.equal(r.rows.length, 0, 'without the cluster nothing else is asked');
      if (sourceId !== 'activity') assert.ok(count(r, 'azureactivity_CL') > 0);
      if (sourceId !== 'alerts') assert.equal(count(r, 'securityalerts_CL'), 2);
      if (sourceId !== 'audit' && sourceId !== 'diagnostics') assert.ok(count(r, 'kubeaudit_CL') > 0);
      else assert.equal(count(r, 'kubeaudit_CL'), 0);
    });
  });
}

test('a 403 on the audit table query names the table read it needs', async () => {
  await withEmu({ aks: demoAksTrail({ kubeServerUrl: KUBE }) }, async (emu) => {
    const token = emu.addPrincipal([{ scope: `/subscriptions/${DEMO_AKS.subscriptionId}`, role: { Actions: ['*/read'], NotActions: ['Microsoft.OperationalInsights/workspaces/query/*'] } }]);
    const r = await collect(emu, { token });
    const audit = source(r.coverage, 'audit');
    assert.equal(audit.reachable, false);
    assert.match(audit.gaps[0]!.message, /workspaces\/query\/AKSAudit\/read/);
    assert.ok(count(r, 'azureactivity_CL') > 0);
  });
});

test('an audit query over the row limit is split by time until every window fits: the same rows as without the limit, no gap', async () => {
  const full = await withEmu({ aks: demoAksTrail({ kubeServerUrl: KUBE }) }, (emu) => collect(emu, { hours: 4 }));
  const paged = await withEmu({ maxQueryRows: 40, aks: demoAksTrail({ kubeServerUrl: KUBE }) }, (emu) => collect(emu, { hours: 4 }));
  const ids = (r: Run) => r.rows.filter((x) => x.table === 'kubeaudit_CL').map((x) => `${String(x.row.AuditId)}/${String(x.row.Stage)}`).sort();
  assert.ok(ids(full).length > 40, `more rows than the limit (${ids(full).length})`);
  assert.deepEqual(ids(paged), ids(full));
  assert.ok(paged.queries > full.queries, `${paged.queries} queries instead of ${full.queries}`);
  assert.deepEqual(source(paged.coverage, 'audit').gaps, []);
});

test('a window of one second that is still over the limit is a gap; its events that did arrive are kept', async () => {
  const sub = '11111111-1111-1111-1111-111111111111';
  const cluster = managedCluster({ subscriptionId: sub, resourceGroup: 'rg', name: 'aks-busy', location: 'westeurope', fqdn: '127.0.0.1' });
  const clusterId = cluster.id;
  const ws = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law`;
  const settings = [diagnosticSetting({ resourceId: clusterId, name: 'audit', workspaceId: ws, dedicated: true, categories: ['kube-audit'] })];
  const at = new Date(Date.now() - 10 * 60_000);
  at.setUTCMilliseconds(0);
  const ev = (i: number, offsetMs: number): AuditEvent => {
    const t = new Date(at.getTime() + offsetMs).toISOString();
    return { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `a-${i}`, stage: 'ResponseComplete', requestURI: '/api/v1/namespaces/default/pods', verb: 'list', user: { username: 'burst' }, sourceIPs: ['198.51.100.1'], userAgent: 'curl/8', objectRef: { resource: 'pods', namespace: 'default' }, responseStatus: { metadata: {}, code: 200 }, requestReceivedTimestamp: t, stageTimestamp: t };
  };
  // The burst shares one instant: the windows are split at whole seconds from the collection window's
  // start (now minus an hour, any millisecond), so events a few milliseconds apart could fall into two.
  const events = [ev(1, 100), ev(2, 100), ev(3, 100), ev(4, 5000)];
  const customerId = '22222222-2222-2222-2222-222222222222';
  const tables = routeToWorkspaces(clusterId, settings, events, [], () => customerId).get(ws.toLowerCase())!;
  await withEmu({ subscriptionId: sub, maxQueryRows: 2, aks: { subscriptionId: sub, clusters: [cluster], diagnosticSettings: { [clusterId]: settings }, workspaces: [{ id: ws, location: 'westeurope', customerId, tables: Object.fromEntries(tables) }] } } as EmulatorOptions, async (emu) => {
    const r = await collect(emu, { hours: 1 });
    const audit = source(r.coverage, 'audit');
    const gap = audit.gaps.find((g) => g.status === 'partial');
    assert.ok(gap, JSON.stringify(audit.gaps));
    assert.match(gap.message, /cannot be split further/);
    const kept = r.rows.filter((x) => x.table === 'kubeaudit_CL').map((x) => x.row.AuditId).sort();
    assert.ok(kept.includes('a-4'), 'the later event, in a window of its own, is read whole');
    assert.equal(new Set(kept).size, kept.length);
    assert.ok(kept.length >= 3);
  });
});
