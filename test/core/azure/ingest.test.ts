import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAzureEmulator } from '../../emulators/azure/server.js';
import { provision } from '../../../src/core/azure/provision.js';
import { ingestBundle, prepareRow, MAX_FIELD_BYTES } from '../../../src/core/azure/ingest.js';
import { openBundle } from '../../../src/core/evidence/reader.js';
import { verifyBundle } from '../../../src/core/evidence/verify.js';
import { TABLES } from '../../../src/core/schema/tables.js';
import { FAST, emulatorConnection, makeAllTablesBundle, makeBundleOf, makeHostileBundle, provisionState } from './fixtures.js';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INGEST_CHECKPOINT_FILE } from '../../../src/core/evidence/manifest.js';
import type { AzureState } from '../../../src/core/azure/state.js';

async function bundleRecordIds(dir: string): Promise<string[]> {
  const b = await openBundle(dir);
  const ids: string[] = [];
  for (const t of TABLES) for await (const r of b.readTable(t.name)) ids.push(r.RecordId);
  return ids.sort();
}

test('provisioning twice: the second run changes nothing and says so; --plan touches nothing', async () => {
  const emu = await startAzureEmulator();
  try {
    const conn = emulatorConnection(emu);
    const req = { subscriptionId: conn.subscriptionId!, resourceGroup: 'rg-twice' };
    const plan = await provision(conn, { ...req, plan: true }, FAST);
    assert.equal(emu.stats.armWrites, 0, 'a plan writes nothing');
    assert.ok(plan.steps.every((s) => s.action === 'create'));
    assert.equal(plan.state, null);
    const first = await provision(conn, req, FAST);
    assert.equal(first.changed, true);
    assert.ok(first.state?.workspaceCustomerId && first.state.rules.every((r) => /^dcr-[0-9a-f]{32}$/.test(r.immutableId)));
    assert.equal(first.state.rules.length, 2, '11 tables need two rules: a rule holds at most 10 data flows');
    const writes = emu.stats.armWrites;
    const second = await provision(conn, req, FAST);
    assert.equal(second.changed, false);
    assert.equal(emu.stats.armWrites, writes, 'the second run sends no write');
    assert.ok(second.steps.every((s) => s.action === 'unchanged'));
    assert.deepEqual({ ...second.state, provisionedAt: '' }, { ...first.state, provisionedAt: '' }, 'the same ids come back');
  } finally {
    await emu.close();
  }
});

test('a 403 from ARM becomes one sentence naming the missing role and the resource', async () => {
  const emu = await startAzureEmulator();
  try {
    const conn = emulatorConnection(emu);
    emu.faults.add({ target: 'arm', kind: 'forbidden' });
    await assert.rejects(provision(conn, { subscriptionId: conn.subscriptionId!, resourceGroup: 'rg-403' }, FAST), (err: Error) => {
      assert.match(err.message, /needs the "Log Analytics Reader" role on \/subscriptions\/.*\/workspaces\/KubeForenSys-LAW/);
      return true;
    });
  } finally {
    await emu.close();
  }
});

test('ingestion with faults at random points, resumed until done: every record exactly once, bundle still verifies', async () => {
  const emu = await startAzureEmulator();
  try {
    const conn = emulatorConnection(emu);
    const state = await provisionState(conn, 'rg-faults');
    const dir = await makeBundleOf(600);
    // 403 fails a run outright (no propagation wait here), so resuming is exercised; the rest are retried in-run.
    emu.faults.setRandom({ target: 'ingest', probability: 0.3, kinds: ['throttle', 'unavailable', 'reset', 'forbidden', 'slow'], seed: 20260301, max: 40 });
    let runs = 0;
    for (;;) {
      runs++;
      try {
        await ingestBundle(conn, dir, state!, { retryBaseMs: 2, maxConcurrency: 3, forbiddenWaitMs: 0, maxAttempts: 3, maxBatchBytes: 8_000 });
        break;
      } catch (err) {
        assert.ok(runs < 20, `gave up after ${runs} runs: ${(err as Error).message}`);
      }
    }
    const kinds = new Set(emu.faults.injected.map((f) => f.kind));
    assert.ok(['throttle', 'unavailable', 'reset', 'forbidden'].every((k) => kinds.has(k as never)), `every fault kind was injected: ${[...kinds].join(', ')}`);
    assert.ok(runs > 1, 'the run was interrupted and resumed');
    const stored = TABLES.flatMap((t) => emu.rows(t.name).map((r) => String(r.RecordId))).sort();
    assert.deepEqual(stored, await bundleRecordIds(dir), 'nothing lost, nothing doubled');
    assert.deepEqual((await verifyBundle(dir)).problems, []);
    const before = emu.stats.ingestRequests;
    const again = await ingestBundle(conn, dir, state!, { retryBaseMs: 2 });
    assert.equal(emu.stats.ingestRequests, before, 'a finished ingest sends nothing on a re-run');
    assert.ok(Object.values(again.tables).every((t) => t!.sent === 0));
  } finally {
    await emu.close();
  }
});

