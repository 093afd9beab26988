// The bounded parallel merge every per-container collector runs on: memory stays bounded when
// the bundle writer is slower than the cluster, and stopping the consumer stops the producers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { mergeBounded } from '../../../src/core/collectors/common.js';
import type { CollectorEvent } from '../../../src/core/collectors/types.js';

const ev = (n: number): CollectorEvent => ({ kind: 'progress', done: n, total: 0 });

test('producers wait while the consumer is behind: at most the buffer is ever queued', async () => {
  let produced = 0;
  let consumed = 0;
  let maxAhead = 0;
  const it = mergeBounded([1, 2, 3, 4], 2, new AbortController().signal, async (_item, emit) => {
    for (let i = 0; i < 500; i++) {
      await emit(ev(i));
      produced++;
      maxAhead = Math.max(maxAhead, produced - consumed);
    }
  }, 16);
  for await (const _e of it) {
    consumed++;
    if (consumed % 50 === 0) await tick(); // a slow writer
  }
  assert.equal(consumed, 2000, 'nothing lost');
  assert.ok(maxAhead <= 16 + 2, `at most the buffer plus one per worker ahead, saw ${maxAhead}`);
});

test('stopping the consumer stops every producer; a failing item fails the merge', async () => {
  let emitted = 0;
  let finishedProducers = 0;
  const it = mergeBounded([1, 2, 3], 3, new AbortController().signal, async (_item, emit) => {
    try {
      for (let i = 0; i < 10_000; i++) {
        await emit(ev(i));
        emitted++;
      }
    } finally {
      finishedProducers++;
    }
  }, 8);
  let seen = 0;
  for await (const _e of it) if (++seen === 5) break;
  assert.equal(finishedProducers, 3, 'every producer returned');
  assert.ok(emitted < 100, `producers stopped early (emitted ${emitted})`);

  const failing = mergeBounded([1, 2], 2, new AbortController().signal, async (item, emit) => {
    await emit(ev(item));
    if (item === 2) throw new Error('boom');
  });
  await assert.rejects(
    (async () => {
      for await (const _e of failing) void _e;
    })(),
    /boom/,
  );
});
