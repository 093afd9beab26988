// The histogram above the grid: events per time bucket, stacked by source table, in the same
// per-table colours that tint the grid rows (media/timeline.css, one per table in each theme).
// State rows (an object's creation, the collection time) are drawn hatched: they are not
// activity at that moment. Dragging across it (or clicking a bar) zooms to that range; an empty
// span is refused with a note offering to zoom out; Zoom out and Undo step back.
import type { Histogram } from '../src/core/timeline/source.js';
import { TABLES } from '../src/core/schema/tables.js';
import { el } from './dom.js';
import { formatTime, zoneLabel, type TimeZoneMode } from './format.js';
import { button, type ButtonElement } from './toolkit.js';

const HEIGHT = 80;
const BAR_PX = 4;

/** Milliseconds to the normalized 7-digit form the filter and the bundle use. */
export function isoFromMillis(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** The colour of a table: its CSS variable (theme-aware), a fixed fallback outside VS Code. */
export function tableColor(table: string): string {
  const i = Math.max(0, TABLES.findIndex((t) => t.name === table));
  return getComputedStyle(document.body).getPropertyValue(`--kfs-src-${i}`).trim() || '#808080';
}

export interface HistogramCallbacks {
  onRange(fromMs: number, toMs: number): void;
  onZoomOut(): void;
  onUndo(): void;
}

export class HistogramView {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly selection: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly axisStart: HTMLElement;
  private readonly axisEnd: HTMLElement;
  private readonly note: HTMLElement;
  private readonly noteText: HTMLElement;
  private readonly zoomOut: ButtonElement;
  private readonly undo: ButtonElement;
  private data: Histogram | undefined;
  private dragFrom: number | undefined;
  private zone: TimeZoneMode = 'utc';

  constructor(private readonly cb: HistogramCallbacks) {
    this.canvas = el('canvas', { class: 'kfs-hist-canvas', attrs: { role: 'img', 'aria-label': 'Events over time by source; drag to zoom to a time range' } });
    this.selection = el('div', { class: 'kfs-hist-selection' });
    this.selection.hidden = true;
    this.axisStart = el('span', { class: 'kfs-hist-axis-start' });
    this.axisEnd = el('span', { class: 'kfs-hist-axis-end' });
    this.legend = el('div', { class: 'kfs-hist-legend' });
    this.zoomOut = button({ id: 'kfs-zoom-out', text: 'Zoom out', secondary: true, onClick: () => cb.onZoomOut() });
    this.undo = button({ id: 'kfs-zoom-undo', text: 'Undo zoom', secondary: true, onClick: () => cb.onUndo() });
    this.noteText = el('span');
    const noteZoom = button({ id: 'kfs-note-zoom-out', text: 'Zoom out', onClick: () => cb.onZoomOut() });
    this.note = el('div', { class: 'kfs-hist-note', attrs: { role: 'status' } }, this.noteText, noteZoom);
    this.note.hidden = true;
    const plot = el('div', { class: 'kfs-hist-plot' }, this.canvas, this.selection);
    const axis = el('div', { class: 'kfs-hist-axis' }, this.axisStart, el('span', { class: 'kfs-hist-controls' }, this.undo, this.zoomOut), this.axisEnd);
    this.root = el('div', { class: 'kfs-hist' }, plot, this.note, axis, this.legend);
    plot.addEventListener('pointerdown', (e) => this.onDown(e));
    plot.addEventListener('pointermove', (e) => this.onMove(e));
    plot.addEventListener('pointerup', (e) => this.onUp(e));
    plot.addEventListener('pointercancel', () => this.cancelDrag());
    new ResizeObserver(() => this.draw()).observe(plot);
  }

  /** How many buckets fit the current width. */
  bucketCount(): number {
    const w = this.canvas.clientWidth || 600;
    return Math.max(10, Math.min(400, Math.floor(w / BAR_PX)));
  }

  set(h: Histogram): void {
    this.data = h;
    this.note.hidden = true;
    this.draw();
  }

  setZone(zone: TimeZoneMode): void {
    this.zone = zone;
    this.draw();
  }

  setControls(c: { canUndo: boolean; canZoomOut: boolean }): void {
    this.undo.disabled = !c.canUndo;
    this.zoomOut.disabled = !c.canZoomOut;
  }

  private draw(): void {
    const h = this.data;
    const cssW = this.canvas.clientWidth || 600;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(cssW * dpr);
    this.canvas.height = Math.round(HEIGHT * dpr);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, HEIGHT);
    if (!h || h.buckets === 0) {
      this.axisStart.textContent = '';
      this.axisEnd.textContent = h && h.total > 0 ? `${h.undated} events without a time` : '';
      this.legend.replaceChildren();
      return;
    }
    const colors = h.series.map((s) => tableColor(s.table));
    this.drawBars(ctx, h, colors, cssW);
    const fmt = (ms: number) => formatTime(isoFromMillis(ms), this.zone);
    this.axisStart.textContent = fmt(h.start);
    this.axisEnd.textContent = `${fmt(h.start + h.buckets * h.bucketMs)} ${zoneLabel(this.zone, h.start)}`;
    this.legend.replaceChildren(...h.series.map((s, i) => this.legendItem(s.table, s.counts, s.stateCounts, colors[i]!)), ...(h.undated ? [el('span', { class: 'kfs-legend-item', text: `${h.undated.toLocaleString('en-US')} without time` })] : []));
  }

  private drawBars(ctx: CanvasRenderingContext2D, h: Histogram, colors: string[], cssW: number): void {
    let max = 1;
    for (let b = 0; b < h.buckets; b++) max = Math.max(max, h.series.reduce((s, x) => s + x.counts[b]!, 0));
    const barW = cssW / h.buckets;
    for (let b = 0; b < h.buckets; b++) {
      let y = HEIGHT;
      h.series.forEach((s, i) => {
        const v = s.counts[b]!;
        if (!v) return;
        // Square root scale so a burst does not flatten everything else; at least 1px when present.
        const px = Math.max(1, (Math.sqrt(v) / Math.sqrt(max)) * (HEIGHT - 2));
        const statePx = (px * (s.stateCounts[b] ?? 0)) / v;
        ctx.fillStyle = colors[i]!;
        ctx.fillRect(b * barW, y - px + statePx, Math.max(1, barW - 1), px - statePx);
        if (statePx > 0) this.hatch(ctx, colors[i]!, b * barW, y - px, Math.max(1, barW - 1), statePx);
        y -= px;
      });
    }
  }

  /** State rows: the table's colour as an outline with diagonal hatching, so they read as "not an event". */
  private hatch(ctx: CanvasRenderingContext2D, color: string, x: number, y: number, w: number, hgt: number): void {
    ctx.save();
    ctx.beginPath();
    ctx.rect(x, y, w, hgt);
    ctx.clip();
    ctx.globalAlpha = 0.35;
    ctx.fillStyle = color;
    ctx.fillRect(x, y, w, hgt);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1;
    for (let d = -hgt; d < w + hgt; d += 4) {
      ctx.moveTo(x + d, y + hgt);
      ctx.lineTo(x + d + hgt, y);
    }
    ctx.stroke();
    ctx.restore();
  }

  private legendItem(table: string, counts: number[], stateCounts: number[], color: string): HTMLElement {
    const swatch = el('span', { class: 'kfs-swatch' });
    swatch.style.backgroundColor = color;
    const total = counts.reduce((a, b) => a + b, 0);
    const state = stateCounts.reduce((a, b) => a + b, 0);
    const text = `${table} ${total.toLocaleString('en-US')}${state ? ` (${state.toLocaleString('en-US')} state)` : ''}`;
    return el('span', { class: 'kfs-legend-item', attrs: { 'data-table': table } }, swatch, el('span', { text }));
  }

  private xOf(e: PointerEvent): number {
    const r = this.canvas.getBoundingClientRect();
    return Math.max(0, Math.min(r.width, e.clientX - r.left));
  }

  private onDown(e: PointerEvent): void {
    if (!this.data || this.data.buckets === 0 || e.button !== 0) return;
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    this.dragFrom = this.xOf(e);
    this.showSelection(this.dragFrom, this.dragFrom);
  }

  private onMove(e: PointerEvent): void {
    if (this.dragFrom === undefined) return;
    this.showSelection(this.dragFrom, this.xOf(e));
  }

  private onUp(e: PointerEvent): void {
    if (this.dragFrom === undefined || !this.data) return;
    const a = this.dragFrom;
    const b = this.xOf(e);
    this.cancelDrag();
    const h = this.data;
    const width = this.canvas.getBoundingClientRect().width || 1;
    const bucketAt = (x: number) => Math.max(0, Math.min(h.buckets - 1, Math.floor((x / width) * h.buckets)));
    // A click selects the bucket under the pointer; a drag the buckets it covers.
    const [first, last] = Math.abs(b - a) < 3 ? [bucketAt(a), bucketAt(a)] : [bucketAt(Math.min(a, b)), bucketAt(Math.max(a, b))];
    const from = h.start + first * h.bucketMs;
    const to = h.start + (last + 1) * h.bucketMs;
    let n = 0;
    for (const s of h.series) for (let k = first; k <= last; k++) n += s.counts[k]!;
    if (n === 0) {
      // Zooming into nothing would leave a blank chart: say so and keep the view.
      this.noteText.textContent = `No events between ${formatTime(isoFromMillis(from), this.zone)} and ${formatTime(isoFromMillis(to), this.zone)}. `;
      this.note.hidden = false;
      return;
    }
    this.cb.onRange(from, to);
  }

  private cancelDrag(): void {
    this.dragFrom = undefined;
    this.selection.hidden = true;
  }

  private showSelection(a: number, b: number): void {
    this.selection.hidden = false;
    this.selection.style.left = `${Math.min(a, b)}px`;
    this.selection.style.width = `${Math.abs(b - a)}px`;
  }
}
