// A text order built on the column's lead keys (leadKeys.ts) and, for ids, its stems (stems.ts)
// equals a plain code-unit sort with ties in position order: whatever the strings share, however
// they end, wherever they leave Latin-1, whichever positions a filter kept, whichever windows are
// read first; and the first window reads few strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LazyStringOrder, Reversed } from '../../../src/core/timeline/stringOrder.js';
import { LeadRecorder, recordedLead, textColumnOf, type Recorded, type TextPart } from '../../../src/core/timeline/leadKeys.js';
import { stemsOf } from '../../../src/core/timeline/stems.js';
import { mulberry32 } from '../../support/random.js';

/** The order the grid promises: UTF-16 code units, equal strings in position order. */
function reference(positions: readonly number[], strs: readonly string[]): number[] {
  return [...positions].sort((a, b) => (strs[a]! < strs[b]! ? -1 : strs[a]! > strs[b]! ? 1 : a - b));
}

/**
 * strs by timeline position, held as a store holds them: in two parts (generic and log rows),
 * each in a load order of its own that is not the timeline order.
 */
function partsOf(strs: readonly string[], r: () => number): TextPart[] {
  const loadOrder = strs.map((_, p) => p).sort(() => r() - 0.5);
  const cut = Math.floor(loadOrder.length * r());
  return [loadOrder.slice(0, cut), loadOrder.slice(cut)].map((ps) => ({ length: ps.length, text: (i: number) => strs[ps[i]!]!, position: Uint32Array.from(ps) }));
}

/** Reads the order window by window from random places, then all of it; checks it and its reverse against the reference. */
function check(strs: readonly string[], positions: readonly number[], identifiers: boolean, seed: number): void {
  const r = mulberry32(seed);
  const column = textColumnOf(partsOf(strs, r), strs.length, identifiers);
  const order = new LazyStringOrder(Uint32Array.from(positions), (p) => strs[p]!, column);
  const expected = reference(positions, strs);
  const got = new Array<number>(positions.length);
  for (let w = 0; w < 10; w++) {
    const from = Math.floor(r() * positions.length);
    for (let k = from; k < Math.min(positions.length, from + 40); k++) got[k] = order.at(k);
  }
  for (let k = 0; k < positions.length; k++) got[k] = order.at(k);
  assert.deepEqual(got, expected, `seed ${seed}, ${identifiers ? 'ids' : 'text'}`);
  const desc = new Reversed(order);
  assert.deepEqual(Array.from({ length: desc.length }, (_, k) => desc.at(k)), [...expected].reverse(), `seed ${seed} descending`);
}

// NUL, the 8-bit packing limit (U+00FE/U+00FF/U+0100), U+FFFF, a surrogate pair, digits and ASCII.
const ALPHABET = ['a', 'b', 'z', ' ', '/', ':', '\u0000', '\u00fe', '\u00ff', '\u0100', '\u00e9', '\uffff', '\ud83d\ude00', '0', '1', '9'];

function randomText(r: () => number, prefixes: readonly string[], maxLen: number): string {
  let s = prefixes[Math.floor(r() * prefixes.length)]!;
  const len = Math.floor(r() * maxLen);
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)]!;
  return s;
}

test('text keyed past the shared prefix sorts as a code-unit sort: shared prefixes, empty strings, wide characters, filtered positions', () => {
  const cases: [string, string[], number][] = [
    ['one long shared prefix', ['GET /api/v1/items/'], 9],
    ['several prefixes', ['', 'GET /api/v1/items/', '10.244.0.1 - - "GET ', 'java.lang.NullPointerException: '], 14],
    ['shared prefix then wide characters', ['\u4e2d\u6587 ', '\u4e2d\u6587\u00ff'], 6],
    ['only wide first characters', ['\u0100', '\uffff', '\ud83d'], 5],
    ['very short strings', ['', 'a'], 3],
  ];
  let seed = 1;
  for (const [name, prefixes, maxLen] of cases) {
    for (const n of [40_000, 3000, 300]) {
      const r = mulberry32(seed);
      const strs = Array.from({ length: n }, () => randomText(r, prefixes, maxLen));
      check(strs, strs.map((_, p) => p), false, seed);
      // A filter's matches: a subset of the column's positions.
      check(strs, strs.map((_, p) => p).filter((p) => p % 3 !== 1), false, seed + 1000);
      seed++;
    }
    assert.ok(seed > 0, name);
  }
});

