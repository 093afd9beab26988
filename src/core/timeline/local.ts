// The local timeline engine: every table of a bundle in one columnar, pre-sorted store with
// per-value position indexes, so the filters a responder clicks answer in milliseconds over
// millions of rows. Its answers are defined to equal matchesFilter + compareTimelineRows
// (./rows.ts) over the same rows; the differential test holds it to that.
import type { Bundle } from '../evidence/reader.js';
import { TABLES, type TableName } from '../schema/tables.js';
import { normalizeTime } from '../schema/time.js';
import { RESOURCE_KIND_COLUMN, RESOURCE_NAME_COLUMN, WORKLOAD_KINDS, WORKLOAD_TABLES, timeKindOf, type TimeSource, type TimelineRow } from '../schema/timeline.js';
import { normalizeFilterTimes, type TimelineFilter } from './filter.js';
import { matchesFilter, toTimelineRow } from './rows.js';
import type { ContainerFacet, FacetValue, Histogram, PodFacet, QueryResult, QueryWindow, TimelineFacets, TimelineSource, WorkloadFacet } from './source.js';

export interface LoadProgress {
  table: TableName;
  /** Rows read from this table so far. */
  rows: number;
  /** Rows read from every table so far. */
  totalRows: number;
  /** Rows the manifest says the bundle holds (for a percentage), when the source has a manifest. */
  expectedRows?: number;
  done: boolean;
}

export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
}

/** The part of a Bundle the loader needs (an in-memory stand-in can provide it too). */
export type TableSource = Pick<Bundle, 'readTable'> & Partial<Pick<Bundle, 'manifest'>>;

export interface LocalTimeline extends TimelineSource {
  /** Milliseconds spent loading and indexing. */
  readonly loadMs: number;
}


const PROGRESS_EVERY = 20_000;

/** Reads every table of the bundle into a LocalTimeline. */
export async function loadLocalTimeline(bundle: TableSource, opts: LoadOptions = {}): Promise<LocalTimeline> {
  const started = performance.now();
  const builder = new TimelineBuilder();
  const shared = new Map<string, string>();
  const counts = bundle.manifest?.tables;
  const expectedRows = counts ? Object.values(counts).reduce((n, t) => n + (t?.records ?? 0), 0) : undefined;
  for (const table of TABLES) {
    opts.signal?.throwIfAborted();
    let rows = 0;
    for await (const raw of bundle.readTable(table.name, { signal: opts.signal })) {
      const row = toTimelineRow(table.name, raw as unknown as Record<string, unknown>);
      compactDetails(row, shared);
      builder.add(row);
      rows++;
      if (rows % PROGRESS_EVERY === 0) {
        opts.signal?.throwIfAborted();
        opts.onProgress?.({ table: table.name, rows, totalRows: builder.length, expectedRows, done: false });
      }
    }
    opts.onProgress?.({ table: table.name, rows, totalRows: builder.length, expectedRows, done: true });
  }
  opts.signal?.throwIfAborted();
  return builder.build(started, sinceWindow(bundle.manifest));
}

/** The collection's since-window: [now - sinceSeconds, now], from the manifest's options. */
function sinceWindow(m: TableSource['manifest']): { from: string; to: string } | null {
  const now = m ? Date.parse(m.options?.now ?? m.startedAt ?? '') : NaN;
  const since = m?.options?.sinceSeconds;
  if (!Number.isFinite(now) || typeof since !== 'number' || !(since > 0)) return null;
  const from = normalizeTime(new Date(now - since * 1000));
  const to = normalizeTime(new Date(now));
  return from && to ? { from, to } : null;
}

function workloadFacets(t: ColumnarTimeline, n: number): WorkloadFacet[] {
  const counts = new Map<string, WorkloadFacet>();
  for (let p = 0; p < n; p++) {
    const r = t.rowAt(p);
    if (r.PodName !== '' || !WORKLOAD_TABLES.includes(r.SourceTable)) continue;
    const kind = r.Details[RESOURCE_KIND_COLUMN];
    const name = r.Details[RESOURCE_NAME_COLUMN];
    if (typeof kind !== 'string' || typeof name !== 'string' || !(WORKLOAD_KINDS as readonly string[]).includes(kind)) continue;
    const key = JSON.stringify([r.Namespace, kind, name]);
    const f = counts.get(key) ?? { namespace: r.Namespace, kind, name, count: 0 };
    f.count++;
    counts.set(key, f);
  }
  return [...counts.values()].sort((a, b) => cmpStr(a.namespace, b.namespace) || cmpStr(a.kind, b.kind) || cmpStr(a.name, b.name));
}

