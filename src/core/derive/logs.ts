// Container log rows from the raw log streams: each stream's attempts stitched as the collector
// resumed them (logFormat.ts), split into lines, one row per line. Streaming: one raw file in
// memory at a time, rows handed out in batches. This runs for the timeline, ingestion and the
// exports (log rows are not materialized), so the per-line work is kept to byte scans, one
// string per column and one object literal.
import { isUtf8 } from 'node:buffer';
import { START, kubeletTime, stitchSegment, timestampEnd, type ResumeState } from '../cluster/logFormat.js';
import { MAX_LINE_BYTES, summarize } from '../cluster/lines.js';
import { containerLogs } from '../schema/tables.js';
import type { RowByTable } from '../schema/tables.js';
import { readRawBody, type AcquisitionEntry, type ReadBuffer } from '../evidence/raw.js';
import type { ContainerKind } from '../collectors/common.js';

type LogRow = RowByTable[typeof containerLogs.name];
export type LogEntry = AcquisitionEntry & { ref: { kind: 'log' } };

/** What a log row carries about its container besides the line (from the pod list). */
export interface ContainerInfo {
  kind: ContainerKind | '';
  image: string;
  node: string;
}

/** One log stream as collected: its attempts in order. */
export interface LogStream {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  attempts: LogEntry[];
}

/** The log streams of an acquisition index, in the order they were first requested. */
export function logStreams(entries: readonly AcquisitionEntry[]): LogStream[] {
  const byStream = new Map<number, LogStream>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (e.ref.kind !== 'log') continue;
    const r = e.ref;
    let s = byStream.get(r.stream);
    if (!s) byStream.set(r.stream, (s = { namespace: r.namespace, pod: r.pod, container: r.container, previous: r.previous, attempts: [] }));
    s.attempts.push(e as LogEntry);
  }
  return [...byStream.values()];
}

/** A line of a stream: its bytes are buf[start, end) without the newline. */
export interface LineSink {
  (buf: Buffer, start: number, end: number): void;
}

/**
 * Calls `sink` for every line the stream holds, in order: each 2xx attempt's complete lines
 * after what earlier attempts held, plus the unterminated tail of the last such attempt (the
 * end of a log, or what a cut stream that was never resumed delivered). With `into`, each body
 * is read into that buffer: `buf` is then valid only until `sink` returns.
 */
export async function readStreamLines(bundleDir: string, stream: LogStream, sink: LineSink, into?: ReadBuffer): Promise<void> {
  const served = stream.attempts.filter((a) => a.status >= 200 && a.status <= 299 && a.file);
  let state: ResumeState = START;
  for (let i = 0; i < served.length; i++) {
    const buf = await readRawBody(bundleDir, served[i]!, into);
    state = stitchSegment(buf, state, (start, end) => sink(buf, start, end), i === served.length - 1);
  }
}

export interface LogRowContext {
  bundleDir: string;
  snapshotId: string;
  cluster: string;
  /** TimeGenerated of every row: when the snapshot was taken. */
  timeGenerated: string;
  /** Container details by "namespace/pod/container". */
  containers: Map<string, ContainerInfo>;
}

export const containerKey = (ns: string, pod: string, container: string) => `${ns}/${pod}/${container}`;

/** Derived rows of the container log table, in batches. */
export async function* deriveLogRows(ctx: LogRowContext, streams: readonly LogStream[], signal?: AbortSignal, batchSize = 4096): AsyncGenerator<LogRow[]> {
  let n = 0;
  let batch: LogRow[] = [];
  const full: LogRow[][] = [];
  for (const s of streams) {
    signal?.throwIfAborted();
    const info = ctx.containers.get(containerKey(s.namespace, s.pod, s.container)) ?? { kind: '', image: '', node: '' };
    const lines = new LineBuilder(s, info, () => ++n);
    await readStreamLines(ctx.bundleDir, s, (buf, start, end) => {
      lines.rows(ctx, buf, start, end, (row) => {
        batch.push(row);
        if (batch.length >= batchSize) {
          full.push(batch);
          batch = [];
        }
      });
    });
    // Batches are yielded between files: a generator cannot yield from inside the callback.
    for (const b of full.splice(0)) yield b;
  }
  if (batch.length > 0) yield batch;
}

