// The virtualized event grid: only the visible rows exist in the DOM, rows are fetched from the
// host in pages as they scroll into view; past a few million pixels the scroll range is scaled
// (browsers cap element heights), so a million rows still scroll. Columns can be resized (drag
// the header's right edge), sorted (click the header), hidden and reordered (the column menu);
// the Summary takes the remaining width. Every value is attacker-controlled: text nodes only.
import type { TimelineRow } from '../src/core/schema/timeline.js';
import { SEVERITIES } from '../src/core/schema/timeline.js';
import { TABLES } from '../src/core/schema/tables.js';
import type { RowGroup, TimelineSort } from '../src/core/timeline/source.js';
import type { RowMark } from '../src/core/timeline/marks.js';
import { el } from './dom.js';
import { columnDef, fitColumns, gridTemplate, resizeColumn, type ColumnKey, type ColumnLayout } from './columns.js';
import { formatTime, middleTruncate, timeMark, zoneLabel, type TimeZoneMode } from './format.js';

export const ROW_HEIGHT = 22;
/** Rows in wrap mode hold three lines of summary. */
export const WRAPPED_ROW_HEIGHT = 58;
export const PAGE_SIZE = 200;
const MAX_SCROLL_PX = 8_000_000;
const MAX_CACHED_PAGES = 60;
const TABLE_INDEX = new Map<string, number>(TABLES.map((t, i) => [t.name, i]));

export interface ListCallbacks {
  /** Ask the host for rows [offset, offset + limit) of the current filter and sort. */
  fetch(offset: number, limit: number): void;
  /** The selection changed (row is undefined while the row is not loaded yet). */
  select(index: number, row: TimelineRow | undefined): void;
  sortChanged(sort: TimelineSort | undefined): void;
  layoutChanged(layout: ColumnLayout[]): void;
  toggleStar(row: TimelineRow): void;
  /** Open or close the multi-line entry named by its first line's RecordId. */
  toggleEntry(entry: string, open: boolean): void;
  copy(text: string, what: string): void;
  contextMenu(row: TimelineRow, column: ColumnKey, x: number, y: number): void;
}

/** The value a cell copies: the full, untruncated value (times in the bundle's ISO form). */
export function cellValue(row: TimelineRow, key: ColumnKey, mark: RowMark | undefined): string {
  if (key === 'mark') return mark?.starred ? 'starred' : '';
  if (key === 'tags') return (mark?.tags ?? []).join(', ');
  return columnDef(key).text(row);
}

export class VirtualList {
  readonly root: HTMLElement;
  private readonly header: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly empty: HTMLElement;
  private pool: HTMLElement[] = [];
  private total = 0;
  private pages = new Map<number, TimelineRow[]>();
  /** Each page's entry information (null: a line of its own), when rows are grouped. */
  private groups = new Map<number, (RowGroup | null)[]>();
  private requested = new Set<number>();
  private selectedIndex = -1;
  private selectedRecordId: string | null = null;
  private frame = 0;
  private layout: ColumnLayout[] = [];
  /** The columns on screen: the layout's visible ones that fit the width. */
  private shown: ColumnLayout[] = [];
  private autoHidden: ColumnKey[] = [];
  private sort: TimelineSort | undefined;
  private zone: TimeZoneMode = 'utc';
  private marks: Readonly<Record<string, RowMark>> = {};
  private highlight = '';
  private rowHeight = ROW_HEIGHT;
  private focusedColumn: ColumnKey = 'summary';
  private charWidth = 7;
  private measured = false;
  /** Columns' rendered widths (narrow panels shrink them below their set width), for the middle cut. */
  private widths = new Map<ColumnKey, number>();
  /** A located row to scroll to once the row count is known (the locate answer can come first). */
  private pendingReveal: number | undefined;

  constructor(private readonly cb: ListCallbacks) {
    this.header = el('div', { class: 'kfs-row kfs-header', attrs: { role: 'row' } });
    this.spacer = el('div', { class: 'kfs-spacer' });
    this.layer = el('div', { class: 'kfs-layer', attrs: { role: 'rowgroup' } });
    this.empty = el('div', { class: 'kfs-empty', text: 'No events match the filter.' });
    this.empty.hidden = true;
    this.scroller = el('div', { class: 'kfs-scroller', attrs: { tabindex: '0', 'aria-label': 'Timeline events: arrows move, S stars, Ctrl+C copies the cell, Ctrl+Shift+C the row' } }, this.spacer, this.layer);
    this.root = el('div', { class: 'kfs-list', attrs: { role: 'grid', 'aria-rowcount': '0' } }, this.header, this.scroller, this.empty);
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.layer.addEventListener('click', (e) => this.onClick(e));
    this.layer.addEventListener('contextmenu', (e) => this.onContextMenu(e));
    new ResizeObserver(() => {
      this.fit();
      this.schedule();
    }).observe(this.scroller);
  }

