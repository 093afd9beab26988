// The text-column order (stringOrder.ts) equals a plain code-unit sort with ties in position
// order, whichever indices are read first and however the strings share prefixes, end early
// or leave Latin-1; and a window is answered without sorting every row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Concat, LazyStringOrder, ListOrder, Reversed } from '../../../src/core/timeline/stringOrder.js';

/** The order the grid promises: UTF-16 code units, equal strings in position order. */
function reference(positions: number[], text: (p: number) => string): number[] {
  return [...positions].sort((a, b) => {
    const x = text(a);
    const y = text(b);
    return x < y ? -1 : x > y ? 1 : a - b;
  });
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Characters that test every branch: NUL and 0xFE/0xFF/0x100 around the 8-bit packing limit,
// U+FFFF (the largest code unit), a surrogate pair, and plain ASCII.
const ALPHABET = ['a', 'b', 'z', ' ', '\t', '\u0000', '\u00fe', '\u00ff', '\u0100', '\u00e9', '\uffff', '\ud83d\ude00', '0', '9'];

function randomStrings(n: number, seed: number): string[] {
  const r = rng(seed);
  const prefixes = ['', 'GET /api/v1/items/', '10.244.0.1 - - "GET ', 'java.lang.NullPointerException: '];
  return Array.from({ length: n }, () => {
    let s = prefixes[Math.floor(r() * prefixes.length)]!;
    const len = Math.floor(r() * 14);
    for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)]!;
    return s;
  });
}

test('a text order equals a code-unit sort with ties by position, read window by window in any order', () => {
  for (const seed of [1, 2, 3, 4]) {
    const strs = randomStrings(3000, seed);
    // Positions need not be contiguous: a filter's matches.
    const positions = strs.map((_, i) => i).filter((i) => i % 3 !== 1);
    const text = (p: number) => strs[p]!;
    const expected = reference(positions, text);
    const order = new LazyStringOrder(Uint32Array.from(positions), text);
    const r = rng(seed * 7);
    const got = new Array<number>(positions.length);
    // Windows from random places first (a jump of the scrollbar), then everything.
    for (let w = 0; w < 20; w++) {
      const from = Math.floor(r() * positions.length);
      for (let k = from; k < Math.min(positions.length, from + 50); k++) got[k] = order.at(k);
    }
    for (let k = 0; k < positions.length; k++) got[k] = order.at(k);
    assert.deepEqual(got, expected, `seed ${seed}`);
    const desc = new Reversed(order);
    assert.deepEqual(Array.from({ length: desc.length }, (_, k) => desc.at(k)), [...expected].reverse());
  }
});

test('equal strings, prefixes of each other and empty strings keep timeline order among themselves', () => {
  const strs = ['b', '', 'a', 'ab', 'a', '', 'a\u0000', 'ab', 'a', 'b'.repeat(40), 'b'.repeat(39), 'b'.repeat(40)];
  const positions = strs.map((_, i) => i);
  const order = new LazyStringOrder(Uint32Array.from(positions), (p) => strs[p]!);
  order.settleAll();
  assert.deepEqual(
    Array.from({ length: order.length }, (_, k) => order.at(k)),
    [1, 5, 2, 4, 8, 6, 3, 7, 0, 10, 9, 11],
  );
  assert.throws(() => order.at(order.length), RangeError);
  assert.throws(() => new LazyStringOrder(new Uint32Array(0), () => '').at(0), RangeError);
});

test('the first window of 200,000 log-like lines is answered by splitting only the segments it reads', () => {
  const n = 200_000;
  const paths = ['/api/items', '/api/orders', '/healthz', '/metrics'];
  const strs = Array.from({ length: n }, (_, i) => `10.244.${i % 8}.${(i * 7) % 250} - - "GET ${paths[i % 4]}?page=${i % 1000} HTTP/1.1" 200`);
  const text = (p: number) => strs[p]!;
  let reads = 0;
  const order = new LazyStringOrder(Uint32Array.from(strs.keys()), (p) => (reads++, text(p)));
  const first = Array.from({ length: 200 }, (_, k) => order.at(k));
  const expected = reference([...strs.keys()], text);
  assert.deepEqual(first, expected.slice(0, 200));
  assert.equal(reads, n, 'each string is fetched once');
  // Unread segments stay unsorted until they are read; reading them gives the same order.
  assert.deepEqual(Array.from({ length: 300 }, (_, k) => order.at(n - 300 + k)), expected.slice(n - 300));
});

test('concatenated and listed orders read through to their parts', () => {
  const strs = ['c', 'a', 'b'];
  const text = (p: number) => strs[p]!;
  const all = new Concat([new LazyStringOrder(Uint32Array.from([0, 1, 2]), text), new ListOrder(Uint32Array.from([9, 8])), new ListOrder(new Uint32Array(0)), new ListOrder(Uint32Array.from([5]))]);
  assert.equal(all.length, 6);
  assert.deepEqual(Array.from({ length: 6 }, (_, k) => all.at(k)), [1, 2, 0, 9, 8, 5]);
});
