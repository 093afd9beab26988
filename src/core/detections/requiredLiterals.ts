// What a regex cannot match without: a set of literals, at least one of which occurs in every text
// the regex matches (case-insensitively, with the word boundaries and text anchors it carries).
// Derived from the rule's own regex, so a prefilter built on it can never disagree with the rule:
// a text holding none of the literals cannot match, and a text holding one still runs the rule
// itself. Computed once per rule set, at load.
//
// The analysis is the usual one for literal prefilters (as in RE2's and codesearch's): a node is
// described by the strings it can match exactly when they are few (`exact`), what its matches
// start and end with (`pre`, `suf`), and one factor every match contains (`any`); a concatenation
// multiplies exact sets while they stay small and joins one part's ends to the next one's starts.
// Among the sets that qualify, the one whose commonest literal is rarest in ordinary log text wins.
// Anything the parser does not know makes a node "unknown" (it requires nothing), which only
// weakens the filter, never breaks it. \s is taken as a space or a tab: a text holding any other
// whitespace is never filtered (OTHER_WHITESPACE).

import { builtOr } from './literalCache.js';

/** Alternatives, at least one of which a match contains; null when nothing is required. */
export type Literals = readonly string[] | null;

/**
 * Assertions kept in literals, as characters no rule matches: the start and the end of the text
 * (^ and $) and a word boundary (\b). The prefilter writes them back as those assertions, in a
 * case-insensitive regex over the text itself, so each holds where the rule's own did.
 */
export const TEXT_START = '\u0002';
export const TEXT_END = '\u0003';
export const WORD_BOUNDARY = '\u0004';
/**
 * Whitespace other than space and tab. Literals take \s as a space or a tab; a text holding any of
 * these others is not prefiltered at all (every pattern runs), so that assumption never loses a hit.
 */
