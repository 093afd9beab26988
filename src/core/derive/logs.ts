// Container log rows from the raw log streams: each stream's attempts stitched as the collector
// resumed them (logFormat.ts), split into lines, one row per line. Streaming: one raw file in
// memory at a time, rows handed out in batches. This runs for the timeline, ingestion and the
// exports (log rows are not materialized), so the per-line work is kept to byte scans, one
// string per column and one object literal.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { START, kubeletTime, stitchSegment, timestampEnd, type ResumeState } from '../cluster/logFormat.js';
import { MAX_LINE_BYTES, summarize } from '../cluster/lines.js';
import { containerLogs } from '../schema/tables.js';
import type { RowByTable } from '../schema/tables.js';
import type { AcquisitionEntry } from '../evidence/raw.js';
import type { ContainerKind } from '../collectors/common.js';

type LogRow = RowByTable[typeof containerLogs.name];
type LogEntry = AcquisitionEntry & { ref: { kind: 'log' } };

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
 * end of a log, or what a cut stream that was never resumed delivered).
 */
export async function readStreamLines(bundleDir: string, stream: LogStream, sink: LineSink): Promise<void> {
  const served = stream.attempts.filter((a) => a.status >= 200 && a.status <= 299 && a.file);
  let state: ResumeState = START;
  for (let i = 0; i < served.length; i++) {
    const buf = await readFile(join(bundleDir, ...served[i]!.file!.split('/')));
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

interface Piece {
  buf: Buffer;
  end: number;
  /** Where the message starts (after the timestamp and its space, on a line's first piece). */
  msgStart: number;
  time: string | null;
  part: number;
}

/** Where a line's content ends: a trailing CR is the line ending's, not the message's. */
export const contentEnd = (buf: Buffer, start: number, end: number): number => (end > start && buf[end - 1] === 0x0d ? end - 1 : end);

/** How many rows a line becomes: one, or one per piece of a line over MAX_LINE_BYTES. */
export const rowsOfLine = (buf: Buffer, start: number, end: number): number => Math.max(1, Math.ceil((contentEnd(buf, start, end) - start) / MAX_LINE_BYTES));

/** Turns one stream's lines into rows: line numbers, times, pieces of over-long lines. */
class LineBuilder {
  private lineNo = 0;
  /** The time of the last timestamped line: untimed lines are dated by it (TimestampParsed false). */
  private lastTime: string | null = null;
  constructor(
    private readonly s: LogStream,
    private readonly info: ContainerInfo,
    private readonly next: () => number,
  ) {}

  rows(ctx: LogRowContext, buf: Buffer, start: number, end: number, push: (r: LogRow) => void): void {
    end = contentEnd(buf, start, end);
    const tsEnd = timestampEnd(buf, start, end);
    const time = tsEnd === -1 ? null : kubeletTime(buf, start, tsEnd);
    const msgStart = tsEnd === -1 ? start : tsEnd + 1;
    this.lineNo++;
    if (end - start <= MAX_LINE_BYTES) {
      push(this.row(ctx, { buf, end, msgStart, time, part: 0 }));
      return;
    }
    // Pieces after the first are never parsed for a time: a container cannot forge one there.
    let part = 1;
    for (let p = start; p < end; p += MAX_LINE_BYTES, part++) {
      push(this.row(ctx, { buf, end: Math.min(end, p + MAX_LINE_BYTES), msgStart: part === 1 ? msgStart : p, time, part }));
    }
  }

  private row(ctx: LogRowContext, p: Piece): LogRow {
    if (p.time) this.lastTime = p.time;
    const n = this.next();
    const bytes = p.buf.subarray(p.msgStart, p.end);
    const utf8 = isUtf8(bytes);
    const message = bytes.toString('utf8');
    const s = this.s;
    // One literal in schema column order (the JSON key order of every export and upload).
    return {
      TimeGenerated: ctx.timeGenerated,
      EventTime: p.time ?? this.lastTime ?? ctx.timeGenerated,
      RecordId: `${ctx.snapshotId}/${containerLogs.name}/${String(n).padStart(9, '0')}`,
      SnapshotId: ctx.snapshotId,
      Cluster: ctx.cluster,
      EventType: 'LogLine',
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
      LineNumber: this.lineNo,
      TimestampParsed: p.time !== null && p.part <= 1,
      NonUtf8: !utf8,
      MessageBase64: utf8 ? '' : bytes.toString('base64'),
      LinePart: p.part,
    };
  }
}
