// The virtualized event list: fixed row height, only the visible rows exist in the DOM, rows
// are fetched from the host in pages as they scroll into view. Past a few million pixels the
// scroll range is scaled (browsers cap element heights), so a million rows still scroll.
import type { TimelineRow } from '../src/core/schema/timeline.js';
import { SEVERITIES } from '../src/core/schema/timeline.js';
import { el } from './dom.js';
import { shortTime } from './filters.js';

export const ROW_HEIGHT = 22;
export const PAGE_SIZE = 200;
const MAX_SCROLL_PX = 8_000_000;
const MAX_CACHED_PAGES = 60;

export const COLUMNS: { key: string; title: string; cell: (r: TimelineRow) => string }[] = [
  { key: 'time', title: 'Time', cell: (r) => (r.Time ? shortTime(r.Time) : '(unknown)') },
  { key: 'source', title: 'Source', cell: (r) => r.SourceTable },
  { key: 'event', title: 'Event', cell: (r) => r.EventType },
  { key: 'namespace', title: 'Namespace', cell: (r) => r.Namespace },
  { key: 'pod', title: 'Pod', cell: (r) => r.PodName },
  { key: 'container', title: 'Container', cell: (r) => r.ContainerName },
  { key: 'severity', title: 'Severity', cell: (r) => r.Severity },
  { key: 'summary', title: 'Summary', cell: (r) => r.Summary },
];

export interface ListCallbacks {
  /** Ask the host for rows [offset, offset + limit) of the current filter. */
  fetch(offset: number, limit: number): void;
  /** The selection changed (row is undefined while the row is not loaded yet). */
  select(index: number, row: TimelineRow | undefined): void;
}

export class VirtualList {
  readonly root: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private total = 0;
  private pages = new Map<number, TimelineRow[]>();
  private requested = new Set<number>();
  private selectedIndex = -1;
  private selectedRecordId: string | null = null;
  private frame = 0;

  constructor(private readonly cb: ListCallbacks) {
    const header = el('div', { class: 'kfs-row kfs-header', attrs: { role: 'row' } }, ...COLUMNS.map((c) => el('div', { class: `kfs-cell kfs-col-${c.key}`, text: c.title, attrs: { role: 'columnheader' } })));
    this.spacer = el('div', { class: 'kfs-spacer' });
    this.layer = el('div', { class: 'kfs-layer', attrs: { role: 'rowgroup' } });
    this.empty = el('div', { class: 'kfs-empty', text: 'No events match the filter.' });
    this.empty.hidden = true;
    this.scroller = el('div', { class: 'kfs-scroller', attrs: { tabindex: '0', 'aria-label': 'Timeline events' } }, this.spacer, this.layer);
    this.root = el('div', { class: 'kfs-list', attrs: { role: 'grid', 'aria-rowcount': '0' } }, header, this.scroller, this.empty);
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.layer.addEventListener('click', (e) => {
      const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.kfs-data-row');
      if (rowEl?.dataset.index) this.selectIndex(Number(rowEl.dataset.index));
    });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
  }

  /** A new filter: forget every page and start from the top. */
  reset(selectedRecordId: string | null = this.selectedRecordId): void {
    this.pages.clear();
    this.requested.clear();
    this.total = 0;
    this.selectedIndex = -1;
    this.selectedRecordId = selectedRecordId;
    this.scroller.scrollTop = 0;
    this.cb.fetch(0, PAGE_SIZE);
    this.requested.add(0);
    this.render();
  }

  /** Rows arrived from the host for the current filter. */
  receive(offset: number, total: number, rows: TimelineRow[]): void {
    this.total = total;
    this.root.setAttribute('aria-rowcount', String(total));
    const page = Math.floor(offset / PAGE_SIZE);
    this.requested.delete(page);
    this.pages.set(page, rows);
    if (this.pages.size > MAX_CACHED_PAGES) {
      // Drop the page farthest from the current view.
      const here = Math.floor(this.firstVisible() / PAGE_SIZE);
      let far = page;
      for (const p of this.pages.keys()) if (Math.abs(p - here) > Math.abs(far - here)) far = p;
      this.pages.delete(far);
    }
    if (this.selectedIndex < 0 && this.selectedRecordId) {
      // After a reload or a filter change, find the selected record again when its page comes.
      const k = rows.findIndex((r) => r.RecordId === this.selectedRecordId);
      if (k >= 0) this.selectedIndex = offset + k;
    } else if (this.selectedIndex >= offset && this.selectedIndex < offset + rows.length && !this.selectedRecordId) {
      // A row selected by keyboard before its page had arrived: now it can be shown.
      const row = rows[this.selectedIndex - offset];
      this.selectedRecordId = row.RecordId;
      this.cb.select(this.selectedIndex, row);
    }
    this.schedule();
  }

