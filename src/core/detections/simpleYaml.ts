// A fast reader for the part of YAML that manifests are almost always written in: block mappings
// and sequences, one-line plain and quoted scalars, one-line flow collections, literal block
// scalars (`|`, `|-`), and the anchors, aliases and merge keys of chart templates (`- &base`,
// `key: &a value`, `*a`, `<<: *a`, `<<: [*a, *b]`). It gives js-yaml's own result or NOT_SIMPLE,
// never a third answer: anything outside the subset (tags, folded or multi-line scalars, tabs, CR
// line ends, odd indentation, an anchor on a key or inside a flow collection, an alias to a node
// still being read, an anchor defined twice, anything js-yaml would reject) makes it give up, and
// the caller parses the document with js-yaml. An alias is the anchored node itself, shared as
// js-yaml shares it, and a merge copies the keys the mapping does not have yet, as js-yaml's
// mergeMappings does (with its limit on merge work), so the caller's alias-bomb check sees the
// same graph. Plain scalars are typed by the schema's own implicit resolvers, in the schema's
// order, so `yes`, `0x1F` or `1_000` come out exactly as js-yaml makes them. Measured several
// times faster than js-yaml on `kubectl get -o yaml` output and on chart templates; the
// differential test in test/core/detections/simpleYaml.test.ts holds the two to the same result.

import { internedCopy, TextTable } from './textTable.js';

export const NOT_SIMPLE: unique symbol = Symbol('not simple YAML');

/** One implicit type of a js-yaml schema (its compiledImplicit list). */
export interface ImplicitType {
  tag: string;
  resolve: (data: string) => boolean;
  construct: (data: string) => unknown;
}

/** Thrown inside the reader to give up; never escapes it. */
const BAIL = { bail: true };
/** js-yaml stops at depth 100; well below it we let js-yaml decide. */
const MAX_DEPTH = 60;
/** Characters js-yaml refuses in a stream (and tab, CR, BOM, surrogates, which the subset leaves to js-yaml). */
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const NOT_IN_SUBSET = /[\x00-\x09\x0B-\x1F\x7F-\x9F\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/;
const MERGE_TAG = 'tag:yaml.org,2002:merge';
/** A plain `<<` key: its value is merged into the mapping instead of stored. */
const MERGE: unique symbol = Symbol('merge key');
/** An anchor whose node is still being read: an alias to it would make a cycle, left to js-yaml. */
const PENDING: unique symbol = Symbol('anchor being read');
/** js-yaml's maxTotalMergeKeys: merge work per document (a source, and each of its keys) beyond it is an error. */
const MAX_MERGE_WORK = 10_000;
/** js-yaml's limit on the length of a merge sequence. */
const MAX_MERGE_SOURCES = 100;

const SPACE = 32;
const LF = 10;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const AMP = 38;
const STAR = 42;
const DQUOTE = 34;
const SQUOTE = 39;

/** Character classes of ASCII, as bits (a table: the reader tests every character of the text). */
const NOT_PLAIN_START = 1;
const FLOW_INDICATOR = 2;
/** Where a plain scalar can be anything but a string: the first characters of null, booleans, numbers and the merge key. */
const MAYBE_TYPED = 4;
/** What the subset allows in an anchor or alias name (js-yaml allows more; the rest is left to it). */
const NAME = 8;
const CLASS = new Uint8Array(65536);
const mark = (chars: string, bit: number) => {
  for (const c of chars) CLASS[c.charCodeAt(0)]! |= bit;
};
// What cannot start a plain scalar (js-yaml's readPlainScalar).
mark(',[]{}#&*!|>\'"%@`', NOT_PLAIN_START);
mark(',[]{}', FLOW_INDICATOR);
mark('-+.~0123456789nNtTfFyYoO<', MAYBE_TYPED);
mark('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-', NAME);
const is = (c: number, bit: number): boolean => (CLASS[c]! & bit) !== 0;

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\x00', a: '\x07', b: '\x08', t: '\t', '\t': '\t', n: '\n', v: '\x0B', f: '\x0C', r: '\r', e: '\x1B',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xA0', L: '\u2028', P: '\u2029',
};

