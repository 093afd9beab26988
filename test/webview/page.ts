// Reading and driving the timeline page as a user would: its status line, its rows by column, the
// pickers; and the check every test ends with (no page error, nothing the CSP had to block).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { cspViolations } from './harness.js';

const fmt = (n: number) => n.toLocaleString('en-US');

export async function waitStatus(page: Page, shown: number, total: number): Promise<void> {
  await page.locator('.kfs-status', { hasText: `${fmt(shown)} of ${fmt(total)} events` }).waitFor();
}

export type Cells = Record<string, string>;

/** The cells of the rows in the DOM (loaded ones only), by column key; `titles` holds each cell's tooltip. */
export function renderedRows(page: Page): Promise<{ index: number; cells: Cells; titles: Cells; selected: boolean; classes: string }[]> {
  return page.$$eval('.kfs-data-row:not(.kfs-loading)', (els) =>
    els
      .map((e) => ({
        index: Number((e as HTMLElement).dataset.index),
        selected: e.getAttribute('aria-selected') === 'true',
        classes: e.className,
        cells: Object.fromEntries([...e.children].map((c) => [(c as HTMLElement).dataset.col ?? '', c.textContent ?? ''])),
        titles: Object.fromEntries([...e.children].map((c) => [(c as HTMLElement).dataset.col ?? '', (c as HTMLElement).title])),
      }))
      .sort((a, b) => a.index - b.index),
  );
}

export async function pick(page: Page, picker: string, typed: string, label: string): Promise<void> {
  const input = page.locator(`#${picker} input`);
  await input.click();
  await input.fill(typed);
  await page.locator(`#${picker}-list .kfs-picker-item`, { has: page.locator('.kfs-picker-label', { hasText: label }) }).first().click();
}

export async function assertClean(page: Page, errors: string[]): Promise<void> {
  assert.deepEqual(errors, [], 'no page errors');
  assert.deepEqual(await cspViolations(page), [], 'nothing the CSP forbids');
  await page.context().close();
}
