// The timeline as an analyst's workbench, in headless Chromium with the real bundle and CSP: the
// container picker, sort, resize, columns, copy, highlight, the baseline toggle, the time axis,
// the zone toggle, the row palette, Show in Timeline's selected row, and marks kept in a real case
// file that survive a reload and travel into a Timesketch export with its provenance.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { timelineFromRows } from '../../src/core/timeline/local.js';
import { matchesFilter } from '../../src/core/timeline/rows.js';
import { emptyFilter, type TimelineFilter } from '../../src/core/timeline/filter.js';
import { caseFilePath, parseCase } from '../../src/core/timeline/caseFile.js';
import { CaseStore } from '../../src/views/caseStore.js';
import { FakeHost, launchChromium, openTimeline, serve, type Served } from './harness.js';
import { assertClean, pick, renderedRows, waitStatus as waitStatusOf } from './page.js';
import { LONG_POD, smallTimeline } from './data.js';
import { tempDir } from '../support/tempDir.js';

let browser: Browser;
let served: Served;
const rows = smallTimeline();
const ALL = rows.length;
const OPEN = ALL - 1;
const count = (f: Partial<TimelineFilter>) => rows.filter((r) => matchesFilter(r, { ...emptyFilter(), ...f })).length;
const waitStatus = (page: Page, shown: number, total = ALL) => waitStatusOf(page, shown, total);

before(async () => {
  browser = await launchChromium();
  served = await serve();
});

after(async () => {
  await browser?.close();
  await served?.close();
});

async function open(host = new FakeHost(timelineFromRows(rows)), timezoneId?: string) {
  const { page, errors } = await openTimeline(browser, served, host, { width: 1400, height: 800 }, timezoneId);
  await waitStatus(page, OPEN);
  return { page, errors, host };
}

const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;

test('the container picker lists real containers and workloads as their own kind; a pick replaces the previous container', async () => {
  const { page, errors, host } = await open();
  const input = page.locator('#kfs-container-picker input');
  await input.click();
  await input.fill('web');
  const items = await page.$$eval('#kfs-container-picker-list .kfs-picker-item', (els) => els.map((e) => `${(e as HTMLElement).dataset.kind}|${e.querySelector('.kfs-picker-label')!.textContent}`));
  assert.deepEqual(items, ['workload|Deployment prod/web', 'container|prod/web-1/app', 'container|prod/web-1/sidecar'], 'the exact name first; no "prod//sidecar" entry from the template finding');
  await input.fill('sidecar');
  await input.press('Enter');
  await page.locator('[data-chip="container:prod/web-1/sidecar"]').waitFor();
  await pick(page, 'kfs-container-picker', 'postgres', 'prod/db-0/postgres');
  await page.locator('[data-chip="container:prod/db-0/postgres"]').waitFor();
  assert.equal(await page.locator('[data-chip^="container:"]').count(), 1, 'the new container replaced the old one');
  assert.deepEqual(host.lastFilter()?.containers, [{ namespace: 'prod', pod: 'db-0', container: 'postgres' }]);
  // The workload entry filters to the template's findings.
  await pick(page, 'kfs-container-picker', 'web', 'Deployment prod/web');
  await page.locator('[data-chip="workload:prod/Deployment/web"]').waitFor();
  await waitStatus(page, 1);
  assert.equal((await renderedRows(page))[0]!.cells.summary, 'Template runs privileged');
  assert.equal(await page.locator('[data-chip^="container:"]').count(), 0);
  await assertClean(page, errors);
});

