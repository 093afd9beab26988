// Opens a sealed bundle and streams its tables back, one record at a time.
import { createReadStream } from 'node:fs';
import { lstat, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RowByTable, TableName } from '../schema/tables.js';
import { FORMAT_VERSION, MANIFEST_FILE, manifestShapeError, tableFile, type Manifest } from './manifest.js';
import { containerLogs } from '../schema/tables.js';
import type { DeriveInput } from '../derive/index.js';

/**
 * Why a folder cannot be read as a bundle. `corrupt`: it has a manifest, but not one KubeForenSys
 * wrote as it is now (truncated, edited, a link): verify reports that as tampering. The others
 * mean it is not a bundle this version can read.
 */
export type BundleErrorKind = 'absent' | 'not-bundle' | 'newer' | 'corrupt' | 'unreadable';

export class BundleError extends Error {
  override name = 'BundleError';
  constructor(
    message: string,
    readonly kind: BundleErrorKind = 'not-bundle',
  ) {
    super(message);
  }
}

export interface Bundle {
  readonly dir: string;
  readonly manifest: Manifest;
  /** Streams a table's records; a table the snapshot did not write yields nothing. */
  readTable<T extends TableName>(table: T, opts?: { signal?: AbortSignal }): AsyncIterable<RowByTable[T]>;
}