/**
 * The keys and short plain values already read, with what the schema made of them, per schema:
 * manifests repeat the same keys and values (name, namespace, true, 8080) thousands of times, and
 * the resolvers are pure (textTable.ts says why a key found in place is cheaper than a fresh one).
 */
interface Tables {
  /** A plain key's text and the property name it gives (MERGE for `<<`). */
  keys: TextTable<string | typeof MERGE>;
  /** A short plain value's text and its typed value. */
  values: TextTable<unknown>;
}
const TABLES = new WeakMap<readonly ImplicitType[], Tables>();
/** Values longer than this are not kept (most are unique names; see textTable.ts on slices). */
const TABLE_VALUE_MAX = 12;
/** Longer keys are not kept: a key is read once per mapping, a long one is rarely repeated. */
const TABLE_KEY_MAX = 64;

function tablesOf(implicit: readonly ImplicitType[]): Tables {
  let t = TABLES.get(implicit);
  if (!t) TABLES.set(implicit, (t = { keys: new TextTable(12), values: new TextTable(13) }));
  return t;
}

/** A plain scalar as the schema types it; MERGE for the merge key's `<<`. */
function resolvePlain(raw: string, implicit: readonly ImplicitType[]): unknown {
  if (!is(raw.charCodeAt(0), MAYBE_TYPED)) return raw;
  for (const t of implicit) if (t.resolve(raw)) return t.tag === MERGE_TAG ? MERGE : t.construct(raw);
  return raw;
}

function setProperty(o: Record<string, unknown>, key: string, value: unknown): void {
  // As js-yaml does: a `__proto__` key is an own property, not the prototype.
  if (key === '__proto__') Object.defineProperty(o, key, { configurable: true, enumerable: true, writable: true, value });
  else o[key] = value;
}

class Reader {
  /** First content character of the current line, its indent (-1 at the end). */
  private p = 0;
  private col = 0;
  /** Where the last scalar or flow collection read ended (the reader returns values, not tuples: no allocation per scalar). */
  private end = 0;
  private readonly n: number;
  private readonly tables: Tables;
  /** The document's anchors (js-yaml's are per document too); made at the first anchor (a List's entries are read one Reader each, most with none). */
  private anchors: Map<string, unknown> | null = null;
  private mergeWork = 0;

  /** `end`: where the text read ends (a part of a larger text is read in place, without a copy). */
  constructor(
    private readonly s: string,
    private readonly implicit: readonly ImplicitType[],
    end = s.length,
  ) {
    this.n = end;
    this.tables = tablesOf(implicit);
  }

  private get eof(): boolean {
    return this.col === -1;
  }

  /** Moves to the next line holding content, starting at the line that starts at `from`. */
  private seek(from: number): void {
    const s = this.s;
    let i = from;
    for (;;) {
      let j = i;
      while (s.charCodeAt(j) === SPACE) j++;
      if (j >= this.n) {
        this.p = this.n;
        this.col = -1;
        return;
      }
      const c = s.charCodeAt(j);
      if (c === LF || c === HASH) {
        const e = c === LF ? j : s.indexOf('\n', j);
        if (e === -1) {
          this.p = this.n;
          this.col = -1;
          return;
        }
        i = e + 1;
        continue;
      }
      this.p = j;
      this.col = j - i;
      return;
    }
  }

  private nextLine(i: number): number {
    const e = this.s.indexOf('\n', i);
    return e === -1 ? this.n : e + 1;
  }

  private isSeqStart(i: number): boolean {
    if (this.s.charCodeAt(i) !== DASH) return false;
    const c = this.s.charCodeAt(i + 1);
    return c === SPACE || c === LF || i + 1 >= this.n;
  }

  document(): unknown {
    const s = this.s;
    this.seek(0);
    if (this.eof) throw BAIL;
    if (this.col === 0 && s.startsWith('---', this.p)) {
      // Only a bare marker (or one with a comment): `--- !tag` or `--- value` are js-yaml's.
      if (this.lineRest(this.p + 3) === -1) throw BAIL;
      this.seek(this.nextLine(this.p));
      if (this.eof) throw BAIL;
    }
    const c = s.charCodeAt(this.p);
    if (c === 37 /* % */ || this.isSeqStart(this.p)) throw BAIL;
    const root = this.mapping(this.col, this.p, 0);
    if (!this.eof) throw BAIL;
    return root;
  }

