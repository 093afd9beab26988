// Provision, ingest and the workspace timeline through the commands, with the real Azure SDK
// clients against the Azure emulator, reached only through KUBEFORENSYS_TEST_AZURE_ENDPOINTS.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startAzureEmulator, type AzureEmulator } from '../emulators/azure/server.js';
import { loadAzureServices, extensionConnection } from '../../src/host/azureServices.js';
import { provisionAzure } from '../../src/commands/provisionAzure.js';
import { loadTimelineSource } from '../../src/views/timelineSources.js';
import { openTimeline } from '../../src/commands/openTimeline.js';
import { defaultCoreServices } from '../../src/host/services.js';
import { openBundle } from '../../src/core/evidence/reader.js';
import { loadLocalTimeline } from '../../src/core/timeline/local.js';
import { emptyFilter } from '../../src/core/timeline/filter.js';
import { containerLogs } from '../../src/core/schema/tables.js';
import { writeFixtureBundle } from '../extension/bundleFixture.js';
import { runCommand, testContext } from '../extension/fakes.js';
import { CMD } from '../../src/host/ids.js';
import type { IngestOutcome } from '../../src/host/azureServices.js';
import { tempDir } from '../support/tempDir.js';

let emu: AzureEmulator;
let env: NodeJS.ProcessEnv;

before(async () => {
  emu = await startAzureEmulator();
  const file = join(await tempDir('kfs-azure-ext-'), 'endpoints.json');
  await emu.writeEndpointsFile(file);
  env = { KUBEFORENSYS_TEST_AZURE_ENDPOINTS: file };
});
after(() => emu.close());

const context = (user: Record<string, unknown> = { 'kubeforensys.azure.resourceGroup': 'rg-incident' }) =>
  testContext({ env, user, core: { azure: () => loadAzureServices(env), hasWorkspace: defaultCoreServices().hasWorkspace } });

test('without the test variable the extension asks VS Code for a Microsoft token per audience', async () => {
  const asked: string[][] = [];
  const conn = await extensionConnection({ getToken: async (scopes) => (asked.push(scopes), { token: 't', expiresOnTimestamp: Date.now() + 60_000 }) }, {});
  assert.equal(conn.isTest, false);
  assert.equal(conn.tlsOptions, undefined, 'no extra TLS trust in production');
  await conn.credential.getToken('https://api.loganalytics.io/.default');
  await conn.credential.getToken(['https://monitor.azure.com/.default']);
  assert.deepEqual(asked, [['https://api.loganalytics.io/.default'], ['https://monitor.azure.com/.default']]);
});

test('provision twice (the second changes nothing), ingest the bundle, and the workspace timeline equals the local one', async () => {
  const { dir } = await writeFixtureBundle();
  const cc = context();
  const first = await provisionAzure(cc);
  assert.equal(first?.changed, true, cc.ui.shown.map((s) => s.message).join('\n'));
  assert.match(cc.ui.shown.at(-1)!.message, /Log Analytics ready: workspace KubeForenSys-LAW in rg-incident/);
  const second = await provisionAzure(cc);
  assert.equal(second?.changed, false);
  assert.match(cc.ui.shown.at(-1)!.message, /already in place.*nothing changed/);
  assert.equal(cc.ui.progress[0]!.cancellable, true);

  const ingested = (await runCommand(cc, CMD.ingest, { kind: 'snapshot', dir })) as IngestOutcome | undefined;
  assert.equal(ingested?.rows, 15, cc.ui.shown.map((s) => s.message).join('\n'));
  assert.equal(emu.rows(containerLogs.name).length, 4);
  const reports = cc.ui.progress[2]!.reports;
  assert.ok(reports.some((r) => r.message?.startsWith(`${containerLogs.name}: 4/4 rows`)), JSON.stringify(reports));
  assert.equal(Math.round(reports.reduce((s, r) => s + (r.increment ?? 0), 0)), 100, 'the bar reaches 100%');

  // A second ingestion resumes from the checkpoint and sends nothing twice.
  const again = (await runCommand(cc, CMD.ingest, { kind: 'snapshot', dir })) as IngestOutcome | undefined;
  assert.equal(again?.rows, 0);
  assert.match(cc.ui.shown.at(-1)!.message, /15 already delivered by an earlier run/);
  assert.equal(emu.rows(containerLogs.name).length, 4);

  // With a workspace provisioned, Open Timeline asks which source.
  await cc.state.setBundle({ dir, manifest: (await openBundle(dir)).manifest });
  cc.ui.pick = (items) => items.find((i) => i.label.includes('Log Analytics'));
  assert.deepEqual(await openTimeline(cc), { kind: 'workspace' });
  assert.deepEqual(cc.ui.picks.at(-1)!.items.map((i) => i.description), ['the open evidence bundle', 'local, no Azure needed', 'runs the unified KQL query']);

  const { source, info } = await loadTimelineSource(cc, { kind: 'workspace' });
  assert.equal(info.kind, 'workspace');
  assert.equal(info.label, 'Log Analytics · KubeForenSys-LAW');
  const local = await loadLocalTimeline(await openBundle(dir));
  const all = { offset: 0, limit: 100 };
  assert.deepEqual(source.query(emptyFilter(), all), local.query(emptyFilter(), all));
});

test('a missing resource group is a settings problem with the settings one click away', async () => {
  const cc = context({});
  cc.ui.answer = (s) => s.buttons[0];
  assert.equal(await runCommand(cc, CMD.provision), undefined);
  assert.deepEqual(cc.ui.shown[0]!.buttons, ['Open Settings']);
  assert.match(cc.ui.shown[0]!.message, /set kubeforensys\.azure\.resourceGroup/);
  assert.deepEqual(cc.ui.commands, [{ id: 'workbench.action.openSettings', args: ['kubeforensys.azure'] }]);
});

test('right after an ingest the workspace timeline says how much has arrived and offers Refresh, which queries again', async () => {
  emu.limits.ingestionDelayMs = 4000;
  try {
    const { dir } = await writeFixtureBundle();
    const cc = context({ 'kubeforensys.azure.resourceGroup': 'rg-arrival' });
    await provisionAzure(cc);
    assert.ok((await runCommand(cc, CMD.ingest, { kind: 'snapshot', dir }) as IngestOutcome | undefined)?.rows);
    cc.ui.answer = (s) => (s.buttons.includes('Refresh') ? 'Refresh' : undefined);
    const early = await loadTimelineSource(cc, { kind: 'workspace' });
    const note = cc.ui.shown.find((s) => s.buttons.includes('Refresh'));
    assert.ok(note, cc.ui.shown.map((s) => s.message).join('\n'));
    assert.match(note.message, /^KubeForenSys: ingested 15 rows at .*; the workspace shows \d+ so far: Log Analytics can take up to 15 minutes/);
    assert.ok(early.source.size < 15);
    await new Promise((r) => setTimeout(r, 4100));
    const refresh = cc.timeline.opened.at(-1)!.source;
    assert.equal(refresh.kind, 'workspace');
    assert.ok(refresh.kind === 'workspace' && typeof refresh.refresh === 'number', 'Refresh asks for the workspace again');
    const later = await loadTimelineSource(cc, refresh);
    const local = await loadLocalTimeline(await openBundle(dir));
    const all = { offset: 0, limit: 100 };
    assert.deepEqual(later.source.query(emptyFilter(), all), local.query(emptyFilter(), all));
  } finally {
    emu.limits.ingestionDelayMs = 0;
  }
});
