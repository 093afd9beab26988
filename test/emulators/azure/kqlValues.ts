// The values of the emulator's KQL evaluator: datetimes (KDate, ISO text with 7 fractional
// digits as Kusto keeps them), timespans (KSpan, milliseconds), dynamic values as JSON-like
// objects, and the comparisons and text forms Kusto gives them.

export class KDate {
  constructor(readonly iso: string) {}
}

/** A Kusto timespan (1h, 30m, 2d, 500ms), kept as milliseconds. */
export class KSpan {
  constructor(readonly ms: number) {}
}

export type Value = string | number | boolean | null | KDate | KSpan | Value[] | { [k: string]: Value };
export type Row = Record<string, Value>;
export interface Column {
  name: string;
  type: string;
}
export interface Result {
  columns: Column[];
  rows: Row[];
}
export interface Source {
  /** Rows of a table with datetimes as KDate, or undefined when the table does not exist. */
  table(name: string): Result | undefined;
}

export class KqlEvalError extends Error {}

export const truthy = (v: Value) => v === true;

/** A KDate for a time in milliseconds (sub-millisecond digits zero). */
export function kdateFromMs(ms: number): KDate {
  return new KDate(new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z'));
}

export const dateMs = (d: KDate) => Date.parse(d.iso);

export function cmpValues(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (a instanceof KDate && b instanceof KDate) return a.iso < b.iso ? -1 : a.iso > b.iso ? 1 : 0;
  if (a instanceof KSpan && b instanceof KSpan) return a.ms - b.ms;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return null;
}

export function equal(a: Value, b: Value): boolean | null {
  if (a === null || b === null) return null;
  const c = cmpValues(a, b);
  return c === null ? false : c === 0;
}

/** Kusto's timespan text: [d.]hh:mm:ss[.fffffff]. */
export function spanText(s: KSpan): string {
  const neg = s.ms < 0 ? '-' : '';
  let ms = Math.abs(s.ms);
  const d = Math.floor(ms / 86_400_000);
  ms -= d * 86_400_000;
  const two = (n: number) => String(n).padStart(2, '0');
  const hms = `${two(Math.floor(ms / 3_600_000))}:${two(Math.floor((ms % 3_600_000) / 60_000))}:${two(Math.floor((ms % 60_000) / 1000))}`;
  const frac = ms % 1000 ? `.${String(ms % 1000).padStart(3, '0')}0000` : '';
  return `${neg}${d ? `${d}.` : ''}${hms}${frac}`;
}

export function toKqlString(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (v instanceof KDate) return kustoDatetimeText(v.iso);
  if (v instanceof KSpan) return spanText(v);
  if (typeof v === 'object') return JSON.stringify(toJson(v));
  return String(v);
}

/** Kusto prints datetimes with trailing fractional zeros trimmed. */
export function kustoDatetimeText(iso: string): string {
  return iso.replace(/\.?0+Z$/, 'Z');
}

export function toJson(v: Value): unknown {
  if (v instanceof KDate) return kustoDatetimeText(v.iso);
  if (v instanceof KSpan) return spanText(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

const UNIT_MS: Record<string, number> = {
  d: 86_400_000, day: 86_400_000, days: 86_400_000, h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000, s: 1000, sec: 1000, second: 1000, seconds: 1000,
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1, microsecond: 0.001, microseconds: 0.001, tick: 0.0001, ticks: 0.0001,
};

/** The milliseconds of a timespan literal's unit (1d, 2h, 30m, 10s, 500ms, ...), or undefined. */
export function spanUnitMs(unit: string): number | undefined {
  return UNIT_MS[unit];
}
