// Every request the cluster layer makes is recorded: its body goes to the bundle's raw/ folder
// and an entry to the acquisition index. The connection is opened (version, who we are)
// before the bundle exists, so what is recorded before a store is attached is held in memory
// and written when it is.
import type { AcquisitionEntry, BodyRef, NewEntry, RawBody, RawStore } from '../evidence/raw.js';

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
    // Azure sources record into the same store: their requests take numbers from this counter too.
    store.shareSequence(() => this.begin());
    const held = this.held;
    this.held = [];
    for (const h of held) await store.recordBody(h.seq, h.ext, h.body, h.entry);
  }

  /** Records an attempt whose whole body is in memory (list pages, errors, small answers). */
  async recordBody(seq: number, ext: Ext, body: Buffer, entry: NewEntry): Promise<void> {
    if (this.store) await this.store.recordBody(seq, ext, body, entry);
    else this.held.push({ seq, ext, body, entry });
  }

  /** A body to stream into (log streams); null when no bundle is attached (nothing is kept). */
  stream(ext: Ext): RawBody | null {
    return this.store ? this.store.body(ext) : null;
  }

  /** The bytes of a body already recorded (a cut log stream, to see where to resume). */
  async readBack(body: BodyRef): Promise<Buffer> {
    return this.store ? this.store.read(body) : Buffer.alloc(0);
  }

  /** Ends a streamed body and records its attempt. */
  async finish(seq: number, body: RawBody | null, entry: NewEntry): Promise<AcquisitionEntry | null> {
    return this.store ? this.store.record(seq, body, entry) : null;
  }
}

export type { AcquisitionRef } from '../evidence/raw.js';
