// Identifiers as a stem and a number: every RecordId this tool writes is `<snapshot>/<table>/`
// followed by the row's number in 9 digits, so a million ids hold a handful of stems. When no stem
// is a prefix of another, two ids with different stems compare as their stems do (they differ
// inside the shorter stem), so the ids order by stem first and then by what follows the stem:
// a sort by RecordId starts with a counting sort by stem and goes on past the stem, instead of
// splitting a million ids character by character through a prefix that most of them share.
import type { TextPart } from './leadKeys.js';

/** The stems found, in code-unit order. */
export interface Stems {
  /** Each rank's stem length. */
  readonly depth: Uint32Array;
  /** Each stem's rank, by the group number `each` was given. */
  readonly rankOf: Uint8Array;
  readonly count: number;
}

/** More stems than this: not identifiers of a few kinds (the column is keyed past its common prefix instead). */
const MAX_STEMS = 64;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * The strings' stems (a string without its trailing digits, or a stem found before that it starts
 * with), or undefined when there are too many or one is a prefix of another. `each(p, s, d, g)`
 * is called for every string s at position p with its stem's length d and group number g (in
 * the order stems were found; `rankOf` maps it to the stem's rank), in the same pass.
 */
export function stemsOf(parts: readonly TextPart[], each: (p: number, s: string, d: number, g: number) => void): Stems | undefined {
  const ids = new Map<string, number>();
  const stems: string[] = [];
  // Ids come in runs of one stem (a table's rows are loaded together): whether an id starts with
  // the last stem is checked first, by two native comparisons (s starts with P exactly when
  // P <= s < P with its last code unit + 1). Any id that starts with a stem is taken as that stem
  // and the rest: with no stem a prefix of another, an id starts with one stem only.
  let last: { stem: string; next: string | undefined; g: number } | undefined;
  for (const part of parts) {
    const { position } = part;
    for (let i = 0; i < part.length; i++) {
      const s = part.text(i);
      if (!last || !(s >= last.stem && (last.next === undefined ? s.startsWith(last.stem) : s < last.next))) {
        let k = s.length;
        while (k > 0 && isDigit(s.charCodeAt(k - 1))) k--;
        const stem = flat(s.slice(0, k));
        let g = ids.get(stem);
        if (g === undefined) {
          if (stems.length === MAX_STEMS) return undefined;
          ids.set(stem, (g = stems.length));
          stems.push(stem);
        }
        last = { stem, next: successor(stem), g };
      }
      each(position[i]!, s, last.stem.length, last.g);
    }
  }
  if (!prefixFree(stems)) return undefined;
  const byStem = stems.map((_, g) => g).sort((a, b) => (stems[a]! < stems[b]! ? -1 : 1));
  const rankOf = new Uint8Array(stems.length);
  byStem.forEach((g, r) => (rankOf[g] = r));
  return { depth: Uint32Array.from(byStem, (g) => stems[g]!.length), rankOf, count: stems.length };
}

/** The smallest string above every string that starts with `stem` (undefined when there is none to build: '' or a last code unit U+FFFF). */
function successor(stem: string): string | undefined {
  const c = stem.length ? stem.charCodeAt(stem.length - 1) : 0xffff;
  return c === 0xffff ? undefined : flat(stem.slice(0, -1) + String.fromCharCode(c + 1));
}

/**
 * A copy of s as one plain sequence of characters: a slice or a concatenation is a view or a pair
 * in V8, and comparing a million strings with one costs several times more than with a plain string.
 */
function flat(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** No stem is a proper prefix of another (then ids of different stems differ inside the shorter stem). */
function prefixFree(stems: readonly string[]): boolean {
  for (const a of stems) for (const b of stems) if (a !== b && b.startsWith(a)) return false;
  return true;
}