  get count(): number {
    return this.total;
  }

  rowAt(index: number): TimelineRow | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  selectIndex(index: number): void {
    if (index < 0 || index >= this.total) return;
    this.selectedIndex = index;
    const row = this.rowAt(index);
    this.selectedRecordId = row?.RecordId ?? null;
    this.scrollIntoView(index);
    this.render();
    this.cb.select(index, row);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private geometry(): { viewport: number; content: number; range: number } {
    const viewport = this.scroller.clientHeight;
    const content = this.total * ROW_HEIGHT;
    return { viewport, content, range: Math.min(content, MAX_SCROLL_PX) };
  }

  /** The fractional row index at the top of the viewport. */
  private topRow(): number {
    const { viewport, content, range } = this.geometry();
    if (content <= MAX_SCROLL_PX) return this.scroller.scrollTop / ROW_HEIGHT;
    const fraction = range > viewport ? Math.min(1, this.scroller.scrollTop / (range - viewport)) : 0;
    return (fraction * (content - viewport)) / ROW_HEIGHT;
  }

  private firstVisible(): number {
    return Math.floor(this.topRow());
  }

  private scrollIntoView(index: number): void {
    const { viewport, content, range } = this.geometry();
    const top = this.topRow();
    const visible = Math.max(1, Math.floor(viewport / ROW_HEIGHT));
    let target: number | undefined;
    if (index < top) target = index;
    else if (index >= top + visible) target = index - visible + 1;
    if (target === undefined) return;
    this.scroller.scrollTop =
      content <= MAX_SCROLL_PX ? target * ROW_HEIGHT : ((target * ROW_HEIGHT) / Math.max(1, content - viewport)) * (range - viewport);
  }

  private render(): void {
    const { viewport, range } = this.geometry();
    this.spacer.style.height = `${range}px`;
    this.empty.hidden = this.total > 0 || this.requested.size > 0;
    const top = this.topRow();
    const first = Math.floor(top);
    const offsetPx = (top - first) * ROW_HEIGHT;
    const count = Math.min(Math.ceil(viewport / ROW_HEIGHT) + 1, Math.max(0, this.total - first));
    this.layer.style.transform = `translateY(${this.scroller.scrollTop - offsetPx}px)`;
    while (this.pool.length < count) this.pool.push(this.makeRow());
    // Rows are reused while scrolling: only their text changes, not the DOM structure.
    if (this.layer.childElementCount !== count) this.layer.replaceChildren(...this.pool.slice(0, count));
    for (let k = 0; k < count; k++) this.fill(this.pool[k], first + k);
    // Fetch the pages the view needs (and the next one, to keep scrolling ahead).
    const lastPage = Math.floor((first + count) / PAGE_SIZE);
    for (let p = Math.floor(first / PAGE_SIZE); p <= lastPage + 1 && p * PAGE_SIZE < this.total; p++) {
      if (!this.pages.has(p) && !this.requested.has(p)) {
        this.requested.add(p);
        this.cb.fetch(p * PAGE_SIZE, PAGE_SIZE);
      }
    }
  }

  private makeRow(): HTMLElement {
    return el('div', { class: 'kfs-row kfs-data-row', attrs: { role: 'row' } }, ...COLUMNS.map((c) => el('div', { class: `kfs-cell kfs-col-${c.key}`, attrs: { role: 'gridcell' } })));
  }

  private fill(rowEl: HTMLElement, index: number): void {
    const row = this.rowAt(index);
    rowEl.dataset.index = String(index);
    rowEl.setAttribute('aria-rowindex', String(index + 1));
    rowEl.classList.toggle('kfs-selected', index === this.selectedIndex);
    rowEl.setAttribute('aria-selected', String(index === this.selectedIndex));
    rowEl.classList.toggle('kfs-loading', !row);
    const cells = rowEl.children;
    for (let c = 0; c < COLUMNS.length; c++) {
      const cell = cells[c] as HTMLElement;
      const text = row ? COLUMNS[c].cell(row) : c === 0 ? 'loading…' : '';
      // textContent only: every value here is attacker-controlled.
      if (cell.textContent !== text) cell.textContent = text;
      if (COLUMNS[c].key === 'summary') cell.title = text;
    }
    // Severity colouring only for the known values (never a class name taken from the data).
    const sev = row && (SEVERITIES as readonly string[]).includes(row.Severity) ? row.Severity : '';
    rowEl.dataset.severity = sev;
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const at = this.selectedIndex < 0 ? this.firstVisible() - 1 : this.selectedIndex;
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: this.total - 1 };
    if (!(e.key in moves)) return;
    e.preventDefault();
    this.selectIndex(Math.max(0, Math.min(this.total - 1, moves[e.key])));
  }
}
