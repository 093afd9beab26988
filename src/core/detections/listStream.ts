// A large block-YAML List export (what `kubectl get -A -o yaml` prints) read from its file a window
// at a time. Its entries reach the detections as each window is read, so the scan holds a window
// of the file instead of all of it, and a file over V8's limit for one string (512 MB of text)
// can be read at all. The objects, their lines and their order are readManifests' over the whole
// text: a file is read so only where readManifests would read it entry by entry (not JSON, one
// document, no `*` that may start an alias, a List whose `items:` is a root block sequence laid
// out as listLayout reads it, every entry readable alone, the List's own keys readable alone).
// Anywhere else the reader says why it stopped, and the caller takes back what it handed on and
// reads the file whole.
import { openInput } from '../regularFile.js';
import { ITEMS_KEY } from './listItems.js';
import { BATCH, hasDocumentMarker, listHeadReadable, mayHoldAlias, opensLikeJson, readListChunk, type ListChunk, type ManifestSink } from './manifests.js';
import { ownString } from './ownStrings.js';
import { indentAt } from './textLines.js';

/**
 * Bytes read at a time: the entries complete in a window are read before the next is. Small
 * windows die young: on the 200 MB bench's 100 MB export, 64–256 KB windows took 3.1 s and
 * 400–430 MB against 3.4 s and 470–490 MB with 4 MB ones (reading it whole: 3.0 s, 550 MB).
 */
export const LIST_WINDOW_BYTES = 256 * 1024;
/** V8's longest string (String::kMaxLength on 64-bit): a file with more text than this cannot be read whole. */
export const MAX_STRING_CHARS = 2 ** 29 - 24;
/** The List's own keys (before and after its entries) are kept whole: a kubectl export has a few lines of them. */
const OWN_KEYS_MAX = 1024 * 1024;

const HASH = 35;
const LF = 10;

/**
 * Reads the file's List entries into `sink`, in order, a window at a time. Returns null when the
 * whole file was read so; else why it cannot be (a phrase), and then the caller must take back
 * what was handed on and read the file whole. Throws what reading the file throws.
 *
 * Each window is whole lines decoded at once (a line feed never falls inside a UTF-8 character),
 * from the start of the first entry not handed on yet: that entry's lines are read from the file
 * again rather than joined to the next window, so every window is one flat string (the readers
 * scan a flat string faster than a joined or sliced one: with the window's text joined to the next
 * and the entries read from a slice of it, the 50 MB bench took 2.2 s instead of 1.9 s).
 */
export async function streamList(file: string, sink: ManifestSink, windowBytes = LIST_WINDOW_BYTES): Promise<string | null> {
  const reader = new ListWindows(file, sink);
  const handle = await openInput(file);
  try {
    let buf = Buffer.allocUnsafe(windowBytes);
    for (let offset = 0; ; ) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      const eof = bytesRead < buf.length;
      const end = eof ? bytesRead : buf.lastIndexOf(LF, bytesRead - 1) + 1;
      if (end === 0 && !eof) {
        // A line longer than the window: a larger one, up to what one string can hold.
        if (buf.length > MAX_STRING_CHARS) return 'one of its lines is longer than a string can be';
        buf = Buffer.allocUnsafe(buf.length * 2);
        continue;
      }
      const text = buf.toString('utf8', 0, end);
      const why = reader.window(text, eof);
      if (why !== null || eof) return why;
      const kept = reader.keptFrom;
      if (kept > 0) offset += end - Buffer.byteLength(text.slice(kept));
      // Nothing handed on from this window (an entry longer than it, or the head or tail): a larger one.
      else if (buf.length > MAX_STRING_CHARS) return 'one of its entries is longer than a string can be';
      else buf = Buffer.allocUnsafe(buf.length * 2);
    }
  } finally {
    await handle.close();
  }
}

/**
 * listLayout's walk over the lines, a window at a time: the head up to `items:`, then the entries
 * (each starts with `-` at the entries' column), then the List's keys after them (the tail).
 */
class ListWindows {
  /** The current window: from the head, or the first entry not yet handed on, or the tail. */
  private text = '';
  /** Where the next line to walk starts in `text`, and its 0-based line in the file. */
  private pos = 0;
  private line = 0;
  /** Where in the window the next one must start: what is not handed on yet (0: all of it). */
  keptFrom = 0;
  private phase: 'head' | 'entries' | 'tail' = 'head';
  private head = '';
  private indent = -1;
  /** The entries in `text` whose start is known (the last may go on in the next window), and their lines. */
  private starts: number[] = [];
  private lines: number[] = [];
  /** In the tail: where the entries ended in `text`. */
  private entriesEnd = -1;
  private found = 0;
  private opened = false;

  constructor(
    private readonly file: string,
    private readonly sink: ManifestSink,
  ) {}

