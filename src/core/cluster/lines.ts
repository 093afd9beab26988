// Byte-level line handling for history files (held in memory, bounded): split into lines and
// turn bytes that are not UTF-8 into \xNN escapes. Log lines are split by derive/logs.ts.

/** Log lines longer than this become several rows (derive/logs.ts); the raw stream keeps them whole. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** Splits a buffer held in memory into lines (history files, already bounded). */
export function bufferLines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < buf.length) {
    let nl = buf.indexOf(0x0a, start);
    if (nl === -1) nl = buf.length;
    let end = nl;
    if (end > start && buf[end - 1] === 0x0d) end--;
    out.push(buf.subarray(start, end));
    start = nl + 1;
  }
  return out;
}

/** Decodes UTF-8; invalid bytes become the four characters \xNN. */
export function decodeUtf8Escaped(bytes: Buffer): { text: string; nonUtf8: boolean } {
  const fast = bytes.toString('utf8');
  // No replacement character means every byte decoded (a genuine U+FFFD re-encodes identically).
  if (!fast.includes('\uFFFD') || Buffer.from(fast, 'utf8').equals(bytes)) return { text: fast, nonUtf8: false };
  let text = '';
  let i = 0;
  let runStart = 0;
  const flush = (to: number) => {
    if (to > runStart) text += bytes.toString('utf8', runStart, to);
  };
  while (i < bytes.length) {
    const len = validSequenceLength(bytes, i);
    if (len > 0) {
      i += len;
      continue;
    }
    flush(i);
    text += `\\x${bytes[i]!.toString(16).toUpperCase().padStart(2, '0')}`;
    i++;
    runStart = i;
  }
  flush(i);
  return { text, nonUtf8: true };
}

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there starts none. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 > 0x9f) return 0; // surrogates
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xf0 && c1 < 0x90) return 0;
    if (c === 0xf4 && c1 > 0x8f) return 0;
    return 4;
  }
  return 0;
}

/** Cuts a text to one short line for Summary columns (the full value stays in its own column). */
export function summarize(text: string, max = 200): string {
  // Cut before replacing: a 1.5 MB log line must not be copied whole for a 200-character summary.
  const head = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const one = head.replace(/[\r\n\t]+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
