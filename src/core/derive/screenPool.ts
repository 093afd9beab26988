// Screens log streams on the main thread and on worker threads at once; the caller asks for each
// stream's result in its own order. Each lane (the main thread, each worker) takes the next
// unscreened stream when it is free, so a slow stream holds up only its own lane. The worker runs the same
// screenStream as the main thread, so where a stream was screened never changes its result; a
// worker that cannot start or dies leaves its streams to the main thread.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { screenStream, type StreamScreen } from './screen.js';
import type { LogStream } from './logs.js';

/** The worker's code, bundled into a string by scripts/build.mjs (undefined when running from sources). */
declare const __KFS_SCREEN_WORKER__: string | undefined;
const BUNDLED_WORKER = typeof __KFS_SCREEN_WORKER__ === 'string' ? __KFS_SCREEN_WORKER__ : undefined;

export interface ScreenPoolOptions {
  /** Worker threads beside the main thread (default: one fewer than the cores, at most 3). */
  workers?: number;
  /** The worker's code (CommonJS, evaluated); default: the one bundled at build time, if any. */
  workerCode?: string;
  /** Whether the main thread screens too from the start (false while it is busy collecting: it joins with help()). */
  mainLane?: boolean;
}

/**
 * Log streams being screened. Streams can be added while others are screened (the snapshot adds
 * each stream as soon as its log is in); a stream is known by its attempts, so one added again
 * with the same attempts is screened once, and one whose attempts changed (a retry came after)
 * is screened again.
 */
export interface Screening {
  /** Queues streams for the lanes (those already queued with the same attempts are not queued again). */
  add: (streams: readonly LogStream[]) => void;
  /** The screen of `s`: the one queued for the same attempts, or `s` queued now. */
  resultOf: (s: LogStream) => Promise<StreamScreen>;
  /** How many of `streams` are already queued with the same attempts. */
  queued: (streams: readonly LogStream[]) => number;
  /** The main thread starts screening too (once the caller has nothing else to do). */
  help: () => void;
  /** Stops the workers (call it when done or abandoned); unscreened streams then finish on the main thread. */
  close: () => void;
  /** Worker threads that started. */
  workers: number;
}

/** What a worker is sent: streams to screen, by their index in the queue. */
export interface WorkerBatch {
  bundleDir: string;
  items: { i: number; stream: LogStream }[];
}

/** What a worker answers for a batch: each stream's screen, or why it has none. */
export interface WorkerReply {
  results: { i: number; screen?: StreamScreen; error?: string }[];
}

/**
 * Batches a worker keeps queued, so it never waits for the main thread between two, and streams
 * per batch. Batches rather than a message per stream: while the two cores are busy, a posted
 * message can wait on the receiving thread for milliseconds (measured: p99 4 ms, 0.4 s of the
 * collecting thread's time over 2,000 streams).
 */
const WORKER_QUEUE = 2;
const WORKER_BATCH = 16;

export function defaultScreenWorkers(): number {
  return Math.min(3, Math.max(0, availableParallelism() - 1));
}

/** A stream's identity for screening: its attempts (sequence numbers are unique in a bundle) and their bytes. */
const streamKey = (s: LogStream) => s.attempts.map((a) => `${a.seq}:${a.sha256}`).join(',');

/** The streams queued so far, in the order the lanes take them, with one settlement each. */
class ScreenQueue {
  readonly streams: LogStream[] = [];
  readonly settle: Deferred<StreamScreen>[] = [];
  private readonly byKey = new Map<string, number>();
  private next = 0;
  closed = false;

  /** The index of `s`, queued if it was not. */
  indexOf(s: LogStream): { i: number; added: boolean } {
    const key = streamKey(s);
    const known = this.byKey.get(key);
    if (known !== undefined) return { i: known, added: false };
    const i = this.streams.push(s) - 1;
    this.settle.push(deferred<StreamScreen>());
    this.byKey.set(key, i);
    return { i, added: true };
  }

