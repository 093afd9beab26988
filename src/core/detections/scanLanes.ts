// Reads an offline scan's input on the main thread and on worker threads at once, and hands what
// each file gave to the detections in input order, so the findings are those of one thread
// reading the files one after another. Each lane (the main thread, each worker) takes the next
// unit when it is free: a file, or a run of a large List export's entries (one export is often
// most of the input). A unit's result is a LocalBatch (plain data: owner links, the objects the
// whole-input findings need, each pod target's own findings), so no lane shares state with
// another; a worker that cannot start or dies leaves its units to the others.
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DetectionStream } from './engine.js';
import { readInput } from '../regularFile.js';
import { LIST_WINDOW_BYTES, MAX_STRING_CHARS } from './listStream.js';
import { listChunks } from './manifests.js';
import { runUnit, type ScanUnit, type UnitResult } from './scanUnits.js';

/** The worker's code, bundled into a string by scripts/build.mjs (undefined when running from sources). */
declare const __KFS_SCAN_WORKER__: string | undefined;
const BUNDLED_WORKER = typeof __KFS_SCAN_WORKER__ === 'string' ? __KFS_SCAN_WORKER__ : undefined;

export interface ScanLaneOptions {
  /** Worker threads beside the main thread (default defaultScanWorkers(); none for a small input). */
  workers?: number;
  /** The worker's code (CommonJS, evaluated); default: the one bundled at build time, if any. */
  workerCode?: string;
  /** The sizes that decide when to use workers and how to cut a List (default LANE_SIZES; tests make them small). */
  sizes?: LaneSizes;
}

export interface LaneSizes {
  /** Below this much input, starting a worker (tens of milliseconds) costs more than it saves. */
  parallelMinBytes: number;
  /**
   * A file this large is read once on the main thread and, when it is a List export, cut into runs
   * of entries; with no workers it is read a window at a time where it can be (listStream.ts).
   */
  splitMinBytes: number;
  /** Characters per run of entries: enough to amortise a message, small enough to share one export among the lanes. */
  chunkChars: number;
  /** A file this large is read a window at a time on the main thread where it can be (listStream.ts), workers or not. */
  streamMinBytes: number;
  /** Bytes per window of such a file. */
  windowBytes: number;
}

export const LANE_SIZES: LaneSizes = {
  parallelMinBytes: 16 * 1024 * 1024,
  splitMinBytes: 4 * 1024 * 1024,
  chunkChars: 512 * 1024,
  // Only what cannot be read whole: with workers a large export is cut into runs for them, which
  // holds its text (a window at a time it is read on the main thread alone: the 200 MB bench with
  // one worker took 5.8 s instead of 5.0 s). A file of fewer bytes has fewer characters.
  streamMinBytes: MAX_STRING_CHARS + 1,
  windowBytes: LIST_WINDOW_BYTES,
};

export interface ScanInput {
  file: string;
  /** The file as reported (relative to the working directory). */
  label: string;
  /** The input's text when it is no file to read (standard input, read before the scan). */
  text?: string;
}

export interface ReadInputs {
  /** Where each resource is first found: file and 1-based line, by objKey. */
  where: Map<string, { file: string; line: number }>;
  /** One per unreadable file, in input order. */
  errors: { file: string; message: string }[];
  /** Files read as manifests. */
  readable: number;
  /** Worker threads that started, and the units read (files, runs of entries, files read again whole). */
  workers: number;
  units: number;
}

/** Units a worker holds, so it never waits for the main thread between two. */
const WORKER_QUEUE = 3;
/**
 * Bytes of input planned ahead of the file being handed on: what bounds the memory (each file
 * holds its results until then), and what lets the other lanes go on while one reads a slow file.
 */
const AHEAD_BYTES = 32 * 1024 * 1024;

/**
 * One fewer than the cores, at most 3; none on two cores or fewer. Measured on two cores
 * (BENCHMARKS.md): a worker's share of the reading costs about 35 % more CPU than reading it on
 * the main thread (its own code warm-up, the results sent across), so with the second core as
 * the only one free the scan ran 0.9–1.3× as fast as on the main thread alone.
 */
export function defaultScanWorkers(): number {
  const cores = availableParallelism();
  return cores <= 2 ? 0 : Math.min(3, cores - 1);
}

/** A file in the course of being read: its units and their results. */
interface Job {
  input: ScanInput;
  size: number;
  units: ScanUnit[];
  results: (UnitResult | undefined)[];
  /** The text of a file cut into runs, kept in case a run cannot be read alone (the file is then read whole). */
  text?: string;
}

interface Task {
  job: Job;
  index: number;
}

/** The files planned so far, the units not yet taken, and the results waiting to be handed on. */
class Schedule {
  readonly jobs: Job[] = [];
  readonly queue: Task[] = [];
  private nextFile = 0;
  /** The sizes of the files in jobs. */
  private ahead = 0;

