/**
 * The set of service positions behaves exactly like a sorted list of distinct positions, for every
 * size (including word boundaries and the empty set), so the indexes built on it filter, count and
 * page the same services a pass over every record would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bitset } from './bitset.js';

const sorted = (xs: Iterable<number>) => [...new Set(xs)].sort((a, b) => a - b);
const members = (b: Bitset) => b.slice(0, b.size);

describe('Bitset', () => {
  it('counts, intersects and unions across word boundaries', () => {
    const a = Bitset.of(70, [0, 31, 32, 69]);
    const b = Bitset.of(70, [31, 69, 5]);
    expect(a.count()).toBe(4);
    expect(a.countAnd(b)).toBe(2);
    expect(Bitset.full(70).count()).toBe(70);
    expect(a.clone().orWith(b).count()).toBe(5);
    expect(a.clone().andWith(b).has(69)).toBe(true);
  });

  it('full holds exactly the positions below its size, for sizes on and off a word boundary', () => {
    for (const size of [0, 1, 31, 32, 33, 64, 65]) {
      const full = Bitset.full(size);
      expect(full.count()).toBe(size);
      expect(members(full)).toEqual(Array.from({ length: size }, (_, i) => i));
    }
    expect(Bitset.full(0).isEmpty()).toBe(true);
  });

  it('counts and pages exactly like a sorted list of the positions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(299)), fc.nat(320), fc.integer({ min: 1, max: 80 }), (size, raw, skip, limit) => {
        const list = sorted(raw.filter((p) => p < size));
        const p = Bitset.of(size, list);
        expect(p.count()).toBe(list.length);
        expect(p.slice(skip, limit)).toEqual(list.slice(skip, skip + limit));
        expect(Bitset.full(size).count()).toBe(size);
      }),
    );
  });

  it('adds, tests, intersects, unions, counts and lists like sets of numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(199)), fc.array(fc.nat(199)), (size, rawA, rawB) => {
        const xs = sorted(rawA.filter((p) => p < size));
        const ys = sorted(rawB.filter((p) => p < size));
        const a = Bitset.of(size, xs);
        const b = new Bitset(size);
        for (const y of ys) b.add(y);
        const both = xs.filter((x) => ys.includes(x));
        const either = sorted([...xs, ...ys]);

        for (let i = 0; i < size; i++) expect(a.has(i)).toBe(xs.includes(i));
        expect(a.isEmpty()).toBe(xs.length === 0);
        expect(a.countAnd(b)).toBe(both.length);
        expect(members(a.clone().andWith(b))).toEqual(both);
        expect(members(a.clone().orWith(b))).toEqual(either);
        // clone is a copy: changing it leaves the original as it was
        expect(members(a)).toEqual(xs);
        // the in-place forms reuse one set and leave their inputs as they were
        const scratch = Bitset.full(size);
        expect(members(scratch.andInto(a, b))).toEqual(both);
        expect(members(scratch.copyFrom(b))).toEqual(ys);
        expect(scratch.clear().isEmpty()).toBe(true);
        expect(members(a)).toEqual(xs);
        expect(members(b)).toEqual(ys);

        const out = new Int32Array(size);
        const n = a.positionsInto(out);
        expect(n).toBe(xs.length);
        expect([...out.subarray(0, n)]).toEqual(xs);
      }),
    );
  });
});