test('every string equal, or equal to the shared prefix: timeline order', () => {
  for (const strs of [Array<string>(20_000).fill('same line'), Array<string>(20_000).fill(''), ['ab', 'ab', 'abc', 'ab', ...Array<string>(9000).fill('abc')]]) {
    check(strs, strs.map((_, p) => p), false, 7);
    check(strs, strs.map((_, p) => p), true, 8);
  }
});

test('ids keyed past their stems sort as a code-unit sort: padded and unpadded numbers, stems that are prefixes of others, no digits', () => {
  const snapshot = '20260101T000000Z-ab12';
  const tables = ['kubelogs_CL', 'kubeevents_CL', 'podinventory_CL', 'kubeaudit_CL'];
  const gens: [string, (r: () => number, i: number) => string][] = [
    ['as this tool writes them', (r, i) => `${snapshot}/${tables[i % 4]}/${String(1 + Math.floor(r() * 1e6)).padStart(9, '0')}`],
    ['unpadded numbers', (r, i) => `${tables[i % 3]}:${i % 3 === 1 ? '7.000000000000001' : '90'}:${Math.floor(r() * 1e5)}`],
    // "a/" is a prefix of "a/b/": the stems cannot order the ids (the column is keyed past the common prefix instead).
    ['a stem a prefix of another', (r, i) => (i % 2 ? `a/${Math.floor(r() * 1000)}` : `a/b/${Math.floor(r() * 1000)}`)],
    ['digits only and empty', (r) => (r() < 0.1 ? '' : String(Math.floor(r() * 1e4)))],
    ['stems of random text', (r) => randomText(r, ['x/', 'y:', ''], 6) + String(Math.floor(r() * 100))],
    ['many stems', (r, i) => `t${i % 500}/${Math.floor(r() * 100)}`],
  ];
  let seed = 100;
  for (const [name, gen] of gens) {
    for (const n of [30_000, 2000]) {
      const r = mulberry32(seed);
      const strs = Array.from({ length: n }, (_, i) => gen(r, i));
      check(strs, strs.map((_, p) => p), true, seed);
      check(strs, strs.map((_, p) => p).filter((p) => p % 5 !== 2), true, seed + 1);
      seed += 2;
    }
    assert.ok(seed > 100, name);
  }
});

test('stems are found only when no stem is a prefix of another, and rank in code-unit order', () => {
  const stemsFor = (strs: string[], groups: number[] = []) => stemsOf([{ length: strs.length, text: (i) => strs[i]!, position: Uint32Array.from(strs.keys()) }], (_p, _s, _d, g) => groups.push(g));
  const groups: number[] = [];
  const s = stemsFor(['b/7', 'a/12', 'b/0001', 'c-x', 'a/3'], groups);
  assert.ok(s);
  assert.deepEqual(groups.map((g) => s.rankOf[g]), [1, 0, 1, 2, 0], 'ranks in code-unit order of the stems');
  assert.deepEqual([...s.depth], [2, 2, 3]);
  // An id that starts with a stem found before is that stem and the rest (one stem, nothing to order by it).
  assert.deepEqual(stemsFor(['a/1', 'a/b/2'])?.depth, Uint32Array.from([2]));
  assert.equal(stemsFor(['a/b/2', 'a/1']), undefined, '"a/" is a prefix of "a/b/"');
  assert.equal(stemsFor(['x3', '12']), undefined, 'the empty stem is a prefix of every other');
  assert.equal(stemsFor(Array.from({ length: 65 }, (_, i) => `t${String.fromCharCode(65 + i)}/1`)), undefined, 'too many stems');
});

