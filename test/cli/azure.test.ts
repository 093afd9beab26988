import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runAzureCommands } from './run.js';
import { TABLES } from '../../src/core/schema/tables.js';
import { startAzureEmulator, type AzureEmulator } from '../emulators/azure/server.js';
import { TEST_ENDPOINTS_ENV } from '../../src/core/azure/testEndpoints.js';
import { makeAllTablesBundle, makeHostileBundle } from '../core/azure/fixtures.js';
import { readFile } from 'node:fs/promises';
import type { RoleDefinition } from '../emulators/azure/rbac.js';
import { tempDir } from '../support/tempDir.js';

let emu: AzureEmulator;
let dir: string;

before(async () => {
  emu = await startAzureEmulator();
  dir = await tempDir('kfs-cli-azure-');
  await emu.writeEndpointsFile(join(dir, 'endpoints.json'));
  process.env[TEST_ENDPOINTS_ENV] = join(dir, 'endpoints.json');
});
after(async () => {
  delete process.env[TEST_ENDPOINTS_ENV];
  await emu.close();
});

const run = runAzureCommands;

test('provision, ingest, then `timeline --workspace` prints the same rows as `timeline BUNDLE` (jsonl and csv)', async () => {
  const plan = await run('provision', '--plan', '--resource-group', 'rg-cli');
  assert.match(plan.out, /would create workspace KubeForenSys-LAW/);
  assert.equal(emu.stats.armWrites, 0);
  const first = await run('provision', '--resource-group', 'rg-cli');
  // Against the emulator the ids go beside its endpoints file, never into the user's home.
  assert.ok(first.out.includes(`Provisioned. Ids saved to ${join(dir, 'endpoints.json')}.azure-state.json`), first.out);
  const second = await run('provision', '--resource-group', 'rg-cli');
  assert.match(second.out, /Nothing changed: everything was already in place/);
  const bundle = await makeHostileBundle();
  const ingest = await run('ingest', bundle);
  assert.match(ingest.out, /kubelogs_CL\s+11\s+11\s+0/);
  for (const format of ['jsonl', 'csv']) {
    for (const filter of [[], ['--namespace', 'kube-system', '--text', 'LINE']]) {
      const local = await run('timeline', bundle, '--format', format, ...filter);
      const remote = await run('timeline', '--workspace', '--format', format, ...filter);
      assert.ok(local.out.length > 100);
      assert.equal(remote.out, local.out);
    }
  }
});

/** Runs `fn` signed in as `token` (default: the emulator's owner) with its own endpoints and state file. */
async function as<T>(token: string | undefined, fn: () => Promise<T>): Promise<T> {
  const own = await tempDir('kfs-cli-azure-as-');
  await emu.writeEndpointsFile(join(own, 'endpoints.json'), token);
  const previous = process.env[TEST_ENDPOINTS_ENV];
  process.env[TEST_ENDPOINTS_ENV] = join(own, 'endpoints.json');
  try {
    return await fn();
  } finally {
    process.env[TEST_ENDPOINTS_ENV] = previous;
  }
}

/** The CLI's exit code for a run (commander actions set process.exitCode), reset for the next. */
function takeExitCode(): number {
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return code;
}

test('a user holding only the documented custom role provisions, ingests and reads the workspace timeline', async () => {
  const role = JSON.parse(await readFile('docs/azure-custom-role.json', 'utf8')) as RoleDefinition;
  const token = emu.addPrincipal([{ scope: `/subscriptions/${emu.endpoints.subscriptionId}/resourceGroups/rg-role`, role }]);
  const denied = emu.stats.denied;
  await as(token, async () => {
    await run('provision', '--resource-group', 'rg-role');
    const bundle = await makeAllTablesBundle();
    assert.match((await run('ingest', bundle)).out, /networkpolicies_CL\s+3\s+3\s+0\s+0/);
    const local = await run('timeline', bundle, '--format', 'jsonl');
    const remote = await run('timeline', '--workspace', '--format', 'jsonl');
    assert.equal(remote.out, local.out);
    assert.equal(takeExitCode(), 0);
    const check = await run('provision', '--check', '--resource-group', 'rg-role');
    assert.match(check.out, /ok: can send rows to rule KubeForenSys-DCR-2 \(Monitoring Metrics Publisher\)/);
    assert.match(check.out, /ok: can query the timeline from workspace KubeForenSys-LAW/);
    assert.match(check.out, /Everything matches the schema/);
    assert.equal(takeExitCode(), 0);
  });
  assert.equal(emu.stats.denied, denied, 'no request of the pipeline needed more than the role grants');
});