function eventRange(t: ColumnarTimeline, n: number): { from: string; to: string } | null {
  let from = '';
  let to = '';
  for (let p = 0; p < n; p++) {
    const r = t.rowAt(p);
    if (r.Time === '' || timeKindOf(r.TimeSource) === 'state') continue;
    if (from === '') from = r.Time;
    to = r.Time;
  }
  return from ? { from, to } : null;
}

const SHARED_MAX_LENGTH = 128;
const SHARED_MAX_ENTRIES = 200_000;

/**
 * JSON.parse gives every row its own copy of every string: the same image, node and kind on a
 * million log lines. Short Details strings are shared through `shared`, and a log Message equal
 * to the Summary reuses it, which roughly halves the memory a large bundle takes. Values are
 * unchanged; only the string instances are.
 */
function compactDetails(row: TimelineRow, shared: Map<string, string>): void {
  const d = row.Details;
  for (const k in d) {
    const v = d[k];
    if (typeof v !== 'string') continue;
    if (v === row.Summary) d[k] = row.Summary;
    else if (v.length <= SHARED_MAX_LENGTH) {
      const s = shared.get(v);
      if (s !== undefined) d[k] = s;
      else if (shared.size < SHARED_MAX_ENTRIES) shared.set(v, v);
    }
  }
}

/**
 * The same engine over rows that are already timeline rows: the workspace source hands the
 * result of its KQL query here, so the webview is answered the same way whichever the source.
 */
export function timelineFromRows(rows: Iterable<TimelineRow>): LocalTimeline {
  const started = performance.now();
  const builder = new TimelineBuilder();
  for (const r of rows) builder.add(r);
  return builder.build(started);
}

/** Maps strings to small integer ids so repeated values are stored once and compared as numbers. */
class Interner {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(s, id);
      this.values.push(s);
    }
    return id;
  }
}

/** Interns (namespace, pod) and (namespace, pod, container) tuples, keeping their parts. */
class TupleInterner {
  // Nested maps rather than a joined key: no allocation per row, and no separator a name could hold.
  private readonly root = new Map<string, Map<string, number | Map<string, number>>>();
  readonly parts: string[][] = [];
  constructor(private readonly arity: 2 | 3) {}
  id(a: string, b: string, c = ''): number {
    let level1 = this.root.get(a);
    if (!level1) this.root.set(a, (level1 = new Map()));
    if (this.arity === 2) {
      let id = level1.get(b) as number | undefined;
      if (id === undefined) {
        id = this.parts.length;
        level1.set(b, id);
        this.parts.push([a, b]);
      }
      return id;
    }
    let level2 = level1.get(b) as Map<string, number> | undefined;
    if (!level2) level1.set(b, (level2 = new Map()));
    let id = level2.get(c);
    if (id === undefined) {
      id = this.parts.length;
      level2.set(c, id);
      this.parts.push([a, b, c]);
    }
    return id;
  }
  lookup(a: string, b: string, c = ''): number | undefined {
    const level1 = this.root.get(a)?.get(b);
    if (this.arity === 2) return level1 as number | undefined;
    return (level1 as Map<string, number> | undefined)?.get(c);
  }
}

class GrowableU32 {
  data = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

class TimelineBuilder {
  private time: string[] = [];
  private summary: string[] = [];
  private recordId: string[] = [];
  private details: Record<string, unknown>[] = [];
  private table = new GrowableU32();
  private eventType = new GrowableU32();
  private cluster = new GrowableU32();
  private ns = new GrowableU32();
  private pod = new GrowableU32();
  private container = new GrowableU32();
  private severity = new GrowableU32();
  private technique = new GrowableU32();
  private timeSource = new GrowableU32();
  readonly dicts = {
    timeSource: new Interner(),
    table: new Interner(),
    eventType: new Interner(),
    cluster: new Interner(),
    ns: new Interner(),
    severity: new Interner(),
    technique: new Interner(),
    pod: new TupleInterner(2),
    container: new TupleInterner(3),
  };

