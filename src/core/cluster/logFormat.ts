// The kubelet's log format with timestamps=true: each line is "<RFC3339Nano> <message>\n",
// the time in UTC with trailing zeros of the fraction trimmed. This module knows how to read
// that prefix from bytes and how a stream cut mid-way is picked up again: the collector uses it
// to ask for the rest, the derivation to stitch the pieces, so both agree by construction.
import { normalizeTime } from '../schema/time.js';

/** Bytes of the shortest and longest prefix we accept ("2026-01-02T03:04:05Z" … 9 fraction digits + offset). */
const MIN_TS = 20;
export const MAX_TS = 35;

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
/** Offsets of the digits in "YYYY-MM-DDTHH:MM:SS". */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/**
 * The end of a valid RFC 3339 timestamp at `start` (the index of the space after it), or -1.
 * Byte checks, no regular expression, no string and no closure: this runs once per log line.
 */
export function timestampEnd(buf: Uint8Array, start: number, end: number): number {
  if (end - start < MIN_TS) return -1;
  for (let k = 0; k < DIGITS.length; k++) if (!isDigit(buf[start + DIGITS[k]!])) return -1;
  if (buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 10] !== 0x54 || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a) return -1;
  let i = start + 19;
  if (i < end && buf[i] === 0x2e) {
    i++;
    const f = i;
    while (i < end && i - f < 9 && isDigit(buf[i])) i++;
    if (i === f) return -1;
  }
  if (i >= end) return -1;
  if (buf[i] === 0x5a) i++;
  else if ((buf[i] === 0x2b || buf[i] === 0x2d) && i + 6 <= end && isDigit(buf[i + 1]) && isDigit(buf[i + 2]) && buf[i + 3] === 0x3a && isDigit(buf[i + 4]) && isDigit(buf[i + 5])) i += 6;
  else return -1;
  if (i - start > MAX_TS || i >= end || buf[i] !== 0x20) return -1;
  return i;
}

/**
 * The bundle's time form (schema/time.ts: UTC, 7 fraction digits) of a kubelet "Z" timestamp,
 * built from the bytes; other forms go through normalizeTime. Once per log line.
 */
export function kubeletTime(buf: Buffer, start: number, tsEnd: number): string | null {
  if (buf[tsEnd - 1] !== 0x5a) return normalizeTime(buf.toString('latin1', start, tsEnd));
  const head = buf.toString('latin1', start, start + 19);
  const fracLen = tsEnd - 1 - (start + 20);
  if (fracLen <= 0) return `${head}.0000000Z`;
  const frac = buf.toString('latin1', start + 20, start + 20 + Math.min(7, fracLen));
  return `${head}.${frac.length === 7 ? frac : (frac + '000000').slice(0, 7)}Z`;
}

/**
 * A key that orders timestamps by instant: UTC with nine fraction digits. Only "Z" times (what
 * the kubelet writes) are padded; an offset time keeps its text and so compares as written,
 * which is enough to tell equal instants from different ones in the same stream.
 */
export function timeKey(ts: string): string {
  if (!ts.endsWith('Z')) return ts;
  const dot = ts.indexOf('.');
  if (dot === -1) return `${ts.slice(0, -1)}.000000000Z`;
  return `${ts.slice(0, dot + 1)}${ts.slice(dot + 1, -1).padEnd(9, '0')}Z`;
}

/** The timestamp of a line (`start`..`end`, no newline), or null. */
export function lineTime(buf: Buffer, start: number, end: number): string | null {
  const e = timestampEnd(buf, start, end);
  return e === -1 ? null : buf.toString('latin1', start, e);
}

/**
 * What is already held of a stream: the time of its last complete timestamped line and how many
 * held lines carry exactly that time. A resumed request asks from that second on; its lines
 * before `at`, and the first `count` at `at`, are the ones already held (positions, not
 * content: two identical lines at the same time are two lines).
 */
export interface ResumeState {
  at: string | null;
  count: number;
}

export const START: ResumeState = { at: null, count: 0 };

/**
 * Filters the lines of a resumed segment: drops what `from` says is already held and reports
 * each kept line. Returns the state after the segment. A trailing piece without a newline
 * counts as a line only with `withTail` (the last segment: the end of the log, or what a cut
 * that was never resumed delivered); otherwise it was cut and is asked for again.
 */
export function stitchSegment(buf: Buffer, from: ResumeState, keep: (start: number, end: number) => void, withTail = false): ResumeState {
  const atKey = from.at === null ? null : timeKey(from.at);
  let skipping = atKey !== null;
  let seenAt = 0;
  let start = 0;
  let firstKept = -1;
  for (;;) {
    let nl = buf.indexOf(0x0a, start);
    if (nl === -1) {
      if (!withTail || start >= buf.length) break;
      nl = buf.length;
    }
    if (skipping) {
      // Lines without a time cannot be placed: while skipping they belong to the held part.
      const ts = lineTime(buf, start, nl);
      const k = ts === null ? null : timeKey(ts);
      if (k === null || k < atKey! || (k === atKey && seenAt < from.count)) {
        if (k === atKey) seenAt++;
        start = nl + 1;
        continue;
      }
      skipping = false;
    }
    if (firstKept === -1) firstKept = start;
    keep(start, nl);
    start = nl + 1;
  }
  return firstKept === -1 ? from : stateAfter(buf, firstKept, Math.min(start, buf.length), from);
}

/**
 * The held time and count after the kept lines buf[first, end): read backwards from the last
 * line, so the per-line pass above needs no string work (only the tail of a segment is read here).
 */
function stateAfter(buf: Buffer, first: number, end: number, from: ResumeState): ResumeState {
  let at: string | null = null;
  let count = 0;
  let lineEnd = end > first && buf[end - 1] === 0x0a ? end - 1 : end;
  while (lineEnd >= first) {
    const lineStart = Math.max(first, buf.lastIndexOf(0x0a, lineEnd - 1) + 1);
    const ts = lineStart <= lineEnd ? lineTime(buf, lineStart, lineEnd) : null;
    if (ts !== null) {
      if (at === null) at = ts;
      else if (timeKey(ts) !== timeKey(at)) return { at, count };
      count++;
    }
    if (lineStart === first) break;
    lineEnd = lineStart - 1;
  }
  // Every kept line carried the same time (or none did): the count continues the held one.
  if (at === null) return from;
  return from.at !== null && timeKey(from.at) === timeKey(at) ? { at, count: count + from.count } : { at, count };
}

/** The state after a segment, without keeping anything (the collector, at a cut). */
export function resumeAfter(buf: Buffer, from: ResumeState): ResumeState {
  return stitchSegment(buf, from, () => undefined);
}

/** sinceTime for a resumed request: the held time cut to whole seconds, as the API server forwards it. */
export function resumeSinceTime(at: string): string {
  return `${at.slice(0, 19)}${at.endsWith('Z') || at.length <= 20 ? 'Z' : at.slice(-6)}`;
}
