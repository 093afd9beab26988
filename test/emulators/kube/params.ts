// Query parameters decoded the way kube-apiserver decodes them (its parameter codec, then the
// generated url.Values conversions), so a client that sends an odd spelling sees what a real
// cluster would do with it, not what a lenient test server guesses.

/**
 * How boolean query parameters are read.
 * - `apiserver` (default): k8s.io/apimachinery runtime.Convert_Slice_string_To_bool, which every
 *   generated url.Values conversion (ListOptions, PodLogOptions, PodExecOptions) uses: `0` and a
 *   case-insensitive `false` are false, ANY other value (`yes`, `f`, the empty string) is true, and
 *   nothing is ever refused.
 * - `strconv`: Go's strconv.ParseBool (`1 t T TRUE true True` / `0 f F FALSE false False`), and a
 *   400 for anything else. Stricter than a real cluster: use it to prove a client only sends
 *   spellings both readings agree on.
 */
export type BooleanParsing = 'apiserver' | 'strconv';

/** A parameter the client got wrong: the server answers 400 BadRequest with this message. */
export class ParamError extends Error {}

const STRCONV_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const STRCONV_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go strconv.ParseBool. */
export function strconvParseBool(v: string): boolean {
  if (STRCONV_TRUE.has(v)) return true;
  if (STRCONV_FALSE.has(v)) return false;
  throw new ParamError(`strconv.ParseBool: parsing ${goQuote(v)}: invalid syntax`);
}

/** apimachinery runtime.Convert_Slice_string_To_bool on the first value. */
export function apiserverBool(v: string): boolean {
  return !(v === '0' || v.toLowerCase() === 'false');
}

/** Boolean parameter `name` (absent = false; only the first value counts, as in Go's url.Values). */
export function boolParam(params: URLSearchParams, name: string, mode: BooleanParsing = 'apiserver'): boolean {
  const v = params.get(name);
  if (v === null) return false;
  return mode === 'strconv' ? strconvParseBool(v) : apiserverBool(v);
}

/**
 * Integer parameter (Convert_Slice_string_To_Pointer_int64 → strconv.ParseInt base 10): absent is
 * undefined; anything that is not a decimal int64 ("", "1.5", "10s") is a 400.
 */
export function intParam(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw new ParamError(`strconv.ParseInt: parsing ${goQuote(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new ParamError(`strconv.ParseInt: parsing ${goQuote(v)}: value out of range`);
  return n;
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-](\d\d):(\d\d))$/;

/**
 * metav1.Time.UnmarshalQueryParameter: Go time.Parse(time.RFC3339, s), which accepts a fraction of
 * any length even though the layout has none. Returns epoch milliseconds (fraction beyond the
 * millisecond dropped: callers truncate to the second anyway). Go's own error names the layout
 * element that failed; this one names the layout only.
 */
export function parseRfc3339(s: string): number {
  const m = RFC3339.exec(s);
  const bad = () => new ParamError(`parsing time ${goQuote(s)} as "2006-01-02T15:04:05Z07:00": cannot parse ${goQuote(s)} as RFC 3339`);
  if (!m) throw bad();
  const [, y, mo, d, h, mi, sec, frac, , oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(Number(y), month) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) throw bad();
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) throw bad();
  const base = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(sec));
  const offset = oh === undefined ? 0 : (m[8]!.startsWith('-') ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return base - offset + Number((frac ?? '').padEnd(3, '0').slice(0, 3));
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Go's %q for the ASCII-printable inputs these messages quote (enough for error text). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