test('a header click sorts (again: reversed); the Summary takes the remaining width; a dragged column edge resizes and is kept across a reload', async () => {
  const { page, errors, host } = await open();
  const summary = await box(page, '.kfs-header [data-col="summary"]');
  assert.ok(summary.width > 560, `the Summary is readable at 1400 px without resizing anything (${summary.width}px)`);
  await page.locator('.kfs-header [data-col="pod"] .kfs-head-label').click();
  await page.locator('.kfs-header [data-col="pod"][aria-sort="ascending"]').waitFor();
  await waitStatus(page, OPEN);
  let shown = (await renderedRows(page)).map((r) => r.cells.pod!);
  assert.ok(shown.length > 10);
  const asc = [...shown].sort();
  assert.deepEqual(shown, asc, 'pods in ascending order');
  assert.deepEqual(host.last('query')?.sort, { column: 'PodName', descending: false });
  await page.locator('.kfs-header [data-col="pod"] .kfs-head-label').click();
  await page.locator('.kfs-header [data-col="pod"][aria-sort="descending"]').waitFor();
  await page.waitForFunction(() => document.querySelector('.kfs-data-row:not(.kfs-loading) [data-col="pod"]')?.textContent === 'web-1');
  shown = (await renderedRows(page)).map((r) => r.cells.pod!);
  assert.deepEqual(shown, [...shown].sort().reverse(), 'reversed');

  const pod = await box(page, '.kfs-header [data-col="pod"]');
  const handle = await box(page, '.kfs-header [data-col="pod"] .kfs-resize');
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + 60, handle.y + handle.height / 2, { steps: 4 });
  await page.mouse.move(handle.x + 120, handle.y + handle.height / 2, { steps: 4 });
  await page.mouse.up();
  const wider = await box(page, '.kfs-header [data-col="pod"]');
  assert.ok(Math.abs(wider.width - (pod.width + 120)) < 6, `${pod.width} → ${wider.width}`);
  const cell = await box(page, '.kfs-data-row [data-col="pod"]');
  assert.ok(Math.abs(cell.width - wider.width) < 2, 'the rows follow the header');
  await page.reload();
  await waitStatus(page, OPEN);
  assert.ok(Math.abs((await box(page, '.kfs-header [data-col="pod"]')).width - wider.width) < 2, 'the width survives a reload');
  await page.locator('.kfs-header [data-col="pod"][aria-sort="descending"]').waitFor();
  await assertClean(page, errors);
});

test('columns can be hidden and moved from the column menu, and long names are cut in the middle with the full value on hover and in a copy', async () => {
  const { page, errors, host } = await open();
  await page.locator('#kfs-columns').click();
  await page.locator('#kfs-col-namespace').uncheck();
  await page.locator('[data-move="severity:-1"]').click();
  await page.keyboard.press('Escape');
  const heads = await page.$$eval('.kfs-header [data-col]', (els) => els.map((e) => (e as HTMLElement).dataset.col));
  assert.ok(!heads.includes('namespace'), 'Namespace hidden');
  assert.ok(heads.indexOf('severity') === heads.indexOf('container') - 1, `Severity moved before Container: ${heads.join(',')}`);
  assert.equal(await page.locator('.kfs-data-row [data-col="namespace"]').count(), 0);

  await page.locator('#kfs-text input').fill('long pod line');
  await waitStatus(page, 1);
  const [r] = await renderedRows(page);
  assert.match(r!.cells.pod!, /^paym.*….*k9p-zq$/, `cut in the middle, its distinguishing end kept: ${r!.cells.pod}`);
  assert.equal(r!.titles.pod, LONG_POD);
  await page.locator('.kfs-data-row [data-col="pod"]').first().click({ button: 'right' });
  await page.locator('#kfs-menu-copy-cell').click();
  assert.deepEqual([host.last('copy')?.text, host.last('copy')?.what], [LONG_POD, 'Pod'], 'the whole value is copied, not the cut one');
  // The keyboard: the row is selected, Ctrl+Shift+C copies it whole.
  await page.locator('.kfs-scroller').focus();
  await page.keyboard.press('Control+Shift+C');
  assert.equal((JSON.parse(host.last('copy')!.text) as { RecordId: string }).RecordId, 'long-1');
  await page.reload();
  await waitStatus(page, 1);
  assert.equal(await page.locator('.kfs-header [data-col="namespace"]').count(), 0, 'the layout is kept');
  await assertClean(page, errors);
});

