// The first characters of a text column, read once and kept: what the first split of a sort by
// that column needs, without reading a million strings in the order of the timeline.
// A text column's strings sit in memory in the order they were loaded, while the timeline order
// visits them in time order: reading every string in timeline order is a cache miss per string
// (most of a first sort's time). Read in load order, the same pass costs a few milliseconds;
// the characters it takes are then found by timeline position in a typed array.

import { stemsOf, type Stems } from './stems.js';
import { growU32, type GrowableU32 } from './interning.js';
import { keptU32 } from './keptArrays.js';

/** Characters `depth`…`depth + chars - 1` of each string (every string shares its first `depth`), by timeline position. */
export interface LeadKeys {
  /** How many first characters every string of the column shares (the longest common prefix); 0 with stems. */
  readonly depth: number;
  /**
   * When set, strings order by stem first (stems.ts): a key's highest byte is the string's stem
   * rank, and its other three the characters past the stem.
   */
  readonly stems: Stems | undefined;
  /** How many characters after `depth` (or after the stem) the keys hold (1–8: past 4 the rest in `keys2`; 1–3 with stems). */
  readonly chars: number;
  /**
   * false: `chars` characters of 8 bits (code unit + 1, 0 past the end of the string), when each
   * of them is below U+00FF in every string, the first in the highest byte. true: one character
   * of 17 bits (code unit + 1), when the first one is not below U+00FF somewhere.
   */
  readonly wide: boolean;
  /** By timeline position; positions outside the parts are 0 and never read. */
  readonly keys: Uint32Array;
  /**
   * Characters 5–8 past `depth`, packed as `keys` packs 1–4, when chars > 4 (else undefined): log
   * lines of one format share more than 4 leading characters (an IP's first octets, a date), and
   * without these the first window's segment would be split by passes over its strings.
   */
  readonly keys2: Uint32Array | undefined;
  /** The number of timeline positions. */
  readonly n: number;
}

/** A text column as an order reads it: its lead keys, and its strings in load order. */
export interface TextColumn {
  readonly lead: LeadKeys;
  readonly parts: readonly TextPart[];
}

/** Strings in the order they were loaded, each with its timeline position. */
export interface TextPart {
  readonly length: number;
  text(i: number): string;
  readonly position: Uint32Array;
}

/** Keys of eight characters from the first (KeyPacker.pack at depth 0) by index in a part, recorded at load. */
export interface LoadedLead {
  readonly keys: Uint32Array;
  readonly keys2: Uint32Array;
  /** Every recorded string's characters or-ed together, per position (KeyPacker.or). */
  readonly or: Int32Array;
  /** The indices whose keys were not recorded (the string was not at hand): they are packed at the sort. */
  readonly skipped: Uint32Array;
  /** The prefix every recorded string shares. */
  readonly shared: SharedPrefix;
  /** Keys of the eight characters past that prefix when it is KEY_CHARS or longer (else undefined). */
  readonly deep: DeepKeys | undefined;
}

/** Keys packed as KeyPacker packs them (keys, keys2, or), of the characters from `depth` on. */
export interface DeepKeys {
  readonly depth: number;
  readonly keys: Uint32Array;
  readonly keys2: Uint32Array;
  readonly or: Int32Array;
}

/** The prefix a set of strings shares: the first `length` characters of `first` (none when there is no string). */
export interface SharedPrefix {
  readonly first: string | undefined;
  readonly length: number;
}

/**
 * The keys every part recorded at load, put at their timeline positions once the load knows them
 * (recordedLead): a first sort then reads them where they are instead of scattering a million keys.
 */
export interface RecordedLead {
  readonly keys: Uint32Array;
  readonly keys2: Uint32Array;
  readonly or: Int32Array;
  /** The positions whose keys were not recorded (0 in keys and keys2). */
  readonly skipped: Uint32Array;
  /** The prefix every recorded string shares (the skipped ones are not in it). */
  readonly shared: SharedPrefix;
  /** Every part's deep keys at the shared prefix, by timeline position, when every part had them at that depth. */
  readonly deep: DeepKeys | undefined;
}

/** A column's recorded keys and how to read a string by timeline position (for the skipped ones). */
export interface Recorded {
  readonly lead: RecordedLead;
  at(p: number): string;
}

/**
 * Records the lead keys of strings as a part loads them, while each string is fresh in the cache:
 * a first sort then reads keys instead of reading a million strings again (most of its time).
 */
