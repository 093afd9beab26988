// The grouped view of a query (entries.ts): windows of entry rows with their group information,
// and where a row sits among them, for the local engine (local.ts).
import type { TimelineRow } from '../schema/timeline.js';
import { ENTRY, groupMatches, SINGLE, type GroupedView } from './entries.js';
import { lowerBound, matchAt, matchCount, type Matches } from './positions.js';
import { ENTRY_TEXT_MAX_CHARS, ENTRY_TEXT_MAX_LINES, type EntryText, type RowGroup } from './source.js';
import { LOG, recordIdAt, rowAt, summaryAt, type Store } from './store.js';
import { ENTRY_GAP_MS } from './entries.js';

const CACHE_SIZE = 4;

export class EntryQueries {
  private readonly cache = new Map<string, GroupedView>();

  constructor(
    private readonly s: Store,
    private readonly positionsOf: (recordId: string) => readonly number[],
  ) {}

  /** The grouped view of `m` (timeline order, or its reverse), cached by `key` (the filter's) for the last few. */
  view(key: string, m: Matches, descending: boolean, expandedIds: readonly string[]): GroupedView {
    const expanded = new Set<number>();
    for (const id of expandedIds) for (const p of this.positionsOf(id)) if (this.s.entries.head[p] === p) expanded.add(p);
    const k = JSON.stringify([key, descending, [...expanded].sort((a, b) => a - b)]);
    let g = this.cache.get(k);
    if (g) this.cache.delete(k);
    else g = groupMatches(this.s.entries, matchCount(m), (i) => matchAt(m, i), expanded, descending);
    this.cache.set(k, g);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return g;
  }

  window(g: GroupedView, from: number, to: number): { rows: TimelineRow[]; groups: (RowGroup | null)[] } {
    const rows: TimelineRow[] = [];
    const groups: (RowGroup | null)[] = [];
    for (let k = from; k < to; k++) {
      const p = g.pos[k]!;
      rows.push(rowAt(this.s, p));
      groups.push(this.groupAt(g, k));
    }
    return { rows, groups };
  }

  private groupAt(g: GroupedView, k: number): RowGroup | null {
    const role = g.role[k]!;
    if (role === SINGLE) return null;
    const h = this.s.entries.head[g.pos[k]!]!;
    return { entry: recordIdAt(this.s, h), role: role === ENTRY ? 'entry' : 'line', lines: g.matched.get(h) ?? 0, of: this.s.entries.lines[h]!, expanded: g.expanded.has(h) };
  }

  /** The whole text of the entry position p belongs to (undefined for a line of its own). */
  text(p: number): EntryText | undefined {
    const { head, lines } = this.s.entries;
    const h = head[p]!;
    if (h < 0) return undefined;
    const members = this.members(h, lines[h]!);
    const texts: string[] = [];
    let chars = 0;
    for (const q of members) {
      const line = this.messageAt(q);
      if (texts.length === ENTRY_TEXT_MAX_LINES || chars + line.length > ENTRY_TEXT_MAX_CHARS) break;
      texts.push(line);
      chars += line.length + 1;
    }
    return { entry: recordIdAt(this.s, h), lines: members.length, text: texts.join('\n'), omitted: members.length - texts.length };
  }

  /**
   * The positions of the entry whose first line is at h, in line order. Its lines follow one
   * another in time (each at most ENTRY_GAP_MS after the one before, or dated by it), so they
   * are found from h on, within `count` gaps of it; lines at h's very time may sort before it.
   */
  private members(h: number, count: number): number[] {
    const { head, ms, n } = { head: this.s.entries.head, ms: this.s.cols.ms, n: this.s.cols.n };
    const t = ms[h]!;
    const sameTime = (q: number) => ms[q] === t || (Number.isNaN(ms[q]!) && Number.isNaN(t));
    const beyond = (q: number) => (Number.isFinite(t) ? ms[q]! > t + count * ENTRY_GAP_MS : !Number.isNaN(ms[q]!));
    const found: number[] = [];
    for (let q = h - 1; q >= 0 && sameTime(q); q--) if (head[q] === h) found.push(q);
    for (let q = h; q < n && found.length < count && !beyond(q); q++) if (head[q] === h) found.push(q);
    return found.sort((a, b) => this.lineKey(a) - this.lineKey(b) || a - b);
  }

  /** A log row's place in its stream: its index for a bundle's log row, its LineNumber for one that came as a timeline row. */
  private lineKey(q: number): number {
    if (this.s.cols.kind[q] === LOG) return this.s.cols.ref[q]!;
    const line = rowAt(this.s, q).Details.LineNumber;
    return typeof line === 'number' ? line : Number.MAX_SAFE_INTEGER;
  }

  /** The line as logged (Message), or its Summary when the row holds no message. */
  private messageAt(q: number): string {
    const m = rowAt(this.s, q).Details.Message;
    return typeof m === 'string' ? m : summaryAt(this.s, q);
  }

  /** The index of position p in the view; a line of a collapsed entry is found as its entry's row; -1 when `m` does not hold p. */
  locate(g: GroupedView, m: Matches, p: number): number {
    const total = matchCount(m);
    const held = m.kind === 'range' ? p >= m.lo && p < m.hi : lowerBound(m.pos, p, 0, total) < total && m.pos[lowerBound(m.pos, p, 0, total)] === p;
    if (!held) return -1;
    const h = this.s.entries.head[p]!;
    for (let k = 0; k < g.pos.length; k++) {
      const q = g.pos[k]!;
      if (q === p) return k;
      if (h >= 0 && g.role[k] === ENTRY && this.s.entries.head[q] === h && !g.expanded.has(h)) return k;
    }
    return -1;
  }
}