test('free text marks its matches in the Summary; a severity view hides the baseline until the toggle shows it', async () => {
  const { page, errors } = await open();
  await page.locator('#kfs-text input').fill('INDEX.html 12');
  await waitStatus(page, count({ text: 'index.html 12' }));
  const hits = await page.$$eval('.kfs-data-row mark.kfs-hit', (els) => els.map((e) => e.textContent));
  assert.ok(hits.length >= 2 && hits.every((h) => h === 'index.html 12'), JSON.stringify(hits));
  await page.locator('#kfs-clear').click();

  await page.locator('#kfs-severity-dropdown').click();
  await page.locator('#kfs-severity-dropdown vscode-option', { hasText: 'high' }).click();
  await page.locator('[data-chip="baseline"]').waitFor();
  await waitStatus(page, count({ severities: ['high'], hideBaseline: true }));
  assert.equal(await page.locator('#kfs-hide-baseline').getAttribute('aria-checked'), 'true');
  assert.ok(!(await renderedRows(page)).some((r) => r.cells.pod === 'kube-proxy-x1'), 'the expected platform finding is hidden');
  await page.locator('#kfs-hide-baseline').click();
  await waitStatus(page, count({ severities: ['high'] }));
  await page.locator('.kfs-data-row', { hasText: 'kube-proxy runs privileged' }).waitFor();
  await assertClean(page, errors);
});

test('the axis opens on the events\' window: state rows stay off it, show as state when asked for; an empty drag says so and offers zoom out; Undo zoom', async () => {
  const { page, errors, host } = await open();
  assert.equal(await page.locator('.kfs-data-row', { hasText: 'binding view to default' }).count(), 0);
  await page.locator('#kfs-range').click();
  await page.locator('#kfs-range vscode-option', { hasText: 'All times' }).click();
  await waitStatus(page, ALL);
  const first = (await renderedRows(page))[0]!;
  assert.equal(first.cells.summary, 'binding view to default', 'the month-old binding is first in time');
  assert.match(first.classes, /kfs-state/, 'drawn as state, not as an event');
  assert.equal(first.cells.time!.slice(0, 1), '◷');
  assert.match(first.titles.time!, /creation time/);
  // Between the binding and the events, a month with nothing: a drag there is refused with a note.
  const plot = await box(page, '.kfs-hist-canvas');
  await page.mouse.move(plot.x + plot.width * 0.3, plot.y + 40);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.5, plot.y + 40, { steps: 5 });
  await page.mouse.up();
  await page.locator('.kfs-hist-note', { hasText: 'No events between' }).waitFor();
  await waitStatus(page, ALL);
  // Back to the collection window; a drag over a quarter of it zooms in; Undo zoom steps back each time.
  await page.locator('#kfs-range').click();
  await page.locator('#kfs-range vscode-option', { hasText: 'Collection window' }).click();
  await waitStatus(page, OPEN);
  await page.mouse.move(plot.x + plot.width * 0.25, plot.y + 40);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.5, plot.y + 40, { steps: 5 });
  await page.mouse.up();
  const f = await until(() => {
    const t = host.lastFilter();
    return t && t.from && count({ from: t.from, to: t.to }) < OPEN ? t : undefined;
  });
  await waitStatus(page, count({ from: f.from, to: f.to }));
  await page.locator('#kfs-zoom-undo').click();
  await waitStatus(page, OPEN);
  await page.locator('#kfs-zoom-undo').click();
  await waitStatus(page, ALL);
  assert.equal(await page.locator('[data-chip="time"]').count(), 0);
  await page.locator('#kfs-zoom-undo').click();
  await waitStatus(page, OPEN);
  await page.locator('#kfs-zoom-undo[disabled]').waitFor({ state: 'attached' });
  await assertClean(page, errors);
});

