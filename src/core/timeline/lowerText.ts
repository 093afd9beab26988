// The lowercased text of many rows, for free text: kept as a few long strings (stringRuns.ts),
// each searched with String.indexOf once per query, instead of a million lowercased strings (which
// raised a large timeline's live heap from 163 to 281 MiB, and made the collection that landed in
// the next sort cost twice that sort, BENCHMARKS.md). The answer is
// `row.toLowerCase().includes(needle)`'s, row by row: each row is lowercased by itself, and a hit
// that runs past its row's end (into the next row of the run) is no hit.
import { lowerBound } from './positions.js';
import { StringRuns } from './stringRuns.js';

/**
 * A row tested by itself costs about what a row of the scan does, and the rows a test is asked
 * about are an upper bound (the other tables' rows count too): below a quarter of all rows, each
 * asked row is tested by itself.
 */
const ROWS_PER_SCAN = 4;

export class LowerText {
  private readonly runs: StringRuns;

  /** `text(i)` is row i's text, for i below count. */
  constructor(
    readonly count: number,
    text: (i: number) => string,
    runChars?: number,
  ) {
    this.runs = new StringRuns(runChars);
    for (let i = 0; i < count; i++) this.runs.add(text(i).toLowerCase());
    this.runs.seal();
  }

  /**
   * A test of rows for `needle` (lowercased) that will be asked about at most `asked` rows: row by
   * row when they are few (a filter within one container), else one scan of every row into flags.
   */
  tester(needle: string, asked: number): (i: number) => boolean {
    if (asked * ROWS_PER_SCAN < this.count) return (i) => this.runs.get(i).includes(needle);
    const flags = this.matching(needle);
    return (i) => flags[i] === 1;
  }

  /** One flag per row: 1 where the row's lowercased text contains `needle` (give it lowercased). */
  matching(needle: string): Uint8Array {
    const out = new Uint8Array(this.count);
    if (needle === '') return out.fill(1);
    for (const run of this.runs.sealedRuns()) markHits(run.text, run.first, run.starts, needle, out);
    return out;
  }
}

/** Marks the rows of one run that hold `needle`; rows[k] of the run is text[starts[k], starts[k + 1]). */
function markHits(text: string, first: number, starts: Uint32Array, needle: string, out: Uint8Array): void {
  const rows = starts.length;
  const endOf = (k: number) => (k + 1 < rows ? starts[k + 1]! : text.length);
  let row = 0;
  for (let hit = text.indexOf(needle); hit !== -1; ) {
    // The last row starting at or before the hit (hits only move forward, so from `row` on).
    row = lowerBound(starts, hit + 1, row, rows) - 1;
    const end = endOf(row);
    if (hit + needle.length <= end) {
      out[first + row] = 1;
      hit = text.indexOf(needle, end);
    } else {
      hit = text.indexOf(needle, hit + 1);
    }
  }
}
