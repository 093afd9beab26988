// Typed arrays that live as long as the timeline: the order of every row by a column, the
// columns' lead keys, the scratch space every order shares. They are allocated on
// SharedArrayBuffers, which V8 does not count as the isolate's external memory
// (BackingStore::PerIsolateAccountingLength). Why: past that count's limit V8 starts a marking of
// the whole heap to free external memory, and finishes it at once when it is behind; for arrays
// that are kept there is nothing to free, and on a timeline of a million rows that marking landed
// in the very action that built them (a 533 ms pause inside the first sort by Summary,
// BENCHMARKS.md). Nothing else differs: these arrays never leave this thread. Arrays that become
// garbage (a filter's matches, the order of a filter's matches, a copy for one answer) stay on
// ordinary ArrayBuffers, so that collecting them is still asked for.

// A host without SharedArrayBuffer (a browser page that is not cross-origin isolated) gets
// ordinary buffers: the same arrays, only counted.
const Kept: typeof ArrayBuffer | typeof SharedArrayBuffer = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : ArrayBuffer;

export const keptU32 = (n: number): Uint32Array => new Uint32Array(new Kept(4 * n));
export const keptU8 = (n: number): Uint8Array => new Uint8Array(new Kept(n));
