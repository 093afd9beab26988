// The timeline's row semantics, shared by every engine: how a table row becomes a timeline
// row, the total order of the timeline, and what a filter matches. The KQL builder must
// express exactly these rules (the differential test holds it to them), and the local engine
// must answer as if it applied them row by row (its randomized test holds it to that).
import type { ColumnDef } from '../schema/columns.js';
import type { AnyTable, TableName } from '../schema/tables.js';
import { tableByName } from '../schema/tables.js';
import { normalizeTime } from '../schema/time.js';
import {
  BASELINE_COLUMN,
  EVENT_TIME_COLUMN,
  RESOURCE_KIND_COLUMN,
  RESOURCE_NAME_COLUMN,
  TIME_SOURCE_RULES,
  TIMELINE_COLUMNS,
  TIMELINE_PASSTHROUGH,
  TL,
  type TimeSource,
  type TimeSourceTest,
  type TimelineColumnName,
  type TimelineRow,
} from '../schema/timeline.js';
import type { TimelineFilter } from './filter.js';


export function toTimelineRow(table: TableName, row: Record<string, unknown>): TimelineRow {
  const def = tableByName(table);
  if (!def) throw new Error(`unknown table ${table}`);
  const details: Record<string, unknown> = {};
  for (const c of def.specific) details[c.name] = row[c.name] ?? null;
  // The one textual form of every time (as the workspace query returns it too); an unparsable
  // time is unknown rather than a string that would sort as if it were a time.
  const time = typeof row[EVENT_TIME_COLUMN] === 'string' ? (normalizeTime(row[EVENT_TIME_COLUMN] as string) ?? '') : '';
  const out = { Time: time, TimeSource: timeSourceOf(table, (c) => row[c]), SourceTable: table, Details: details } as TimelineRow;
  for (const name of TIMELINE_PASSTHROUGH) (out as unknown as Record<string, unknown>)[name] = (row[name] as string | undefined) ?? '';
  return out;
}

/** The row's TimeSource by its table's rule (TIME_SOURCE_RULES); `get` reads a column of the source row. */
export function timeSourceOf(table: TableName, get: (column: string) => unknown): TimeSource {
  const t = get(EVENT_TIME_COLUMN);
  if (t === null || t === undefined || t === '') return 'none';
  const rule = TIME_SOURCE_RULES[table];
  for (const c of rule.cases) if (testHolds(c.when, get)) return c.then;
  return rule.otherwise;
}

function testHolds(test: TimeSourceTest, get: (column: string) => unknown): boolean {
  const v = get(test.column);
  if ('equals' in test) return v === test.equals;
  if ('startsWith' in test) return typeof v === 'string' && v.startsWith(test.startsWith);
  return v !== null && v !== undefined && v === get(test.sameAs);
}

/** Time ascending (unknown times first), then source table, then RecordId: a total order. */
export function compareTimelineRows(a: TimelineRow, b: TimelineRow): number {
  return cmp(a.Time, b.Time) || cmp(a.SourceTable, b.SourceTable) || cmp(a.RecordId, b.RecordId);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The timeline columns free text searches besides Details: every text column except the ids and
 * the time-source flag (RecordId and TimeSource are identifiers, not text).
 */
export const TEXT_SEARCH_COLUMNS = TIMELINE_COLUMNS.filter((c) => c.type === 'string' && c.name !== TL.RecordId && c.name !== TL.TimeSource).map(
  (c) => c.name,
) as Exclude<TimelineColumnName, typeof TL.Time | typeof TL.Details | typeof TL.RecordId | typeof TL.TimeSource>[];

/** The Details columns free text searches in a table: its string columns as they are, its dynamic ones as JSON. */
export function textDetailColumns(table: AnyTable): readonly ColumnDef[] {
  return table.specific.filter((c: ColumnDef) => c.type === 'string' || c.type === 'dynamic');
}

/** A Details value as free text sees it: strings as they are, anything else as its JSON (null: no text). */
export function detailText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function matchesText(row: TimelineRow, needleLower: string): boolean {
  for (const c of TEXT_SEARCH_COLUMNS) if (row[c].toLowerCase().includes(needleLower)) return true;
  const def = tableByName(row.SourceTable);
  for (const c of def ? textDetailColumns(def) : []) {
    const s = detailText(row.Details[c.name]);
    if (s !== null && s.toLowerCase().includes(needleLower)) return true;
  }
  return false;
}

/** A container filter keeps the container's rows and its pod's pod-level rows (empty container). */
export function matchesContainer(row: Pick<TimelineRow, typeof TL.Namespace | typeof TL.PodName | typeof TL.ContainerName>, c: { namespace: string; pod: string; container: string }): boolean {
  return c.namespace === row.Namespace && c.pod === row.PodName && (row.ContainerName === c.container || row.ContainerName === '');
}

export function isBaselineRow(row: TimelineRow): boolean {
  return row.Details[BASELINE_COLUMN] === true;
}

export function matchesFilter(row: TimelineRow, f: TimelineFilter): boolean {
  if (f.from && !(row.Time !== '' && row.Time >= f.from)) return false;
  if (f.to && !(row.Time !== '' && row.Time < f.to)) return false;
  if (f.namespaces.length && !f.namespaces.includes(row.Namespace)) return false;
  if (f.pods.length && !f.pods.some((p) => p.namespace === row.Namespace && p.pod === row.PodName)) return false;
  if (f.containers.length && !f.containers.some((c) => matchesContainer(row, c))) return false;
  if (f.workloads.length && !f.workloads.some((w) => w.namespace === row.Namespace && w.kind === row.Details[RESOURCE_KIND_COLUMN] && w.name === row.Details[RESOURCE_NAME_COLUMN]))
    return false;
  if (f.sourceTables.length && !f.sourceTables.includes(row.SourceTable)) return false;
  if (f.eventTypes.length && !f.eventTypes.includes(row.EventType)) return false;
  if (f.severities.length && !(f.severities as string[]).includes(row.Severity)) return false;
  if (f.hideBaseline && isBaselineRow(row)) return false;
  if (f.recordIds.length && !f.recordIds.includes(row.RecordId)) return false;
  if (f.text && !matchesText(row, f.text.toLowerCase())) return false;
  return true;
}
