// One textual form for every datetime in the bundle: ISO-8601 UTC with 7 fractional digits
// (Log Analytics' 100 ns precision). Fixed width, so string order is time order.
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})$/;

export function normalizeTime(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return value.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
  }
  const m = RFC3339.exec(value.trim());
  if (!m) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : normalizeTime(d);
  }
  const [, date, clock, frac = '', zone] = m;
  const fraction = (frac + '0000000').slice(0, 7);
  if (zone === 'Z' || zone === 'z') return `${date}T${clock}.${fraction}Z`;
  // Offsets other than Z: let Date shift to UTC, then put the sub-millisecond digits back.
  const d = new Date(`${date}T${clock}.${fraction.slice(0, 3)}${zone}`);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.(\d{3})Z$/, `.${fraction}Z`);
}

/** Milliseconds since the epoch of a normalized time (sub-millisecond digits dropped). */
export function timeMillis(normalized: string): number {
  return Date.parse(normalized.slice(0, 23) + 'Z');
}
