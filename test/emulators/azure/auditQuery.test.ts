// The audit workspace through the real clients: the diagnostic setting names the workspace, the
// ARM GET gives its customer id, LogsQueryClient queries AKSAudit / AzureDiagnostics through the
// emulator's KQL evaluator; the row and size limits answer a partial error in a 200, a narrower
// time window then reads everything; table read is checked per table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LogsQueryResultStatus } from '@azure/monitor-query';
import { startAzureEmulator, type AzureEmulator } from './server.js';
import { managedCluster, managedClusterId } from './managedClusters.js';
import { diagnosticSetting } from './diagnosticSettings.js';
import { routeToWorkspaces, type AuditEvent } from './auditWorkspace.js';
import { sdkClients } from './clients.js';

const SUB = '33333333-4444-5555-6666-777777777777';
const CLUSTER = managedClusterId(SUB, 'rg-aks', 'aks-q');
const WS_NEW = `/subscriptions/${SUB}/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law-new`;
const WS_OLD = `/subscriptions/${SUB}/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law-old`;
const T0 = Date.now() - 3 * 3_600_000;
const N = 1200;
let emu: AzureEmulator;

function auditEvents(): AuditEvent[] {
  return Array.from({ length: N }, (_, i): AuditEvent => {
    const t = new Date(T0 + i * 6000).toISOString();
    const write = i % 4 === 0;
    return {
      kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, stage: 'ResponseComplete',
      requestURI: write ? `/api/v1/namespaces/prod/configmaps/cm-${i}` : '/api/v1/namespaces/prod/pods', verb: write ? 'update' : 'list',
      user: { username: i % 2 ? 'system:kube-controller-manager' : 'alice@contoso.example', groups: ['system:authenticated'] }, sourceIPs: ['10.0.0.1'], userAgent: 'kubectl/v1.30.0',
      objectRef: { resource: write ? 'configmaps' : 'pods', namespace: 'prod' }, responseStatus: { metadata: {}, code: 200 }, requestReceivedTimestamp: t, stageTimestamp: t,
    };
  });
}

before(async () => {
  emu = await startAzureEmulator({ subscriptionId: SUB });
  emu.aks.addCluster(managedCluster({ subscriptionId: SUB, resourceGroup: 'rg-aks', name: 'aks-q', location: 'westeurope' }));
  const settings = [
    diagnosticSetting({ resourceId: CLUSTER, name: 'dedicated', workspaceId: WS_NEW, dedicated: true, categories: ['kube-audit', 'kube-audit-admin'] }),
    diagnosticSetting({ resourceId: CLUSTER, name: 'legacy', workspaceId: WS_OLD, categories: ['kube-audit'] }),
  ];
  emu.aks.setDiagnosticSettings(CLUSTER, settings);
  const ids = new Map([WS_NEW, WS_OLD].map((w) => [w.toLowerCase(), emu.aks.addWorkspace({ id: w, location: 'westeurope' })]));
  for (const [ws, tables] of routeToWorkspaces(CLUSTER, settings, auditEvents(), [], (w) => ids.get(w.toLowerCase())!)) {
    for (const [table, rows] of tables) emu.aks.seedWorkspace(ws, table, rows);
  }
});
after(() => emu.close());

const iso = (ms: number) => new Date(ms).toISOString();
/** Keeps the raw body of the last response (the SDK folds a partial error's inner messages away). */
function rawBody(token?: string) {
  const seen = { text: '' };
  return { seen, logs: sdkClients(emu, token, { tap: (t) => (seen.text = t) }).logs };
}
const window = (a: number, b: number) => `where TimeGenerated >= datetime(${iso(a)}) and TimeGenerated < datetime(${iso(b)})`;

async function customerIdFromSetting(): Promise<string> {
  const { monitor, la } = sdkClients(emu);
  const setting = (await monitor.diagnosticSettings.list(CLUSTER)).value!.find((s) => s.logAnalyticsDestinationType === 'Dedicated')!;
  const [, , , , rg, , , , name] = setting.workspaceId!.split('/');
  return (await la.workspaces.get(rg!, name!)).customerId!;
}

