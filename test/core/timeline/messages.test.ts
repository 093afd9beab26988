import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidMessageError, LIMITS, parseHostMessage, parseWebviewMessage } from '../../../src/core/timeline/messages.js';
import { emptyFilter } from '../../../src/core/timeline/filter.js';
import { timelineFromRows } from '../../../src/core/timeline/local.js';
import { handleWebviewMessage, initMessage } from '../../../src/core/timeline/serve.js';
import { timelineHtml, makeNonce } from '../../../src/core/timeline/webviewHtml.js';
import { containerLogs } from '../../../src/core/schema/tables.js';
import type { TimelineRow } from '../../../src/core/schema/timeline.js';

const row = (i: number): TimelineRow => ({
  Time: `2026-01-01T00:00:0${i}.0000000Z`, TimeSource: 'event', SourceTable: containerLogs.name, EventType: 'LogLine', Cluster: 'c', Namespace: 'prod',
  PodName: 'web-1', ContainerName: 'app', Summary: `line ${i}`, Severity: '', TechniqueId: '', RecordId: `r${i}`, Details: { Message: `line ${i}` },
});

test('the host accepts well-formed webview requests and rejects anything else', () => {
  const filter = { ...emptyFilter(), containers: [{ namespace: 'prod', pod: 'web-1', container: 'app' }], from: '2026-01-01T00:00:00.0000000Z' };
  assert.deepEqual(parseWebviewMessage({ type: 'query', requestId: 1, filter, offset: 0, limit: 200 }), { type: 'query', requestId: 1, filter, offset: 0, limit: 200 });
  assert.equal(parseWebviewMessage({ type: 'ready' }).type, 'ready');
  const bad: unknown[] = [
    null,
    'ready',
    { type: 'eval', code: '1' },
    { type: 'ready', extra: 1 },
    { type: 'query', requestId: 1, filter, offset: 0, limit: LIMITS.maxWindow + 1 },
    { type: 'query', requestId: 1, filter, offset: -1, limit: 10 },
    { type: 'query', requestId: 1.5, filter, offset: 0, limit: 10 },
    { type: 'query', requestId: 1, filter: { ...filter, sourceTables: ['secrets_CL'] }, offset: 0, limit: 10 },
    { type: 'query', requestId: 1, filter: { ...filter, severities: ['critical'] }, offset: 0, limit: 10 },
    { type: 'query', requestId: 1, filter: { ...filter, from: "2026' or 1=1" }, offset: 0, limit: 10 },
    { type: 'query', requestId: 1, filter: { ...filter, pods: [{ namespace: 'a' }] }, offset: 0, limit: 10 },
    { type: 'query', requestId: 1, filter: { ...filter, text: 'x'.repeat(LIMITS.maxTextLength + 1) }, offset: 0, limit: 10 },
    { type: 'histogram', requestId: 1, filter, buckets: 0 },
    { type: 'export', format: 'xlsx', filter },
    { type: 'details', requestId: 1, recordId: 42 },
    JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'),
  ];
  for (const m of bad) assert.throws(() => parseWebviewMessage(m), InvalidMessageError, JSON.stringify(m)?.slice(0, 120));
});

test('the webview accepts the host answers a real source produces, and rejects malformed ones', () => {
  const source = timelineFromRows([row(1), row(2), row(3)]);
  const init = initMessage(source, { kind: 'local', label: 'bundle-1' });
  assert.deepEqual(parseHostMessage(init), init);
  const { handled, reply } = handleWebviewMessage(source, { type: 'query', requestId: 7, filter: emptyFilter(), offset: 1, limit: 5 });
  assert.equal(handled?.type, 'query');
  assert.equal(reply?.type, 'queryResult');
  assert.deepEqual(parseHostMessage(reply), reply);
  if (reply?.type === 'queryResult') assert.deepEqual(reply.rows.map((r) => r.RecordId), ['r2', 'r3']);
  const hist = handleWebviewMessage(source, { type: 'histogram', requestId: 8, filter: emptyFilter(), buckets: 10 }).reply;
  assert.deepEqual(parseHostMessage(hist), hist);
  const details = handleWebviewMessage(source, { type: 'details', requestId: 9, recordId: 'r3' }).reply;
  assert.equal(details?.type === 'detailsResult' && details.row?.Summary, 'line 3');

  // A forged or broken message is answered with an error, never executed.
  const rejected = handleWebviewMessage(source, { type: 'query', requestId: 1, filter: {}, offset: 0, limit: 1 });
  assert.equal(rejected.handled, undefined);
  assert.equal(rejected.reply?.type, 'error');

  for (const m of [
    { type: 'queryResult', requestId: 1, offset: 0, total: 1, rows: [{ ...row(1), Details: 'not an object' }] },
    { type: 'queryResult', requestId: 1, offset: 0, total: 1, rows: [{ ...row(1), SourceTable: 'x_CL' }] },
    { type: 'histogramResult', requestId: 1, histogram: { start: 0, bucketMs: 1, buckets: 2, series: [{ table: containerLogs.name, counts: [1] }], undated: 0, total: 1 } },
    { type: 'init', source: { kind: 'cloud', label: 'x' }, facets: source.facets() },
    { type: 'error' },
  ])
    assert.throws(() => parseHostMessage(m), InvalidMessageError);
});

