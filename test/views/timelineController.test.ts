import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBundle } from '../../src/core/evidence/reader.js';
import { loadLocalTimeline } from '../../src/core/timeline/local.js';
import { emptyFilter, type TimelineFilter } from '../../src/core/timeline/filter.js';
import { parseHostMessage, type HostToWebview } from '../../src/core/timeline/messages.js';
import { Emitter } from '../../src/host/emitter.js';
import { TimelineController, type LoadedSource } from '../../src/views/timelineController.js';
import { loadTimelineSource } from '../../src/views/timelineSources.js';
import { MALICIOUS, writeFixtureBundle } from '../extension/bundleFixture.js';
import { testContext } from '../extension/fakes.js';

/** A stand-in for vscode.Webview: what the host posts is validated as the webview would. */
function channel() {
  const fromWebview = new Emitter<unknown>();
  const posted: HostToWebview[] = [];
  let waiters: (() => void)[] = [];
  return {
    posted,
    send: (m: unknown) => fromWebview.fire(m),
    next: async (type: HostToWebview['type']): Promise<HostToWebview> => {
      for (;;) {
        const hit = posted.find((m) => m.type === type);
        if (hit) {
          posted.splice(posted.indexOf(hit), 1);
          return hit;
        }
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    webview: {
      postMessage: async (m: HostToWebview) => {
        posted.push(parseHostMessage(m));
        const w = waiters;
        waiters = [];
        w.forEach((f) => f());
        return true;
      },
      onDidReceiveMessage: fromWebview.event,
    },
  };
}

async function localSource(): Promise<{ loaded: LoadedSource; dir: string }> {
  const { dir } = await writeFixtureBundle();
  const timeline = await loadLocalTimeline(await openBundle(dir));
  return { loaded: { source: timeline, info: { kind: 'local', label: 'fixture' } }, dir };
}

const containerFilter = (): TimelineFilter => ({ ...emptyFilter(), containers: [{ namespace: 'prod-web', pod: 'web-frontend-7d9f8b6c5d-x2k9p', container: 'nginx' }] });

test('the panel answers ready, query, histogram and details from a real local timeline', async () => {
  const { loaded } = await localSource();
  const ch = channel();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const controller = new TimelineController(ch.webview, async () => (await gate, loaded), undefined);
  ch.send({ type: 'ready' });
  assert.equal(ch.posted.length, 0, 'init waits for the source');
  release();
  const init = await ch.next('init');
  assert.ok(init.type === 'init');
  assert.equal(init.filter, undefined, 'no filter forced: the webview keeps its saved one');
  assert.deepEqual(
    init.facets.containers.map((c) => c.container),
    ['debugger', 'istio-proxy', 'nginx'],
  );

  ch.send({ type: 'query', requestId: 7, filter: containerFilter(), offset: 0, limit: 100 });
  const q = await ch.next('queryResult');
  assert.ok(q.type === 'queryResult');
  assert.equal(q.requestId, 7);
  assert.equal(q.total, 6, '3 log lines and 2 commands of that container, and its pod\'s creation');
  assert.ok(q.rows.every((r) => (r.ContainerName === 'nginx' || r.ContainerName === '') && r.PodName === 'web-frontend-7d9f8b6c5d-x2k9p'));
  assert.deepEqual(q.rows.map((r) => r.Time), [...q.rows.map((r) => r.Time)].sort(), 'in time order');
  const evil = q.rows.find((r) => r.Summary === MALICIOUS);
  assert.ok(evil, 'attacker text passes through unchanged (the webview renders it as text)');

  ch.send({ type: 'histogram', requestId: 8, filter: emptyFilter(), buckets: 10 });
  const h = await ch.next('histogramResult');
  assert.ok(h.type === 'histogramResult');
  assert.equal(h.histogram.total, 15);

  ch.send({ type: 'details', requestId: 9, recordId: evil.RecordId });
  const d = await ch.next('detailsResult');
  assert.ok(d.type === 'detailsResult');
  assert.equal(d.row?.Details.Message, MALICIOUS);
  controller.dispose();
});

test('Show in Timeline: the filter goes in the init, then as setFilter once the webview is up', async () => {
  const { loaded } = await localSource();
  const ch = channel();
  const controller = new TimelineController(ch.webview, async () => loaded, containerFilter());
  await controller.loaded;
  ch.send({ type: 'ready' });
  const init = await ch.next('init');
  assert.ok(init.type === 'init');
  assert.deepEqual(init.filter, containerFilter());

  const podOnly = { ...emptyFilter(), pods: [{ namespace: 'default', pod: 'node-debugger' }] };
  controller.showFilter(podOnly);
  const set = await ch.next('setFilter');
  assert.ok(set.type === 'setFilter');
  assert.deepEqual(set.filter, podOnly);
  assert.deepEqual(controller.currentFilter, podOnly);

  // The webview reports its own filter changes; Export and Copy KQL use the latest.
  const typed = { ...emptyFilter(), text: 'curl' };
  ch.send({ type: 'setFilter', filter: typed });
  assert.deepEqual(controller.currentFilter, typed);

  // A reload sends ready again: it gets a fresh init without the one-shot filter.
  ch.send({ type: 'ready' });
  const again = await ch.next('init');
  assert.ok(again.type === 'init');
  assert.equal(again.filter, undefined);
  controller.dispose();
});

test('messages that fail validation are refused with an error, never acted on', async () => {
  const { loaded } = await localSource();
  const ch = channel();
  const problems: string[] = [];
  const exports: unknown[] = [];
  const controller = new TimelineController(ch.webview, async () => loaded, undefined, {
    onProblem: (m) => problems.push(m),
    onExport: (format, filter) => exports.push({ format, filter }),
  });
  await controller.loaded;
  ch.send({ type: 'query', requestId: 1, filter: emptyFilter(), offset: 0, limit: 10_000_000 });
  ch.send({ type: 'runCommand', command: 'workbench.action.terminal.new' });
  ch.send({ type: 'setFilter', filter: { ...emptyFilter(), from: 'yesterday"; drop' } });
  ch.send('<img src=x>');
  const errors = ch.posted.filter((m) => m.type === 'error');
  assert.equal(errors.length, 4);
  assert.equal(problems.length, 4);
  assert.equal(controller.currentFilter, undefined, 'the invalid filter was not kept');
  assert.equal(ch.posted.filter((m) => m.type === 'queryResult').length, 0);

  ch.send({ type: 'export', format: 'csv', filter: containerFilter() });
  assert.deepEqual(exports, [{ format: 'csv', filter: containerFilter() }]);
  controller.dispose();
});

test('a bundle that cannot be loaded is reported to the webview instead of hanging it', async () => {
  const ch = channel();
  const controller = new TimelineController(ch.webview, async () => {
    throw new Error('/gone is not an evidence bundle: it has no manifest.json.');
  }, undefined);
  ch.send({ type: 'ready' });
  await controller.loaded;
  const err = await ch.next('error');
  assert.ok(err.type === 'error');
  assert.match(err.message, /not an evidence bundle/);
  controller.dispose();
});

test('the local source loads a bundle through the real reader and engine', async () => {
  const { dir } = await writeFixtureBundle();
  const cc = testContext();
  const { source, info } = await loadTimelineSource(cc, { kind: 'local', bundleDir: dir });
  assert.equal(source.size, 15);
  assert.equal(info.kind, 'local');
  assert.match(info.label, /^aks-prod-weu · aks-prod-weu-/);
});

test('marks: a star from the webview is saved in the case file beside the bundle and comes back to a new panel', async () => {
  const { dir } = await writeFixtureBundle();
  const cc = testContext();
  const load = () => loadTimelineSource(cc, { kind: 'local', bundleDir: dir });
  const ch = channel();
  const controller = new TimelineController(ch.webview, load, undefined);
  ch.send({ type: 'ready' });
  await ch.next('init');
  const first = await ch.next('case');
  assert.ok(first.type === 'case');
  assert.equal(Object.keys(first.marks).length, 0);
  assert.match(first.note, /\.case\.json \(created at the first mark\)$/);
  ch.send({ type: 'mark', recordId: 'rec-1', edit: { op: 'star', starred: true } });
  ch.send({ type: 'mark', recordId: 'rec-1', edit: { op: 'addTag', tag: 'evidence' } });
  await ch.next('case');
  const saved = await ch.next('case');
  assert.ok(saved.type === 'case');
  assert.deepEqual({ ...saved.marks['rec-1'] }, { starred: true, tags: ['evidence'], comments: [] }, 'two quick edits, neither lost');
  controller.dispose();

  // A new panel (VS Code reopened): the marks are read back from the case file.
  const ch2 = channel();
  const again = new TimelineController(ch2.webview, load, undefined);
  ch2.send({ type: 'ready' });
  const back = await ch2.next('case');
  assert.ok(back.type === 'case');
  assert.equal(back.marks['rec-1']?.starred, true);
  assert.doesNotMatch(back.note, /created at the first mark|outside/);
  again.dispose();
});

test('Show in Timeline with a row: the init names the row to select; a workspace timeline refuses marks with a reason', async () => {
  const { loaded } = await localSource();
  const ch = channel();
  const controller = new TimelineController(ch.webview, async () => loaded, containerFilter(), {}, 'rec-9');
  ch.send({ type: 'ready' });
  const init = await ch.next('init');
  assert.ok(init.type === 'init');
  assert.equal(init.select, 'rec-9');
  ch.send({ type: 'mark', recordId: 'rec-9', edit: { op: 'star', starred: true } });
  const err = await ch.next('error');
  assert.ok(err.type === 'error');
  assert.match(err.message, /case file beside a bundle/);
  controller.dispose();
});
