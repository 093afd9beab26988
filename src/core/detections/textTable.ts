// The strings a YAML reader has already read, found again by their text in place (no slice, no
// hash map lookup of a fresh string). Manifests repeat the same keys (name, namespace, image) and
// short values (true, 8080, TCP) thousands of times: measured, storing a freshly sliced key into
// an object was the reader's largest single cost, because V8 must look a key that is not yet an
// internalized string up in its string table at every store. A key found here is the string V8
// interned the first time, so the store is a plain property store, and nothing is allocated.
//
// Direct-mapped: one entry per slot, a collision replaces the entry (the table is a cache, never
// the only holder of anything). Entries are flat copies, never views of a file's text (a slice of
// 13 or more characters is a view in V8: caching one would keep its whole file alive).

/** A string's own flat, interned copy: what V8 keeps for a property name (a view of a larger text would keep that text alive). */
export function internedCopy(s: string): string {
  const o: Record<string, true> = {};
  o[s] = true;
  return Object.keys(o)[0] ?? s;
}

export class TextTable<V> {
  private readonly texts: (string | undefined)[];
  private readonly values: V[];
  private readonly mask: number;

  constructor(bits: number) {
    this.texts = new Array<string | undefined>(1 << bits).fill(undefined);
    this.values = new Array<V>(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  /** The slot of `s[start, end)` (FNV-1a over its UTF-16 units). */
  slot(s: string, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return (h ^ (h >>> 15)) & this.mask;
  }

  /** Whether the slot holds exactly `s[start, end)` (compared here: the texts are short, and a startsWith call cost more than the loop). */
  holds(slot: number, s: string, start: number, end: number): boolean {
    const t = this.texts[slot];
    if (t === undefined || t.length !== end - start) return false;
    for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) !== s.charCodeAt(start + i)) return false;
    return true;
  }

  text(slot: number): string {
    return this.texts[slot]!;
  }

  value(slot: number): V {
    return this.values[slot]!;
  }

  /** Keeps `text` (a flat copy: see the note above) and its value in the slot. */
  set(slot: number, text: string, value: V): void {
    this.texts[slot] = text;
    this.values[slot] = value;
  }
}