/** One row's worth of a line: the whole line, or one piece of a line over MAX_LINE_BYTES. */
interface Piece {
  buf: Buffer;
  end: number;
  /** Where the message starts (after the timestamp and its space, on a line's first piece). */
  msgStart: number;
  /** The line's timestamp bytes buf[tsStart, tsEnd), or tsEnd -1 when it has none. */
  tsStart: number;
  tsEnd: number;
  part: number;
  lineNo: number;
}

/** Where a line's content ends: a trailing CR is the line ending's, not the message's. */
export const contentEnd = (buf: Buffer, start: number, end: number): number => (end > start && buf[end - 1] === 0x0d ? end - 1 : end);

/** How many rows a line becomes: one, or one per piece of a line over MAX_LINE_BYTES. */
export const rowsOfLine = (buf: Buffer, start: number, end: number): number => Math.max(1, Math.ceil((contentEnd(buf, start, end) - start) / MAX_LINE_BYTES));

/**
 * Splits one stream's lines into the pieces that become rows (line numbers, the timestamp's
 * place, pieces of over-long lines). The row builder and the columnar builder below both walk
 * lines through here, so they cannot disagree on what a row is.
 */
class LineWalker {
  private lineNo = 0;
  private readonly piece: Piece = { buf: Buffer.alloc(0), end: 0, msgStart: 0, tsStart: 0, tsEnd: -1, part: 0, lineNo: 0 };

  /** Calls `emit` once per row of the line buf[start, end); the piece object is reused. */
  walk(buf: Buffer, start: number, end: number, emit: (p: Piece) => void): void {
    end = contentEnd(buf, start, end);
    const tsEnd = timestampEnd(buf, start, end);
    const p = this.piece;
    p.buf = buf;
    p.tsStart = start;
    p.tsEnd = tsEnd;
    p.lineNo = ++this.lineNo;
    const msgStart = tsEnd === -1 ? start : tsEnd + 1;
    if (end - start <= MAX_LINE_BYTES) {
      p.end = end;
      p.msgStart = msgStart;
      p.part = 0;
      emit(p);
      return;
    }
    // Pieces after the first are never parsed for a time: a container cannot forge one there.
    let part = 1;
    for (let q = start; q < end; q += MAX_LINE_BYTES, part++) {
      p.end = Math.min(end, q + MAX_LINE_BYTES);
      p.msgStart = part === 1 ? msgStart : q;
      p.part = part;
      emit(p);
    }
  }
}

/** Turns one stream's lines into rows. */
class LineBuilder {
  private readonly walker = new LineWalker();
  /** The time of the last timestamped line: untimed lines are dated by it (TimestampParsed false). */
  private lastTime: string | null = null;
  private lineTime: string | null = null;
  constructor(
    private readonly s: LogStream,
    private readonly info: ContainerInfo,
    private readonly next: () => number,
  ) {}

  rows(ctx: LogRowContext, buf: Buffer, start: number, end: number, push: (r: LogRow) => void): void {
    this.walker.walk(buf, start, end, (p) => {
      // A line's pieces share the time of its timestamp (parsed once, on the first piece).
      if (p.part <= 1) this.lineTime = p.tsEnd === -1 ? null : kubeletTime(p.buf, p.tsStart, p.tsEnd);
      push(this.row(ctx, p, this.lineTime));
    });
  }

  private row(ctx: LogRowContext, p: Piece, time: string | null): LogRow {
    if (time) this.lastTime = time;
    const n = this.next();
    const bytes = p.buf.subarray(p.msgStart, p.end);
    const utf8 = isUtf8(bytes);
    const message = bytes.toString('utf8');
    const s = this.s;
    // One literal in schema column order (the JSON key order of every export and upload).
    return {
      TimeGenerated: ctx.timeGenerated,
      EventTime: time ?? this.lastTime ?? ctx.timeGenerated,
      RecordId: logRecordId(ctx.snapshotId, n),
      SnapshotId: ctx.snapshotId,
      Cluster: ctx.cluster,
      EventType: LOG_EVENT_TYPE,
      Namespace: s.namespace,
      PodName: s.pod,
      ContainerName: s.container,
      Summary: summarize(message),
      Severity: '',
      TechniqueId: '',
      Message: message,
      Previous: s.previous,
      ContainerKind: this.info.kind,
      Image: this.info.image,
      NodeName: this.info.node,
      LineNumber: p.lineNo,
      TimestampParsed: time !== null && p.part <= 1,
      NonUtf8: !utf8,
      MessageBase64: utf8 ? '' : bytes.toString('base64'),
      LinePart: p.part,
    };
  }
}