  constructor(
    private readonly inputs: readonly ScanInput[],
    private readonly sizes: readonly number[],
    private readonly tuning: LaneSizes,
    /** Whether large files are cut into runs for the lanes (there are workers). */
    private readonly split: boolean,
  ) {}

  get planned(): boolean {
    return this.nextFile >= this.inputs.length;
  }

  private wants(lanes: number): boolean {
    return !this.planned && (this.jobs.length === 0 || this.ahead < AHEAD_BYTES) && this.queue.length < 2 * lanes;
  }

  /** Plans the files that need no read first (any but a large one), until the lanes have enough ahead of them. */
  fillNow(lanes: number): void {
    while (this.wants(lanes) && !this.large(this.nextFile)) this.add(this.job(this.nextFile++));
  }

  /** Plans files until the lanes have enough ahead of them; a large one is read here, once. */
  async fill(lanes: number): Promise<void> {
    for (this.fillNow(lanes); this.wants(lanes); this.fillNow(lanes)) {
      this.add(await this.planLarge(this.nextFile++));
    }
  }

  private large(i: number): boolean {
    const size = this.sizes[i]!;
    return this.split && this.inputs[i]!.text === undefined && size >= this.tuning.splitMinBytes && size < this.tuning.streamMinBytes;
  }

  private job(i: number, units: ScanUnit[] = [this.fileUnit(i)], text?: string): Job {
    return { input: this.inputs[i]!, size: this.sizes[i]!, units, results: units.map(() => undefined), text };
  }

  /**
   * The text of an input already read (standard input); else a file the lane reads itself: a
   * window at a time when it is that large, or large at all with no workers to share it with (read so, the 50 MB bench's 25 MB export took the same time and
   * 10 % less memory; with workers a file under streamMinBytes is cut into runs for them instead).
   */
  private fileUnit(i: number): ScanUnit {
    const input = this.inputs[i]!;
    if (input.text !== undefined) return { kind: 'text', file: input.file, label: input.label, text: input.text };
    const size = this.sizes[i]!;
    const streamed = size >= this.tuning.streamMinBytes || (!this.split && size >= this.tuning.splitMinBytes);
    return streamed ? { kind: 'stream', ...input, windowBytes: this.tuning.windowBytes } : { kind: 'file', ...input };
  }

  private add(job: Job): void {
    this.jobs.push(job);
    this.ahead += job.size;
    for (let u = 0; u < job.units.length; u++) this.queue.push({ job, index: u });
  }

  /** A large file: a List export in runs of entries, any other file as the text read. */
  private async planLarge(i: number): Promise<Job> {
    const input = this.inputs[i]!;
    let text: string;
    try {
      text = await readInput(input.file);
    } catch {
      return this.job(i); // the lane's own read reports why
    }
    const chunks = listChunks(text, this.tuning.chunkChars);
    if (!chunks) return this.job(i, [{ kind: 'text', ...input, text }]);
    return this.job(i, chunks.map((chunk) => ({ kind: 'chunk', ...input, chunk })), text);
  }

  /** The next file, once handed on. */
  shift(): Job {
    const job = this.jobs.shift()!;
    this.ahead -= job.size;
    return job;
  }

  /**
   * The next unit for a lane. A worker skips a text already read on the main thread, and a file
   * read a window at a time: sending it and its objects across costs about what reading it does
   * (measured on a 25 MB JSON export), and a streamed file's objects would be sent all at once.
   */
  take(worker = false): Task | undefined {
    if (!worker) return this.queue.shift();
    const i = this.queue.findIndex((t) => t.job.units[t.index]!.kind !== 'text' && t.job.units[t.index]!.kind !== 'stream');
    return i === -1 ? undefined : this.queue.splice(i, 1)[0];
  }

  /** A file whose runs could not all be read alone (or held no object) is read whole, before anything else. */
  readWhole(job: Job): void {
    job.units = [{ kind: 'text', ...job.input, text: job.text! }];
    job.results = [undefined];
    job.text = undefined;
    this.queue.unshift({ job, index: 0 });
  }

  /** Records a unit's result (the caller hands finished files on). */
  settle(t: Task, r: UnitResult): void {
    t.job.results[t.index] = r;
  }
}

const complete = (job: Job) => job.results.every((r) => r !== undefined);

/** Whether a file cut into runs must be read whole instead (what readManifests does when an entry cannot be read alone). */
function needsWhole(job: Job): boolean {
  if (job.units[0]!.kind !== 'chunk') return false;
  const results = job.results as UnitResult[];
  if (results.some((r) => r.failure)) return false;
  return results.some((r) => !r.batch || r.error) || results.every((r) => r.lines.length === 0);
}

/**
 * Reads every input into `stream`, in input order, with `workers` threads beside the main thread.
 * The detections' own defects are thrown; an unreadable file is one of the errors.
 */
