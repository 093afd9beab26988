// How the grid writes values: times to the millisecond in UTC or the viewer's zone (the header
// says which), what a row's time means, and long names cut in the middle (where pod names differ).
import { APPROXIMATE_TIME_SOURCES, type TimeSource } from '../src/core/schema/timeline.js';

export type TimeZoneMode = 'utc' | 'local';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 2026-01-01T10:00:00.1234567Z → "2026-01-01 10:00:00.123" in UTC, or in the local zone. */
export function formatTime(t: string, zone: TimeZoneMode): string {
  if (!t) return '';
  const ms = Date.parse(t.slice(0, 23) + 'Z');
  if (Number.isNaN(ms)) return t;
  const d = new Date(ms);
  if (zone === 'utc') return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "UTC", or the local offset ("UTC+01:00") at a given time (DST makes it depend on the time). */
export function zoneLabel(zone: TimeZoneMode, at = Date.now()): string {
  if (zone === 'utc') return 'UTC';
  const off = -new Date(at).getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `UTC${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

export interface TimeMark {
  /** A short glyph shown before the time ('' for an event's own time). */
  glyph: string;
  /** What the time is, in words (the glyph's tooltip and accessible name). */
  meaning: string;
  /** The row describes state at collection (an object's creation), not something that happened then. */
  state: boolean;
}

const MARKS: Record<TimeSource, TimeMark> = {
  event: { glyph: '', meaning: 'the event\'s own time', state: false },
  'previous-line': { glyph: '≈', meaning: 'approximate: this log line had no timestamp; the time of the line before it', state: false },
  'file-mtime': { glyph: '≈', meaning: 'approximate: the history file\'s modification time (the shell kept no time per command)', state: false },
  collection: { glyph: '◷', meaning: 'approximate: the time of collection (state as collected, not an event)', state: true },
  creation: { glyph: '◷', meaning: 'the object\'s creation time (state as collected, not an event at this time)', state: true },
  none: { glyph: '?', meaning: 'no time known', state: false },
};

export function timeMark(source: TimeSource): TimeMark {
  return MARKS[source] ?? MARKS.event;
}

export const isApproximate = (s: TimeSource) => APPROXIMATE_TIME_SOURCES.includes(s);

/** Cuts the middle out of a value that does not fit `maxChars`, keeping its start and its (distinguishing) end. */
export function middleTruncate(s: string, maxChars: number): string {
  if (s.length <= maxChars) return s;
  if (maxChars <= 1) return '…';
  const tail = Math.ceil((maxChars - 1) / 2);
  const head = maxChars - 1 - tail;
  return `${s.slice(0, head)}…${s.slice(s.length - tail)}`;
}
