// The raw evidence: every response body exactly as the API served it, in files with opaque
// names (never built from cluster-supplied text), hashed while written, and the acquisition
// index that records every request attempt: what was asked, what came back, where it is kept.
// This is what an examiner checks; nothing here is rewritten after it is written.
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileEntry } from './manifest.js';

export const RAW_DIR = 'raw';
export const RAW_INDEX_FILE = `${RAW_DIR}/index.jsonl`;

const FILE_MODE = 0o600;
/** Writes are gathered to at least this size: one syscall per 64 KB, not one per chunk. */
const WRITE_BATCH = 64 * 1024;

/** What kind of request an index entry is, and what the derivation needs to know of it. */
export type AcquisitionRef =
  | { kind: 'list'; listKind: string; namespace: string | null; continued: boolean }
  | { kind: 'log'; namespace: string; pod: string; container: string; previous: boolean; stream: number; resume: LogResume | null }
  | { kind: 'exec'; namespace: string; pod: string; container: string; command: string[]; exec: ExecRecord }
  | { kind: 'version' }
  | { kind: 'review' };

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
  ) {}

  /** Queues bytes; resolves when the queue is small enough to accept more (backpressure). */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.hash.update(chunk);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_BATCH) {
      const prior = this.writing;
      this.flush();
      // At most one batch waits behind the one being written.
      await prior;
    }
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      try {
        let off = 0;
        while (off < buf.length) off += (await this.fh.write(buf, off, buf.length - off)).bytesWritten;
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

export type NewEntry = Omit<AcquisitionEntry, 'seq' | 'file' | 'bytes' | 'sha256'>;


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
  private sealed = false;

  constructor(private readonly bundleDir: string) {}

  /** Where a body is on disk (the collector reads a cut stream back to see where to resume). */
  abs(rel: string): string {
    return join(this.bundleDir, rel);
  }

  /** The index file, opened on first use. */
  private index(): Promise<RawFile> {
    this.indexFile ??= open(join(this.bundleDir, RAW_INDEX_FILE), 'wx', FILE_MODE).then((fh) => new RawFile(RAW_INDEX_FILE, fh));
    return this.indexFile;
  }

  /** A new opaque body file; `ext` says what it holds (json, log, bin). */
  async body(ext: 'json' | 'log' | 'bin'): Promise<RawFile> {
    if (this.sealed) throw new Error('the evidence bundle is already sealed');
    const rel = `${RAW_DIR}/${String(this.nextFile++).padStart(6, '0')}.${ext}`;
    return new RawFile(rel, await open(join(this.bundleDir, rel), 'wx', FILE_MODE));
  }

  /** Closes an attempt's body and records the attempt in the index. */
  async record(seq: number, file: RawFile | null, entry: NewEntry): Promise<AcquisitionEntry> {
    const fe = file ? await file.close() : null;
    if (fe) {
      this.closed.push(fe);
      this.bytes += fe.size;
    }
    const full: AcquisitionEntry = { seq, ...entry, bytes: fe?.size ?? 0, sha256: fe?.sha256 ?? EMPTY_SHA256, file: fe?.path ?? null };
    await this.appendIndex(JSON.stringify(full) + '\n');
    return full;
  }

  /** Records a whole body held in memory (list pages, small answers). */
  async recordBody(seq: number, ext: 'json' | 'log' | 'bin', body: Buffer, entry: NewEntry): Promise<AcquisitionEntry> {
    // An empty answer (most execs: nothing listed, nothing found) needs no file: the entry's
    // bytes 0 and the SHA-256 of nothing say all there is, and the bundle has thousands fewer files.
    if (body.length === 0) return this.record(seq, null, entry);
    const f = await this.body(ext);
    await f.write(body);
    return this.record(seq, f, entry);
  }

  private async appendIndex(line: string): Promise<void> {
    if (this.sealed) return;
    await (await this.index()).write(Buffer.from(line, 'utf8'));
  }

  /** Puts the index lines written so far on disk (the derivation reads it before the seal). */
  async flushIndex(): Promise<void> {
    if (this.indexFile) await (await this.indexFile).sync();
  }

  /** Closes the index; returns every raw file (bodies and index) for the manifest. */
  async seal(): Promise<FileEntry[]> {
    this.sealed = true;
    // Written even when nothing was requested: an empty index says so.
    const index = await (await this.index()).close();
    return [...this.closed, index];
  }
}

export const EMPTY_SHA256 = createHash('sha256').digest('hex');
