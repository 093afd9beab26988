// The content rules' first pass over the log streams: which lines hit, and how many log rows each
// stream derives into. Screening one stream depends only on that stream's raw bytes, so streams
// can be screened in any order and on any thread; the findings are then assembled in the index's
// order (screenedFindings in index.ts), because the per-container cap and the record numbers
// depend on it. The seal screens on a worker thread beside the main one (screenPool.ts): at seal
// time the transfer is over and the second core is otherwise idle.
import { MAX_TS, kubeletTime, timestampEnd } from '../cluster/logFormat.js';
import { MAX_LINE_BYTES } from '../cluster/lines.js';
import { contentHits, logLineMayHit } from '../detections/contentRules.js';
import { readStreamLines, rowsOfLine, type LogStream } from './logs.js';
import type { ReadBuffer } from '../evidence/raw.js';

/** A line some content rule matched: everything the finding needs, without the stream. */
export interface ScreenedLine {
  /** Line number in the stream, from 1. */
  line: number;
  /** The line's first log row, counted from the stream's first row (0). */
  rowOffset: number;
  /** The text the rules read (the message after the timestamp, the first piece of a long line). */
  text: string;
  /** The time of the line's last timestamp, as a row would show it. */
  time: string | null;
}

export interface StreamScreen {
  /** Log rows the stream derives into (a line past the piece bound is several). */
  rows: number;
  hits: ScreenedLine[];
}

/** Read buffers free for the next stream: one per stream being screened at once on this thread. */
const readBuffers: ReadBuffer[] = [];

export async function screenStream(bundleDir: string, s: LogStream): Promise<StreamScreen> {
  let lineNo = 0;
  let rows = 0;
  const hits: ScreenedLine[] = [];
  // The last timestamp's bytes, turned into a time only when a rule hits. Copied: the bodies are
  // read into one buffer, so the line it came from can be gone by then.
  const ts = Buffer.allocUnsafe(MAX_TS);
  let tsLen = 0;
  const into = readBuffers.pop() ?? { buf: Buffer.alloc(0) };
  const sink = (buf: Buffer, start: number, end: number) => {
    lineNo++;
    const rowOffset = rows;
    rows += rowsOfLine(buf, start, end);
    const tsEnd = timestampEnd(buf, start, end);
    if (tsEnd !== -1) {
      tsLen = tsEnd - start;
      for (let k = 0; k < tsLen; k++) ts[k] = buf[start + k]!;
    }
    const msgStart = tsEnd === -1 ? start : tsEnd + 1;
    // The rules read text: a line past the piece bound is screened on its first piece.
    const textEnd = Math.min(end, msgStart + MAX_LINE_BYTES);
    // Most lines hold none of the rules' literals: those are ruled out on their bytes, undecoded.
    if (!logLineMayHit(buf, msgStart, textEnd)) return;
    const text = buf.toString('utf8', msgStart, textEnd);
    if (contentHits('log', text).length === 0) return;
    hits.push({ line: lineNo, rowOffset, text, time: tsLen ? kubeletTime(ts, 0, tsLen) : null });
  };
  try {
    await readStreamLines(bundleDir, s, sink, into);
  } finally {
    readBuffers.push(into);
  }
  return { rows, hits };
}