test('the first window of 200,000 lines keyed past their prefix reads a few strings, not every one', () => {
  const n = 200_000;
  const strs = Array.from({ length: n }, (_, i) => `GET /api/v1/items/${(i * 7919) % n} 200 ok`);
  const column = textColumnOf(partsOf(strs, mulberry32(3)), n);
  assert.equal(column.lead.depth, 'GET /api/v1/items/'.length);
  let reads = 0;
  const order = new LazyStringOrder(Uint32Array.from(strs.keys()), (p) => (reads++, strs[p]!), column);
  const first = Array.from({ length: 200 }, (_, k) => order.at(k));
  assert.deepEqual(first, reference([...strs.keys()], strs).slice(0, 200));
  assert.ok(reads < n / 20, `${reads} strings read for the first window`);
});

/** Like randomText, from characters that all pack in 8 bits (NUL and U+00FE among them), so the keys hold all eight. */
function narrowText(r: () => number, prefixes: readonly string[], maxLen: number): string {
  const narrow = ['a', '0', '1', '.', ' ', '\u00fe', '\u0000'];
  let s = prefixes[Math.floor(r() * prefixes.length)]!;
  const len = Math.floor(r() * maxLen);
  for (let i = 0; i < len; i++) s += narrow[Math.floor(r() * narrow.length)]!;
  return s;
}

test('eight-character lead keys: groups sharing 4 to 8 characters past the column prefix, strings ending inside them, wide characters and surrogates past the fourth', () => {
  // The column shares no prefix (the '' and 'Pod' strings), while most strings share 3–10 more
  // characters (as one log format's lines do): splits skip what a segment's keys share, and
  // take pairs of characters across the two key words.
  const cases: string[][] = [
    ['', 'Pod', '10.', '10.2', '10.24', '10.244', '10.244.', '10.244.0', '10.244.0.', '10.244.0.1', '10.2\u00fe'],
    // A wide character or a surrogate at the sixth or seventh place: the keys hold five characters.
    ['abcdefg', 'abcdef\u0100', 'abcdef', 'abcde\ud83d\ude00', 'abcd', 'abc', 'x', ''],
  ];
  let seed = 300;
  for (const prefixes of cases) {
    for (const n of [60_000, 6000, 500]) {
      const r = mulberry32(seed);
      const strs = Array.from({ length: n }, () => narrowText(r, prefixes, 3));
      check(strs, strs.map((_, p) => p), false, seed);
      check(strs, strs.map((_, p) => p).filter((p) => p % 4 !== 3), false, seed + 1);
      seed += 2;
    }
  }
  // Every string shares 7 characters and most share 8, then end or go on: equal strings keep timeline order.
  const ended = Array.from({ length: 30_000 }, (_, i) => ['10.244.', '10.244.0', '10.244.0.', '10.244.0.7', '10.244.1'][i % 5]! + (i % 7 === 0 ? '' : String(i % 3)));
  check(ended, ended.map((_, p) => p), false, 310);
});

test('the lead keys hold eight 8-bit characters past the shared prefix, fewer when a string leaves Latin-1 sooner', () => {
  const lead = (strs: string[]) => textColumnOf([{ length: strs.length, text: (i) => strs[i]!, position: Uint32Array.from(strs.keys()) }], strs.length).lead;
  const ascii = lead(['10.244.0.1 GET', '10.244.3.9 GET', 'Pod started', '']);
  assert.deepEqual([ascii.depth, ascii.chars, ascii.wide, ascii.keys2 !== undefined], [0, 8, false, true]);
  const wideSixth = lead(['abcde\u0100fgh', 'abcdefgh', 'x']);
  assert.deepEqual([wideSixth.depth, wideSixth.chars, wideSixth.keys2 !== undefined], [0, 5, true]);
  const wideThird = lead(['ab\u4e2d', 'abc', 'b']);
  assert.deepEqual([wideThird.chars, wideThird.keys2], [2, undefined]);
});

