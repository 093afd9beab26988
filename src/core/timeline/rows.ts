// The timeline's row semantics, shared by every engine: how a table row becomes a timeline
// row, the total order of the timeline, and what a filter matches. The KQL builder must
// express exactly these rules (the differential test holds it to them).
import type { TableName } from '../schema/tables.js';
import { tableByName } from '../schema/tables.js';
import type { TimelineRow } from '../schema/timeline.js';
import { TIMELINE_PASSTHROUGH } from '../schema/timeline.js';
import type { TimelineFilter } from './filter.js';

export function toTimelineRow(table: TableName, row: Record<string, unknown>): TimelineRow {
  const def = tableByName(table);
  if (!def) throw new Error(`unknown table ${table}`);
  const details: Record<string, unknown> = {};
  for (const c of def.specific) details[c.name] = row[c.name] ?? null;
  const out = { Time: (row.EventTime as string | null) ?? '', SourceTable: table, Details: details } as TimelineRow;
  for (const name of TIMELINE_PASSTHROUGH) (out as unknown as Record<string, unknown>)[name] = (row[name] as string | undefined) ?? '';
  return out;
}

/** Time ascending (unknown times first), then source table, then RecordId: a total order. */
export function compareTimelineRows(a: TimelineRow, b: TimelineRow): number {
  return cmp(a.Time, b.Time) || cmp(a.SourceTable, b.SourceTable) || cmp(a.RecordId, b.RecordId);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The columns free text searches, case-insensitively, as a substring. */
export const TEXT_SEARCH_COLUMNS = ['Summary', 'Namespace', 'PodName', 'ContainerName', 'EventType'] as const;

export function matchesFilter(row: TimelineRow, f: TimelineFilter): boolean {
  if (f.from && !(row.Time !== '' && row.Time >= f.from)) return false;
  if (f.to && !(row.Time !== '' && row.Time < f.to)) return false;
  if (f.namespaces.length && !f.namespaces.includes(row.Namespace)) return false;
  if (f.pods.length && !f.pods.some((p) => p.namespace === row.Namespace && p.pod === row.PodName)) return false;
  if (
    f.containers.length &&
    !f.containers.some((c) => c.namespace === row.Namespace && c.pod === row.PodName && c.container === row.ContainerName)
  )
    return false;
  if (f.sourceTables.length && !f.sourceTables.includes(row.SourceTable)) return false;
  if (f.eventTypes.length && !f.eventTypes.includes(row.EventType)) return false;
  if (f.severities.length && !(f.severities as string[]).includes(row.Severity)) return false;
  if (f.text) {
    const needle = f.text.toLowerCase();
    if (!TEXT_SEARCH_COLUMNS.some((c) => row[c].toLowerCase().includes(needle))) return false;
  }
  return true;
}
