// The columnar store the local engine answers from: one typed array per timeline column, rows in
// timeline order, strings interned; the payload that is different per row (Summary, RecordId,
// Details) kept where it came from: a generic row's own values, or a log row's columns.
import type { TableName } from '../schema/tables.js';
import type { TimeSource, TimelineRow } from '../schema/timeline.js';
import { Interner, TupleInterner } from './interning.js';
import { formatTimeKey } from './timeKey.js';
import { LogRows } from './logRows.js';
import type { RecordedLead } from './leadKeys.js';
import type { EntryColumns } from './entries.js';

/** Rows that arrived as timeline rows (small tables, a workspace result): their own values. */
export interface GenericRows {
  summary: string[];
  recordId: string[];
  details: Record<string, unknown>[];
}

/** The interned values of the store's id columns. */
export class Dicts {
  readonly table = new Interner();
  readonly eventType = new Interner();
  readonly cluster = new Interner();
  readonly ns = new Interner();
  readonly severity = new Interner();
  readonly technique = new Interner();
  readonly timeSource = new Interner();
  /** namespace, pod */
  readonly pod = new TupleInterner();
  /** namespace, pod, container */
  readonly container = new TupleInterner();
  /** namespace, kind, name of the workload a finding without a pod is on */
  readonly workload = new TupleInterner();
}

/** Where a row's payload lives. */
export const GENERIC = 0;
export const LOG = 1;

/** The per-row columns, all of length n, in the same row order. */
export interface RowColumns {
  n: number;
  /** Time as TimeKey parts (timeKey.ts); day 0 when unknown. */
  day: Uint32Array;
  clock: Float64Array;
  /** Time in epoch milliseconds (NaN when unknown), for the histogram. */
  ms: Float64Array;
  table: Uint32Array;
  eventType: Uint32Array;
  cluster: Uint32Array;
  ns: Uint32Array;
  pod: Uint32Array;
  container: Uint32Array;
  severity: Uint32Array;
  technique: Uint32Array;
  timeSource: Uint32Array;
  /** 1 for a finding on the baseline of expected platform workloads. */
  baseline: Uint8Array;
  /** 1 + the workload id for findings on a workload without a pod; 0 otherwise. */
  workload: Uint32Array;
  /** GENERIC or LOG: which payload holds the row. */
  kind: Uint8Array;
  /** The row's index in that payload. */
  ref: Uint32Array;
}

/** The whole store: columns in timeline order, the dictionaries and the payloads. */
export interface Store {
  cols: RowColumns;
  dicts: Dicts;
  generic: GenericRows;
  logs: LogRows;
  /** Multi-line log entries over the positions (a view: the rows stay as they are). */
  entries: EntryColumns;
  /** Each payload row's timeline position (the inverse of kind/ref), by its index in the payload. */
  positions: { generic: Uint32Array; log: Uint32Array };
  /** Each Summary's lead characters, recorded as the rows were added, by timeline position (for the first sort by Summary). */
  summaryLead: RecordedLead;
}

export function summaryAt(s: Store, p: number): string {
  const ref = s.cols.ref[p]!;
  return s.cols.kind[p] === LOG ? s.logs.summary(ref) : s.generic.summary[ref]!;
}

export function recordIdAt(s: Store, p: number): string {
  const ref = s.cols.ref[p]!;
  return s.cols.kind[p] === LOG ? s.logs.recordId(ref) : s.generic.recordId[ref]!;
}

export function timeAt(s: Store, p: number): string {
  return formatTimeKey(s.cols.day[p]!, s.cols.clock[p]!);
}

/** The timeline row at position p, built on request (the store holds no object per row). */
export function rowAt(s: Store, p: number): TimelineRow {
  const { cols: c, dicts: d } = s;
  const [Namespace, PodName, ContainerName] = d.container.parts[c.container[p]!]!;
  const ref = c.ref[p]!;
  return {
    Time: timeAt(s, p),
    TimeSource: d.timeSource.values[c.timeSource[p]!] as TimeSource,
    SourceTable: d.table.values[c.table[p]!] as TableName,
    EventType: d.eventType.values[c.eventType[p]!]!,
    Cluster: d.cluster.values[c.cluster[p]!]!,
    Namespace: Namespace!,
    PodName: PodName!,
    ContainerName: ContainerName!,
    Summary: summaryAt(s, p),
    Severity: d.severity.values[c.severity[p]!]!,
    TechniqueId: d.technique.values[c.technique[p]!]!,
    RecordId: recordIdAt(s, p),
    Details: c.kind[p] === LOG ? s.logs.details(ref) : s.generic.details[ref]!,
  };
}