  /**
   * The mapping of a block-sequence entry whose line starts at `lineStart` and whose `-` is at
   * `dash`, read as document() reads the entry's text with its `-` made a space (the mapping keeps
   * its column). Only the shape `- key...` on the entry's first line is read here; anything else
   * after the `-` (a comment, the line end, a nested entry) gives up, and the caller reads the
   * entry as a text of its own.
   */
  entry(lineStart: number, dash: number): unknown {
    const j = this.skipSpaces(dash + 1);
    const c = this.s.charCodeAt(j);
    if (j >= this.n || c === LF || c === HASH || c === 37 /* % */ || this.isSeqStart(j)) throw BAIL;
    this.p = j;
    this.col = j - lineStart;
    const root = this.mapping(this.col, this.p, 0);
    if (!this.eof) throw BAIL;
    return root;
  }

  /** From i: the position of the line end when only spaces (and a comment after a space) remain; -1 otherwise. */
  private lineRest(i: number): number {
    const s = this.s;
    const start = i;
    while (s.charCodeAt(i) === SPACE) i++;
    if (i >= this.n || s.charCodeAt(i) === LF) return i;
    if (s.charCodeAt(i) === HASH && i > start) {
      const e = s.indexOf('\n', i);
      return e === -1 ? this.n : e;
    }
    return -1;
  }

  /** After a value ending at `end`: the rest of its line is blank or a comment, and the next content line is not deeper than `parent`. */
  private finishLine(end: number, parent: number): void {
    const e = this.lineRest(end);
    if (e === -1) throw BAIL;
    this.seek(e + 1);
    if (this.col > parent) throw BAIL;
  }

  /** The plain scalar `s[start, end)` in a value's place, as the schema types it (`<<` there is left to js-yaml). */
  private plainValue(start: number, end: number): unknown {
    let value: unknown;
    if (end - start > TABLE_VALUE_MAX) value = resolvePlain(this.s.slice(start, end), this.implicit);
    else {
      const values = this.tables.values;
      const slot = values.slot(this.s, start, end);
      if (values.holds(slot, this.s, start, end)) value = values.value(slot);
      else {
        // Short: the slice is a flat copy, safe to keep.
        const raw = this.s.slice(start, end);
        value = resolvePlain(raw, this.implicit);
        values.set(slot, raw, value);
      }
    }
    if (value === MERGE) throw BAIL;
    return value;
  }

  /** The property name a plain key `s[start, end)` gives, as the schema types it (`yes` gives "true"); MERGE for `<<`. */
  private plainKey(start: number, end: number): string | typeof MERGE {
    const keys = this.tables.keys;
    const long = end - start > TABLE_KEY_MAX;
    const slot = long ? -1 : keys.slot(this.s, start, end);
    if (!long && keys.holds(slot, this.s, start, end)) return keys.value(slot);
    const raw = this.s.slice(start, end);
    const typed = resolvePlain(raw, this.implicit);
    const key = typed === MERGE ? MERGE : String(typed);
    if (!long) {
      const text = internedCopy(raw);
      keys.set(slot, text, key === raw ? text : key === MERGE ? MERGE : internedCopy(key));
    }
    return key;
  }

  /** A block mapping whose first key starts at `at` (column `indent`). */
  private mapping(indent: number, at: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw BAIL;
    const out: Record<string, unknown> = {};
    for (;;) {
      const key = this.blockKey(at);
      const value = this.pairValue(this.end, indent, depth);
      if (key === MERGE) this.merge(out, value);
      else setProperty(out, key, value);
      if (this.eof || this.col < indent) return out;
      if (this.col > indent || this.isSeqStart(this.p)) throw BAIL;
      at = this.p;
    }
  }

  /** The value after the colon at `colon` of a pair in the mapping at `indent`; leaves the reader at the next content line. */
  private pairValue(colon: number, indent: number, depth: number): unknown {
    const s = this.s;
    let v = colon + 1;
    while (s.charCodeAt(v) === SPACE) v++;
    const c = s.charCodeAt(v);
    if (v >= this.n || c === LF || (c === HASH && v > colon + 1)) {
      this.seek(this.nextLine(v));
      if (this.col > indent) return this.block(depth + 1);
      if (this.col === indent && this.isSeqStart(this.p)) return this.sequence(indent, depth + 1);
      return null;
    }
    if (v === colon + 1) throw BAIL; // `key:value` is not a pair
    if (c === AMP) return this.anchored(v, indent, depth);
    return this.inline(v, indent, depth + 1);
  }

