// The histogram above the list: events per time bucket, stacked by source table, drawn on a
// canvas in the theme's chart colours. Dragging across it (or clicking a bar) selects a
// time range.
import type { Histogram } from '../src/core/timeline/source.js';
import { TABLES } from '../src/core/schema/tables.js';
import { el } from './dom.js';
import { shortTime } from './filters.js';

const HEIGHT = 80;
const BAR_PX = 4;
// Theme chart colours, with fallbacks for a page outside VS Code.
const PALETTE: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-charts-foreground', '#cccccc'],
  ['--vscode-charts-lines', '#808080'],
];

/** Milliseconds to the normalized 7-digit form the filter and the bundle use. */
export function isoFromMillis(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export class HistogramView {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly selection: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly axisStart: HTMLElement;
  private readonly axisEnd: HTMLElement;
  private data: Histogram | undefined;
  private dragFrom: number | undefined;

  constructor(private readonly onRange: (fromMs: number, toMs: number) => void) {
    this.canvas = el('canvas', { class: 'kfs-hist-canvas', attrs: { role: 'img', 'aria-label': 'Events over time by source; drag to select a time range' } });
    this.selection = el('div', { class: 'kfs-hist-selection' });
    this.selection.hidden = true;
    this.axisStart = el('span', { class: 'kfs-hist-axis-start' });
    this.axisEnd = el('span', { class: 'kfs-hist-axis-end' });
    this.legend = el('div', { class: 'kfs-hist-legend' });
    const plot = el('div', { class: 'kfs-hist-plot' }, this.canvas, this.selection);
    this.root = el('div', { class: 'kfs-hist' }, plot, el('div', { class: 'kfs-hist-axis' }, this.axisStart, this.axisEnd), this.legend);
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
    this.draw();
  }

  private colorFor(table: string): string {
    const i = Math.max(0, TABLES.findIndex((t) => t.name === table));
    const [name, fallback] = PALETTE[i % PALETTE.length];
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
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
    let max = 1;
    for (let b = 0; b < h.buckets; b++) max = Math.max(max, h.series.reduce((s, x) => s + x.counts[b], 0));
    const barW = cssW / h.buckets;
    const colors = h.series.map((s) => this.colorFor(s.table));
    for (let b = 0; b < h.buckets; b++) {
      let y = HEIGHT;
      h.series.forEach((s, i) => {
        const v = s.counts[b];
        if (!v) return;
        // Square root scale so a burst does not flatten everything else; at least 1px when present.
        const px = Math.max(1, (Math.sqrt(v) / Math.sqrt(max)) * (HEIGHT - 2));
        ctx.fillStyle = colors[i];
        ctx.fillRect(b * barW, y - px, Math.max(1, barW - 1), px);
        y -= px;
      });
    }
    this.axisStart.textContent = shortTime(isoFromMillis(h.start));
    this.axisEnd.textContent = shortTime(isoFromMillis(h.start + h.buckets * h.bucketMs));
    this.legend.replaceChildren(
      ...h.series.map((s, i) => {
        const swatch = el('span', { class: 'kfs-swatch' });
        swatch.style.backgroundColor = colors[i];
        return el('span', { class: 'kfs-legend-item' }, swatch, el('span', { text: `${s.table} ${s.counts.reduce((a, b) => a + b, 0).toLocaleString('en-US')}` }));
      }),
      ...(h.undated ? [el('span', { class: 'kfs-legend-item', text: `${h.undated.toLocaleString('en-US')} without time` })] : []),
    );
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
    const span = h.buckets * h.bucketMs;
    const at = (x: number) => h.start + (x / width) * span;
    if (Math.abs(b - a) < 3) {
      // A click selects the bucket under the pointer.
      const bucket = Math.min(h.buckets - 1, Math.floor((a / width) * h.buckets));
      this.onRange(h.start + bucket * h.bucketMs, h.start + (bucket + 1) * h.bucketMs);
    } else {
      this.onRange(Math.floor(at(Math.min(a, b))), Math.ceil(at(Math.max(a, b))));
    }
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
