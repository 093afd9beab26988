// The raw evidence: every response body exactly as the API served it, in files with opaque
// names (never built from cluster-supplied text), hashed while written, and the acquisition
// index that records every request attempt: what was asked, what came back, where it is kept.
// This is what an examiner checks; nothing here is rewritten after it is written.
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileEntry } from './manifest.js';

export const RAW_DIR = 'raw';
export const RAW_INDEX_FILE = `${RAW_DIR}/index.jsonl`;

const FILE_MODE = 0o600;
/** Writes are gathered to at least this size: one syscall per 64 KB, not one per chunk. */
const WRITE_BATCH = 64 * 1024;
const PACK_WRITE_BATCH = 1024 * 1024;

/** What kind of request an index entry is, and what the derivation needs to know of it. */
export type AcquisitionRef =
  | { kind: 'list'; listKind: string; namespace: string | null; continued: boolean }
  | { kind: 'log'; namespace: string; pod: string; container: string; previous: boolean; stream: number; resume: LogResume | null }
  | { kind: 'exec'; namespace: string; pod: string; container: string; command: string[]; exec: ExecRecord }
  | { kind: 'version' }
  | { kind: 'review' }
  | AzureRef;

/** The Azure-side evidence sources (src/core/azure/sources). */
export type AzureSourceId = 'cluster' | 'diagnostics' | 'audit' | 'activity' | 'alerts';

/**
 * An Azure request: which source asked and for what. A query's text, workspace and time window
 * are kept here because they travel in the POST body, not the URL.
 */
export interface AzureRef {
  kind: 'azure';
  source: AzureSourceId;
  /** e.g. managedClusters.get, diagnosticSettings.list, activityLogs.list, alerts.listByResourceGroup, query. */
  operation: string;
  /** The resource, resource group or subscription asked about (for a query: the workspace resource id). */
  scope: string;
  /** Queries: the workspace table, the half-open window [from, to) and the KQL as sent. */
  table?: string;
  window?: { from: string; to: string };
  query?: string;
}

/** Where a re-requested log stream picks up: lines before `at`, and the first `skip` at `at`, are already held. */
export interface LogResume {
  sinceTime: string;
  at: string;
  skip: number;
}

/** An exec's outcome as the Status frame and the stream said it (stdout is the raw file). */
export interface ExecRecord {
  outcome: string;
  exitCode: number | null;
  truncated: boolean;
  message: string;
  stderr: string;
}

export interface AcquisitionEntry {
  /** Order in which requests were started, from 1. */
  seq: number;
  method: string;
  /** Path and query as sent. */
  path: string;
  /** 1 for the first try, 2.. for retries of the same request. */
  attempt: number;
  startedAt: string;
  endedAt: string;
  /** HTTP status; 0 when no answer came back. */
  status: number;
  /** The Status reason (Forbidden, Expired, TooManyRequests…) or transport reason, when the attempt failed. */
  reason: string | null;
  /** Body bytes received (and kept in `file`). */
  bytes: number;
  sha256: string;
  file: string | null;
  /** Where the body starts in `file`: 0 for a file of its own, the position in a pack otherwise. */
  offset: number;
  /** False when the body was cut short (reset, timeout, cancel). */
  complete: boolean;
  /** Why the attempt failed, when it did. */
  error: string | null;
  ref: AcquisitionRef;
}

/** A raw body being written: appended in batches, hashed on the way. */
export class RawFile {
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  size = 0;

  constructor(
    readonly relPath: string,
    private readonly fh: FileHandle,
    private readonly batch = WRITE_BATCH,
  ) {}

  /** Queues bytes; resolves when the queue is small enough to accept more (backpressure). */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.hash.update(chunk);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.batch) {
      const prior = this.writing;
      this.flush();
      // At most one batch waits behind the one being written.
      await prior;
    }
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const bufs = this.pending;
    const total = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      try {
        // writev: the gathered chunks go out in one call without being copied together first.
        const { bytesWritten } = await this.fh.writev(bufs);
        if (bytesWritten < total) {
          const rest = Buffer.concat(bufs, total).subarray(bytesWritten);
          let off = 0;
          while (off < rest.length) off += (await this.fh.write(rest, off, rest.length - off)).bytesWritten;
        }
      } catch (err) {
        this.failure = err;
      }
    });
  }

  /** Everything written so far is on disk. */
  async sync(): Promise<void> {
    this.flush();
    await this.writing;
    if (this.failure) throw this.failure;
  }

  async close(): Promise<FileEntry> {
    this.flush();
    await this.writing;
    await this.fh.close();
    if (this.failure) throw this.failure;
    return { path: this.relPath, size: this.size, sha256: this.hash.digest('hex') };
  }
}