  /**
   * The next window: the text from `keptFrom` of the last one, then whole lines (the last window
   * when `eof`, which may end without a line feed); why the file cannot be read so, or null.
   */
  window(text: string, eof: boolean): string | null {
    // readManifests reads a document that may hold an alias whole: an alias in one entry may name an anchor in another.
    if (mayHoldAlias(text)) return 'it may hold a YAML alias (one entry may refer to another)';
    this.rebase();
    this.text = text;
    if (!this.opened && text.trimStart() !== '') {
      if (opensLikeJson(text)) return 'it is JSON';
      this.opened = true;
    }
    const why = this.walk(eof);
    if (why !== null) return why;
    if (eof) return this.finish();
    const handed = this.handOn(this.phase === 'tail');
    this.keptFrom = this.phase === 'head' ? 0 : this.phase === 'tail' ? this.entriesEnd : (this.starts[0] ?? 0);
    return handed;
  }

  /** Walks the lines from `pos`: every line of a window is whole (at the end, the last may have no line feed). */
  private walk(eof: boolean): string | null {
    const text = this.text;
    while (this.phase !== 'tail' && (this.pos < text.length || (eof && this.pos === text.length))) {
      const nl = text.indexOf('\n', this.pos);
      const end = nl === -1 ? text.length : nl;
      const why = this.phase === 'head' ? this.headLine(this.pos, end) : this.entryLine(this.pos, end);
      if (why !== null) return why;
      this.pos = end + 1;
      this.line++;
    }
    if (this.phase === 'head' && this.pos > OWN_KEYS_MAX) return 'no root `items:` key in its first megabyte';
    if (this.phase === 'tail' && this.text.length - this.entriesEnd > OWN_KEYS_MAX) return 'more than a megabyte follows its entries';
    return null;
  }

  /** listLayout's first loop: looks for a root `items:` with nothing after it. */
  private headLine(start: number, end: number): string | null {
    const at = indentAt(this.text, start, end);
    if (at === -1 || at > 2 || !ITEMS_KEY.test(this.text.slice(start + at, end))) return null;
    if (at !== 0 || !/^items:[ ]*$/.test(this.text.slice(start, end))) return 'its `items:` is not a root key holding a block sequence';
    this.phase = 'entries';
    return null;
  }

  /** listLayout's second loop: an entry starts, the current one goes on, or the entries end. */
  private entryLine(start: number, end: number): string | null {
    const text = this.text;
    const at = indentAt(text, start, end);
    if (at === -1 || text.charCodeAt(start + at) === HASH) return null;
    if (this.indent === -1) this.indent = at;
    if (at > this.indent) return null;
    const c = text[start + at];
    const next = text[start + at + 1] ?? '';
    if (at === this.indent && c === '-' && (next === ' ' || next === '')) return this.startEntry(start);
    if (at === this.indent && (c === '-' || c === '{')) return 'a line at its entries\' column starts with `-` or `{` without opening an entry';
    if (!this.starts.length) return 'its `items:` holds no block sequence';
    this.phase = 'tail';
    this.entriesEnd = start;
    return null;
  }

  private startEntry(start: number): string | null {
    if (!this.head) {
      // The head is kept to the end (its own copy: a slice would keep this window alive).
      this.head = ownString(this.text.slice(0, start));
      if (hasDocumentMarker(this.head)) return 'it holds more than one YAML document';
    }
    this.starts.push(start);
    this.lines.push(this.line);
    return null;
  }

  /**
   * Reads the entries whose end is known (all of them once `all`: in the tail or at the end) and
   * hands them on; the text before the entry still open is let go.
   */
  private handOn(all: boolean): string | null {
    const count = all ? this.starts.length : this.starts.length - 1;
    if (count <= 0) return null;
    const last = all ? (this.phase === 'tail' ? this.entriesEnd : this.text.length) : this.starts[count]!;
    const entries: ListChunk['entries'] = [];
    for (let i = 0; i < count; i++) entries.push({ start: this.starts[i]!, end: i + 1 < count ? this.starts[i + 1]! : last, line: this.lines[i]! });
    // The window itself, not a slice of it: the entries are read in place.
    const objects = readListChunk({ text: this.text, entries, indent: this.indent }, this.file);
    if (!objects) return 'one of its entries cannot be read by itself';
    this.found += objects.length;
    for (let i = 0; i < objects.length; i += BATCH) this.sink.add(objects.slice(i, i + BATCH));
    this.starts = this.starts.slice(count);
    this.lines = this.lines.slice(count);
    return null;
  }

  /** Makes the positions in the window relative to `keptFrom`, where the next window starts. */
  private rebase(): void {
    const at = this.keptFrom;
    this.pos -= at;
    if (this.entriesEnd !== -1) this.entriesEnd -= at;
    for (let i = 0; i < this.starts.length; i++) this.starts[i]! -= at;
  }

  /** At the end of the file: the last entries, then the List's own keys and what readManifests asks of the whole. */
  private finish(): string | null {
    if (this.phase === 'head') return 'it has no root `items:` key';
    if (this.phase === 'entries' && !this.starts.length) return 'its `items:` holds no block sequence';
    const why = this.handOn(true);
    if (why !== null) return why;
    const tail = this.phase === 'tail' ? this.text.slice(Math.max(0, this.entriesEnd)) : '';
    if (hasDocumentMarker(tail)) return 'it holds more than one YAML document';
    if (!listHeadReadable(this.head + tail)) return 'the List\'s own keys cannot be read without its entries';
    return this.found > 0 ? null : 'none of its entries is a Kubernetes object';
  }
}
