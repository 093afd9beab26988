// One prefilter for a list of patterns, built once from the literals each pattern requires (see
// requiredLiterals.ts): a text is tested against the literals of every pattern at once, and only
// when it holds one are the patterns whose own literals it holds run. Sound by construction: a
// pattern that is skipped could not have matched.
//
// The literals are written as case-insensitive regexes over the text itself, as tries, in two
// parts: those that start at a word boundary behind one `\b`, the others on their own. Measured
// (bench:gate): V8's regex engine scans two such regexes faster than one regex of both, and either
// faster than a JavaScript loop over the characters.
import { builtOr } from './literalCache.js';
import { OTHER_WHITESPACE, TEXT_END, TEXT_START, WORD_BOUNDARY, minimalLiterals, type Literals } from './requiredLiterals.js';

/** A literal's characters in a regex: escaped, the assertion marks as the assertions. */
const escapeRe = (s: string) =>
  s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').split(TEXT_START).join('^').split(TEXT_END).join('$').split(WORD_BOUNDARY).join('\\b');

/**
 * The source of a regex matching any of `words`, as a trie so the engine branches once per
 * character instead of trying every word at every position. A word that ends at a node makes the
 * longer ones through it unnecessary: the regex only has to tell whether one occurs.
 */
export function trieSource(words: readonly string[]): string {
  type Node = Map<string, Node> & { end?: boolean };
  const root: Node = new Map();
  for (const w of words) {
    let n = root;
    for (const c of w) n = n.get(c) ?? (n.set(c, new Map() as Node), n.get(c)!);
    n.end = true;
  }
  const emit = (n: Node): string => {
    if (n.end) return '';
    const alts = [...n].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, child]) => escapeRe(c) + emit(child));
    return alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
  };
  return emit(root);
}

/** The regex sources (flag i) of a matcher of `literals`: the word-start trie behind one `\b`, then the rest. */
function matcherSources(literals: readonly string[]): string[] {
  const min = minimalLiterals(literals);
  const words = min.filter((l) => l.startsWith(WORD_BOUNDARY)).map((l) => l.slice(1));
  const others = min.filter((l) => !l.startsWith(WORD_BOUNDARY));
  const out: string[] = [];
  if (words.length) out.push(`\\b${trieSource(words)}`);
  // A text with whitespace the literals do not model passes (see OTHER_WHITESPACE).
  out.push(`${others.length ? `${trieSource(others)}|` : ''}${OTHER_WHITESPACE.source}`);
  return out;
}

/** Tests whether a text holds any of a set of literals. */
export class LiteralMatcher {
  readonly regexes: readonly RegExp[];

  constructor(literals: readonly string[]) {
    const sources = builtOr(`matcher/${JSON.stringify(literals)}`, () => matcherSources(literals));
    this.regexes = sources.map((s) => new RegExp(s, 'i'));
  }

  test(text: string): boolean {
    for (const re of this.regexes) if (re.test(text)) return true;
    return false;
  }
}

export interface Prefiltered {
  literals: Literals;
}

export class LiteralIndex<P extends Prefiltered> {
  /** Any literal of any pattern; null when a pattern requires none (then every text is a candidate). */
  readonly union: LiteralMatcher | null;
  private readonly own: (LiteralMatcher | null)[];
  private readonly always: P[];

  constructor(private readonly patterns: readonly P[]) {
    this.union = patterns.every((p) => p.literals?.length) ? new LiteralMatcher(patterns.flatMap((p) => p.literals!)) : null;
    this.own = patterns.map((p) => (p.literals?.length ? new LiteralMatcher(p.literals) : null));
    this.always = patterns.filter((_, i) => this.own[i] === null);
  }

  /** The patterns that can match `text`, in their order. */
  candidates(text: string): readonly P[] {
    if (this.union && !this.union.test(text)) return this.always;
    if (OTHER_WHITESPACE.test(text)) return this.patterns;
    return this.patterns.filter((_, i) => this.own[i] === null || this.own[i]!.test(text));
  }
}
