// Container log output as the kubelet streams it: optional RFC3339Nano timestamps, since/tail
// filters, a byte limit, written in bounded chunks with back-pressure so a huge log or a 1.5 MB
// single line never sits in memory whole.
import type { Writable } from 'node:stream';
import type { LogLine, LogSource } from './scenario.js';

const CHUNK = 64 * 1024;

/** Nanosecond-precision time of a scenario line: seconds since the epoch plus nine digits. */
export function parseLineTime(time: string): { ms: number; nanos: string } {
  const m = time.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/);
  if (!m) {
    const ms = Date.parse(time);
    if (Number.isNaN(ms)) throw new Error(`log line time "${time}" is not RFC 3339`);
    return { ms, nanos: String((ms % 1000) * 1_000_000).padStart(9, '0') };
  }
  const nanos = (m[2] ?? '').padEnd(9, '0');
  const ms = Date.parse(`${m[1]}${m[3]}`) + Number(nanos.slice(0, 3));
  return { ms, nanos };
}

// Already-UTC times (the usual case, and every generated line) skip the Date round trip.
const UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d{1,9}))?Z$/;

/** Epoch milliseconds of a scenario line time. */
export function lineMs(time: string): number {
  const m = UTC.exec(time);
  if (m && (m[1] ?? '').length <= 3) return Date.parse(time);
  return parseLineTime(time).ms;
}

const OFFSET = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?([+-]\d\d:\d\d)$/;

/**
 * Go's time.RFC3339Nano, as the kubelet prints a CRI log line's time: trailing zeros of the
 * fraction dropped (no fraction at all when it is zero), and the line's own offset kept (Go
 * parses "+02:00" into a fixed zone and formats it back; a zero offset prints as "Z").
 */
export function rfc3339Nano(time: string): string {
  if (UTC.test(time)) {
    const dot = time.indexOf('.', 19);
    if (dot < 0) return time;
    const frac = time.slice(dot + 1, -1).replace(/0+$/, '');
    return frac ? `${time.slice(0, dot)}.${frac}Z` : `${time.slice(0, dot)}Z`;
  }
  const m = OFFSET.exec(time);
  if (m) {
    const frac = (m[2] ?? '').replace(/0+$/, '');
    const zone = m[3] === '+00:00' || m[3] === '-00:00' ? 'Z' : m[3];
    return `${m[1]}${frac ? `.${frac}` : ''}${zone}`;
  }
  return formatNano(parseLineTime(time));
}

function formatNano({ ms, nanos }: { ms: number; nanos: string }): string {
  const base = new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().slice(0, 19);
  const frac = nanos.replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

export interface LogQuery {
  timestamps: boolean;
  /** Only lines at or after this instant (epoch ms): the kubelet drops a line only when it is Before(since). */
  sinceMs?: number;
  tailLines?: number;
  limitBytes?: number;
}

function* selectLines(source: LogSource, q: LogQuery): Iterable<LogLine> {
  const lines = typeof source === 'function' ? source() : source;
  const wanted = (l: LogLine) => q.sinceMs === undefined || lineMs(l.time) >= q.sinceMs;
  if (q.tailLines === undefined) {
    for (const l of lines) if (wanted(l)) yield l;
    return;
  }
  if (q.tailLines <= 0) return;
  const ring: LogLine[] = [];
  for (const l of lines) {
    if (!wanted(l)) continue;
    ring.push(l);
    if (ring.length > q.tailLines) ring.shift();
  }
  yield* ring;
}

/** Writes the log to `out`; resolves when done or when `out` closed early (client went away). */
export async function writeLog(out: Writable, source: LogSource, q: LogQuery): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let remaining = q.limitBytes ?? Infinity;
  let closed = false;
  out.once('close', () => (closed = true));

  const flush = async (): Promise<void> => {
    if (!pendingBytes) return;
    const buf = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (!out.write(buf)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      });
    }
  };
  // Queues bytes (cut at the byte limit); false once the limit is reached.
  const push = (b: Buffer): boolean => {
    if (b.length > remaining) b = b.subarray(0, remaining);
    remaining -= b.length;
    pending.push(b);
    pendingBytes += b.length;
    return remaining > 0;
  };

  outer: for (const line of selectLines(source, q)) {
    if (closed) break;
    const prefix = q.timestamps ? `${rfc3339Nano(line.time)} ` : '';
    const times = line.repeat ?? 1;
    if (!line.bytes && times === 1) {
      // The common case in one allocation: prefix, text and newline together.
      const more = push(Buffer.from(`${prefix}${line.text ?? ''}\n`, 'utf8'));
      if (pendingBytes >= CHUNK) await flush();
      if (!more) break;
      continue;
    }
    if (prefix && !push(Buffer.from(prefix))) break;
    const body = line.bytes ?? Buffer.from(line.text ?? '', 'utf8');
    // Group repeats so each write is about one chunk, whatever the size of the piece.
    const perChunk = Math.max(1, Math.floor(CHUNK / Math.max(1, body.length)));
    for (let i = 0; i < times; i += perChunk) {
      const n = Math.min(perChunk, times - i);
      const more = push(n === 1 ? body : Buffer.concat(Array.from({ length: n }, () => body)));
      if (pendingBytes >= CHUNK) await flush();
      if (!more || closed) break outer;
    }
    if (!push(Buffer.from('\n'))) break;
    if (pendingBytes >= CHUNK) await flush();
  }
  if (!closed) await flush();
}
