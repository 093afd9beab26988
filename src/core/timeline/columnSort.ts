// Sorting by a column: the matches ordered by the column's value, ties in timeline order.
// Interned columns sort by counting (their values are ranked once, the order of all rows kept
// and filtered by each new match set); the text columns (Summary, RecordId) by an order refined
// as the grid reads it (stringOrder.ts), so the first window of a million rows costs one pass.
import { TL, type SortColumn } from '../schema/timeline.js';
import type { TimelineSort } from './source.js';
import { matchAt, matchCount, type Matches, type SortedMatches } from './positions.js';
import { rankOf } from './order.js';
import { LOG, recordIdAt, summaryAt, type Store } from './store.js';
import { Concat, LazyStringOrder, ListOrder, Reversed, type Ordered } from './stringOrder.js';

type TextColumn = typeof TL.Summary | typeof TL.RecordId;
type IdColumn = Exclude<SortColumn, typeof TL.Time | TextColumn>;

export class ColumnOrders {
  private readonly orders = new Map<IdColumn, Uint32Array>();
  /** The text orders of all rows, kept while they are refined (sorting the whole timeline again reuses them). */
  private readonly allRows = new Map<TextColumn, Ordered>();
  private logPositions: Uint32Array | undefined;
  constructor(private readonly s: Store) {}

  /** The matches in the sort's order; descending is the exact reverse of ascending. */
  sorted(m: Matches, sort: TimelineSort): SortedMatches {
    const total = matchCount(m);
    if (sort.column === TL.Time) return sort.descending ? { kind: 'list', pos: reversed(m, total) } : m;
    if (sort.column === TL.Summary || sort.column === TL.RecordId) {
      const all = total === this.s.cols.n;
      let order = all ? this.allRows.get(sort.column) : undefined;
      if (!order) order = sort.column === TL.Summary ? new LazyStringOrder(positionsOf(m), (p) => summaryAt(this.s, p)) : this.recordIdOrder(m);
      if (all) this.allRows.set(sort.column, order);
      return { kind: 'ordered', order: sort.descending ? new Reversed(order) : order };
    }
    const order = this.order(sort.column);
    const inMatch = new Uint8Array(this.s.cols.n);
    for (let k = 0; k < total; k++) inMatch[matchAt(m, k)] = 1;
    const out = new Uint32Array(total);
    let o = 0;
    for (let i = 0; i < order.length; i++) if (inMatch[order[i]!]) out[o++] = order[i]!;
    if (sort.descending) out.reverse();
    return { kind: 'list', pos: out };
  }

  private order(column: IdColumn): Uint32Array {
    let o = this.orders.get(column);
    if (!o) this.orders.set(column, (o = this.compute(column)));
    return o;
  }

  private compute(column: IdColumn): Uint32Array {
    const { cols: c, dicts: d } = this.s;
    const byValue: Record<IdColumn, () => Uint32Array> = {
      TimeSource: () => countingSort(c.timeSource, rankOf(d.timeSource.values)),
      SourceTable: () => countingSort(c.table, rankOf(d.table.values)),
      EventType: () => countingSort(c.eventType, rankOf(d.eventType.values)),
      Cluster: () => countingSort(c.cluster, rankOf(d.cluster.values)),
      Namespace: () => countingSort(c.ns, rankOf(d.ns.values)),
      PodName: () => countingSort(c.pod, rankOf(d.pod.parts.map((p) => p[1]!))),
      ContainerName: () => countingSort(c.container, rankOf(d.container.parts.map((p) => p[2]!))),
      Severity: () => countingSort(c.severity, rankOf(d.severity.values)),
      TechniqueId: () => countingSort(c.technique, rankOf(d.technique.values)),
    };
    return byValue[column]();
  }

