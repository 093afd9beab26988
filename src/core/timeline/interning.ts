// The building blocks of the columnar store: strings interned to small ids (repeated values
// stored once, compared as numbers) and typed arrays that grow while rows arrive.

/** Maps strings to small integer ids so repeated values are stored once and compared as numbers. */
export class Interner {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(s, id);
      this.values.push(s);
    }
    return id;
  }
}

/** Interns tuples of strings (namespace/pod, namespace/pod/container, …), keeping their parts. */
export class TupleInterner {
  // A separator no name can hold would need escaping; a key of lengths and parts cannot collide.
  private readonly ids = new Map<string, number>();
  readonly parts: string[][] = [];
  private static key(parts: readonly string[]): string {
    return parts.map((p) => `${p.length}:${p}`).join('');
  }
  id(...parts: string[]): number {
    const k = TupleInterner.key(parts);
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.parts.length;
      this.ids.set(k, id);
      this.parts.push(parts);
    }
    return id;
  }
  lookup(...parts: string[]): number | undefined {
    return this.ids.get(TupleInterner.key(parts));
  }
}

type TypedArray = Uint8Array | Uint32Array | Float64Array;

/** A typed array that doubles when full; `view()` is the filled part. */
class Growable<A extends TypedArray> {
  length = 0;
  constructor(
    public data: A,
    private readonly make: (n: number) => A,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  private grow(): void {
    const next = this.make(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }
}

export const growU8 = () => new Growable(new Uint8Array(1024), (n) => new Uint8Array(n));
export const growU32 = () => new Growable(new Uint32Array(1024), (n) => new Uint32Array(n));
export const growF64 = () => new Growable(new Float64Array(1024), (n) => new Float64Array(n));
export type GrowableU8 = ReturnType<typeof growU8>;
export type GrowableU32 = ReturnType<typeof growU32>;
export type GrowableF64 = ReturnType<typeof growF64>;