  /** js-yaml's mergeMappings for `<<: value`: each source's keys that the mapping lacks so far, values shared. */
  private merge(out: Record<string, unknown>, value: unknown): void {
    const sources = Array.isArray(value) ? value : [value];
    if (sources.length > MAX_MERGE_SOURCES) throw BAIL;
    for (const src of sources) {
      // js-yaml also merges an array's indices; only mappings are in the subset.
      if (!src || typeof src !== 'object' || Array.isArray(src)) throw BAIL;
      const keys = Object.keys(src);
      this.mergeWork += 1 + keys.length;
      if (this.mergeWork > MAX_MERGE_WORK) throw BAIL;
      for (const k of keys) if (!Object.prototype.hasOwnProperty.call(out, k)) setProperty(out, k, (src as Record<string, unknown>)[k]);
    }
  }

  /** An anchor or alias name at i, ending at a space or the line end (in a flow collection also at `,]}`); `end` is then after it. */
  private nodeName(i: number, flow: boolean): string {
    const s = this.s;
    let j = i;
    while (j < this.n && is(s.charCodeAt(j), NAME)) j++;
    const c = s.charCodeAt(j);
    if (j === i || !(j >= this.n || c === SPACE || c === LF || (flow && is(c, FLOW_INDICATOR)))) throw BAIL;
    this.end = j;
    return s.slice(i, j);
  }

  /** `&name` at v and the node it names: a block on the next lines (deeper than `parent`) or a value on this line. */
  private anchored(v: number, parent: number, depth: number): unknown {
    const s = this.s;
    const name = this.nodeName(v + 1, false);
    const anchors = (this.anchors ??= new Map<string, unknown>());
    if (anchors.has(name)) throw BAIL; // redefined: which node an alias means is left to js-yaml
    anchors.set(name, PENDING);
    const i = this.skipSpaces(this.end);
    const c = s.charCodeAt(i);
    let value: unknown;
    if (i >= this.n || c === LF || (c === HASH && i > this.end)) {
      this.seek(this.nextLine(i));
      if (this.col <= parent) throw BAIL; // an empty node, or a sequence at its key's indent
      value = this.block(depth + 1);
    } else {
      // Another property, an alias, a block scalar or an indicator after the anchor: js-yaml's.
      if (c === AMP || c === STAR || c === 33 /* ! */ || c === 124 /* | */ || c === 62 /* > */) throw BAIL;
      value = this.inline(i, parent, depth + 1);
    }
    anchors.set(name, value);
    return value;
  }

  /** The node an alias names (`end` after the name); unknown or still being read: js-yaml's. */
  private aliased(i: number, flow: boolean): unknown {
    const value = this.anchors?.get(this.nodeName(i + 1, flow));
    if (value === undefined || value === PENDING) throw BAIL;
    return value;
  }

  /** A key at `at` on one line; `end` is then its colon (followed by a space or the line end). MERGE for a plain `<<`. */
  private blockKey(at: number): string | typeof MERGE {
    const s = this.s;
    const c = s.charCodeAt(at);
    if (c === DQUOTE || c === SQUOTE) {
      const key = this.quoted(at);
      const end = this.end;
      const after = s.charCodeAt(end + 1);
      if (s.charCodeAt(end) !== COLON || !(after === SPACE || after === LF || end + 1 >= this.n)) throw BAIL;
      return key;
    }
    const colon = this.plainKeyEnd(at);
    if (colon === -1) throw BAIL;
    let e = colon;
    while (s.charCodeAt(e - 1) === SPACE) e--;
    if (e - at > 1024) throw BAIL;
    this.end = colon;
    return this.plainKey(at, e);
  }

