// THE KQL builder: one union over every bundle table (and, optionally, Azure's Container Insights
// and AKS audit tables), projected onto the unified timeline columns, filtered and ordered with
// exactly the semantics of ./rows.ts (matchesFilter, compareTimelineRows, TEXT_SEARCH_COLUMNS).
// Every value that reaches the query text goes through kqlString or kqlDatetime: pod and container
// names, namespaces and free text are attacker- or user-controlled.
import { TABLES, type AnyTable, type TableName } from '../schema/tables.js';
import {
  BASELINE_COLUMN,
  BASELINE_TABLES,
  EVENT_TIME_COLUMN,
  RESOURCE_KIND_COLUMN,
  RESOURCE_NAME_COLUMN,
  TIME_SOURCE_RULES,
  TIMELINE_COLUMNS,
  TL,
  WORKLOAD_TABLES,
  type TimeSource,
  type TimeSourceTest,
  type TimelineColumnName,
} from '../schema/timeline.js';
import { normalizeTime } from '../schema/time.js';
import { COMMON } from '../schema/columns.js';
import { IC, INSIGHTS_TABLES, type InsightsTableName } from '../schema/insightsTables.js';
import type { TimelineFilter } from './filter.js';
import { TEXT_SEARCH_COLUMNS, textDetailColumns } from './rows.js';

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
  /** Start with a comment for the Azure portal: its time range applies to TimeGenerated, not EventTime. */
  forPortal?: boolean;
}

/**
 * The portal filters every query on TimeGenerated (collection time, or ingestion time when that
 * was over 2 days old or 1 day ahead) by its time picker; this query filters on EventTime.
 */
export const PORTAL_TIME_COMMENT = [
  `// KubeForenSys unified timeline. Rows are filtered on ${COMMON.EventTime}, the time of the event in the cluster.`,
  `// The portal's time range applies to ${COMMON.TimeGenerated} instead (when the row was collected, or ingested if`,
  '// that was over 2 days before or 1 day after): set it to cover the collection and the ingestion, or rows are hidden.',
].join('\n');

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

/**
 * What a filter can say about one leg of the union: how timeline columns are spelled there, what
 * free text searches in Details, and which finding columns the leg has.
 */
export interface LegColumns {
  /** A timeline column as the leg's query spells it. */
  col: (timelineColumn: TimelineColumnName) => string;
  /** The leg's SourceTable, as a literal (free text covers it too). */
  sourceTable: string;
  /** KQL string expressions over the leg's Details values that free text searches. */
  detailTexts: string[];
  /** The leg's Baseline column, when it has one. */
  baseline?: string;
  /** The leg's ResourceKind and ResourceName columns, when it has them. */
  resource?: { kind: string; name: string };
}

/** The filter as a KQL predicate over one leg (rows.ts matchesFilter, in KQL), or '' for none. */
export function filterPredicate(f: TimelineFilter, leg: LegColumns): string {
  const { col } = leg;
  const parts: string[] = [];
  const list = (values: readonly string[]) => `(${values.map(kqlString).join(', ')})`;
  const eq = (c: TimelineColumnName, v: string) => `${col(c)} == ${kqlString(v)}`;
  if (f.from) parts.push(`${col(TL.Time)} >= ${kqlDatetime(f.from)}`);
  if (f.to) parts.push(`${col(TL.Time)} < ${kqlDatetime(f.to)}`);
  if (f.namespaces.length) parts.push(`${col(TL.Namespace)} in ${list(f.namespaces)}`);
  if (f.pods.length) parts.push(anyOf(f.pods.map((p) => `(${eq(TL.Namespace, p.namespace)} and ${eq(TL.PodName, p.pod)})`)));
  if (f.containers.length) {
    // The container's rows and its pod's pod-level rows (matchesContainer).
    const one = (c: TimelineFilter['containers'][number]) =>
      `(${eq(TL.Namespace, c.namespace)} and ${eq(TL.PodName, c.pod)} and (${eq(TL.ContainerName, c.container)} or ${eq(TL.ContainerName, '')}))`;
    parts.push(anyOf(f.containers.map(one)));
  }
  if (f.workloads.length) parts.push(leg.resource ? workloadPredicate(f, leg.resource, col) : 'false');
  if (f.eventTypes.length) parts.push(`${col(TL.EventType)} in ${list(f.eventTypes)}`);
  if (f.severities.length) parts.push(`${col(TL.Severity)} in ${list(f.severities)}`);
  if (f.hideBaseline && leg.baseline) parts.push(`(isnull(${leg.baseline}) or ${leg.baseline} == false)`);
  if (f.recordIds.length) parts.push(`${col(TL.RecordId)} in ${list(f.recordIds)}`);
  if (f.text) parts.push(textPredicate(f.text, leg));
  return parts.join(' and ');
}

const anyOf = (terms: string[]) => `(${terms.join(' or ')})`;

function workloadPredicate(f: TimelineFilter, r: { kind: string; name: string }, col: LegColumns['col']): string {
  return anyOf(f.workloads.map((w) => `(${col(TL.Namespace)} == ${kqlString(w.namespace)} and ${r.kind} == ${kqlString(w.kind)} and ${r.name} == ${kqlString(w.name)})`));
}

// `contains` is case-insensitive substring, like matchesText's lower-cased includes; the source
// table is a literal on the left so the query's shape never depends on the text.
function textPredicate(text: string, leg: LegColumns): string {
  const needle = kqlString(text);
  const terms = [`${leg.sourceTable} contains ${needle}`, ...TEXT_SEARCH_COLUMNS.filter((c) => c !== TL.SourceTable).map((c) => `${leg.col(c)} contains ${needle}`)];
  for (const d of leg.detailTexts) terms.push(`${d} contains ${needle}`);
  return anyOf(terms);
}