test('times show to the millisecond with the zone named; the toggle switches to local time and says so', async () => {
  const { page, errors } = await open(undefined, 'Europe/Berlin');
  assert.equal(await page.locator('.kfs-header [data-col="time"] .kfs-head-label').textContent(), 'Time (UTC)');
  const utc = (await renderedRows(page))[0]!.cells.time!;
  assert.match(utc, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
  await page.locator('#kfs-zone').click();
  await page.locator('.kfs-header [data-col="time"] .kfs-head-label', { hasText: 'Time (UTC+01:00)' }).waitFor();
  assert.match((await page.locator('#kfs-zone').textContent())!, /local \(UTC\+01:00\)/);
  const local = (await renderedRows(page))[0]!.cells.time!;
  assert.equal(Date.parse(local.replace(' ', 'T') + '+01:00'), Date.parse(utc.replace(' ', 'T') + 'Z'), `${utc} UTC is ${local} in Berlin`);
  await assertClean(page, errors);
});

test('rows are tinted by source with one colour per table, all 11 distinct in the dark, light and high-contrast themes', async () => {
  const { page, errors } = await open();
  const palettes = await page.evaluate(() => {
    const out: Record<string, string[]> = {};
    for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light']) {
      document.body.className = theme;
      const css = getComputedStyle(document.body);
      out[theme] = Array.from({ length: 11 }, (_, i) => css.getPropertyValue(`--kfs-src-${i}`).trim());
    }
    document.body.className = 'vscode-dark';
    return out;
  });
  for (const [theme, colours] of Object.entries(palettes)) assert.equal(new Set(colours).size, 11, `${theme}: ${colours.join(' ')}`);
  // A log row and an event row carry different stripes, and the legend uses the same colours.
  const stripes = await page.$$eval('.kfs-data-row:not(.kfs-loading)', (els) => [...new Set(els.map((e) => getComputedStyle(e).boxShadow))]);
  assert.ok(stripes.length >= 2, JSON.stringify(stripes));
  await assertClean(page, errors);
});

test('Show in Timeline with a row: the host-given row is selected and scrolled to, far beyond the first page', async () => {
  const host = new FakeHost(timelineFromRows(rows));
  host.initFilter = emptyFilter();
  host.initSelect = 'r0000451';
  const { page, errors } = await openTimeline(browser, served, host);
  await page.locator('.kfs-data-row.kfs-selected', { hasText: 'GET /index.html 451' }).waitFor();
  await page.locator('.kfs-json', { hasText: '"RecordId": "r0000451"' }).waitFor();
  const selected = (await renderedRows(page)).filter((r) => r.selected);
  assert.equal(selected.length, 1);
  assert.ok(selected[0]!.index > 400, 'found by its position, not on the first page');
  // "Everything ±5 min around this event" from its menu: a time window centred on it, the row kept.
  await page.locator('.kfs-data-row.kfs-selected').click({ button: 'right' });
  await page.locator('#kfs-menu-around').click();
  const f = host.lastFilter()!;
  const at = Date.parse(rows.find((r) => r.RecordId === 'r0000451')!.Time.slice(0, 23) + 'Z');
  assert.deepEqual([Date.parse(f.from!.slice(0, 23) + 'Z') - at, Date.parse(f.to!.slice(0, 23) + 'Z') - at], [-300_000, 300_000]);
  await waitStatus(page, count({ from: f.from, to: f.to }));
  await page.locator('.kfs-data-row.kfs-selected', { hasText: 'GET /index.html 451' }).waitFor();
  await assertClean(page, errors);
});

