// THE KQL builder: one union over every bundle table (and, optionally, Azure's Container Insights
// and AKS audit tables), projected onto the unified timeline columns, filtered and ordered with
// exactly the semantics of ./rows.ts (matchesFilter, compareTimelineRows, TEXT_SEARCH_COLUMNS).
// Every value that reaches the query text goes through kqlString or kqlDatetime: pod and container
// names, namespaces and free text are attacker- or user-controlled.
import { TABLES, type AnyTable, type TableName } from '../schema/tables.js';
import { TIMELINE_PASSTHROUGH } from '../schema/timeline.js';
import { normalizeTime } from '../schema/time.js';
import { INSIGHTS_TABLES, type InsightsTableName } from '../azure/insightsTables.js';
import type { TimelineFilter } from './filter.js';
import { TEXT_SEARCH_COLUMNS } from './rows.js';

/** One less than the Log Analytics 500,000-row result limit, so one extra row proves truncation. */
export const DEFAULT_ROW_LIMIT = 499_999;

export interface KqlOptions {
  filter: TimelineFilter;
  /** Azure tables to union in (only those the workspace has). */
  insightsTables?: readonly InsightsTableName[];
  /** Rows wanted; the query asks for one more so the caller can tell the result was cut. */
  limit?: number;
  /**
   * Return Time as text (Kusto's tostring keeps all 7 fractional digits). The query client
   * needs it: the SDK turns datetime cells into Date objects, which keep only milliseconds.
   */
  timeAsText?: boolean;
}

/**
 * A KQL string literal for any JavaScript string. Besides the documented escapes (\\ \" \t \n),
 * every other control or line-separator character becomes \uXXXX, so the literal is always one
 * line and nothing inside it can close it.
 */
export function kqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff))
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** A datetime literal; throws on anything that is not a time (the text goes into the query). */
export function kqlDatetime(value: string): string {
  const t = normalizeTime(value);
  if (!t) throw new KqlInputError(`"${value}" is not a date and time; use ISO-8601, e.g. 2026-01-31T12:00:00Z.`);
  return `datetime(${t})`;
}

export class KqlInputError extends Error {
  override name = 'UsageError';
}

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Words that cannot be bare column names in KQL; quoting them keeps the query valid.
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'has', 'contains', 'between', 'by', 'asc', 'desc', 'true', 'false', 'null', 'let', 'on', 'with', 'where', 'project', 'extend', 'take', 'limit', 'count', 'union', 'kind', 'of', 'to', 'typeof', 'set', 'declare', 'range', 'print', 'as', 'from']);

/** A column or table reference: bare when it is a plain identifier, ['quoted'] otherwise. */
export function kqlIdentifier(name: string): string {
  if (PLAIN_IDENTIFIER.test(name) && !KEYWORDS.has(name.toLowerCase())) return name;
  return `[${kqlString(name)}]`;
}

/** The filter as a KQL predicate over timeline column names (mapped through `col`), or '' for none. */
export function filterPredicate(f: TimelineFilter, col: (timelineColumn: string) => string = (c) => c): string {
  const parts: string[] = [];
  const list = (values: readonly string[]) => `(${values.map(kqlString).join(', ')})`;
  if (f.from) parts.push(`${col('Time')} >= ${kqlDatetime(f.from)}`);
  if (f.to) parts.push(`${col('Time')} < ${kqlDatetime(f.to)}`);
  if (f.namespaces.length) parts.push(`${col('Namespace')} in ${list(f.namespaces)}`);
  if (f.pods.length) {
    parts.push(`(${f.pods.map((p) => `(${col('Namespace')} == ${kqlString(p.namespace)} and ${col('PodName')} == ${kqlString(p.pod)})`).join(' or ')})`);
  }
  if (f.containers.length) {
    parts.push(
      `(${f.containers
        .map((c) => `(${col('Namespace')} == ${kqlString(c.namespace)} and ${col('PodName')} == ${kqlString(c.pod)} and ${col('ContainerName')} == ${kqlString(c.container)})`)
        .join(' or ')})`,
    );
  }
  if (f.eventTypes.length) parts.push(`${col('EventType')} in ${list(f.eventTypes)}`);
  if (f.severities.length) parts.push(`${col('Severity')} in ${list(f.severities)}`);
  // `contains` is case-insensitive substring, like matchesFilter's lower-cased includes.
  if (f.text) parts.push(`(${TEXT_SEARCH_COLUMNS.map((c) => `${col(c)} contains ${kqlString(f.text)}`).join(' or ')})`);
  return parts.join(' and ');
}

function nativeLeg(table: AnyTable, f: TimelineFilter): string {
  // Filter before projecting so the service can use its column statistics; only Time differs in name.
  const where = filterPredicate(f, (c) => (c === 'Time' ? 'EventTime' : kqlIdentifier(c)));
  const details = table.specific.map((c) => `${kqlString(c.name)}, ${kqlIdentifier(c.name)}`).join(', ');
  const project = [
    'Time = EventTime',
    `SourceTable = ${kqlString(table.name)}`,
    ...TIMELINE_PASSTHROUGH.map(kqlIdentifier),
    `Details = bag_pack(${details})`,
  ].join(', ');
  return `${kqlIdentifier(table.name)}${where ? `\n    | where ${where}` : ''}\n    | project ${project}`;
}

