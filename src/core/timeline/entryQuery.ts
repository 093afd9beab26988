// The grouped view of a query (entries.ts): windows of entry rows with their group information,
// and where a row sits among them, for the local engine (local.ts).
import type { TimelineRow } from '../schema/timeline.js';
import { ENTRY, groupMatches, SINGLE, type GroupedView } from './entries.js';
import { lowerBound, matchAt, matchCount, type Matches } from './positions.js';
import type { RowGroup } from './source.js';
import { recordIdAt, rowAt, type Store } from './store.js';

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
