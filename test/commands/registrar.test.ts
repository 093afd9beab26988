// The registrar's one way of handling what every command used to handle itself: a cancel, a
// failure, and arguments that are not what the command expects (any caller can pass anything).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CMD } from '../../src/host/ids.js';
import { emptyFilter } from '../../src/core/timeline/filter.js';
import type { AzureServices } from '../../src/host/azureServices.js';
import { writeFixtureBundle } from '../extension/bundleFixture.js';
import { runCommand, testContext } from '../extension/fakes.js';

/** A task that runs until its signal aborts, then rejects as fetch and the Azure SDKs do. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }))));

const azureThat = (ingest: AzureServices['ingest']): (() => Promise<AzureServices>) => async () =>
  ({ connection: async () => ({}) as never, ingest, provision: async () => ({ summary: '', changed: false }), queryTimeline: async () => ({ rows: [], label: '' }) }) as AzureServices;

test('Cancel on an ingestion aborts its signal and says once how to resume; nothing is shown as an error', async () => {
  const { dir } = await writeFixtureBundle();
  let aborted = false;
  const cc = testContext({ core: { azure: azureThat(async (_c, _d, run) => untilAborted(run.signal).finally(() => (aborted = run.signal.aborted))) } });
  cc.ui.onProgressStart = (token) => setImmediate(() => token.cancel());
  assert.equal(await runCommand(cc, CMD.ingest, { kind: 'snapshot', dir }), undefined);
  assert.equal(aborted, true);
  assert.deepEqual(cc.ui.shown.map((s) => [s.level, s.message]), [['warning', 'KubeForenSys: ingestion cancelled; run it again to resume from the checkpoint.']]);
  assert.ok(cc.log.lines.some((l) => l.includes('cancelled by the user')));
});

test('Cancel on a verification is silent: the user asked for it', async () => {
  const { dir } = await writeFixtureBundle();
  const cc = testContext({ core: { verifyBundle: async (_d, signal) => untilAborted(signal!) } });
  cc.ui.onProgressStart = (token) => setImmediate(() => token.cancel());
  assert.equal(await runCommand(cc, CMD.verifyBundle, dir), undefined);
  assert.deepEqual(cc.ui.shown, []);
});

test('a failure is shown once, named by the command, with the log one click away', async () => {
  const { dir } = await writeFixtureBundle();
  const cc = testContext({ core: { verifyBundle: async () => Promise.reject(new Error('EACCES: permission denied')) } });
  cc.ui.answer = (s) => s.buttons[0];
  assert.equal(await runCommand(cc, CMD.verifyBundle, { kind: 'snapshot', dir }), undefined);
  assert.equal(cc.ui.shown.length, 1);
  assert.equal(cc.ui.shown[0]!.level, 'error');
  assert.equal(cc.ui.shown[0]!.message, `KubeForenSys: cannot verify ${dir}: EACCES: permission denied`);
  assert.deepEqual(cc.ui.shown[0]!.buttons, ['Show Log']);
  assert.equal(cc.log.shown, 1);
});

test('a finding node without its fields is refused before the command reads it (no unchecked cast)', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const cc = testContext();
  await cc.state.setBundle({ dir, manifest });
  // Passed by another extension's executeCommand: the right kind, none of the fields.
  assert.equal(await runCommand(cc, CMD.showInTimeline, { kind: 'finding', finding: { recordId: 1 } }), undefined);
  assert.equal(await runCommand(cc, CMD.showLogs, { kind: 'container', namespace: 'prod-web', pod: 7 }), undefined);
  assert.deepEqual(cc.timeline.opened, []);
  assert.deepEqual(cc.ui.opened, []);
  assert.equal(cc.ui.shown.length, 2);
  assert.ok(cc.ui.shown.every((s) => s.level === 'warning'));
});

test('a filter argument is checked like a webview message: a forged one is refused with the reason', async () => {
  const { dir } = await writeFixtureBundle();
  const cc = testContext();
  assert.equal(await runCommand(cc, CMD.openTimeline, { kind: 'local', bundleDir: dir }, { ...emptyFilter(), namespaces: 'prod' }), undefined);
  assert.deepEqual(cc.timeline.opened, []);
  assert.match(cc.ui.shown[0]!.message, /^KubeForenSys: the timeline could not open: filter\.namespaces: /);
  const ok = { ...emptyFilter(), namespaces: ['prod'] };
  assert.deepEqual(await runCommand(cc, CMD.openTimeline, { kind: 'snapshot', dir }, ok), { kind: 'local', bundleDir: dir });
  assert.deepEqual(cc.timeline.opened, [{ source: { kind: 'local', bundleDir: dir }, filter: ok }]);
});
