// The timeline filter model shared by the local engine, the KQL builder, the CLI and the webview.
// Every list is OR within itself and AND across fields; an empty list means "no constraint".
// Browser-safe: the webview bundle imports this module.
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

/** A workload that owns pod templates (Deployment, DaemonSet, CronJob, …), as its findings name it. */
export interface WorkloadRef {
  namespace: string;
  kind: string;
  name: string;
}

export interface TimelineFilter {
  /** Inclusive start, ISO-8601. */
  from?: string;
  /** Exclusive end, ISO-8601. */
  to?: string;
  namespaces: string[];
  /** Every row of the pod: its containers' rows and its pod-level rows (empty container). */
  pods: PodRef[];
  /** The container's rows and its pod's pod-level rows (pod findings, Scheduled events). */
  containers: ContainerRef[];
  /** Findings on these workloads (their ResourceKind and ResourceName). */
  workloads: WorkloadRef[];
  sourceTables: TableName[];
  eventTypes: string[];
  severities: Severity[];
  /**
   * Case-insensitive substring over every text column (TEXT_SEARCH_COLUMNS) and every text value
   * in Details (string columns as they are, dynamic ones as their JSON).
   */
  text: string;
  /** Hide findings that match the baseline of expected platform workloads. */
  hideBaseline: boolean;
  /** Only these rows (e.g. the starred ones); empty = no constraint. */
  recordIds: string[];
}

export function emptyFilter(): TimelineFilter {
  return { namespaces: [], pods: [], containers: [], workloads: [], sourceTables: [], eventTypes: [], severities: [], text: '', hideBaseline: false, recordIds: [] };
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
