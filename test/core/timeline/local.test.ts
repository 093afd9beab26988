import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLocalTimeline, timelineFromRows, type TableSource } from '../../../src/core/timeline/local.js';
import { compareTimelineRows, matchesFilter, toTimelineRow } from '../../../src/core/timeline/rows.js';
import { emptyFilter, type TimelineFilter } from '../../../src/core/timeline/filter.js';
import { TABLES, clusterEvents, containerLogs, suspiciousPods, type TableName } from '../../../src/core/schema/tables.js';
import { SEVERITIES, SORT_COLUMNS, type TimelineRow } from '../../../src/core/schema/timeline.js';
import { BundleWriter, newSnapshotId } from '../../support/v1BundleWriter.js';
import { openBundle } from '../../../src/core/evidence/reader.js';
import { tempDir } from '../../support/tempDir.js';
import { mulberry32 as rng } from '../../support/random.js';


const NAMESPACES = ['default', 'kube-system', 'prod', 'Prod', ''];
const PODS = ['web-1', 'web-2', 'db-0', 'miner"x', ''];
const CONTAINERS = ['app', 'sidecar', 'init', ''];
const EVENT_TYPES = ['LogLine', 'ContainerStarted', 'Finding', 'Warning'];
const IMAGES = ['registry.example/nginx:1.25', 'ghcr.io/Team/Miner:latest'];
const WORDS = ['GET /health', 'curl http://evil', 'Connection REFUSED', 'wget', '<img src=x>', 'ok', 'Ünïcode'];

type RawByTable = Map<TableName, Record<string, unknown>[]>;

function makeRaw(count: number, seed: number): RawByTable {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const out: RawByTable = new Map();
  const tables = [containerLogs.name, clusterEvents.name, suspiciousPods.name] as TableName[];
  for (let i = 0; i < count; i++) {
    const table = pick(tables);
    // Few distinct times, so ties on Time exercise the table and RecordId tie-breaks; some unknown.
    const sec = Math.floor(r() * 40);
    const time = r() < 0.08 ? null : `2026-01-01T00:${String(sec).padStart(2, '0')}:00.${String(Math.floor(r() * 3)).padStart(7, '0')}Z`;
    const row: Record<string, unknown> = {
      TimeGenerated: '2026-01-02T00:00:00.0000000Z',
      EventTime: time,
      RecordId: `${table}:${Math.floor(r() * 1e9).toString(16)}:${i}`,
      SnapshotId: 'snap',
      Cluster: 'c1',
      EventType: pick(EVENT_TYPES),
      Namespace: pick(NAMESPACES),
      PodName: pick(PODS),
      ContainerName: pick(CONTAINERS),
      Summary: `${pick(WORDS)} ${pick(WORDS)} #${i}`,
      Severity: r() < 0.5 ? '' : pick(SEVERITIES),
      TechniqueId: r() < 0.8 ? '' : 'MS-TA9001',
    };
    if (table === containerLogs.name) {
      row.Message = row.Summary;
      row.Image = pick(IMAGES);
      row.TimestampParsed = r() < 0.8;
    }
    if (table === suspiciousPods.name) {
      row.Baseline = r() < 0.3 ? true : r() < 0.5 ? null : false;
      row.ResourceKind = row.PodName === '' ? pick(['Deployment', 'DaemonSet']) : 'Pod';
      row.ResourceName = row.PodName === '' ? pick(['web', 'agent']) : row.PodName;
      row.Tactics = [pick(['Execution', 'Persistence'])];
      row.FieldPath = r() < 0.5 ? 'log:line 3' : 'spec.containers[0]';
    }
    (out.get(table) ?? out.set(table, []).get(table)!).push(row);
  }
  return out;
}

function memorySource(raw: RawByTable): TableSource {
  return {
    readTable: <T extends TableName>(table: T) =>
      (async function* () {
        for (const row of raw.get(table) ?? []) yield row as never;
      })(),
  };
}

function bruteForce(raw: RawByTable): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const [table, list] of raw) for (const row of list) rows.push(toTimelineRow(table, row));
  return rows.sort(compareTimelineRows);
}