test('the page carries a strict CSP: nonce for the script, only the extension origin for styles, nothing inline', () => {
  const nonce = makeNonce();
  const html = timelineHtml({ scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/timeline.js', styleUris: ['https://x.vscode-cdn.net/media/timeline.css?a="b"'], cspSource: 'https://*.vscode-cdn.net', nonce });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /style-src https:\/\/\*\.vscode-cdn\.net 'nonce-/);
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script tag, the bundle');
  assert.match(html, new RegExp(`<script nonce="${nonce}" src=`));
  assert.ok(html.includes('?a=&quot;b&quot;'), 'URIs are attribute-escaped');
  assert.doesNotMatch(html, /style="/);
  assert.notEqual(makeNonce(), makeNonce());
  assert.throws(() => timelineHtml({ scriptUri: 'x', styleUris: [], cspSource: "x; script-src 'unsafe-inline'", nonce }));
  assert.throws(() => timelineHtml({ scriptUri: 'x', styleUris: [], cspSource: "'self' 'unsafe-inline'", nonce }));
  // What VS Code 1.139 (and code-server) pass as webview.cspSource.
  assert.match(timelineHtml({ scriptUri: 'x', styleUris: [], cspSource: "'self' https://*.vscode-cdn.net", nonce }), /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/);
  assert.throws(() => timelineHtml({ scriptUri: 'x', styleUris: [], cspSource: 'x', nonce: 'short' }));
});

test('the webview source never builds markup from strings', async () => {
  const dir = 'webview';
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('main.ts'));
  for (const f of files) {
    const text = await readFile(join(dir, f), 'utf8');
    assert.doesNotMatch(text, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\bonclick\s*=|new Function|\beval\(/, `${f} must build DOM with createElement and textContent`);
  }
});

test('grouped queries: the entries option travels both ways, and an answer with group information validates (one per row)', () => {
  const trace = (i: number, text: string, own: boolean): TimelineRow => ({ ...row(1), RecordId: `t${i}`, Summary: text.trim(), TimeSource: own ? 'event' : 'previous-line', Details: { Message: text, LineNumber: i, TimestampParsed: own } });
  const source = timelineFromRows([row(0), trace(1, 'java.lang.Error: x', true), trace(2, '\tat a.b(C.java:1)', false), row(3)]);
  const ask = { type: 'query', requestId: 3, filter: emptyFilter(), offset: 0, limit: 10, entries: { expanded: ['t1'] } };
  const { handled, reply } = handleWebviewMessage(source, ask);
  assert.deepEqual(handled, ask);
  assert.equal(reply?.type, 'queryResult');
  assert.deepEqual(parseHostMessage(reply), reply);
  if (reply?.type !== 'queryResult') return;
  assert.deepEqual(reply.groups?.map((g) => g?.role ?? null), [null, 'entry', 'line', null]);
  assert.deepEqual([reply.lines, reply.entryCount, reply.total], [4, 3, 4]);
  assert.throws(() => parseHostMessage({ ...reply, groups: reply.groups!.slice(1) }), InvalidMessageError, 'one group entry per row');
  assert.throws(() => parseHostMessage({ ...reply, groups: [{ entry: 't1', role: 'child', lines: 1, of: 2, expanded: true }, null, null, null] }), InvalidMessageError);
  assert.throws(() => parseWebviewMessage({ ...ask, entries: { expanded: 't1' } }), InvalidMessageError);
  const located = handleWebviewMessage(source, { type: 'locate', requestId: 4, filter: emptyFilter(), recordId: 't2', entries: { expanded: [] } }).reply;
  assert.deepEqual(located, { type: 'locateResult', requestId: 4, index: 1 }, 'a line of a closed entry is found as its entry');
});
