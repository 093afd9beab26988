// The arrays a timeline keeps are on SharedArrayBuffers where the host has them, and on ordinary
// buffers where it does not (a page that is not cross-origin isolated): a sort works either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { keptU32 } from '../../../src/core/timeline/keptArrays.js';

test('kept arrays are on SharedArrayBuffers here', () => {
  assert.equal(keptU32(4).buffer.constructor.name, 'SharedArrayBuffer');
});

test('without SharedArrayBuffer the timeline still sorts by Summary, on ordinary buffers', () => {
  const script = `
    delete globalThis.SharedArrayBuffer;
    const { keptU32 } = await import(${JSON.stringify(new URL('../../../src/core/timeline/keptArrays.ts', import.meta.url).href)});
    const { timelineFromRows } = await import(${JSON.stringify(new URL('../../../src/core/timeline/local.ts', import.meta.url).href)});
    const { emptyFilter } = await import(${JSON.stringify(new URL('../../../src/core/timeline/filter.ts', import.meta.url).href)});
    const row = (i, s) => ({ Time: '2026-01-01T00:00:0' + i + '.000Z', TimeSource: 'event', SourceTable: 'kubeevents_CL', EventType: 'Warning', Cluster: 'c',
      Namespace: 'ns', PodName: 'p', ContainerName: '', Summary: s, Severity: '', TechniqueId: '', RecordId: 'r' + i, Details: {} });
    const tl = timelineFromRows(['zeta', 'alpha', 'mid'].map((s, i) => row(i, s)));
    const sorted = tl.query(emptyFilter(), { offset: 0, limit: 10, sort: { column: 'Summary', descending: false } });
    console.log(JSON.stringify([keptU32(1).buffer.constructor.name, sorted.rows.map((r) => r.Summary)]));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), ['ArrayBuffer', ['alpha', 'mid', 'zeta']]);
});
