// Multi-line log entries: the continuation rule on its own, then the engine's grouped view over
// a bundle collected from the emulator (Java and Python traces, a gap, two interleaved
// containers): one row per entry, "N lines in M entries" that a reader can recount, expansion,
// filters that keep lines, descending order, locate, and the lines view left as it was.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startKubeEmulator } from '../../emulators/kube/index.js';
import { takeSnapshot } from '../../../src/core/snapshot.js';
import { openBundle } from '../../../src/core/evidence/reader.js';
import { loadLocalTimeline, timelineFromRows, type LocalTimeline } from '../../../src/core/timeline/local.js';
import { EntryGrouper, ENTRY_GAP_MS } from '../../../src/core/timeline/entries.js';
import { emptyFilter, type TimelineFilter } from '../../../src/core/timeline/filter.js';
import { containerLogs } from '../../../src/core/schema/tables.js';
import { locateRow } from '../../../src/core/timeline/locate.js';
import { tempDir } from '../../support/tempDir.js';
import { answerRequest } from '../../../src/core/timeline/serve.js';
import { parseHostMessage } from '../../../src/core/timeline/messages.js';
import { ENTRY_TEXT_MAX_LINES } from '../../../src/core/timeline/source.js';
import type { TimelineRow } from '../../../src/core/schema/timeline.js';

/** Entry heads for lines (text, ms) of one stream; ownTime false for the lines dated by the one before. */
function heads(lines: [string, number, boolean?][]): number[] {
  const g = new EntryGrouper();
  return lines.map(([text, ms, own], i) => g.next(i, text, ms, own ?? true, 0));
}

test('continuation lines join the entry before them: Java and Python traces, within the gap, not across it', () => {
  assert.deepEqual(
    heads([
      ['GET /health 200', 0],
      ['java.lang.IllegalStateException: boom', 10],
      ['\tat com.example.Handler.run(Handler.java:42)', 10],
      ['Caused by: java.io.IOException: disk', 11],
      ['\t... 12 more', 11],
      ['at com.example.Main.main(Main.java:3)', 12],
      ['next request', 13],
      ['Traceback (most recent call last):', 20],
      ['  File "app.py", line 3, in <module>', 20],
      ['    1/0', 20],
      ['ZeroDivisionError: division by zero', 21],
      ['INFO: served', 22],
    ]),
    [0, 1, 1, 1, 1, 1, 6, 7, 7, 7, 7, 11],
  );
  // An indented line after the gap is a new entry; a line without its own time is never past the gap.
  assert.deepEqual(heads([['start', 0], ['  indented but late', ENTRY_GAP_MS + 1], ['  dated by the line before', 0, false]]), [0, 1, 1]);
  // "Name: text" only ends a traceback that had its frames; elsewhere it is an entry of its own.
  assert.deepEqual(heads([['Traceback (most recent call last):', 0], ['KeyError: x', 0], ['Warning: plain', 0]]), [0, 1, 2]);
  // Blank lines and a first line are never continuations.
  assert.deepEqual(heads([['   ', 0], ['', 0], ['\tat x', 0]]), [0, 1, 1]);
  // A new stream starts afresh.
  const g = new EntryGrouper();
  g.next(0, 'java.lang.Error: x', 0, true, 0);
  g.reset();
  assert.equal(g.next(1, '\tat y', 0, true, 0), 1);
});

let dir: string;
let tl: LocalTimeline;
const JAVA = ['java.lang.IllegalStateException: boom', '\tat com.example.Handler.run(Handler.java:42)', 'Caused by: java.io.IOException: disk full', '\t... 12 more'];
const PY = ['Traceback (most recent call last):', '  File "app.py", line 3, in <module>', 'ZeroDivisionError: division by zero'];

before(async () => {
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  const t = (ms: number) => new Date(base + ms).toISOString();
  const app = [
    { time: t(1000), text: 'GET /health 200' },
    // The Java trace arrives as one write: its later lines carry no timestamp of their own.
    { time: t(2000), text: JAVA.join('\n') },
    { time: t(2500), text: 'GET /next 200' },
    // The Python trace: each line with its own timestamp, a few milliseconds apart.
    ...PY.map((text, i) => ({ time: t(3000 + i * 5), text })),
    // Indented, but five seconds later: an entry of its own.
    { time: t(8000), text: '  late indented line' },
  ];
  const side = [{ time: t(2000), text: 'side line' }, { time: t(2001), text: '\tside indented' }];
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'prod', uid: 'u-web-1', creationTimestamp: t(0) },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'registry.example/app:1' }, { name: 'side', image: 'registry.example/side:1' }] },
    status: { phase: 'Running', containerStatuses: ['app', 'side'].map((c) => ({ name: c, restartCount: 0, state: { running: { startedAt: t(0) } } })) },
  };
  const data = {
    apiVersion: 'kubeforensys.dev/emulator-v1', kind: 'KubeForenSysEmulatorData', cluster: 'entries',
    containers: [{ namespace: 'prod', pod: 'web-1', container: 'app', logs: app }, { namespace: 'prod', pod: 'web-1', container: 'side', logs: side }],
  };
  dir = await tempDir('kfs-entries-');
  await writeFile(join(dir, 's.yaml'), [pod, data].map((d) => stringify(d)).join('---\n'));
  const emu = await startKubeEmulator({ scenario: join(dir, 's.yaml') });
  try {
    await emu.writeKubeconfig(join(dir, 'kc.yaml'));
    const { bundleDir } = await takeSnapshot({ kubeconfig: join(dir, 'kc.yaml'), outDir: dir, options: { artifacts: ['containerLogs'] } }, { signal: new AbortController().signal });
    tl = await loadLocalTimeline(await openBundle(bundleDir));
  } finally {
    await emu.close();
  }
});
after(() => rm(dir, { recursive: true, force: true }));

