// The unified timeline's columns, derived from the common columns every table carries, plus
// the two the timeline adds: where each row comes from and how its time was obtained.
// The local engine and the KQL builder both produce exactly this shape.
import type { ColumnDef } from './columns.js';
import { COMMON_COLUMNS } from './columns.js';
import {
  clusterEvents,
  commandHistory,
  containerLogs,
  cronJobs,
  networkPolicies,
  podInventory,
  services,
  kubeAudit,
  azureActivity,
  securityAlerts,
  rbacBindings,
  rbacFindings,
  rbacRoles,
  serviceAccounts,
  suspiciousPods,
  TABLES,
  type AnyTable,
  type TableName,
} from './tables.js';

/**
 * How a row's Time was obtained. `event`: the source's own time of something that happened
 * (a kubelet timestamp, an event, a shell's timestamp, a pod status transition).
 * `previous-line`: a log line without its own timestamp, dated by the line before it.
 * `file-mtime`: a history entry dated by its file's modification time.
 * `collection`: no time of its own, dated when the snapshot was taken.
 * `creation`: an object as it stood at collection, dated by its creation (RBAC, service accounts,
 * findings on specs). `none`: no time at all.
 */
export const TIME_SOURCES = ['event', 'previous-line', 'file-mtime', 'collection', 'creation', 'none'] as const;
export type TimeSource = (typeof TIME_SOURCES)[number];

/** Time sources whose time is an approximation of when the thing happened (marked in the grid and exports). */
export const APPROXIMATE_TIME_SOURCES: readonly TimeSource[] = ['previous-line', 'file-mtime', 'collection'];

/**
 * `event`: the row is something that happened at its time. `state`: the row describes an object
 * or a status at collection, and its time is the object's creation or the collection time:
 * such rows are not evidence of activity at that moment (and are kept off the default axis).
 */
export type TimeKind = 'event' | 'state';

export function timeKindOf(source: TimeSource): TimeKind {
  return source === 'creation' || source === 'collection' ? 'state' : 'event';
}

export function isApproximateTime(source: TimeSource): boolean {
  return APPROXIMATE_TIME_SOURCES.includes(source);
}

export interface TimelineRow {
  /** The original event time (EventTime of the source row), ISO-8601; '' when unknown. */
  Time: string;
  /** How Time was obtained (TIME_SOURCES). */
  TimeSource: TimeSource;
  SourceTable: TableName;
  EventType: string;
  Cluster: string;
  Namespace: string;
  PodName: string;
  ContainerName: string;
  Summary: string;
  Severity: string;
  TechniqueId: string;
  RecordId: string;
  /** The table-specific columns of the source row. */
  Details: Record<string, unknown>;
}

/** Common columns copied as they are from a source row into a timeline row. */
export const TIMELINE_PASSTHROUGH = [
  'EventType',
  'Cluster',
  'Namespace',
  'PodName',
  'ContainerName',
  'Summary',
  'Severity',
  'TechniqueId',
  'RecordId',
] as const satisfies readonly (typeof COMMON_COLUMNS)[number]['name'][];

/** The source row's column the timeline's Time comes from. */
export const EVENT_TIME_COLUMN = 'EventTime' satisfies (typeof COMMON_COLUMNS)[number]['name'];

const common = (n: (typeof TIMELINE_PASSTHROUGH)[number]) => COMMON_COLUMNS.find((c) => c.name === n)!;

export type TimelineColumnName = 'Time' | 'TimeSource' | 'SourceTable' | (typeof TIMELINE_PASSTHROUGH)[number] | 'Details';
type TimelineColumnDef = ColumnDef & { readonly name: TimelineColumnName };

/** The timeline's full column list, in display order. */
export const TIMELINE_COLUMNS: readonly TimelineColumnDef[] = [
  { name: 'Time', type: 'datetime', description: 'Original event time.' },
  { name: 'TimeSource', type: 'string', description: `How Time was obtained: ${TIME_SOURCES.join(', ')} (previous-line, file-mtime and collection are approximate).` },
  { name: 'SourceTable', type: 'string', description: 'Table the row comes from.' },
  ...TIMELINE_PASSTHROUGH.map((n) => ({ ...common(n), name: n })),
  { name: 'Details', type: 'dynamic', description: 'The table-specific columns.' },
];

/** Columns a timeline can be sorted by (Details is a bag, not a value). */
export type SortColumn = Exclude<TimelineColumnName, 'Details'>;
export const SORT_COLUMNS = TIMELINE_COLUMNS.map((c) => c.name).filter((n): n is SortColumn => n !== 'Details');

/** Timeline columns by name, so code names a column through the schema (a typo does not compile). */
export const TL = Object.fromEntries(TIMELINE_COLUMNS.map((c) => [c.name, c.name])) as { readonly [N in TimelineColumnName]: N };

export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

