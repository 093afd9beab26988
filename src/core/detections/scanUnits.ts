// The units of work of an offline scan (scanLanes.ts): a file, or a run of a large List's entries,
// read into what the detections take of it before the rest of the input is known (localBatch).
// The same function reads a unit on the main thread and on a worker thread, so where a unit was
// read never changes what comes of it.
import { isMainThread } from 'node:worker_threads';
import type { KubeObject } from '../model.js';
import { localBatch, type LocalBatch } from './engine.js';
import { readInput } from '../regularFile.js';
import { MAX_STRING_CHARS, streamList } from './listStream.js';
import { ManifestError, readListChunk, readManifests, type ListChunk, type LoadedObject } from './manifests.js';
import { ownStrings } from './ownStrings.js';

/**
 * A file the lane reads itself, a file so large it is read a window at a time where it can be
 * (listStream.ts), a text already read (too large to read twice), or a run of a List's entries.
 */
export type ScanUnit =
  | { kind: 'file'; file: string; label: string }
  | { kind: 'stream'; file: string; label: string; windowBytes: number }
  | { kind: 'text'; file: string; label: string; text: string }
  | { kind: 'chunk'; file: string; label: string; chunk: ListChunk };

export interface UnitResult {
  /** What the detections take of the unit's objects; null for a chunk whose entries cannot be read alone. */
  batch: LocalBatch | null;
  /** Each object's 1-based line, in the batch's order (its keys say which object): where a finding's resource is reported. */
  lines: number[];
  /** The sentence saying why the file cannot be read (then batch is null and lines empty). */
  error?: string;
  /** The detections themselves failed (a defect, not the input's fault): scan stops with it. */
  failure?: { message: string; stack?: string };
}

/** Thrown by the detections while a unit is read: reported as a failure, not as the file's fault. */
class DetectionFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('the detections failed');
  }
}

/**
 * Collects a unit's batches (readManifests hands them on as it reads; rollback() takes them back).
 * With `own`, each batch is given strings of its own as it comes (ownStrings.ts): the detections
 * keep parts of it to the end, and a file's text must not be kept with them. A worker's batches
 * need it only while the worker holds them (a streamed file): they are copied when posted.
 */
class UnitSink {
  batches: LocalBatch[] = [];
  lines: number[] = [];

  constructor(
    private readonly platformRegistries: readonly string[],
    private readonly own: boolean,
  ) {}

  add(loaded: LoadedObject[]): void {
    const objects: KubeObject[] = [];
    for (const l of loaded) {
      objects.push(l.object);
      this.lines.push(l.line);
    }
    try {
      const batch = localBatch(objects, this.platformRegistries);
      this.batches.push(this.own ? ownStrings(batch) : batch);
    } catch (e) {
      throw new DetectionFailure(e);
    }
  }

  rollback(): void {
    this.batches = [];
    this.lines = [];
  }

  result(): UnitResult {
    if (this.batches.length === 1) return { batch: this.batches[0]!, lines: this.lines };
    const batch: LocalBatch = { keys: [], links: [], kept: [], targets: [], configMaps: [] };
    for (const b of this.batches) for (const k of Object.keys(batch) as (keyof LocalBatch)[]) for (const v of b[k]) (batch[k] as unknown[]).push(v);
    return { batch, lines: this.lines };
  }
}

/** The text of a file that could not be read a window at a time; a sentence naming why when it is too large to read whole. */
async function readWhole(unit: ScanUnit & { kind: 'stream' }, why: string): Promise<string> {
  try {
    return await readInput(unit.file);
  } catch (e) {
    if (!(e instanceof RangeError) && (e as NodeJS.ErrnoException).code !== 'ERR_STRING_TOO_LONG') throw e;
    throw new ManifestError(
      `${unit.label} is too large to read whole (over ${Math.round(MAX_STRING_CHARS / 2 ** 20)} MB of text) and cannot be read a part at a time: ${why}; split it into smaller files (one kubectl get per namespace or kind).`,
    );
  }
}

/** Reads one unit. Never throws: a file's fault is its `error`, a defect of the detections its `failure`. */
export async function runUnit(unit: ScanUnit, platformRegistries: readonly string[]): Promise<UnitResult> {
  const sink = new UnitSink(platformRegistries, isMainThread || unit.kind === 'stream');
  try {
    if (unit.kind === 'chunk') {
      const loaded = readListChunk(unit.chunk, unit.file);
      if (!loaded) return { batch: null, lines: [] };
      sink.add(loaded);
    } else if (unit.kind === 'stream') {
      const why = await streamList(unit.file, sink, unit.windowBytes);
      if (why !== null) {
        sink.rollback();
        readManifests(await readWhole(unit, why), unit.file, unit.label, sink);
      }
    } else {
      const text = unit.kind === 'text' ? unit.text : await readInput(unit.file);
      readManifests(text, unit.file, unit.label, sink);
    }
    return sink.result();
  } catch (e) {
    if (e instanceof DetectionFailure) {
      const cause = e.cause instanceof Error ? e.cause : new Error(String(e.cause));
      return { batch: null, lines: [], failure: { message: cause.message, stack: cause.stack } };
    }
    return { batch: null, lines: [], error: e instanceof Error && e.name === 'ManifestError' ? e.message : `${unit.label} cannot be read: ${(e as Error).message}.` };
  }
}
