// Reading the timeline webview as a user sees it, inside the real workbench: the panel's content
// frame (found by the source line it shows), its status line, its rendered rows.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Page } from 'playwright-core';

/**
 * The content frame of the timeline panel whose source line (".kfs-source") matches. Gives up at
 * once when an error notification from the extension shows (e.g. the panel could not be built).
 */
export async function timelineFrame(page: Page, source: RegExp, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = page.locator('.notification-toast', { has: page.locator('.codicon-error') }).filter({ hasText: 'KubeForenSys' });
    if (await failure.count()) throw new Error(`the extension reported an error instead: ${await failure.first().locator('.notification-list-item-message').textContent()}`);
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      const text = await frame
        .locator('.kfs-source')
        .first()
        .textContent({ timeout: 200 })
        .catch(() => null);
      if (text !== null && source.test(text) && (await frame.locator('.kfs-source').first().isVisible().catch(() => false))) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no visible timeline panel whose source matches ${source}`);
    await sleep(250);
  }
}

export interface Status {
  shown: number;
  total: number;
}

const num = (s: string) => Number(s.replace(/,/g, ''));

/** Waits until the status line reads "N of T events" with the given numbers (either may be omitted). */
export async function waitStatus(frame: Frame, want: Partial<Status>, timeoutMs = 30_000): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = (await frame.locator('.kfs-status').textContent().catch(() => '')) ?? '';
    const m = /([\d,]+) of ([\d,]+) events/.exec(last);
    const busy = await frame.locator('.kfs-busy:not([hidden])').count().catch(() => 0);
    if (m && !busy) {
      const s = { shown: num(m[1]!), total: num(m[2]!) };
      if ((want.shown === undefined || s.shown === want.shown) && (want.total === undefined || s.total === want.total)) return s;
    }
    if (Date.now() > deadline) throw new Error(`timeline status "${last}" never showed ${JSON.stringify(want)}`);
    await sleep(150);
  }
}

export interface RenderedRow {
  index: number;
  time: string;
  source: string;
  event: string;
  namespace: string;
  pod: string;
  container: string;
  severity: string;
  summary: string;
}

/** The loaded rows the list has in the DOM (it is virtual: the ones on screen and a margin), read by column. */
export async function renderedRows(frame: Frame): Promise<(RenderedRow & { selected: boolean; starred: boolean })[]> {
  const raw = await frame.$$eval('.kfs-data-row:not(.kfs-loading)', (els) =>
    els.map((e) => ({
      index: Number((e as HTMLElement).dataset.index),
      selected: e.getAttribute('aria-selected') === 'true',
      starred: e.classList.contains('kfs-starred'),
      // Cells by column key; the full value where a cell shows a cut one (its tooltip).
      cells: Object.fromEntries(
        [...e.children].map((c) => {
          const col = (c as HTMLElement).dataset.col ?? '';
          const cut = col !== 'time' && col !== 'summary' && col !== 'mark' && (c as HTMLElement).title;
          return [col, cut ? (c as HTMLElement).title : (c.textContent ?? '')];
        }),
      ),
    })),
  );
  return raw
    .map(({ index, selected, starred, cells }) => ({
      index,
      selected,
      starred,
      time: cells.time ?? '',
      source: cells.source ?? '',
      event: cells.event ?? '',
      namespace: cells.namespace ?? '',
      pod: cells.pod ?? '',
      container: cells.container ?? '',
      severity: cells.severity ?? '',
      summary: cells.summary ?? '',
    }))
    .sort((a, b) => a.index - b.index);
}

/** Picks an entry of one of the searchable pickers (container, pod, namespace, event type). */
export async function pick(frame: Frame, picker: 'container' | 'pod' | 'namespace' | 'event', typed: string, label: string): Promise<void> {
  const input = frame.locator(`#kfs-${picker}-picker input`);
  await input.click();
  await input.fill(typed);
  await frame.locator(`#kfs-${picker}-picker-list .kfs-picker-item`, { has: frame.locator('.kfs-picker-label', { hasText: label }) }).first().click();
}
