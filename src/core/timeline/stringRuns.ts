// Many strings (a million log lines) kept as a few long strings, each row a slice of one. Why: a
// million heap strings are most of a large timeline's heap, and every mark-compact visits each of
// them; the collection that lands in the analyst's next sort or query paid for that (a first sort
// by Summary went from ~150 to ~350 ms, BENCHMARKS.md). A long string is one object the collector
// never looks into, and a slice reads back exactly the code units that were added (lone
// surrogates included): nothing is re-encoded.
import { growU32 } from './interning.js';
import { lowerBound } from './positions.js';

/** A run is sealed once it holds this many UTF-16 units (long enough for V8's large-object space, which never moves it). */
const RUN_CHARS = 1 << 18;

export class StringRuns {
  private readonly runs: string[] = [];
  /** The first row of each run; the last entry is one past the last sealed row. */
  private readonly firsts: number[] = [0];
  /** Each row's offset in its run. */
  private readonly starts = growU32();
  /** The rows of the run being filled, not joined yet. */
  private pending: string[] = [];
  private pendingChars = 0;
  /** The run of the last row read (rows are often read in order). */
  private lastRun = 0;

  constructor(private readonly runChars = RUN_CHARS) {}

  get length(): number {
    return this.starts.length;
  }

  /** Appends a row; returns its index. */
  add(s: string): number {
    this.starts.push(this.pendingChars);
    this.pending.push(s);
    this.pendingChars += s.length;
    if (this.pendingChars >= this.runChars) this.seal();
    return this.starts.length - 1;
  }

  /** Joins the rows added since the last run into a run of their own. */
  seal(): void {
    if (this.pending.length === 0) return;
    this.runs.push(this.pending.join(''));
    this.firsts.push(this.length);
    this.pending = [];
    this.pendingChars = 0;
  }

  get(i: number): string {
    const sealed = this.firsts[this.firsts.length - 1]!;
    if (i >= sealed) return this.pending[i - sealed]!;
    const r = this.runOf(i);
    const run = this.runs[r]!;
    return run.slice(this.starts.data[i]!, i + 1 === this.firsts[r + 1] ? run.length : this.starts.data[i + 1]!);
  }

  /** The sealed runs, each with its first row and its rows' offsets (seal first to include every row). */
  *sealedRuns(): Generator<{ text: string; first: number; starts: Uint32Array }> {
    for (let r = 0; r < this.runs.length; r++) {
      const first = this.firsts[r]!;
      yield { text: this.runs[r]!, first, starts: this.starts.data.subarray(first, this.firsts[r + 1]!) };
    }
  }

  private runOf(i: number): number {
    const { firsts } = this;
    const r = this.lastRun;
    if (i >= firsts[r]! && i < firsts[r + 1]!) return r;
    // The last run starting at or before row i (i is a sealed row, so one is).
    return (this.lastRun = lowerBound(firsts, i + 1, 0, firsts.length - 1) - 1);
  }
}
