import { vi } from 'vitest';

/**
 * Runs `fn` with the clock stopped one second into the next minute. Rate limits count in fixed windows
 * (src/store/counters.ts); a burst of requests that happens to cross a window's end would start a new
 * count, so a test of "the 121st request is refused" must not depend on when it runs. Only `Date` is
 * stopped: timers, I/O and the database go on as usual.
 */
export async function withinOneWindow<T>(fn: () => Promise<T>): Promise<T> {
  const start = Math.ceil(Date.now() / 60_000) * 60_000 + 1_000;
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(start));
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}
