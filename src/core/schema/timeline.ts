// The unified timeline's columns, derived from the common columns every table carries.
// The local engine and the KQL builder both produce exactly this shape.
import type { ColumnDef } from './columns.js';
import { COMMON_COLUMNS } from './columns.js';
import type { TableName } from './tables.js';

export interface TimelineRow {
  /** The original event time (EventTime of the source row), ISO-8601; '' when unknown. */
  Time: string;
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

/** The timeline's full column list, in display order. */
export const TIMELINE_COLUMNS: readonly ColumnDef[] = [
  { name: 'Time', type: 'datetime', description: 'Original event time.' },
  { name: 'SourceTable', type: 'string', description: 'Table the row comes from.' },
  ...TIMELINE_PASSTHROUGH.map((n) => COMMON_COLUMNS.find((c) => c.name === n)!),
  { name: 'Details', type: 'dynamic', description: 'The table-specific columns.' },
];

export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