export class LeadRecorder {
  private readonly keys: GrowableU32 = growU32();
  private readonly keys2: GrowableU32 = growU32();
  private readonly skipped: GrowableU32 = growU32();
  private readonly or = new Int32Array(KEY_CHARS);
  /**
   * The prefix the strings share, kept as they come: the keys are of their first eight characters,
   * which say nothing past a longer shared prefix, and knowing its length spares the first sort a
   * pass that finds it (most columns share none after a few strings, and then this costs nothing).
   */
  private first: string | undefined;
  private sharedLength = 0;
  /**
   * Past a shared prefix of KEY_CHARS or more (a column of one format's lines) the keys above hold
   * only shared characters: the eight after the prefix are recorded too, packed again from the
   * strings so far (`text`) each time the prefix shortens, at most DEEP_RESTARTS times.
   */
  private deep: { depth: number; keys: GrowableU32; keys2: GrowableU32; or: Int32Array } | undefined;
  private deepRestarts = 0;

  /** `text(i)`: the i-th string added (read again only when the deep keys start over). */
  constructor(private readonly text: (i: number) => string) {}

  add(s: string): void {
    const i = this.keys.length;
    this.keys.push(fourChars(s, 0, this.or, 0));
    this.keys2.push(fourChars(s, 4, this.or, 4));
    if (this.first === undefined) [this.first, this.sharedLength] = [s, s.length];
    else if (this.sharedLength !== 0) this.sharedLength = prefixOf(this.first, s, 0, this.sharedLength);
    if (i > 0 && this.sharedLength >= KEY_CHARS) this.addDeep(i, s);
    else this.deep = undefined;
  }

  private addDeep(i: number, s: string): void {
    const d = this.sharedLength;
    if (this.deep?.depth !== d) {
      if (this.deepRestarts++ >= DEEP_RESTARTS) return void (this.deep = undefined);
      this.deep = { depth: d, keys: growU32(), keys2: growU32(), or: new Int32Array(KEY_CHARS) };
      const skipped = this.skipped.view();
      for (let k = 0, next = 0; k < i; k++) {
        if (skipped[next] === k) next++;
        this.packDeep(skipped[next - 1] === k ? null : this.text(k));
      }
    }
    this.packDeep(s);
  }

  /** Packs s past the deep prefix (0 for a string left to the sort). */
  private packDeep(s: string | null): void {
    const deep = this.deep!;
    deep.keys.push(s === null ? 0 : fourChars(s, deep.depth, deep.or, 0));
    deep.keys2.push(s === null ? 0 : fourChars(s, deep.depth + 4, deep.or, 4));
  }

  /** A string whose keys are left to the sort (it will pack them from the part's text). */
  skip(): void {
    this.skipped.push(this.keys.length);
    this.keys.push(0);
    this.keys2.push(0);
    if (this.deep) this.packDeep(null);
  }

  view(): LoadedLead {
    const { deep } = this;
    return {
      keys: this.keys.view(),
      keys2: this.keys2.view(),
      or: this.or,
      skipped: this.skipped.view(),
      shared: { first: this.first, length: this.sharedLength },
      deep: deep && deep.keys.length === this.keys.length ? { depth: deep.depth, keys: deep.keys.view(), keys2: deep.keys2.view(), or: deep.or } : undefined,
    };
  }
}

/** How many times the deep keys may start over as the shared prefix shortens (each start packs the strings so far). */
const DEEP_RESTARTS = 4;

/** The parts' recorded keys (`lead` by index, `position` each index's timeline position) over `n` positions. */
export function recordedLead(n: number, parts: readonly { lead: LoadedLead; position: Uint32Array }[]): RecordedLead {
  const keys = keptU32(n);
  const keys2 = keptU32(n);
  const or = new Int32Array(KEY_CHARS);
  let skips = 0;
  for (const { lead, position } of parts) {
    for (let k = 0; k < KEY_CHARS; k++) or[k]! |= lead.or[k]!;
    for (let i = 0; i < position.length; i++) {
      const p = position[i]!;
      keys[p] = lead.keys[i]!;
      keys2[p] = lead.keys2[i]!;
    }
    skips += lead.skipped.length;
  }
  const skipped = new Uint32Array(skips);
  let o = 0;
  for (const { lead, position } of parts) for (const i of lead.skipped) skipped[o++] = position[i]!;
  const shared = parts.reduce((a, { lead }) => joinShared(a, lead.shared.first, lead.shared.length), NO_STRING);
  return { keys, keys2, or, skipped, shared, deep: deepAt(n, parts, shared.length) };
}