  /** The colon ending a plain key that starts at `at`, or -1 when the line holds no such key. */
  private plainKeyEnd(at: number): number {
    const s = this.s;
    const c = s.charCodeAt(at);
    if (is(c, NOT_PLAIN_START) || c === SPACE || c === LF) return -1;
    const f0 = s.charCodeAt(at + 1);
    if ((c === DASH || c === 63 /* ? */ || c === COLON) && (f0 === SPACE || f0 === LF || at + 1 >= this.n)) return -1;
    for (let i = at + 1; i < this.n; i++) {
      const ch = s.charCodeAt(i);
      if (ch === LF) return -1;
      if (ch === COLON) {
        const f = s.charCodeAt(i + 1);
        if (f === SPACE || f === LF || i + 1 >= this.n) return i;
      } else if (ch === HASH && s.charCodeAt(i - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** A nested block at the current line (deeper than its parent). */
  private block(depth: number): unknown {
    if (this.isSeqStart(this.p)) return this.sequence(this.col, depth);
    return this.mapping(this.col, this.p, depth);
  }

  private sequence(indent: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) throw BAIL;
    const s = this.s;
    const out: unknown[] = [];
    for (;;) {
      const lineStart = this.p - indent;
      let q = this.p + 1;
      while (s.charCodeAt(q) === SPACE) q++;
      const c = s.charCodeAt(q);
      if (q >= this.n || c === LF || (c === HASH && q > this.p + 1)) {
        this.seek(this.nextLine(q));
        // js-yaml reads a less indented line after an empty entry as that entry's value: left to it.
        if (this.col !== -1 && this.col < indent) throw BAIL;
        out.push(this.col > indent ? this.block(depth + 1) : null);
      } else if (this.isSeqStart(q)) {
        throw BAIL; // `- - x`
      } else if (c === AMP) {
        out.push(this.anchored(q, indent, depth));
      } else if (c === DQUOTE || c === SQUOTE || this.plainKeyEnd(q) !== -1) {
        if ((c === DQUOTE || c === SQUOTE) && !this.quotedKey(q)) out.push(this.inline(q, indent, depth + 1));
        else out.push(this.mapping(q - lineStart, q, depth + 1));
      } else {
        out.push(this.inline(q, indent, depth + 1));
      }
      if (this.eof || this.col < indent) return out;
      if (this.col > indent) throw BAIL;
      if (!this.isSeqStart(this.p)) return out; // a sequence at its key's indent ends at the next key
    }
  }

  /** True when the quoted scalar at q is followed by `: ` (a key). */
  private quotedKey(q: number): boolean {
    const s = this.s;
    this.quoted(q);
    const end = this.end;
    const after = s.charCodeAt(end + 1);
    return s.charCodeAt(end) === COLON && (after === SPACE || after === LF || end + 1 >= this.n);
  }

  /** A value that starts on the current line at `v`; leaves the reader at the next content line. */
  private inline(v: number, parent: number, depth: number): unknown {
    const s = this.s;
    const c = s.charCodeAt(v);
    if (c === DQUOTE || c === SQUOTE) {
      const value = this.quoted(v);
      this.finishLine(this.end, parent);
      return value;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      const value = this.flow(v, depth);
      this.finishLine(this.end, parent);
      return value;
    }
    if (c === 124 /* | */) return this.literal(v, parent);
    if (c === STAR) {
      const value = this.aliased(v, false);
      this.finishLine(this.end, parent);
      return value;
    }
    if (is(c, NOT_PLAIN_START)) throw BAIL;
    if ((c === DASH || c === 63) && (s.charCodeAt(v + 1) === SPACE || s.charCodeAt(v + 1) === LF)) throw BAIL;
    let i = v;
    let end = v;
    for (; i < this.n; i++) {
      const ch = s.charCodeAt(i);
      if (ch === LF) break;
      if (ch === COLON) {
        const f = s.charCodeAt(i + 1);
        if (f === SPACE || f === LF || i + 1 >= this.n) throw BAIL; // a pair where a scalar was expected
      } else if (ch === HASH && s.charCodeAt(i - 1) === SPACE) break;
      if (ch !== SPACE) end = i + 1;
    }
    const value = this.plainValue(v, end);
    this.seek(i >= this.n ? this.n : this.nextLine(i));
    if (this.col > parent) throw BAIL; // a continuation line: a multi-line plain scalar
    return value;
  }

  /** `|` or `|-` at v, as js-yaml reads a literal block scalar under a node at `parent`. */
  private literal(v: number, parent: number): string {
    const s = this.s;
    let h = v + 1;
    const strip = s.charCodeAt(h) === DASH;
    if (strip) h++;
    const eol = this.lineRest(h);
    if (eol === -1 || (eol !== h && s.charCodeAt(h) !== SPACE)) throw BAIL;
    let i = eol + 1;
    let indent = -1;
    let empties = 0;
    let leadingMax = 0;
    const parts: string[] = [];
    while (i < this.n) {
      let j = i;
      while (s.charCodeAt(j) === SPACE) j++;
      const sp = j - i;
      if (j >= this.n || s.charCodeAt(j) === LF) {
        if (indent === -1) leadingMax = Math.max(leadingMax, sp);
        else if (sp > indent) throw BAIL; // spaces beyond the indent on a blank line are content
        empties++;
        i = j + 1;
        continue;
      }
      if (indent === -1) {
        if (sp <= parent || leadingMax > sp) throw BAIL; // empty scalar, or js-yaml's indent from a blank line
        indent = sp;
      }
      if (sp < indent) break;
      const e = s.indexOf('\n', j);
      const end = e === -1 ? this.n : e;
      if (parts.length) parts.push('\n'.repeat(1 + empties));
      else if (empties) parts.push('\n'.repeat(empties));
      parts.push(s.slice(i + indent, end));
      empties = 0;
      i = end + 1;
    }
    if (indent === -1) throw BAIL;
    this.seek(Math.min(i, this.n));
    if (this.col > parent) throw BAIL;
    return parts.join('') + (strip ? '' : '\n');
  }

  private quoted(q: number): string {
    return this.s.charCodeAt(q) === DQUOTE ? this.doubleQuoted(q) : this.singleQuoted(q);
  }

  private doubleQuoted(q: number): string {
    const s = this.s;
    let out = '';
    let seg = q + 1;
    for (let i = q + 1; i < this.n; i++) {
      const ch = s.charCodeAt(i);
      if (ch === DQUOTE) {
        this.end = i + 1;
        return out + s.slice(seg, i);
      }
      if (ch === LF) throw BAIL;
      if (ch !== 92 /* \ */) continue;
      out += s.slice(seg, i);
      const e = s[i + 1];
      if (e === undefined) throw BAIL;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i++;
      } else if (e === 'x' || e === 'u') {
        const len = e === 'x' ? 2 : 4;
        const hex = s.slice(i + 2, i + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw BAIL;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 1 + len;
      } else throw BAIL;
      seg = i + 1;
    }
    throw BAIL;
  }

  private singleQuoted(q: number): string {
    const s = this.s;
    let out = '';
    let seg = q + 1;
    for (let i = q + 1; i < this.n; i++) {
      const ch = s.charCodeAt(i);
      if (ch === LF) throw BAIL;
      if (ch !== SQUOTE) continue;
      if (s.charCodeAt(i + 1) === SQUOTE) {
        out += s.slice(seg, i + 1);
        seg = i + 2;
        i++;
        continue;
      }
      this.end = i + 1;
      return out + s.slice(seg, i);
    }
    throw BAIL;
  }

  private skipSpaces(i: number): number {
    while (this.s.charCodeAt(i) === SPACE) i++;
    return i;
  }

  /** A flow collection that opens at i and closes on the same line; returns it and the position after it. */
  private flow(i: number, depth: number): unknown {
    if (depth > MAX_DEPTH) throw BAIL;
    const s = this.s;
    const map = s.charCodeAt(i) === 123;
    const close = map ? 125 : 93;
    const out: unknown = map ? {} : [];
    i = this.skipSpaces(i + 1);
    if (s.charCodeAt(i) === close) {
      this.end = i + 1;
      return out;
    }
    for (;;) {
      if (map) {
        const quoted = s.charCodeAt(i) === DQUOTE || s.charCodeAt(i) === SQUOTE;
        const key = quoted ? this.quoted(i) : this.flowKey(i);
        let k = quoted ? this.skipSpaces(this.end) : this.end;
        if (s.charCodeAt(k) !== COLON) throw BAIL;
        k = this.skipSpaces(k + 1);
        const c = s.charCodeAt(k);
        if (c === 44 || c === close || c === LF || k >= this.n) throw BAIL; // an empty value
        setProperty(out as Record<string, unknown>, key, this.flowItem(k, depth));
      } else {
        (out as unknown[]).push(this.flowItem(i, depth));
      }
      i = this.skipSpaces(this.end);
      const c = s.charCodeAt(i);
      if (c === close) {
        this.end = i + 1;
        return out;
      }
      if (c !== 44 /* , */) throw BAIL;
      i = this.skipSpaces(i + 1);
      if (s.charCodeAt(i) === close || s.charCodeAt(i) === 44) throw BAIL; // trailing or doubled comma
    }
  }

  private flowItem(i: number, depth: number): unknown {
    const c = this.s.charCodeAt(i);
    if (c === STAR) return this.aliased(i, true);
    return c === 123 || c === 91 ? this.flow(i, depth + 1) : this.flowScalar(i, false);
  }

  /** A scalar inside a flow collection: quoted, or plain up to a flow indicator or `: `. */
  private flowScalar(i: number, asKey: boolean): unknown {
    const c = this.s.charCodeAt(i);
    if (c === DQUOTE || c === SQUOTE) return this.quoted(i);
    const end = this.flowPlainEnd(i, asKey);
    this.end = end;
    return this.plainValue(i, end);
  }

  /**
   * A plain key of a flow mapping, as flowScalar reads it and as the schema types it, found in the
   * keys' table (an interned name: see plainKey) instead of the short values'; `<<` there is js-yaml's.
   */
  private flowKey(i: number): string {
    const end = this.flowPlainEnd(i, true);
    this.end = end;
    const key = this.plainKey(i, end);
    if (key === MERGE) throw BAIL;
    return key;
  }

  /** Where the plain scalar at i inside a flow collection ends (trailing spaces left out). */
  private flowPlainEnd(i: number, asKey: boolean): number {
    const s = this.s;
    const c = s.charCodeAt(i);
    if (is(c, NOT_PLAIN_START) || c === COLON || c === SPACE || c === LF || i >= this.n) throw BAIL;
    const f0 = s.charCodeAt(i + 1);
    if ((c === DASH || c === 63) && (f0 === SPACE || f0 === LF || is(f0, FLOW_INDICATOR))) throw BAIL;
    let end = i;
    let j = i;
    for (; j < this.n; j++) {
      const ch = s.charCodeAt(j);
      if (ch === LF) throw BAIL; // a flow collection over several lines
      if (is(ch, FLOW_INDICATOR)) break;
      if (ch === COLON) {
        const f = s.charCodeAt(j + 1);
        if (f === SPACE || f === LF || is(f, FLOW_INDICATOR)) {
          if (!asKey) throw BAIL; // a single-pair mapping inside a sequence
          break;
        }
      } else if (ch === HASH && s.charCodeAt(j - 1) === SPACE) throw BAIL;
      if (ch !== SPACE) end = j + 1;
    }
    return end;
  }
}

/** Whether a text holds none of the characters the subset leaves to js-yaml (readSimpleYaml's first test, done once for a text read in parts). */
export function inSubsetChars(text: string): boolean {
  return !NOT_IN_SUBSET.test(text);
}

/**
 * readSimpleYaml's result for the block-sequence entry `text[start, end)` (its `-` at `dash`, its
 * end at a line start or the text's end) read as a document with its `-` made a space, found in
 * place instead of in a copy of the entry; NOT_SIMPLE when it cannot be read so (the caller then
 * reads the copy). The caller has checked inSubsetChars(text). Within the entry every line ends in
 * a line feed, and the reader stops at a line feed before it looks past a line, so it never reads
 * beyond `end` what a copy ending there would not have.
 */
export function readSimpleEntry(text: string, start: number, end: number, dash: number, implicit: readonly ImplicitType[]): unknown {
  try {
    return new Reader(text, implicit, end).entry(start, dash);
  } catch (e) {
    if (e === BAIL) return NOT_SIMPLE;
    throw e;
  }
}

/** js-yaml's result for one document in the subset, or NOT_SIMPLE. */
export function readSimpleYaml(text: string, implicit: readonly ImplicitType[]): unknown {
  if (NOT_IN_SUBSET.test(text)) return NOT_SIMPLE;
  try {
    return new Reader(text, implicit).document();
  } catch (e) {
    if (e === BAIL) return NOT_SIMPLE;
    throw e;
  }
}