/** The EventType of every log row. */
export const LOG_EVENT_TYPE = 'LogLine';

/** The RecordId prefix of a snapshot's log rows; the row's number follows, padded to 9 digits. */
export const logRecordPrefix = (snapshotId: string) => `${snapshotId}/${containerLogs.name}/`;
export const logRecordId = (snapshotId: string, n: number) => `${logRecordPrefix(snapshotId)}${String(n).padStart(9, '0')}`;

// ---- the columnar path: the same rows as deriveLogRows, as column values handed to a sink, for
// the local timeline (a million rows without a million objects).

/** The time of a log row as a TimeKey (timeline/timeKey.ts): the day and the clock of its canonical form. */
export interface LogTimeKey {
  day: number;
  clock: number;
}

/** Receives the log table column by column, rows in derivation order (RecordId n is the n-th call of line). */
export interface LogColumnSink {
  /** The stream whose lines follow, with its container's details. */
  stream(s: LogStream, info: ContainerInfo): void;
  /**
   * One row. `time` is EventTime's key (reused between calls: copy it); `parsed` is
   * TimestampParsed; `base64` is MessageBase64 ('' for UTF-8 lines).
   */
  line(time: LogTimeKey, message: string, lineNumber: number, parsed: boolean, base64: string, part: number): void;
}

/** How EventTime's canonical string becomes a key (the timeline's parser, passed in to keep derive free of it). */
export type TimeKeyParser = {
  fromString: (canonical: string) => LogTimeKey | null;
  fromKubelet: (buf: Uint8Array, start: number, tsEnd: number, out: LogTimeKey) => boolean;
};

/** The container log table, column by column, into `sink`: the rows deriveLogRows yields, value for value. */
export async function deriveLogColumns(ctx: LogRowContext, streams: readonly LogStream[], sink: LogColumnSink, keys: TimeKeyParser, signal?: AbortSignal): Promise<void> {
  const collected = keys.fromString(ctx.timeGenerated);
  for (const s of streams) {
    signal?.throwIfAborted();
    const info = ctx.containers.get(containerKey(s.namespace, s.pod, s.container)) ?? { kind: '', image: '', node: '' };
    sink.stream(s, info);
    const lines = new ColumnLineBuilder(sink, keys, collected);
    await readStreamLines(ctx.bundleDir, s, (buf, start, end) => lines.line(buf, start, end));
  }
}

/** An unknown time (day 0 sorts before every date): what an empty EventTime becomes. */
const NO_TIME: LogTimeKey = Object.freeze({ day: 0, clock: 0 });

/** LineBuilder's rules (times, pieces) with keys instead of strings and no row object. */
class ColumnLineBuilder {
  private readonly walker = new LineWalker();
  private readonly time: LogTimeKey = { day: 0, clock: 0 };
  private readonly last: LogTimeKey = { day: 0, clock: 0 };
  private hasLast = false;
  private lineHasTime = false;
  constructor(
    private readonly sink: LogColumnSink,
    private readonly keys: TimeKeyParser,
    private readonly collected: LogTimeKey | null,
  ) {}

  line(buf: Buffer, start: number, end: number): void {
    this.walker.walk(buf, start, end, (p) => {
      if (p.part <= 1) this.lineHasTime = p.tsEnd !== -1 && this.parseTime(p);
      if (this.lineHasTime) {
        this.last.day = this.time.day;
        this.last.clock = this.time.clock;
        this.hasLast = true;
      }
      const when = this.lineHasTime || this.hasLast ? this.last : (this.collected ?? NO_TIME);
      const bytes = p.buf.subarray(p.msgStart, p.end);
      const utf8 = isUtf8(bytes);
      this.sink.line(when, bytes.toString('utf8'), p.lineNo, this.lineHasTime && p.part <= 1, utf8 ? '' : bytes.toString('base64'), p.part);
    });
  }

  /** The line's time into this.time, as kubeletTime would give it; false when it has none. */
  private parseTime(p: Piece): boolean {
    if (this.keys.fromKubelet(p.buf, p.tsStart, p.tsEnd, this.time)) return true;
    const t = kubeletTime(p.buf, p.tsStart, p.tsEnd);
    const k = t === null ? null : this.keys.fromString(t);
    if (!k) return false;
    this.time.day = k.day;
    this.time.clock = k.clock;
    return true;
  }
}
