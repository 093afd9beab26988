// The timeline webview in headless Chromium: the real bundle, the real page and CSP, answered
// from a real LocalTimeline. Each test checks what a responder would see.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { timelineFromRows } from '../../src/core/timeline/local.js';
import { matchesFilter } from '../../src/core/timeline/rows.js';
import { emptyFilter, type TimelineFilter } from '../../src/core/timeline/filter.js';
import type { TimelineRow } from '../../src/core/schema/timeline.js';
import { FakeHost, launchChromium, openTimeline, serve, type Served } from './harness.js';
import { assertClean, pick, renderedRows, waitStatus as waitStatusOf } from './page.js';
import { XSS_IMG, XSS_SCRIPT, row, smallTimeline } from './data.js';

let browser: Browser;
let served: Served;
const rows = smallTimeline();
const ALL = rows.length;
/** What a first open shows: the window of the events, without the month-old RBAC binding (a state row). */
const OPEN = ALL - 1;

before(async () => {
  // The browser first: when it cannot start, nothing else is left open to keep the run alive.
  browser = await launchChromium();
  served = await serve();
});

after(async () => {
  await browser?.close();
  await served?.close();
});

const count = (f: Partial<TimelineFilter>) => rows.filter((r) => matchesFilter(r, { ...emptyFilter(), ...f })).length;
const waitStatus = (page: Page, shown: number, total = ALL) => waitStatusOf(page, shown, total);

test('filtering by container from the searchable picker shows only that container, as a chip, and tells the host', async () => {
  const host = new FakeHost(timelineFromRows(rows));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, OPEN);
  await pick(page, 'kfs-container-picker', 'web-1/side', 'prod/web-1/sidecar');
  const expected = count({ containers: [{ namespace: 'prod', pod: 'web-1', container: 'sidecar' }] });
  await waitStatus(page, expected);
  await page.locator('[data-chip="container:prod/web-1/sidecar"]').waitFor();
  const shown = await renderedRows(page);
  assert.ok(shown.length > 5);
  // The container's rows and its pod's pod-level rows (the pod's events), nothing else.
  for (const r of shown) assert.ok(r.cells.namespace === 'prod' && r.cells.pod === 'web-1' && ['sidecar', ''].includes(r.cells.container!), JSON.stringify(r.cells));
  assert.ok(shown.some((r) => r.cells.container === ''), 'pod-level rows are kept');
  assert.deepEqual(host.lastFilter()?.containers, [{ namespace: 'prod', pod: 'web-1', container: 'sidecar' }]);
  await assertClean(page, errors);
});

test('removing a chip drops just that constraint', async () => {
  const host = new FakeHost(timelineFromRows(rows));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, OPEN);
  await pick(page, 'kfs-namespace-picker', 'prod', 'prod');
  await pick(page, 'kfs-event-picker', 'warn', 'Warning');
  await waitStatus(page, count({ namespaces: ['prod'], eventTypes: ['Warning'] }));
  await page.getByRole('button', { name: 'Remove filter namespace: prod' }).click();
  await waitStatus(page, count({ eventTypes: ['Warning'] }));
  assert.equal(await page.locator('[data-chip^="namespace:"]').count(), 0);
  assert.equal(await page.locator('[data-chip="event:Warning"]').count(), 1);
  assert.deepEqual(host.lastFilter()?.namespaces, []);
  // Clear filters empties the rest.
  await page.locator('#kfs-clear').click();
  await waitStatus(page, ALL);
  assert.equal(await page.locator('.kfs-chip').count(), 0);
  await assertClean(page, errors);
});

