// Writes a bundle: the raw evidence (raw.ts) while collecting, then at seal the derived tables,
// the manifest with every file's size and SHA-256, and SHA256SUMS. Files are hashed while
// written, so sealing needs no second pass over the data.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BundleError } from './reader.js';
import { once } from 'node:events';
import type { TableName } from '../schema/tables.js';
import {
  COLLECTION_LOG_FILE,
  FORMAT_VERSION,
  MANIFEST_FILE,
  SHA256SUMS_FILE,
  TABLES_DIR,
  computeManifestDigest,
  tableFile,
  type Acquisition,
  type FileEntry,
  type Manifest,
} from './manifest.js';
import { RAW_DIR, RawStore } from './raw.js';
import { singleLine } from '../text/terminal.js';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** Rows are gathered into writes of about this size. */
const WRITE_BATCH = 64 * 1024;

/** A file being written: its stream, running hash and size. */
export class HashedFile {
  private readonly stream: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private pending = '';
  size = 0;

  constructor(
    readonly relPath: string,
    absPath: string,
  ) {
    this.stream = createWriteStream(absPath, { flags: 'wx', mode: FILE_MODE });
    // Errors surface on the next write or on close; keep the process from crashing meanwhile.
    this.stream.on('error', () => undefined);
  }

  /** Buffers text and writes it in large pieces; waits for 'drain' when the stream asks for backpressure. */
  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= WRITE_BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending === '') return;
    const buf = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.hash.update(buf);
    this.size += buf.length;
    if (!this.stream.write(buf)) await once(this.stream, 'drain');
  }

  async close(): Promise<FileEntry> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'close');
    return { path: this.relPath, size: this.size, sha256: this.hash.digest('hex') };
  }
}

export interface BundleHeader {
  snapshotId: string;
  cluster: Manifest['cluster'];
  startedAt: string;
  options: Manifest['options'];
  toolVersion: string;
  acquisition: Acquisition;
}

/** What the caller supplies at seal time; files and the digest are the writer's. */
export type ManifestBody = Pick<Manifest, 'status' | 'artifacts' | 'endedAt' | 'tables' | 'azure'> & { derivation: NonNullable<Manifest['derivation']> };

export function newSnapshotId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Folder names come from the kubeconfig's cluster name: keep them to a safe alphabet. */
export function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 60);
  return cleaned || 'cluster';
}

/** Creates `<parentDir>/<cluster>-<snapshotId>` (0700) with the given subfolders. */
export async function createBundleDir(parentDir: string, cluster: string, snapshotId: string, subdirs: string[]): Promise<string> {
  await mkdir(parentDir, { recursive: true });
  const dir = join(parentDir, `${safeName(cluster)}-${snapshotId}`);
  await mkdir(dir, { mode: DIR_MODE });
  await chmod(dir, DIR_MODE); // mkdir's mode is filtered by the umask
  for (const d of subdirs) await mkdir(join(dir, d), { mode: DIR_MODE });
  return dir;
}

/**
 * Refuses a parent folder that is, or is inside, an evidence bundle: a new bundle written there
 * would make the sealed one fail verification (files it does not list).
 */
export async function assertOutsideBundle(parentDir: string): Promise<void> {
  let dir = resolve(parentDir);
  for (;;) {
    if (await isBundleManifest(join(dir, MANIFEST_FILE))) {
      throw new BundleError(`--out ${parentDir} is inside the evidence bundle ${dir}; choose a folder outside it (a sealed bundle must not change).`);
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** Whether a file is a KubeForenSys manifest (a web app's manifest.json above --out is not). */
async function isBundleManifest(path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isFile() || st.size > 64 * 1024 * 1024) return false;
    const m = JSON.parse(await readFile(path, 'utf8')) as { tool?: { name?: unknown } };
    return m?.tool?.name === 'kubeforensys';
  } catch {
    return false;
  }
}

/** One line per sealed file, as sha256sum prints them (two spaces, then the path). */
export function sha256sums(files: readonly FileEntry[]): string {
  return files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}

export class BundleWriter {
  private readonly tables = new Map<TableName, HashedFile>();
  private readonly log: HashedFile;
  readonly raw: RawStore;
  private sealed = false;

  private constructor(
    readonly dir: string,
    readonly header: BundleHeader,
  ) {
    this.log = new HashedFile(COLLECTION_LOG_FILE, join(dir, COLLECTION_LOG_FILE));
    this.raw = new RawStore(dir);
  }

  static async create(parentDir: string, header: BundleHeader): Promise<BundleWriter> {
    const dir = await createBundleDir(parentDir, header.cluster.cluster, header.snapshotId, [RAW_DIR, TABLES_DIR]);
    return new BundleWriter(dir, header);
  }

  /** Appends one derived row (already stamped and in column order) to its table file. */
  async writeRow(table: TableName, row: Record<string, unknown>): Promise<void> {
    if (this.sealed) throw new Error('the evidence bundle is already sealed');
    let file = this.tables.get(table);
    if (!file) {
      file = new HashedFile(tableFile(table), join(this.dir, tableFile(table)));
      this.tables.set(table, file);
    }
    await file.write(JSON.stringify(row) + '\n');
  }

  /** One timestamped line in collection.log. */
  async logLine(level: 'info' | 'warn' | 'error', message: string): Promise<void> {
    if (this.sealed) return;
    // Server and cluster text: examiners read this file with cat and less, so no control stays raw.
    await this.log.write(`${new Date().toISOString()} ${level.toUpperCase()} ${singleLine(message)}\n`);
  }

  /** Closes every file, then writes manifest.json (sizes, SHA-256, digest) and SHA256SUMS. */
  async seal(body: ManifestBody): Promise<Manifest> {
    if (this.sealed) throw new Error('the evidence bundle is already sealed');
    this.sealed = true;
    const files: FileEntry[] = [await this.log.close(), ...(await this.raw.seal())];
    for (const file of this.tables.values()) files.push(await file.close());
    files.sort((a, b) => (a.path < b.path ? -1 : 1));
    const unsigned: Omit<Manifest, 'manifestDigest'> = {
      formatVersion: FORMAT_VERSION,
      tool: { name: 'kubeforensys', version: this.header.toolVersion },
      snapshotId: this.header.snapshotId,
      cluster: this.header.cluster,
      startedAt: this.header.startedAt,
      endedAt: body.endedAt,
      status: body.status,
      options: this.header.options,
      acquisition: this.header.acquisition,
      derivation: body.derivation,
      artifacts: body.artifacts,
      tables: body.tables,
      // Only when the Azure sources were asked for: manifests without them stay as they were.
      ...(body.azure ? { azure: body.azure } : {}),
      files,
    };
    const manifest: Manifest = { ...unsigned, manifestDigest: computeManifestDigest(unsigned) };
    const text = JSON.stringify(manifest, null, 2) + '\n';
    await writeFile(join(this.dir, MANIFEST_FILE), text, { mode: FILE_MODE, flag: 'wx' });
    const self: FileEntry = { path: MANIFEST_FILE, size: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
    await writeFile(join(this.dir, SHA256SUMS_FILE), sha256sums([...files, self]), { mode: FILE_MODE, flag: 'wx' });
    return manifest;
  }
}