const logsOnly = (over: Partial<TimelineFilter> = {}): TimelineFilter => ({ ...emptyFilter(), sourceTables: [containerLogs.name], ...over });
const ALL = { offset: 0, limit: 1000 };

test('the grouped view shows one row per entry and counts "N lines in M entries" a reader can recount', () => {
  const lines = tl.query(logsOnly(), ALL);
  const grouped = tl.query(logsOnly(), { ...ALL, entries: { expanded: [] } });
  const messages = lines.rows.map((r) => r.Details.Message);
  // The lines view is the evidence as it was: every line its own row, no group information.
  assert.equal(lines.total, 1 + JAVA.length + 1 + PY.length + 1 + 2);
  assert.deepEqual(messages.filter((m) => JAVA.includes(m as string)), JAVA);
  assert.equal(lines.groups, undefined);
  // Entries: health, Java (4 lines), next, Python (3 lines), late, side, side+indented (2 lines).
  assert.equal(grouped.lines, lines.total);
  assert.equal(grouped.entryCount, 6);
  assert.equal(grouped.total, 6, 'collapsed: one row per entry');
  const java = grouped.rows.findIndex((r) => r.Details.Message === JAVA[0]);
  assert.deepEqual(grouped.groups![java], { entry: grouped.rows[java]!.RecordId, role: 'entry', lines: 4, of: 4, expanded: false });
  const py = grouped.rows.findIndex((r) => r.Details.Message === PY[0]);
  assert.equal(grouped.groups![py]!.of, 3);
  assert.equal(grouped.groups![grouped.rows.findIndex((r) => r.Details.Message === 'GET /health 200')], null);
  assert.ok(grouped.rows.some((r) => r.Details.Message === '  late indented line'), 'a line past the gap is its own entry');
  // Recount: the entry sizes of the grouped rows add up to the lines.
  assert.equal(grouped.groups!.reduce((n, g) => n + (g ? g.lines : 1), 0), lines.total);
});

test('an expanded entry lists its other lines right after it, in order, also when the rest is descending', () => {
  const collapsed = tl.query(logsOnly(), { ...ALL, entries: { expanded: [] } });
  const head = collapsed.rows.find((r) => r.Details.Message === JAVA[0])!.RecordId;
  const open = tl.query(logsOnly(), { ...ALL, entries: { expanded: [head] } });
  assert.equal(open.total, collapsed.total + JAVA.length - 1);
  const at = open.rows.findIndex((r) => r.RecordId === head);
  assert.deepEqual(open.rows.slice(at, at + JAVA.length).map((r) => r.Details.Message), JAVA);
  assert.deepEqual(open.groups!.slice(at, at + JAVA.length).map((g) => g!.role), ['entry', 'line', 'line', 'line']);
  assert.ok(open.groups![at]!.expanded);
  const desc = tl.query(logsOnly(), { ...ALL, sort: { column: 'Time', descending: true }, entries: { expanded: [head] } });
  const d = desc.rows.findIndex((r) => r.RecordId === head);
  assert.deepEqual(desc.rows.slice(d, d + JAVA.length).map((r) => r.Details.Message), JAVA, 'the lines of an entry stay oldest first');
  assert.equal(desc.rows[0]!.Details.Message, '  late indented line', 'entries newest first');
  // A sort by another column shows lines (grouping would contradict the sort).
  const bySummary = tl.query(logsOnly(), { ...ALL, sort: { column: 'Summary', descending: false }, entries: { expanded: [] } });
  assert.equal(bySummary.total, open.lines);
  assert.equal(bySummary.groups, undefined);
});

