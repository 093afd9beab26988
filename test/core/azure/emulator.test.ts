// The emulator's contract with the real SDK clients: what it refuses, and how the tool reports it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import { startAzureEmulator, type AzureEmulator } from '../../emulators/azure/server.js';
import { runWorkspaceQuery } from '../../../src/core/azure/logsQueryClient.js';
import { detectInsightsTables, queryWorkspaceTimeline } from '../../../src/core/azure/query.js';
import { testConnectionFromEnv, TEST_ENDPOINTS_ENV } from '../../../src/core/azure/credentials.js';
import { emptyFilter } from '../../../src/core/timeline/filter.js';
import { describeAzureError } from '../../../src/core/azure/errors.js';
import type { AzureState } from '../../../src/core/azure/state.js';
import { FAST, emulatorConnection, provisionState } from './fixtures.js';
import { tempDir } from '../../support/tempDir.js';

let emu: AzureEmulator;
let state: AzureState;
const messages: string[] = [];

before(async () => {
  emu = await startAzureEmulator({ dcrPropagationFailures: 2 });
  const conn = emulatorConnection(emu);
  state = await provisionState(conn, 'rg-emu', {}, { ...FAST, log: (m) => messages.push(m) });
});
after(() => emu.close());

const endpointOf = (immutableId: string) => state.rules.find((r) => r.immutableId === immutableId)!.ingestionEndpoint;

test('provisioning waits out table propagation for the rule, saying what it waits for', () => {
  assert.ok(messages.some((m) => /Waiting for the new tables to become visible to the data collection rule service/.test(m)), messages.join('\n'));
  assert.equal(state.rules.length, 2);
});

test('ingestion rows are validated against the stream declaration; bodies over 1 MB are refused with 413', async () => {
  const conn = emulatorConnection(emu);
  const stream = state.streams.kubelogs_CL!;
  const client = new LogsIngestionClient(endpointOf(stream.ruleImmutableId), conn.credential, { tlsOptions: conn.tlsOptions, retryOptions: { maxRetries: 0 } });
  await assert.rejects(client.upload(stream.ruleImmutableId, stream.stream, [{ TimeGenerated: new Date().toISOString(), NotAColumn: 1 }]), (err: { errors: { cause: { statusCode: number; message: string } }[] }) => {
    assert.equal(err.errors[0]!.cause.statusCode, 400);
    assert.match(err.errors[0]!.cause.message, /NotAColumn/);
    return true;
  });
  await assert.rejects(client.upload(stream.ruleImmutableId, stream.stream, [{ TimeGenerated: new Date().toISOString(), LineNumber: 'seven' }]), (err: { errors: { cause: Error }[] }) => {
    assert.match(err.errors[0]!.cause.message, /LineNumber is not a valid long/);
    return true;
  });
  // One record cannot be split by the SDK's chunking: over 1 MB it goes alone and is refused.
  const pods = state.streams.podinventory_CL!;
  const big = [{ TimeGenerated: new Date().toISOString(), Containers: Array.from({ length: 20 }, () => 'x'.repeat(60_000)) }];
  await assert.rejects(client.upload(pods.ruleImmutableId, pods.stream, big), (err: { errors: { cause: { statusCode: number } }[] }) => {
    assert.equal(err.errors[0]!.cause.statusCode, 413);
    return true;
  });
  assert.equal(emu.rows('kubelogs_CL').length, 0, 'nothing refused was stored');
});

test('a query with a semantic error gets the service 400 shape, and the tool reports the inner message', async () => {
  await assert.rejects(runWorkspaceQuery(emulatorConnection(emu), state.workspaceCustomerId, 'kubelogs_CL | where NoSuchColumn == 1'), (err: unknown) => {
    const e = err as { statusCode: number; details: { error: { code: string; innerError: { code: string; innerError: { message: string } } } } };
    assert.equal(e.statusCode, 400);
    assert.equal(e.details.error.code, 'BadArgumentError');
    assert.equal(e.details.error.innerError.code, 'SemanticError');
    assert.match(describeAzureError(err, { action: 'query', resource: 'ws', role: 'Log Analytics Reader' }).message, /'NoSuchColumn' does not refer to any known column/);
    return true;
  });
});

test('Container Insights and AKS audit rows join the timeline mapped onto the same columns', async () => {
  emu.seed('ContainerLogV2', [
    { TimeGenerated: '2026-03-01T10:00:00.5Z', Computer: 'node-1', ContainerId: 'c1', ContainerName: 'app', PodName: 'web-1', PodNamespace: 'prod', LogMessage: 'GET /', LogSource: 'stdout', _ResourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod' },
  ]);
  emu.seed('AKSAudit', [
    {
      TimeGenerated: '2026-03-01T10:00:01Z', AuditId: 'a1', Level: 'Request', Stage: 'ResponseComplete', Verb: 'create',
      RequestUri: '/api/v1/namespaces/prod/pods/web-1/exec?command=sh&container=app&stdin=true', User: { username: 'mallory@example.com' }, SourceIps: ['203.0.113.9'],
      UserAgent: 'kubectl', ObjectRef: { resource: 'pods', subresource: 'exec', namespace: 'prod', name: 'web-1' }, ResponseStatus: { code: 101 },
      _ResourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod',
    },
  ]);
  const found = await detectInsightsTables(emulatorConnection(emu), state.workspaceCustomerId);
  assert.deepEqual(found.sort(), ['AKSAudit', 'ContainerLogV2'], 'only the Azure tables the workspace has');
  const r = await queryWorkspaceTimeline(emulatorConnection(emu), state.workspaceCustomerId, {
    filter: { ...emptyFilter(), pods: [{ namespace: 'prod', pod: 'web-1' }] },
    insightsTables: found,
  });
  assert.deepEqual(
    r.rows.map((x) => [x.Time, x.SourceTable, x.EventType, x.Cluster, x.ContainerName, x.Summary]),
    [
      ['2026-03-01T10:00:00.5000000Z', 'ContainerLogV2', 'LogLine', 'aks-prod', 'app', 'GET /'],
      ['2026-03-01T10:00:01.0000000Z', 'AKSAudit', 'create pods/exec', 'aks-prod', 'app', 'mallory@example.com create /api/v1/namespaces/prod/pods/web-1/exec?command=sh&container=app&stdin=true'],
    ],
  );
});

test('the test credential exists only with the variable, and only for loopback endpoints', async () => {
  assert.equal(await testConnectionFromEnv({}), null);
  const dir = await tempDir('kfs-testcred-');
  const good = join(dir, 'good.json');
  await emu.writeEndpointsFile(good);
  const conn = await testConnectionFromEnv({ [TEST_ENDPOINTS_ENV]: good });
  assert.equal(conn?.isTest, true);
  const bad = join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ ...emu.endpoints, armEndpoint: 'https://management.azure.com' }));
  await assert.rejects(testConnectionFromEnv({ [TEST_ENDPOINTS_ENV]: bad }), /must be an https loopback URL/);
});

test('ARM paths match case-insensitively (the monitor APIs spell resourcegroups in lower case)', async () => {
  const { request } = await import('node:https');
  const rule = state.rules[0]!;
  const path = rule.resourceId.replace('/resourceGroups/', '/resourcegroups/').replace('Microsoft.Insights/dataCollectionRules', 'microsoft.insights/datacollectionrules');
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(`${emu.url}${path}?api-version=2023-03-11`, { ca: emu.endpoints.ca, headers: { authorization: `Bearer ${emu.endpoints.token}` } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal((JSON.parse(body) as { properties: { immutableId: string } }).properties.immutableId, rule.immutableId);
});