  // ---- configuration

  setLayout(layout: ColumnLayout[]): void {
    this.layout = layout;
    this.fit(true);
  }

  /** Fits the columns to the grid's width; rebuilds the header and rows when the set of shown columns changed. */
  private fit(force = false): void {
    const { shown, autoHidden } = fitColumns(this.layout, (this.root.clientWidth || 1400) - 20);
    const changed = force || shown.map((c) => c.key).join() !== this.shown.map((c) => c.key).join();
    this.shown = shown;
    this.autoHidden = autoHidden;
    this.root.style.setProperty('--kfs-grid', gridTemplate(shown));
    if (!changed) return;
    this.renderHeader();
    this.pool = [];
    this.layer.replaceChildren();
    this.schedule();
  }

  get columns(): ColumnLayout[] {
    return this.layout;
  }

  setSort(sort: TimelineSort | undefined): void {
    this.sort = sort;
    this.renderHeader();
  }

  setZone(zone: TimeZoneMode): void {
    this.zone = zone;
    this.renderHeader();
    this.schedule();
  }

  setMarks(marks: Readonly<Record<string, RowMark>>): void {
    this.marks = marks;
    this.schedule();
  }

  setHighlight(text: string): void {
    this.highlight = text;
    this.schedule();
  }

  setWrap(wrap: boolean): void {
    const top = this.firstVisible();
    this.rowHeight = wrap ? WRAPPED_ROW_HEIGHT : ROW_HEIGHT;
    this.root.classList.toggle('kfs-wrap', wrap);
    this.root.style.setProperty('--kfs-row-height', `${this.rowHeight}px`);
    this.scrollToRow(top);
    this.schedule();
  }

  // ---- data

  /** A new filter or sort: forget every page and start from the top. */
  reset(selectedRecordId: string | null = this.selectedRecordId): void {
    this.groups.clear();
    this.pages.clear();
    this.requested.clear();
    this.total = 0;
    this.selectedIndex = -1;
    this.selectedRecordId = selectedRecordId;
    this.pendingReveal = undefined;
    this.scroller.scrollTop = 0;
    this.cb.fetch(0, PAGE_SIZE);
    this.requested.add(0);
    this.render();
  }

  /**
   * The same filter, arranged anew (an entry opened or closed): forget the pages but keep the
   * scroll position and the selection, since the rows above the entry do not move.
   */
  refresh(): void {
    this.pages.clear();
    this.groups.clear();
    this.requested.clear();
    this.render();
  }

  /** Rows arrived from the host for the current filter. */
  receive(offset: number, total: number, rows: TimelineRow[], groups?: (RowGroup | null)[]): void {
    this.total = total;
    this.root.setAttribute('aria-rowcount', String(total));
    if (this.pendingReveal !== undefined && total > 0) {
      const at = this.pendingReveal;
      this.pendingReveal = undefined;
      this.scrollToRow(Math.max(0, at - Math.floor(this.visibleRows() / 2)));
    }
    const page = Math.floor(offset / PAGE_SIZE);
    this.requested.delete(page);
    this.pages.set(page, rows);
    if (groups) this.groups.set(page, groups);
    else this.groups.delete(page);
    this.evictFarPages(page);
    if (this.selectedIndex < 0 && this.selectedRecordId) {
      // After a reload or a filter change, find the selected record again when its page comes.
      const k = rows.findIndex((r) => r.RecordId === this.selectedRecordId);
      if (k >= 0) this.selectedIndex = offset + k;
    } else if (this.selectedIndex >= offset && this.selectedIndex < offset + rows.length && !this.selectedRecordId) {
      // A row selected by keyboard before its page had arrived: now it can be shown.
      const row = rows[this.selectedIndex - offset]!;
      this.selectedRecordId = row.RecordId;
      this.cb.select(this.selectedIndex, row);
    }
    this.schedule();
  }

