// The derived rows as files, for anyone who wants them outside the tool: one JSON-lines file per
// table, written from the same derivation the timeline and ingestion read, with a record of
// what was written (rows and SHA-256 per file) beside them.
import { createHash } from 'node:crypto';
import { open, mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, isAbsolute } from 'node:path';
import type { Bundle } from '../evidence/reader.js';
import { BundleError } from '../evidence/reader.js';
import { TABLES, type TableName } from '../schema/tables.js';

export interface ExportedTable {
  table: TableName;
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

const WRITE_BATCH = 256 * 1024;

export async function exportTables(bundle: Bundle, tables: readonly TableName[] | null, outDir: string, signal?: AbortSignal): Promise<ExportedTable[]> {
  const out = resolve(outDir);
  const rel = relative(resolve(bundle.dir), out);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) throw new BundleError(`--out ${outDir} is inside the evidence bundle ${bundle.dir}; export to a folder outside it (the bundle is sealed).`);
  await mkdir(out, { recursive: true });
  const chosen = tables ?? TABLES.map((t) => t.name);
  const done: ExportedTable[] = [];
  for (const table of chosen) {
    signal?.throwIfAborted();
    done.push(await exportOne(bundle, table, join(out, `${table}.jsonl`), signal));
  }
  await writeFile(join(out, 'export.json'), JSON.stringify({ bundle: bundle.dir, snapshotId: bundle.manifest.snapshotId, manifestDigest: bundle.manifest.manifestDigest, tables: done }, null, 2) + '\n');
  return done;
}

async function exportOne(bundle: Bundle, table: TableName, path: string, signal?: AbortSignal): Promise<ExportedTable> {
  const fh = await open(path, 'w', 0o600);
  const hash = createHash('sha256');
  let rows = 0;
  let bytes = 0;
  let pending = '';
  const flush = async () => {
    const buf = Buffer.from(pending, 'utf8');
    pending = '';
    hash.update(buf);
    bytes += buf.length;
    await fh.write(buf);
  };
  try {
    for await (const row of bundle.readTable(table, { signal })) {
      pending += JSON.stringify(row) + '\n';
      rows++;
      if (pending.length >= WRITE_BATCH) await flush();
    }
    await flush();
  } finally {
    await fh.close();
  }
  return { table, file: path, rows, bytes, sha256: hash.digest('hex') };
}
