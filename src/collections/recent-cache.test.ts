import { describe, expect, it } from 'vitest';
import { RecentCache } from './recent-cache.js';

describe('RecentCache', () => {
  it('stays within its size and keeps what is still being used', () => {
    const cache = new RecentCache<number>(10);
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, i);
      expect(cache.get('k0')).toBe(0); // used all along
    }
    expect(cache.get('k99')).toBe(99);
    expect(cache.get('k50')).toBeUndefined();
    const held = Array.from({ length: 100 }, (_, i) => cache.get(`k${i}`)).filter((v) => v !== undefined);
    expect(held.length).toBeLessThanOrEqual(10);
  });

  it('keeps null as a value (the search caches "no match" as null), through a change of generation', () => {
    const cache = new RecentCache<string | null>(4);
    cache.set('none', null);
    cache.set('a', 'x');
    expect(cache.get('none')).toBeNull();
    cache.set('b', 'y');
    cache.set('c', 'z');
    expect(cache.get('none')).toBeNull();
    expect(cache.get('never')).toBeUndefined();
  });
});