/** The parts' deep keys by timeline position, when every part with a string has them at `depth`. */
function deepAt(n: number, parts: readonly { lead: LoadedLead; position: Uint32Array }[], depth: number): DeepKeys | undefined {
  const withStrings = parts.filter((p) => p.position.length > 0);
  if (depth < KEY_CHARS || !withStrings.every((p) => p.lead.deep?.depth === depth)) return undefined;
  const keys = keptU32(n);
  const keys2 = keptU32(n);
  const or = new Int32Array(KEY_CHARS);
  for (const { lead, position } of withStrings) {
    const deep = lead.deep!;
    for (let k = 0; k < KEY_CHARS; k++) or[k]! |= deep.or[k]!;
    for (let i = 0; i < position.length; i++) {
      keys[position[i]!] = deep.keys[i]!;
      keys2[position[i]!] = deep.keys2[i]!;
    }
  }
  return { depth, keys, keys2, or };
}

const NO_STRING: SharedPrefix = { first: undefined, length: 0 };

/** The prefix shared by the strings of `a` and by a set whose prefix is `length` characters of `first`. */
function joinShared(a: SharedPrefix, first: string | undefined, length: number): SharedPrefix {
  if (first === undefined) return a;
  if (a.first === undefined) return { first, length };
  return { first: a.first, length: prefixOf(a.first, first, 0, Math.min(a.length, length)) };
}

/** Characters d…d + 3 of s, 8 bits each (code unit + 1, 0 past the end), the first highest; each or-ed into or[o..o + 3]. */
function fourChars(s: string, d: number, or: Int32Array, o: number): number {
  const len = s.length;
  const a = d < len ? s.charCodeAt(d) + 1 : 0;
  const b = d + 1 < len ? s.charCodeAt(d + 1) + 1 : 0;
  const c = d + 2 < len ? s.charCodeAt(d + 2) + 1 : 0;
  const e = d + 3 < len ? s.charCodeAt(d + 3) + 1 : 0;
  or[o] |= a;
  or[o + 1] |= b;
  or[o + 2] |= c;
  or[o + 3] |= e;
  return (((a & 0xff) << 24) | ((b & 0xff) << 16) | ((c & 0xff) << 8) | (e & 0xff)) >>> 0;
}

const KEY_CHARS = 8;
/** Strings per part the shared prefix is first guessed from. */
const SAMPLE = 1024;

/**
 * The column of the parts' strings over `n` timeline positions. `identifiers`: the strings are
 * ids, a stem and a number (`<snapshot>/<table>/000000042`), keyed past their own stem (stems.ts).
 */
export function textColumnOf(parts: readonly TextPart[], n: number, identifiers = false, recorded?: Recorded): TextColumn {
  return { lead: (identifiers ? stemmedLeadKeys(parts, n) : undefined) ?? leadKeysOf(parts, n, recorded), parts };
}

/** Packs eight characters of s from d into keys[p] and keys2[p], or-ing each (code unit + 1) into or[0..7]. */
class KeyPacker {
  readonly keys: Uint32Array;
  /** Characters 5–8 (not for stems, whose keys hold 3). */
  private keys2: Uint32Array | undefined;
  /** The characters' bits together (a character at or above U+00FF sets a bit above 8). */
  readonly or = new Int32Array(KEY_CHARS);
  /** Whether `keys` is this packer's own (false: keys recorded at load, which a wide column must not overwrite). */
  private readonly owned: boolean;
  /** `recorded`: keys recorded at load, taken as they are; its skipped positions still to pack. */
  constructor(readonly n: number, eight = true, recorded?: Pick<DeepKeys, 'keys' | 'keys2' | 'or'>) {
    this.owned = !recorded;
    this.keys = recorded ? recorded.keys : keptU32(n);
    if (recorded) this.keys2 = recorded.keys2;
    else if (eight) this.keys2 = keptU32(n);
    if (recorded) this.or.set(recorded.or);
  }
  pack(p: number, s: string, d: number): void {
    this.keys[p] = fourChars(s, d, this.or, 0);
    this.keys2![p] = fourChars(s, d + 4, this.or, 4);
  }
  /** Packs group g into the highest byte and three characters of s from d into the others. */
  packStem(p: number, s: string, d: number, g: number): void {
    const len = s.length;
    const a = d < len ? s.charCodeAt(d) + 1 : 0;
    const b = d + 1 < len ? s.charCodeAt(d + 1) + 1 : 0;
    const c = d + 2 < len ? s.charCodeAt(d + 2) + 1 : 0;
    const or = this.or;
    or[0] |= a;
    or[1] |= b;
    or[2] |= c;
    this.keys[p] = ((g << 24) | ((a & 0xff) << 16) | ((b & 0xff) << 8) | (c & 0xff)) >>> 0;
  }
  /** How many leading characters are 8 bits in every string. */
  private chars(max: number): number {
    let chars = 0;
    while (chars < max && this.or[chars]! <= 0xff) chars++;
    return chars;
  }
  /** The lead keys: as many characters as are 8 bits in every string, else one of 17 bits (one more pass). */
  finish(parts: readonly TextPart[], depth: number): LeadKeys {
    const { n } = this;
    const chars = this.chars(KEY_CHARS);
    if (chars > 0) return { depth, stems: undefined, chars, wide: false, keys: this.keys, keys2: chars > 4 ? this.keys2 : undefined, n };
    // The first character past the prefix is wide somewhere (a column of non-Latin text).
    const keys = this.owned ? this.keys : keptU32(n);
    for (const part of parts) {
      for (let i = 0; i < part.length; i++) {
        const s = part.text(i);
        keys[part.position[i]!] = depth < s.length ? s.charCodeAt(depth) + 1 : 0;
      }
    }
    return { depth, stems: undefined, chars: 1, wide: true, keys, keys2: undefined, n };
  }
  /** The lead keys by stem: group numbers become ranks; undefined when the first character past a stem is wide somewhere. */
  finishStems(stems: Stems): LeadKeys | undefined {
    const { keys, n } = this;
    const chars = this.chars(3);
    if (chars === 0) return undefined;
    const { rankOf } = stems;
    for (let p = 0; p < n; p++) keys[p] = ((rankOf[keys[p]! >>> 24]! << 24) | (keys[p]! & 0xffffff)) >>> 0;
    return { depth: 0, stems, chars, wide: false, keys, keys2: undefined, n };
  }
}

