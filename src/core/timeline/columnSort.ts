// Sorting by a column: every position ordered by the column's value, ties in timeline order,
// computed once per column and then filtered by the matches of any filter (one pass). Interned
// columns sort by counting (their values are ranked once); Summary, whose values are all
// different, by a comparison sort; RecordId mostly by the log rows' own numbering.
import { TL, type SortColumn } from '../schema/timeline.js';
import type { TimelineSort } from './source.js';
import { matchAt, matchCount, type Matches } from './positions.js';
import { rankOf } from './order.js';
import { LOG, recordIdAt, summaryAt, type Store } from './store.js';

export class ColumnOrders {
  private readonly orders = new Map<SortColumn, Uint32Array>();
  constructor(private readonly s: Store) {}

  /** The matches in the sort's order; descending is the exact reverse of ascending. */
  sorted(m: Matches, sort: TimelineSort): Matches {
    const total = matchCount(m);
    if (sort.column === TL.Time) return sort.descending ? { kind: 'list', pos: reversed(m, total) } : m;
    const order = this.order(sort.column);
    const inMatch = new Uint8Array(this.s.cols.n);
    for (let k = 0; k < total; k++) inMatch[matchAt(m, k)] = 1;
    const out = new Uint32Array(total);
    let o = 0;
    for (let i = 0; i < order.length; i++) if (inMatch[order[i]!]) out[o++] = order[i]!;
    if (sort.descending) out.reverse();
    return { kind: 'list', pos: out };
  }

  private order(column: Exclude<SortColumn, 'Time'>): Uint32Array {
    let o = this.orders.get(column);
    if (!o) this.orders.set(column, (o = this.compute(column)));
    return o;
  }

  private compute(column: Exclude<SortColumn, 'Time'>): Uint32Array {
    const { cols: c, dicts: d } = this.s;
    const byValue: Record<Exclude<SortColumn, 'Time' | 'Summary' | 'RecordId'>, () => Uint32Array> = {
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
    if (column === TL.Summary) return stringSort(this.s.cols.n, summaryKeys(this.s));
    if (column === TL.RecordId) return recordIdOrder(this.s);
    return byValue[column]();
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

function summaryKeys(s: Store): string[] {
  const out = new Array<string>(s.cols.n);
  for (let p = 0; p < s.cols.n; p++) out[p] = summaryAt(s, p);
  return out;
}

/**
 * Positions ordered by keys[p] (code units), ties by position. The engine's comparison sort:
 * V8 compares flat strings natively, which measured several times faster than a radix
 * quicksort in JavaScript on log lines that share long prefixes.
 */
export function stringSort(n: number, keys: readonly string[]): Uint32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => {
    const a = keys[x]!;
    const b = keys[y]!;
    return a < b ? -1 : a > b ? 1 : x - y;
  });
  return Uint32Array.from(order);
}

/**
 * RecordId order: log rows all share one prefix and number in 9 digits (their own order), so
 * only the other rows' ids are sorted as strings, and the two lists are merged.
 */
function recordIdOrder(s: Store): Uint32Array {
  const n = s.cols.n;
  const genericPos: number[] = [];
  // A log row's index is its RecordId's number: positions by index are in RecordId order.
  const logPos = new Uint32Array(s.logs.length);
  for (let p = 0; p < n; p++) {
    if (s.cols.kind[p] === LOG) logPos[s.cols.ref[p]!] = p;
    else genericPos.push(p);
  }
  const ids = genericPos.map((p) => recordIdAt(s, p));
  const g = stringSort(genericPos.length, ids);
  // An id that does not start with the log prefix P compares with every P+digits as it does
  // with P itself: the log rows then go in one block, with no id built for them.
  const prefix = s.logs.prefix;
  if (!ids.some((id) => id.startsWith(prefix))) {
    const out = new Uint32Array(n);
    let o = 0;
    let k = 0;
    while (k < g.length && ids[g[k]!]! < prefix) out[o++] = genericPos[g[k++]!]!;
    out.set(logPos, o);
    o += logPos.length;
    while (k < g.length) out[o++] = genericPos[g[k++]!]!;
    return out;
  }
  const out = new Uint32Array(n);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < g.length && j < logPos.length) {
    const gp = genericPos[g[i]!]!;
    const a = ids[g[i]!]!;
    const b = recordIdAt(s, logPos[j]!);
    out[o++] = a < b || (a === b && gp < logPos[j]!) ? (i++, gp) : logPos[j++]!;
  }
  while (i < g.length) out[o++] = genericPos[g[i++]!]!;
  while (j < logPos.length) out[o++] = logPos[j++]!;
  return out;
}
