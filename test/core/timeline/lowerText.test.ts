// Free text over rows held as lowercased runs finds exactly the rows that
// `row.toLowerCase().includes(needle)` finds: whatever the rows hold (case mappings that change
// length, final sigma, pairs and lone surrogates split over two rows, line breaks), whatever the
// needle is, and wherever the runs are cut; and a run reads back every row exactly as it was added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LowerText } from '../../../src/core/timeline/lowerText.js';
import { StringRuns } from '../../../src/core/timeline/stringRuns.js';
import { mulberry32 } from '../../support/random.js';

// Pieces chosen for what they do to lowercasing or to UTF-8: İ lowercases to two units, Σ to σ or ς
// by context, 😀 is a surrogate pair, \uD83D and \uDE00 alone are lone surrogates (two adjacent rows can hold a pair's halves).
const PIECES = ['a', 'B', 'curl', 'EVIL', 'İ', 'ΑΣ', 'σ', 'ς', '😀', '\uD83D', '\uDE00', '\n', ' ', '\u0000', 'é', 'É', 'ß', 'ǅ', '\r', 'x\u0301'];

function draw(r: () => number, max: number): string {
  let s = '';
  for (let n = Math.floor(r() * max); n > 0; n--) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

function expected(rows: readonly string[], needle: string): number[] {
  return rows.map((t) => (t.toLowerCase().includes(needle) ? 1 : 0));
}

function check(rows: readonly string[], needles: readonly string[], runChars?: number): void {
  const index = new LowerText(rows.length, (i) => rows[i]!, runChars);
  for (const n of needles) {
    const needle = n.toLowerCase();
    const want = expected(rows, needle);
    assert.deepEqual([...index.matching(needle)], want, `needle ${JSON.stringify(needle)} over ${JSON.stringify(rows)}`);
    // The test for a few rows (row by row) and for all of them (one scan) answer the same.
    for (const asked of [0, rows.length]) assert.deepEqual(rows.map((_, i) => (index.tester(needle, asked)(i) ? 1 : 0)), want, `asked ${asked}`);
  }
}

test('every row that holds the needle is found, and no other, over random Unicode text and needles', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const r = mulberry32(seed);
    const rows = Array.from({ length: 1 + Math.floor(r() * 40) }, () => draw(r, 8));
    // Needles: random ones, and pieces of the rows themselves (so that most of them hit).
    const needles = Array.from({ length: 12 }, () => draw(r, 3));
    for (let k = 0; k < 12; k++) {
      const t = rows[Math.floor(r() * rows.length)]!;
      const a = Math.floor(r() * (t.length + 1));
      needles.push(t.slice(a, a + 1 + Math.floor(r() * 4)));
    }
    // Short runs on half the seeds, so that rows sit on both sides of a run's end.
    check(rows, needles, seed % 2 === 0 ? 1 + (seed % 17) : undefined);
  }
});

test('a match is never made of the end of one row and the start of the next', () => {
  check(['ab', 'cd', 'ab\ncd'], ['b\nc', 'bc', 'abcd', 'd\na', '\n']);
  check(['curl', 'evil', '', 'x'], ['curl\nevil', 'l\ne', 'le', 'curlevil', 'lx']);
  check(['smile \uD83D', '\uDE00 here'], ['😀', '\uD83D', '\uDE00 h']);
});

test('the empty needle is in every row, the empty row included', () => {
  check(['', 'x', ''], ['']);
});

test('case mappings are the strings own: a final sigma, a letter that lowercases to two units, a pair and a lone half', () => {
  const rows = ['ΟΔΟΣ', 'ΟΔΟΣ ΚΑΙ', 'İstanbul', 'smile 😀 here', 'broken \uD83D here', 'ǅemal'];
  check(rows, ['ος', 'οσ', 'σ κ', 'i̇s', 'is', '😀', '\uD83D', '\uDE00', 'ǆ', 'broken \uD83D']);
});

test('an empty set of rows answers with no flags', () => {
  assert.equal(new LowerText(0, () => '').matching('x').length, 0);
});

test('runs read back every row as it was added, sealed or still pending, whatever its length', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = mulberry32(seed);
    const runs = new StringRuns(1 + Math.floor(r() * 30));
    const rows: string[] = [];
    for (let i = 0; i < 200; i++) {
      const row = r() < 0.05 ? 'x'.repeat(100) : draw(r, 6);
      rows.push(row);
      assert.equal(runs.add(row), i);
      // Read back at random while adding: rows in the run being filled as well as sealed ones.
      const k = Math.floor(r() * rows.length);
      assert.equal(runs.get(k), rows[k], `row ${k}, seed ${seed}`);
    }
    runs.seal();
    assert.equal(runs.length, rows.length);
    // In order, backwards and at random (the run of the last read is tried first).
    rows.forEach((row, k) => assert.equal(runs.get(k), row));
    for (let k = rows.length - 1; k >= 0; k--) assert.equal(runs.get(k), rows[k]);
    for (let n = 0; n < 200; n++) {
      const k = Math.floor(r() * rows.length);
      assert.equal(runs.get(k), rows[k]);
    }
  }
});
