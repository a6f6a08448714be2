import { Bitset } from '../collections/bitset.js';

/**
 * Services ordered by one value (an age, a modification time), for "at least" and "at most" filters.
 * Every `STEP` places in the order it keeps the set of services before and after that place, so a
 * filter copies one of those and adds at most `STEP` services, however many match.
 */
export class Ordered<K extends number | string> {
  static readonly STEP = 512;
  private readonly before: Bitset[] = [];
  private readonly after: Bitset[] = [];

  /** `order`: the positions that have a value, sorted by it; `keys[i]` is the value of `order[i]` */
  constructor(
    readonly size: number,
    private readonly order: Uint32Array,
    private readonly keys: K[],
  ) {
    const step = Ordered.STEP;
    // one more checkpoint past the end, so that a place in the last stretch rounds up to one
    for (let c = 0; (c - 1) * step < order.length; c++) {
      this.before.push(Bitset.of(size, order.subarray(0, Math.min(c * step, order.length))));
      this.after.push(Bitset.of(size, order.subarray(Math.min(c * step, order.length))));
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
  atLeast(value: K): Bitset {
    const from = this.place(value, false);
    const c = Math.ceil(from / Ordered.STEP);
    const out = this.after[c]!.clone();
    for (let i = from; i < Math.min(c * Ordered.STEP, this.order.length); i++) out.add(this.order[i]!);
    return out;
  }

  /** the services whose value is ≤ `value` (none without a value) */
  atMost(value: K): Bitset {
    const to = this.place(value, true);
    const c = Math.floor(to / Ordered.STEP);
    const out = this.before[c]!.clone();
    for (let i = c * Ordered.STEP; i < to; i++) out.add(this.order[i]!);
    return out;
  }
}
