// Screens log streams on the main thread and on worker threads at once, handing the results out
// in the streams' order. Each lane (the main thread, each worker) takes the next unscreened stream
// when it is free, so a slow stream holds up only its own lane. The worker runs the same
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

/** Streams being screened: one promise per stream, in order. */
export interface Screening {
  streams: readonly LogStream[];
  results: Promise<StreamScreen>[];
  /** The main thread starts screening too (once the caller has nothing else to do). */
  help: () => void;
  /** Stops the workers (call it when done or abandoned); unscreened streams then finish on the main thread. */
  close: () => void;
  /** Worker threads that started. */
  workers: number;
}

interface WorkerReply {
  i: number;
  screen?: StreamScreen;
  error?: string;
}

/** Streams a worker keeps queued, so it never waits for the main thread between two streams. */
const WORKER_QUEUE = 2;

export function defaultScreenWorkers(): number {
  return Math.min(3, Math.max(0, availableParallelism() - 1));
}

/** Starts screening every stream at once, on the workers and (unless told otherwise) the main thread. */
export function screenStreams(bundleDir: string, streams: readonly LogStream[], opts: ScreenPoolOptions = {}): Screening {
  const settle = streams.map(() => deferred<StreamScreen>());
  let next = 0;
  let closed = false;
  const take = () => (closed || next >= streams.length ? -1 : next++);
  const run = (i: number) => screenStream(bundleDir, streams[i]!).then(settle[i]!.resolve, settle[i]!.reject);

  // The main thread's lane, one stream at a time: its own reads interleave with the caller's work.
  const mainLane = async (): Promise<void> => {
    for (let i = take(); i !== -1; i = take()) await run(i);
  };
  const workers: Worker[] = [];
  const code = opts.workerCode ?? BUNDLED_WORKER;
  const count = code ? (opts.workers ?? defaultScreenWorkers()) : 0;
  for (let w = 0; w < count; w++) {
    const worker = startWorker(code!, bundleDir, streams, settle, take, () => closed, () => void mainLane());
    if (worker) workers.push(worker);
  }
  let helping = false;
  const help = () => {
    if (helping) return;
    helping = true;
    void mainLane();
  };
  if (opts.mainLane !== false) help();
  return {
    streams,
    results: settle.map((d) => d.promise),
    help,
    close: () => {
      closed = true;
      for (const w of workers) void w.terminate();
    },
    workers: workers.length,
  };
}

/** Whether two stream lists are the same streams with the same attempts (a screening can be reused). */
export function sameStreams(a: readonly LogStream[], b: readonly LogStream[]): boolean {
  return a.length === b.length && a.every((s, i) => s.attempts.length === b[i]!.attempts.length && s.attempts.every((e, j) => e.seq === b[i]!.attempts[j]!.seq && e.sha256 === b[i]!.attempts[j]!.sha256));
}

function startWorker(
  code: string,
  bundleDir: string,
  streams: readonly LogStream[],
  settle: Deferred<StreamScreen>[],
  take: () => number,
  isClosed: () => boolean,
  orphaned: () => void,
): Worker | null {
  let worker: Worker;
  try {
    worker = new Worker(code, { eval: true });
  } catch {
    return null;
  }
  worker.unref();
  const inFlight = new Set<number>();
  const feed = () => {
    while (inFlight.size < WORKER_QUEUE) {
      const i = take();
      if (i === -1) return;
      inFlight.add(i);
      worker.postMessage({ i, bundleDir, stream: streams[i] });
    }
  };
  worker.on('message', (m: WorkerReply) => {
    inFlight.delete(m.i);
    if (m.screen) settle[m.i]!.resolve(m.screen);
    else settle[m.i]!.reject(new Error(m.error ?? 'the screening worker gave no result'));
    feed();
  });
  // A worker that fails or stops hands what it held back to the main thread.
  const giveBack = () => {
    if (isClosed()) return;
    for (const i of inFlight) void screenStream(bundleDir, streams[i]!).then(settle[i]!.resolve, settle[i]!.reject);
    inFlight.clear();
    orphaned();
  };
  worker.on('error', giveBack);
  worker.on('exit', giveBack);
  feed();
  return worker;
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
