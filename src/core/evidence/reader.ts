// Opens a sealed bundle and streams its tables back, one record at a time.
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RowByTable, TableName } from '../schema/tables.js';
import { FORMAT_VERSION, MANIFEST_FILE, tableFile, type Manifest } from './manifest.js';
import { containerLogs } from '../schema/tables.js';
import type { DeriveInput } from '../derive/index.js';

export class BundleError extends Error {
  override name = 'BundleError';
}

export interface Bundle {
  readonly dir: string;
  readonly manifest: Manifest;
  /** Streams a table's records; a table the snapshot did not write yields nothing. */
  readTable<T extends TableName>(table: T, opts?: { signal?: AbortSignal }): AsyncIterable<RowByTable[T]>;
}

export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BundleError(`${dir} is not an evidence bundle: it has no ${MANIFEST_FILE}.`);
    throw new BundleError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (err) {
    throw new BundleError(`${path} is not valid JSON (${(err as Error).message}).`);
  }
  const version = manifest?.formatVersion as unknown;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new BundleError(`${path} is a format ${version} bundle from a newer KubeForenSys; this version reads formats 1 to ${FORMAT_VERSION}.`);
  }
  if ((version !== 1 && version !== 2) || !Array.isArray(manifest.files)) {
    throw new BundleError(`${path} is not a KubeForenSys manifest (unknown formatVersion ${String(version)}).`);
  }
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
async function* readJsonl<T>(path: string, signal?: AbortSignal): AsyncIterable<T> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return;
  }
  // A FIFO or link where a table should be would hang or lead outside the bundle: refuse it.
  if (!st.isFile()) throw new BundleError(`${path} is not a regular file; run verify on the bundle.`);
  const input = createReadStream(path, { encoding: 'utf8', signal });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line === '') continue;
      try {
        yield JSON.parse(line) as T;
      } catch (err) {
        throw new BundleError(`${path} line ${n} is not valid JSON (${(err as Error).message}); run verify on the bundle.`);
      }
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
