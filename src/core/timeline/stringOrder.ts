// Ordering rows by a text column (Summary, RecordId) without sorting a million strings up front.
// The order is by UTF-16 code units (as rows.ts and the grid promise), ties in timeline order.
// A comparison sort of a million log lines costs seconds in JavaScript: lines share long prefixes
// and each comparison walks them again. Instead the order is refined on demand, most significant
// characters first (an MSD radix sort that stops early): a segment of rows not yet in order is
// split by the next few characters packed into one integer (skipping the prefix the whole
// segment shares), with a stable typed-array radix sort, and only the segments that hold the
// indices a caller asks for are split further. The grid asks for a window of 200 rows: the first
// answer costs one pass over the strings plus the refinement of the window's segments; the rest
// is sorted as the analyst scrolls (or all at once by `settleAll`). Given the column (leadKeys.ts:
// its shared prefix and the next characters of every string, read in load order, and the strings
// in load order), the first splits read no string at all, a large segment past them is split by
// reading its strings in load order (a pass over memory in the order it was written, not one
// cache miss per string), and only small segments fetch their strings.
import { leadDigits, prefixOf, scanDigits, type Bounds, type LeadKeys, type Members, type TextColumn } from './leadKeys.js';
import type { Stems } from './stems.js';
import { keptU32, keptU8 } from './keptArrays.js';

/** A sequence of row positions in some order; `at` may do work the first time an index is read. */
export interface Ordered {
  readonly length: number;
  at(k: number): number;
}

/** Segments at most this long are finished by insertion sort. */
const SMALL = 16;
/** Segments at most this long are sorted by comparing their strings (from the characters known equal). */
const COMPARED = 256;
/** Segments longer than this are split by two characters at a time (65,536 buckets), shorter ones by one (256). */
const WIDE_SEGMENT = 4096;
/**
 * Segments larger than this share of the column (and than WIDE_SEGMENT) are split by a pass over
 * all its strings in load order, reading only the segment's: cheaper than one cache miss per string.
 */
const SCANNED_SHARE = 1 / 32;
/** Strings of a large tied segment its shared prefix is first guessed from. */
const PREFIX_SAMPLE = 256;

/**
 * Scratch arrays every order shares (the digits of the segment being split, the counting sort's
 * output): a split finishes before any other starts, so one pair serves every order, and a first
 * sort of a million rows allocates 8 MB less (fewer external bytes, less garbage collection).
 */
const scratches: [Uint32Array, Uint32Array] = [new Uint32Array(0), new Uint32Array(0)];
function scratch(which: 0 | 1, n: number): Uint32Array {
  if (scratches[which].length < n) scratches[which] = keptU32(Math.max(n, scratches[which].length * 2));
  return scratches[which];
}

export class LazyStringOrder implements Ordered {
  readonly length: number;
  /** Local indices (into `positions`/`strs`) in the order known so far. */
  private readonly order: Uint32Array;
  /** 1 where order[k] is final. */
  private readonly settled: Uint8Array;
  /** Unsettled segments: isStart[lo] = 1, segHi[lo] = hi, segDepth[lo] = characters known equal. */
  private readonly isStart: Uint8Array;
  private readonly segHi: Uint32Array;
  private readonly segDepth: Uint32Array;
  /** The strings by local index, fetched when a segment that holds them is first read (`load`). */
  private readonly strs: string[];
  /** 1 where strs[x] is fetched; undefined when the strings were given. */
  private readonly loaded: Uint8Array | undefined;
  private readonly text: ((p: number) => string) | undefined;
  /** 1 where the segment came from a split that found all its keys equal. */
  private readonly segTied: Uint8Array;
  private readonly count8 = new Uint32Array(256);
  /** For splits in load order: the segment being split, as a bit per position, and each position's local index (undefined when that is the position). */
  private bits: Uint32Array | undefined;
  private local: Int32Array | undefined;
  /** Whether the first split, by stem (stems.ts), is done. */
  private stemmed = false;