/**
 * The lead keys of the parts' strings over `n` timeline positions, past the prefix they all share.
 * From what the load recorded when there is a record (fromRecorded); else one pass in load order
 * that packs the keys past the prefix a sample shares and finds the smallest and largest string,
 * and a second only when some string shares less than the sample.
 */
export function leadKeysOf(parts: readonly TextPart[], n: number, recorded?: Recorded): LeadKeys {
  if (recorded) return fromRecorded(parts, n, recorded);
  const guess = sampledPrefixLength(parts);
  let packer = new KeyPacker(n);
  let lo: string | undefined;
  let hi: string | undefined;
  for (const part of parts) {
    const { position } = part;
    for (let i = 0; i < part.length; i++) {
      const s = part.text(i);
      packer.pack(position[i]!, s, guess);
      // With no shared prefix guessed there is none to check (and no string to compare).
      if (guess === 0) continue;
      if (lo === undefined || hi === undefined) lo = hi = s;
      else if (s < lo) lo = s;
      else if (s > hi) hi = s;
    }
  }
  // Any prefix the smallest and the largest string share, every string between them shares.
  const depth = guess === 0 || lo === undefined || hi === undefined ? 0 : prefixOf(lo, hi, 0);
  if (depth === guess) return packer.finish(parts, depth);
  packer = new KeyPacker(n);
  for (const part of parts) {
    const { position } = part;
    for (let i = 0; i < part.length; i++) packer.pack(position[i]!, part.text(i), depth);
  }
  return packer.finish(parts, depth);
}

/**
 * The lead keys from what the load recorded. With no prefix shared (the usual column) they are the
 * recorded keys, and past a long shared prefix the deep ones, and only the strings the load skipped
 * are read; past a shorter prefix (whose length the load found) one pass packs the characters after it.
 */
function fromRecorded(parts: readonly TextPart[], n: number, recorded: Recorded): LeadKeys {
  const { lead } = recorded;
  let shared = lead.shared;
  for (const p of lead.skipped) {
    if (shared.first !== undefined && shared.length === 0) break;
    const s = recorded.at(p);
    shared = joinShared(shared, s, s.length);
  }
  // The keys recorded at load at this depth: the depth-0 ones, or the deep ones past a long prefix.
  const atLoad = shared.length === 0 ? lead : lead.deep?.depth === shared.length ? lead.deep : undefined;
  if (atLoad) {
    const packer = new KeyPacker(n, true, atLoad);
    for (const p of lead.skipped) packer.pack(p, recorded.at(p), shared.length);
    return packer.finish(parts, shared.length);
  }
  const packer = new KeyPacker(n);
  for (const part of parts) {
    const { position } = part;
    for (let i = 0; i < part.length; i++) packer.pack(position[i]!, part.text(i), shared.length);
  }
  return packer.finish(parts, shared.length);
}

