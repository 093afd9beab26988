// Sorting by a column: every position ordered by the column's value, ties in timeline order,
// computed once per column and then filtered by the matches of any filter (one pass). Interned
// columns sort by counting (their values are ranked once); Summary and RecordId, whose values are
// all different, by a multikey quicksort that reads characters without building new strings.
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

/** Positions ordered by keys[p] (code units), ties by position: a 3-way radix quicksort. */
export function stringSort(n: number, keys: readonly string[]): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  const stack: number[] = [0, n, 0];
  while (stack.length) {
    const d = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo < 2) continue;
    if (hi - lo < 16) {
      insertionSort(a, lo, hi, keys, d);
      continue;
    }
    const pivot = charAt(keys[a[(lo + hi) >>> 1]!]!, d);
    let lt = lo;
    let gt = hi - 1;
    let i = lo;
    while (i <= gt) {
      const ch = charAt(keys[a[i]!]!, d);
      if (ch < pivot) swap(a, lt++, i++);
      else if (ch > pivot) swap(a, i, gt--);
      else i++;
    }
    stack.push(lo, lt, d, gt + 1, hi, d);
    // Keys that ended together are equal: they go in position order.
    if (pivot < 0) a.subarray(lt, gt + 1).sort();
    else stack.push(lt, gt + 1, d + 1);
  }
  return a;
}

const charAt = (s: string, d: number) => (d < s.length ? s.charCodeAt(d) : -1);

function swap(a: Uint32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function insertionSort(a: Uint32Array, lo: number, hi: number, keys: readonly string[], d: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && greater(keys, a[j]!, v, d)) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** keys[x] after keys[y], comparing from character d (the characters before are equal), ties by position. */
function greater(keys: readonly string[], x: number, y: number, d: number): boolean {
  const kx = keys[x]!;
  const ky = keys[y]!;
  const sx = d === 0 ? kx : kx.slice(d);
  const sy = d === 0 ? ky : ky.slice(d);
  return sx !== sy ? sx > sy : x > y;
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
