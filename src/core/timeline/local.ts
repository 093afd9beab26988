// The local timeline engine: every table of a bundle in one columnar store in timeline order
// (store.ts), with position indexes, so the filters a responder clicks answer in milliseconds
// over millions of rows. Its answers are defined to equal matchesFilter + compareTimelineRows
// (./rows.ts) over the same rows; the randomized and columnar tests hold it to that.
// The pieces: loader.ts reads a bundle, storeBuilder.ts/order.ts build the store, matching.ts
// and textSearch.ts answer filters, columnSort.ts sorts, histogram.ts and facets.ts summarize.
import type { TimelineRow } from '../schema/timeline.js';
import { normalizeFilterTimes, type TimelineFilter } from './filter.js';
import { loadStore, type LoadOptions, type TableSource } from './loader.js';
import { ColumnOrders } from './columnSort.js';
import { facetsOf } from './facets.js';
import { histogramOf } from './histogram.js';
import { computeMatches, Indexes, type MatchContext } from './matching.js';
import { matchAt, matchCount, timeLowerBound, type Matches, type SortedMatches } from './positions.js';
import type { EntryText, Histogram, QueryResult, QueryWindow, TimeRange, TimelineFacets, TimelineSource, TimelineSort } from './source.js';
import { StoreBuilder } from './storeBuilder.js';
import { GENERIC, rowAt, type Store } from './store.js';
import { TextCaches } from './textSearch.js';
import { EntryQueries } from './entryQuery.js';
import { TL } from '../schema/timeline.js';

export type { LoadOptions, LoadProgress, TableSource } from './loader.js';

export interface LocalTimeline extends TimelineSource {
  /** Milliseconds spent loading and indexing. */
  readonly loadMs: number;
}

/** Reads every table of the bundle into a LocalTimeline. */
export async function loadLocalTimeline(bundle: TableSource, opts: LoadOptions = {}): Promise<LocalTimeline> {
  const started = performance.now();
  const { store, defaultRange } = await loadStore(bundle, opts);
  return new ColumnarTimeline(store, started, defaultRange);
}

/**
 * The same engine over rows that are already timeline rows: the workspace source hands the
 * result of its KQL query here, so the webview is answered the same way whichever the source.
 */
export function timelineFromRows(rows: Iterable<TimelineRow>): LocalTimeline {
  const started = performance.now();
  const builder = new StoreBuilder();
  for (const r of rows) builder.add(r);
  return new ColumnarTimeline(builder.build(), started, null);
}

const CACHE_SIZE = 4;

class ColumnarTimeline implements LocalTimeline {
  readonly loadMs: number;
  private readonly ctx: MatchContext;
  private readonly orders: ColumnOrders;
  private readonly entryQueries: EntryQueries;
  /** Position of the first row with a known Time (unknown times sort first). */
  private readonly firstDated: number;
  private readonly cache = new Map<string, SortedMatches>();
  private facetCache: TimelineFacets | undefined;
  private genericIds: Map<string, number[]> | undefined;

  constructor(
    private readonly s: Store,
    started: number,
    private readonly defaultRange: TimeRange | null,
  ) {
    this.ctx = { store: s, indexes: new Indexes(s), text: new TextCaches(), positionsOf: (id) => this.positionsOf(id) };
    this.orders = new ColumnOrders(s);
    this.entryQueries = new EntryQueries(s, (id) => this.positionsOf(id));
    this.firstDated = timeLowerBound(s.cols.day, s.cols.clock, 1, 0);
    this.loadMs = performance.now() - started;
  }

  get size(): number {
    return this.s.cols.n;
  }

  query(filter: TimelineFilter, window: QueryWindow): QueryResult {
    const g = this.grouped(filter, window);
    if (g) {
      const [from, to] = bounds(window, g.pos.length);
      return { total: g.pos.length, ...this.entryQueries.window(g, from, to), lines: g.lines, entryCount: g.entries };
    }
    const m = this.match(filter, window.sort);
    const total = matchCount(m);
    const [from, to] = bounds(window, total);
    const rows: TimelineRow[] = [];
    for (let k = from; k < to; k++) rows.push(rowAt(this.s, matchAt(m, k)));
    return { total, rows };
  }