/** The prefix a sample of the strings shares (at least as long as the one all share). */
function sampledPrefixLength(parts: readonly TextPart[]): number {
  let first: string | undefined;
  let depth = Infinity;
  for (const part of parts) {
    const step = Math.max(1, Math.floor(part.length / SAMPLE));
    for (let i = 0; i < part.length; i += step) {
      const s = part.text(i);
      if (first === undefined) first = s;
      depth = Math.min(depth, prefixOf(first, s, 0));
    }
  }
  return first === undefined ? 0 : Math.min(depth, first.length);
}

/** Lead keys past each string's stem, in the same pass that finds the stems; undefined when the strings are not ids of a few stems. */
function stemmedLeadKeys(parts: readonly TextPart[], n: number): LeadKeys | undefined {
  const packer = new KeyPacker(n, false);
  const stems = stemsOf(parts, (p, s, d, g) => packer.packStem(p, s, d, g));
  return stems && packer.finishStems(stems);
}

/**
 * digit[x] for order[lo..hi): the key characters at byte `b` of the eight (keys then keys2, the
 * first in the highest byte) and, when mask is 0xffff, b + 1; mask 0x1ffff a wide key whole.
 */
export function leadDigits(keys: Uint32Array, keys2: Uint32Array | undefined, positions: Uint32Array, order: Uint32Array, lo: number, hi: number, b: number, mask: number, digit: Uint32Array): void {
  if (mask === 0x1ffff) {
    for (let i = lo; i < hi; i++) digit[order[i]!] = keys[positions[order[i]!]!]!;
    return;
  }
  const two = mask === 0xffff;
  if (two && b === 3) {
    // The pair straddles the two words: the last character of keys, the first of keys2.
    for (let i = lo; i < hi; i++) {
      const x = order[i]!;
      const p = positions[x]!;
      digit[x] = ((keys[p]! & 0xff) << 8) | (keys2![p]! >>> 24);
    }
    return;
  }
  const words = b < 4 ? keys : keys2!;
  const shift = 32 - 8 * ((b & 3) + (two ? 2 : 1));
  for (let i = lo; i < hi; i++) {
    const x = order[i]!;
    digit[x] = (words[positions[x]!]! >>> shift) & mask;
  }
}

/** The length of the prefix a and b share, given that they share their first d characters; at most max. */
export function prefixOf(a: string, b: string, d: number, max = a.length): number {
  const m = Math.min(max, a.length, b.length);
  while (d < m && a.charCodeAt(d) === b.charCodeAt(d)) d++;
  return d;
}

/**
 * Members of a segment of an order, read in load order: bit p of `bits` is set when position p is
 * in the segment (a bit set stays in cache where an array per position would not), and its index
 * in the order is local[p] (p itself when the order holds every position).
 */
export interface Members {
  readonly bits: Uint32Array;
  readonly local: Int32Array | undefined;
}

/** Calls `each(text, x)` for every member, in load order. */
function forMembers(parts: readonly TextPart[], m: Members, each: (s: string, x: number) => void): void {
  const { bits, local } = m;
  for (const part of parts) {
    const { position } = part;
    for (let i = 0; i < part.length; i++) {
      const p = position[i]!;
      if ((bits[p >>> 5]! & (1 << (p & 31))) === 0) continue;
      each(part.text(i), local ? local[p]! : p);
    }
  }
}

/** The smallest and largest string a pass saw (any prefix they share, every string between them shares). */
export interface Bounds {
  lo: string | undefined;
  hi: string | undefined;
}

/**
 * digit[x] of each member: characters depth and depth + 1 of 8 bits each (code unit + 1, 0 past
 * the end) when every member's are below U+00FF, else character depth of 17 bits. Returns the
 * characters taken. One pass in load order (two when a character is wide); with `bounds`, the
 * same pass records the smallest and largest member string.
 */
export function scanDigits(parts: readonly TextPart[], m: Members, depth: number, digit: Uint32Array, bounds?: Bounds): 1 | 2 {
  let over = false;
  forMembers(parts, m, (s, x) => {
    if (bounds) {
      if (bounds.lo === undefined || s < bounds.lo) bounds.lo = s;
      if (bounds.hi === undefined || s > bounds.hi) bounds.hi = s;
    }
    const a = depth < s.length ? s.charCodeAt(depth) + 1 : 0;
    const b = depth + 1 < s.length ? s.charCodeAt(depth + 1) + 1 : 0;
    over ||= a > 255 || b > 255;
    digit[x] = (a << 8) | (b & 0xff);
  });
  if (!over) return 2;
  forMembers(parts, m, (s, x) => {
    digit[x] = depth < s.length ? s.charCodeAt(depth) + 1 : 0;
  });
  return 1;
}