test('a 403 right after provisioning is waited out as role propagation, with a message', async () => {
  const emu = await startAzureEmulator();
  try {
    const conn = emulatorConnection(emu);
    const state = await provisionState(conn, 'rg-prop');
    const dir = await makeHostileBundle();
    emu.faults.add({ target: 'ingest', kind: 'forbidden', count: 3 });
    const messages: string[] = [];
    await ingestBundle(conn, dir, state!, { retryBaseMs: 2, maxConcurrency: 1, log: (m) => messages.push(m) });
    assert.ok(messages.some((m) => m.includes('Monitoring Metrics Publisher') && m.includes('propagate')));
    assert.equal(TABLES.reduce((n, t) => n + emu.rows(t.name).length, 0), (await bundleRecordIds(dir)).length);
  } finally {
    await emu.close();
  }
});

test('a field over 64 KB is truncated with a marker that names the RecordId; short fields are untouched', () => {
  const counter = { truncated: 0 };
  const row = { RecordId: 's/kubelogs_CL/000000001', Message: 'é'.repeat(50_000), Image: 'nginx', Labels: { big: 'x'.repeat(70_000) } };
  const out = prepareRow(row, counter);
  assert.equal(counter.truncated, 2);
  for (const k of ['Message', 'Labels'] as const) {
    const v = out[k] as string;
    assert.ok(Buffer.byteLength(v, 'utf8') <= MAX_FIELD_BYTES);
    assert.match(v, /truncated by KubeForenSys: \d+ more bytes; full value in the evidence bundle, RecordId s\/kubelogs_CL\/000000001\]$/);
  }
  assert.equal(out.Image, 'nginx');
  assert.equal(row.Message.length, 50_000, 'the bundle row itself is not modified');
});

test('cancelling an ingest stops it with progress reported so far; the next run finishes without doubling', async () => {
  const emu = await startAzureEmulator();
  try {
    const conn = emulatorConnection(emu);
    const state = await provisionState(conn, 'rg-cancel');
    const dir = await makeHostileBundle();
    emu.faults.add({ target: 'ingest', kind: 'slow', delayMs: 300, count: 20 });
    const controller = new AbortController();
    const progress: { table: string; rowsSent: number; bytesSent: number }[] = [];
    await assert.rejects(
      ingestBundle(conn, dir, state!, {
        signal: controller.signal,
        maxConcurrency: 1,
        onProgress: (p) => {
          progress.push(p);
          if (p.rowsSent > 0) controller.abort(new Error('cancelled by the user'));
        },
      }),
      /cancelled by the user/,
    );
    assert.equal(progress[0]!.table, 'kubeevents_CL');
    assert.ok(progress[0]!.rowsSent === 1 && progress[0]!.bytesSent > 0);
    const partial = TABLES.reduce((n, t) => n + emu.rows(t.name).length, 0);
    assert.ok(partial < (await bundleRecordIds(dir)).length, 'stopped before the end');
    emu.faults.clear();
    const rest = await ingestBundle(conn, dir, state!, {});
    assert.equal(rest.resumed, true);
    const stored = TABLES.flatMap((t) => emu.rows(t.name).map((r) => String(r.RecordId))).sort();
    assert.deepEqual(stored, await bundleRecordIds(dir));
  } finally {
    await emu.close();
  }
});

test('sign-in and tenant problems are one sentence saying what to do', async () => {
  const { describeAzureError } = await import('../../../src/core/azure/errors.js');
  const what = { action: 'create the Log Analytics workspace', resource: '/subscriptions/s/resourceGroups/rg', role: 'Log Analytics Contributor' };
  const noLogin = Object.assign(new Error('Azure CLI could not be found. Please run az login.'), { name: 'CredentialUnavailableError' });
  assert.match(describeAzureError(noLogin, what).message, /^You are not signed in to Azure, so KubeForenSys cannot create the Log Analytics workspace: run "az login"/);
  const tenant = new Error('AADSTS50020: User account from identity provider does not exist in tenant');
  assert.match(describeAzureError(tenant, what, 'contoso-tenant').message, /cannot get a token for tenant contoso-tenant: sign in to that tenant \(az login --tenant contoso-tenant\)/);
  const forbidden = Object.assign(new Error('does not have authorization'), { statusCode: 403, code: 'AuthorizationFailed' });
  assert.equal(describeAzureError(forbidden, what).message, 'Azure refused to create the Log Analytics workspace: the signed-in identity needs the "Log Analytics Contributor" role on /subscriptions/s/resourceGroups/rg.');
});

