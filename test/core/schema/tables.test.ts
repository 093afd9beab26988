import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLES, COMMON_COLUMNS, defineTable, TIMELINE_COLUMNS } from '../../../src/core/schema/index.js';
import { normalizeTime } from '../../../src/core/schema/time.js';

test('every table satisfies the Log Analytics naming rules and carries the common columns first', () => {
  const names = new Set<string>();
  for (const t of TABLES) {
    assert.match(t.name, /_CL$/);
    assert.ok(!names.has(t.name), `duplicate table ${t.name}`);
    names.add(t.name);
    assert.deepEqual(t.columns.slice(0, COMMON_COLUMNS.length).map((c) => c.name), COMMON_COLUMNS.map((c) => c.name));
    assert.ok(t.columns.length <= 500);
  }
  assert.ok(names.has('suspiciouspods_CL'), 'the original suspiciouspods_CL name is kept');
});

test('defineTable refuses reserved, malformed and repeated column names', () => {
  assert.throws(() => defineTable({ name: 'x_CL', description: '', columns: [{ name: 'Type', type: 'string', description: '' }] }), /reserved/);
  assert.throws(() => defineTable({ name: 'x_CL', description: '', columns: [{ name: '1abc', type: 'string', description: '' }] }), /not a valid/);
  assert.throws(() => defineTable({ name: 'x_CL', description: '', columns: [{ name: 'Summary', type: 'string', description: '' }] }), /twice/);
  assert.throws(() => defineTable({ name: 'x', description: '', columns: [] }), /_CL/);
});

test('timeline columns start with Time and end with Details', () => {
  assert.equal(TIMELINE_COLUMNS[0]!.name, 'Time');
  assert.equal(TIMELINE_COLUMNS.at(-1)!.name, 'Details');
});

test('a time naming a day or an hour that does not exist is no time (it would sort among real ones and make ingestion refuse the row)', () => {
  assert.equal(normalizeTime('2026-99-99T99:99:99Z'), null);
  assert.equal(normalizeTime('2026-02-29T10:00:00Z'), null, '2026 is not a leap year');
  assert.equal(normalizeTime('2026-12-01T24:00:00Z'), null);
  assert.equal(normalizeTime('2028-02-29T23:59:59.5Z'), '2028-02-29T23:59:59.5000000Z');
  assert.equal(normalizeTime('0050-02-29T00:00:00Z'), null, 'year 50 is not a leap year (not read as 1950)');
  assert.equal(normalizeTime('2026-12-01T10:00:00+02:00'), '2026-12-01T08:00:00.0000000Z');
});
