// Container logs: every container of every pod (init and ephemeral included), the current log
// and the previous one when the container restarted or terminated, with timestamps=true so
// every line keeps its original time. Each stream goes from the API to its raw file as served.
import type { Collector, CollectorContext, CollectorEvent } from './types.js';
import type { KubeObject } from '../model.js';
import { gapEvent, listWithGaps, mergeBounded, meta, num, obj, podContainers, str, type PodContainer } from './common.js';

interface Target {
  pod: KubeObject;
  container: PodContainer;
}

/** Whether the container ever ran, so asking for its current log makes sense. */
function hasRun(c: PodContainer): boolean {
  const state = obj(c.status?.state);
  return !!(state.running || state.terminated || num(c.status?.restartCount) || obj(c.status?.lastState).terminated);
}

function wantsPrevious(c: PodContainer): boolean {
  return (num(c.status?.restartCount) ?? 0) > 0 || !!obj(c.status?.state).terminated;
}

/**
 * Fetches every log into the raw evidence and reports what could not be fetched. It yields no
 * rows: the log rows, and the findings of the content rules over them, are derived from the raw
 * streams (derive/logs.ts), so the collection's critical path only moves bytes.
 */
export const containerLogsCollector: Collector = {
  artifact: 'containerLogs',
  async *collect(ctx: CollectorContext): AsyncIterable<CollectorEvent> {
    const { items, gaps } = await listWithGaps(ctx, 'containerLogs', 'pods');
    yield* gaps;
    const targets: Target[] = [];
    for (const pod of items) for (const container of podContainers(pod)) targets.push({ pod, container });
    const total = targets.length;
    let done = 0;
    yield { kind: 'progress', done, total };
    const sinceSeconds = ctx.options.sinceSeconds > 0 ? ctx.options.sinceSeconds : undefined;
    for await (const ev of mergeBounded(targets, ctx.options.concurrency, ctx.signal, async (t, emit, signal) => {
      const m = meta(t.pod);
      const ns = str(m.namespace);
      const pod = str(m.name);
      const c = t.container;
      const streams = [...(hasRun(c) ? [false] : []), ...(wantsPrevious(c) ? [true] : [])];
      for (const previous of streams) {
        const r = await ctx.cluster.fetchLog({ namespace: ns, pod, container: c.name, previous, sinceSeconds, signal });
        if (r.outcome === 'ok' || r.outcome === 'no-log') continue;
        await emit(gapEvent('containerLogs', { scope: `${previous ? 'previous ' : ''}log of ${ns}/${pod}/${c.name}`, status: r.outcome, message: r.message }));
      }
      done++;
      await emit({ kind: 'progress', done, total });
    })) {
      yield ev;
    }
  },
};