test('a row the service refuses (400: an impossible time) is quarantined and reported; its table and every later one still reach the workspace', async () => {
  const emu = await startAzureEmulator();
  try {
    const conn = emulatorConnection(emu);
    const state = await provisionState(conn, 'rg-quarantine');
    const dir = await makeAllTablesBundle(5, 2);
    const messages: string[] = [];
    const r = await ingestBundle(conn, dir, state, { retryBaseMs: 2, log: (m) => messages.push(m) });
    assert.equal(r.quarantined.length, 1);
    assert.deepEqual({ ...r.quarantined[0]!, reason: '' }, { table: 'kubelogs_CL', index: 2, recordId: r.quarantined[0]!.recordId, status: 400, code: 'InvalidPayload', reason: '' });
    assert.match(r.quarantined[0]!.recordId, /\/kubelogs_CL\/000000003$/);
    assert.match(r.quarantined[0]!.reason, /EventTime is not a valid datetime/);
    assert.ok(messages.some((m) => m.includes('quarantined')));
    assert.equal(r.tables.kubelogs_CL!.sent, 4);
    assert.equal(r.tables.kubelogs_CL!.quarantined, 1);
    for (const t of TABLES) assert.equal(emu.rows(t.name).length, t.name === 'kubelogs_CL' ? 4 : 5, t.name);
    assert.equal(r.delivered, TABLES.length * 5 - 1);
    // A re-run tries only the refused row again (and reports it again), nothing is doubled.
    const again = await ingestBundle(conn, dir, state, { retryBaseMs: 2 });
    assert.equal(again.quarantined.length, 1);
    assert.equal(emu.rows('kubelogs_CL').length, 4);
    assert.ok(Object.values(again.tables).every((t) => t!.sent === 0));
  } finally {
    await emu.close();
  }
});

test('a forged, foreign or garbage checkpoint is reported and not trusted: every record is sent', async () => {
  const emu = await startAzureEmulator();
  try {
    const conn = emulatorConnection(emu);
    const state = await provisionState(conn, 'rg-forged');
    const dir = await makeHostileBundle();
    const path = join(dir, INGEST_CHECKPOINT_FILE);
    const total = (await bundleRecordIds(dir)).length;
    const first = await ingestBundle(conn, dir, state, { retryBaseMs: 2 });
    const genuine = JSON.parse(await readFile(path, 'utf8'));
    const cases: [string, string | Buffer, RegExp, AzureState][] = [
      ['the forged prefix of issue 14', JSON.stringify({ prefix: 15 }), /version undefined, not 2/, state],
      ['random bytes', randomBytes(4096), /not JSON/, state],
      ['a prefix beyond the table', JSON.stringify({ ...genuine, tables: { ...genuine.tables, kubelogs_CL: { prefix: 99, ranges: [] } } }), /prefix 99, not a whole number from 0 to the table's 11 rows/, state],
      ['a valid shape with an edited count', JSON.stringify({ ...genuine, tables: { ...genuine.tables, kubelogs_CL: { prefix: 5, ranges: [] } } }), /signature does not match/, state],
      ['the genuine one, read with another state file', JSON.stringify(genuine), /signature does not match/, { ...state, checkpointKey: randomBytes(32).toString('hex') }],
      ['over 1 MB', Buffer.alloc(1024 * 1024 + 1, 0x20), /larger than 1048576 bytes/, state],
    ];
    assert.equal(first.delivered, total);
    for (const [name, content, reason, st] of cases) {
      await writeFile(path, content);
      const before = TABLES.reduce((n, t) => n + emu.rows(t.name).length, 0);
      const messages: string[] = [];
      const r = await ingestBundle(conn, dir, st, { retryBaseMs: 2, log: (m) => messages.push(m) });
      assert.match(r.checkpointRejected ?? '', reason, name);
      assert.ok(messages.some((m) => /ingestion checkpoint ingest-checkpoint\.json is not trusted/.test(m)), name);
      assert.equal(TABLES.reduce((n, t) => n + emu.rows(t.name).length, 0) - before, total, `${name}: every record sent again`);
    }
    // Another workspace: the genuine checkpoint of this one is foreign there.
    const other = await provisionState(conn, 'rg-forged-2');
    await writeFile(path, JSON.stringify(genuine));
    const r = await ingestBundle(conn, dir, { ...other, checkpointKey: state.checkpointKey }, { retryBaseMs: 2 });
    assert.match(r.checkpointRejected ?? '', /written for another workspace or rule/);
  } finally {
    await emu.close();
  }
});
