// What a timeline source answers, whatever holds the data (the local engine over a bundle, or
// the rows a workspace KQL query returned). The webview protocol (./messages.ts) carries these
// shapes, so this module stays free of Node and VS Code: the browser bundle imports its types.
import type { TableName } from '../schema/tables.js';
import type { SortColumn, TimeSource, TimelineRow } from '../schema/timeline.js';
import type { TimelineFilter } from './filter.js';

/**
 * A sort of the matching rows by one column. Rows with equal values keep their timeline order;
 * descending is exactly the reverse of ascending (so ties come newest first).
 */
export interface TimelineSort {
  column: SortColumn;
  descending: boolean;
}

export interface QueryWindow {
  offset: number;
  limit: number;
  /** Default: timeline order (Time, then source table, then RecordId). */
  sort?: TimelineSort;
  /**
   * Show multi-line log entries (stack traces) as one row each, with the lines of the entries
   * named in `expanded` (their first line's RecordId) after them. Only in time order: a sort by
   * another column shows lines. The filter still selects lines; grouping only arranges them.
   */
  entries?: { expanded: readonly string[] };
}

/** Where a row stands among multi-line entries (only on rows of entries of two or more lines). */
export interface RowGroup {
  /** RecordId of the entry's first line: the id to expand it by. */
  entry: string;
  /** `entry`: the row shown for the entry (its first matching line); `line`: one of its other lines, shown while it is expanded. */
  role: 'entry' | 'line';
  /** The entry's lines among the filter's rows. */
  lines: number;
  /** The entry's lines in the evidence, whatever the filter. */
  of: number;
  expanded: boolean;
}

/** A multi-line log entry's whole text, for the Details pane. */
export interface EntryText {
  /** RecordId of the entry's first line. */
  entry: string;
  /** The entry's lines in the evidence. */
  lines: number;
  /** Its lines' messages as logged, in line order, one per line (the first `lines - omitted`). */
  text: string;
  /** Lines left out of `text` to keep it within ENTRY_TEXT_MAX_LINES / ENTRY_TEXT_MAX_CHARS (said, never silently). */
  omitted: number;
}

/** Bounds of an entry's text sent to the Details pane (a runaway "stack trace" of a million lines stays cheap to show). */
export const ENTRY_TEXT_MAX_LINES = 5000;
export const ENTRY_TEXT_MAX_CHARS = 1 << 20;

export interface QueryResult {
  /** How many rows match the filter in all. */
  total: number;
  /** The matching rows at positions [offset, offset + limit) of the requested order. */
  rows: TimelineRow[];
  /** With `entries`: one per row, null for a line that is an entry of its own; and the counts ("N lines in M entries"). */
  groups?: (RowGroup | null)[];
  /** With `entries`: `total` counts the rows shown (entries, plus the lines of expanded ones); `lines` the matching lines, `entryCount` the entries they make. */
  lines?: number;
  entryCount?: number;
}

export interface HistogramSeries {
  table: TableName;
  /** Matching rows per bucket, of every time kind. */
  counts: number[];
  /** The part of `counts` that are state rows (timeKindOf: creation or collection times). */
  stateCounts: number[];
}

export interface Histogram {
  /** Start of the first bucket, milliseconds since the epoch. */
  start: number;
  /** Width of every bucket in milliseconds (at least 1). */
  bucketMs: number;
  /** Number of buckets; 0 when no matching row has a known time. */
  buckets: number;
  /** One series per source table that has a matching dated row, in table-name order. */
  series: HistogramSeries[];
  /** Matching rows whose time is unknown (they cannot be placed on the time axis). */
  undated: number;
  /** Matching rows in all, dated or not. */
  total: number;
}

export interface FacetValue<T extends string = string> {
  value: T;
  count: number;
}

export interface PodFacet {
  namespace: string;
  pod: string;
  count: number;
}

export interface ContainerFacet extends PodFacet {
  container: string;
}

export interface WorkloadFacet {
  namespace: string;
  /** Deployment, DaemonSet, CronJob, … (WORKLOAD_KINDS). */
  kind: string;
  name: string;
  count: number;
}

export interface TimeRange {
  from: string;
  to: string;
}

/** The values present in the data, for the pickers. Empty names are left out. */
export interface TimelineFacets {
  total: number;
  namespaces: FacetValue[];
  pods: PodFacet[];
  /** Real containers only: a namespace, a pod and a container name (never a template's entry). */
  containers: ContainerFacet[];
  /** Workloads that have findings on their pod templates (rows with no pod). */
  workloads: WorkloadFacet[];
  sourceTables: FacetValue<TableName>[];
  eventTypes: FacetValue[];
  severities: FacetValue[];
  timeSources: FacetValue<TimeSource>[];
  /** Earliest and latest known Time, or null when no row has one. */
  timeRange: TimeRange | null;
  /**
   * The range the time axis opens on: the collection's since-window when the source knows it
   * (a bundle's manifest), else the span of the event rows (state rows left out); null when none.
   */
  defaultRange: TimeRange | null;
}

export interface TimelineSource {
  /** Rows held in all. */
  readonly size: number;
  query(filter: TimelineFilter, window: QueryWindow): QueryResult;
  histogram(filter: TimelineFilter, buckets: number): Histogram;
  facets(): TimelineFacets;
  /** The row with this RecordId, for the Details pane. */
  row(recordId: string): TimelineRow | undefined;
  /** The whole text of the multi-line entry the row with this RecordId belongs to; undefined for a line that is an entry of its own. */
  entry?(recordId: string): EntryText | undefined;
  /**
   * The index of the row with this RecordId in the window's order (-1 when the filter does not
   * keep it); a line hidden in a collapsed entry is found as its entry's row. Optional: without
   * it (or when it answers undefined), locate.ts scans windows.
   */
  locate?(filter: TimelineFilter, recordId: string, window: Omit<QueryWindow, 'offset' | 'limit'>): number | undefined;
}
