// The timeline order (rows.ts compareTimelineRows: Time with unknown first, then source table,
// then RecordId) over the store's load-order columns. Rows arrive in runs that are nearly sorted
// already (each log stream in time order), so each run is sorted on its own and the runs are
// merged pairwise: a few passes of a numeric comparison instead of a general sort of a million.
import type { Dicts, GenericRows } from './store.js';
import { LOG } from './store.js';
import type { LogRows } from './logRows.js';

export interface OrderInput {
  n: number;
  day: Uint32Array;
  clock: Float64Array;
  table: Uint32Array;
  kind: Uint8Array;
  ref: Uint32Array;
  dicts: Dicts;
  generic: GenericRows;
  logs: LogRows;
}

/** Load-order indexes in timeline order; `segments` are the run boundaries [0, …, n]. */
export function timelineOrder(input: OrderInput, segments: readonly number[]): Uint32Array {
  const cmp = comparator(input);
  let src = new Uint32Array(input.n);
  for (let i = 0; i < input.n; i++) src[i] = i;
  const bounds = [...segments];
  if (bounds[bounds.length - 1] !== input.n) bounds.push(input.n);
  for (let s = 0; s + 1 < bounds.length; s++) sortRun(src, bounds[s]!, bounds[s + 1]!, cmp);
  let dst = new Uint32Array(input.n);
  let runs = bounds;
  while (runs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const end = r + 2 < runs.length ? runs[r + 2]! : runs[r + 1]!;
      merge(src, dst, runs[r]!, runs[r + 1]!, end, cmp);
      next.push(end);
    }
    [src, dst] = [dst, src];
    runs = next;
  }
  return src;
}

type Cmp = (a: number, b: number) => number;

function comparator(x: OrderInput): Cmp {
  const rank = rankOf(x.dicts.table.values);
  const { day, clock, table, kind, ref, generic, logs } = x;
  const recordId = (i: number) => (kind[i] === LOG ? logs.recordId(ref[i]!) : generic.recordId[ref[i]!]!);
  return (a, b) => {
    if (day[a] !== day[b]) return day[a]! - day[b]!;
    if (clock[a] !== clock[b]) return clock[a]! - clock[b]!;
    const ra = rank[table[a]!]!;
    const rb = rank[table[b]!]!;
    if (ra !== rb) return ra - rb;
    if (kind[a] === LOG && kind[b] === LOG) return logs.compareRecordIds(ref[a]!, ref[b]!);
    const ia = recordId(a);
    const ib = recordId(b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
}

/** Each value's rank in code-unit order (how rows.ts compares strings); equal values share a rank. */
export function rankOf(values: readonly string[]): Uint32Array {
  const ids = values.map((_, id) => id).sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : 0));
  const rank = new Uint32Array(values.length);
  let r = 0;
  ids.forEach((id, i) => {
    if (i > 0 && values[id] !== values[ids[i - 1]!]) r++;
    rank[id] = r;
  });
  return rank;
}

/** Sorts a[lo, hi) in place; a run already in order (the usual log stream) costs one pass. */
function sortRun(a: Uint32Array, lo: number, hi: number, cmp: Cmp): void {
  let sorted = true;
  for (let i = lo + 1; i < hi && sorted; i++) if (cmp(a[i - 1]!, a[i]!) > 0) sorted = false;
  if (sorted) return;
  const part = Array.from(a.subarray(lo, hi)).sort(cmp);
  a.set(part, lo);
}

/** Merges the sorted runs src[lo, mid) and src[mid, hi) into dst[lo, hi). */
function merge(src: Uint32Array, dst: Uint32Array, lo: number, mid: number, hi: number, cmp: Cmp): void {
  let i = lo;
  let j = mid;
  let o = lo;
  // Runs that do not overlap (consecutive streams of one pod) are copied as they are.
  if (mid === hi || i === mid || cmp(src[mid - 1]!, src[mid]!) <= 0) {
    dst.set(src.subarray(lo, hi), lo);
    return;
  }
  while (i < mid && j < hi) dst[o++] = cmp(src[i]!, src[j]!) <= 0 ? src[i++]! : src[j++]!;
  while (i < mid) dst[o++] = src[i++]!;
  while (j < hi) dst[o++] = src[j++]!;
}
