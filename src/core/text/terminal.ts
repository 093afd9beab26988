// Text that came from the cluster, a kubeconfig, a bundle or any file is attacker-controlled.
// Before it reaches a terminal (or collection.log, which examiners read with cat and less) every
// character that a terminal acts on instead of showing is written as an escape: C0 and C1
// controls (ESC starts cursor moves, colour, OSC title changes; BEL; CR overwrites the line), DEL,
// the bidi overrides and isolates that reorder what is shown (U+202E turns "exe.txt" into
// "txt.exe"), and the Unicode line separators. Exports to files keep the data as it is, escaped
// only as their format requires.

/** Controls and bidi formatting characters; line feed and tab are decided by the caller. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw but a terminal acts on (it already escapes C0). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `\x1b` for C0 (as C and most tools show them), `\u007f` from DEL on: JSON.stringify leaves
 * those raw, so in JSON lines on a terminal the escape must be one JSON also reads.
 */
function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : jsonEscape(c);
}

const jsonEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One line of untrusted text: every control (line breaks and tabs too) escaped, cut at `max` characters. */
export function singleLine(s: string, max = Infinity): string {
  const clean = String(s).replace(UNSAFE_OR_BREAK, escapeChar);
  return clean.length > max ? `${clean.slice(0, Math.max(0, max - 1))}…` : clean;
}

/**
 * Several lines of untrusted text for a terminal: line feeds and tabs stay, a CR stays only as
 * part of CRLF (CSV ends its records so), everything else that acts on the terminal is escaped.
 */
export function multiLine(s: string): string {
  return String(s)
    .replace(/\r(?!\n)/g, '\\x0d')
    .replace(UNSAFE, (c) => (c === '\r' ? c : escapeChar(c)));
}

/**
 * JSON for output a terminal may show: JSON.stringify, with the C1 controls, bidi characters and
 * line separators it leaves raw written as \u escapes. Still valid JSON that parses to the same value.
 */
export function terminalJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, jsonEscape);
}

/** Our own progress line starts by returning to column 0 and erasing it; nothing else may. */
export const ERASE_LINE = '\r\x1b[2K';

/**
 * A chunk of CLI output on its way to a terminal: our own erase-line prefix (progress) may lead
 * it, once; everything after is treated as untrusted text.
 */
export function terminalChunk(chunk: string): string {
  return chunk.startsWith(ERASE_LINE) ? ERASE_LINE + multiLine(chunk.slice(ERASE_LINE.length)) : multiLine(chunk);
}
