// Row positions grouped by value, and binary searches over sorted positions: what turns a
// filter click into a slice of an array instead of a scan.
import type { Ordered } from './stringOrder.js';

/** Positions of value id k are pos[start[k]..start[k+1]), ascending (compressed sparse rows). */
export interface PositionIndex {
  start: Uint32Array;
  pos: Uint32Array;
}

export function buildIndex(ids: Uint32Array, distinct: number): PositionIndex {
  const start = new Uint32Array(distinct + 1);
  for (let i = 0; i < ids.length; i++) start[ids[i]! + 1]!++;
  for (let k = 0; k < distinct; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, distinct);
  const pos = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) pos[fill[ids[i]!]!++] = i;
  return { start, pos };
}

export const countOf = (ix: PositionIndex, id: number): number => ix.start[id + 1]! - ix.start[id]!;

/** First index in [lo, hi) of ascending `arr` whose value is >= x. */
export function lowerBound(arr: ArrayLike<number>, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position in [0, n) whose time (day, clock) is >= the given one (rows are in time order). */
export function timeLowerBound(day: Uint32Array, clock: Float64Array, d: number, c: number): number {
  let lo = 0;
  let hi = day.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (day[mid]! < d || (day[mid] === d && clock[mid]! < c)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows a filter matches, in timeline order: a plain position range, or an explicit ascending list. */
export type Matches = { kind: 'range'; lo: number; hi: number } | { kind: 'list'; pos: Uint32Array };
/** Matches in a column's order: a list, or an order refined as its indices are read (stringOrder.ts). */
export type SortedMatches = Matches | { kind: 'ordered'; order: Ordered };

export const matchCount = (m: SortedMatches): number => (m.kind === 'range' ? m.hi - m.lo : m.kind === 'list' ? m.pos.length : m.order.length);
export const matchAt = (m: SortedMatches, k: number): number => (m.kind === 'range' ? m.lo + k : m.kind === 'list' ? m.pos[k]! : m.order.at(k));
export const NO_MATCH: Matches = { kind: 'list', pos: new Uint32Array(0) };