export type NewEntry = Omit<AcquisitionEntry, 'seq' | 'file' | 'offset' | 'bytes' | 'sha256'>;

/** Bodies up to this size are kept in memory until they end and then appended to a pack. */
const SMALL_BODY = 256 * 1024;
/** A pack is closed and a new one begun past this size (files stay easy to copy and hash). */
const PACK_MAX = 256 * 1024 * 1024;

/**
 * One response body as it arrives. Most bodies are small (an exec listing, a list page, the log
 * of a quiet container): those stay in memory and go into a shared pack when they end, because
 * creating a file costs more than everything else a small request does. A body that outgrows
 * SMALL_BODY gets a file of its own and is streamed into it from then on.
 */
export class RawBody {
  private readonly hash: Hash = createHash('sha256');
  private chunks: Buffer[] = [];
  private own: Promise<RawFile> | null = null;
  size = 0;

  constructor(
    private readonly openOwn: () => Promise<RawFile>,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (!this.own && this.size <= SMALL_BODY) {
      this.chunks.push(chunk);
      return;
    }
    if (!this.own) {
      this.own = this.openOwn();
      const held = this.chunks;
      this.chunks = [];
      const f = await this.own;
      for (const c of held) await f.write(c);
    }
    await (await this.own).write(chunk);
  }

  /** The body's own file, closed; null when the body is small enough for a pack. */
  async closeOwn(): Promise<FileEntry | null> {
    return this.own ? (await this.own).close() : null;
  }

  /** The whole body, when it was kept in memory. */
  held(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** A body's place in raw/: the file that holds it and where in that file. */
export type BodyRef = Pick<AcquisitionEntry, 'file' | 'offset' | 'bytes'>;

/** Read-only, never through a link, never blocking on a FIFO put where a raw file was. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** How long an open raw file is kept for the next read: a derivation reads one pack thousands of times. */
const HANDLE_IDLE_MS = 250;

interface OpenRaw {
  fh: FileHandle;
  ino: number;
  dev: number;
  size: number;
}

interface Held {
  open: Promise<OpenRaw>;
  /** Reads using it now: it is closed only when none is and none came for HANDLE_IDLE_MS. */
  users: number;
  timer: NodeJS.Timeout | null;
}

const handles = new Map<string, Held>();

async function openRaw(abs: string, rel: string): Promise<OpenRaw> {
  const fh = await open(abs, READ_FLAGS);
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw new Error(`${rel} is not a regular file; run verify on the bundle.`);
  }
  return { fh, ino: st.ino, dev: st.dev, size: st.size };
}

/** The file's size now while the path still names the file that is open (a regular file, not a link); null otherwise. */
async function sizeIfSame(abs: string, held: Promise<OpenRaw>): Promise<number | null> {
  try {
    const [now, o] = await Promise.all([lstat(abs), held]);
    return now.isFile() && now.ino === o.ino && now.dev === o.dev ? now.size : null;
  } catch {
    return null;
  }
}

/**
 * An open handle on a raw file, shared by the reads that follow one another and closed once
 * none came for HANDLE_IDLE_MS (opening a file costs more than reading a small body from it).
 */
async function withRaw<T>(abs: string, rel: string, use: (fh: FileHandle, size: number) => Promise<T>): Promise<T> {
  const held = acquire(abs, rel);
  try {
    // Reused only while the path still names the file that is open (one lstat, not an open):
    // a file replaced, linked or turned into a FIFO since is opened, and refused, anew.
    const size = await sizeIfSame(abs, held.open);
    if (size !== null) return await use((await held.open).fh, size);
    if (handles.get(abs) === held) handles.delete(abs);
    return await withFresh(abs, rel, use);
  } finally {
    release(abs, held);
  }
}

function acquire(abs: string, rel: string): Held {
  let h = handles.get(abs);
  if (!h) {
    h = { open: openRaw(abs, rel), users: 0, timer: null };
    handles.set(abs, h);
    const created = h;
    created.open.catch(() => {
      if (handles.get(abs) === created) handles.delete(abs);
    });
  }
  if (h.timer) clearTimeout(h.timer);
  h.timer = null;
  h.users++;
  return h;
}

function release(abs: string, h: Held): void {
  if (--h.users > 0) return;
  h.timer = setTimeout(() => {
    if (h.users > 0) return;
    if (handles.get(abs) === h) handles.delete(abs);
    void h.open.then((o) => o.fh.close()).catch(() => undefined);
  }, HANDLE_IDLE_MS);
  h.timer.unref();
}

/** A stale handle was found: forget it and read through a handle of the file there now. */
async function withFresh<T>(abs: string, rel: string, use: (fh: FileHandle, size: number) => Promise<T>): Promise<T> {
  const o = await openRaw(abs, rel);
  try {
    return await use(o.fh, o.size);
  } finally {
    await o.fh.close();
  }
}

/**
 * A buffer a caller reads one body after another into (readRawBody's `into`): a body then costs
 * no allocation of its own. A thread that reads bodies and allocates little else (the screening
 * worker) otherwise holds tens of MB of read bodies that no collection has come for yet.
 */
export interface ReadBuffer {
  buf: Buffer;
}

/** Bodies up to this size are read into a ReadBuffer (which then keeps that much); larger ones get their own. */
const READ_BUFFER_MAX = 8 * 1024 * 1024;

/**
 * Reads one recorded body from a bundle (its own file, or its slice of a pack). With `into`, the
 * body is read into into.buf (grown when too small) and returned as its first bytes: valid until
 * the next read into the same buffer.
 */
export async function readRawBody(bundleDir: string, e: BodyRef, into?: ReadBuffer): Promise<Buffer> {
  if (!e.file || e.bytes === 0) return Buffer.alloc(0);
  const rel = e.file;
  const offset = e.offset ?? 0; // format-2 bundles written before packs have no offset
  return withRaw(join(bundleDir, ...rel.split('/')), rel, async (fh, size) => {
    // The index is checked against the file before anything is allocated: an index edited to
    // claim terabytes gets a sentence, not an allocation failure.
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(e.bytes) || offset < 0 || offset + e.bytes > size) {
      throw new Error(`${rel} holds ${size} bytes, not the ${e.bytes} bytes at offset ${offset} the acquisition index records; run verify on the bundle.`);
    }
    const buf = into && e.bytes <= READ_BUFFER_MAX ? reuse(into, e.bytes) : Buffer.allocUnsafe(e.bytes);
    let got = 0;
    while (got < e.bytes) {
      const { bytesRead } = await fh.read(buf, got, e.bytes - got, offset + got);
      if (bytesRead === 0) throw new Error(`${rel} ends before the ${e.bytes} bytes the acquisition index records at offset ${offset}; run verify on the bundle.`);
      got += bytesRead;
    }
    return buf;
  });
}

