// Stack traces and text sorts in the grid, in headless Chromium with the real bundle and CSP:
// a multi-line entry shows as its first line with a disclosure and its line count, opens and
// closes with the mouse and with → / ←, the status counts lines and entries, the grouping can
// be turned off; and a sort of 200,000 rows by Summary shows the code-unit order at both ends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { timelineFromRows } from '../../src/core/timeline/local.js';
import type { TimelineRow } from '../../src/core/schema/timeline.js';
import { FakeHost, launchChromium, openTimeline, serve, type Served } from './harness.js';
import { assertClean, renderedRows, waitStatus } from './page.js';
import { row } from './data.js';

let browser: Browser;
let served: Served;

before(async () => {
  browser = await launchChromium();
  served = await serve();
});

after(async () => {
  await browser?.close();
  await served?.close();
});

const TRACE = ['java.lang.IllegalStateException: boom', '\tat com.example.Handler.run(Handler.java:42)', '\tat java.lang.Thread.run(Thread.java:833)', 'Caused by: java.io.IOException: disk full', '\t... 3 more'];

/** 10 single lines, then the trace as the kubelet logs one write (later lines dated by the first), then 40 more. */
function traceTimeline(): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (let i = 0; i < 10; i++) rows.push(row(i));
  const head = row(10);
  TRACE.forEach((text, k) =>
    rows.push({
      ...head,
      TimeSource: k === 0 ? 'event' : 'previous-line',
      Summary: text.replace(/\t/g, ' ').trim(),
      RecordId: `trace-${k}`,
      Details: { Message: text, LineNumber: 11 + k, TimestampParsed: k === 0, Previous: false, LinePart: 0 },
    }),
  );
  for (let i = 16; i < 56; i++) rows.push(row(i, { Details: { Message: `GET /index.html ${i}`, LineNumber: i + 1 } }));
  return rows;
}

const LINES = 10 + TRACE.length + 40;
const ENTRIES = 10 + 1 + 40;

const summaries = async (page: Page) => (await renderedRows(page)).map((r) => r.cells.summary!);
const entryRow = (page: Page) => page.locator('.kfs-data-row.kfs-entry', { hasText: 'boom' });

test('a stack trace shows as its first line; the triangle, → and ← open and close it; the status counts lines in entries', async () => {
  const host = new FakeHost(timelineFromRows(traceTimeline()));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, LINES, LINES);
  await page.locator('.kfs-status', { hasText: `${LINES} lines in ${ENTRIES} entries` }).waitFor();
  assert.equal(await entryRow(page).getAttribute('aria-expanded'), 'false');
  assert.equal(await entryRow(page).locator('.kfs-entry-count').textContent(), `${TRACE.length} lines`);
  assert.ok(!(await summaries(page)).some((s) => s.includes('Handler.java')), 'its other lines are not rows while it is closed');
  assert.deepEqual(host.last('query')?.entries, { expanded: [] });

  // Keyboard: select the entry, → opens it (its lines follow it, in order), ← closes it.
  await entryRow(page).locator('[data-col="summary"]').click();
  await page.keyboard.press('ArrowRight');
  await page.locator('.kfs-data-row.kfs-entry[aria-expanded="true"]').waitFor();
  await page.locator('.kfs-data-row.kfs-entry-line', { hasText: 'disk full' }).waitFor();
  const open = await renderedRows(page);
  const at = open.findIndex((r) => r.cells.summary!.includes('boom'));
  assert.deepEqual(open.slice(at + 1, at + TRACE.length).map((r) => r.cells.summary), TRACE.slice(1).map((t) => t.replace(/\t/g, ' ').trim()));
  assert.ok(open.slice(at + 1, at + TRACE.length).every((r) => r.classes.includes('kfs-entry-line')));
  assert.ok(open[at]!.selected, 'the entry stays selected');
  assert.deepEqual(host.last('query')?.entries, { expanded: ['trace-0'] });
  // ↓ to one of its lines, then ← closes the entry and selects it again.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowLeft');
  await page.locator('.kfs-data-row.kfs-entry[aria-expanded="false"]').waitFor();
  await page.waitForFunction(() => !document.querySelector('.kfs-entry-line'));
  assert.ok((await renderedRows(page)).find((r) => r.cells.summary!.includes('boom'))!.selected, 'the entry is selected after ← on its line');

  // The triangle does the same with the mouse; the open state survives a reload.
  await entryRow(page).locator('.kfs-disclosure').click();
  await page.locator('.kfs-data-row.kfs-entry-line', { hasText: 'Handler.java' }).waitFor();
  await page.reload();
  await waitStatus(page, LINES, LINES);
  await page.locator('.kfs-data-row.kfs-entry-line', { hasText: 'Handler.java' }).waitFor();
  await entryRow(page).locator('.kfs-disclosure').click();
  await page.waitForFunction(() => !document.querySelector('.kfs-entry-line'));

  // Lines view: every line its own row again, the status says events only.
  await page.locator('#kfs-group').click();
  await page.locator('.kfs-data-row', { hasText: 'Handler.java' }).waitFor();
  assert.equal(await page.locator('.kfs-data-row.kfs-entry').count(), 0);
  assert.equal((await page.locator('.kfs-status').textContent())!.includes('entries'), false);
  await assertClean(page, errors);
});

