/**
 * Rate limits shared by every instance on one database: @fastify/rate-limit with a store that keeps
 * its counts in the database (src/store/counters.ts), in fixed windows, under a keyed hash of the
 * client's address. One instance or several behind a load balancer, a client gets the same limit.
 */
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { Counters } from '../store/counters.js';

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;

/** The plugin's options: `await app.register(rateLimit, sharedRateLimits(counters))`. */
export function sharedRateLimits(counters: Counters): RateLimitPluginOptions {
  class DatabaseStore {
    /** the plugin passes its options first; a route's own store gets its prefix */
    constructor(
      _options?: unknown,
      private readonly prefix = 'rate',
    ) {}
    incr(key: string, cb: Callback, timeWindow: number): void {
      counters.increment(`${this.prefix}:${key}`, timeWindow).then(
        (r) => cb(null, { current: r.count, ttl: Math.max(0, r.resetsAt - Date.now()) }),
        (err: Error) => cb(err),
      );
    }
    read(key: string, cb: Callback, timeWindow: number): void {
      counters.read(`${this.prefix}:${key}`, timeWindow).then(
        (r) => cb(null, { current: r.count, ttl: r.count ? Math.max(0, r.resetsAt - Date.now()) : 0 }),
        (err: Error) => cb(err),
      );
    }
    /** each limited route counts on its own */
    child(params: { routeInfo?: { method?: string | string[]; url?: string } }): DatabaseStore {
      const method = params.routeInfo?.method;
      return new DatabaseStore(undefined, `rate:${Array.isArray(method) ? method.join(',') : (method ?? '')}:${params.routeInfo?.url ?? ''}`);
    }
  }
  return {
    global: false,
    store: DatabaseStore as unknown as RateLimitPluginOptions['store'],
    keyGenerator: (req: FastifyRequest) => counters.key('client', req.ip),
  };
}