function reuse(into: ReadBuffer, bytes: number): Buffer {
  if (into.buf.length < bytes) into.buf = Buffer.allocUnsafe(Math.min(READ_BUFFER_MAX, Math.max(bytes, 2 * into.buf.length)));
  return into.buf.subarray(0, bytes);
}

/**
 * The raw/ folder of one bundle. Callers open a body file per attempt, stream into it, and
 * close it with the attempt's outcome; the index line is written then. Sequence numbers come
 * from the caller, handed out when a request starts, so the index says in which order things
 * were asked even though entries are written as attempts end.
 */
export class RawStore {
  private nextFile = 1;
  /** Body bytes recorded so far (for per-artifact figures). */
  bytes = 0;
  private readonly closed: FileEntry[] = [];
  private indexFile: Promise<RawFile> | null = null;
  /** The pack small bodies are appended to now (opened on first use, replaced when full). */
  private pack: RawFile | null = null;
  private openingPack: Promise<RawFile> | null = null;
  private readonly closingPacks: Promise<FileEntry>[] = [];
  private sealed = false;
  private readonly watchers: ((e: AcquisitionEntry) => void)[] = [];

  /** Hands out sequence numbers; the cluster recorder replaces it with its own counter when it attaches. */
  private sequence: () => number;

  constructor(private readonly bundleDir: string) {
    let next = 1;
    this.sequence = () => next++;
  }

  /** A sequence number for a request about to start (one counter for every source of the bundle). */
  nextSeq(): number {
    return this.sequence();
  }

  /** Makes `next` the bundle's one sequence (requests started before the store existed keep theirs). */
  shareSequence(next: () => number): void {
    this.sequence = next;
  }

  /** The index file, opened on first use. */
  private index(): Promise<RawFile> {
    this.indexFile ??= open(join(this.bundleDir, RAW_INDEX_FILE), 'wx', FILE_MODE).then((fh) => new RawFile(RAW_INDEX_FILE, fh));
    return this.indexFile;
  }

