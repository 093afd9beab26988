import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAzureEmulator, type AzureEmulator } from '../../emulators/azure/server.js';
import { ingestBundle } from '../../../src/core/azure/ingest.js';
import { queryWorkspaceTimeline } from '../../../src/core/azure/query.js';
import { emptyFilter, type TimelineFilter } from '../../../src/core/timeline/filter.js';
import { verifyBundle } from '../../../src/core/evidence/verify.js';
import { INGEST_CHECKPOINT_FILE } from '../../../src/core/evidence/manifest.js';
import type { AzureState } from '../../../src/core/azure/state.js';
import { HOSTILE, emulatorConnection, localTimeline, makeHostileBundle, provisionState } from './fixtures.js';

let emu: AzureEmulator;
let state: AzureState;
let bundle: string;

before(async () => {
  emu = await startAzureEmulator();
  const conn = emulatorConnection(emu);
  state = await provisionState(conn, 'rg-ir');
  bundle = await makeHostileBundle();
  await ingestBundle(conn, bundle, state, { retryBaseMs: 5 });
});
after(() => emu.close());

const FILTERS: [string, TimelineFilter][] = [
  ['no filter', emptyFilter()],
  ['time range', { ...emptyFilter(), from: '2026-03-01T10:00:02.1234562Z', to: '2026-03-01T10:00:06.0000000Z' }],
  ['namespace', { ...emptyFilter(), namespaces: ['kube-system'] }],
  ['hostile pod', { ...emptyFilter(), pods: [{ namespace: 'kube-system', pod: HOSTILE[0]! }, { namespace: 'prod', pod: HOSTILE[1]! }] }],
  ['hostile container', { ...emptyFilter(), containers: [{ namespace: 'kube-system', pod: HOSTILE[2]!, container: HOSTILE[2]! }] }],
  ['source tables', { ...emptyFilter(), sourceTables: ['kubeevents_CL', 'suspiciouspods_CL'] }],
  ['event types and severity', { ...emptyFilter(), eventTypes: ['Finding', 'Command'], severities: ['high'] }],
  ['free text, case-insensitive', { ...emptyFilter(), text: 'EXEC INTO' }],
  ['free text that looks like KQL', { ...emptyFilter(), text: '" or 1==1 or "' }],
];

for (const [name, filter] of FILTERS) {
  test(`workspace timeline equals the local timeline, same rows in the same order: ${name}`, async () => {
    const local = await localTimeline(bundle, filter);
    const remote = await queryWorkspaceTimeline(emulatorConnection(emu), state.workspaceCustomerId, { filter });
    assert.equal(remote.truncated, false);
    assert.deepEqual(remote.rows, local);
    if (name === 'no filter') assert.equal(local.length, 16);
    if (name.startsWith('hostile')) assert.ok(local.length >= 1, 'the hostile name matches its own row, and only by equality');
  });
}

test('the bundle still verifies after ingestion: only the checkpoint changed', async () => {
  const report = await verifyBundle(bundle);
  assert.deepEqual(report.problems, []);
  const cp = JSON.parse(await readFile(join(bundle, INGEST_CHECKPOINT_FILE), 'utf8'));
  assert.equal(cp.tables.kubelogs_CL.prefix, 11);
});

test('a result over the row limit is reported as truncated, not silently cut', async () => {
  const remote = await queryWorkspaceTimeline(emulatorConnection(emu), state.workspaceCustomerId, { filter: emptyFilter(), limit: 5 });
  assert.equal(remote.rows.length, 5);
  assert.equal(remote.truncated, true);
  const local = await localTimeline(bundle, emptyFilter());
  assert.deepEqual(remote.rows, local.slice(0, 5));
});

test("a result the service cuts at its row limit (a 200 with a partial error) is read on in time windows: every row, in order", async () => {
  emu.limits.maxQueryRows = 4;
  try {
    const remote = await queryWorkspaceTimeline(emulatorConnection(emu), state.workspaceCustomerId, { filter: emptyFilter() });
    assert.equal(remote.truncated, false);
    assert.equal(remote.partialError, null);
    assert.deepEqual(remote.rows, await localTimeline(bundle, emptyFilter()));
  } finally {
    emu.limits.maxQueryRows = 500_000;
  }
});

test('a result cut at the size limit (~100 MB raw on Azure) is paged too; the rows equal the local ones', async () => {
  emu.limits.maxQueryBytes = 1500;
  const queries = emu.stats.queries;
  try {
    const filter = { ...emptyFilter(), from: '2026-03-01T00:00:00Z' };
    const remote = await queryWorkspaceTimeline(emulatorConnection(emu), state.workspaceCustomerId, { filter });
    assert.ok(emu.stats.queries - queries > 2, 'more than one page was needed');
    assert.equal(remote.truncated, false);
    assert.deepEqual(remote.rows, await localTimeline(bundle, filter));
  } finally {
    emu.limits.maxQueryBytes = 100 * 1024 * 1024;
  }
});

test('when paging cannot move on (the cut falls on rows without a time), the truncation is reported with the service message', async () => {
  emu.limits.maxQueryRows = 1;
  try {
    const remote = await queryWorkspaceTimeline(emulatorConnection(emu), state.workspaceCustomerId, { filter: emptyFilter() });
    assert.equal(remote.truncated, true);
    assert.match(remote.partialError ?? '', /PartialError: .*E_QUERY_RESULT_SET_TOO_LARGE/);
    assert.deepEqual(remote.rows, (await localTimeline(bundle, emptyFilter())).slice(0, 1), 'the partial rows are the first ones, in order');
  } finally {
    emu.limits.maxQueryRows = 500_000;
  }
});
