// Where one row sits in the rows a filter matches, so the webview can scroll to it ("Show in
// Timeline" on a finding, a reload with a selection) without fetching every page before it.
import { matchesFilter } from './rows.js';
import type { TimelineFilter } from './filter.js';
import type { QueryWindow, TimelineSort, TimelineSource } from './source.js';

const WINDOW = 2000;
/** With a custom sort the position is found by scanning; past this many rows the answer is "not found". */
const MAX_SCAN = 200_000;

/** The row's index under the filter (and sort), or -1 when the filter does not match it. */
export function locateRow(source: TimelineSource, filter: TimelineFilter, recordId: string, sort?: TimelineSort, entries?: QueryWindow['entries']): number {
  const direct = source.locate?.(filter, recordId, { sort, entries });
  if (direct !== undefined) return direct;
  const row = source.row(recordId);
  if (!row || !matchesFilter(row, filter)) return -1;
  // Timeline order is Time first (unknown times before all): every row before this one's time
  // is counted without being read; only the rows at the same time are scanned.
  let offset = 0;
  if (!sort && !entries && row.Time) {
    const from = filter.from && filter.from > row.Time ? filter.from : row.Time;
    offset = source.query(filter, { offset: 0, limit: 0 }).total - source.query({ ...filter, from }, { offset: 0, limit: 0 }).total;
  }
  for (let scanned = 0; scanned < MAX_SCAN; scanned += WINDOW, offset += WINDOW) {
    const { rows } = source.query(filter, { offset, limit: WINDOW, sort, entries });
    const k = rows.findIndex((r) => r.RecordId === recordId);
    if (k >= 0) return offset + k;
    if (rows.length < WINDOW) return -1;
  }
  return -1;
}
