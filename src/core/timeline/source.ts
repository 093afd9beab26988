// What a timeline source answers, whatever holds the data (the local engine over a bundle, or
// the rows a workspace KQL query returned). The webview protocol (./messages.ts) carries these
// shapes, so this module stays free of Node and VS Code: the browser bundle imports its types.
import type { TableName } from '../schema/tables.js';
import type { TimelineRow } from '../schema/timeline.js';
import type { TimelineFilter } from './filter.js';

export interface QueryWindow {
  offset: number;
  limit: number;
}

export interface QueryResult {
  /** How many rows match the filter in all. */
  total: number;
  /** The matching rows at positions [offset, offset + limit) of the timeline order. */
  rows: TimelineRow[];
}

export interface HistogramSeries {
  table: TableName;
  counts: number[];
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

/** The values present in the data, for the pickers. Empty names are left out. */
export interface TimelineFacets {
  total: number;
  namespaces: FacetValue[];
  pods: PodFacet[];
  containers: ContainerFacet[];
  sourceTables: FacetValue<TableName>[];
  eventTypes: FacetValue[];
  severities: FacetValue[];
  /** Earliest and latest known Time, or null when no row has one. */
  timeRange: { from: string; to: string } | null;
}

export interface TimelineSource {
  /** Rows held in all. */
  readonly size: number;
  query(filter: TimelineFilter, window: QueryWindow): QueryResult;
  histogram(filter: TimelineFilter, buckets: number): Histogram;
  facets(): TimelineFacets;
  /** The row with this RecordId, for the Details pane. */
  row(recordId: string): TimelineRow | undefined;
}