  /**
   * RecordId order of the matches. Log rows all share one prefix and number in 9 digits (their
   * own order), so only the other rows' ids are ordered as strings; an id that does not start
   * with the log prefix P compares with every P+digits as it does with P itself, so the log rows
   * go in one block between the ids below P and the others (no id string built per log row).
   */
  private recordIdOrder(m: Matches): Ordered {
    const s = this.s;
    const total = matchCount(m);
    const { kind, ref } = s.cols;
    const ids = s.generic.recordId;
    const inMatch = new Uint8Array(s.cols.n);
    const before: number[] = [];
    const beforeIds: string[] = [];
    const after: number[] = [];
    const afterIds: string[] = [];
    const prefix = s.logs.prefix;
    const log = LOG;
    let clash = false;
    for (let k = 0; k < total; k++) {
      const p = matchAt(m, k);
      if (kind[p] === log) {
        inMatch[p] = 1;
        continue;
      }
      const id = ids[ref[p]!]!;
      if (id < prefix) {
        before.push(p);
        beforeIds.push(id);
      } else {
        clash ||= id.startsWith(prefix);
        after.push(p);
        afterIds.push(id);
      }
    }
    const logs = this.logsInIdOrder(inMatch);
    if (!clash) return new Concat([new LazyStringOrder(Uint32Array.from(before), beforeIds), new ListOrder(logs), new LazyStringOrder(Uint32Array.from(after), afterIds)]);
    // Another row's id starts like a log row's (not one this tool writes): merge the two orders id by id.
    const generic = new LazyStringOrder(Uint32Array.from([...before, ...after].sort((a, b) => a - b)), (p) => recordIdAt(s, p));
    return new ListOrder(mergeById(s, generic, logs));
  }

  /** The matched log rows by their index, which is their RecordId order. */
  private logsInIdOrder(inMatch: Uint8Array): Uint32Array {
    if (!this.logPositions) {
      const { kind, ref, n } = this.s.cols;
      const pos = new Uint32Array(this.s.logs.length);
      for (let p = 0; p < n; p++) if (kind[p] === LOG) pos[ref[p]!] = p;
      this.logPositions = pos;
    }
    const out: number[] = [];
    for (const p of this.logPositions) if (inMatch[p]) out.push(p);
    return Uint32Array.from(out);
  }
}

function reversed(m: Matches, total: number): Uint32Array {
  const out = new Uint32Array(total);
  for (let k = 0; k < total; k++) out[total - 1 - k] = matchAt(m, k);
  return out;
}

/** Positions by the rank of their value id, stable (equal values keep timeline order). Ranks of equal strings are distinct ids only when the strings differ. */
function countingSort(ids: Uint32Array, rank: Uint32Array): Uint32Array {
  const start = new Uint32Array(rank.length + 1);
  for (let i = 0; i < ids.length; i++) start[rank[ids[i]!]! + 1]!++;
  for (let k = 0; k < rank.length; k++) start[k + 1]! += start[k]!;
  const out = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[start[rank[ids[i]!]!]!++] = i;
  return out;
}

/** Merges the generic rows' RecordId order with the log rows' (ties: the earlier position first). */
function mergeById(s: Store, generic: Ordered, logs: Uint32Array): Uint32Array {
  const out = new Uint32Array(generic.length + logs.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < generic.length && j < logs.length) {
    const gp = generic.at(i);
    const a = recordIdAt(s, gp);
    const b = recordIdAt(s, logs[j]!);
    out[o++] = a < b || (a === b && gp < logs[j]!) ? (i++, gp) : logs[j++]!;
  }
  while (i < generic.length) out[o++] = generic.at(i++);
  while (j < logs.length) out[o++] = logs[j++]!;
  return out;
}

/** The matched positions as an ascending array. */
function positionsOf(m: Matches): Uint32Array {
  if (m.kind === 'list') return m.pos;
  const out = new Uint32Array(m.hi - m.lo);
  for (let k = 0; k < out.length; k++) out[k] = m.lo + k;
  return out;
}
