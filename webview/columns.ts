// The grid's columns: what each shows, its default width and visibility, and the pure layout
// operations (resize, hide, move) that the header, the column menu and saved views apply.
import { TL, type SortColumn, type TimelineRow } from '../src/core/schema/timeline.js';

export type ColumnKey = 'mark' | 'time' | 'source' | 'event' | 'namespace' | 'pod' | 'container' | 'severity' | 'technique' | 'tags' | 'cluster' | 'timeSource' | 'summary';

export interface ColumnDef {
  key: ColumnKey;
  title: string;
  /** Default width in px; the summary takes the remaining width instead. */
  width: number;
  hidden?: boolean;
  /** The timeline column a click on the header sorts by. */
  sort?: SortColumn;
  /** Cut long values in the middle (names differ at their end: pod hashes, replica ids). */
  middle?: boolean;
  /** The cell's text (the mark and time columns are drawn specially). */
  text: (r: TimelineRow) => string;
}

export interface ColumnLayout {
  key: ColumnKey;
  width?: number;
  hidden?: boolean;
}

export const MIN_WIDTH = 36;
/** The Summary never gets less than this: in a narrow panel the other columns give way first. */
export const SUMMARY_MIN = 320;
/** In a panel too narrow for every column, these give way first (in this order): rows are tinted by source and summaries name the event. */
export const AUTO_HIDE_ORDER: readonly ColumnKey[] = ['source', 'event', 'namespace', 'technique', 'cluster', 'timeSource', 'tags', 'container', 'severity'];

export const COLUMN_DEFS: readonly ColumnDef[] = [
  { key: 'mark', title: '★', width: 36, text: () => '' },
  { key: 'time', title: TL.Time, width: 212, sort: TL.Time, text: (r) => r.Time },
  { key: 'source', title: 'Source', width: 100, sort: TL.SourceTable, middle: true, text: (r) => r.SourceTable },
  { key: 'event', title: 'Event', width: 88, sort: TL.EventType, middle: true, text: (r) => r.EventType },
  { key: 'namespace', title: TL.Namespace, width: 88, sort: TL.Namespace, middle: true, text: (r) => r.Namespace },
  { key: 'pod', title: 'Pod', width: 140, sort: TL.PodName, middle: true, text: (r) => r.PodName },
  { key: 'container', title: 'Container', width: 92, sort: TL.ContainerName, middle: true, text: (r) => r.ContainerName },
  { key: 'severity', title: TL.Severity, width: 60, sort: TL.Severity, text: (r) => r.Severity },
  { key: 'technique', title: 'Technique', width: 92, sort: TL.TechniqueId, hidden: true, text: (r) => r.TechniqueId },
  { key: 'tags', title: 'Tags', width: 110, hidden: true, text: () => '' },
  { key: 'cluster', title: TL.Cluster, width: 110, sort: TL.Cluster, hidden: true, middle: true, text: (r) => r.Cluster },
  { key: 'timeSource', title: 'Time source', width: 100, sort: TL.TimeSource, hidden: true, text: (r) => r.TimeSource },
  { key: 'summary', title: TL.Summary, width: 0, sort: TL.Summary, text: (r) => r.Summary },
];

const DEF = new Map(COLUMN_DEFS.map((c) => [c.key, c]));
export const columnDef = (key: ColumnKey): ColumnDef => DEF.get(key)!;
export const isColumnKey = (k: unknown): k is ColumnKey => typeof k === 'string' && DEF.has(k as ColumnKey);

export function defaultLayout(): ColumnLayout[] {
  return COLUMN_DEFS.map((c) => ({ key: c.key, width: c.width || undefined, hidden: c.hidden }));
}

/** A saved layout made whole again: unknown keys dropped, missing columns added at their default place. */
export function normalizeLayout(saved: readonly unknown[] | undefined): ColumnLayout[] {
  if (!saved) return defaultLayout();
  const out: ColumnLayout[] = [];
  for (const c of saved) {
    const o = c as Partial<ColumnLayout> | null;
    if (!o || !isColumnKey(o.key) || out.some((x) => x.key === o.key)) continue;
    out.push({ key: o.key, width: typeof o.width === 'number' && o.width >= MIN_WIDTH && o.width <= 2000 ? Math.round(o.width) : columnDef(o.key).width || undefined, hidden: o.hidden === true });
  }
  for (const d of defaultLayout()) if (!out.some((x) => x.key === d.key)) out.push(d);
  return out;
}

export function visibleColumns(layout: readonly ColumnLayout[]): ColumnLayout[] {
  // The summary is never hidden: it is what people read.
  return layout.filter((c) => !c.hidden || c.key === 'summary');
}

const widthOf = (c: ColumnLayout) => (c.key === 'summary' ? SUMMARY_MIN : (c.width ?? columnDef(c.key).width));

/**
 * The columns that fit `available` pixels with the Summary at its minimum: the visible ones, less
 * those that give way first (AUTO_HIDE_ORDER). The saved layout is not changed: a wider panel shows them again.
 */
export function fitColumns(layout: readonly ColumnLayout[], available: number): { shown: ColumnLayout[]; autoHidden: ColumnKey[] } {
  let shown = visibleColumns(layout);
  let total = shown.reduce((s, c) => s + widthOf(c), 0);
  const autoHidden: ColumnKey[] = [];
  for (const key of AUTO_HIDE_ORDER) {
    if (total <= available) break;
    const c = shown.find((x) => x.key === key);
    if (!c) continue;
    autoHidden.push(key);
    total -= widthOf(c);
    shown = shown.filter((x) => x.key !== key);
  }
  return { shown, autoHidden };
}

/** The CSS grid template: each shown column at its width, the Summary taking what is left. */
export function gridTemplate(shown: readonly ColumnLayout[]): string {
  return shown.map((c) => (c.key === 'summary' ? `minmax(${SUMMARY_MIN}px, 1fr)` : `${widthOf(c)}px`)).join(' ');
}

export function resizeColumn(layout: readonly ColumnLayout[], key: ColumnKey, width: number): ColumnLayout[] {
  return layout.map((c) => (c.key === key ? { ...c, width: Math.max(MIN_WIDTH, Math.round(width)) } : c));
}

export function setHidden(layout: readonly ColumnLayout[], key: ColumnKey, hidden: boolean): ColumnLayout[] {
  return layout.map((c) => (c.key === key && key !== 'summary' ? { ...c, hidden } : c));
}

/** Moves a column one place left (-1) or right (+1) among all columns. */
export function moveColumn(layout: readonly ColumnLayout[], key: ColumnKey, by: -1 | 1): ColumnLayout[] {
  const i = layout.findIndex((c) => c.key === key);
  const j = i + by;
  if (i < 0 || j < 0 || j >= layout.length) return [...layout];
  const out = [...layout];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}
