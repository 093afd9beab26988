// What real Azure does that a kinder emulator hid (issue 13, docs/azure.md "What real Azure does"):
// each case runs the real SDK clients against the stricter emulator and would fail on a client
// written for the kinder one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import { startAzureEmulator, type AzureEmulator } from '../../emulators/azure/server.js';
import { provision } from '../../../src/core/azure/provision.js';
import { ingestBundle } from '../../../src/core/azure/ingest.js';
import { runWorkspaceQuery } from '../../../src/core/azure/logsQueryClient.js';
import { queryWorkspaceTimeline, workspaceArrival } from '../../../src/core/azure/query.js';
import { describeAzureError } from '../../../src/core/azure/errors.js';
import { defineTable } from '../../../src/core/schema/columns.js';
import { TABLES } from '../../../src/core/schema/tables.js';
import { emptyFilter } from '../../../src/core/timeline/filter.js';
import type { AzureState } from '../../../src/core/azure/state.js';
import { FAST, emulatorConnection, localTimeline, makeAllTablesBundle, provisionState } from './fixtures.js';

let emu: AzureEmulator;
let state: AzureState;
let bundle: string;

before(async () => {
  emu = await startAzureEmulator();
  state = await provisionState(emulatorConnection(emu), 'rg-real');
  bundle = await makeAllTablesBundle();
  await ingestBundle(emulatorConnection(emu), bundle, state, { retryBaseMs: 5 });
});
after(() => emu.close());