test('dragging across the histogram selects that time range', async () => {
  const host = new FakeHost(timelineFromRows(rows));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, OPEN);
  const box = (await page.locator('.kfs-hist-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.locator('[data-chip="time"]').waitFor();
  const f = host.lastFilter()!;
  assert.ok(f.from && f.to && f.from < f.to, 'a from/to range was set');
  const expected = count({ from: f.from, to: f.to });
  assert.ok(expected > 50 && expected < ALL / 2, `about a quarter of the hour is selected (${expected})`);
  await waitStatus(page, expected);
  assert.equal(await page.locator('#kfs-from input').inputValue(), f.from);
  // The list shows times to the millisecond: every shown row lies within the selection.
  const ms = (t: string) => t.slice(0, 23).replace('T', ' ');
  const shown = await renderedRows(page);
  assert.ok(shown.length > 10);
  for (const r of shown) assert.ok(r.cells.time! >= ms(f.from) && r.cells.time! <= ms(f.to), `${r.cells.time} within ${f.from}..${f.to}`);
  // The range can be typed too: a time that is not one is flagged and not applied.
  const to = page.locator('#kfs-to input');
  await to.fill('yesterday-ish');
  await to.press('Enter');
  await page.locator('#kfs-to.kfs-invalid').waitFor();
  assert.equal(host.lastFilter()?.to, f.to);
  await to.fill('2026-03-01T10:20:00Z');
  await to.press('Enter');
  await waitStatus(page, count({ from: f.from, to: '2026-03-01T10:20:00.0000000Z' }));
  assert.equal(host.lastFilter()?.to, '2026-03-01T10:20:00.0000000Z', 'typed times are normalized to the bundle form');
  await assertClean(page, errors);
});

test('hostile log lines and names stay inert text in the list, the picker and the details', async () => {
  const host = new FakeHost(timelineFromRows(rows));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, OPEN);
  await page.locator('#kfs-text input').fill('window.__kfsPwned');
  await waitStatus(page, 2);
  await page.getByText(XSS_IMG, { exact: true }).first().waitFor();
  await page.getByText(XSS_SCRIPT, { exact: true }).first().waitFor();
  // Details of the hostile row: formatted JSON, as text.
  await page.locator('.kfs-data-row', { hasText: '<b>evil</b>' }).click();
  await page.locator('.kfs-json', { hasText: XSS_SCRIPT }).waitFor();
  const json = JSON.parse((await page.locator('.kfs-json').textContent())!) as TimelineRow;
  assert.equal(json.ContainerName, XSS_SCRIPT);
  // The picker lists the hostile pod name as text too.
  await page.locator('#kfs-pod-picker input').fill('evil');
  await page.locator('#kfs-pod-picker-list .kfs-picker-label', { hasText: 'prod/<b>evil</b>' }).waitFor();
  const state = await page.evaluate(() => ({
    pwned: (window as unknown as { __kfsPwned?: unknown }).__kfsPwned,
    injected: document.querySelectorAll('img, b, iframe, script:not([src])').length,
  }));
  assert.equal(state.pwned, undefined, 'no injected handler ran');
  assert.equal(state.injected, 0, 'no element was created from the data');
  await assertClean(page, errors);
});

test('"Filter to this container" in Details narrows the list to the selected row\'s container', async () => {
  const host = new FakeHost(timelineFromRows(rows));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, OPEN);
  await page.locator('.kfs-data-row', { hasText: 'coredns' }).first().click();
  await page.locator('.kfs-json', { hasText: '"ContainerName": "coredns"' }).waitFor();
  await page.locator('#kfs-filter-container').click();
  await page.locator('[data-chip="container:kube-system/coredns-7d/coredns"]').waitFor();
  await waitStatus(page, count({ containers: [{ namespace: 'kube-system', pod: 'coredns-7d', container: 'coredns' }] }));
  await page.locator('#kfs-filter-pod').click();
  await page.locator('[data-chip="pod:kube-system/coredns-7d"]').waitFor();
  await waitStatus(page, count({ pods: [{ namespace: 'kube-system', pod: 'coredns-7d' }] }));
  assert.equal(await page.locator('[data-chip^="container:"]').count(), 0, 'the pod replaces the container choice');
  await assertClean(page, errors);
});

test('filters persist across a reload through the webview state, and a host-given filter wins', async () => {
  const host = new FakeHost(timelineFromRows(rows));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, OPEN);
  await pick(page, 'kfs-container-picker', 'postgres', 'prod/db-0/postgres');
  await page.locator('#kfs-text input').fill('index.html 1');
  const f = { containers: [{ namespace: 'prod', pod: 'db-0', container: 'postgres' }], text: 'index.html 1' };
  await waitStatus(page, count(f));
  await page.reload();
  await waitStatus(page, count(f));
  await page.locator('[data-chip="container:prod/db-0/postgres"]').waitFor();
  await page.locator('[data-chip="text"]').waitFor();
  assert.equal(await page.locator('#kfs-text input').inputValue(), 'index.html 1');
  // "Show in Timeline" from the tree: the host opens the panel with its own filter.
  host.initFilter = { ...emptyFilter(), pods: [{ namespace: 'prod', pod: 'web-1' }] };
  await page.reload();
  await waitStatus(page, count({ pods: [{ namespace: 'prod', pod: 'web-1' }] }));
  assert.deepEqual(await page.$$eval('.kfs-chip', (els) => els.map((e) => (e as HTMLElement).dataset.chip)), ['pod:prod/web-1']);
  await assertClean(page, errors);
});

