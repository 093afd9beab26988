// Every response body the emulator sends goes through one ServedBody: it applies the body faults
// (reset, trickle, bandwidth) and records what really left for the client (byte count, SHA-256,
// optionally the bytes), so a test can compare the collector's raw files and acquisition index
// with what the server served, byte for byte.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { BodyShaping } from './faults.js';

export interface BodySummary {
  /** Body bytes handed to the connection (headers and chunked framing not counted). */
  bytes: number;
  /** SHA-256 (hex) of exactly those bytes. */
  sha256: string;
  /** The bytes themselves, when recording was on for this request. */
  body?: Buffer;
  /** True when a reset fault cut the body. */
  reset: boolean;
}

// Bandwidth is paced in slices of about 1/20 s so the rate holds over short bodies too.
const SLICES_PER_SECOND = 20;
const MAX_SLICE = 16 * 1024;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once `res` emits one of `events` (or at once when it is already closed). */
function whenRes(res: ServerResponse, events: ('drain' | 'close' | 'finish')[]): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      for (const e of events) res.off(e, done);
      resolve();
    };
    for (const e of events) res.on(e, done);
  });
}

export class ServedBody extends Writable {
  private sent = 0;
  private readonly hash = createHash('sha256');
  private readonly kept: Buffer[] | undefined;
  private cut = false;
  private pieces = 0;
  private firstByteAt = 0;
  private summaryCache: BodySummary | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly shaping: BodyShaping,
    keep: boolean,
  ) {
    super({ highWaterMark: 64 * 1024 });
    this.kept = keep ? [] : undefined;
  }

  /** What was sent; final once taken (the server takes it when the response closes). */
  summary(): BodySummary {
    if (!this.summaryCache) {
      this.summaryCache = { bytes: this.sent, sha256: this.hash.digest('hex'), reset: this.cut };
      if (this.kept) this.summaryCache.body = Buffer.concat(this.kept, this.sent);
    }
    return this.summaryCache;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.send(chunk).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    // A reset fault cuts even a body shorter than afterBytes: every firing is a failed response.
    if (this.shaping.reset && !this.cut) {
      this.cutNow().then(() => cb(), cb);
      return;
    }
    if (this.cut || this.res.destroyed || this.res.writableEnded) return cb();
    const ended = whenRes(this.res, ['finish', 'close']);
    this.res.end();
    ended.then(() => cb(), cb);
  }

  private get shaped(): boolean {
    return !!(this.shaping.trickle || this.shaping.bandwidth || this.shaping.reset);
  }

  private async send(chunk: Buffer): Promise<void> {
    for (const piece of this.split(chunk)) {
      if (this.cut || this.res.destroyed || this.summaryCache) return;
      await this.pace();
      const reset = this.shaping.reset;
      if (reset && this.sent + piece.length >= reset.afterBytes) {
        await this.put(piece.subarray(0, reset.afterBytes - this.sent));
        return this.cutNow();
      }
      await this.put(piece);
    }
  }

  /** The pieces a chunk goes out in: trickle's chunkBytes, or bandwidth slices, or whole. */
  private *split(chunk: Buffer): Iterable<Buffer> {
    const { trickle, bandwidth } = this.shaping;
    const size = trickle
      ? Math.max(1, trickle.chunkBytes ?? 1)
      : bandwidth
        ? Math.min(MAX_SLICE, Math.max(1, Math.floor(bandwidth.bytesPerSecond / SLICES_PER_SECOND)))
        : chunk.length;
    if (size >= chunk.length) {
      yield chunk;
      return;
    }
    for (let i = 0; i < chunk.length; i += size) yield chunk.subarray(i, i + size);
  }

  /** Waits before the next piece: trickle's interval, and long enough to keep under the bandwidth. */
  private async pace(): Promise<void> {
    const { trickle, bandwidth } = this.shaping;
    if (trickle && this.pieces > 0) await sleep(trickle.intervalMs);
    if (bandwidth) {
      if (!this.firstByteAt) this.firstByteAt = Date.now();
      const due = this.firstByteAt + (this.sent * 1000) / bandwidth.bytesPerSecond;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
    }
    this.pieces++;
  }

  /** Writes one piece to the client and records it. Shaped bodies wait until it is on the socket. */
  private async put(piece: Buffer): Promise<void> {
    this.sent += piece.length;
    this.hash.update(piece);
    this.kept?.push(piece);
    if (this.shaped) {
      await new Promise<void>((resolve) => {
        const onClose = () => resolve();
        this.res.once('close', onClose);
        this.res.write(piece, () => {
          this.res.off('close', onClose);
          resolve();
        });
      });
      return;
    }
    if (!this.res.write(piece)) await whenRes(this.res, ['drain', 'close']);
  }

  /** Status line, headers and what was written are on the socket: now the connection goes. */
  private async cutNow(): Promise<void> {
    this.cut = true;
    // An empty write still sends the status line and headers (the afterBytes: 0 case).
    if (!this.res.headersSent || this.sent === 0) await this.put(Buffer.alloc(0));
    this.res.socket?.destroy();
  }
}