function randomFilter(r: () => number, rows: TimelineRow[]): TimelineFilter {
  const f = emptyFilter();
  const some = <T>(make: () => T): T[] => Array.from({ length: 1 + Math.floor(r() * 2) }, make);
  const anyRow = () => rows[Math.floor(r() * rows.length)];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  if (r() < 0.3) f.namespaces = some(() => (r() < 0.9 ? anyRow().Namespace : 'absent'));
  if (r() < 0.25) f.pods = some(() => ({ namespace: anyRow().Namespace, pod: anyRow().PodName }));
  if (r() < 0.3)
    f.containers = some(() => {
      const x = anyRow();
      return r() < 0.9 ? { namespace: x.Namespace, pod: x.PodName, container: x.ContainerName } : { namespace: 'prod', pod: 'nope', container: 'app' };
    });
  if (r() < 0.3) f.sourceTables = some(() => anyRow().SourceTable);
  if (r() < 0.2) f.eventTypes = some(() => anyRow().EventType);
  if (r() < 0.2) f.severities = some(() => SEVERITIES[Math.floor(r() * SEVERITIES.length)]);
  if (r() < 0.3) {
    const w = WORDS[Math.floor(r() * WORDS.length)];
    const start = Math.floor(r() * w.length);
    const sub = w.slice(start, start + 1 + Math.floor(r() * 5));
    f.text = r() < 0.5 ? sub.toUpperCase() : sub;
    if (r() < 0.2) f.text = 'PROD'; // matches a namespace only
  }
  if (r() < 0.15) f.text = pick(['MINER', 'nginx:1', 'persist', 'spec.CONTAINERS']); // only in Details
  if (r() < 0.2) f.hideBaseline = true;
  if (r() < 0.1) f.recordIds = some(() => (r() < 0.9 ? anyRow().RecordId : 'absent'));
  if (r() < 0.1) f.workloads = some(() => ({ namespace: anyRow().Namespace, kind: pick(['Deployment', 'DaemonSet']), name: pick(['web', 'agent']) }));
  if (r() < 0.3) f.from = anyRow().Time || '2026-01-01T00:10:00.0000000Z';
  if (r() < 0.3) f.to = r() < 0.8 ? anyRow().Time || '2026-01-01T00:30:00' : '2026-01-01T00:20';
  return f;
}

test('indexed answers equal the brute-force filter and order over the same rows, on randomized filters', async () => {
  const raw = makeRaw(3000, 7);
  const expectedAll = bruteForce(raw);
  const progress: string[] = [];
  const tl = await loadLocalTimeline(memorySource(raw), { onProgress: (p) => p.done && progress.push(p.table) });
  assert.equal(tl.size, expectedAll.length);
  assert.deepEqual(progress, TABLES.map((t) => t.name), 'every table is read and reported');
  assert.deepEqual(tl.query(emptyFilter(), { offset: 0, limit: 1e9 }).rows, expectedAll);

  const r = rng(42);
  let nonTrivial = 0;
  for (let i = 0; i < 300; i++) {
    const f = randomFilter(r, expectedAll);
    const expected = expectedAll.filter((row) => matchesFilter(row, f));
    const got = tl.query(f, { offset: 0, limit: 1e9 });
    assert.equal(got.total, expected.length, `total for ${JSON.stringify(f)}`);
    assert.deepEqual(got.rows, expected, `rows for ${JSON.stringify(f)}`);
    // A window is the same slice of the same order.
    const offset = Math.floor(r() * (expected.length + 3));
    const page = tl.query(f, { offset, limit: 17 });
    assert.deepEqual(page.rows, expected.slice(offset, offset + 17));
    // The histogram places every dated matching row exactly once.
    const h = tl.histogram(f, 1 + Math.floor(r() * 50));
    const dated = expected.filter((x) => x.Time !== '');
    assert.equal(h.total, expected.length);
    assert.equal(h.undated, expected.length - dated.length);
    for (const table of new Set(dated.map((x) => x.SourceTable))) {
      const s = h.series.find((x) => x.table === table);
      assert.ok(s, `series for ${table}`);
      assert.equal(s.counts.reduce((a, b) => a + b, 0), dated.filter((x) => x.SourceTable === table).length);
    }
    assert.equal(h.series.length, new Set(dated.map((x) => x.SourceTable)).size);
    // Sorted by a column: by its value, ties in timeline order; descending is the exact reverse.
    const column = SORT_COLUMNS[i % SORT_COLUMNS.length]!;
    const value = (x: TimelineRow) => String(x[column]);
    const byColumn = expected.map((x, k) => ({ x, k })).sort((a, b) => (value(a.x) < value(b.x) ? -1 : value(a.x) > value(b.x) ? 1 : a.k - b.k)).map((e) => e.x);
    const descending = i % 2 === 1;
    assert.deepEqual(tl.query(f, { offset: 0, limit: 1e9, sort: { column, descending } }).rows, descending ? byColumn.reverse() : byColumn, `sorted by ${column}`);
    if (expected.length > 0 && expected.length < expectedAll.length) nonTrivial++;
  }
  assert.ok(nonTrivial > 100, `most random filters select a proper subset (${nonTrivial})`);
});