  has(s: LogStream): boolean {
    return this.byKey.has(streamKey(s));
  }

  /** The next stream for a free lane; -1 when none is waiting (or the screening is closed). */
  take(): number {
    return this.closed || this.next >= this.streams.length ? -1 : this.next++;
  }
}

/** Starts the lanes: the workers at once, the main thread unless told otherwise (it joins with help()). */
export function screenStreams(bundleDir: string, opts: ScreenPoolOptions = {}): Screening {
  const q = new ScreenQueue();
  const run = (i: number) => screenStream(bundleDir, q.streams[i]!).then(q.settle[i]!.resolve, q.settle[i]!.reject);
  // The main thread's lane, one stream at a time: its own reads interleave with the caller's work.
  let mainBusy = false;
  let helping = false;
  const mainLane = async (): Promise<void> => {
    if (mainBusy) return;
    mainBusy = true;
    for (let i = q.take(); i !== -1; i = q.take()) await run(i);
    mainBusy = false;
  };
  const feeders: (() => void)[] = [];
  const code = opts.workerCode ?? BUNDLED_WORKER;
  const count = code ? (opts.workers ?? defaultScreenWorkers()) : 0;
  const workers: Worker[] = [];
  for (let w = 0; w < count; w++) {
    const started = startWorker(code!, bundleDir, q, () => void mainLane());
    if (started) {
      workers.push(started.worker);
      feeders.push(started.feed);
    }
  }
  const wake = () => {
    for (const feed of feeders) feed();
    if (helping) void mainLane();
  };
  const add = (streams: readonly LogStream[]) => {
    let added = false;
    for (const s of streams) added = q.indexOf(s).added || added;
    if (added) wake();
  };
  if (opts.mainLane !== false) helping = true;
  return {
    add,
    resultOf: (s) => {
      const { i, added } = q.indexOf(s);
      if (added) wake();
      return q.settle[i]!.promise;
    },
    queued: (streams) => streams.filter((s) => q.has(s)).length,
    help: () => {
      helping = true;
      void mainLane();
    },
    close: () => {
      q.closed = true;
      for (const w of workers) void w.terminate();
    },
    workers: workers.length,
  };
}

function startWorker(code: string, bundleDir: string, q: ScreenQueue, orphaned: () => void): { worker: Worker; feed: () => void } | null {
  let worker: Worker;
  try {
    worker = new Worker(code, { eval: true });
  } catch {
    return null;
  }
  worker.unref();
  const inFlight = new Set<number>();
  let batches = 0;
  let alive = true;
  const feed = () => {
    while (alive && batches < WORKER_QUEUE) {
      const batch: WorkerBatch = { bundleDir, items: [] };
      for (let i = q.take(); i !== -1; i = batch.items.length < WORKER_BATCH ? q.take() : -1) {
        inFlight.add(i);
        batch.items.push({ i, stream: q.streams[i]! });
      }
      if (batch.items.length === 0) return;
      batches++;
      worker.postMessage(batch);
    }
  };
  worker.on('message', (m: WorkerReply) => {
    batches--;
    for (const r of m.results) {
      inFlight.delete(r.i);
      if (r.screen) q.settle[r.i]!.resolve(r.screen);
      else q.settle[r.i]!.reject(new Error(r.error ?? 'the screening worker gave no result'));
    }
    feed();
  });
  // A worker that fails or stops hands what it held back to the main thread.
  const giveBack = () => {
    alive = false;
    if (q.closed) return;
    for (const i of inFlight) void screenStream(bundleDir, q.streams[i]!).then(q.settle[i]!.resolve, q.settle[i]!.reject);
    inFlight.clear();
    orphaned();
  };
  worker.on('error', giveBack);
  worker.on('exit', giveBack);
  feed();
  return { worker, feed };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  // Rejections are read in order by the caller; one it never reaches must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