test('a filter keeps lines: an entry whose first line does not match stands at its first line that does', () => {
  const hit = tl.query(logsOnly({ text: 'disk full' }), { ...ALL, entries: { expanded: [] } });
  assert.equal(hit.total, 1);
  assert.equal(hit.rows[0]!.Details.Message, JAVA[2]);
  assert.equal(hit.groups![0]!.lines, 1, 'one of its lines matches');
  assert.equal(hit.groups![0]!.of, 4, 'of four in the evidence');
  const all = tl.query(logsOnly(), ALL);
  assert.equal(hit.groups![0]!.entry, all.rows.find((r) => r.Details.Message === JAVA[0])!.RecordId, 'named by its first line');
});

test('locate finds a line hidden in a collapsed entry as its entry row, and a shown line at its own row', () => {
  const all = tl.query(logsOnly(), ALL).rows;
  const caused = all.find((r) => r.Details.Message === JAVA[2])!.RecordId;
  const head = all.find((r) => r.Details.Message === JAVA[0])!.RecordId;
  const collapsed = tl.query(logsOnly(), { ...ALL, entries: { expanded: [] } }).rows;
  assert.equal(locateRow(tl, logsOnly(), caused, undefined, { expanded: [] }), collapsed.findIndex((r) => r.RecordId === head));
  const open = tl.query(logsOnly(), { ...ALL, entries: { expanded: [head] } }).rows;
  assert.equal(locateRow(tl, logsOnly(), caused, undefined, { expanded: [head] }), open.findIndex((r) => r.RecordId === caused));
  assert.equal(locateRow(tl, logsOnly({ text: 'health' }), caused, undefined, { expanded: [] }), -1, 'not among the filter’s lines');
});

test('rows that arrive as timeline rows (a workspace result) group exactly as the bundle does', () => {
  const rows = tl.query(emptyFilter(), { offset: 0, limit: 1e6 }).rows;
  const other = timelineFromRows([...rows].reverse());
  const head = rows.find((r) => r.Details.Message === JAVA[0])!.RecordId;
  for (const expanded of [[], [head]]) {
    const a = tl.query(logsOnly(), { ...ALL, entries: { expanded } });
    const b = other.query(logsOnly(), { ...ALL, entries: { expanded } });
    assert.deepEqual(b.rows, a.rows);
    assert.deepEqual(b.groups, a.groups);
    assert.deepEqual([b.lines, b.entryCount], [a.lines, a.entryCount]);
  }
});

test('the Details of any line of an entry carry the whole entry as logged, in line order; a line of its own carries none', () => {
  const all = tl.query(logsOnly(), ALL).rows;
  const idOf = (m: string) => all.find((r) => r.Details.Message === m)!.RecordId;
  const head = idOf(JAVA[0]!);
  for (const line of JAVA) assert.deepEqual(tl.entry!(idOf(line)), { entry: head, lines: JAVA.length, text: JAVA.join('\n'), omitted: 0 }, line);
  assert.deepEqual(tl.entry!(idOf(PY[2]!)), { entry: idOf(PY[0]!), lines: PY.length, text: PY.join('\n'), omitted: 0 });
  assert.equal(tl.entry!(idOf('GET /health 200')), undefined);
  assert.equal(tl.entry!('no such id'), undefined);
  // The same from rows that came as timeline rows (a workspace result), and through the message the webview receives.
  const other = timelineFromRows([...tl.query(emptyFilter(), { offset: 0, limit: 1e6 }).rows].reverse());
  assert.deepEqual(other.entry!(idOf(JAVA[3]!)), tl.entry!(idOf(JAVA[3]!)));
  const answer = answerRequest(tl, { type: 'details', requestId: 1, recordId: idOf(JAVA[1]!) });
  assert.deepEqual(parseHostMessage(JSON.parse(JSON.stringify(answer))), { type: 'detailsResult', requestId: 1, row: tl.row(idOf(JAVA[1]!)), entry: tl.entry!(head) });
});

test('an entry longer than the Details pane takes says how many of its lines it leaves out', () => {
  const head: TimelineRow = { ...tl.row(tl.query(logsOnly(), ALL).rows[0]!.RecordId)! };
  const n = ENTRY_TEXT_MAX_LINES + 7;
  const rows = Array.from({ length: n }, (_, i): TimelineRow => ({
    ...head,
    RecordId: `long-${String(i).padStart(6, '0')}`,
    TimeSource: i === 0 ? 'event' : 'previous-line',
    Summary: i === 0 ? 'java.lang.Error: deep' : `at frame${i}`,
    Details: { ...head.Details, Message: i === 0 ? 'java.lang.Error: deep' : `\tat frame${i}`, LineNumber: i + 1, TimestampParsed: i === 0 },
  }));
  const big = timelineFromRows(rows);
  const e = big.entry!('long-000123')!;
  assert.equal(e.entry, 'long-000000');
  assert.equal(e.lines, n);
  assert.equal(e.omitted, 7);
  assert.deepEqual(e.text.split('\n'), rows.slice(0, ENTRY_TEXT_MAX_LINES).map((r) => r.Details.Message));
});