test('stars and tags are kept in the case file beside the bundle, survive a reload with a new host, filter the grid and go into a Timesketch export with its provenance', async () => {
  const dir = await tempDir('kfs-wv-case-');
  const bundleDir = join(dir, 'bundle-1');
  const snapshot = { snapshotId: 'snap-test', manifestDigest: 'digest-test' };
  const host = new FakeHost(timelineFromRows(rows), undefined, new CaseStore(bundleDir, snapshot, 'alice'));
  const { page, errors } = await open(host);
  await page.locator('.kfs-data-row', { hasText: 'GET /index.html 3' }).first().locator('.kfs-star').click();
  await page.locator('.kfs-data-row.kfs-starred', { hasText: 'GET /index.html 3' }).waitFor();
  // The keyboard stars too; Details adds a preset tag and a comment.
  await page.locator('.kfs-data-row', { hasText: 'GET /index.html 5' }).first().click();
  await page.locator('.kfs-scroller').focus();
  await page.keyboard.press('s');
  await page.locator('.kfs-data-row.kfs-starred', { hasText: 'GET /index.html 5' }).waitFor();
  await page.locator('.kfs-preset[data-tag="evidence"]').click();
  await page.locator('.kfs-preset.kfs-on[data-tag="evidence"]').waitFor();
  await page.locator('#kfs-comment-input input').fill('attacker probing');
  await page.locator('#kfs-add-comment').click();
  await page.locator('.kfs-comment-text', { hasText: 'attacker probing' }).waitFor();
  await page.context().close();

  // VS Code reopened: a new host over the same folder reads the case file back.
  const saved = parseCase(await readFile(caseFilePath(bundleDir), 'utf8'));
  assert.equal(saved.digestOk, true);
  assert.deepEqual(Object.keys(saved.case.marks).sort(), ['r0000003', 'r0000005']);
  const again = new FakeHost(timelineFromRows(rows), undefined, new CaseStore(bundleDir, snapshot, 'alice'));
  again.exportDir = dir;
  const reopened = await open(again);
  const p = reopened.page;
  await p.locator('.kfs-data-row.kfs-starred', { hasText: 'GET /index.html 3' }).waitFor();
  await p.locator('#kfs-marks-dropdown').click();
  await p.locator('#kfs-marks-dropdown vscode-option', { hasText: 'Starred (2)' }).click();
  await p.locator('[data-chip="marks"]', { hasText: 'starred rows only' }).waitFor();
  await waitStatus(p, 2);
  await p.locator('#kfs-export').click();
  await p.locator('#kfs-export vscode-option', { hasText: 'Timesketch JSONL' }).click();
  await until(() => again.exports.length === 1 || undefined);
  const res = again.exports[0]!;
  const text = await readFile(res.path, 'utf8');
  const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { message: string; datetime: string; timestamp_desc: string; tag: string[]; comment?: string[] });
  assert.deepEqual(lines.map((l) => l.message), ['GET /index.html 3', 'GET /index.html 5']);
  assert.deepEqual(lines[1]!.tag, ['starred', 'evidence']);
  assert.match(lines[1]!.comment![0]!, /^alice .*: attacker probing$/);
  const prov = JSON.parse(await readFile(res.provenancePath, 'utf8')) as { rows: number; sha256: string; filter: TimelineFilter };
  assert.equal(prov.rows, 2);
  assert.equal(prov.sha256, createHash('sha256').update(text).digest('hex'));
  assert.deepEqual(prov.filter.recordIds, ['r0000003', 'r0000005']);
  await assertClean(p, reopened.errors);
  assert.deepEqual(errors, []);
});

async function until<T>(ok: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = ok();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('in a narrow panel the other columns give way and the Summary keeps a readable width', async () => {
  const { page, errors } = await openTimeline(browser, served, new FakeHost(timelineFromRows(rows)), { width: 900, height: 700 });
  await waitStatus(page, OPEN);
  const summary = await box(page, '.kfs-header [data-col="summary"]');
  assert.ok(summary.width >= 318, `Summary ${summary.width}px`);
  const time = await box(page, '.kfs-header [data-col="time"]');
  assert.ok(time.width >= 200, 'the time is never cut');
  // Columns give way whole (the rows are tinted by source) rather than all shrinking to nothing.
  const heads = await page.$$eval('.kfs-header [data-col]', (els) => els.map((e) => (e as HTMLElement).dataset.col));
  assert.deepEqual(heads.filter((h) => ['mark', 'time', 'pod', 'summary'].includes(h!)), ['mark', 'time', 'pod', 'summary']);
  assert.ok(!heads.some((h) => ['source', 'event', 'namespace'].includes(h!)), heads.join(','));
  assert.match((await page.locator('.kfs-header [data-col="summary"]').getAttribute('title'))!, /Hidden to fit this width: Source, Event, Namespace/);
  assert.equal((await renderedRows(page))[0]!.cells.pod, 'web-1', 'the pod is readable');
  const list = await box(page, '.kfs-list');
  assert.ok(summary.x + summary.width <= list.x + list.width + 1, 'nothing runs off the right edge');
  await assertClean(page, errors);
});
