// Times as two numbers instead of a 28-character string per row: the bundle's one textual form,
// YYYY-MM-DDTHH:MM:SS.fffffffZ (schema/time.ts), read digit by digit into `day` (YYYYMMDD) and
// `clock` (HHMMSSfffffff). Both are exact integers whose order is the strings' order whatever the
// digits hold (even an impossible 99:99:99), and the string is rebuilt from them exactly.

/** `day` of a row with no known time: below every real date, so unknown times sort first. */
export const UNKNOWN_DAY = 0;

export interface TimeKey {
  day: number;
  clock: number;
}

const CANONICAL_LENGTH = 28;

/** The decimal number in s[from, to), NaN when a character there is not a digit. */
function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let k = from; k < to; k++) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/** The key of a canonical time, or null for '' and for anything not in the canonical form. */
export function parseTimeKey(s: string): TimeKey | null {
  if (s.length !== CANONICAL_LENGTH || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || s[19] !== '.' || s[27] !== 'Z') return null;
  const day = digits(s, 0, 4) * 10_000 + digits(s, 5, 7) * 100 + digits(s, 8, 10);
  const clock = ((digits(s, 11, 13) * 100 + digits(s, 14, 16)) * 100 + digits(s, 17, 19)) * 10_000_000 + digits(s, 20, 27);
  if (Number.isNaN(day) || Number.isNaN(clock) || day === UNKNOWN_DAY) return null;
  return { day, clock };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The canonical string of a key (the inverse of parseTimeKey); '' for an unknown time. */
export function formatTimeKey(day: number, clock: number): string {
  if (day === UNKNOWN_DAY) return '';
  const frac = clock % 10_000_000;
  const hms = (clock - frac) / 10_000_000;
  const y = Math.floor(day / 10_000);
  const md = day % 10_000;
  return `${pad(y, 4)}-${pad(Math.floor(md / 100), 2)}-${pad(md % 100, 2)}T${pad(Math.floor(hms / 10_000), 2)}:${pad(Math.floor(hms / 100) % 100, 2)}:${pad(hms % 100, 2)}.${pad(frac, 7)}Z`;
}

/** Milliseconds since the epoch of a key (for the histogram); NaN for an unknown time. */
export function timeKeyMillis(day: number, clock: number): number {
  if (day === UNKNOWN_DAY) return NaN;
  const hms = Math.floor(clock / 10_000_000);
  const ms = Math.floor((clock % 10_000_000) / 10_000);
  return Date.UTC(Math.floor(day / 10_000), Math.floor(day / 100) % 100 - 1, day % 100, Math.floor(hms / 10_000), Math.floor(hms / 100) % 100, hms % 100, ms);
}

/** Orders two keys: negative, zero or positive, as their strings compare. */
export function compareTimeKeys(dayA: number, clockA: number, dayB: number, clockB: number): number {
  return dayA !== dayB ? dayA - dayB : clockA - clockB;
}

const byteDigits = (b: Uint8Array, from: number, to: number): number => {
  let v = 0;
  for (let k = from; k < to; k++) v = v * 10 + (b[k]! - 48);
  return v;
};

/**
 * The key of a kubelet "Z" timestamp at buf[start, tsEnd) whose digits timestampEnd has checked
 * (cluster/logFormat.ts), written into `out`: the digits kubeletTime copies into its string,
 * without the string. False for an offset time (the caller normalizes those through kubeletTime).
 */
export function kubeletTimeKey(buf: Uint8Array, start: number, tsEnd: number, out: TimeKey): boolean {
  if (buf[tsEnd - 1] !== 0x5a) return false;
  const day = byteDigits(buf, start, start + 4) * 10_000 + byteDigits(buf, start + 5, start + 7) * 100 + byteDigits(buf, start + 8, start + 10);
  if (day === UNKNOWN_DAY) return false;
  const hms = (byteDigits(buf, start + 11, start + 13) * 100 + byteDigits(buf, start + 14, start + 16)) * 100 + byteDigits(buf, start + 17, start + 19);
  // Up to 7 fraction digits are kept, right-padded with zeros (kubeletTime does the same).
  const fracStart = start + 20;
  const fracLen = Math.min(7, tsEnd - 1 - fracStart);
  let frac = fracLen > 0 ? byteDigits(buf, fracStart, fracStart + fracLen) : 0;
  for (let k = Math.max(0, fracLen); k < 7; k++) frac *= 10;
  out.day = day;
  out.clock = hms * 10_000_000 + frac;
  return true;
}
