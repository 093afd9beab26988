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
  // A time the cluster (or a container) wrote can name a day or an hour that does not exist
  // (2026-99-99T99:99:99Z): kept as text it would sort among real times and make Log Analytics
  // refuse the row. It has no time at all; the raw evidence still holds the text.
  if (!realCalendarTime(date!, clock!)) return null;
  const fraction = (frac + '0000000').slice(0, 7);
  if (zone === 'Z' || zone === 'z') return `${date}T${clock}.${fraction}Z`;
  // Offsets other than Z: let Date shift to UTC, then put the sub-millisecond digits back.
  const d = new Date(`${date}T${clock}.${fraction.slice(0, 3)}${zone}`);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.(\d{3})Z$/, `.${fraction}Z`);
}

/** True when YYYY-MM-DD and hh:mm:ss name a real day and time of day (no leap second: Azure refuses :60). */
function realCalendarTime(date: string, clock: string): boolean {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, sec] = clock.split(':').map(Number) as [number, number, number];
  const last = new Date(0);
  last.setUTCFullYear(y, mo, 0); // day 0 of the next month: the last day of month mo (years < 100 too)
  const days = last.getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h <= 23 && mi <= 59 && sec <= 59;
}

/** Milliseconds since the epoch of a normalized time (sub-millisecond digits dropped). */
export function timeMillis(normalized: string): number {
  return Date.parse(normalized.slice(0, 23) + 'Z');
}
