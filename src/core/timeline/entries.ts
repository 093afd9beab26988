// Multi-line log entries (stack traces): which log lines continue the entry of the line before.
// Grouping is a view over the rows, never a rewrite: every line stays its own row with its own
// RecordId in the evidence, the exports and the counts; the grid can show an entry as its first
// line with a disclosure for the others.
//
// The rule is deterministic and reads only the raw line and its neighbour in the same stream
// (one container's current or previous log, in the order the kubelet wrote it). A line joins
// the entry of the line before it when it comes from the same stream, at most ENTRY_GAP_MS after
// it (a line without its own timestamp is dated by the line before: gap 0), and
//   - it is a later piece of a line the derivation cut (an over-long line), or
//   - it is indented (a space or tab, then something not blank): Java/.NET "\tat …", Python
//     "  File …" and its code lines, Go "\t/src/main.go:12 +0x1d", or
//   - it starts with "at ", "Caused by:", "Suppressed:" or "..." (a Java trace without its
//     indentation, a nested cause, "... 12 more"), or
//   - it ends a Python traceback: a line like "ValueError: bad input" after the indented lines
//     of an entry that began with "Traceback (most recent call last):".
// "Traceback (most recent call last):" itself begins a new entry. These are the continuation
// patterns of Fluent Bit's built-in java and python multiline parsers and of Elastic's
// multiline examples, narrowed to what a line can show on its own; the gap bounds a run the
// way their flush timeouts do.

/** Lines further apart than this (kubelet timestamps) are separate entries. */
export const ENTRY_GAP_MS = 1000;

const CONTINUATION_START = /^(?:at |Caused by:|Suppressed:|\.\.\.)/;
const PYTHON_TRACEBACK = /^Traceback \(most recent call last\):\s*$/;
// Fluent Bit's python rule for the last line: a dotted name, then a colon ("ValueError: …").
const PYTHON_EXCEPTION = /^(?:[^\s.():]+\.)*[^\s.():]+:/;

/** True for a line that is indented: a space or tab, then something that is not blank. */
function indented(line: string): boolean {
  const c = line.charCodeAt(0);
  return (c === 32 || c === 9) && line.trim() !== '';
}

/** Groups the lines of one stream as they arrive; `reset` at each new stream. */
export class EntryGrouper {
  private head = -1;
  private lastMs = NaN;
  /** Inside a Python traceback that has had its indented lines (the exception line may end it). */
  private python: 'no' | 'header' | 'frames' = 'no';

  reset(): void {
    this.head = -1;
    this.lastMs = NaN;
    this.python = 'no';
  }

  /**
   * The index of the entry line `index` belongs to (its own index when it begins one).
   * `ms`: the line's time (NaN when unknown); `ownTime`: the line has its own timestamp;
   * `part`: the piece number of a cut line (0 or 1 for a whole line or its first piece).
   */
  next(index: number, line: string, ms: number, ownTime: boolean, part: number): number {
    const near = this.head >= 0 && (!ownTime || part > 1 || (Number.isFinite(ms) && Number.isFinite(this.lastMs) && ms - this.lastMs <= ENTRY_GAP_MS && ms >= this.lastMs));
    if (Number.isFinite(ms)) this.lastMs = ms;
    if (near && (part > 1 || this.continues(line))) return this.head;
    this.python = PYTHON_TRACEBACK.test(line) ? 'header' : 'no';
    return (this.head = index);
  }

  private continues(line: string): boolean {
    if (indented(line)) {
      if (this.python === 'header') this.python = 'frames';
      return true;
    }
    if (this.python === 'frames' && PYTHON_EXCEPTION.test(line)) {
      this.python = 'no';
      return true;
    }
    this.python = 'no';
    return CONTINUATION_START.test(line);
  }
}

/** How a row stands in the grouped view. */
export const SINGLE = 0;
export const ENTRY = 1;
export const MEMBER = 2;

/** Per position: the entry's first line (-1 for a line that is an entry of its own) and, at that first line, the entry's size. */
export interface EntryColumns {
  head: Int32Array;
  lines: Uint32Array;
}

/** The rows of a match set as entries: one row per entry, an expanded entry followed by its other matching lines. */
export interface GroupedView {
  pos: Uint32Array;
  role: Uint8Array;
  /** Matching lines in all (the same count an ungrouped query gives). */
  lines: number;
  /** Entries those lines belong to. */
  entries: number;
  /** Matching lines per multi-line entry, by the entry's head position. */
  matched: Map<number, number>;
  expanded: ReadonlySet<number>;
}

/**
 * Groups `matches` (ascending positions, or their exact reverse when `descending`). An entry
 * stands at its first matching line in timeline order; its other matching lines follow it
 * (oldest first) only when it is expanded. A filter keeps lines, not entries: an entry whose
 * first line does not match stands at the first line that does.
 */
export function groupMatches(e: EntryColumns, count: number, at: (k: number) => number, expanded: ReadonlySet<number>, descending: boolean): GroupedView {
  const matched = new Map<number, number>();
  const members = new Map<number, number[]>();
  for (let k = 0; k < count; k++) {
    const p = at(k);
    const h = e.head[p]!;
    if (h < 0) continue;
    matched.set(h, (matched.get(h) ?? 0) + 1);
    if (expanded.has(h)) {
      const list = members.get(h);
      if (list) list.push(p);
      else members.set(h, [p]);
    }
  }
  return layout(e, count, at, expanded, matched, members, descending);
}

function layout(
  e: EntryColumns,
  count: number,
  at: (k: number) => number,
  expanded: ReadonlySet<number>,
  matched: Map<number, number>,
  members: Map<number, number[]>,
  descending: boolean,
): GroupedView {
  // Blocks in ascending order: [start, end) into pos/role; reversed as blocks when descending.
  const seen = new Set<number>();
  const pos: number[] = [];
  const role: number[] = [];
  const blocks: number[] = [];
  for (let k = 0; k < count; k++) {
    const p = at(k);
    const h = e.head[p]!;
    if (h < 0) {
      blocks.push(pos.length);
      pos.push(p);
      role.push(SINGLE);
      continue;
    }
    if (seen.has(h)) continue;
    seen.add(h);
    blocks.push(pos.length);
    const list = members.get(h);
    pos.push(p);
    role.push(ENTRY);
    for (let i = 1; list && i < list.length; i++) {
      pos.push(list[i]!);
      role.push(MEMBER);
    }
  }
  const entries = blocks.length;
  if (!descending) return { pos: Uint32Array.from(pos), role: Uint8Array.from(role), lines: count, entries, matched, expanded };
  const dpos = new Uint32Array(pos.length);
  const drole = new Uint8Array(pos.length);
  let o = 0;
  for (let b = blocks.length - 1; b >= 0; b--) {
    const end = b + 1 < blocks.length ? blocks[b + 1]! : pos.length;
    for (let i = blocks[b]!; i < end; i++, o++) {
      dpos[o] = pos[i]!;
      drole[o] = role[i]!;
    }
  }
  return { pos: dpos, role: drole, lines: count, entries, matched, expanded };
}