  get length(): number {
    return this.time.length;
  }

  add(r: TimelineRow): void {
    const d = this.dicts;
    this.time.push(r.Time);
    this.summary.push(r.Summary);
    this.recordId.push(r.RecordId);
    this.details.push(r.Details);
    this.table.push(d.table.id(r.SourceTable));
    this.eventType.push(d.eventType.id(r.EventType));
    this.cluster.push(d.cluster.id(r.Cluster));
    this.ns.push(d.ns.id(r.Namespace));
    this.pod.push(d.pod.id(r.Namespace, r.PodName));
    this.container.push(d.container.id(r.Namespace, r.PodName, r.ContainerName));
    this.severity.push(d.severity.id(r.Severity));
    this.technique.push(d.technique.id(r.TechniqueId));
    this.timeSource.push(d.timeSource.id(r.TimeSource));
  }

  build(started: number, defaultRange: { from: string; to: string } | null = null): LocalTimeline {
    const n = this.time.length;
    const time = this.time;
    const recordId = this.recordId;
    const tableIds = this.table.data;
    // compareTimelineRows orders tables by name: rank the interned table names that way.
    const tableRank = rankOf(this.dicts.table.values);
    // Comparing 1M time strings costs seconds; canonical times (every bundle time is one) turn
    // into two numbers whose order is exactly the strings' order. Anything else falls back to
    // comparing the strings themselves.
    const key = new Float64Array(n);
    const sub = new Uint16Array(n);
    const ms = new Float64Array(n);
    let canonical = true;
    for (let i = 0; i < n; i++) {
      const t = time[i];
      if (t === '') key[i] = -Infinity;
      else if (!parseCanonical(t, key, sub, ms, i)) canonical = false;
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const tieBreak = (a: number, b: number): number => {
      const ra = tableRank[tableIds[a]];
      const rb = tableRank[tableIds[b]];
      if (ra !== rb) return ra - rb;
      const ia = recordId[a];
      const ib = recordId[b];
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    };
    if (canonical) order.sort((a, b) => key[a] - key[b] || sub[a] - sub[b] || tieBreak(a, b));
    else
      order.sort((a, b) => {
        const ta = time[a];
        const tb = time[b];
        return ta !== tb ? (ta < tb ? -1 : 1) : tieBreak(a, b);
      });
    const timeMs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = order[i];
      timeMs[i] = time[p] === '' ? NaN : canonical ? ms[p] : parseMillis(time[p]);
    }
    const cols: Columns = {
      n,
      timeMs,
      time: permute(time, order),
      summary: permute(this.summary, order),
      recordId: permute(recordId, order),
      details: permute(this.details, order),
      table: permuteU32(this.table, order),
      eventType: permuteU32(this.eventType, order),
      cluster: permuteU32(this.cluster, order),
      ns: permuteU32(this.ns, order),
      pod: permuteU32(this.pod, order),
      container: permuteU32(this.container, order),
      severity: permuteU32(this.severity, order),
      technique: permuteU32(this.technique, order),
      timeSource: permuteU32(this.timeSource, order),
    };
    // Free the unsorted copies before the indexes are built.
    this.time = this.summary = this.recordId = [];
    this.details = [];
    return new ColumnarTimeline(cols, this.dicts, started, defaultRange);
  }
}

function rankOf(values: string[]): Uint32Array {
  const sorted = values.map((v, id) => ({ v, id })).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  const rank = new Uint32Array(values.length);
  sorted.forEach((e, i) => (rank[e.id] = i));
  return rank;
}

function permute<T>(src: T[], order: Uint32Array): T[] {
  const out = new Array<T>(order.length);
  for (let i = 0; i < order.length; i++) out[i] = src[order[i]];
  return out;
}

function permuteU32(src: GrowableU32, order: Uint32Array): Uint32Array {
  const out = new Uint32Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = src.data[order[i]];
  return out;
}

interface Columns {
  n: number;
  /** Milliseconds of each Time, NaN when unknown. */
  timeMs: Float64Array;
  time: string[];
  summary: string[];
  recordId: string[];
  details: Record<string, unknown>[];
  table: Uint32Array;
  eventType: Uint32Array;
  cluster: Uint32Array;
  ns: Uint32Array;
  pod: Uint32Array;
  container: Uint32Array;
  severity: Uint32Array;
  technique: Uint32Array;
  timeSource: Uint32Array;
}

type Dicts = TimelineBuilder['dicts'];

/** Row positions grouped by value id (compressed sparse rows): positions of id k are pos[start[k]..start[k+1]), ascending. */
interface PositionIndex {
  start: Uint32Array;
  pos: Uint32Array;
}

function buildIndex(ids: Uint32Array, distinct: number): PositionIndex {
  const start = new Uint32Array(distinct + 1);
  for (let i = 0; i < ids.length; i++) start[ids[i] + 1]++;
  for (let k = 0; k < distinct; k++) start[k + 1] += start[k];
  const fill = start.slice(0, distinct);
  const pos = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) pos[fill[ids[i]]++] = i;
  return { start, pos };
}