export async function readInputs(inputs: readonly ScanInput[], stream: DetectionStream, platformRegistries: readonly string[], opts: ScanLaneOptions = {}): Promise<ReadInputs> {
  const sizes = await Promise.all(inputs.map((i) => (i.text !== undefined ? i.text.length : stat(i.file).then((s) => s.size, () => 0))));
  const total = sizes.reduce((a, b) => a + b, 0);
  const code = opts.workerCode ?? BUNDLED_WORKER;
  const tuning = opts.sizes ?? LANE_SIZES;
  const count = code && total >= tuning.parallelMinBytes ? (opts.workers ?? defaultScanWorkers()) : 0;
  const sched = new Schedule(inputs, sizes, tuning, count > 0);
  const out: ReadInputs = { where: new Map(), errors: [], readable: 0, workers: 0, units: 0 };
  let wake: (() => void) | null = null;
  const settle = (t: Task, r: UnitResult) => {
    sched.settle(t, r);
    out.units++;
    wake?.();
  };
  const lanes = startWorkers(code, count, platformRegistries, sched, settle, () => wake?.());
  out.workers = lanes.count();
  try {
    for (;;) {
      await sched.fill(lanes.count() + 1);
      lanes.feed();
      handOn(sched, stream, out);
      if (sched.planned && sched.jobs.length === 0) return out;
      const task = sched.take();
      if (task) {
        settle(task, await runUnit(task.job.units[task.index]!, platformRegistries));
        // A run of entries is read without a pause: yield, so the workers' answers are taken and they are fed again.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      else await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    lanes.close();
  }
}

/** Hands the finished files at the head of the schedule to the detections, in input order. */
function handOn(sched: Schedule, stream: DetectionStream, out: ReadInputs): void {
  while (sched.jobs.length && complete(sched.jobs[0]!)) {
    const job = sched.jobs[0]!;
    if (needsWhole(job)) return sched.readWhole(job);
    sched.shift();
    const results = job.results as UnitResult[];
    const failed = results.find((r) => r.failure)?.failure;
    if (failed) throw Object.assign(new Error(failed.message), { stack: failed.stack });
    const error = results.find((r) => r.error)?.error;
    if (error !== undefined) {
      out.errors.push({ file: job.input.file, message: error });
      continue;
    }
    for (const r of results) {
      const keys = r.batch!.keys;
      for (let i = 0; i < keys.length; i++) if (!out.where.has(keys[i]!)) out.where.set(keys[i]!, { file: job.input.file, line: r.lines[i]! });
      stream.addLocal(r.batch!);
    }
    out.readable++;
  }
}

interface Lanes {
  count: () => number;
  feed: () => void;
  close: () => void;
}

/** What a worker is sent (a unit, by its number) and answers. */
export interface ScanWorkerRequest {
  id: number;
  unit: ScanUnit;
}
export interface ScanWorkerReply {
  id: number;
  result: UnitResult;
}

function startWorkers(code: string | undefined, count: number, platformRegistries: readonly string[], sched: Schedule, settle: (t: Task, r: UnitResult) => void, lost: () => void): Lanes {
  const feeders = new Set<() => void>();
  const workers: Worker[] = [];
  let closed = false;
  for (let w = 0; w < count && code; w++) {
    let worker: Worker;
    try {
      worker = new Worker(code, { eval: true, workerData: { platformRegistries } });
    } catch {
      continue;
    }
    const inFlight = new Map<number, Task>();
    let nextId = 0;
    const feed = () => {
      for (let t = inFlight.size < WORKER_QUEUE ? sched.take(true) : undefined; t; t = inFlight.size < WORKER_QUEUE ? sched.take(true) : undefined) {
        const id = nextId++;
        inFlight.set(id, t);
        worker.postMessage({ id, unit: t.job.units[t.index]! } satisfies ScanWorkerRequest);
      }
    };
    worker.on('message', (m: ScanWorkerReply) => {
      const t = inFlight.get(m.id);
      inFlight.delete(m.id);
      if (t) settle(t, m.result);
      // Planned here too: while the main thread reads a unit of its own, this worker must not run dry.
      sched.fillNow(feeders.size + 1);
      if (feeders.has(feed)) feed();
    });
    // A worker that fails or stops gives its units back, first in line, in their order.
    const giveBack = () => {
      if (closed || !feeders.delete(feed)) return;
      sched.queue.unshift(...inFlight.values());
      inFlight.clear();
      lost();
    };
    worker.on('error', giveBack);
    worker.on('exit', giveBack);
    workers.push(worker);
    feeders.add(feed);
  }
  return {
    count: () => feeders.size,
    feed: () => {
      for (const f of feeders) f();
    },
    close: () => {
      closed = true;
      feeders.clear();
      for (const w of workers) void w.terminate();
    },
  };
}
