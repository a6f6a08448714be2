/**
 * A fixed-size set of service positions, one bit each: the sets the in-memory indexes over the
 * store's services (the directory engine, the API's list filters) keep and combine. Filters and facet
 * counts are ANDs, ORs and population counts over these, so a request costs a few thousand word
 * operations even at 20,000 services, instead of a pass over every record. Pure.
 */
export class Bitset {
  readonly words: Uint32Array;

  constructor(
    readonly size: number,
    words?: Uint32Array,
  ) {
    this.words = words ?? new Uint32Array((size + 31) >>> 5);
  }

  static full(size: number): Bitset {
    const b = new Bitset(size);
    b.words.fill(0xffffffff);
    const extra = b.words.length * 32 - size;
    if (extra > 0 && b.words.length > 0) b.words[b.words.length - 1] = 0xffffffff >>> extra;
    return b;
  }

  static of(size: number, positions: Iterable<number>): Bitset {
    const b = new Bitset(size);
    for (const p of positions) b.add(p);
    return b;
  }

  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  clone(): Bitset {
    return new Bitset(this.size, this.words.slice());
  }

  /** Makes this a copy of `other` (same size), without allocating: for scratch sets reused per request. */
  copyFrom(other: Bitset): this {
    this.words.set(other.words);
    return this;
  }

  /** Makes this `a` ∩ `b` (all three the same size), without allocating. */
  andInto(a: Bitset, b: Bitset): this {
    const out = this.words;
    const x = a.words;
    const y = b.words;
    for (let i = 0; i < out.length; i++) out[i] = x[i]! & y[i]!;
    return this;
  }

  /** Empties this set in place. */
  clear(): this {
    this.words.fill(0);
    return this;
  }

  /** this ∩ other, in place */
  andWith(other: Bitset): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i]! &= b[i]!;
    return this;
  }

  /** this minus other, in place */
  andNotWith(other: Bitset): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i]! &= ~b[i]!;
    return this;
  }

  /** this ∪ other, in place */
  orWith(other: Bitset): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i]! |= b[i]!;
    return this;
  }

  isEmpty(): boolean {
    for (const w of this.words) if (w !== 0) return false;
    return true;
  }

  count(): number {
    let n = 0;
    for (const w of this.words) n += popcount(w);
    return n;
  }

  /** |this ∩ other| without building the intersection */
  countAnd(other: Bitset): number {
    const a = this.words;
    const b = other.words;
    let n = 0;
    for (let i = 0; i < a.length; i++) {
      const w = a[i]! & b[i]!;
      if (w !== 0) n += popcount(w);
    }
    return n;
  }

  /** Writes the members in ascending order into `out` (at least `size` long); returns how many. */
  positionsInto(out: Int32Array): number {
    const words = this.words;
    let n = 0;
    for (let i = 0; i < words.length; i++) {
      let w = words[i]!;
      while (w !== 0) {
        const low = w & -w;
        out[n++] = (i << 5) + 31 - Math.clz32(low);
        w ^= low;
      }
    }
    return n;
  }

  /** Up to `limit` members in ascending order, skipping the first `skip`: one page. */
  slice(skip: number, limit: number): number[] {
    const out: number[] = [];
    const words = this.words;
    let i = 0;
    // whole words first: skipping costs one population count per 32 positions
    for (; i < words.length; i++) {
      const n = popcount(words[i]!);
      if (skip < n) break;
      skip -= n;
    }
    for (; i < words.length && out.length < limit; i++) {
      let w = words[i]!;
      while (w !== 0 && out.length < limit) {
        const low = w & -w;
        if (skip > 0) skip--;
        else out.push(i * 32 + (31 - Math.clz32(low)));
        w ^= low;
      }
    }
    return out;
  }
}

/** set bits in a 32-bit word (SWAR: no table, no loop) */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
