// Builds the store: rows are appended as they are read (timeline rows one by one, log rows column
// by column straight from the derivation), then put in timeline order once.
import { containerLogs } from '../schema/tables.js';
import { BASELINE_COLUMN, RESOURCE_KIND_COLUMN, RESOURCE_NAME_COLUMN, WORKLOAD_KINDS, type TimeSource, type TimelineRow } from '../schema/timeline.js';
import { LOG_EVENT_TYPE, type ContainerInfo, type LogColumnSink, type LogStream, type LogTimeKey } from '../derive/logs.js';
import { growF64, growU32, growU8, type GrowableU32 } from './interning.js';
import { LogRows } from './logRows.js';
import { LeadRecorder, recordedLead } from './leadKeys.js';
import { logTimeSources } from './logTimeSource.js';
import { timelineOrder } from './order.js';
import { Dicts, GENERIC, LOG, type GenericRows, type RowColumns, type Store } from './store.js';
import { EntryGrouper, type EntryColumns } from './entries.js';
import { groupGenericLogRows } from './genericEntries.js';
import { parseTimeKey, timeKeyMillis } from './timeKey.js';

const ID_COLUMNS = ['table', 'eventType', 'cluster', 'ns', 'pod', 'container', 'severity', 'technique', 'timeSource', 'workload', 'ref'] as const;
type IdColumn = (typeof ID_COLUMNS)[number];

export interface LogContext {
  snapshotId: string;
  cluster: string;
  timeGenerated: string;
}

export class StoreBuilder {
  readonly dicts = new Dicts();
  private readonly day = growU32();
  private readonly clock = growF64();
  private readonly baseline = growU8();
  private readonly kind = growU8();
  private readonly ids = Object.fromEntries(ID_COLUMNS.map((c) => [c, growU32()])) as Record<IdColumn, GrowableU32>;
  private readonly generic: GenericRows = { summary: [], recordId: [], details: [] };
  /** The generic rows' Summary lead keys, recorded as they are added (the log rows record their own). */
  private readonly genericLead = new LeadRecorder((i) => this.generic.summary[i]!);
  private logs: LogRows = new LogRows('');
  /** Load-order ranges [start, end) that are each one source's rows (sorted apart, then merged). */
  private readonly segments: number[] = [0];

  get length(): number {
    return this.day.length;
  }

  /** Ends the current segment (a table read, a log stream). */
  cut(): void {
    if (this.segments[this.segments.length - 1] !== this.length) this.segments.push(this.length);
  }

  add(r: TimelineRow): void {
    const d = this.dicts;
    const key = r.Time === '' ? null : parseTimeKey(r.Time);
    this.day.push(key ? key.day : 0);
    this.clock.push(key ? key.clock : 0);
    this.common(d.table.id(r.SourceTable), d.eventType.id(r.EventType), d.cluster.id(r.Cluster), r.Namespace, r.PodName, r.ContainerName);
    this.ids.severity.push(d.severity.id(r.Severity));
    this.ids.technique.push(d.technique.id(r.TechniqueId));
    this.ids.timeSource.push(d.timeSource.id(r.TimeSource));
    this.baseline.push(r.Details[BASELINE_COLUMN] === true ? 1 : 0);
    this.ids.workload.push(this.workloadOf(r));
    this.kind.push(GENERIC);
    this.ids.ref.push(this.generic.summary.length);
    this.generic.summary.push(r.Summary);
    this.genericLead.add(r.Summary);
    this.generic.recordId.push(r.RecordId);
    this.generic.details.push(r.Details);
  }

  private common(table: number, eventType: number, cluster: number, ns: string, pod: string, container: string): void {
    const d = this.dicts;
    this.ids.table.push(table);
    this.ids.eventType.push(eventType);
    this.ids.cluster.push(cluster);
    this.ids.ns.push(d.ns.id(ns));
    this.ids.pod.push(d.pod.id(ns, pod));
    this.ids.container.push(d.container.id(ns, pod, container));
  }

  /** Findings on a workload's template (no pod) are listed under that workload. */
  private workloadOf(r: TimelineRow): number {
    const kind = r.Details[RESOURCE_KIND_COLUMN];
    const name = r.Details[RESOURCE_NAME_COLUMN];
    if (r.PodName !== '' || typeof kind !== 'string' || typeof name !== 'string' || !(WORKLOAD_KINDS as readonly string[]).includes(kind)) return 0;
    return 1 + this.dicts.workload.id(r.Namespace, kind, name);
  }

