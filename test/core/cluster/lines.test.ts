// Byte-level line handling of history files held in memory. (Log lines are split by the
// derivation from the raw streams: test/core/collectors/parsers.test.ts and the raw-evidence tests.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bufferLines, decodeUtf8Escaped } from '../../../src/core/cluster/lines.js';

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