test('colours come from the VS Code theme variables (light colours, a high-contrast border), the histogram included', async () => {
  const host = new FakeHost(timelineFromRows(rows));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, OPEN);
  // VS Code sets these on <html> when the theme changes; so does this test.
  await page.evaluate(() => {
    const vars: Record<string, string> = {
      '--vscode-editor-background': 'rgb(255, 255, 255)',
      '--vscode-foreground': 'rgb(51, 51, 51)',
      '--vscode-list-activeSelectionBackground': 'rgb(0, 96, 192)',
      '--vscode-contrastBorder': 'rgb(111, 195, 223)',
      '--vscode-charts-green': 'rgb(255, 0, 0)',
    };
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
  });
  // Picking a severity from the toolkit dropdown redraws the histogram with the new colours.
  await page.locator('#kfs-severity-dropdown').click();
  await page.locator('#kfs-severity-dropdown vscode-option', { hasText: 'high' }).click();
  await page.locator('[data-chip="severity:high"]').waitFor();
  await waitStatus(page, count({ severities: ['high'], hideBaseline: true }));
  await page.getByRole('button', { name: 'Remove filter severity: high' }).click();
  await page.getByRole('button', { name: 'Remove filter baseline findings hidden' }).click();
  await waitStatus(page, OPEN);
  await page.locator('.kfs-data-row').first().click();
  // (No helper functions inside evaluate: tsx would wrap them in a __name the page lacks.)
  const colours = await page.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    foreground: getComputedStyle(document.body).color,
    selected: getComputedStyle(document.querySelector('.kfs-data-row.kfs-selected')!).backgroundColor,
    border: getComputedStyle(document.querySelector('.kfs-list')!).borderTopColor,
  }));
  assert.deepEqual(colours, { background: 'rgb(255, 255, 255)', foreground: 'rgb(51, 51, 51)', selected: 'rgb(0, 96, 192)', border: 'rgb(111, 195, 223)' });
  // The log-line bars (the bulk of the data) are drawn in the theme's chart colour.
  await page.waitForFunction(() => {
    const c = document.querySelector<HTMLCanvasElement>('.kfs-hist-canvas')!;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let red = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === 255 && data[i + 1] === 0 && data[i + 2] === 0 && data[i + 3] === 255) red++;
    return red > 1000;
  });
  await assertClean(page, errors);
});

test('1,000,000 rows: the list keeps only a window in the DOM and scrolls to the last row', async () => {
  const N = 1_000_000;
  const big: TimelineRow[] = new Array(N);
  for (let i = 0; i < N; i++) big[i] = row(i, { ContainerName: i % 4 === 0 ? 'sidecar' : 'app', Details: {} });
  const host = new FakeHost(timelineFromRows(big));
  const { page, errors } = await openTimeline(browser, served, host);
  await waitStatus(page, N, N);
  const domRows = () => page.locator('.kfs-data-row').count();
  assert.ok((await domRows()) < 60, 'only the visible rows exist');
  // Scroll to the very end: the last event shows.
  await page.locator('.kfs-scroller').evaluate((s) => (s.scrollTop = s.scrollHeight));
  await page.getByText(`GET /index.html ${N - 1}`, { exact: true }).waitFor();
  assert.ok((await domRows()) < 60);
  // Scroll to the middle: the rows shown are the ones at those positions, in order.
  await page.locator('.kfs-scroller').evaluate((s) => (s.scrollTop = (s.scrollHeight - s.clientHeight) / 2));
  await page.waitForFunction(() => {
    const first = document.querySelector<HTMLElement>('.kfs-data-row:not(.kfs-loading)');
    return first && Math.abs(Number(first.dataset.index) - 500_000) < 100;
  });
  const mid = await renderedRows(page);
  assert.ok(mid.length > 10);
  for (const r of mid) assert.equal(r.cells.summary, `GET /index.html ${r.index}`);
  // Keyboard: End selects the last event and shows its details.
  await page.locator('.kfs-scroller').focus();
  await page.keyboard.press('End');
  await page.locator('.kfs-json', { hasText: `"RecordId": "r${String(N - 1).padStart(7, '0')}"` }).waitFor();
  // A container filter over the million rows answers through the same path.
  await pick(page, 'kfs-container-picker', 'web-1/side', 'prod/web-1/sidecar');
  await waitStatus(page, N / 4, N);
  for (const r of await renderedRows(page)) assert.equal(r.cells.container, 'sidecar');
  await assertClean(page, errors);
});