/** An ARM request with the emulator's owner token, answered as text. */
function arm(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.url}${path}`, { method, ca: emu.endpoints.ca, headers: { authorization: `Bearer ${emu.endpoints.token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

test('each Direct rule has its own ingestion endpoint, and all 11 tables went to their own rule there', () => {
  assert.equal(state.rules.length, 2);
  const [a, b] = state.rules;
  assert.notEqual(a!.ingestionEndpoint, b!.ingestionEndpoint);
  assert.equal(emu.stats.endpointMismatches, 0);
  assert.ok(emu.stats.ingestByRule[a!.immutableId]! > 0 && emu.stats.ingestByRule[b!.immutableId]! > 0, JSON.stringify(emu.stats.ingestByRule));
  for (const t of TABLES) assert.equal(emu.rows(t.name).length, 3, t.name);
});

test('a rule sent to another rule’s endpoint is 403 with IsDcrDceBindingValid: False, and ingest says so at once instead of waiting for a role', async () => {
  const conn = emulatorConnection(emu);
  const [a, b] = state.rules;
  const client = new LogsIngestionClient(a!.ingestionEndpoint, conn.credential, { tlsOptions: conn.tlsOptions, retryOptions: { maxRetries: 0 } });
  await assert.rejects(client.upload(b!.immutableId, b!.streams[0]!, [{ TimeGenerated: new Date().toISOString() }]), (err: { errors: { cause: { statusCode: number; message: string } }[] }) => {
    assert.equal(err.errors[0]!.cause.statusCode, 403);
    assert.match(err.errors[0]!.cause.message, /IsDcrDceBindingValid: False/);
    return true;
  });
  const crossed: AzureState = { ...state, rules: [{ ...a!, ingestionEndpoint: b!.ingestionEndpoint }, b!] };
  const started = Date.now();
  await assert.rejects(ingestBundle(conn, await makeAllTablesBundle(1), crossed, { retryBaseMs: 5 }), /ingestion endpoint https:\/\/127\.0\.0\.1:\d+ does not belong to data collection rule KubeForenSys-DCR: run "kubeforensys provision" again/);
  assert.ok(Date.now() - started < 5000, 'no propagation wait');
});

test('an empty result is 204 No Content, which the tool reads as no rows (the SDK alone throws)', async () => {
  const res = await runWorkspaceQuery(emulatorConnection(emu), state.workspaceCustomerId, `${TABLES[0].name} | where Summary == "no such row"`);
  assert.deepEqual(res, { status: 'success', table: { columns: [], rows: [] } });
});

test('rows become queryable only after the ingestion delay; the arrival count says how many the workspace shows so far', async () => {
  {
    const e2 = await startAzureEmulator({ ingestionDelayMs: 4000 });
    try {
      const conn = emulatorConnection(e2);
      const s2 = await provisionState(conn, 'rg-delay');
      const r = await ingestBundle(conn, bundle, s2, { retryBaseMs: 5 });
      const last = { snapshotId: (await import('../../../src/core/evidence/reader.js').then((m) => m.readManifest(bundle))).snapshotId, rows: r.delivered, at: '2026-12-01T12:00:00Z' };
      const early = await workspaceArrival(conn, s2.workspaceCustomerId, last);
      assert.equal(early.complete, false);
      assert.equal(early.message, `ingested ${TABLES.length * 3} rows at 2026-12-01T12:00:00Z; the workspace shows 0 so far: Log Analytics can take up to 15 minutes to make new data queryable, refresh in a few minutes.`);
      assert.deepEqual((await queryWorkspaceTimeline(conn, s2.workspaceCustomerId, { filter: emptyFilter() })).rows, [], 'nothing yet (a 204)');
      await new Promise((r2) => setTimeout(r2, 4100));
      assert.equal((await workspaceArrival(conn, s2.workspaceCustomerId, last)).complete, true);
      assert.deepEqual((await queryWorkspaceTimeline(conn, s2.workspaceCustomerId, { filter: emptyFilter() })).rows, await localTimeline(bundle, emptyFilter()));
    } finally {
      await e2.close();
    }
  }
});

test('a bad token on the query API is 403 InvalidAuthenticationToken: the tool asks to sign in again, not for a role', async () => {
  await assert.rejects(queryWorkspaceTimeline(emulatorConnection(emu, 'not-a-token'), state.workspaceCustomerId, { filter: emptyFilter() }), (err: Error) => {
    assert.match(err.message, /^Azure rejected the sign-in token while trying to query the Log Analytics workspace: sign in again \(az login\) and retry\.$/);
    return true;
  });
});

test('ingestion errors carry x-ms-error-code; strings over 64 KB are truncated by the service, not refused', async () => {
  const conn = emulatorConnection(emu);
  const rule = state.rules[0]!;
  const stream = state.streams.kubelogs_CL!;
  const client = new LogsIngestionClient(rule.ingestionEndpoint, conn.credential, { tlsOptions: conn.tlsOptions, retryOptions: { maxRetries: 0 } });
  await assert.rejects(client.upload(stream.ruleImmutableId, stream.stream, [{ NotAColumn: 1 }]), (err: { errors: { cause: { response: { headers: { get(n: string): string } } } }[] }) => {
    assert.equal(err.errors[0]!.cause.response.headers.get('x-ms-error-code'), 'InvalidPayload');
    return true;
  });
  const before = emu.rows('kubelogs_CL').length;
  await client.upload(stream.ruleImmutableId, stream.stream, [{ Summary: 'é'.repeat(40_000) }]);
  const stored = emu.rows('kubelogs_CL')[before]!.Summary as string;
  assert.ok(Buffer.byteLength(stored, 'utf8') <= 64 * 1024 && stored.length > 30_000);
});

test('a new rule whose tables are not visible yet is refused with InvalidOutputTable inside details[]; provisioning waits it out', async () => {
  const e2 = await startAzureEmulator({ dcrPropagationFailures: 1 });
  try {
    const messages: string[] = [];
    await provisionState(emulatorConnection(e2), 'rg-fresh', {}, { ...FAST, log: (m) => messages.push(m) });
    assert.ok(messages.some((m) => m.startsWith('Waiting for the new tables to become visible')), messages.join('\n'));
    const rule = state.rules[0]!;
    // The shape itself: a generic top-level message, the code in details[].
    const bad = await arm('PUT', `${rule.resourceId.replace('rg-real', 'rg-other')}?api-version=2023-03-11`, {
      location: 'eastus',
      kind: 'Direct',
      properties: {
        streamDeclarations: { 'Custom-nosuch_CL': { columns: [{ name: 'TimeGenerated', type: 'datetime' }] } },
        destinations: { logAnalytics: [{ name: 'd', workspaceResourceId: state.workspaceResourceId }] },
        dataFlows: [{ streams: ['Custom-nosuch_CL'], destinations: ['d'], outputStream: 'Custom-nosuch_CL' }],
      },
    });
    assert.equal(bad.status, 400);
    const error = bad.json.error as { message: string; details: { code: string }[] };
    assert.equal(error.message, 'Data collection rule is invalid');
    assert.deepEqual(error.details.map((d) => d.code), ['InvalidOutputTable']);
  } finally {
    await e2.close();
  }
});

test('a data collection endpoint goes in the workspace’s region (Azure refuses a rule and endpoint elsewhere), and ingestion uses it', async () => {
  const e2 = await startAzureEmulator();
  try {
    const conn = emulatorConnection(e2);
    const s2 = await provisionState(conn, 'rg-weu', { location: 'westeurope', withDce: true });
    const endpoints = new Set(s2.rules.map((r) => r.ingestionEndpoint));
    assert.equal(endpoints.size, 1, 'both rules send through the endpoint');
    const dce = await provision(conn, { subscriptionId: conn.subscriptionId!, resourceGroup: 'rg-weu', withDce: true, plan: true }, FAST);
    assert.ok(dce.steps.every((s) => s.action === 'unchanged'));
    await ingestBundle(conn, bundle, s2, { retryBaseMs: 5 });
    assert.equal(e2.rows('networkpolicies_CL').length, 3);
  } finally {
    await e2.close();
  }
});

test('column names: 2 to 45 characters and not reserved (BilledSize, _TimeReceived, …), in the schema and in the service', async () => {
  assert.throws(() => defineTable({ name: 'x_CL', description: '', columns: [{ name: 'A', type: 'string', description: '' }] }), /not a valid Log Analytics column name/);
  assert.throws(() => defineTable({ name: 'x_CL', description: '', columns: [{ name: 'BilledSize', type: 'string', description: '' }] }), /reserved name/);
  const table = `${state.workspaceResourceId}/tables/probe_CL?api-version=2022-10-01`;
  for (const name of ['A', 'BilledSize', '_TimeReceived', 'x'.repeat(46)]) {
    const res = await arm('PUT', table, { properties: { schema: { name: 'probe_CL', columns: [{ name: 'TimeGenerated', type: 'dateTime' }, { name, type: 'string' }] } } });
    assert.equal(res.status, 400, name);
  }
});

test('a table GET lists TimeGenerated under standardColumns; provisioning again still changes nothing', async () => {
  const res = await arm('GET', `${state.workspaceResourceId}/tables/${TABLES[0].name}?api-version=2022-10-01`);
  const schema = (res.json.properties as { schema: { columns: { name: string }[]; standardColumns: { name: string }[] } }).schema;
  assert.ok(schema.standardColumns.some((c) => c.name === 'TimeGenerated') && !schema.columns.some((c) => c.name === 'TimeGenerated'));
  const again = await provision(emulatorConnection(emu), { subscriptionId: emu.endpoints.subscriptionId, resourceGroup: 'rg-real' }, FAST);
  assert.equal(again.changed, false, JSON.stringify(again.steps.filter((s) => s.action !== 'unchanged')));
});

test('without a sign-in, ingestion says so in one sentence (not "(no response): undefined")', async () => {
  const noLogin = { ...emulatorConnection(emu), credential: { getToken: async () => Promise.reject(Object.assign(new Error('Azure CLI could not be found.'), { name: 'CredentialUnavailableError' })) } };
  await assert.rejects(ingestBundle(noLogin, await makeAllTablesBundle(1), state, { retryBaseMs: 5 }), (err: Error) => {
    assert.equal(err.message, `You are not signed in to Azure, so KubeForenSys cannot send ${TABLES[0].name} records to the data collection rule: run "az login" (or sign in from the Accounts menu in VS Code) and try again.`);
    return true;
  });
  assert.doesNotMatch(describeAzureError({}, { action: 'x', resource: 'r', role: 'R' }).message, /undefined/);
});