test('from the diagnostic setting to AKSAudit rows: where on a TimeGenerated range, _ResourceId, project, order by, take', async () => {
  const cid = await customerIdFromSetting();
  const { logs } = sdkClients(emu);
  const q = `AKSAudit | ${window(T0, T0 + 600_000)} | where _ResourceId =~ '${CLUSTER}' | project TimeGenerated, AuditId, Verb, User, SourceIps, ObjectRef | order by TimeGenerated asc | take 30`;
  const r = await logs.queryWorkspace(cid, q, { startTime: new Date(T0 - 60_000), endTime: new Date() });
  assert.equal(r.status, LogsQueryResultStatus.Success);
  if (r.status !== LogsQueryResultStatus.Success) return;
  const t = r.tables[0]!;
  assert.deepEqual(t.columnDescriptors.map((c) => c.name), ['TimeGenerated', 'AuditId', 'Verb', 'User', 'SourceIps', 'ObjectRef']);
  assert.equal(t.rows.length, 30);
  assert.equal(t.rows[0]![1], '00000000-0000-4000-8000-000000000000');
  // Dynamic cells arrive as JSON text, which the SDK parses.
  assert.equal((t.rows[0]![3] as { username: string }).username, 'alice@contoso.example');
  assert.deepEqual(t.rows[0]![4], ['10.0.0.1']);
  const admin = await logs.queryWorkspace(cid, `AKSAuditAdmin | summarize Rows = count(), Verbs = dcount(Verb)`, { duration: 'P1D' });
  assert.equal(admin.status, LogsQueryResultStatus.Success);
  if (admin.status === LogsQueryResultStatus.Success) assert.deepEqual(admin.tables[0]!.rows[0], [N / 4, 1], 'kube-audit-admin keeps only the writes');
});

test('the legacy AzureDiagnostics table: Category == "kube-audit", the event as JSON text in log_s', async () => {
  const { logs, la } = sdkClients(emu);
  const cid = (await la.workspaces.get('rg-mon', 'law-old')).customerId!;
  const r = await logs.queryWorkspace(cid, `AzureDiagnostics | where Category == 'kube-audit' and ResourceId =~ '${CLUSTER}' | project TimeGenerated, log_s | order by TimeGenerated desc | take 1`, { duration: 'P1D' });
  assert.equal(r.status, LogsQueryResultStatus.Success);
  if (r.status !== LogsQueryResultStatus.Success) return;
  const event = JSON.parse(r.tables[0]!.rows[0]![1] as string) as AuditEvent;
  assert.equal(event.auditID, `00000000-0000-4000-8000-${String(N - 1).padStart(12, '0')}`);
  assert.equal(event.verb, 'list');
});

