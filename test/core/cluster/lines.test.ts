// Byte-level line handling: what keeps a 1.5 MB line, a line split across chunks and bytes
// that are not UTF-8 intact in the evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bufferLines, decodeUtf8Escaped, splitLines } from '../../../src/core/cluster/lines.js';

async function* chunks(...parts: (string | Buffer)[]): AsyncIterable<Buffer> {
  for (const p of parts) yield Buffer.isBuffer(p) ? p : Buffer.from(p);
}

async function collect(it: AsyncIterable<{ bytes: Buffer; split: boolean }>) {
  const out: { text: string; split: boolean }[] = [];
  for await (const l of it) out.push({ text: l.bytes.toString('latin1'), split: l.split });
  return out;
}

test('lines split across chunks are joined, CRLF is trimmed and a last line without newline is kept', async () => {
  const lines = await collect(splitLines(chunks('one\r\ntw', 'o\n', '', 'thr', 'ee\nfour')));
  assert.deepEqual(lines.map((l) => l.text), ['one', 'two', 'three', 'four']);
  assert.ok(lines.every((l) => !l.split));
});

test('a 1.5 MB line arrives whole; a line over the bound is cut into flagged pieces', async () => {
  const big = 'x'.repeat(1_500_000);
  const parts = [];
  for (let i = 0; i < big.length; i += 65536) parts.push(big.slice(i, i + 65536));
  const lines = await collect(splitLines(chunks('a\n', ...parts, '\nb\n')));
  assert.deepEqual(lines.map((l) => l.text.length), [1, 1_500_000, 1]);
  const cut = await collect(splitLines(chunks('0123456789\nab\n'), 4));
  assert.deepEqual(cut, [
    { text: '0123', split: true },
    { text: '4567', split: true },
    { text: '89', split: false },
    { text: 'ab', split: false },
  ]);
});

test('bytes that are not UTF-8 are escaped as \\xNN and flagged; valid text is untouched', () => {
  assert.deepEqual(decodeUtf8Escaped(Buffer.from('héllo ✓ 😀')), { text: 'héllo ✓ 😀', nonUtf8: false });
  const bad = Buffer.concat([Buffer.from('ok '), Buffer.from([0xff, 0xfe]), Buffer.from(' é '), Buffer.from([0xc3]), Buffer.from('!')]);
  assert.deepEqual(decodeUtf8Escaped(bad), { text: 'ok \\xFF\\xFE é \\xC3!', nonUtf8: true });
  // A genuine U+FFFD is valid UTF-8, not a decoding failure.
  assert.deepEqual(decodeUtf8Escaped(Buffer.from('a\uFFFDb')), { text: 'a\uFFFDb', nonUtf8: false });
});

test('bufferLines splits a history file held in memory', () => {
  assert.deepEqual(bufferLines(Buffer.from('a\r\nb\n\nc')).map(String), ['a', 'b', '', 'c']);
});