  /** A sink for derive/logs.ts deriveLogColumns: the log table's rows without an object per row. */
  logSink(ctx: LogContext): LogColumnSink {
    const logs = (this.logs = new LogRows(ctx.snapshotId));
    const d = this.dicts;
    const table = d.table.id(containerLogs.name);
    const cluster = d.cluster.id(ctx.cluster);
    const blank = { severity: d.severity.id(''), technique: d.technique.id('') };
    const sources = logTimeSources(ctx.timeGenerated);
    const sourceIds = sources.values.map((v: TimeSource) => d.timeSource.id(v));
    let stream = { eventType: 0, ns: '', pod: '', container: '' };
    const grouper = new EntryGrouper();
    return {
      stream: (s: LogStream, info: ContainerInfo) => {
        this.cut();
        grouper.reset();
        logs.addStream(s, info);
        stream = { eventType: d.eventType.id(LOG_EVENT_TYPE), ns: s.namespace, pod: s.pod, container: s.container };
      },
      line: (time: LogTimeKey, message: string, lineNumber: number, parsed: boolean, base64: string, part: number) => {
        this.day.push(time.day);
        this.clock.push(time.clock);
        this.common(table, stream.eventType, cluster, stream.ns, stream.pod, stream.container);
        this.ids.severity.push(blank.severity);
        this.ids.technique.push(blank.technique);
        this.ids.timeSource.push(sourceIds[sources.of(time, parsed)]!);
        this.baseline.push(0);
        this.ids.workload.push(0);
        this.kind.push(LOG);
        const i = logs.add(message, lineNumber, parsed, base64, part);
        this.ids.ref.push(i);
        logs.setEntry(grouper.next(i, message, timeKeyMillis(time.day, time.clock), parsed, part));
      },
    };
  }

  build(): Store {
    this.cut();
    this.logs.seal();
    const n = this.length;
    const day = this.day.view();
    const clock = this.clock.view();
    const order = timelineOrder({ n, day, clock, table: this.ids.table.view(), kind: this.kind.view(), ref: this.ids.ref.view(), dicts: this.dicts, generic: this.generic, logs: this.logs }, this.segments);
    const cols = this.permuted(order);
    const positions = payloadPositions(cols, this.generic.summary.length, this.logs.length);
    const entries = entryColumns(cols, this.logs, positions.log);
    const logsTable = this.dicts.table.ids.get(containerLogs.name);
    if (logsTable !== undefined && this.generic.summary.length) groupGenericLogRows(cols, this.generic, logsTable, entries.head, entries.lines);
    const summaryLead = recordedLead(n, [
      { lead: this.genericLead.view(), position: positions.generic },
      { lead: this.logs.takeSummaryLead(), position: positions.log },
    ]);
    return { cols, dicts: this.dicts, generic: this.generic, logs: this.logs, entries, positions, summaryLead };
  }

  private permuted(order: Uint32Array): RowColumns {
    const n = order.length;
    const take = <A extends Uint8Array | Uint32Array | Float64Array>(src: A, make: (n: number) => A): A => {
      const out = make(n);
      for (let i = 0; i < n; i++) out[i] = src[order[i]!]!;
      return out;
    };
    const u32 = (c: IdColumn) => take(this.ids[c].view(), (k) => new Uint32Array(k));
    const day = take(this.day.view(), (k) => new Uint32Array(k));
    const clock = take(this.clock.view(), (k) => new Float64Array(k));
    const ms = new Float64Array(n);
    for (let i = 0; i < n; i++) ms[i] = timeKeyMillis(day[i]!, clock[i]!);
    return {
      n,
      day,
      clock,
      ms,
      table: u32('table'),
      eventType: u32('eventType'),
      cluster: u32('cluster'),
      ns: u32('ns'),
      pod: u32('pod'),
      container: u32('container'),
      severity: u32('severity'),
      technique: u32('technique'),
      timeSource: u32('timeSource'),
      baseline: take(this.baseline.view(), (k) => new Uint8Array(k)),
      workload: u32('workload'),
      kind: take(this.kind.view(), (k) => new Uint8Array(k)),
      ref: u32('ref'),
    };
  }
}

/** Each generic and log row's timeline position, by its index. */
function payloadPositions(cols: RowColumns, genericRows: number, logRows: number): Store['positions'] {
  const { n, kind, ref } = cols;
  const generic = new Uint32Array(genericRows);
  const log = new Uint32Array(logRows);
  for (let p = 0; p < n; p++) {
    if (kind[p] === LOG) log[ref[p]!] = p;
    else generic[ref[p]!] = p;
  }
  return { generic, log };
}

/** Each position's entry head position (-1 when the line is an entry of its own) and each head's entry size. */
function entryColumns(cols: RowColumns, logs: LogRows, logPos: Uint32Array): EntryColumns {
  const { n, kind, ref } = cols;
  const head = new Int32Array(n).fill(-1);
  const lines = new Uint32Array(n);
  const size = new Uint32Array(logs.length);
  for (let i = 0; i < logs.length; i++) size[logs.entryHead(i)]!++;
  for (let p = 0; p < n; p++) {
    if (kind[p] !== LOG) continue;
    const h = logs.entryHead(ref[p]!);
    if (size[h]! < 2) continue;
    head[p] = logPos[h]!;
    lines[logPos[h]!] = size[h]!;
  }
  return { head, lines };
}
