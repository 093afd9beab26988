// The log prefilter run over the raw bytes of a line instead of its decoded text: one pass of an
// Aho–Corasick automaton (a table lookup per byte), so a log line that holds none of the rules'
// literals is ruled out without being decoded to a string or scanned by a regex. Measured
// (bench:gate), it costs a fraction of the two trie regexes (LiteralMatcher) it stands in for, and
// most of the screening's time was those regexes and the decoding.
//
// It answers exactly what LiteralMatcher.test answers on the decoded text (a property test
// holds it to that), because the literals are ASCII and UTF-8 keeps ASCII apart:
//  - an ASCII character is one byte below 0x80 and every byte of a non-ASCII character is 0x80 or
//    above (an invalid sequence decodes to U+FFFD, never to ASCII), so an ASCII literal occurs in
//    the text exactly where its bytes occur in the line;
//  - the regexes' `i` flag without `u` folds ASCII letters only onto ASCII letters: folding the
//    bytes A–Z onto a–z is the same;
//  - `\b` looks at ASCII word characters only, and a byte next to a match is a word character
//    exactly when the character there is;
//  - the other whitespace that disables the prefilter (OTHER_WHITESPACE) is found by the bytes of
//    its UTF-8 encodings, each of which a valid character has only one of.
// A literal that is not ASCII cannot be matched this way: the gate is then not built (null).
import { OTHER_WHITESPACE, TEXT_END, TEXT_START, WORD_BOUNDARY, minimalLiterals } from './requiredLiterals.js';

/** What a literal asserts around its characters, besides the characters themselves. */
const enum Edge {
  None = 0,
  TextStart = 1,
  WordBoundary = 2,
  TextEnd = 3,
}

interface Needle {
  bytes: number[];
  before: Edge;
  after: Edge;
}

/** Word characters of `\b`: [A-Za-z0-9_]. */
const WORD = new Uint8Array(256);
for (let b = 0; b < 256; b++) WORD[b] = /\w/.test(String.fromCharCode(b)) && b < 0x80 ? 1 : 0;

const lower = (b: number) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b);

function needleOf(literal: string): Needle | null {
  let body = literal;
  let before = Edge.None;
  let after = Edge.None;
  if (body.startsWith(TEXT_START)) [before, body] = [Edge.TextStart, body.slice(1)];
  else if (body.startsWith(WORD_BOUNDARY)) [before, body] = [Edge.WordBoundary, body.slice(1)];
  if (body.endsWith(TEXT_END)) [after, body] = [Edge.TextEnd, body.slice(0, -1)];
  else if (body.endsWith(WORD_BOUNDARY)) [after, body] = [Edge.WordBoundary, body.slice(0, -1)];
  // A marker inside, or a character that is not ASCII: not something bytes can answer for.
  if (body === '' || [...body].some((c) => c.charCodeAt(0) > 0x7f || c === TEXT_START || c === TEXT_END || c === WORD_BOUNDARY)) return null;
  return { bytes: [...body].map((c) => lower(c.charCodeAt(0))), before, after };
}

/** The UTF-8 encodings of every character OTHER_WHITESPACE matches (all in the BMP: the regex has no `u`). */
function otherWhitespaceNeedles(): Needle[] {
  const out: Needle[] = [];
  for (let cp = 0; cp <= 0xffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCharCode(cp);
    if (OTHER_WHITESPACE.test(c)) out.push({ bytes: [...Buffer.from(c, 'utf8')], before: Edge.None, after: Edge.None });
  }
  return out;
}

/** Tests a line's bytes for any of a set of literals: the byte form of LiteralMatcher. */
export class ByteGate {
  /** Byte → input class (0: a byte no needle holds, upper-case letters share their lower case's). */
  private readonly cls = new Uint8Array(256);
  /**
   * The automaton, a row of `classes` entries per state: an entry is the next state's row offset
   * (state × classes), negated and less one when needles end at that state, so the scan tests one
   * sign per byte.
   */
  private readonly delta: Int32Array;
  /** Per state, where its needles start in `ends` (-1: none end here). */
  private readonly firstEnd: Int32Array;
  /** Needles ending at a state, runs ended by -1. */
  private readonly ends: Int32Array;
  private readonly classes: number;

