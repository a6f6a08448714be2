/**
 * A set of service positions (places in the API's name order), one bit each: the API's filters are
 * ANDs and ORs of these, so a list page costs a few hundred word operations at 20,000 services
 * instead of a pass over every record. Pure.
 */
export class Positions {
  readonly words: Uint32Array;

  constructor(
    readonly size: number,
    words?: Uint32Array,
  ) {
    this.words = words ?? new Uint32Array((size + 31) >>> 5);
  }

  static all(size: number): Positions {
    const p = new Positions(size);
    p.words.fill(0xffffffff);
    const extra = p.words.length * 32 - size;
    if (extra > 0) p.words[p.words.length - 1] = 0xffffffff >>> extra;
    return p;
  }

  static of(size: number, positions: Iterable<number>): Positions {
    const p = new Positions(size);
    for (const i of positions) p.add(i);
    return p;
  }

  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  clone(): Positions {
    return new Positions(this.size, this.words.slice());
  }

  /** this ∩ other, in place */
  and(other: Positions): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i]! &= b[i]!;
    return this;
  }

  /** this ∪ other, in place */
  or(other: Positions): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i]! |= b[i]!;
    return this;
  }

  count(): number {
    let n = 0;
    for (const w of this.words) n += popcount(w);
    return n;
  }

  /** Up to `limit` positions in ascending order, skipping the first `skip`: one page. */
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

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Services ordered by one value (an age, a modification time), for "at least" and "at most" filters.
 * Every `STEP` places in the order it keeps the set of services before and after that place, so a
 * filter copies one of those and adds at most `STEP` services, however many match.
 */
export class Ordered<K extends number | string> {
  static readonly STEP = 512;
  private readonly before: Positions[] = [];
  private readonly after: Positions[] = [];

  /** `order`: the positions that have a value, sorted by it; `keys[i]` is the value of `order[i]` */
  constructor(
    readonly size: number,
    private readonly order: Uint32Array,
    private readonly keys: K[],
  ) {
    const step = Ordered.STEP;
    // one more checkpoint past the end, so that a place in the last stretch rounds up to one
    for (let c = 0; (c - 1) * step < order.length; c++) {
      this.before.push(Positions.of(size, order.subarray(0, Math.min(c * step, order.length))));
      this.after.push(Positions.of(size, order.subarray(Math.min(c * step, order.length))));
    }
  }

  static build<K extends number | string>(size: number, valueOf: (position: number) => K | null): Ordered<K> {
    const positions: number[] = [];
    for (let i = 0; i < size; i++) if (valueOf(i) !== null) positions.push(i);
    const values = positions.map((p) => valueOf(p) as K);
    const byValue = positions.map((_, i) => i).sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : positions[a]! - positions[b]!));
    return new Ordered(
      size,
      Uint32Array.from(byValue, (i) => positions[i]!),
      byValue.map((i) => values[i]!),
    );
  }

  /** the first place whose value is ≥ `value` (or > `value`, when `strict`) */
  private place(value: K, strict: boolean): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keys[mid]!;
      if (k < value || (strict && k === value)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** the services whose value is ≥ `value` (none without a value) */
  atLeast(value: K): Positions {
    const from = this.place(value, false);
    const c = Math.ceil(from / Ordered.STEP);
    const out = this.after[c]!.clone();
    for (let i = from; i < Math.min(c * Ordered.STEP, this.order.length); i++) out.add(this.order[i]!);
    return out;
  }

  /** the services whose value is ≤ `value` (none without a value) */
  atMost(value: K): Positions {
    const to = this.place(value, true);
    const c = Math.floor(to / Ordered.STEP);
    const out = this.before[c]!.clone();
    for (let i = c * Ordered.STEP; i < to; i++) out.add(this.order[i]!);
    return out;
  }
}