test('histogram buckets put each row at its time, and a time-range filter spans the selected range', () => {
  const mk = (time: string, id: string, table: TableName = containerLogs.name): TimelineRow => ({
    Time: time, TimeSource: time ? 'event' : 'none', SourceTable: table, EventType: 'LogLine', Cluster: 'c', Namespace: 'ns', PodName: 'p', ContainerName: 'c',
    Summary: id, Severity: '', TechniqueId: '', RecordId: id, Details: {},
  });
  const tl = timelineFromRows([
    mk('2026-01-01T00:00:00.0000000Z', 'a'),
    mk('2026-01-01T00:00:09.0000000Z', 'b', clusterEvents.name),
    mk('2026-01-01T00:00:09.5000000Z', 'c'),
    mk('', 'undated'),
  ]);
  const h = tl.histogram(emptyFilter(), 10);
  assert.equal(h.start, Date.parse('2026-01-01T00:00:00Z'));
  assert.equal(h.buckets, 10);
  assert.equal(h.undated, 1);
  assert.deepEqual(h.series.map((s) => s.table), [clusterEvents.name, containerLogs.name].sort());
  const logs = h.series.find((s) => s.table === containerLogs.name)!.counts;
  assert.equal(logs[0], 1);
  assert.equal(logs[9], 1);
  const zoomed = tl.histogram({ ...emptyFilter(), from: '2026-01-01T00:00:00.0000000Z', to: '2026-01-01T00:01:00.0000000Z' }, 60);
  assert.equal(zoomed.bucketMs, 1000, 'the selected minute is split in 60 one-second buckets');
  assert.equal(zoomed.undated, 0, 'a time filter excludes rows with unknown time');
});

test('a time range given in any ISO-8601 form (as a date picker or a histogram drag makes) selects the same rows', () => {
  const mk = (time: string, id: string): TimelineRow => ({
    Time: time, TimeSource: 'event', SourceTable: containerLogs.name, EventType: 'LogLine', Cluster: 'c', Namespace: 'ns', PodName: 'p', ContainerName: 'c',
    Summary: id, Severity: '', TechniqueId: '', RecordId: id, Details: {},
  });
  const tl = timelineFromRows([mk('2026-01-01T00:00:00.1230000Z', 'at-from'), mk('2026-01-01T00:00:05.0000000Z', 'inside'), mk('2026-01-01T00:00:09.0000000Z', 'at-to')]);
  const ids = (from: string, to: string) => tl.query({ ...emptyFilter(), from, to }, { offset: 0, limit: 10 }).rows.map((r) => r.RecordId);
  assert.deepEqual(ids('2026-01-01T00:00:00.123Z', '2026-01-01T00:00:09Z'), ['at-from', 'inside'], 'from is inclusive, to exclusive');
  assert.deepEqual(ids('2026-01-01T01:00:00.123+01:00', '2026-01-01T00:00:09.0000000Z'), ['at-from', 'inside'], 'offsets are converted to UTC');
});