  private constructor(private readonly needles: readonly Needle[]) {
    let n = 1;
    for (const nd of needles) for (const b of nd.bytes) if (this.cls[b] === 0) this.cls[b] = n++;
    for (let b = 0x41; b <= 0x5a; b++) this.cls[b] = this.cls[b + 0x20]!;
    this.classes = n;
    const built = buildAutomaton(needles, this.cls, n);
    this.firstEnd = built.firstEnd;
    this.ends = built.ends;
    this.delta = built.delta.map((next) => (built.firstEnd[next] === -1 ? next * n : -(next * n) - 1));
  }

  /** The gate for `literals` (requiredLiterals.ts' form), or null when one of them is not ASCII. */
  static of(literals: readonly string[]): ByteGate | null {
    const needles: Needle[] = [];
    for (const l of minimalLiterals(literals)) {
      const nd = needleOf(l);
      if (!nd) return null;
      needles.push(nd);
    }
    return new ByteGate([...needles, ...otherWhitespaceNeedles()]);
  }

  /** Whether buf[start, end) holds one of the literals, the text being exactly those bytes. */
  test(buf: Uint8Array, start: number, end: number): boolean {
    const { cls, delta } = this;
    let row = 0;
    for (let i = start; i < end; i++) {
      row = delta[row + cls[buf[i]!]!]!;
      if (row < 0) {
        row = -row - 1;
        if (this.holds(row / this.classes, buf, start, i + 1, end)) return true;
      }
    }
    return false;
  }

  /** Whether a needle that ends at `at` (state s) also has its edges there. */
  private holds(s: number, buf: Uint8Array, start: number, at: number, end: number): boolean {
    for (let k = this.firstEnd[s]!; this.ends[k] !== -1; k++) {
      const nd = this.needles[this.ends[k]!]!;
      const from = at - nd.bytes.length;
      if (edgeHolds(nd.before, buf, from, start, end) && edgeHolds(nd.after, buf, at, start, end)) return true;
    }
    return false;
  }
}

/** Whether the edge holds at position `p` (between bytes p-1 and p) of the text buf[start, end). */
function edgeHolds(edge: Edge, buf: Uint8Array, p: number, start: number, end: number): boolean {
  if (edge === Edge.None) return true;
  if (edge === Edge.TextStart) return p === start;
  if (edge === Edge.TextEnd) return p === end;
  const left = p > start ? WORD[buf[p - 1]!]! : 0;
  const right = p < end ? WORD[buf[p]!]! : 0;
  return left !== right;
}

/** The classic construction: a trie of the needles, failure links breadth first, then the full transition table. */
function buildAutomaton(needles: readonly Needle[], cls: Uint8Array, classes: number): { delta: Int32Array; firstEnd: Int32Array; ends: Int32Array } {
  const children: Map<number, number>[] = [new Map()];
  const endsAt: number[][] = [[]];
  needles.forEach((nd, id) => {
    let s = 0;
    for (const b of nd.bytes) {
      const c = cls[b]!;
      let next = children[s]!.get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        endsAt.push([]);
        children[s]!.set(c, next);
      }
      s = next;
    }
    endsAt[s]!.push(id);
  });
  const states = children.length;
  const delta = new Int32Array(states * classes);
  const fail = new Int32Array(states);
  const order: number[] = [];
  for (const [c, next] of children[0]!) {
    delta[c] = next;
    order.push(next);
  }
  for (let q = 0; q < order.length; q++) {
    const s = order[q]!;
    endsAt[s]!.push(...endsAt[fail[s]!]!);
    for (let c = 0; c < classes; c++) {
      const next = children[s]!.get(c);
      if (next === undefined) delta[s * classes + c] = delta[fail[s]! * classes + c]!;
      else {
        fail[next] = delta[fail[s]! * classes + c]!;
        delta[s * classes + c] = next;
        order.push(next);
      }
    }
  }
  const firstEnd = new Int32Array(states).fill(-1);
  const flat: number[] = [];
  for (let s = 0; s < states; s++) {
    if (endsAt[s]!.length === 0) continue;
    firstEnd[s] = flat.length;
    flat.push(...new Set(endsAt[s]), -1);
  }
  return { delta, firstEnd, ends: Int32Array.from(flat) };
}
