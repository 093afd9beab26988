// The content screening of the logs runs while the collection does: each log stream is handed to
// the screening workers as soon as its last attempt is recorded, so the workers keep pace with the
// transfer and the seal only assembles the findings (screening everything after the last log
// came in made the seal wait seconds on a large cluster). Streams handed over early are known by
// their attempts: one that a later retry changed is screened again at the seal, so handing a
// stream over too soon costs time, never a finding.
import type { AcquisitionEntry, RawStore } from '../evidence/raw.js';
import type { LogEntry, LogStream } from './logs.js';
import { defaultScreenWorkers, screenStreams, type ScreenPoolOptions, type Screening } from './screenPool.js';

/** Finished streams are handed over in batches, at most this often: each hand-over flushes the raw writer (the workers read from disk). */
const HAND_OVER_MS = 200;

export interface LiveScreening {
  screening: Screening;
  /** Hands over the streams that ended since the last hand-over, then no more (the seal takes it from here). */
  stop: () => Promise<void>;
}

/** A log attempt after which its stream gets no further attempt: a whole 2xx body, or a refusal that is not retried. */
function endsStream(e: LogEntry): boolean {
  return (e.complete && e.status >= 200 && e.status <= 299) || e.status === 400 || e.status === 401 || e.status === 403 || e.status === 404;
}

/** Screens each log stream recorded in `raw` from now on as it ends; null when no worker thread can run. */
export function screenWhileCollecting(raw: RawStore, bundleDir: string, opts: ScreenPoolOptions = {}): LiveScreening | null {
  if ((opts.workers ?? defaultScreenWorkers()) === 0) return null;
  const screening = screenStreams(bundleDir, { ...opts, mainLane: false });
  if (screening.workers === 0) {
    screening.close();
    return null;
  }
  const streams = new Map<number, LogStream>();
  let ready: LogStream[] = [];
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  /** The hand-overs so far, one after another; one that fails only leaves its streams to the seal. */
  let handedOver: Promise<void> = Promise.resolve();
  const handOver = () => {
    timer = null;
    const batch = ready;
    ready = [];
    // The bodies must be on disk before a worker reads them.
    handedOver = handedOver
      .then(() => raw.flush())
      .then(() => screening.add(batch))
      .catch(() => undefined);
  };
  const unwatch = raw.watch((entry: AcquisitionEntry) => {
    if (entry.ref.kind !== 'log') return;
    const e = entry as LogEntry;
    let s = streams.get(e.ref.stream);
    if (!s) streams.set(e.ref.stream, (s = { namespace: e.ref.namespace, pod: e.ref.pod, container: e.ref.container, previous: e.ref.previous, attempts: [] }));
    s.attempts.push(e);
    if (!endsStream(e)) return;
    ready.push({ ...s, attempts: [...s.attempts].sort((a, b) => a.seq - b.seq) });
    if (timer) return;
    timer = setTimeout(handOver, HAND_OVER_MS);
    timer.unref();
  });
  return {
    screening,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      unwatch();
      if (timer) clearTimeout(timer);
      // The last streams are ready too, and a hand-over may be on its way: the seal starts once all are with the workers
      // (left to the seal, a collection shorter than HAND_OVER_MS, or one that ended during a flush, handed none over).
      if (ready.length) handOver();
      await handedOver;
    },
  };
}
