// A text's lines read in place, for the scans that want a few of a large document's lines (its
// first content line, a List's items) without an array of all of them.

/**
 * The indent of the line `text[start, end)`, as `text.slice(start, end).search(/\S/)`: spaces
 * skipped in place, the line sliced only when something else is there (-1 for a blank line).
 */
export function indentAt(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && text.charCodeAt(i) === 32) i++;
  if (i === end) return -1;
  const c = text.charCodeAt(i);
  return c > 32 && c < 127 ? i - start : text.slice(start, end).search(/\S/);
}

/**
 * The lines of a document, read in place: a List export has hundreds of thousands of lines, and
 * only the first content line and the items' lines are wanted (no array of every line).
 */
export class Lines {
  private from = 0;
  /** 0-based index of the current line; `start` and `end` (its `\n`, or the text's end) delimit it. */
  index = -1;
  start = 0;
  end = 0;

  constructor(private readonly text: string) {}

  next(): boolean {
    if (this.from > this.text.length) return false;
    const e = this.text.indexOf('\n', this.from);
    this.start = this.from;
    this.end = e === -1 ? this.text.length : e;
    this.from = this.end + 1;
    this.index++;
    return true;
  }

  line(): string {
    return this.text.slice(this.start, this.end);
  }

  /** As `line().search(/\S/)` (see indentAt). */
  indent(): number {
    return indentAt(this.text, this.start, this.end);
  }

  charAt(offset: number): string {
    return this.text[this.start + offset] ?? '';
  }
}
