// A bundle as KubeForenSys 0.1.0 wrote it (format 1): rows only, stamped as they were written,
// no raw evidence. Tests build their fixtures with it, which also keeps the read-only support
// for such bundles (tree, timeline, ingestion, verify) under test.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HashedFile, createBundleDir, newSnapshotId } from '../../src/core/evidence/writer.js';
import type { TableName } from '../../src/core/schema/tables.js';
import { tableByName } from '../../src/core/schema/tables.js';
import { normalizeTime } from '../../src/core/schema/time.js';
import type { CollectedRow } from '../../src/core/model.js';
import {
  COLLECTION_LOG_FILE,
  MANIFEST_FILE,
  TABLES_DIR,
  computeManifestDigest,
  tableFile,
  type FileEntry,
  type Manifest,
} from '../../src/core/evidence/manifest.js';

/** Columns format 2 added (0.1.0 bundles do not have them). */
type FormatTwoColumn = 'MessageBase64' | 'LinePart';

const FILE_MODE = 0o600;

export interface BundleHeader {
  snapshotId: string;
  cluster: Omit<Manifest['cluster'], 'serverVersion' | 'kubeconfigFiles'>;
  startedAt: string;
  options: Manifest['options'];
  toolVersion: string;
}

/** What the caller supplies at seal time; files, tables and the digest are the writer's. */
export type ManifestBody = Pick<Manifest, 'status' | 'artifacts' | 'endedAt'>;

export { newSnapshotId };

export class BundleWriter {
  private readonly tables = new Map<TableName, HashedFile>();
  private readonly counts = new Map<TableName, number>();
  private readonly log: HashedFile;
  private sealed = false;

  private constructor(
    readonly dir: string,
    readonly header: BundleHeader,
  ) {
    this.log = new HashedFile(COLLECTION_LOG_FILE, join(dir, COLLECTION_LOG_FILE));
  }

  /** Creates `<parentDir>/<cluster>-<snapshotId>` (0700) and opens its collection log (0600). */
  static async create(parentDir: string, header: BundleHeader): Promise<BundleWriter> {
    const dir = await createBundleDir(parentDir, header.cluster.cluster, header.snapshotId, [TABLES_DIR]);
    return new BundleWriter(dir, header);
  }

  /** Appends one record, stamping the columns the bundle owns and ordering columns as the schema does. */
  async write<T extends TableName>(table: T, row: Omit<CollectedRow<T>, FormatTwoColumn>): Promise<void> {
    if (this.sealed) throw new Error('the evidence bundle is already sealed');
    const def = tableByName(table);
    if (!def) throw new Error(`unknown table ${table}`);
    let file = this.tables.get(table);
    if (!file) {
      file = new HashedFile(tableFile(table), join(this.dir, tableFile(table)));
      this.tables.set(table, file);
    }
    const n = (this.counts.get(table) ?? 0) + 1;
    this.counts.set(table, n);
    const src = row as Record<string, unknown>;
    const stamped: Record<string, unknown> = {
      TimeGenerated: normalizeTime(new Date()),
      RecordId: `${this.header.snapshotId}/${table}/${String(n).padStart(9, '0')}`,
      SnapshotId: this.header.snapshotId,
      Cluster: this.header.cluster.cluster,
    };
    const out: Record<string, unknown> = {};
    for (const c of def.columns) {
      const v = c.name in stamped ? stamped[c.name] : src[c.name];
      out[c.name] = v === undefined ? (c.type === 'string' ? '' : null) : v;
    }
    await file.write(JSON.stringify(out) + '\n');
  }

  records(table: TableName): number {
    return this.counts.get(table) ?? 0;
  }

  bytes(table: TableName): number {
    return this.tables.get(table)?.size ?? 0;
  }

  /** One timestamped line in collection.log. */
  async logLine(level: 'info' | 'warn' | 'error', message: string): Promise<void> {
    if (this.sealed) return;
    await this.log.write(`${new Date().toISOString()} ${level.toUpperCase()} ${message.replace(/[\r\n]+/g, ' ')}\n`);
  }

  /** Closes every file, then writes manifest.json with each file's size and SHA-256 and the manifest digest. */
  async seal(body: ManifestBody): Promise<Manifest> {
    if (this.sealed) throw new Error('the evidence bundle is already sealed');
    this.sealed = true;
    const files: FileEntry[] = [await this.log.close()];
    const tables: Manifest['tables'] = {};
    for (const [name, file] of this.tables) {
      files.push(await file.close());
      tables[name] = { records: this.counts.get(name) ?? 0 };
    }
    files.sort((a, b) => (a.path < b.path ? -1 : 1));
    const unsigned: Omit<Manifest, 'manifestDigest'> = {
      formatVersion: 1,
      tool: { name: 'kubeforensys', version: this.header.toolVersion },
      snapshotId: this.header.snapshotId,
      cluster: { serverVersion: null, kubeconfigFiles: [], ...this.header.cluster },
      startedAt: this.header.startedAt,
      endedAt: body.endedAt,
      status: body.status,
      options: this.header.options,
      artifacts: body.artifacts,
      tables,
      files,
    };
    const manifest: Manifest = { ...unsigned, manifestDigest: computeManifestDigest(unsigned) };
    await writeFile(join(this.dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', { mode: FILE_MODE, flag: 'wx' });
    return manifest;
  }
}
