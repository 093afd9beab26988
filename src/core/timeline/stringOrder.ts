// Ordering rows by a text column (Summary, RecordId) without sorting a million strings up front.
// The order is by UTF-16 code units (as rows.ts and the grid promise), ties in timeline order.
// A comparison sort of a million log lines costs seconds in JavaScript: lines share long prefixes
// and each comparison walks them again. Instead the order is refined on demand, most significant
// characters first (an MSD radix sort that stops early): a segment of rows not yet in order is
// split by the next few characters packed into one integer (skipping the prefix the whole
// segment shares), with a stable typed-array radix sort, and only the segments that hold the
// indices a caller asks for are split further. The grid asks for a window of 200 rows: the first
// answer costs one pass over the strings plus the refinement of the window's segments; the rest
// is sorted as the analyst scrolls (or all at once by `settleAll`).

/** A sequence of row positions in some order; `at` may do work the first time an index is read. */
export interface Ordered {
  readonly length: number;
  at(k: number): number;
}

/** Segments at most this long are finished by insertion sort. */
const SMALL = 16;

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
  private readonly strs: string[];
  /** The packed next characters of each local index (valid for the segment being split). */
  private readonly k0: Uint32Array;
  private readonly k1: Uint32Array;
  private tmp: Uint32Array | undefined;

  /** `positions` ascending (timeline order); `text(p)` the value at position p. */
  constructor(
    private readonly positions: Uint32Array,
    text: (p: number) => string,
  ) {
    const n = (this.length = positions.length);
    this.strs = new Array<string>(n);
    for (let i = 0; i < n; i++) this.strs[i] = text(positions[i]!);
    this.order = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    this.settled = new Uint8Array(n);
    this.isStart = new Uint8Array(n);
    this.segHi = new Uint32Array(n);
    this.segDepth = new Uint32Array(n);
    this.k0 = new Uint32Array(n);
    this.k1 = new Uint32Array(n);
    if (n === 1) this.settled[0] = 1;
    else if (n > 1) this.push(0, n, 0);
  }

  private push(lo: number, hi: number, depth: number): void {
    this.isStart[lo] = 1;
    this.segHi[lo] = hi;
    this.segDepth[lo] = depth;
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
    this.isStart[lo] = 0;
    if (hi - lo <= SMALL) {
      insertionSort(this.strs, this.order, lo, hi, d0);
      this.settled.fill(1, lo, hi);
      return;
    }
    // The whole range is visited once per split: the top one skips the shared-prefix pass (rows
    // of many containers rarely share one; if they do, the keys all tie and the next split skips it).
    const depth = d0 === 0 ? 0 : sharedPrefix(this.strs, this.order, lo, hi, d0);
    const width = this.packKeys(lo, hi, depth);
    this.radixByKey(lo, hi);
    // Runs of equal keys go deeper, unless their strings ended inside the key (then they are equal).
    const { order, k0, k1 } = this;
    const ended = (x: number) => (width === 1 ? k0[x] === 0 : (k1[x]! & 0xff) === 0);
    let r = lo;
    for (let i = lo + 1; i <= hi; i++) {
      if (i < hi && k0[order[i]!] === k0[order[r]!] && k1[order[i]!] === k1[order[r]!]) continue;
      if (i - r > 1 && !ended(order[r]!)) this.push(r, i, depth + width);
      else this.settled.fill(1, r, i);
      r = i;
    }
  }

  /**
   * k0, k1 (by local index) for order[lo..hi): the 8 characters at `depth` as 8-bit digits (code
   * unit + 1, 0 past the end) when they are all below 255; else the one character at `depth` as a
   * 17-bit digit. Returns how many characters the key covers.
   */
  private packKeys(lo: number, hi: number, depth: number): number {
    const { strs, order, k0, k1 } = this;
    for (let i = lo; i < hi; i++) {
      const x = order[i]!;
      const str = strs[x]!;
      const len = str.length;
      let a = 0;
      let b = 0;
      for (let j = depth; j < depth + 4; j++) {
        const c = j < len ? str.charCodeAt(j) + 1 : 0;
        if (c > 255) return this.packWide(lo, hi, depth);
        a = (a << 8) | c;
      }
      for (let j = depth + 4; j < depth + 8; j++) {
        const c = j < len ? str.charCodeAt(j) + 1 : 0;
        if (c > 255) return this.packWide(lo, hi, depth);
        b = (b << 8) | c;
      }
      k0[x] = a >>> 0;
      k1[x] = b >>> 0;
    }
    return 8;
  }

  private packWide(lo: number, hi: number, depth: number): number {
    const { strs, order, k0, k1 } = this;
    for (let i = lo; i < hi; i++) {
      const x = order[i]!;
      const str = strs[x]!;
      k0[x] = depth < str.length ? str.charCodeAt(depth) + 1 : 0;
      k1[x] = 0;
    }
    return 1;
  }

  /** Stable LSD radix sort of order[lo..hi) by (k0, k1); digits the whole range shares cost one counting pass. */
  private radixByKey(lo: number, hi: number): void {
    const { order, k0, k1 } = this;
    const tmp = (this.tmp ??= new Uint32Array(this.length));
    const bits = hi - lo > 1 << 14 ? 16 : 8;
    const mask = (1 << bits) - 1;
    const digits = 64 / bits;
    const size = mask + 1;
    // One pass counts every digit; digit d is bits [d*bits, (d+1)*bits) of k1 then of k0 (least significant first).
    const count = new Uint32Array(size * digits);
    const per = 32 / bits;
    for (let i = lo; i < hi; i++) {
      const x = order[i]!;
      const a = k0[x]!;
      const b = k1[x]!;
      for (let d = 0; d < per; d++) {
        count[d * size + ((b >>> (d * bits)) & mask)]!++;
        count[(d + per) * size + ((a >>> (d * bits)) & mask)]!++;
      }
    }
    const first = order[lo]!;
    for (let d = 0; d < digits; d++) {
      const word = d < per ? k1 : k0;
      const shift = (d % per) * bits;
      const base = d * size;
      if (count[base + ((word[first]! >>> shift) & mask)] === hi - lo) continue;
      let sum = lo;
      for (let v = 0; v < size; v++) {
        const c = count[base + v]!;
        count[base + v] = sum;
        sum += c;
      }
      for (let i = lo; i < hi; i++) {
        const x = order[i]!;
        tmp[count[base + ((word[x]! >>> shift) & mask)]!++] = x;
      }
      order.set(tmp.subarray(lo, hi), lo);
    }
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