/** The bundle folder must be a folder: names what was given instead (a missing path, the manifest itself). */
async function assertBundleFolder(dir: string): Promise<void> {
  let st;
  try {
    st = await stat(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BundleError(`${dir} does not exist; pass the folder of an evidence bundle.`, 'absent');
    throw new BundleError(`cannot open ${dir} (${code ?? (err as Error).message}).`, 'unreadable');
  }
  if (st.isDirectory()) return;
  if (basename(dir) === MANIFEST_FILE) throw new BundleError(`${dir} is the manifest file; pass the bundle folder that holds it, ${dirname(dir)}.`, 'not-bundle');
  throw new BundleError(`${dir} is a file, not a folder; pass the folder of an evidence bundle.`, 'not-bundle');
}

/** The manifest's text; a link, FIFO or device in its place is refused without being opened. */
async function readManifestText(dir: string, path: string): Promise<string> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BundleError(`${dir} is not an evidence bundle: it has no ${MANIFEST_FILE}.`, 'not-bundle');
    throw new BundleError(`cannot read ${path} (${code ?? (err as Error).message}).`, 'unreadable');
  }
  if (!st.isFile()) throw new BundleError(`${path} is not a regular file (a link, FIFO or device stands where the manifest was).`, 'corrupt');
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new BundleError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`, 'unreadable');
  }
}

export async function readManifest(dir: string): Promise<Manifest> {
  await assertBundleFolder(dir);
  const path = join(dir, MANIFEST_FILE);
  const text = await readManifestText(dir, path);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (err) {
    throw new BundleError(`${path} is not valid JSON, so it was truncated or edited (${(err as Error).message}).`, 'corrupt');
  }
  const version = (manifest as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new BundleError(`${path} is a format ${version} bundle from a newer KubeForenSys; this version reads formats 1 to ${FORMAT_VERSION}.`, 'newer');
  }
  if (version !== 1 && version !== 2) {
    throw new BundleError(`${path} is not a KubeForenSys manifest (unknown formatVersion ${String(version)}).`, 'not-bundle');
  }
  const bad = manifestShapeError(manifest);
  if (bad) throw new BundleError(`${path} is not a manifest KubeForenSys wrote: ${bad} is missing or has the wrong type (the manifest was edited or corrupted).`, 'corrupt');
  return manifest;
}

/**
 * Opens a sealed bundle. Format 2 tables come from the derivation: materialized ones from
 * tables/, the container log table from raw/ on demand. A format 1 (0.1.0) bundle holds rows
 * only and is read as it is.
 */
export async function openBundle(dir: string): Promise<Bundle> {
  const manifest = await readManifest(dir);
  const onDemand = new Set<TableName>(manifest.derivation?.onDemand ?? []);
  let input: Promise<DeriveInput> | undefined;
  const deriveInput = () => (input ??= import('../derive/index.js').then((d) => d.deriveInputOf(dir, manifest)));
  return {
    dir,
    manifest,
    readTable: <T extends TableName>(table: T, opts?: { signal?: AbortSignal }) =>
      onDemand.has(table) ? (derivedTable(deriveInput, table, opts?.signal) as AsyncIterable<RowByTable[T]>) : readJsonl<RowByTable[T]>(join(dir, tableFile(table)), opts?.signal),
  };
}

function derivedTable(input: () => Promise<DeriveInput>, table: TableName, signal?: AbortSignal): AsyncIterable<unknown> {
  if (table !== containerLogs.name) throw new Error(`${table} is not derived on demand`);
  return {
    [Symbol.asyncIterator]: () => {
      // The derivation modules load on first use: opening a bundle for the tree does not need them.
      let inner: AsyncIterator<unknown> | null = null;
      // Once open, calls go straight to the derivation's iterator (no extra promise per row).
      let next = async (): Promise<IteratorResult<unknown>> => {
        const it = (await import('../derive/index.js')).deriveLogTable(input, signal)[Symbol.asyncIterator]();
        inner = it;
        next = () => it.next();
        return it.next();
      };
      return {
        next: () => next(),
        return: async () => (await inner?.return?.()) ?? { done: true, value: undefined },
      };
    },
  };
}
/**
 * Characters in one table line. No row KubeForenSys writes comes near this (a log line is cut
 * into 8 MiB pieces); a line near 512 Mi characters could not be one JavaScript string at all.
 */
export const MAX_TABLE_LINE_BYTES = 128 * 1024 * 1024;

/**
 * Splits a text stream into lines, refusing one longer than `max` characters before it is put
 * together (the join is what would throw RangeError). Synchronous per chunk: reading a table
 * costs one await per chunk, not per line.
 */
export class LineSplitter {
  private carry: string[] = [];
  private carried = 0;
  private n = 0;
  constructor(
    private readonly max: number,
    private readonly tooLong: (line: number) => Error,
  ) {}

  /** The lines that end in this chunk. */
  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      this.n++;
      if (this.carried + nl - start > this.max) throw this.tooLong(this.n);
      const tail = chunk.slice(start, nl);
      lines.push(this.carried ? this.carry.join('') + tail : tail);
      this.carry = [];
      this.carried = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.carried += chunk.length - start;
      if (this.carried > this.max) throw this.tooLong(this.n + 1);
      this.carry.push(chunk.slice(start));
    }
    return lines;
  }

  /** The last line, when the stream does not end with a line feed. */
  end(): string[] {
    return this.carried ? [this.carry.join('')] : [];
  }
}

async function* readJsonl<T>(path: string, signal?: AbortSignal, maxLine = MAX_TABLE_LINE_BYTES): AsyncIterable<T> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return;
  }
  // A FIFO or link where a table should be would hang or lead outside the bundle: refuse it.
  if (!st.isFile()) throw new BundleError(`${path} is not a regular file; run verify on the bundle.`, 'corrupt');
  const input = createReadStream(path, { encoding: 'utf8', signal, highWaterMark: 1024 * 1024 });
  const tooLong = (n: number) => new BundleError(`${path} line ${n} is longer than ${maxLine / 1024 / 1024} MiB, more than any row KubeForenSys writes; run verify on the bundle.`, 'corrupt');
  const lines = new LineSplitter(maxLine, tooLong);
  let n = 0;
  const parse = (line: string): T => {
    try {
      return JSON.parse(line) as T;
    } catch (err) {
      throw new BundleError(`${path} line ${n} is not valid JSON (${(err as Error).message}); run verify on the bundle.`, 'corrupt');
    }
  };
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      for (const line of lines.push(chunk)) {
        n++;
        if (line !== '') yield parse(line);
      }
    }
    for (const line of lines.end()) {
      n++;
      if (line !== '') yield parse(line);
    }
  } finally {
    input.destroy();
  }
}
