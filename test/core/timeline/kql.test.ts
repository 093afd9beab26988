import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInsightsProbeQuery, buildTimelineQuery, kqlString, queryTables, kqlIdentifier } from '../../../src/core/timeline/kql.js';
import { emptyFilter, type TimelineFilter } from '../../../src/core/timeline/filter.js';
import { INSIGHTS_TABLE_NAMES } from '../../../src/core/schema/insightsTables.js';
import { TABLES } from '../../../src/core/schema/tables.js';
import { TIMELINE_COLUMNS } from '../../../src/core/schema/timeline.js';
import { validateKql, kqlLiteralValue } from '../../emulators/azure/kustoValidate.js';
import { evaluate, KDate } from '../../emulators/azure/kqlEval.js';

const NASTY = ['a"b', 'back\\slash\\', 'new\nline', 'cr\rlf', '" | take 1 | union (rbacroles_CL) //', "single'quote", 'where', 'or', 'and 1==1', '\u0000nul\u001fctl\u2028sep', '😀 名前', '\\"', '@"verbatim"', '```'];

const filters: [string, TimelineFilter][] = [
  ['empty', emptyFilter()],
  ['everything', {
    from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00.5+01:00', namespaces: NASTY, pods: NASTY.map((n) => ({ namespace: n, pod: n })),
    containers: NASTY.map((n) => ({ namespace: 'ns', pod: n, container: n })), sourceTables: ['kubelogs_CL', 'kubeevents_CL', 'suspiciouspods_CL'], eventTypes: NASTY, severities: ['high', 'low'], text: NASTY.join(''),
    workloads: NASTY.map((n) => ({ namespace: n, kind: 'Deployment', name: n })), hideBaseline: true, recordIds: NASTY,
  }],
  ['text only', { ...emptyFilter(), text: '" or 1==1 //' }],
];

for (const [name, f] of filters) {
  for (const withInsights of [false, true]) {
    test(`the generated query passes the Kusto language service (${name}${withInsights ? ', with Container Insights and AKS audit' : ''})`, () => {
      const insights = withInsights ? [...INSIGHTS_TABLE_NAMES] : [];
      for (const timeAsText of [false, true]) {
        const q = buildTimelineQuery({ filter: f, insightsTables: insights, timeAsText });
        assert.deepEqual(validateKql(q, queryTables(insights)), []);
      }
    });
  }
}

test('every hostile value round-trips through kqlString exactly, on one line', () => {
  for (const v of NASTY) {
    const lit = kqlString(v);
    assert.ok(!/[\n\r\u2028\u2029]/.test(lit), 'a literal never spans lines');
    assert.equal(kqlLiteralValue(lit), v, `language service decodes ${JSON.stringify(v)} back`);
  }
});

test('hostile names cannot change the query: its structure is the same as with a plain name', () => {
  // Replace every string literal with a placeholder: what remains is the query's structure.
  const shape = (q: string) => q.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
  const plain = (n: string): TimelineFilter => ({ ...emptyFilter(), pods: [{ namespace: n, pod: n }], containers: [{ namespace: n, pod: n, container: n }], text: n, eventTypes: [n] });
  const reference = shape(buildTimelineQuery({ filter: plain('x') }));
  for (const v of NASTY) assert.equal(shape(buildTimelineQuery({ filter: plain(v) })), reference, JSON.stringify(v));
});

test('the query projects exactly the timeline columns from every table, and only selected tables', () => {
  const all = buildTimelineQuery({ filter: emptyFilter() });
  for (const t of TABLES) assert.ok(all.includes(`(${t.name}\n`), t.name);
  const some = buildTimelineQuery({ filter: { ...emptyFilter(), sourceTables: ['rbacroles_CL'] } });
  assert.ok(some.includes('rbacroles_CL') && !some.includes('kubelogs_CL'));
  const cols = new Set<string>();
  const r = evaluate(all, { table: (name) => ({ columns: TABLES.find((t) => t.name === name)!.columns.map((c) => ({ name: c.name, type: c.type })), rows: [] }) });
  for (const c of r.columns) cols.add(c.name);
  assert.deepEqual([...cols], TIMELINE_COLUMNS.map((c) => c.name));
});

test('order is Time ascending with unknown times first, then SourceTable, then RecordId; the limit asks for one extra row', () => {
  const q = buildTimelineQuery({ filter: { ...emptyFilter(), sourceTables: ['kubelogs_CL'] }, limit: 2 });
  assert.match(q, /\| order by Time asc nulls first, SourceTable asc, RecordId asc\n\| take 3$/);
  const row = (id: string, t: string | null) => ({ EventTime: t === null ? null : new KDate(t), RecordId: id, EventType: '', Cluster: '', Namespace: '', PodName: '', ContainerName: '', Summary: '', Severity: '', TechniqueId: '', Message: '', Previous: null, ContainerKind: '', Image: '', NodeName: '', LineNumber: null, TimestampParsed: null, NonUtf8: null });
  const res = evaluate(q, {
    table: () => ({
      columns: TABLES.find((t) => t.name === 'kubelogs_CL')!.columns.map((c) => ({ name: c.name, type: c.type })),
      rows: [row('b', '2026-01-01T00:00:00.0000002Z'), row('a', '2026-01-01T00:00:00.0000002Z'), row('z', null), row('c', '2025-01-01T00:00:00.0000000Z')],
    }),
  });
  assert.deepEqual(res.rows.map((r) => r.RecordId), ['z', 'c', 'a']);
});

test('a time that is not a time is refused before it reaches the query', () => {
  assert.throws(() => buildTimelineQuery({ filter: { ...emptyFilter(), from: '2026-01-01) | take 1 //' } }), /not a date and time/);
});

test('keyword and odd column names are bracket-quoted', () => {
  assert.equal(kqlIdentifier('Reason'), 'Reason');
  assert.equal(kqlIdentifier('Count'), '["Count"]');
  assert.equal(kqlIdentifier('where'), '["where"]');
  assert.equal(kqlIdentifier('a b'), '["a b"]');
});

test('the probe for Azure tables passes the language service even when none of them exists', () => {
  assert.deepEqual(validateKql(buildInsightsProbeQuery(), queryTables([])), []);
});