// How each Azure table maps onto the timeline columns (fixed text: no value from outside).
const CLUSTER_FROM_RESOURCE_ID = `extract(${kqlString('(?i)/managedClusters/([^/]+)')}, 1, _ResourceId)`;
const INSIGHTS_PROJECTIONS: Record<InsightsTableName, Record<string, string>> = {
  ContainerLogV2: {
    Time: 'TimeGenerated',
    EventType: '"LogLine"',
    Cluster: CLUSTER_FROM_RESOURCE_ID,
    Namespace: 'PodNamespace',
    PodName: 'PodName',
    ContainerName: 'ContainerName',
    Summary: 'tostring(LogMessage)',
    RecordId: '""',
    Details: 'bag_pack("LogSource", LogSource, "Computer", Computer, "ContainerId", ContainerId)',
  },
  KubeEvents: {
    Time: 'TimeGenerated',
    EventType: 'Reason',
    Cluster: 'ClusterName',
    Namespace: 'Namespace',
    PodName: 'iff(ObjectKind == "Pod", Name, "")',
    ContainerName: '""',
    Summary: 'strcat(ObjectKind, "/", Name, ": ", Reason, " ", Message)',
    RecordId: '""',
    Details:
      'bag_pack("KubeEventType", KubeEventType, "ObjectKind", ObjectKind, "Name", Name, "Message", Message, "FirstSeen", FirstSeen, "LastSeen", LastSeen, "Count", Count, "Computer", Computer)',
  },
  KubePodInventory: {
    Time: 'TimeGenerated',
    EventType: '"PodInventory"',
    Cluster: 'ClusterName',
    Namespace: 'Namespace',
    PodName: 'Name',
    ContainerName: 'tostring(split(ContainerName, "/")[1])',
    Summary: 'strcat("Pod ", Name, " ", PodStatus, " on ", Computer)',
    RecordId: '""',
    Details:
      'bag_pack("PodUid", PodUid, "PodStatus", PodStatus, "ContainerStatus", ContainerStatus, "ControllerKind", ControllerKind, "ControllerName", ControllerName, "Computer", Computer)',
  },
  AKSAudit: auditProjection(),
  AKSAuditAdmin: auditProjection(),
};

function auditProjection(): Record<string, string> {
  return {
    Time: 'TimeGenerated',
    EventType: 'strcat(Verb, " ", tostring(ObjectRef.resource), iff(isempty(tostring(ObjectRef.subresource)), "", strcat("/", tostring(ObjectRef.subresource))))',
    Cluster: CLUSTER_FROM_RESOURCE_ID,
    Namespace: 'tostring(ObjectRef.namespace)',
    PodName: 'iff(tostring(ObjectRef.resource) == "pods", tostring(ObjectRef.name), "")',
    ContainerName: `extract(${kqlString('[?&]container=([^&]+)')}, 1, RequestUri)`,
    Summary: 'strcat(tostring(User.username), " ", Verb, " ", RequestUri)',
    RecordId: 'AuditId',
    Details: 'bag_pack("Level", Level, "Stage", Stage, "User", User, "SourceIps", SourceIps, "UserAgent", UserAgent, "ResponseStatus", ResponseStatus, "RequestUri", RequestUri)',
  };
}

function insightsLeg(name: InsightsTableName, f: TimelineFilter): string {
  const p = INSIGHTS_PROJECTIONS[name];
  const cols = ['Time', 'SourceTable', ...TIMELINE_PASSTHROUGH, 'Details'];
  const project = cols
    .map((c) => (c === 'SourceTable' ? `SourceTable = ${kqlString(name)}` : `${c} = ${p[c] ?? '""'}`))
    .join(', ');
  const where = filterPredicate(f);
  return `${name}\n    | project ${project}${where ? `\n    | where ${where}` : ''}`;
}

/** The tables a filter selects (an empty sourceTables list means all of them). */
export function selectedTables(f: TimelineFilter): AnyTable[] {
  return TABLES.filter((t) => f.sourceTables.length === 0 || (f.sourceTables as readonly string[]).includes(t.name));
}

/** The union query for the unified timeline, ordered as compareTimelineRows orders. */
export function buildTimelineQuery(opts: KqlOptions): string {
  const f = opts.filter;
  const limit = opts.limit ?? DEFAULT_ROW_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new KqlInputError(`the row limit must be a positive whole number, not ${limit}.`);
  const legs = selectedTables(f).map((t) => nativeLeg(t, f));
  // An Azure table joins only when no source-table filter excludes it (its SourceTable is its own name).
  for (const name of opts.insightsTables ?? []) {
    if (f.sourceTables.length === 0 || (f.sourceTables as readonly string[]).includes(name)) legs.push(insightsLeg(name, f));
  }
  if (legs.length === 0) throw new KqlInputError('the source-table filter selects no table.');
  return [
    `union\n${legs.map((l) => `  (${l})`).join(',\n')}`,
    // Unknown times first, then source table, then RecordId: compareTimelineRows' total order.
    '| order by Time asc nulls first, SourceTable asc, RecordId asc',
    `| take ${limit + 1}`,
    ...(opts.timeAsText ? ['| extend Time = tostring(Time)'] : []),
  ].join('\n');
}

/**
 * A query that names which Azure tables the workspace has: isfuzzy skips the missing ones, and
 * the first bundle table (created by provisioning) keeps the union from being empty of tables.
 */
export function buildInsightsProbeQuery(): string {
  const legs = [TABLES[0].name, ...INSIGHTS_TABLES.map((t) => t.name)].map((n) => `(${kqlIdentifier(n)} | take 1 | project SourceTable = ${kqlString(n)})`);
  return `union isfuzzy=true ${legs.join(', ')}\n| distinct SourceTable`;
}

/** Every table a query over these options may reference, with its columns (for validation). */
export function queryTables(insightsTables: readonly InsightsTableName[] = []): { name: string; columns: readonly { name: string; type: string }[] }[] {
  return [...TABLES.map((t) => ({ name: t.name as string, columns: t.columns })), ...INSIGHTS_TABLES.filter((t) => insightsTables.includes(t.name))];
}

export type { TableName };