/** The column's keys recorded as a load records them (each part in its load order), one string in `skipEvery` left unrecorded. */
function recordedOf(parts: readonly TextPart[], strs: readonly string[], skipEvery: number): Recorded {
  const loaded = parts.map((part) => {
    const rec = new LeadRecorder((i) => part.text(i));
    for (let i = 0; i < part.length; i++) {
      if (i % skipEvery === 0) rec.skip();
      else rec.add(part.text(i));
    }
    return { lead: rec.view(), position: part.position };
  });
  return { lead: recordedLead(strs.length, loaded), at: (p) => strs[p]! };
}

test('lead keys recorded at load are the keys a sort reads from the strings, unrecorded strings read at the sort', () => {
  const cases: string[][] = [
    ['', 'Pod', '10.244.0.', 'GET /api', 'java.lang.'],
    ['abcdef\u0100', 'abcde\ud83d\ude00', 'x', '', '\u00ff\u00fe'],
    ['\u4e2d\u6587 ', 'a'],
    // A prefix every string shares: the keys are packed past it (the recorded ones are not used).
    ['GET /api/v1/'],
    // Longer than the keys: the load records the characters past it as well, and packs them again
    // when a later string shortens it (the first ones may share more than all do).
    ['GET /api/v1/items/'],
    ['GET /api/v1/items/', 'GET /api/v1/users/'],
    ['0123456789abcdef', '0123456789abcdeX', '0123456789ab', '01234567'],
  ];
  let seed = 400;
  for (const prefixes of cases) {
    for (const skipEvery of [1, 7, 1_000_000]) {
      const r = mulberry32(seed);
      // Narrow characters after the prefixes: the keys hold as many characters as the prefixes leave 8-bit (the wide first ones: none).
      const strs = Array.from({ length: 20_000 }, () => narrowText(r, prefixes, 9));
      const plain = textColumnOf(partsOf(strs, mulberry32(seed + 1)), strs.length).lead;
      const parts = partsOf(strs, mulberry32(seed + 1));
      const recorded = recordedOf(parts, strs, skipEvery);
      const keysAtLoad = recorded.lead.keys.slice();
      const lead = textColumnOf(parts, strs.length, false, recorded).lead;
      assert.deepEqual({ ...lead, stems: undefined }, { ...plain, stems: undefined }, `seed ${seed}, one in ${skipEvery} unrecorded`);
      // A wide column's keys are its own: the recorded ones stay as they were (but for the skipped, packed at the sort).
      for (const p of recorded.lead.skipped) keysAtLoad[p] = recorded.lead.keys[p]!;
      assert.deepEqual(recorded.lead.keys, keysAtLoad, `seed ${seed}: recorded keys kept`);
      // And the order built on them is the code-unit order.
      const order = new LazyStringOrder(Uint32Array.from(strs.keys()), (p) => strs[p]!, textColumnOf(parts, strs.length, false, recordedOf(parts, strs, skipEvery)));
      assert.deepEqual(Array.from({ length: strs.length }, (_, k) => order.at(k)), reference([...strs.keys()], strs), `seed ${seed} order`);
      // Every string in one part: what it saw decides how many characters the keys hold.
      const whole = [{ length: strs.length, text: (i: number) => strs[i]!, position: Uint32Array.from(strs.keys()) }];
      assert.deepEqual({ ...textColumnOf(whole, strs.length, false, recordedOf(whole, strs, skipEvery)).lead, stems: undefined }, { ...plain, stems: undefined }, `seed ${seed}, one part`);
      seed += 2;
    }
  }
});
