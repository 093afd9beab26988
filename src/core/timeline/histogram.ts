// The histogram of the matching rows: per source table, per bucket, how many rows, and how many
// of those are state rows (their time is an object's creation or the collection time).
import type { TableName } from '../schema/tables.js';
import { timeKindOf, type TimeSource } from '../schema/timeline.js';
import type { Histogram } from './source.js';
import { lowerBound, matchAt, matchCount, type Matches } from './positions.js';
import type { Store } from './store.js';
import { parseTimeKey, timeKeyMillis } from './timeKey.js';
import type { TimelineFilter } from './filter.js';

const millisOf = (t: string | undefined): number => {
  const k = t ? parseTimeKey(t) : null;
  return k ? timeKeyMillis(k.day, k.clock) : NaN;
};

export function histogramOf(s: Store, m: Matches, f: TimelineFilter, buckets: number, firstDated: number): Histogram {
  const total = matchCount(m);
  // Dated rows come after the undated ones in every match set, in time order.
  const undated = m.kind === 'range' ? Math.min(total, Math.max(0, firstDated - m.lo)) : lowerBound(m.pos, firstDated, 0, total);
  if (undated === total || buckets < 1) return { start: 0, bucketMs: 1, buckets: 0, series: [], undated, total };
  const ms = s.cols.ms;
  const minMs = ms[matchAt(m, undated)]!;
  const maxMs = ms[matchAt(m, total - 1)]!;
  const fromMs = millisOf(f.from);
  const toMs = millisOf(f.to);
  const start = Number.isFinite(fromMs) ? Math.min(fromMs, minMs) : minMs;
  const end = Number.isFinite(toMs) ? Math.max(toMs, maxMs + 1) : maxMs + 1;
  const n = Math.max(1, Math.floor(buckets));
  const bucketMs = Math.max(1, Math.ceil((end - start) / n));
  const tables = s.dicts.table.values;
  const counts = tables.map(() => new Float64Array(n));
  const stateCounts = tables.map(() => new Float64Array(n));
  const isState = Uint8Array.from(s.dicts.timeSource.values, (v) => (timeKindOf(v as TimeSource) === 'state' ? 1 : 0));
  const { table, timeSource } = s.cols;
  for (let k = undated; k < total; k++) {
    const p = matchAt(m, k);
    const t = ms[p]!;
    if (Number.isNaN(t)) continue;
    const b = Math.min(n - 1, Math.max(0, Math.floor((t - start) / bucketMs)));
    counts[table[p]!]![b]!++;
    if (isState[timeSource[p]!]) stateCounts[table[p]!]![b]!++;
  }
  const series = tables
    .map((name, id) => ({ table: name as TableName, counts: Array.from(counts[id]!), stateCounts: Array.from(stateCounts[id]!) }))
    .filter((x) => x.counts.some((c) => c > 0))
    .sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  return { start, bucketMs, buckets: n, series, undated, total };
}