  /** The grouped view a window asks for (entries in time order), or undefined for lines. */
  private grouped(filter: TimelineFilter, window: Omit<QueryWindow, 'offset' | 'limit'>) {
    if (!window.entries || (window.sort && window.sort.column !== TL.Time)) return undefined;
    const f = normalizeFilterTimes(filter);
    return this.entryQueries.view(filterKey(f), this.match(f), window.sort?.descending === true, window.entries.expanded);
  }

  locate(filter: TimelineFilter, recordId: string, window: Omit<QueryWindow, 'offset' | 'limit'>): number | undefined {
    const g = this.grouped(filter, window);
    if (!g) return undefined;
    const [p] = this.positionsOf(recordId);
    return p === undefined ? -1 : this.entryQueries.locate(g, this.match(normalizeFilterTimes(filter)), p);
  }

  histogram(filter: TimelineFilter, buckets: number): Histogram {
    const f = normalizeFilterTimes(filter);
    return histogramOf(this.s, this.match(f), f, buckets, this.firstDated);
  }

  facets(): TimelineFacets {
    return (this.facetCache ??= facetsOf(this.s, this.ctx.indexes, this.firstDated, this.defaultRange));
  }

  row(recordId: string): TimelineRow | undefined {
    const [p] = this.positionsOf(recordId);
    return p === undefined ? undefined : rowAt(this.s, p);
  }

  entry(recordId: string): EntryText | undefined {
    const [p] = this.positionsOf(recordId);
    return p === undefined ? undefined : this.entryQueries.text(p);
  }

  /** Positions of a RecordId, in timeline order: log ids are computed, the others looked up. */
  private positionsOf(recordId: string): readonly number[] {
    const { kind, ref, n } = this.s.cols;
    if (!this.genericIds) {
      const ids = new Map<string, number[]>();
      for (let p = 0; p < n; p++) {
        if (kind[p] !== GENERIC) continue;
        const id = this.s.generic.recordId[ref[p]!]!;
        const list = ids.get(id);
        if (list) list.push(p);
        else ids.set(id, [p]);
      }
      this.genericIds = ids;
    }
    const i = this.s.logs.indexOf(recordId);
    const fromLogs = i >= 0 ? [this.s.positions.log[i]!] : [];
    const generic = this.genericIds.get(recordId) ?? [];
    return fromLogs.length === 0 ? generic : generic.length === 0 ? fromLogs : [...fromLogs, ...generic].sort((a, b) => a - b);
  }

  /** The matching positions for a filter (and order), cached for the last few (scrolling re-asks the same one). */
  private match(filter: TimelineFilter): Matches;
  private match(filter: TimelineFilter, sort: TimelineSort | undefined): SortedMatches;
  private match(filter: TimelineFilter, sort?: TimelineSort): SortedMatches {
    const f = normalizeFilterTimes(filter);
    const key = JSON.stringify([filterKey(f), sort ?? null]);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const unsorted: Matches = sort ? this.match(f) : computeMatches(this.ctx, f);
    const m = sort ? this.orders.sorted(unsorted, sort) : unsorted;
    this.cache.set(key, m);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return m;
  }
}

/** A normalized filter as a cache key. */
function filterKey(f: TimelineFilter): string {
  return JSON.stringify([f.from ?? '', f.to ?? '', f.namespaces, f.pods, f.containers, f.workloads, f.sourceTables, f.eventTypes, f.severities, f.text, f.hideBaseline, f.recordIds]);
}

/** The window's [from, to) within `total` rows. */
function bounds(window: QueryWindow, total: number): [number, number] {
  const from = Math.max(0, Math.floor(window.offset));
  return [from, Math.min(total, from + Math.max(0, Math.floor(window.limit)))];
}
