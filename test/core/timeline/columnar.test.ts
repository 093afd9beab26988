// The columnar path (log rows straight from the raw streams, no row objects) gives exactly the
// rows the row path gives (deriveLogRows → toTimelineRow), on a bundle collected from the
// emulator with the lines that make logs awkward: stack traces without their own timestamp,
// tabs, long lines, bytes that are not UTF-8, several lines at the same instant.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startKubeEmulator } from '../../emulators/kube/index.js';
import { takeSnapshot } from '../../../src/core/snapshot.js';
import { openBundle } from '../../../src/core/evidence/reader.js';
import { loadLocalTimeline } from '../../../src/core/timeline/local.js';
import { compareTimelineRows, matchesFilter, toTimelineRow } from '../../../src/core/timeline/rows.js';
import { emptyFilter } from '../../../src/core/timeline/filter.js';
import { TABLES, containerLogs } from '../../../src/core/schema/tables.js';
import type { TimelineRow } from '../../../src/core/schema/timeline.js';
import { tempDir } from '../../support/tempDir.js';

let dir: string;
let bundleDir: string;

before(async () => {
  // Recent times: logs are asked for within the since-window.
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  const t = (s: number) => new Date(base + s * 1000).toISOString();
  const offset = new Date(base + 5500 + 3_600_000).toISOString().replace('Z', '+01:00');
  const lines = [
    { time: t(1), text: 'GET /health 200' },
    { time: t(2), text: 'java.lang.NullPointerException: boom\n\tat com.example.Handler.run(Handler.java:42)\n\tat java.lang.Thread.run' },
    { time: t(2), text: 'same instant, second line' },
    { time: t(3), text: `long ${'x'.repeat(400)}` },
    { time: t(4), base64: Buffer.from([0x61, 0xff, 0x62]).toString('base64') },
    { time: offset, text: 'an offset timestamp' },
  ];
  const pod = (name: string) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'prod', uid: `u-${name}`, creationTimestamp: t(0) },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'registry.example/app:1' }, { name: 'side', image: 'registry.example/side:2' }] },
    status: { phase: 'Running', containerStatuses: ['app', 'side'].map((c) => ({ name: c, restartCount: 0, state: { running: { startedAt: t(0) } } })) },
  });
  const data = {
    apiVersion: 'kubeforensys.dev/emulator-v1', kind: 'KubeForenSysEmulatorData', cluster: 'columnar',
    containers: ['web-1', 'web-2'].flatMap((p) => ['app', 'side'].map((c) => ({ namespace: 'prod', pod: p, container: c, logs: c === 'app' ? lines : lines.slice(0, 3) }))),
  };
  dir = await tempDir('kfs-columnar-');
  await writeFile(join(dir, 's.yaml'), [pod('web-1'), pod('web-2'), data].map((d) => stringify(d)).join('---\n'));
  const emu = await startKubeEmulator({ scenario: join(dir, 's.yaml') });
  try {
    await emu.writeKubeconfig(join(dir, 'kc.yaml'));
    ({ bundleDir } = await takeSnapshot({ kubeconfig: join(dir, 'kc.yaml'), outDir: dir, options: { artifacts: ['events', 'podInventory', 'containerLogs'] } }, { signal: new AbortController().signal }));
  } finally {
    await emu.close();
  }
});
after(() => rm(dir, { recursive: true, force: true }));

/** The row path: every table through the bundle reader, as timeline rows, in timeline order. */
async function rowPath(): Promise<TimelineRow[]> {
  const bundle = await openBundle(bundleDir);
  const out: TimelineRow[] = [];
  for (const t of TABLES) for await (const r of bundle.readTable(t.name)) out.push(toTimelineRow(t.name, r as unknown as Record<string, unknown>));
  return out.sort(compareTimelineRows);
}

test('the columnar load gives the row path’s rows, values and order, log rows included', async () => {
  const expected = await rowPath();
  const tl = await loadLocalTimeline(await openBundle(bundleDir));
  const got = tl.query(emptyFilter(), { offset: 0, limit: 1e6 }).rows;
  assert.ok(expected.filter((r) => r.SourceTable === containerLogs.name).length >= 20, 'the log rows are there');
  assert.deepEqual(got, expected);
  const kinds = new Set(got.map((r) => r.TimeSource));
  assert.ok(kinds.has('previous-line'), 'stack-trace lines are dated by the line before them');
  const trace = got.find((r) => r.Summary.startsWith('at com.example') || r.Summary.includes('Handler.java'))!;
  assert.equal(trace.TimeSource, 'previous-line');
  assert.deepEqual(tl.row(trace.RecordId), trace, 'Details of a log row by its RecordId');
});

test('filters, free text and sorts over the columnar rows answer as the row semantics do', async () => {
  const expected = await rowPath();
  const tl = await loadLocalTimeline(await openBundle(bundleDir));
  const filters = [
    { ...emptyFilter(), text: 'nullpointer' },
    { ...emptyFilter(), text: 'REGISTRY.EXAMPLE/SIDE' },
    { ...emptyFilter(), text: 'handler.java:42' },
    { ...emptyFilter(), containers: [{ namespace: 'prod', pod: 'web-2', container: 'side' }] },
    { ...emptyFilter(), from: expected.find((r) => r.Summary === 'same instant, second line')!.Time, to: expected.find((r) => r.Summary.startsWith('long '))!.Time },
  ];
  for (const f of filters) {
    const want = expected.filter((r) => matchesFilter(r, f));
    assert.ok(want.length > 0, JSON.stringify(f));
    assert.deepEqual(tl.query(f, { offset: 0, limit: 1e6 }).rows, want, JSON.stringify(f));
  }
  const bySummary = [...expected].sort((a, b) => (a.Summary < b.Summary ? -1 : a.Summary > b.Summary ? 1 : 0));
  assert.deepEqual(tl.query(emptyFilter(), { offset: 0, limit: 1e6, sort: { column: 'Summary', descending: false } }).rows, bySummary);
  assert.deepEqual(tl.query(emptyFilter(), { offset: 0, limit: 1e6, sort: { column: 'Summary', descending: true } }).rows, [...bySummary].reverse());
  const byRecordId = [...expected].sort((a, b) => (a.RecordId < b.RecordId ? -1 : a.RecordId > b.RecordId ? 1 : 0));
  assert.deepEqual(tl.query(emptyFilter(), { offset: 0, limit: 1e6, sort: { column: 'RecordId', descending: false } }).rows, byRecordId, 'log rows and the other tables by RecordId');
});