test('over the row limit: a 200 with a partial error and the first rows; windows sized by summarize read everything', async () => {
  const cid = await customerIdFromSetting();
  const { logs } = sdkClients(emu);
  emu.limits.maxQueryRows = 500;
  try {
    const raw = rawBody();
    const all = await raw.logs.queryWorkspace(cid, `AKSAudit | ${window(T0, Date.now())} | project AuditId`, { duration: 'P1D' });
    assert.equal(all.status, LogsQueryResultStatus.PartialFailure);
    if (all.status !== LogsQueryResultStatus.PartialFailure) return;
    assert.equal(all.partialTables[0]!.rows.length, 500);
    assert.equal(all.partialError.code, 'PartialError');
    // On the wire, as the service words it: a 200 whose error.details[].innererror names the limit.
    const wire = JSON.parse(raw.seen.text) as { error: { code: string; details: { innererror: { message: string } }[] } };
    assert.equal(wire.error.code, 'PartialError');
    assert.match(wire.error.details[0]!.innererror.message, /exceeded the internal record count limit 500 \(E_QUERY_RESULT_SET_TOO_LARGE/);
    // Size the windows first, as a client paging by time does.
    const sized = await logs.queryWorkspace(cid, `AKSAudit | ${window(T0, Date.now())} | summarize count() by bin(TimeGenerated, 30m)`, { duration: 'P1D' });
    assert.equal(sized.status, LogsQueryResultStatus.Success);
    if (sized.status !== LogsQueryResultStatus.Success) return;
    const buckets = sized.tables[0]!.rows.map((r) => [Date.parse(String(r[0])), Number(r[1])] as const);
    assert.equal(buckets.reduce((s, [, n]) => s + n, 0), N);
    assert.ok(buckets.every(([, n]) => n <= 500), 'every 30-minute bucket fits the limit');
    let read = 0;
    for (const [start] of buckets) {
      const w = await logs.queryWorkspace(cid, `AKSAudit | ${window(start, start + 1_800_000)} | project AuditId`, { duration: 'P1D' });
      assert.equal(w.status, LogsQueryResultStatus.Success);
      if (w.status === LogsQueryResultStatus.Success) read += w.tables[0]!.rows.length;
    }
    assert.equal(read, N);
  } finally {
    emu.limits.maxQueryRows = 500_000;
  }
});

test('over the size limit: the partial error names the data size limit', async () => {
  const cid = await customerIdFromSetting();
  emu.limits.maxQueryBytes = 20_000;
  try {
    const raw = rawBody();
    const r = await raw.logs.queryWorkspace(cid, 'AKSAudit | project AuditId, User, ObjectRef', { duration: 'P1D' });
    assert.equal(r.status, LogsQueryResultStatus.PartialFailure);
    if (r.status === LogsQueryResultStatus.PartialFailure) {
      assert.match(raw.seen.text, /exceeded the internal data size limit 20000/);
      assert.ok(r.partialTables[0]!.rows.length > 0 && r.partialTables[0]!.rows.length < N);
    }
  } finally {
    emu.limits.maxQueryBytes = 100 * 1024 * 1024;
  }
});

test('table read per table: no query/read is 403; query/read alone resolves no table; one table granted reads only it', async () => {
  const cid = await customerIdFromSetting();
  const q = 'AKSAudit | take 1';
  const none = emu.addPrincipal([{ scope: WS_NEW, role: { Actions: ['Microsoft.OperationalInsights/workspaces/read'] } }]);
  await assert.rejects(sdkClients(emu, none).logs.queryWorkspace(cid, q, { duration: 'P1D' }), (e: { statusCode: number }) => e.statusCode === 403);
  const queryOnly = emu.addPrincipal([{ scope: WS_NEW, role: { Actions: ['Microsoft.OperationalInsights/workspaces/query/read'] } }]);
  const raw = rawBody(queryOnly);
  await assert.rejects(raw.logs.queryWorkspace(cid, q, { duration: 'P1D' }), (e: { statusCode: number }) => e.statusCode === 400);
  assert.match(raw.seen.text, /SemanticError.*AKSAudit/);
  const oneTable = emu.addPrincipal([{ scope: WS_NEW, role: { Actions: ['Microsoft.OperationalInsights/workspaces/query/read', 'Microsoft.OperationalInsights/workspaces/query/AKSAuditAdmin/read'] } }]);
  const ok = await sdkClients(emu, oneTable).logs.queryWorkspace(cid, 'AKSAuditAdmin | take 1', { duration: 'P1D' });
  assert.equal(ok.status, LogsQueryResultStatus.Success);
  await assert.rejects(sdkClients(emu, oneTable).logs.queryWorkspace(cid, q, { duration: 'P1D' }), (e: { statusCode: number }) => e.statusCode === 400);
});

test('a window with no rows is 204 (the SDK has no table to return); a 503 with Retry-After is retried', async () => {
  const cid = await customerIdFromSetting();
  const { logs } = sdkClients(emu, undefined, { maxRetries: 2 });
  await assert.rejects(logs.queryWorkspace(cid, `AKSAudit | ${window(T0 - 7_200_000, T0 - 3_600_000)}`, { duration: 'P1D' }));
  emu.faults.add({ target: 'query', kind: 'unavailable', count: 1, retryAfterSeconds: 0 });
  const r = await logs.queryWorkspace(cid, 'AKSAudit | summarize count()', { duration: 'P1D' });
  assert.equal(r.status, LogsQueryResultStatus.Success);
  if (r.status === LogsQueryResultStatus.Success) assert.equal(r.tables[0]!.rows[0]![0], N);
  assert.deepEqual(emu.faults.injected.slice(-1), [{ target: 'query', kind: 'unavailable' }]);
});