test('facets list the pods and containers present with counts, and row() finds a record for Details', () => {
  const raw = makeRaw(500, 3);
  const all = bruteForce(raw);
  const tl = timelineFromRows([...all].reverse());
  const f = tl.facets();
  assert.equal(f.total, all.length);
  for (const c of f.containers) {
    const n = all.filter((x) => x.Namespace === c.namespace && x.PodName === c.pod && x.ContainerName === c.container).length;
    assert.equal(c.count, n);
    assert.notEqual(c.container, '');
  }
  assert.equal(
    f.containers.length,
    new Set(all.filter((x) => x.PodName && x.ContainerName).map((x) => JSON.stringify([x.Namespace, x.PodName, x.ContainerName]))).size,
  );
  assert.ok(f.pods.some((p) => p.pod === 'miner"x'), 'names with quotes are kept exactly');
  assert.equal(f.timeRange?.from, all.find((x) => x.Time)!.Time);
  assert.equal(f.timeRange?.to, all[all.length - 1].Time);
  const target = all[123];
  assert.deepEqual(tl.row(target.RecordId), target);
  assert.equal(tl.row('no-such-record'), undefined);
});

test('loads a real sealed bundle through openBundle, and stops when aborted', async () => {
  const parent = await tempDir('kfs-timeline-');
  const w = await BundleWriter.create(parent, {
    snapshotId: newSnapshotId(new Date()),
    cluster: { context: 'ctx', cluster: 'aks-1', server: 'https://127.0.0.1:1', user: 'u', identity: null },
    startedAt: new Date().toISOString(),
    options: { artifacts: ['containerLogs', 'events'], sinceSeconds: 3600, excludeNamespaces: [], concurrency: 2, execEnabled: false },
    toolVersion: '0.0.0-test',
  });
  const base = { Namespace: 'prod', PodName: 'web-1', Severity: '', TechniqueId: '' };
  await w.write(containerLogs.name, {
    ...base, EventTime: '2026-01-01T00:00:02.0000000Z', EventType: 'LogLine', ContainerName: 'app', Summary: 'second', Message: 'second',
    Previous: false, ContainerKind: 'container', Image: 'nginx', NodeName: 'n1', LineNumber: 2, TimestampParsed: true, NonUtf8: false,
  });
  await w.write(clusterEvents.name, {
    ...base, EventTime: '2026-01-01T00:00:01.0000000Z', EventType: 'Warning', ContainerName: '', Summary: 'BackOff restarting', Reason: 'BackOff',
    Message: 'Back-off', K8sEventType: 'Warning', InvolvedKind: 'Pod', InvolvedName: 'web-1', InvolvedUid: 'u1', FirstTimestamp: null,
    LastTimestamp: null, Count: 3, ReportingComponent: 'kubelet', ReportingInstance: 'n1', Action: '', ApiSource: 'core/v1',
  });
  await w.seal({ status: 'complete', endedAt: new Date().toISOString(), artifacts: {} });
  const bundle = await openBundle(w.dir);
  const progress: { totalRows: number; expectedRows?: number }[] = [];
  const tl = await loadLocalTimeline(bundle, { onProgress: (p) => progress.push(p) });
  assert.deepEqual(progress.at(-1), { ...progress.at(-1), totalRows: 2, expectedRows: 2 }, 'progress knows the total from the manifest');
  const { rows } = tl.query(emptyFilter(), { offset: 0, limit: 10 });
  assert.deepEqual(rows.map((x) => x.Summary), ['BackOff restarting', 'second']);
  assert.equal(rows[0].Cluster, 'aks-1', 'the writer-stamped cluster is carried');
  assert.equal(rows[1].Details.Image, 'nginx');
  const byContainer = tl.query({ ...emptyFilter(), containers: [{ namespace: 'prod', pod: 'web-1', container: 'app' }] }, { offset: 0, limit: 10 });
  assert.deepEqual(byContainer.rows.map((x) => x.Summary), ['BackOff restarting', 'second'], "a container keeps its pod's pod-level rows");

  const ac = new AbortController();
  ac.abort(new Error('user cancelled'));
  await assert.rejects(loadLocalTimeline(bundle, { signal: ac.signal }), /user cancelled/);
});
