// Helpers every collector shares: the common columns, namespace exclusion, gaps from list
// outcomes, pod/container enumeration and a bounded parallel merge of per-container work.
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { ArtifactId } from '../schema/artifacts.js';
import { normalizeTime } from '../schema/time.js';
import type { CommonRow } from '../schema/columns.js';
import type { Collector, CollectorContext, CollectorEvent, ListOutcome } from './types.js';
import type { CollectedRow, StampedColumn, Gap, KubeObject, ListableKind } from '../model.js';
import type { TableName } from '../schema/tables.js';
import { summarize } from '../cluster/lines.js';

/** The common columns a collector fills (the writer stamps the rest). */
export type CommonFields = Omit<CommonRow, StampedColumn>;

export function common(f: { time?: string | Date | null; type: string; namespace?: string; pod?: string; container?: string; summary: string }): CommonFields {
  return {
    EventTime: normalizeTime(f.time ?? null),
    EventType: f.type,
    Namespace: f.namespace ?? '',
    PodName: f.pod ?? '',
    ContainerName: f.container ?? '',
    Summary: summarize(f.summary),
    Severity: '',
    TechniqueId: '',
  };
}

export function rowEvent<T extends TableName>(table: T, row: CollectedRow<T>): CollectorEvent {
  return { kind: 'row', table, row: row as CollectedRow<TableName> };
}

export function gapEvent(artifact: ArtifactId, g: Omit<Gap, 'artifact'>): CollectorEvent {
  return { kind: 'gap', gap: { artifact, ...g } };
}

/** Lists a kind through the shared cache; returns its items and yields its gaps as events. */
export async function listWithGaps(ctx: CollectorContext, artifact: ArtifactId, kind: ListableKind): Promise<{ items: KubeObject[]; gaps: CollectorEvent[] }> {
  const outcome: ListOutcome = await ctx.objects.list(kind, ctx.signal);
  return { items: outcome.items, gaps: outcome.gaps.map((g) => gapEvent(artifact, g)) };
}

/**
 * Most artifacts list one kind and turn each object into rows: this is that collector, so each
 * artifact module only says how an object becomes rows.
 */
export function perObjectCollector(artifact: ArtifactId, kind: ListableKind, toEvents: (o: KubeObject) => Iterable<CollectorEvent>): Collector {
  return {
    artifact,
    async *collect(ctx: CollectorContext): AsyncIterable<CollectorEvent> {
      const { items, gaps } = await listWithGaps(ctx, artifact, kind);
      yield* gaps;
      for (const o of items) yield* toEvents(o);
    },
  };
}

export function isExcluded(namespace: string | undefined, exclude: readonly string[]): boolean {
  return !!namespace && exclude.includes(namespace);
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const meta = (o: KubeObject) => o.metadata ?? {};

export type ContainerKind = 'container' | 'init' | 'ephemeral';

export interface PodContainer {
  kind: ContainerKind;
  name: string;
  spec: Record<string, unknown>;
  status: Record<string, unknown> | null;
}

/** Every container of a pod (init, regular, ephemeral) with its status when the kubelet reported one. */
export function podContainers(pod: KubeObject): PodContainer[] {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const groups: [ContainerKind, string, string][] = [
    ['init', 'initContainers', 'initContainerStatuses'],
    ['container', 'containers', 'containerStatuses'],
    ['ephemeral', 'ephemeralContainers', 'ephemeralContainerStatuses'],
  ];
  const out: PodContainer[] = [];
  for (const [kind, specKey, statusKey] of groups) {
    const statuses = arr(status[statusKey]).map(obj);
    for (const c of arr(spec[specKey]).map(obj)) {
      const name = str(c.name);
      if (!name) continue;
      out.push({ kind, name, spec: c, status: statuses.find((s) => s.name === name) ?? null });
    }
  }
  return out;
}

/**
 * Runs `work` for each item with at most `concurrency` at a time and yields the events they
 * emit as they come. The buffer is bounded: a producer waits while the consumer is behind, so
 * memory does not grow with log volume. Stopping the consumer stops the producers.
 */
export async function* mergeBounded<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal,
  work: (item: T, emit: (e: CollectorEvent) => Promise<void>, signal: AbortSignal) => Promise<void>,
  bufferSize = 32,
): AsyncGenerator<CollectorEvent> {
  const stop = new AbortController();
  // Every request in flight listens on this signal (several per worker): not a leak.
  setMaxListeners(Math.max(50, concurrency * 8), stop.signal);
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const queue: CollectorEvent[] = [];
  let wakeConsumer: (() => void) | null = null;
  const waitingProducers: (() => void)[] = [];
  let failure: { err: unknown } | null = null;
  let finished = false;

  const wake = () => {
    const w = wakeConsumer;
    wakeConsumer = null;
    w?.();
  };
  const emit = async (e: CollectorEvent): Promise<void> => {
    while (queue.length >= bufferSize && !stop.signal.aborted) await new Promise<void>((r) => waitingProducers.push(r));
    stop.signal.throwIfAborted();
    queue.push(e);
    wake();
  };
  const limit = pLimit(Math.max(1, concurrency));
  // `finished` means every item has settled, failed or not: after a failure or a cancel the merge
  // still waits for the items already running, so none goes on fetching (and recording raw
  // evidence) after the caller has moved on. Queued items see the stop and return at once.
  const all = Promise.all(
    items.map((item) =>
      limit(async () => {
        if (stop.signal.aborted) return;
        await work(item, emit, stop.signal);
      }).catch((err: unknown) => {
        if (!failure) failure = { err };
        stop.abort();
        wake();
      }),
    ),
  ).then(() => {
    finished = true;
    wake();
  });
  try {
    for (;;) {
      while (queue.length > 0) {
        const e = queue.shift()!;
        waitingProducers.shift()?.();
        yield e;
      }
      if (failure) throw (failure as { err: unknown }).err;
      if (finished) break;
      await new Promise<void>((r) => (wakeConsumer = r));
    }
    signal.throwIfAborted();
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!finished) {
      stop.abort();
      for (const w of waitingProducers.splice(0)) w();
      // Not limit.clearQueue(): a discarded item never settles, and the wait below needs them all.
      await all;
    }
  }
}