export const OTHER_WHITESPACE = /[\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/**
 * What the analysis knows of a node. Sets hold literals of the prefilter's text (lower-case, \s as a
 * space); null means "nothing known". pre/suf describe the node's non-empty matches.
 */
interface Info {
  /** Every string the node can match, when that set is small. */
  exact: Set<string> | null;
  /** Every non-empty match starts with one of these. */
  pre: Set<string> | null;
  /** Every non-empty match ends with one of these. */
  suf: Set<string> | null;
  /** Every match contains one of these. */
  any: Set<string> | null;
  /** The node can match the empty string. */
  nullable: boolean;
}

const MAX_SET = 1024;
const MAX_CLASS = 16;

const unknown = (nullable = false): Info => ({ exact: null, pre: null, suf: null, any: null, nullable });
const exactOf = (...s: string[]): Info => ({ exact: new Set(s), pre: null, suf: null, any: null, nullable: s.includes('') });

/** How rare a literal is in ordinary text, roughly: letters count most, digits, dots and spaces least (numbers, versions and addresses are everywhere in logs). */
function rarity(s: string): number {
  // The regex engine tries a literal wherever its first character occurs: a common first character
  // costs time on every line, so it counts against the literal (a word boundary first does not).
  let r = /^[a-z0-9 \t./]/.test(s) ? -0.7 : 0;
  for (const c of s) r += /[a-z]/.test(c) ? 1 : /[0-9. ]/.test(c) ? 0.3 : c === TEXT_START || c === TEXT_END ? 1.5 : c === WORD_BOUNDARY ? 0.5 : 0.6;
  return Math.min(r, 8);
}

/** How good a required set is: its most common literal counts most, then how few literals it has. */
function score(set: Set<string> | null): number {
  if (!set || set.size === 0 || set.size > MAX_SET) return -1;
  let min = Infinity;
  for (const s of set) min = Math.min(min, rarity(s));
  if (min <= 0) return -1;
  return min * 1000 - set.size;
}

function best(...sets: (Set<string> | null)[]): Set<string> | null {
  let out: Set<string> | null = null;
  for (const s of sets) if (score(s) > score(out)) out = s;
  return out;
}

function product(a: Set<string> | null, b: Set<string> | null): Set<string> | null {
  if (!a || !b || a.size * b.size > MAX_SET) return null;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

function union(...sets: (Set<string> | null)[]): Set<string> | null {
  const out = new Set<string>();
  for (const s of sets) {
    if (!s) return null;
    for (const x of s) out.add(x);
  }
  return out.size > MAX_SET ? null : out;
}

const nonEmpty = (s: Set<string>): Set<string> | null => {
  const out = new Set([...s].filter((x) => x !== ''));
  return out.size ? out : null;
};
/** What every non-empty match starts (P) or ends (S) with. */
const P = (i: Info): Set<string> | null => (i.exact ? nonEmpty(i.exact) : i.pre);
const S = (i: Info): Set<string> | null => (i.exact ? nonEmpty(i.exact) : i.suf);

/** A factor every match of the node contains (none for a node that can match nothing). */
const factor = (i: Info): Set<string> | null => (i.nullable ? null : best(i.exact, i.any, i.pre, i.suf));

/** Prefixes of a·b's non-empty matches. */
function prefixOf(a: Info, b: Info): Set<string> | null {
  if (!a.exact) return a.nullable ? union(P(a), P(b)) : P(a);
  const parts: (Set<string> | null)[] = [];
  for (const e of a.exact) parts.push(e === '' ? P(b) : b.nullable ? new Set([e]) : product(new Set([e]), P(b)) ?? new Set([e]));
  return union(...parts);
}

function suffixOf(a: Info, b: Info): Set<string> | null {
  if (!b.exact) return b.nullable ? union(S(a), S(b)) : S(b);
  const parts: (Set<string> | null)[] = [];
  for (const e of b.exact) parts.push(e === '' ? S(a) : a.nullable ? new Set([e]) : product(S(a), new Set([e])) ?? new Set([e]));
  return union(...parts);
}

function concat(a: Info, b: Info): Info {
  const exact = a.exact && b.exact ? product(a.exact, b.exact) : null;
  if (exact) return { exact, pre: null, suf: null, any: best(a.any, b.any), nullable: a.nullable && b.nullable };
  // Across the boundary: when both parts are non-empty, a's end and b's start are adjacent.
  const boundary = !a.nullable && !b.nullable ? product(S(a), P(b)) : null;
  return {
    exact: null,
    pre: prefixOf(a, b),
    suf: suffixOf(a, b),
    any: best(a.any, b.any, factor(a), factor(b), boundary),
    nullable: a.nullable && b.nullable,
  };
}

function alternate(parts: Info[]): Info {
  if (parts.every((p) => p.exact)) {
    const exact = union(...parts.map((p) => p.exact));
    if (exact) return { exact, pre: null, suf: null, any: null, nullable: exact.has('') };
  }
  return {
    exact: null,
    pre: union(...parts.map(P)),
    suf: union(...parts.map(S)),
    any: union(...parts.map(factor)),
    nullable: parts.some((p) => p.nullable),
  };
}

/** One character as a literal holds it (lower-case); null when that is not one known ASCII character. */
function normChar(c: string): string | null {
  const code = c.charCodeAt(0);
  // Case folding beyond ASCII is not modelled (and never needed: the rules are ASCII). Control
  // characters are left out: they are the assertion marks.
  if (code > 127 || (code < 32 && code !== 9)) return null;
  return c.toLowerCase();
}

/** A recursive-descent reader of the JavaScript regex syntax the rules use (no `u`/`v` flag). */
class Analyzer {
  private i = 0;
  constructor(
    private readonly src: string,
    /** ^ and $ as the prefilter's marks (or also a line break, with the m flag); for a regex run on a slice of the text, nothing. */
    private readonly anchors: { start: string[]; end: string[] } | null,
  ) {}

  run(): Info {
    const r = this.alternation();
    if (this.i !== this.src.length) throw new Error(`unexpected ${this.src[this.i]} at ${this.i}`);
    return r;
  }

  private alternation(): Info {
    const parts = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      parts.push(this.sequence());
    }
    return parts.length === 1 ? parts[0]! : alternate(parts);
  }

  private sequence(): Info {
    let acc = exactOf('');
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') acc = concat(acc, this.quantified());
    return acc;
  }

  private quantified(): Info {
    const atom = this.atom();
    const c = this.src[this.i];
    let min = 1;
    let max = 1;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (m) {
        this.i += m[0].length;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      }
    }
    if (this.src[this.i] === '?' && (min !== 1 || max !== 1)) this.i++; // lazy
    if (min === 1 && max === 1) return atom;
    if (max === 0) return exactOf('');
    if (atom.exact && max <= 3) {
      // Few repetitions of a few strings: every count from min to max, exactly.
      let power = exactOf('');
      const counts: Info[] = [];
      for (let k = 0; k <= max; k++) {
        if (k >= min) counts.push(power);
        power = concat(power, atom);
      }
      const out = alternate(counts);
      if (out.exact) return out;
    }
    // Repeated: non-empty matches start and end as the atom's do; at least once, its factor is required.
    const rest = min === 0 ? unknown(true) : atom;
    return { exact: null, pre: P(atom), suf: S(atom), any: min === 0 ? null : factor(rest), nullable: min === 0 || atom.nullable };
  }

  private atom(): Info {
    const s = this.src;
    const c = s[this.i]!;
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    this.i++;
    if (c === '^') return this.anchors ? exactOf(...this.anchors.start) : exactOf('');
    if (c === '$') return this.anchors ? exactOf(...this.anchors.end) : exactOf('');
    if (c === '.') return unknown();
    return this.char(c);
  }

  private char(c: string): Info {
    const n = normChar(c);
    return n === null ? unknown() : exactOf(n);
  }

  private group(): Info {
    const s = this.src;
    this.i++;
    let look = false;
    if (s[this.i] === '?') {
      const k = s.slice(this.i, this.i + 3);
      if (k.startsWith('?:')) this.i += 2;
      else if (k.startsWith('?=') || k.startsWith('?!')) [look, this.i] = [true, this.i + 2];
      else if (k === '?<=' || k === '?<!') [look, this.i] = [true, this.i + 3];
      else if (k.startsWith('?<')) this.i = s.indexOf('>', this.i) + 1; // named group
      else throw new Error(`unknown group at ${this.i}`);
    }
    const inner = this.alternation();
    if (s[this.i] !== ')') throw new Error(`unclosed group at ${this.i}`);
    this.i++;
    // A lookaround consumes nothing; what it asserts is not counted on.
    return look ? exactOf('') : inner;
  }

  private escape(): Info {
    const s = this.src;
    const e = s[this.i + 1]!;
    this.i += 2;
    // A word boundary holds in the text where it held for the rule, except at the edge of a slice.
    if (e === 'b') return this.anchors ? exactOf(WORD_BOUNDARY) : exactOf('');
    if (e === 'B') return exactOf('');
    if (e === 'd') return exactOf(...'0123456789');
    if (e === 's') return exactOf(' ', '\t');
    if ('DwWS'.includes(e)) return unknown();
    if (e === 'x' || e === 'u') {
      const len = e === 'x' ? 2 : 4;
      const code = parseInt(s.slice(this.i, this.i + len), 16);
      this.i += len;
      return this.char(String.fromCharCode(code));
    }
    if (/\d/.test(e) || e === 'k' || e === 'c' || e === 'p' || e === 'P') return unknown(); // back-references and the like: nothing claimed
    const controls: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '0': '\0' };
    return this.char(controls[e] ?? e);
  }

  /** A character class: its members when there are few (a negated class is unknown). */
  private charClass(): Info {
    const s = this.src;
    this.i++;
    const negated = s[this.i] === '^';
    if (negated) this.i++;
    const members = new Set<string>();
    let open = false;
    let first = true;
    const one = (): string | null => {
      const c = s[this.i]!;
      if (c !== '\\') {
        this.i++;
        return c;
      }
      const e = s[this.i + 1]!;
      this.i += 2;
      if (e === 'x' || e === 'u') {
        const len = e === 'x' ? 2 : 4;
        const code = parseInt(s.slice(this.i, this.i + len), 16);
        this.i += len;
        return String.fromCharCode(code);
      }
      if (e === 'd') {
        for (const d of '0123456789') members.add(d);
        return null;
      }
      if (e === 's') {
        members.add(' ');
        members.add('\t');
        return null;
      }
      if ('wWSDbBcpPk'.includes(e) || /\d/.test(e)) {
        open = true;
        return null;
      }
      return ({ n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' } as Record<string, string>)[e] ?? e;
    };
    while (this.i < s.length && (s[this.i] !== ']' || first)) {
      first = false;
      const c = one();
      if (c === null) continue;
      if (s[this.i] === '-' && s[this.i + 1] !== ']' && s[this.i + 1] !== undefined) {
        this.i++;
        const to = one();
        if (to === null) {
          open = true;
          continue;
        }
        const n = to.charCodeAt(0) - c.charCodeAt(0) + 1;
        if (n > MAX_CLASS * 2 || n < 1) open = true;
        else for (let k = 0; k < n; k++) members.add(String.fromCharCode(c.charCodeAt(0) + k));
        continue;
      }
      members.add(c);
    }
    this.i++; // ]
    if (negated || open) return unknown();
    const norm = new Set<string>();
    for (const m of members) {
      const n = normChar(m);
      if (n === null) return unknown();
      norm.add(n);
    }
    return norm.size <= MAX_CLASS ? { exact: norm, pre: null, suf: null, any: null, nullable: false } : unknown();
  }
}

export interface LiteralOptions {
  /** The regex runs on a slice of the text (a captured part, the text from a match on): ^, $ and \b say nothing about the text. */
  slice?: boolean;
}

/**
 * Literals (lower-case, with assertion marks), one of which occurs in the text, case-insensitively
 * and with its assertions holding, whenever `re` matches it; null when the regex guarantees none
 * worth testing.
 */
export function requiredLiterals(re: RegExp, opts: LiteralOptions = {}): Literals {
  // A fresh array per caller: the build's table is shared.
  const l = builtOr(`literals/${re.flags}/${opts.slice ? 'slice' : 'text'}/${re.source}`, () => deriveLiterals(re, opts));
  return l && [...l];
}

function deriveLiterals(re: RegExp, opts: LiteralOptions): Literals {
  if (re.flags.includes('u') || re.flags.includes('v')) return null;
  const multiline = re.flags.includes('m');
  // With the m flag ^ and $ match at line breaks too: nothing is claimed for them then.
  const anchors = opts.slice ? null : { start: multiline ? [''] : [TEXT_START], end: multiline ? [''] : [TEXT_END] };
  let info: Info;
  try {
    info = new Analyzer(re.source, anchors).run();
  } catch {
    return null;
  }
  const f = factor(info);
  return f && score(f) > 0 ? [...f] : null;
}

/** Literals one of which occurs whenever any of `res` matches (null when one of them requires nothing). */
export function requiredOfAny(res: readonly RegExp[], opts: LiteralOptions = {}): Literals {
  const out = new Set<string>();
  for (const re of res) {
    const l = requiredLiterals(re, opts);
    if (!l) return null;
    for (const s of l) out.add(s);
  }
  return [...out];
}

/** Drops literals that contain another one of the set (a text with the longer holds the shorter). */
export function minimalLiterals(lits: readonly string[]): string[] {
  const sorted = [...new Set(lits)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const out: string[] = [];
  for (const l of sorted) if (!out.some((o) => l.includes(o))) out.push(l);
  return out;
}
