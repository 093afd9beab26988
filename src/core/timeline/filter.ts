// The timeline filter model shared by the local engine, the KQL builder, the CLI and the webview.
// Every list is OR within itself and AND across fields; an empty list means "no constraint".
import type { Severity } from '../schema/timeline.js';
import type { TableName } from '../schema/tables.js';
import { normalizeTime } from '../schema/time.js';

export interface PodRef {
  namespace: string;
  pod: string;
}

export interface ContainerRef extends PodRef {
  container: string;
}

export interface TimelineFilter {
  /** Inclusive start, ISO-8601. */
  from?: string;
  /** Exclusive end, ISO-8601. */
  to?: string;
  namespaces: string[];
  pods: PodRef[];
  containers: ContainerRef[];
  sourceTables: TableName[];
  eventTypes: string[];
  severities: Severity[];
  /** Case-insensitive substring over Summary and the packed Details. */
  text: string;
}

export function emptyFilter(): TimelineFilter {
  return { namespaces: [], pods: [], containers: [], sourceTables: [], eventTypes: [], severities: [], text: '' };
}

/**
 * The filter with its time bounds in the bundle's one textual form (normalizeTime), so that
 * string comparison with row times is time comparison. Engines call this on every filter they get.
 */
export function normalizeFilterTimes(f: TimelineFilter): TimelineFilter {
  const from = f.from ? (normalizeTime(f.from) ?? undefined) : undefined;
  const to = f.to ? (normalizeTime(f.to) ?? undefined) : undefined;
  return from === f.from && to === f.to ? f : { ...f, from, to };
}
