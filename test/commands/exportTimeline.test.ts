import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csvField, exportTimeline } from '../../src/commands/exportTimeline.js';
import { copyTimelineKql } from '../../src/commands/copyTimelineKql.js';
import { TIMELINE_COLUMNS } from '../../src/core/schema/timeline.js';
import { containerLogs } from '../../src/core/schema/tables.js';
import { emptyFilter } from '../../src/core/timeline/filter.js';
import { loadLocalTimeline, timelineFromRows } from '../../src/core/timeline/local.js';
import { openBundle } from '../../src/core/evidence/reader.js';
import { MALICIOUS, writeFixtureBundle } from '../extension/bundleFixture.js';
import { testContext } from '../extension/fakes.js';
import { tempDir } from '../extension/tmp.js';

test('CSV fields are quoted as RFC 4180 says, and cluster text cannot become a spreadsheet formula', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,"b"\nc'), '"a,""b""\nc"');
  assert.equal(csvField('=HYPERLINK("http://203.0.113.7","x")'), `"'=HYPERLINK(""http://203.0.113.7"",""x"")"`);
  assert.equal(csvField('+cmd|/C calc'), "'+cmd|/C calc");
  assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvField(null), '');
  assert.equal(csvField({ a: 1 }), '"{""a"":1}"');
});

test('Export writes the filtered timeline of the bundle as JSONL and CSV', async () => {
  const { dir, manifest } = await writeFixtureBundle();
  const out = await tempDir('kfs-export-');
  const cc = testContext();
  await cc.state.setBundle({ dir, manifest });
  const filter = { ...emptyFilter(), containers: [{ namespace: 'prod-web', pod: 'web-frontend-7d9f8b6c5d-x2k9p', container: 'nginx' }] };

  cc.ui.saveFile = join(out, 't.jsonl');
  assert.equal(await exportTimeline(cc, 'jsonl', filter), cc.ui.saveFile);
  const rows = (await readFile(cc.ui.saveFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(rows.length, 5);
  assert.deepEqual(Object.keys(rows[0]!), TIMELINE_COLUMNS.map((c) => c.name));
  assert.ok(rows.some((r) => r.Summary === MALICIOUS));
  assert.match(cc.ui.shown.at(-1)!.message, /exported 5 rows/);

  // No filter given and no panel open: the whole timeline.
  cc.ui.saveFile = join(out, 't.csv');
  cc.ui.pick = (items) => items.find((i) => i.label === 'CSV');
  await exportTimeline(cc);
  const csv = await readFile(cc.ui.saveFile, 'utf8');
  assert.ok(csv.startsWith('\ufeffTime,SourceTable,'), 'BOM and header');
  assert.equal(csv.trim().split('\r\n').length, 1 + 15, 'header + every row (no row holds a line break)');
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
  await exportTimeline(cc, 'jsonl');
  const written = (await readFile(cc.ui.saveFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { PodName: string });
  assert.equal(written.length, 6, 'event, inventory, log line and three findings of node-debugger');
  assert.ok(written.every((r) => r.PodName === 'node-debugger'));
});
