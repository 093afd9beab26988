// Every request the cluster layer makes is recorded: its body goes to the bundle's raw/ folder
// and an entry to the acquisition index. The connection is opened (version, who we are)
// before the bundle exists, so what is recorded before a store is attached is held in memory
// and written when it is.
import { readFile } from 'node:fs/promises';
import type { AcquisitionEntry, NewEntry, RawFile, RawStore } from '../evidence/raw.js';

type Ext = 'json' | 'log' | 'bin';

interface Held {
  seq: number;
  ext: Ext;
  body: Buffer;
  entry: NewEntry;
}

export class Recorder {
  private store: RawStore | null = null;
  private held: Held[] = [];
  private nextSeq = 1;

  /** A sequence number for a request about to start. */
  begin(): number {
    return this.nextSeq++;
  }

  /** Starts writing to `store`, first the entries held so far. */
  async attach(store: RawStore): Promise<void> {
    this.store = store;
    const held = this.held;
    this.held = [];
    for (const h of held) await store.recordBody(h.seq, h.ext, h.body, h.entry);
  }

  /** Records an attempt whose whole body is in memory (list pages, errors, small answers). */
  async recordBody(seq: number, ext: Ext, body: Buffer, entry: NewEntry): Promise<void> {
    if (this.store) await this.store.recordBody(seq, ext, body, entry);
    else this.held.push({ seq, ext, body, entry });
  }

  /** A body file to stream into (log streams); null when no bundle is attached (nothing is kept). */
  async stream(ext: Ext): Promise<RawFile | null> {
    return this.store ? this.store.body(ext) : null;
  }

  /** The bytes of a body already recorded (a cut log stream, to see where to resume). */
  async readBack(rel: string): Promise<Buffer> {
    if (!this.store) return Buffer.alloc(0);
    return readFile(this.store.abs(rel));
  }

  /** Closes a streamed body and records its attempt. */
  async finish(seq: number, file: RawFile | null, entry: NewEntry): Promise<AcquisitionEntry | null> {
    if (!this.store) {
      await file?.close();
      return null;
    }
    return this.store.record(seq, file, entry);
  }
}

export type { AcquisitionRef } from '../evidence/raw.js';
