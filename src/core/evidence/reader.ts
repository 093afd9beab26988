// Opens a sealed bundle and streams its tables back, one record at a time.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RowByTable, TableName } from '../schema/tables.js';
import { MANIFEST_FILE, tableFile, type Manifest } from './manifest.js';

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
  if (manifest?.formatVersion !== 1 || !Array.isArray(manifest.files)) {
    throw new BundleError(`${path} is not a KubeForenSys manifest (unknown formatVersion ${String(manifest?.formatVersion)}).`);
  }
  return manifest;
}

export async function openBundle(dir: string): Promise<Bundle> {
  const manifest = await readManifest(dir);
  return {
    dir,
    manifest,
    readTable: <T extends TableName>(table: T, opts?: { signal?: AbortSignal }) => readJsonl<RowByTable[T]>(join(dir, tableFile(table)), opts?.signal),
  };
}

async function* readJsonl<T>(path: string, signal?: AbortSignal): AsyncIterable<T> {
  try {
    await stat(path);
  } catch {
    return;
  }
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