/** First index in [lo, hi) of `arr` whose value is >= x (arr ascending). */
function lowerBound(arr: ArrayLike<number>, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBoundStr(arr: string[], x: string, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows a filter matches: either a plain position range or an explicit ascending list. */
type Matches = { kind: 'range'; lo: number; hi: number } | { kind: 'list'; pos: Uint32Array };

const CACHE_SIZE = 4;
const SERVED_MEMORY = 5000;

class ColumnarTimeline implements LocalTimeline {
  readonly loadMs: number;
  private readonly idx: Record<'table' | 'eventType' | 'ns' | 'pod' | 'container' | 'severity', PositionIndex>;
  /** Position of the first row with a known Time (unknown times sort first). */
  private readonly firstDated: number;
  private readonly timeMs: Float64Array;
  private readonly cache = new Map<string, Matches>();
  private facetCache: TimelineFacets | undefined;
  /** RecordId → position of rows recently returned by query(), oldest first. */
  private readonly served = new Map<string, number>();

  constructor(
    private readonly c: Columns,
    private readonly d: Dicts,
    started: number,
    private readonly defaultRange: { from: string; to: string } | null,
  ) {
    this.idx = {
      table: buildIndex(c.table, d.table.values.length),
      eventType: buildIndex(c.eventType, d.eventType.values.length),
      ns: buildIndex(c.ns, d.ns.values.length),
      pod: buildIndex(c.pod, d.pod.parts.length),
      container: buildIndex(c.container, d.container.parts.length),
      severity: buildIndex(c.severity, d.severity.values.length),
    };
    // '' sorts before every other string, so the first string >= "\0" is the first known time.
    this.firstDated = lowerBoundStr(c.time, '\u0000', 0, c.n);
    this.timeMs = c.timeMs;
    this.loadMs = performance.now() - started;
  }

  get size(): number {
    return this.c.n;
  }

  query(filter: TimelineFilter, window: QueryWindow): QueryResult {
    const m = this.sorted(this.match(filter), window.sort);
    const total = m.kind === 'range' ? m.hi - m.lo : m.pos.length;
    const from = Math.max(0, Math.floor(window.offset));
    const to = Math.min(total, from + Math.max(0, Math.floor(window.limit)));
    const rows: TimelineRow[] = [];
    for (let k = from; k < to; k++) {
      const p = m.kind === 'range' ? m.lo + k : m.pos[k];
      rows.push(this.materialize(p));
      this.remember(this.c.recordId[p], p);
    }
    return { total, rows };
  }

  histogram(filter: TimelineFilter, buckets: number): Histogram {
    const m = this.match(filter);
    const total = m.kind === 'range' ? m.hi - m.lo : m.pos.length;
    const at = (k: number): number => (m.kind === 'range' ? m.lo + k : m.pos[k]);
    // Dated rows come after the undated ones in every match set, in time order.
    const firstDatedK =
      m.kind === 'range' ? Math.min(total, Math.max(0, this.firstDated - m.lo)) : lowerBound(m.pos, this.firstDated, 0, total);
    const undated = firstDatedK;
    const empty: Histogram = { start: 0, bucketMs: 1, buckets: 0, series: [], undated, total };
    if (firstDatedK === total || buckets < 1) return empty;
    const minMs = this.timeMs[at(firstDatedK)];
    const maxMs = this.timeMs[at(total - 1)];
    const fromMs = filter.from ? parseMillis(filter.from) : NaN;
    const toMs = filter.to ? parseMillis(filter.to) : NaN;
    const start = Number.isFinite(fromMs) ? Math.min(fromMs, minMs) : minMs;
    const end = Number.isFinite(toMs) ? Math.max(toMs, maxMs + 1) : maxMs + 1;
    const n = Math.max(1, Math.floor(buckets));
    const bucketMs = Math.max(1, Math.ceil((end - start) / n));
    const tables = this.d.table.values;
    const counts = tables.map(() => new Float64Array(n));
    const stateCounts = tables.map(() => new Float64Array(n));
    const isState = Uint8Array.from(this.d.timeSource.values, (v) => (timeKindOf(v as TimeSource) === 'state' ? 1 : 0));
    for (let k = firstDatedK; k < total; k++) {
      const p = at(k);
      const t = this.timeMs[p];
      if (Number.isNaN(t)) continue;
      let b = Math.floor((t - start) / bucketMs);
      if (b < 0) b = 0;
      else if (b >= n) b = n - 1;
      counts[this.c.table[p]][b]++;
      if (isState[this.c.timeSource[p]]) stateCounts[this.c.table[p]][b]++;
    }
    const series = tables
      .map((table, id) => ({ table: table as TableName, counts: Array.from(counts[id]), stateCounts: Array.from(stateCounts[id]) }))
      .filter((s) => s.counts.some((x) => x > 0))
      .sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
    return { start, bucketMs, buckets: n, series, undated, total };
  }

  facets(): TimelineFacets {
    if (this.facetCache) return this.facetCache;
    const count = (ix: PositionIndex, id: number) => ix.start[id + 1] - ix.start[id];
    const values = (dict: Interner, ix: PositionIndex): FacetValue[] =>
      dict.values
        .map((value, id) => ({ value, count: count(ix, id) }))
        .filter((f) => f.value !== '' && f.count > 0)
        .sort((a, b) => cmpStr(a.value, b.value));
    const pods: PodFacet[] = this.d.pod.parts
      .map(([namespace, pod], id) => ({ namespace, pod, count: count(this.idx.pod, id) }))
      .filter((f) => f.pod !== '' && f.count > 0)
      .sort((a, b) => cmpStr(a.namespace, b.namespace) || cmpStr(a.pod, b.pod));
    const containers: ContainerFacet[] = this.d.container.parts
      .map(([namespace, pod, container], id) => ({ namespace, pod, container, count: count(this.idx.container, id) }))
      .filter((f) => f.pod !== '' && f.container !== '' && f.count > 0)
      .sort((a, b) => cmpStr(a.namespace, b.namespace) || cmpStr(a.pod, b.pod) || cmpStr(a.container, b.container));
    const n = this.c.n;
    this.facetCache = {
      total: n,
      namespaces: values(this.d.ns, this.idx.ns),
      pods,
      containers,
      sourceTables: values(this.d.table, this.idx.table) as FacetValue<TableName>[],
      eventTypes: values(this.d.eventType, this.idx.eventType),
      severities: values(this.d.severity, this.idx.severity),
      timeRange: this.firstDated < n ? { from: this.c.time[this.firstDated], to: this.c.time[n - 1] } : null,
      workloads: workloadFacets(this, n),
      timeSources: values(this.d.timeSource, buildIndex(this.c.timeSource, this.d.timeSource.values.length)) as FacetValue<TimeSource>[],
      defaultRange: this.defaultRange ?? eventRange(this, n),
    };
    return this.facetCache;
  }

  row(recordId: string): TimelineRow | undefined {
    // Details are asked for rows the list just showed: look there before scanning everything.
    let p = this.served.get(recordId);
    if (p === undefined || this.c.recordId[p] !== recordId) p = this.c.recordId.indexOf(recordId);
    return p < 0 ? undefined : this.materialize(p);
  }

  private remember(recordId: string, p: number): void {
    this.served.delete(recordId);
    this.served.set(recordId, p);
    if (this.served.size > SERVED_MEMORY) this.served.delete(this.served.keys().next().value!);
  }

  rowAt(p: number): TimelineRow {
    return this.materialize(p);
  }

  private materialize(p: number): TimelineRow {
    const c = this.c;
    const d = this.d;
    const [Namespace, PodName, ContainerName] = d.container.parts[c.container[p]];
    return {
      Time: c.time[p],
      TimeSource: d.timeSource.values[c.timeSource[p]] as TimeSource,
      SourceTable: d.table.values[c.table[p]] as TableName,
      EventType: d.eventType.values[c.eventType[p]],
      Cluster: d.cluster.values[c.cluster[p]],
      Namespace,
      PodName,
      ContainerName,
      Summary: c.summary[p],
      Severity: d.severity.values[c.severity[p]],
      TechniqueId: d.technique.values[c.technique[p]],
      RecordId: c.recordId[p],
      Details: c.details[p],
    };
  }

  /** The matches in the requested order: by the column's value, ties in timeline order; descending is the exact reverse. */
  private sorted(m: Matches, sort: QueryWindow['sort']): Matches {
    if (!sort) return m;
    const pos = m.kind === 'range' ? Uint32Array.from({ length: m.hi - m.lo }, (_, k) => m.lo + k) : m.pos.slice();
    const key = (p: number): string => {
      const r = this.materialize(p);
      return sort.column === 'Time' ? r.Time : String(r[sort.column]);
    };
    const keys = new Map<number, string>();
    for (const p of pos) keys.set(p, key(p));
    const ordered = Array.from(pos).sort((a, b) => cmpStr(keys.get(a)!, keys.get(b)!) || a - b);
    if (sort.descending) ordered.reverse();
    return { kind: 'list', pos: Uint32Array.from(ordered) };
  }

  /** The matching positions for a filter, cached for the last few filters (scrolling re-asks the same one). */
  private match(f: TimelineFilter): Matches {
    f = normalizeFilterTimes(f);
    const key = JSON.stringify([f.from ?? '', f.to ?? '', f.namespaces, f.pods, f.containers, f.workloads, f.sourceTables, f.eventTypes, f.severities, f.text, f.hideBaseline, f.recordIds]);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const m = this.compute(f);
    this.cache.set(key, m);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return m;
  }

  private compute(f: TimelineFilter): Matches {
    const c = this.c;
    const d = this.d;
    // Time bounds are a position range: rows are sorted by Time as strings, exactly the order
    // matchesFilter compares in; unknown times ('') sort first and never pass a bound.
    let lo = 0;
    let hi = c.n;
    if (f.from) lo = lowerBoundStr(c.time, f.from, 0, c.n);
    if (f.to) {
      lo = Math.max(lo, this.firstDated);
      hi = lowerBoundStr(c.time, f.to, 0, c.n);
    }
    if (hi <= lo) return { kind: 'list', pos: new Uint32Array(0) };

    // Each list constraint becomes the set of value ids it allows.
    const constraints: { name: keyof ColumnarTimeline['idx']; ids: number[]; allowed: Uint8Array; column: Uint32Array }[] = [];
    const add = (name: keyof ColumnarTimeline['idx'], ids: (number | undefined)[], size: number, column: Uint32Array) => {
      const known = [...new Set(ids.filter((x): x is number => x !== undefined))];
      const allowed = new Uint8Array(size);
      for (const id of known) allowed[id] = 1;
      constraints.push({ name, ids: known, allowed, column });
    };
    if (f.namespaces.length) add('ns', f.namespaces.map((v) => d.ns.ids.get(v)), d.ns.values.length, c.ns);
    if (f.pods.length) add('pod', f.pods.map((p) => d.pod.lookup(p.namespace, p.pod)), d.pod.parts.length, c.pod);
    if (f.containers.length)
      // A container keeps its pod's pod-level rows (empty container name) too.
      add('container', f.containers.flatMap((x) => [d.container.lookup(x.namespace, x.pod, x.container), d.container.lookup(x.namespace, x.pod, '')]), d.container.parts.length, c.container);
    if (f.sourceTables.length) add('table', f.sourceTables.map((v) => d.table.ids.get(v)), d.table.values.length, c.table);
    if (f.eventTypes.length) add('eventType', f.eventTypes.map((v) => d.eventType.ids.get(v)), d.eventType.values.length, c.eventType);
    if (f.severities.length) add('severity', f.severities.map((v) => d.severity.ids.get(v)), d.severity.values.length, c.severity);
    if (constraints.some((k) => k.ids.length === 0)) return { kind: 'list', pos: new Uint32Array(0) };
    const rowLevel = f.text !== '' || f.hideBaseline || f.recordIds.length > 0 || f.workloads.length > 0;
    if (!constraints.length && !rowLevel) return { kind: 'range', lo, hi };

    // Drive the scan from the most selective index; check the rest per row.
    let driver: { positions: Uint32Array; size: number } | undefined;
    let driverName: string | undefined;
    for (const k of constraints) {
      const ix = this.idx[k.name];
      const slices = k.ids.map((id) => {
        const a = lowerBound(ix.pos, lo, ix.start[id], ix.start[id + 1]);
        const b = lowerBound(ix.pos, hi, a, ix.start[id + 1]);
        return ix.pos.subarray(a, b);
      });
      const size = slices.reduce((s, x) => s + x.length, 0);
      if (driver && driver.size <= size) continue;
      let positions: Uint32Array;
      if (slices.length === 1) positions = slices[0];
      else {
        positions = new Uint32Array(size);
        let o = 0;
        for (const s of slices) {
          positions.set(s, o);
          o += s.length;
        }
        positions.sort();
      }
      driver = { positions, size };
      driverName = k.name;
    }
    const rest = constraints.filter((k) => k.name !== driverName);
    const test = (p: number): boolean => {
      for (const k of rest) if (!k.allowed[k.column[p]]) return false;
      return !rowLevel || matchesFilter(this.materialize(p), f);
    };
    const out = new Uint32Array(driver ? driver.size : hi - lo);
    let n = 0;
    if (driver) {
      for (const p of driver.positions) if (test(p)) out[n++] = p;
    } else {
      for (let p = lo; p < hi; p++) if (test(p)) out[n++] = p;
    }
    return { kind: 'list', pos: out.slice(0, n) };
  }
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Milliseconds of an ISO time, tolerant of more than 3 fractional digits; NaN when unparsable. */
function parseMillis(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (m) return Date.parse(`${m[1]}${(m[2] ?? '').slice(0, 4)}${m[3]}`);
  return Date.parse(s);
}

/** The decimal number in s[from, to), NaN when a character there is not a digit. */
function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let k = from; k < to; k++) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Parses the bundle's canonical form, YYYY-MM-DDTHH:MM:SS.fffffffZ, into an order key (key[i])
 * and the 100 ns digits below it (sub[i]), plus epoch milliseconds (ms[i]); false for any other form.
 */
function parseCanonical(s: string, key: Float64Array, sub: Uint16Array, ms: Float64Array, i: number): boolean {
  if (s.length !== 28 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || s[19] !== '.' || s[27] !== 'Z') return false;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  const h = digits(s, 11, 13);
  const mi = digits(s, 14, 16);
  const sec = digits(s, 17, 19);
  const milli = digits(s, 20, 23);
  const rest = digits(s, 23, 27);
  if (Number.isNaN(y + mo + d + h + mi + sec + milli + rest)) return false;
  // A key that grows exactly as the string does, field by field (every field is fixed width),
  // even for impossible dates such as February 31st that Date.UTC would roll over.
  key[i] = (((((y * 13 + mo) * 32 + d) * 24 + h) * 60 + mi) * 60 + sec) * 1000 + milli;
  sub[i] = rest;
  ms[i] = Date.UTC(y, mo - 1, d, h, mi, sec, milli);
  return true;
}