  /** A new opaque file in raw/; `ext` says what it holds (json, log, bin, pack). */
  private async newFile(ext: 'json' | 'log' | 'bin' | 'pack'): Promise<RawFile> {
    if (this.sealed) throw new Error('the evidence bundle is already sealed');
    const rel = `${RAW_DIR}/${String(this.nextFile++).padStart(6, '0')}.${ext}`;
    // One pack takes every small body: larger writes, fewer hand-offs to the thread pool.
    return new RawFile(rel, await open(join(this.bundleDir, rel), 'wx', FILE_MODE), ext === 'pack' ? PACK_WRITE_BATCH : WRITE_BATCH);
  }

  /** A body to stream an answer into; `ext` names its file should it outgrow a pack. */
  body(ext: 'json' | 'log' | 'bin'): RawBody {
    if (this.sealed) throw new Error('the evidence bundle is already sealed');
    return new RawBody(() => this.newFile(ext));
  }

  /** Ends an attempt's body (into its own file or a pack) and records the attempt in the index. */
  async record(seq: number, body: RawBody | null, entry: NewEntry): Promise<AcquisitionEntry> {
    const place = body && body.size > 0 ? await this.place(body) : { file: null, offset: 0 };
    const bytes = body?.size ?? 0;
    this.bytes += bytes;
    const full: AcquisitionEntry = { seq, ...entry, bytes, sha256: body ? body.digest() : EMPTY_SHA256, ...place };
    await this.appendIndex(JSON.stringify(full) + '\n');
    for (const w of this.watchers) w(full);
    return full;
  }

  /** Calls `fn` with each entry recorded from now on (its body and index line queued, not yet flushed); returns the unsubscribe. */
  watch(fn: (e: AcquisitionEntry) => void): () => void {
    this.watchers.push(fn);
    return () => {
      const i = this.watchers.indexOf(fn);
      if (i !== -1) this.watchers.splice(i, 1);
    };
  }

  /** Records a whole body held in memory (list pages, exec output, errors). */
  async recordBody(seq: number, ext: 'json' | 'log' | 'bin', body: Buffer, entry: NewEntry): Promise<AcquisitionEntry> {
    const b = this.body(ext);
    if (body.length > 0) await b.write(body);
    return this.record(seq, b, entry);
  }

  /** Where an ended body is kept. An empty body needs no file: bytes 0 and the SHA-256 of nothing say it all. */
  private async place(body: RawBody): Promise<Pick<AcquisitionEntry, 'file' | 'offset'>> {
    const own = await body.closeOwn();
    if (own) {
      this.closed.push(own);
      return { file: own.path, offset: 0 };
    }
    const pack = await this.packWithRoom();
    // The offset is taken and the write queued in one step: concurrent bodies cannot interleave.
    const offset = pack.size;
    await pack.write(body.held());
    return { file: pack.relPath, offset };
  }

  /** The pack to append to: the current one, or a new one when it is full (never two at once). */
  private async packWithRoom(): Promise<RawFile> {
    for (;;) {
      const current = this.pack;
      if (current && current.size < PACK_MAX) return current;
      if (current) {
        this.pack = null;
        this.closingPacks.push(current.close());
      }
      this.openingPack ??= this.newFile('pack').then((f) => {
        this.pack = f;
        this.openingPack = null;
        return f;
      });
      const f = await this.openingPack;
      if (f.size < PACK_MAX) return f;
    }
  }

  /** A recorded body's bytes (a cut log stream, to see where to resume); flushes the pack first. */
  async read(e: BodyRef): Promise<Buffer> {
    if (e.file === this.pack?.relPath) await this.pack.sync();
    else await Promise.all(this.closingPacks);
    return readRawBody(this.bundleDir, e);
  }

  private async appendIndex(line: string): Promise<void> {
    if (this.sealed) return;
    await (await this.index()).write(Buffer.from(line, 'utf8'));
  }

  /** Puts every body and index line written so far on disk (the derivation reads them before the seal). */
  async flush(): Promise<void> {
    await this.openingPack;
    await Promise.all(this.closingPacks);
    await this.pack?.sync();
    if (this.indexFile) await (await this.indexFile).sync();
  }

  /** Closes the index; returns every raw file (bodies and index) for the manifest. */
  async seal(): Promise<FileEntry[]> {
    this.sealed = true;
    await this.openingPack;
    if (this.pack) this.closingPacks.push(this.pack.close());
    this.pack = null;
    this.closed.push(...(await Promise.all(this.closingPacks)));
    // Written even when nothing was requested: an empty index says so.
    const index = await (await this.index()).close();
    return [...this.closed, index];
  }
}

export const EMPTY_SHA256 = createHash('sha256').digest('hex');