  private evictFarPages(page: number): void {
    while (this.pages.size > MAX_CACHED_PAGES) {
      const here = Math.floor(this.firstVisible() / PAGE_SIZE);
      let far = page;
      for (const p of this.pages.keys()) if (Math.abs(p - here) > Math.abs(far - here)) far = p;
      this.pages.delete(far);
      this.groups.delete(far);
    }
  }

  get count(): number {
    return this.total;
  }

  rowAt(index: number): TimelineRow | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  groupAt(index: number): RowGroup | null {
    return this.groups.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE] ?? null;
  }

  get selectedRow(): TimelineRow | undefined {
    return this.selectedIndex < 0 ? undefined : this.rowAt(this.selectedIndex);
  }

  selectIndex(index: number, opts: { center?: boolean } = {}): void {
    if (index < 0 || index >= this.total) return;
    this.selectedIndex = index;
    const row = this.rowAt(index);
    this.selectedRecordId = row?.RecordId ?? null;
    if (opts.center) this.scrollToRow(Math.max(0, index - Math.floor(this.visibleRows() / 2)));
    else this.scrollIntoView(index);
    this.render();
    this.cb.select(index, row);
  }

  /** Selects a row the host located at `index` (its record id known before its page is here). */
  revealRecord(index: number, recordId: string): void {
    this.selectedRecordId = recordId;
    this.selectedIndex = index;
    if (this.total === 0) this.pendingReveal = index;
    else this.scrollToRow(Math.max(0, index - Math.floor(this.visibleRows() / 2)));
    this.render();
  }

  // ---- header: sort and resize

  private renderHeader(): void {
    const cells = this.shown.map((c) => this.headerCell(c));
    this.header.replaceChildren(...cells);
    const summary = this.header.querySelector<HTMLElement>('[data-col="summary"]');
    if (summary && this.autoHidden.length) summary.title = `Hidden to fit this width: ${this.autoHidden.map((k) => columnDef(k).title).join(', ')} (widen the panel, or choose columns with Columns…)`;
  }

  private headerCell(c: ColumnLayout): HTMLElement {
    const def = columnDef(c.key);
    const sorted = this.sort && def.sort === this.sort.column ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
    const title = c.key === 'time' ? `Time (${zoneLabel(this.zone)})` : def.title;
    const label = el('span', { class: 'kfs-head-label', text: title + (sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : '') });
    const cell = el('div', { class: `kfs-cell kfs-head kfs-col-${c.key}`, attrs: { role: 'columnheader', 'aria-sort': sorted, 'data-col': c.key } }, label);
    if (def.sort) {
      cell.classList.add('kfs-sortable');
      cell.title = `Sort by ${def.title} (click again to reverse, a third time for the timeline order)`;
      label.addEventListener('click', () => this.cycleSort(c.key));
    }
    if (c.key !== 'summary') cell.append(this.resizeHandle(c.key));
    return cell;
  }

  private cycleSort(key: ColumnKey): void {
    const column = columnDef(key).sort;
    if (!column) return;
    const cur = this.sort?.column === column ? this.sort : undefined;
    const next: TimelineSort | undefined = !cur ? { column, descending: false } : !cur.descending ? { column, descending: true } : undefined;
    this.setSort(next);
    this.cb.sortChanged(next);
  }

  private resizeHandle(key: ColumnKey): HTMLElement {
    const handle = el('div', { class: 'kfs-resize', attrs: { role: 'separator', 'aria-label': `Resize ${columnDef(key).title}`, 'aria-orientation': 'vertical', tabindex: '-1' } });
    let start: { x: number; width: number } | undefined;
    handle.addEventListener('pointerdown', (e) => {
      const cell = handle.parentElement!;
      start = { x: e.clientX, width: cell.getBoundingClientRect().width };
      handle.setPointerCapture?.(e.pointerId);
      e.preventDefault();
      e.stopPropagation();
    });
    handle.addEventListener('pointermove', (e) => {
      if (!start) return;
      this.layout = resizeColumn(this.layout, key, start.width + e.clientX - start.x);
      this.shown = this.shown.map((c) => this.layout.find((x) => x.key === c.key) ?? c);
      this.root.style.setProperty('--kfs-grid', gridTemplate(this.shown));
      this.schedule();
    });
    const end = () => {
      if (!start) return;
      start = undefined;
      this.cb.layoutChanged(this.layout);
      this.fit();
    };
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
    return handle;
  }

  // ---- geometry

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private geometry(): { viewport: number; content: number; range: number } {
    const viewport = this.scroller.clientHeight;
    const content = this.total * this.rowHeight;
    return { viewport, content, range: Math.min(content, MAX_SCROLL_PX) };
  }

  private visibleRows(): number {
    return Math.max(1, Math.floor(this.scroller.clientHeight / this.rowHeight));
  }

  /** The fractional row index at the top of the viewport. */
  private topRow(): number {
    const { viewport, content, range } = this.geometry();
    if (content <= MAX_SCROLL_PX) return this.scroller.scrollTop / this.rowHeight;
    const fraction = range > viewport ? Math.min(1, this.scroller.scrollTop / (range - viewport)) : 0;
    return (fraction * (content - viewport)) / this.rowHeight;
  }

  private firstVisible(): number {
    return Math.floor(this.topRow());
  }

  private scrollToRow(target: number): void {
    const { viewport, content, range } = this.geometry();
    this.spacer.style.height = `${range}px`;
    this.scroller.scrollTop = content <= MAX_SCROLL_PX ? target * this.rowHeight : ((target * this.rowHeight) / Math.max(1, content - viewport)) * (range - viewport);
  }

  private scrollIntoView(index: number): void {
    const top = this.topRow();
    const visible = this.visibleRows();
    if (index < top) this.scrollToRow(index);
    else if (index >= top + visible) this.scrollToRow(index - visible + 1);
  }

  // ---- rows

  private render(): void {
    const { viewport, range } = this.geometry();
    this.spacer.style.height = `${range}px`;
    this.empty.hidden = this.total > 0 || this.requested.size > 0;
    const top = this.topRow();
    const first = Math.floor(top);
    const offsetPx = (top - first) * this.rowHeight;
    const count = Math.min(Math.ceil(viewport / this.rowHeight) + 1, Math.max(0, this.total - first));
    this.layer.style.transform = `translateY(${this.scroller.scrollTop - offsetPx}px)`;
    while (this.pool.length < count) this.pool.push(this.makeRow());
    // Rows are reused while scrolling: only their text changes, not the DOM structure.
    if (this.layer.childElementCount !== count) this.layer.replaceChildren(...this.pool.slice(0, count));
    this.measureChars();
    this.widths = new Map([...this.header.children].map((h) => [(h as HTMLElement).dataset.col as ColumnKey, (h as HTMLElement).clientWidth]));
    for (let k = 0; k < count; k++) this.fill(this.pool[k]!, first + k);
    // Fetch the pages the view needs (and the next one, to keep scrolling ahead).
    const lastPage = Math.floor((first + count) / PAGE_SIZE);
    for (let p = Math.floor(first / PAGE_SIZE); p <= lastPage + 1 && p * PAGE_SIZE < this.total; p++) {
      if (!this.pages.has(p) && !this.requested.has(p)) {
        this.requested.add(p);
        this.cb.fetch(p * PAGE_SIZE, PAGE_SIZE);
      }
    }
  }

  private measureChars(): void {
    const probe = this.header.firstElementChild as HTMLElement | null;
    if (!probe || this.measured) return;
    this.measured = true;
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return;
    ctx.font = getComputedStyle(this.scroller).font;
    const w = ctx.measureText('abcdefghijklmnopqrstuvwxyz0123456789-').width / 37;
    // A little above the average: names are not all lowercase, and a cut that still overflows gets a second, end ellipsis.
    if (w > 3 && w < 20) this.charWidth = w * 1.12;
  }

  private makeRow(): HTMLElement {
    const cells = this.shown.map((c) => el('div', { class: `kfs-cell kfs-col-${c.key}`, attrs: { role: 'gridcell', 'data-col': c.key } }));
    return el('div', { class: 'kfs-row kfs-data-row', attrs: { role: 'row' } }, ...cells);
  }

  private fill(rowEl: HTMLElement, index: number): void {
    const row = this.rowAt(index);
    rowEl.dataset.index = String(index);
    rowEl.setAttribute('aria-rowindex', String(index + 1));
    const selected = index === this.selectedIndex;
    rowEl.classList.toggle('kfs-selected', selected);
    rowEl.setAttribute('aria-selected', String(selected));
    rowEl.classList.toggle('kfs-loading', !row);
    // Attributes from validated values only (known tables and severities), never raw cluster text.
    rowEl.dataset.src = row ? String(TABLE_INDEX.get(row.SourceTable) ?? '') : '';
    rowEl.dataset.severity = row && (SEVERITIES as readonly string[]).includes(row.Severity) ? row.Severity : '';
    const mark = row ? timeMark(row.TimeSource) : undefined;
    rowEl.classList.toggle('kfs-state', !!mark?.state);
    rowEl.classList.toggle('kfs-continuation', row?.TimeSource === 'previous-line');
    rowEl.classList.toggle('kfs-starred', !!(row && this.marks[row.RecordId]?.starred));
    const group = row ? this.groupAt(index) : null;
    rowEl.classList.toggle('kfs-entry', group?.role === 'entry');
    rowEl.classList.toggle('kfs-entry-line', group?.role === 'line');
    if (group?.role === 'entry') rowEl.setAttribute('aria-expanded', String(group.expanded));
    else rowEl.removeAttribute('aria-expanded');
    const cols = this.shown;
    for (let c = 0; c < cols.length; c++) {
      const cell = rowEl.children[c] as HTMLElement;
      cell.classList.toggle('kfs-cell-focus', selected && cols[c]!.key === this.focusedColumn);
      if (!row) this.setText(cell, c === 0 ? 'loading…' : '', '');
      else this.fillCell(cell, cols[c]!, row, group);
    }
  }

  private setText(cell: HTMLElement, text: string, title: string): void {
    // textContent only: every value here is attacker-controlled.
    if (cell.textContent !== text || cell.childElementCount) cell.textContent = text;
    if (cell.title !== title) cell.title = title;
  }

  private fillCell(cell: HTMLElement, c: ColumnLayout, row: TimelineRow, group: RowGroup | null): void {
    const mark = this.marks[row.RecordId];
    switch (c.key) {
      case 'mark':
        return this.fillMark(cell, mark);
      case 'time':
        return this.fillTime(cell, row);
      case 'tags':
        return this.setText(cell, (mark?.tags ?? []).join(', '), (mark?.tags ?? []).join(', '));
      case 'summary':
        this.fillHighlighted(cell, row.Summary);
        if (group?.role === 'entry') cell.prepend(...this.disclosure(group));
        return;
      default: {
        const def = columnDef(c.key);
        const full = def.text(row);
        const width = this.widths.get(c.key) || c.width || def.width;
        const shown = def.middle ? middleTruncate(full, Math.max(3, Math.floor((width - 12) / this.charWidth))) : full;
        this.setText(cell, shown, shown === full && full.length < 24 ? '' : full);
      }
    }
  }

  private fillMark(cell: HTMLElement, mark: RowMark | undefined): void {
    const starred = !!mark?.starred;
    const extra = (mark?.tags.length ?? 0) + (mark?.comments.length ?? 0);
    const star = el('span', { class: 'kfs-star', text: starred ? '★' : '☆', attrs: { role: 'button', 'aria-pressed': String(starred), 'aria-label': starred ? 'Starred: click to unstar' : 'Star this row' } });
    const note = extra ? el('span', { class: 'kfs-note', text: '•', attrs: { 'aria-label': 'tagged or commented' } }) : null;
    cell.replaceChildren(star, ...(note ? [note] : []));
    cell.title = mark ? [...mark.tags.map((t) => `#${t}`), ...mark.comments.map((x) => `${x.by}: ${x.text}`)].join('\n') : '';
  }

  private fillTime(cell: HTMLElement, row: TimelineRow): void {
    const m = timeMark(row.TimeSource);
    const text = row.Time ? formatTime(row.Time, this.zone) : '(unknown)';
    const glyph = el('span', { class: 'kfs-time-glyph', text: m.glyph, attrs: m.glyph ? { 'aria-label': m.meaning } : { 'aria-hidden': 'true' } });
    cell.replaceChildren(glyph, el('span', { class: 'kfs-time-text', text }));
    cell.title = `${row.Time || 'no time'} — ${m.meaning}`;
  }

  /** The triangle that opens or closes an entry, and how many of its lines there are. */
  private disclosure(g: RowGroup): HTMLElement[] {
    const label = g.expanded ? `Close this entry (${g.lines} lines)` : `Open this entry: ${g.lines} lines`;
    const toggle = el('span', { class: 'kfs-disclosure', text: g.expanded ? '▾' : '▸', attrs: { role: 'button', 'aria-expanded': String(g.expanded), 'aria-label': label, title: `${label} (→ opens, ← closes)` } });
    // "2 of 4 lines" when the filter keeps only some of the entry's lines.
    const count = el('span', { class: 'kfs-entry-count', text: g.lines < g.of ? `${g.lines} of ${g.of} lines` : `${g.of} lines` });
    return [toggle, count];
  }

  /** The summary with every match of the free-text filter marked (text nodes and <mark>, never markup). */
  private fillHighlighted(cell: HTMLElement, text: string): void {
    cell.title = text;
    const needle = this.highlight.toLowerCase();
    if (!needle) return this.setText(cell, text, text);
    const lower = text.toLowerCase();
    const parts: Node[] = [];
    let at = 0;
    for (let i = lower.indexOf(needle); i >= 0 && parts.length < 200; i = lower.indexOf(needle, i + needle.length)) {
      if (i > at) parts.push(document.createTextNode(text.slice(at, i)));
      parts.push(el('mark', { class: 'kfs-hit', text: text.slice(i, i + needle.length) }));
      at = i + needle.length;
    }
    if (at < text.length) parts.push(document.createTextNode(text.slice(at)));
    cell.replaceChildren(...parts);
  }

  // ---- input

  private rowOf(e: Event): { index: number; row: TimelineRow | undefined; column: ColumnKey } | undefined {
    const target = e.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('.kfs-data-row');
    if (!rowEl?.dataset.index) return undefined;
    const index = Number(rowEl.dataset.index);
    const column = (target.closest<HTMLElement>('[data-col]')?.dataset.col ?? 'summary') as ColumnKey;
    return { index, row: this.rowAt(index), column };
  }

  private onClick(e: MouseEvent): void {
    const hit = this.rowOf(e);
    if (!hit) return;
    if ((e.target as HTMLElement).closest('.kfs-star') && hit.row) {
      this.cb.toggleStar(hit.row);
      return;
    }
    const group = this.groupAt(hit.index);
    if ((e.target as HTMLElement).closest('.kfs-disclosure') && group?.role === 'entry') {
      this.selectIndex(hit.index);
      this.cb.toggleEntry(group.entry, !group.expanded);
      return;
    }
    this.focusedColumn = hit.column;
    this.selectIndex(hit.index);
  }

  private onContextMenu(e: MouseEvent): void {
    const hit = this.rowOf(e);
    if (!hit?.row) return;
    e.preventDefault();
    this.focusedColumn = hit.column;
    if (hit.index !== this.selectedIndex) this.selectIndex(hit.index);
    this.cb.contextMenu(hit.row, hit.column, e.clientX, e.clientY);
  }

  /**
   * → opens a closed entry, ← closes an open one, or, on one of its lines, closes it and
   * selects the entry (as a tree grid does); true when the key did that, else it moves the cell focus.
   */
  private entryKey(key: 'ArrowLeft' | 'ArrowRight'): boolean {
    const g = this.groupAt(this.selectedIndex);
    if (!g) return false;
    if (g.role === 'entry' && g.expanded !== (key === 'ArrowRight')) {
      this.cb.toggleEntry(g.entry, key === 'ArrowRight');
      return true;
    }
    if (g.role === 'line' && key === 'ArrowLeft') {
      let i = this.selectedIndex;
      while (i > 0 && this.groupAt(i)?.role === 'line') i--;
      this.selectIndex(i);
      this.cb.toggleEntry(g.entry, false);
      return true;
    }
    return false;
  }

  private onKey(e: KeyboardEvent): void {
    const row = this.selectedRow;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c' && row) {
      e.preventDefault();
      if (e.shiftKey) this.cb.copy(JSON.stringify(row, null, 2), 'row');
      else this.cb.copy(cellValue(row, this.focusedColumn, this.marks[row.RecordId]), columnDef(this.focusedColumn).title);
      return;
    }
    if (e.key === 's' && row && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      this.cb.toggleStar(row);
      return;
    }
    if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && row && this.entryKey(e.key)) {
      e.preventDefault();
      return;
    }
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      const keys = this.shown.map((c) => c.key);
      const i = keys.indexOf(this.focusedColumn);
      this.focusedColumn = keys[Math.max(0, Math.min(keys.length - 1, (i < 0 ? keys.length - 1 : i) + (e.key === 'ArrowLeft' ? -1 : 1)))]!;
      this.render();
      return;
    }
    const page = Math.max(1, this.visibleRows() - 1);
    const at = this.selectedIndex < 0 ? this.firstVisible() - 1 : this.selectedIndex;
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: this.total - 1 };
    if (!(e.key in moves)) return;
    e.preventDefault();
    this.selectIndex(Math.max(0, Math.min(this.total - 1, moves[e.key]!)));
  }
}
