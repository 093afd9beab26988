// Where a List's items are in its text. Two uses: the line each item of a parsed List starts on
// (itemLines, for the report), and the layout of a block-YAML List before it is parsed
// (listLayout), so that a large `kubectl get -o yaml` export can be read one item at a time: its
// items then reach the detections and are let go while the rest is read, instead of the whole
// export being held as one document (half of the scan bench's input is one such file).
import { Lines } from './textLines.js';

/** The `items:` key of a List (at most 2 columns in), as `/^(?:items|"items")\s*:/` on the trimmed line. */
export const ITEMS_KEY = /^(?:items|"items")\s*:/;

/** Where each item of a List starts, 0-based within the document (block YAML or pretty-printed JSON); null when the text does not say. */
export function itemLines(text: string, count: number): number[] | null {
  const lines = new Lines(text);
  let found = false;
  while (!found && lines.next()) {
    const at = lines.indent();
    found = at !== -1 && at <= 2 && ITEMS_KEY.test(lines.line().slice(at));
  }
  if (!found) return null;
  const out: number[] = [];
  let indent = -1;
  while (out.length < count && lines.next()) {
    const at = lines.indent();
    if (at === -1 || lines.charAt(at) === '#') continue;
    const opens = lines.charAt(at) === '-' || lines.charAt(at) === '{';
    if (indent === -1) {
      if (!opens) return null;
      indent = at;
    }
    if (at < indent) break;
    if (at === indent && opens) out.push(lines.index);
  }
  return out.length === count ? out : null;
}

/** A block-YAML List's items found in place: each entry's text and line, and what the document is without them. */
export interface ListLayout {
  /** Each entry: its text (a one-entry block sequence, as it stands in the document) and its 0-based line. */
  entries: { start: number; end: number; line: number }[];
  /** The column of the entries' `-`. */
  indent: number;
  /** The document without the entries' lines (its `items:` then holds nothing). */
  head: string;
}

/** `- ` (or a lone `-`) at the line's indent: an entry of a block sequence. */
function opensEntry(lines: Lines, at: number): boolean {
  const next = lines.charAt(at + 1);
  return lines.charAt(at) === '-' && (next === ' ' || next === '');
}

/**
 * The layout of a List whose `items:` is a root key (column 0, nothing after it) holding a block
 * sequence, or null for any other shape (then the document is read whole). The entries end where
 * YAML ends the sequence: at a line less indented, or at one as indented that is not an entry.
 * Shapes itemLines would read differently (a line at the entries' column that starts with `-` or
 * `{` without being an entry) give null too, so the lines reported never depend on the reader.
 */
export function listLayout(text: string): ListLayout | null {
  const lines = new Lines(text);
  let found = false;
  while (!found && lines.next()) {
    const at = lines.indent();
    found = at !== -1 && at <= 2 && ITEMS_KEY.test(lines.line().slice(at));
    if (found && (at !== 0 || !/^items:[ ]*$/.test(lines.line()))) return null;
  }
  if (!found) return null;
  const entries: ListLayout['entries'] = [];
  let indent = -1;
  let end = text.length;
  while (lines.next()) {
    const at = lines.indent();
    if (at === -1 || lines.charAt(at) === '#') continue;
    if (indent === -1) indent = at;
    if (at < indent) {
      end = lines.start;
      break;
    }
    if (at > indent) continue;
    if (!opensEntry(lines, at)) {
      if (lines.charAt(at) === '-' || lines.charAt(at) === '{') return null;
      end = lines.start;
      break;
    }
    if (entries.length) entries[entries.length - 1]!.end = lines.start;
    entries.push({ start: lines.start, end: text.length, line: lines.index });
  }
  if (!entries.length) return null;
  entries[entries.length - 1]!.end = end;
  return { entries, indent, head: text.slice(0, entries[0]!.start) + text.slice(end) };
}
