import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { csvField, exportTimeline } from '../../src/commands/exportTimeline.js';
import { copyTimelineKql } from '../../src/commands/copyTimelineKql.js';
import { containerLogs } from '../../src/core/schema/tables.js';
import { emptyFilter } from '../../src/core/timeline/filter.js';
import { loadLocalTimeline, timelineFromRows } from '../../src/core/timeline/local.js';
import { openBundle } from '../../src/core/evidence/reader.js';
import { applyMarkEdit, caseFilePath, loadCase, saveCase } from '../../src/core/timeline/caseFile.js';
import { MALICIOUS, writeFixtureBundle } from '../extension/bundleFixture.js';
import { testContext } from '../extension/fakes.js';
import { tempDir } from '../support/tempDir.js';

test('CSV fields are quoted as RFC 4180 says, and cluster text cannot become a spreadsheet formula', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,"b"\nc'), '"a,""b""\nc"');
  assert.equal(csvField('=HYPERLINK("http://203.0.113.7","x")'), `"'=HYPERLINK(""http://203.0.113.7"",""x"")"`);
  assert.equal(csvField('+cmd|/C calc'), "'+cmd|/C calc");
  assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvField(null), '');
  assert.equal(csvField({ a: 1 }), '"{""a"":1}"');
});

test('Export says which filter applies and how many rows before writing, proposes the folder beside the bundle, and writes a provenance record', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const out = await tempDir('kfs-export-');
  const cc = testContext();
  await cc.state.setBundle({ dir, manifest });
  const filter = { ...emptyFilter(), containers: [{ namespace: 'prod-web', pod: 'web-frontend-7d9f8b6c5d-x2k9p', container: 'nginx' }] };
  const saveDialogs: { title: string; defaultPath?: string }[] = [];
  cc.ui.pickSaveFile = (async (opts: { title: string; defaultPath?: string }) => (saveDialogs.push(opts), join(out, 't.jsonl'))) as typeof cc.ui.pickSaveFile;
  cc.ui.pick = (items) => items[0];

  assert.equal(await exportTimeline(cc, 'jsonl', filter), join(out, 't.jsonl'));
  const scope = cc.ui.picks.at(-1)!;
  assert.equal(scope.opts?.title, 'KubeForenSys: export which rows?');
  assert.match(scope.items[0]!.label, /^The timeline's filter: \d+ rows$/);
  assert.equal(scope.items[0]!.detail, 'container prod-web/web-frontend-7d9f8b6c5d-x2k9p/nginx');
  assert.match(scope.items[1]!.label, /^Every row: \d+ rows$/);
  assert.equal(saveDialogs[0]!.defaultPath, join(dirname(dir), `timeline-${basename(dir)}.jsonl`), 'beside the bundle, not in $HOME nor inside the sealed folder');

  const text = await readFile(join(out, 't.jsonl'), 'utf8');
  const rows = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const n = Number(/(\d+) rows/.exec(scope.items[0]!.label)![1]);
  assert.equal(rows.length, n, 'as many rows as the confirmation said');
  assert.ok(rows.every((r) => r.PodName === 'web-frontend-7d9f8b6c5d-x2k9p'));
  assert.ok(rows.some((r) => r.Summary === MALICIOUS));
  const prov = JSON.parse(await readFile(join(out, 't.jsonl.provenance.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(prov.sha256, createHash('sha256').update(text).digest('hex'));
  assert.equal(prov.rows, n);
  assert.deepEqual(prov.filter, filter);
  assert.deepEqual(prov.source, { kind: 'local', label: basename(dir), snapshotId: manifest.snapshotId, manifestDigest: manifest.manifestDigest });
  assert.match(cc.ui.shown.at(-1)!.message, new RegExp(`exported ${n} rows to .*t\\.jsonl, with t\\.jsonl\\.provenance\\.json beside it`));

  // No filter in force and no panel open: nothing to confirm, the whole timeline.
  cc.ui.pickSaveFile = async () => join(out, 't.csv');
  cc.ui.pick = (items) => items.find((i) => i.label === 'CSV');
  await exportTimeline(cc);
  const csv = await readFile(join(out, 't.csv'), 'utf8');
  assert.ok(csv.startsWith('\ufeffTime,'), 'BOM and header');
  assert.equal(csv.trim().split('\r\n').length, 1 + 15, 'header + every row (no row holds a line break)');
});

test('Export to Timesketch carries the case file\'s stars and tags; the starred rows alone when the filter says so', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const out = await tempDir('kfs-export-');
  const cc = testContext();
  await cc.state.setBundle({ dir, manifest });
  const all = (await loadLocalTimeline(await openBundle(dir))).query(emptyFilter(), { offset: 0, limit: 100 }).rows;
  const target = all.find((r) => r.Summary === MALICIOUS)!;
  let c = (await loadCase(dir, manifest)).case;
  c = applyMarkEdit(c, target.RecordId, { op: 'star', starred: true }, 'alice');
  c = applyMarkEdit(c, target.RecordId, { op: 'addTag', tag: 'evidence' }, 'alice');
  await saveCase(dir, c);
  cc.ui.pickSaveFile = async () => join(out, 's.jsonl');
  cc.ui.pick = (items) => items[0];
  await exportTimeline(cc, 'timesketch', { ...emptyFilter(), recordIds: [target.RecordId] });
  const lines = (await readFile(join(out, 's.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.message, MALICIOUS);
  assert.deepEqual(lines[0]!.tag, ['starred', 'evidence']);
  const prov = JSON.parse(await readFile(join(out, 's.jsonl.provenance.json'), 'utf8')) as { filterDescription: string; source: { caseFile?: { path: string } } };
  assert.equal(prov.filterDescription, '1 marked rows only');
  assert.equal(prov.source.caseFile?.path, caseFilePath(dir));
});

test('Copy Timeline KQL puts the union query with the panel\'s filter on the clipboard', async () => {
  const cc = testContext();
  cc.timeline.filter = { ...emptyFilter(), containers: [{ namespace: 'prod-web', pod: 'web"; drop', container: 'nginx' }] };
  const q = await copyTimelineKql(cc);
  assert.equal(cc.ui.clipboard, q);
  assert.match(q, /union/);
  assert.ok(q.includes(containerLogs.name));
  assert.ok(q.includes('"web\\"; drop"'), 'names are escaped as KQL string literals');
});

test('with a timeline panel open, Export writes what the panel holds under its current filter (no bundle needed)', async () => {
  const { dir } = await writeFixtureBundle();
  const out = await tempDir('kfs-export-');
  const cc = testContext();
  const rows = (await loadLocalTimeline(await openBundle(dir))).query(emptyFilter(), { offset: 0, limit: 100 }).rows;
  // What a workspace query returned, in the same engine.
  cc.timeline.data = timelineFromRows(rows);
  await cc.timeline.open({ kind: 'workspace' }, { ...emptyFilter(), pods: [{ namespace: 'default', pod: 'node-debugger' }] });
  cc.ui.saveFile = join(out, 'ws.jsonl');
  cc.ui.pick = (items) => items[0];
  await exportTimeline(cc, 'jsonl');
  assert.equal(cc.ui.picks.at(-1)!.items[0]!.detail, 'pod default/node-debugger', 'the panel\'s filter is named before writing');
  const written = (await readFile(cc.ui.saveFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { PodName: string });
  assert.equal(written.length, 6, 'event, inventory, log line and three findings of node-debugger');
  assert.ok(written.every((r) => r.PodName === 'node-debugger'));
});