  /**
   * `positions` ascending (timeline order); `text(p)` the value at position p, or the values
   * themselves (strs[i] of positions[i]). `column`: the column these strings are of, over a
   * superset of these positions (so their shared prefix is at least as long as its). `kept`: the
   * order lives as long as the timeline (the order of every row), so its arrays are keptArrays'.
   */
  constructor(
    private readonly positions: Uint32Array,
    text: ((p: number) => string) | string[],
    private readonly column?: TextColumn,
    kept = false,
  ) {
    const u32 = kept ? keptU32 : (k: number) => new Uint32Array(k);
    const u8 = kept ? keptU8 : (k: number) => new Uint8Array(k);
    const n = (this.length = positions.length);
    if (Array.isArray(text)) {
      if (text.length !== n) throw new RangeError('stringOrder: one string per position');
      this.strs = text;
    } else {
      this.strs = new Array<string>(n);
      this.loaded = u8(n);
      this.text = text;
    }
    this.order = u32(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    this.settled = u8(n);
    this.isStart = u8(n);
    this.segHi = u32(n);
    this.segDepth = u32(n);
    this.segTied = u8(n);
    if (n === 1) this.settled[0] = 1;
    else if (n > 1) this.push(0, n, column?.lead.depth ?? 0);
  }

  /** Fetches the strings of order[lo..hi) not fetched yet. */
  private load(lo: number, hi: number): void {
    const { loaded, text, strs, order, positions } = this;
    if (!loaded || !text) return;
    for (let i = lo; i < hi; i++) {
      const x = order[i]!;
      if (!loaded[x]) {
        strs[x] = text(positions[x]!);
        loaded[x] = 1;
      }
    }
  }

  /** The next characters of each local index, as a digit (valid for the segment being split). */
  private get digit(): Uint32Array {
    return scratch(0, this.length);
  }

  private push(lo: number, hi: number, depth: number, tied = false): void {
    this.isStart[lo] = 1;
    this.segHi[lo] = hi;
    this.segDepth[lo] = depth;
    this.segTied[lo] = tied ? 1 : 0;
  }

  at(k: number): number {
    if (!(k >= 0 && k < this.length)) throw new RangeError(`stringOrder: index ${k} outside [0, ${this.length})`);
    if (!this.settled[k]) this.settle(k);
    return this.positions[this.order[k]!]!;
  }

  /** Puts every index in its final place (a full sort). */
  settleAll(): void {
    for (let lo = 0; lo < this.length; ) {
      if (this.isStart[lo]) this.split(lo);
      else lo++;
    }
  }

  /** Splits the segments holding index k until k is final. */
  private settle(k: number): void {
    while (!this.settled[k]) {
      // Every unsettled index is inside a pending segment: its start is the nearest one at or
      // before k (the walk costs no more than the split that follows).
      let lo = k;
      while (!this.isStart[lo]) lo--;
      this.split(lo);
    }
  }

  /** Orders the pending segment starting at lo by its next characters; what stays unsettled becomes new segments. */
  private split(lo: number): void {
    const hi = this.segHi[lo]!;
    const d0 = this.segDepth[lo]!;
    const tied = this.segTied[lo] === 1;
    this.isStart[lo] = 0;
    if (this.column?.lead.stems && !this.stemmed) {
      this.stemmed = true;
      this.byStem(lo, hi, this.column.lead.stems, this.column.lead.keys);
      return;
    }
    if (this.byLead(lo, hi, d0)) return;
    if (this.column && hi - lo > Math.max(WIDE_SEGMENT, this.column.lead.n * SCANNED_SHARE)) {
      this.byScan(lo, hi, d0, tied);
      return;
    }
    this.load(lo, hi);
    if (hi - lo <= SMALL) {
      insertionSort(this.strs, this.order, lo, hi, d0);
      this.settled.fill(1, lo, hi);
      return;
    }
    // A segment whose last split found every key equal likely shares a long prefix (a path, an
    // IP): skip it in one pass. Otherwise take the next characters at once (a shared-prefix pass
    // would visit every string once more for nothing).
    const depth = tied ? sharedPrefix(this.strs, this.order, lo, hi, d0) : d0;
    const wide = hi - lo > WIDE_SEGMENT;
    const chars = hi - lo <= COMPARED ? 0 : this.digits(lo, hi, depth, wide);
    if (chars === 0) {
      // A segment of a few hundred: comparing is cheaper than bucket counts per character. Or
      // a character at or above U+00FF where the digit is 8 bits.
      comparisonSort(this.strs, this.order, lo, hi, depth);
      this.settled.fill(1, lo, hi);
      return;
    }
    this.splitByDigit(lo, hi, depth, chars, chars === 1 && wide ? 1 << 17 : wide ? 1 << 16 : 1 << 8);
  }

  /** Orders order[lo..hi) by its digits (`chars` characters after `depth`); buckets go deeper, unless their strings ended inside the digit (then they are equal). */
  private splitByDigit(lo: number, hi: number, depth: number, chars: number, size: number): void {
    const buckets = this.countingSort(lo, hi, size);
    const all = buckets.length === 2;
    for (let b = 0; b + 1 < buckets.length; b++) {
      const [r, i, ended] = [buckets[b]!, buckets[b + 1]!, this.endsAt(buckets[b]!, chars)];
      if (i - r > 1 && !ended) this.push(r, i, depth + chars, all);
      else this.settled.fill(1, r, i);
    }
  }

  /**
   * Splits a segment by the lead keys when they hold its next characters (and it is too large to
   * compare): no string read. Returns false when the strings are needed.
   */
  private byLead(lo: number, hi: number, depth: number): boolean {
    const lead = this.column?.lead;
    // With stems, a segment past the first split holds one stem (the key's highest byte), and
    // the key's characters start past it, at its second byte.
    const stems = lead?.stems;
    const base = stems ? stems.depth[lead.keys[this.positions[this.order[lo]!]!]! >>> 24]! : lead?.depth;
    let off = lead && base !== undefined ? depth - base : -1;
    if (!lead || base === undefined || off < 0 || off >= lead.chars || hi - lo <= COMPARED) return false;
    const wide = hi - lo > WIDE_SEGMENT;
    // A 17-bit character is worth its 131,072 buckets only in a large segment.
    if (lead.wide && !wide) return false;
    if (!lead.wide) {
      // A segment may share more characters (log lines of one format: an IP's first octets),
      // which its keys tell in one pass (no counting sort per shared pair); the pass stops at
      // the first member that differs at once.
      const shared = this.sharedKeyChars(lo, hi, off, lead);
      if (shared < 0) {
        this.settled.fill(1, lo, hi);
        return true;
      }
      off += shared;
      if (off >= lead.chars) {
        this.push(lo, hi, base + off, true);
        return true;
      }
    }
    const two = !lead.wide && wide && lead.chars - off >= 2;
    const chars = two ? 2 : 1;
    if (lead.wide) leadDigits(lead.keys, undefined, this.positions, this.order, lo, hi, 0, 0x1ffff, this.digit);
    else leadDigits(lead.keys, lead.keys2, this.positions, this.order, lo, hi, off + (stems ? 1 : 0), two ? 0xffff : 0xff, this.digit);
    this.splitByDigit(lo, hi, base + off, chars, lead.wide ? 1 << 17 : two ? 1 << 16 : 1 << 8);
    return true;
  }

  /**
   * How many of the key characters from `off` every member of order[lo..hi) shares (8-bit keys,
   * no stems' byte past a segment's first split, which holds one stem); -1 when they share one
   * past the end of the string (the members are all equal).
   */
  private sharedKeyChars(lo: number, hi: number, off: number, lead: LeadKeys): number {
    const { keys, keys2 } = lead;
    const { order, positions } = this;
    const p0 = positions[order[lo]!]!;
    const k0 = keys[p0]!;
    const k2 = keys2 ? keys2[p0]! : 0;
    const byteOff = lead.stems ? 1 : 0;
    // The first character's bits, in keys or keys2: once a member differs there, none is shared.
    const first = 0xff << (24 - 8 * ((off + byteOff) & 3));
    const inFirst = off + byteOff < 4;
    let d1 = 0;
    let d2 = 0;
    for (let i = lo + 1; i < hi; i++) {
      const p = positions[order[i]!]!;
      d1 |= keys[p]! ^ k0;
      if (keys2) d2 |= keys2[p]! ^ k2;
      if (((inFirst ? d1 : d2) & first) !== 0) return 0;
    }
    let j = off;
    for (; j < lead.chars; j++) {
      const b = j + byteOff;
      const shift = 24 - 8 * (b & 3);
      if ((((b < 4 ? d1 : d2) >>> shift) & 0xff) !== 0) break;
      if ((((b < 4 ? k0 : k2) >>> shift) & 0xff) === 0) return -1;
    }
    return j - off;
  }

  /**
   * The first split of identifiers: by stem and the character past it (the key's two highest
   * bytes); a bucket is then known equal up to that character, or equal whole when its ids end
   * with their stem.
   */
  private byStem(lo: number, hi: number, stems: Stems, keys: Uint32Array): void {
    const { order, digit, positions } = this;
    for (let i = lo; i < hi; i++) digit[order[i]!] = keys[positions[order[i]!]!]! >>> 16;
    const buckets = this.countingSort(lo, hi, 1 << 16);
    for (let b = 0; b + 1 < buckets.length; b++) {
      const [r, i, d] = [buckets[b]!, buckets[b + 1]!, digit[order[buckets[b]!]!]!];
      if (i - r > 1 && (d & 0xff) !== 0) this.push(r, i, stems.depth[d >>> 8]! + 1);
      else this.settled.fill(1, r, i);
    }
  }

  /** Splits a large segment by its next characters, read from the column's strings in load order. */
  private byScan(lo: number, hi: number, d0: number, tied: boolean): void {
    const { parts } = this.column!;
    const members = this.members(lo, hi);
    let depth = d0;
    let chars: 1 | 2;
    if (tied) {
      // The segment likely shares more than d0 characters: take the digits past the prefix a
      // sample shares, and check in the same pass (by its smallest and largest string) that all do.
      const guess = this.sampledPrefix(lo, hi, d0);
      const bounds: Bounds = { lo: undefined, hi: undefined };
      chars = scanDigits(parts, members, guess, this.digit, bounds);
      depth = bounds.lo === undefined || bounds.hi === undefined ? d0 : prefixOf(bounds.lo, bounds.hi, d0);
      if (depth !== guess) chars = scanDigits(parts, members, depth, this.digit);
    } else chars = scanDigits(parts, members, depth, this.digit);
    members.bits.fill(0);
    this.splitByDigit(lo, hi, depth, chars, chars === 2 ? 1 << 16 : 1 << 17);
  }

  /** The prefix a sample of order[lo..hi) shares past d0 (at least as long as the one all share). */
  private sampledPrefix(lo: number, hi: number, d0: number): number {
    const step = Math.max(1, Math.floor((hi - lo) / PREFIX_SAMPLE));
    const at = (i: number) => (this.text ? this.text(this.positions[this.order[i]!]!) : this.strs[this.order[i]!]!);
    const first = at(lo);
    let depth = first.length;
    for (let i = lo + step; i < hi && depth > d0; i += step) depth = Math.min(depth, prefixOf(first, at(i), d0));
    return Math.max(d0, depth);
  }

  /** order[lo..hi) as the members a load-order pass reads. */
  private members(lo: number, hi: number): Members {
    const { order, positions } = this;
    const n = this.column!.lead.n;
    if (!this.bits) {
      this.bits = new Uint32Array(Math.ceil(n / 32));
      // Ascending distinct positions, as many as the column's: every position, each its own index.
      if (this.length !== n) {
        const local = (this.local = new Int32Array(n).fill(-1));
        for (let x = 0; x < this.length; x++) local[positions[x]!] = x;
      }
    }
    const bits = this.bits;
    for (let i = lo; i < hi; i++) {
      const p = positions[order[i]!]!;
      bits[p >>> 5] |= 1 << (p & 31);
    }
    return { bits, local: this.local };
  }

  /** Whether the strings of the bucket starting at index r end within the digit (the digit's last character is past the end). */
  private endsAt(r: number, chars: number): boolean {
    const d = this.digit[this.order[r]!]!;
    return chars === 2 ? (d & 0xff) === 0 : d === 0;
  }

  /**
   * digit[x] for order[lo..hi): code unit + 1 (0 past the end). Large segments take two
   * characters of 8 bits when both are below U+00FF, else one of 17 bits; small ones one
   * character of 8 bits. Returns the characters taken, or 0 when a small segment holds a wider one.
   */
  private digits(lo: number, hi: number, depth: number, wide: boolean): number {
    const { strs, order, digit } = this;
    let two = wide;
    for (let i = lo; i < hi; i++) {
      const str = strs[order[i]!]!;
      const a = depth < str.length ? str.charCodeAt(depth) + 1 : 0;
      const b = depth + 1 < str.length ? str.charCodeAt(depth + 1) + 1 : 0;
      if (a > 255 || (two && b > 255)) {
        if (!wide) return 0;
        two = false;
      }
      digit[order[i]!] = (a << 8) | (b & 0xff);
    }
    if (two) return 2;
    if (!wide) {
      for (let i = lo; i < hi; i++) digit[order[i]!]! >>>= 8;
      return 1;
    }
    for (let i = lo; i < hi; i++) {
      const str = strs[order[i]!]!;
      digit[order[i]!] = depth < str.length ? str.charCodeAt(depth) + 1 : 0;
    }
    return 1;
  }

  /** Stable counting sort of order[lo..hi) by digit; returns the bucket bounds [lo, …, hi] of the non-empty buckets. */
  private countingSort(lo: number, hi: number, size: number): number[] {
    const { order, digit } = this;
    const tmp = scratch(1, this.length);
    const count = size === 256 ? this.count8.fill(0) : new Uint32Array(size);
    for (let i = lo; i < hi; i++) count[digit[order[i]!]!]!++;
    const bounds = [lo];
    let sum = lo;
    for (let v = 0; v < size; v++) {
      const c = count[v]!;
      count[v] = sum;
      if (c) bounds.push((sum += c));
    }
    if (bounds.length > 2) {
      for (let i = lo; i < hi; i++) {
        const x = order[i]!;
        tmp[count[digit[x]!]!++] = x;
      }
      order.set(tmp.subarray(lo, hi), lo);
    }
    return bounds;
  }
}

/** The first index at or after d0 where the strings of order[lo..hi) differ (or the shortest ends). */
function sharedPrefix(strs: string[], order: Uint32Array, lo: number, hi: number, d0: number): number {
  const first = strs[order[lo]!]!;
  let lcp = first.length;
  for (let i = lo + 1; i < hi && lcp > d0; i++) {
    const str = strs[order[i]!]!;
    const m = lcp < str.length ? lcp : str.length;
    let d = d0;
    while (d < m && str.charCodeAt(d) === first.charCodeAt(d)) d++;
    lcp = d;
  }
  return lcp < d0 ? d0 : lcp;
}

/** Code-unit comparison of a and b from index d (their first d characters are known equal). */
function compareFrom(a: string, b: string, d: number): number {
  const m = a.length < b.length ? a.length : b.length;
  for (; d < m; d++) {
    const x = a.charCodeAt(d);
    const y = b.charCodeAt(d);
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/** Stable comparison sort from `depth` (a small segment, or one with a character past U+00FE). */
function comparisonSort(strs: string[], order: Uint32Array, lo: number, hi: number, depth: number): void {
  const part = Array.from(order.subarray(lo, hi)).sort((x, y) => compareFrom(strs[x]!, strs[y]!, depth) || x - y);
  order.set(part, lo);
}

/** Stable: equal strings keep their order (which is timeline order). */
function insertionSort(strs: string[], order: Uint32Array, lo: number, hi: number, depth: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = order[i]!;
    const str = strs[x]!;
    let j = i - 1;
    while (j >= lo && compareFrom(strs[order[j]!]!, str, depth) > 0) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = x;
  }
}

/** An order read backwards (a descending sort is the exact reverse of the ascending one). */
export class Reversed implements Ordered {
  constructor(private readonly inner: Ordered) {}
  get length(): number {
    return this.inner.length;
  }
  at(k: number): number {
    return this.inner.at(this.inner.length - 1 - k);
  }
}

/** Orders one after the other (RecordId: the ids before the log rows, the log rows, the ids after). */
export class Concat implements Ordered {
  readonly length: number;
  private readonly starts: number[] = [];
  constructor(private readonly parts: readonly Ordered[]) {
    let n = 0;
    for (const p of parts) {
      this.starts.push(n);
      n += p.length;
    }
    this.length = n;
  }
  at(k: number): number {
    let i = this.parts.length - 1;
    while (i > 0 && this.starts[i]! > k) i--;
    return this.parts[i]!.at(k - this.starts[i]!);
  }
}

/** A plain array of positions as an order. */
export class ListOrder implements Ordered {
  constructor(private readonly pos: Uint32Array) {}
  get length(): number {
    return this.pos.length;
  }
  at(k: number): number {
    return this.pos[k]!;
  }
}