test('with workspaces/query/read alone a query runs but reads no table: one sentence names the table and the role', async () => {
  await run('provision', '--resource-group', 'rg-queryonly');
  const token = emu.addPrincipal([{ scope: `/subscriptions/${emu.endpoints.subscriptionId}/resourceGroups/rg-queryonly`, role: { Actions: ['Microsoft.OperationalInsights/workspaces/query/read'] } }]);
  // The owner's provision names the workspace; the reader passes its id.
  const { readState, azureStatePath } = await import('../../src/core/azure/state.js');
  const workspaceId = (await readState(azureStatePath())).workspaceCustomerId;
  await as(token, () =>
    assert.rejects(run('timeline', '--workspace', workspaceId), /^AzureError: The workspace does not show table \w+_CL to the signed-in identity: it needs "Log Analytics Data Reader \(or Microsoft\.OperationalInsights\/workspaces\/query\/\*\/read\)" on workspace [0-9a-f-]+/),
  );
});

test('`provision --check` writes nothing and reports drift and missing roles (exit 3)', async () => {
  const writes = emu.stats.armWrites;
  const fresh = await run('provision', '--check', '--resource-group', 'rg-check');
  assert.match(fresh.out, /drift: workspace KubeForenSys-LAW would be created/);
  assert.match(fresh.out, /drift: rule KubeForenSys-DCR-2 would be created/);
  assert.equal(takeExitCode(), 3);
  assert.equal(emu.stats.armWrites, writes, '--check sends no write');
  await as(undefined, () => run('provision', '--resource-group', 'rg-check'));
  // A reader (Azure's built-in Reader: */read) can query but cannot send rows.
  const reader = emu.addPrincipal([{ scope: `/subscriptions/${emu.endpoints.subscriptionId}`, role: { Actions: ['*/read'] } }]);
  const check = await as(reader, () => run('provision', '--check', '--resource-group', 'rg-check'));
  assert.match(check.out, /missing: cannot send rows to rule KubeForenSys-DCR: needs "Monitoring Metrics Publisher" on \/subscriptions\/.*\/dataCollectionRules\/KubeForenSys-DCR \(data action Microsoft.Insights\/Telemetry\/Write\)/);
  assert.match(check.out, /ok: can query the timeline/);
  assert.match(check.out, /Not ready: 0 resource\(s\) differ from the schema, 2 role\(s\) missing; nothing was changed/);
  assert.equal(takeExitCode(), 3);
});

test('`timeline --workspace` right after an ingest says how much has arrived and how to refresh; --wait waits for it', async () => {
  // Long enough that a loaded machine still queries before the rows arrive; --wait polls every 200 ms.
  emu.limits.ingestionDelayMs = 6000;
  try {
    await as(undefined, async () => {
      await run('provision', '--resource-group', 'rg-delay');
      const bundle = await makeAllTablesBundle(2);
      await run('ingest', bundle);
      const early = await run('timeline', '--workspace', '--format', 'jsonl');
      assert.equal(early.out, '', 'no rows yet');
      const rows = TABLES.length * 2;
      assert.match(early.err, new RegExp(String.raw`^note: ingested ${rows} rows at \d{4}-\d\d-\d\dT[\d:.]+Z; the workspace shows 0 so far: Log Analytics can take up to 15 minutes to make new data queryable, refresh in a few minutes\. Run the same command again to refresh, or add --wait 15 to wait for it\.$`, 'm'));
      assert.equal(takeExitCode(), 3);
      const waited = await run('timeline', '--workspace', '--format', 'jsonl', '--wait', '1');
      assert.match(waited.err, new RegExp(`Waiting for the workspace: ingested ${rows} rows`));
      assert.equal(waited.out, (await run('timeline', bundle, '--format', 'jsonl')).out);
      assert.equal(takeExitCode(), 0);
    });
  } finally {
    emu.limits.ingestionDelayMs = 0;
  }
});

test('`kql` prints a query with the hostile values escaped', async () => {
  const { out } = await run('kql', '--pod', 'prod/evil"pod', '--text', 'a\\b');
  assert.match(out, /PodName == "evil\\"pod"/);
  assert.match(out, /contains "a\\\\b"/);
});

test('`kql` for the portal filters on EventTime and says first that the portal time range applies to TimeGenerated', async () => {
  const { out } = await run('kql', '--from', '2026-03-01T10:00:00Z');
  assert.match(out.split('\n')[0]!, /^\/\/ KubeForenSys unified timeline\. Rows are filtered on EventTime/);
  assert.match(out, /^\/\/ The portal's time range applies to TimeGenerated instead/m);
  assert.match(out, /\| where EventTime >= datetime\(2026-03-01T10:00:00\.0000000Z\)/);
});

test('csv output defuses spreadsheet formulas from cluster text', async () => {
  const { writeTimeline } = await import('../../src/cli/azure.js');
  let out = '';
  await writeTimeline([{ Time: '', TimeSource: 'none', SourceTable: 'kubelogs_CL', EventType: 'LogLine', Cluster: 'c', Namespace: 'n', PodName: '=HYPERLINK("http://x")', ContainerName: '', Summary: '', Severity: '', TechniqueId: '', RecordId: 'r', Details: {} }], 'csv', new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }));
  assert.match(out, /"'=HYPERLINK\(""http:\/\/x""\)"/);
});
