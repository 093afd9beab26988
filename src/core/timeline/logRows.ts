// The container log rows of a bundle, held column by column as the derivation hands them over
// (derive/logs.ts deriveLogColumns): the message string, a few numbers and flags per row, and what
// is the same for a whole stream once per stream. Summary, RecordId and Details are built when a
// row is asked for; they equal what deriveLogRows would have written for that row.
import { summarize } from '../cluster/lines.js';
import { containerLogs, type ContainerLogRow } from '../schema/tables.js';
import { logRecordId, logRecordPrefix, type ContainerInfo, type LogStream } from '../derive/logs.js';
import { growU32, growU8 } from './interning.js';
import { LeadRecorder, type LoadedLead } from './leadKeys.js';
import { StringRuns } from './stringRuns.js';

export const PARSED = 1;
export const NON_UTF8 = 2;
/** The row's Summary is not its Message (a tab or CR in it, or longer than a summary). */
export const SUMMARY_DIFFERS = 4;

const SUMMARY_MAX = 200;
const WHITESPACE_REPLACED = /[\r\n\t]/;

export interface LogStreamInfo {
  previous: boolean;
  info: ContainerInfo;
}

type LogDetails = Omit<ContainerLogRow, keyof import('../schema/columns.js').CommonRow>;
/** The log table's Details columns free text searches (string and dynamic ones), each with its value. */
export type LogTextColumn = Extract<(typeof containerLogs.specific)[number], { type: 'string' | 'dynamic' }>['name'];

export class LogRows {
  /** The messages, as a few long strings rather than a million (stringRuns.ts says why). */
  private readonly messages = new StringRuns();
  private readonly lineNumber = growU32();
  private readonly flag = growU8();
  private readonly streamOf = growU32();
  /** The index of the first line of the entry each row belongs to (entries.ts). */
  private readonly entryOf = growU32();
  readonly streams: LogStreamInfo[] = [];
  /** MessageBase64 of the (rare) rows that are not UTF-8, by row. */
  readonly base64 = new Map<number, string>();
  /** LinePart of the pieces of over-long lines, by row (0 elsewhere). */
  readonly linePart = new Map<number, number>();
  /** What every log RecordId of this snapshot starts with. */
  readonly prefix: string;
  /** The first characters of each Summary, for the first sort by Summary (left to the sort where it is not the message). */
  private summaryLead = new LeadRecorder((i) => this.messages.get(i));

  constructor(private readonly snapshotId: string) {
    this.prefix = logRecordPrefix(snapshotId);
  }

  get length(): number {
    return this.messages.length;
  }

  message(i: number): string {
    return this.messages.get(i);
  }

  /** Called when the last row is added: the messages not yet in a run join one. */
  seal(): void {
    this.messages.seal();
  }

  addStream(s: LogStream, info: ContainerInfo): void {
    this.streams.push({ previous: s.previous, info });
  }

  /** Appends a row of the current stream; returns its index. */
  add(message: string, lineNumber: number, parsed: boolean, base64: string, part: number): number {
    const i = this.messages.add(message);
    this.lineNumber.push(lineNumber);
    this.streamOf.push(this.streams.length - 1);
    const differs = message.length > SUMMARY_MAX || WHITESPACE_REPLACED.test(message);
    this.flag.push((parsed ? PARSED : 0) | (base64 ? NON_UTF8 : 0) | (differs ? SUMMARY_DIFFERS : 0));
    if (differs) this.summaryLead.skip();
    else this.summaryLead.add(message);
    if (base64) this.base64.set(i, base64);
    if (part) this.linePart.set(i, part);
    return i;
  }

  /** Records which entry row i belongs to (its own index when it begins one); called once per row, in order. */
  setEntry(head: number): void {
    this.entryOf.push(head);
  }

  entryHead(i: number): number {
    return this.entryOf.data[i]!;
  }

  flags(i: number): number {
    return this.flag.data[i]!;
  }

  streamIndex(i: number): number {
    return this.streamOf.data[i]!;
  }

  stream(i: number): LogStreamInfo {
    return this.streams[this.streamOf.data[i]!]!;
  }

  /**
   * The Summary lead keys recorded as the rows were added (rows whose Summary differs from their
   * message are skipped), handed over once: the store keeps them in timeline order instead.
   */
  takeSummaryLead(): LoadedLead {
    const lead = this.summaryLead.view();
    this.summaryLead = new LeadRecorder((i) => this.messages.get(i));
    return lead;
  }

  summary(i: number): string {
    const m = this.messages.get(i);
    return this.flag.data[i]! & SUMMARY_DIFFERS ? summarize(m) : m;
  }

  /** Row i is the (i + 1)-th row the derivation numbered. */
  recordId(i: number): string {
    return logRecordId(this.snapshotId, i + 1);
  }

  /** The row index of a log RecordId of this snapshot, or -1. */
  indexOf(recordId: string): number {
    if (!recordId.startsWith(this.prefix)) return -1;
    const digits = recordId.slice(this.prefix.length);
    if (!/^\d{9,}$/.test(digits)) return -1;
    const i = Number(digits) - 1;
    return i >= 0 && i < this.length && this.recordId(i) === recordId ? i : -1;
  }

  /** Compares the RecordIds of rows i and j without building them (same prefix, 9-digit padding). */
  compareRecordIds(i: number, j: number): number {
    return i < 999_999_998 && j < 999_999_998 ? i - j : this.recordId(i) < this.recordId(j) ? -1 : this.recordId(i) > this.recordId(j) ? 1 : 0;
  }

  details(i: number): Record<string, unknown> {
    const { previous, info } = this.stream(i);
    const f = this.flag.data[i]!;
    const row: LogDetails = {
      Message: this.messages.get(i),
      Previous: previous,
      ContainerKind: info.kind,
      Image: info.image,
      NodeName: info.node,
      LineNumber: this.lineNumber.data[i]!,
      TimestampParsed: (f & PARSED) !== 0,
      NonUtf8: (f & NON_UTF8) !== 0,
      MessageBase64: this.base64.get(i) ?? '',
      LinePart: this.linePart.get(i) ?? 0,
    };
    // Schema column order, as toTimelineRow builds Details.
    const out: Record<string, unknown> = {};
    for (const c of containerLogs.specific) out[c.name] = (row as Record<string, unknown>)[c.name] ?? null;
    return out;
  }
}