test('Details of a grouped stack trace show its whole text, whichever of its lines is selected; a single line shows none', async () => {
  const host = new FakeHost(timelineFromRows(traceTimeline()));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, LINES, LINES);
  const entryBox = page.locator('.kfs-details .kfs-entry-details');
  const entryText = () => page.locator('.kfs-details .kfs-entry-text').evaluate((e) => e.textContent);
  // The collapsed entry: its first line's row, and the whole trace as logged (tabs kept) in the pane.
  await entryRow(page).locator('[data-col="summary"]').click();
  await page.locator('.kfs-json', { hasText: '"RecordId": "trace-0"' }).waitFor();
  await entryBox.locator('.kfs-entry-title', { hasText: `Entry of ${TRACE.length} lines` }).waitFor();
  assert.equal(await entryText(), TRACE.join('\n'));
  assert.ok(await entryBox.isVisible());
  assert.equal(host.last('details')?.recordId, 'trace-0');
  // Opened, one of its later lines selected: the same whole entry beside that line's own details.
  await page.keyboard.press('ArrowRight');
  await page.locator('.kfs-data-row.kfs-entry-line', { hasText: 'disk full' }).locator('[data-col="summary"]').click();
  await page.locator('.kfs-json', { hasText: '"RecordId": "trace-3"' }).waitFor();
  assert.equal(await entryText(), TRACE.join('\n'));
  // The UTC/local toggle redraws the pane and keeps the entry.
  await page.locator('#kfs-zone').click();
  await page.locator('.kfs-details-when', { hasText: /local|UTC[+-]/ }).first().waitFor();
  assert.equal(await entryText(), TRACE.join('\n'));
  // A line of its own: no entry section.
  await page.locator('.kfs-data-row', { hasText: 'GET /index.html 3' }).first().locator('[data-col="summary"]').click();
  await page.locator('.kfs-json', { hasText: '"RecordId": "r0000003"' }).waitFor();
  assert.equal(await entryBox.isVisible(), false);
  await assertClean(page, errors);
});

test('a filter that keeps one line of a trace shows it as the entry, with how many of its lines match', async () => {
  const host = new FakeHost(timelineFromRows(traceTimeline()));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, LINES, LINES);
  await page.locator('#kfs-text input').fill('disk full');
  await waitStatus(page, 1, LINES);
  const [only] = await renderedRows(page);
  assert.ok(only!.cells.summary!.includes('Caused by: java.io.IOException: disk full'));
  assert.ok(only!.classes.includes('kfs-entry'));
  assert.equal(await page.locator('.kfs-entry .kfs-entry-count').textContent(), `1 of ${TRACE.length} lines`);
  await assertClean(page, errors);
});

test('sorting 200,000 rows by Summary (header click) shows code-unit order at the top and, reversed, at the top again', async () => {
  const n = 200_000;
  const words = ['alpha', 'Beta', 'beta', 'é-accent', '_under', 'Zulu', '10.244.0.1 GET /', '10.244.0.10 GET /'];
  const rows = Array.from({ length: n }, (_, i) => row(i, { Summary: `${words[(i * 7) % words.length]} ${(i * 7919) % n}`, Details: { Message: '', LineNumber: i } }));
  const sorted = rows.map((r) => r.Summary).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const { page, errors } = await openTimeline(browser, served, new FakeHost(timelineFromRows(rows)));
  await waitStatus(page, n, n);
  await page.locator('.kfs-header [data-col="summary"] .kfs-head-label').click();
  await page.locator('.kfs-header [data-col="summary"][aria-sort="ascending"]').waitFor();
  await page.waitForFunction((first) => document.querySelector('.kfs-data-row:not(.kfs-loading) [data-col="summary"]')?.textContent === first, sorted[0]);
  const top = await summaries(page);
  assert.deepEqual(top, sorted.slice(0, top.length), 'the smallest summaries first, by code unit (10.244.0.1 before 10.244.0.10, Zulu before _under before alpha)');
  await page.locator('.kfs-header [data-col="summary"] .kfs-head-label').click();
  await page.locator('.kfs-header [data-col="summary"][aria-sort="descending"]').waitFor();
  await page.waitForFunction((first) => document.querySelector('.kfs-data-row:not(.kfs-loading) [data-col="summary"]')?.textContent === first, sorted[n - 1]);
  const desc = await summaries(page);
  assert.deepEqual(desc, [...sorted].reverse().slice(0, desc.length));
  await assertClean(page, errors);
});