/** A native table's leg: filtered on its own columns (before projecting); only Time differs in name. */
function nativeLegColumns(table: AnyTable): LegColumns {
  return {
    col: (c) => (c === TL.Time ? EVENT_TIME_COLUMN : kqlIdentifier(c)),
    sourceTable: kqlString(table.name),
    detailTexts: textDetailColumns(table).map((c) => (c.type === 'dynamic' ? `tostring(${kqlIdentifier(c.name)})` : kqlIdentifier(c.name))),
    baseline: BASELINE_TABLES.includes(table.name) ? kqlIdentifier(BASELINE_COLUMN) : undefined,
    resource: WORKLOAD_TABLES.includes(table.name) ? { kind: kqlIdentifier(RESOURCE_KIND_COLUMN), name: kqlIdentifier(RESOURCE_NAME_COLUMN) } : undefined,
  };
}

/** TimeSource for a native table's rows: its TIME_SOURCE_RULES rule as nested iff (rows.ts timeSourceOf). */
export function timeSourceExpression(table: TableName): string {
  const rule = TIME_SOURCE_RULES[table];
  let expr = kqlString(rule.otherwise);
  for (const c of [...rule.cases].reverse()) expr = `iff(${kqlTest(c.when)}, ${kqlString(c.then)}, ${expr})`;
  return `iff(isnull(${EVENT_TIME_COLUMN}), ${kqlString('none' satisfies TimeSource)}, ${expr})`;
}

function kqlTest(t: TimeSourceTest): string {
  const c = kqlIdentifier(t.column);
  if ('equals' in t) return `${c} == ${typeof t.equals === 'boolean' ? String(t.equals) : kqlString(t.equals)}`;
  // startswith is case-insensitive in KQL, as timeSourceOf's prefix test is.
  if ('startsWith' in t) return `${c} startswith ${kqlString(t.startsWith)}`;
  return `${c} == ${kqlIdentifier(t.sameAs)}`;
}

function nativeLeg(table: AnyTable, f: TimelineFilter): string {
  // Filter before projecting so the service can use its column statistics.
  const where = filterPredicate(f, nativeLegColumns(table));
  const details = table.specific.map((c) => `${kqlString(c.name)}, ${kqlIdentifier(c.name)}`).join(', ');
  const computed: Partial<Record<TimelineColumnName, string>> = {
    Time: EVENT_TIME_COLUMN,
    TimeSource: timeSourceExpression(table.name),
    SourceTable: kqlString(table.name),
    Details: `bag_pack(${details})`,
  };
  const project = TIMELINE_COLUMNS.map((c) => (computed[c.name] ? `${c.name} = ${computed[c.name]}` : kqlIdentifier(c.name))).join(', ');
  return `${kqlIdentifier(table.name)}${where ? `\n    | where ${where}` : ''}\n    | project ${project}`;
}

// How each Azure table maps onto the timeline columns (fixed text: no value from outside).
const CLUSTER_FROM_RESOURCE_ID = `extract(${kqlString('(?i)/managedClusters/([^/]+)')}, 1, _ResourceId)`;
const INSIGHTS_PROJECTIONS: Record<InsightsTableName, Partial<Record<TimelineColumnName, string>>> = {
  ContainerLogV2: {
    Time: IC.TimeGenerated,
    TimeSource: '"event"',
    EventType: '"LogLine"',
    Cluster: CLUSTER_FROM_RESOURCE_ID,
    Namespace: 'PodNamespace',
    PodName: IC.PodName,
    ContainerName: IC.ContainerName,
    Summary: 'tostring(LogMessage)',
    RecordId: '""',
    Details: 'bag_pack("LogSource", LogSource, "Computer", Computer, "ContainerId", ContainerId)',
  },
  KubeEvents: {
    Time: IC.TimeGenerated,
    TimeSource: '"event"',
    EventType: 'Reason',
    Cluster: 'ClusterName',
    Namespace: IC.Namespace,
    PodName: 'iff(ObjectKind == "Pod", Name, "")',
    ContainerName: '""',
    Summary: 'strcat(ObjectKind, "/", Name, ": ", Reason, " ", Message)',
    RecordId: '""',
    Details:
      'bag_pack("KubeEventType", KubeEventType, "ObjectKind", ObjectKind, "Name", Name, "Message", Message, "FirstSeen", FirstSeen, "LastSeen", LastSeen, "Count", Count, "Computer", Computer)',
  },
  KubePodInventory: {
    Time: IC.TimeGenerated,
    // An inventory record is the pod as it stood when the agent sampled it.
    TimeSource: '"collection"',
    EventType: '"PodInventory"',
    Cluster: 'ClusterName',
    Namespace: IC.Namespace,
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

function auditProjection(): Partial<Record<TimelineColumnName, string>> {
  return {
    Time: IC.TimeGenerated,
    TimeSource: '"event"',
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
  const project = TIMELINE_COLUMNS.map((c) => (c.name === TL.SourceTable ? `${c.name} = ${kqlString(name)}` : `${c.name} = ${p[c.name] ?? '""'}`)).join(', ');
  // Filtered after projecting: the timeline columns are the leg's own; Details is one bag.
  const where = filterPredicate(f, { col: (c) => c, sourceTable: kqlString(name), detailTexts: [`tostring(${TL.Details})`] });
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
    ...(opts.forPortal ? [PORTAL_TIME_COMMENT] : []),
    `union\n${legs.map((l) => `  (${l})`).join(',\n')}`,
    // Unknown times first, then source table, then RecordId: compareTimelineRows' total order.
    '| order by Time asc nulls first, SourceTable asc, RecordId asc',
    `| take ${opts.forPortal ? limit : limit + 1}`, // the extra row proves truncation to our client; a person pasting asked for `limit`
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
