// A filter → the positions it matches, as rows.ts matchesFilter defines them: time bounds are a
// position range (rows are in time order), each list constraint is a set of value ids with a
// position index, the most selective one drives the scan and the others are checked per row.
import type { TimelineFilter } from './filter.js';
import { buildIndex, lowerBound, NO_MATCH, timeLowerBound, type Matches, type PositionIndex } from './positions.js';
import { parseTimeKey } from './timeKey.js';
import { textMatcher, type TextCaches } from './textSearch.js';
import type { Store } from './store.js';

export type IndexedColumn = 'table' | 'eventType' | 'ns' | 'pod' | 'container' | 'severity' | 'timeSource' | 'workload';

/** Position indexes of the columns filters select on, built on first use. */
export class Indexes {
  private readonly built = new Map<IndexedColumn, PositionIndex>();
  constructor(private readonly s: Store) {}
  get(c: IndexedColumn): PositionIndex {
    let ix = this.built.get(c);
    if (!ix) this.built.set(c, (ix = buildIndex(this.s.cols[c], this.distinct(c))));
    return ix;
  }
  private distinct(c: IndexedColumn): number {
    const d = this.s.dicts;
    const sizes: Record<IndexedColumn, number> = {
      table: d.table.values.length,
      eventType: d.eventType.values.length,
      ns: d.ns.values.length,
      pod: d.pod.parts.length,
      container: d.container.parts.length,
      severity: d.severity.values.length,
      timeSource: d.timeSource.values.length,
      workload: d.workload.parts.length + 1,
    };
    return sizes[c];
  }
}

interface Constraint {
  column: IndexedColumn;
  ids: number[];
  allowed: Uint8Array;
}

/** The rows of [lo, hi) (time bounds) as positions: unknown times sort first and never pass a bound. */
export function timeRange(s: Store, f: TimelineFilter): { lo: number; hi: number } {
  const { day, clock, n } = s.cols;
  const firstDated = timeLowerBound(day, clock, 1, 0);
  const bound = (t: string) => {
    const k = parseTimeKey(t);
    return k ? timeLowerBound(day, clock, k.day, k.clock) : firstDated;
  };
  const lo = f.from ? Math.max(firstDated, bound(f.from)) : f.to ? firstDated : 0;
  const hi = f.to ? Math.max(firstDated, bound(f.to)) : n;
  return { lo, hi };
}

function constraints(s: Store, f: TimelineFilter): Constraint[] {
  const d = s.dicts;
  const out: Constraint[] = [];
  const add = (column: IndexedColumn, ids: (number | undefined)[], size: number) => {
    const known = [...new Set(ids.filter((x): x is number => x !== undefined))];
    const allowed = new Uint8Array(size);
    for (const id of known) allowed[id] = 1;
    out.push({ column, ids: known, allowed });
  };
  if (f.namespaces.length) add('ns', f.namespaces.map((v) => d.ns.ids.get(v)), d.ns.values.length);
  if (f.pods.length) add('pod', f.pods.map((p) => d.pod.lookup(p.namespace, p.pod)), d.pod.parts.length);
  // A container keeps its pod's pod-level rows (empty container name) too.
  if (f.containers.length)
    add('container', f.containers.flatMap((x) => [d.container.lookup(x.namespace, x.pod, x.container), d.container.lookup(x.namespace, x.pod, '')]), d.container.parts.length);
  if (f.workloads.length) add('workload', f.workloads.map((w) => plusOne(d.workload.lookup(w.namespace, w.kind, w.name))), d.workload.parts.length + 1);
  if (f.sourceTables.length) add('table', f.sourceTables.map((v) => d.table.ids.get(v)), d.table.values.length);
  if (f.eventTypes.length) add('eventType', f.eventTypes.map((v) => d.eventType.ids.get(v)), d.eventType.values.length);
  if (f.severities.length) add('severity', f.severities.map((v) => d.severity.ids.get(v)), d.severity.values.length);
  return out;
}

const plusOne = (id: number | undefined) => (id === undefined ? undefined : id + 1);

/** The positions of the most selective constraint within [lo, hi), ascending. */
function driverPositions(ix: PositionIndex, ids: number[], lo: number, hi: number): Uint32Array {
  const slices = ids.map((id) => {
    const a = lowerBound(ix.pos, lo, ix.start[id]!, ix.start[id + 1]!);
    return ix.pos.subarray(a, lowerBound(ix.pos, hi, a, ix.start[id + 1]!));
  });
  if (slices.length === 1) return slices[0]!;
  const out = new Uint32Array(slices.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of slices) {
    out.set(x, o);
    o += x.length;
  }
  return out.sort();
}

export interface MatchContext {
  store: Store;
  indexes: Indexes;
  text: TextCaches;
  /** Positions of the rows with this RecordId (a workspace result may repeat one). */
  positionsOf: (recordId: string) => readonly number[];
}

export function computeMatches(ctx: MatchContext, f: TimelineFilter): Matches {
  const s = ctx.store;
  const { lo, hi } = timeRange(s, f);
  if (hi <= lo) return NO_MATCH;
  const list = constraints(s, f);
  if (list.some((k) => k.ids.length === 0)) return NO_MATCH;
  const rowLevel = f.text !== '' || f.hideBaseline;
  if (!list.length && !rowLevel && !f.recordIds.length) return { kind: 'range', lo, hi };
  let driver: Uint32Array | undefined;
  let driverColumn: IndexedColumn | undefined;
  if (f.recordIds.length) driver = recordPositions(ctx, f.recordIds, lo, hi);
  for (const k of list) {
    const ix = ctx.indexes.get(k.column);
    const size = k.ids.reduce((n, id) => n + ix.start[id + 1]! - ix.start[id]!, 0);
    if (driver && driver.length <= size) continue;
    driver = driverPositions(ix, k.ids, lo, hi);
    driverColumn = k.column;
  }
  const rest = list.filter((k) => k.column !== driverColumn);
  const test = rowTest(ctx, f, rest, driver ? driver.length : hi - lo);
  const out = new Uint32Array(driver ? driver.length : hi - lo);
  let n = 0;
  if (driver) {
    for (const p of driver) if (test(p)) out[n++] = p;
  } else {
    for (let p = lo; p < hi; p++) if (test(p)) out[n++] = p;
  }
  return { kind: 'list', pos: out.slice(0, n) };
}

function recordPositions(ctx: MatchContext, ids: string[], lo: number, hi: number): Uint32Array {
  const found = new Set<number>();
  for (const id of ids) for (const p of ctx.positionsOf(id)) if (p >= lo && p < hi) found.add(p);
  return Uint32Array.from(found).sort();
}

/** The test of each candidate row; `candidates`: how many there are (the free-text test chooses how to run by it). */
function rowTest(ctx: MatchContext, f: TimelineFilter, rest: Constraint[], candidates: number): (p: number) => boolean {
  const c = ctx.store.cols;
  const checks = rest.map((k) => ({ allowed: k.allowed, column: c[k.column] }));
  const text = f.text ? textMatcher(ctx.store, ctx.text, f.text, candidates) : undefined;
  const wanted = f.recordIds.length ? new Set(f.recordIds.flatMap(ctx.positionsOf)) : undefined;
  return (p) => {
    for (const k of checks) if (!k.allowed[k.column[p]!]) return false;
    if (f.hideBaseline && c.baseline[p] === 1) return false;
    if (wanted && !wanted.has(p)) return false;
    return text === undefined || text(p);
  };
}