// ---- time source: a rule per table over columns the table carries, so the local engine and the
// KQL builder derive the same value from the same row (each interprets these rules).

type ColumnOf<T extends AnyTable> = (typeof COMMON_COLUMNS)[number]['name'] | T['specific'][number]['name'];

export type TimeSourceTest<T extends AnyTable = AnyTable> =
  | { column: ColumnOf<T>; equals: string | boolean }
  | { column: ColumnOf<T>; startsWith: string }
  /** Both columns hold the same value (e.g. EventTime is TimeGenerated: dated at collection). */
  | { column: ColumnOf<T>; sameAs: ColumnOf<T> };

export interface TimeSourceRule<T extends AnyTable = AnyTable> {
  /** The first case whose test holds gives the source; rows with no EventTime are always `none`. */
  cases: readonly { when: TimeSourceTest<T>; then: TimeSource }[];
  otherwise: TimeSource;
}

const rule = <T extends AnyTable>(_table: T, cases: TimeSourceRule<T>['cases'], otherwise: TimeSource): TimeSourceRule => ({ cases, otherwise }) as TimeSourceRule;

export const TIME_SOURCE_RULES: Readonly<Record<TableName, TimeSourceRule>> = {
  [containerLogs.name]: rule(
    containerLogs,
    [
      { when: { column: 'TimestampParsed', equals: true }, then: 'event' },
      { when: { column: 'EventTime', sameAs: 'TimeGenerated' }, then: 'collection' },
    ],
    'previous-line',
  ),
  [clusterEvents.name]: rule(clusterEvents, [], 'event'),
  [commandHistory.name]: rule(
    commandHistory,
    [
      { when: { column: 'EventType', equals: 'HistoryStatus' }, then: 'collection' },
      { when: { column: 'TimeSource', equals: 'file-mtime' }, then: 'file-mtime' },
    ],
    'event',
  ),
  [podInventory.name]: rule(podInventory, [], 'event'),
  // Content findings are dated by the log line or history entry they were found in; the others
  // by the creation of the pod or template they are about.
  [suspiciousPods.name]: rule(
    suspiciousPods,
    [
      { when: { column: 'FieldPath', startsWith: 'log' }, then: 'event' },
      { when: { column: 'FieldPath', startsWith: 'history:' }, then: 'event' },
      // Findings over audit events, Activity Log entries and alerts: dated by the first record they cite.
      { when: { column: 'FieldPath', startsWith: 'audit:' }, then: 'event' },
      { when: { column: 'FieldPath', startsWith: 'requestObject.' }, then: 'event' },
      { when: { column: 'FieldPath', startsWith: 'activityLog:' }, then: 'event' },
      { when: { column: 'FieldPath', startsWith: 'alert:' }, then: 'event' },
    ],
    'creation',
  ),
  [rbacFindings.name]: rule(rbacFindings, [], 'creation'),
  [rbacBindings.name]: rule(rbacBindings, [], 'creation'),
  [rbacRoles.name]: rule(rbacRoles, [], 'creation'),
  [serviceAccounts.name]: rule(serviceAccounts, [], 'creation'),
  [cronJobs.name]: rule(cronJobs, [], 'creation'),
  [networkPolicies.name]: rule(networkPolicies, [], 'creation'),
  [services.name]: rule(services, [], 'creation'),
  // Audit events, Activity Log entries and alerts are dated by the service that recorded them.
  [kubeAudit.name]: rule(kubeAudit, [], 'event'),
  [azureActivity.name]: rule(azureActivity, [], 'event'),
  [securityAlerts.name]: rule(securityAlerts, [], 'event'),
};

// ---- columns the timeline's filters read from Details, found through the schema.

const hasColumn = (t: AnyTable, name: string) => t.specific.some((c: ColumnDef) => c.name === name);

/** The finding column that marks an expected platform workload (the "hide baseline" toggle). */
export const BASELINE_COLUMN = 'Baseline' satisfies (typeof suspiciousPods.specific)[number]['name'];
export const BASELINE_TABLES: readonly TableName[] = TABLES.filter((t) => hasColumn(t, BASELINE_COLUMN)).map((t) => t.name);

/** Finding columns naming the resource a finding is on (workload findings have no pod). */
export const RESOURCE_KIND_COLUMN = 'ResourceKind' satisfies (typeof suspiciousPods.specific)[number]['name'];
export const RESOURCE_NAME_COLUMN = 'ResourceName' satisfies (typeof suspiciousPods.specific)[number]['name'];
export const WORKLOAD_TABLES: readonly TableName[] = TABLES.filter((t) => hasColumn(t, RESOURCE_KIND_COLUMN) && hasColumn(t, RESOURCE_NAME_COLUMN)).map((t) => t.name);
/** Kinds that own pod templates: findings on them are workload findings, listed as workloads. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] as const;
