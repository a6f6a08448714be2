/**
 * Counts shared by every instance on one database: how many requests a client made in a time window
 * (rate limits, the chat's daily cap on writes). A client is named by a keyed hash of its address
 * (HMAC with the session secret), so no address is stored; a window's rows are deleted once it is
 * over (`prune`).
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

interface RateCountTable {
  key: string;
  /** the window's start, in milliseconds since 1970 (a bigint column: read back as a string on PostgreSQL) */
  window_start: number | string;
  count: number;
}
type Db = Kysely<{ rate_count: RateCountTable }>;

export class Counters {
  private readonly db: Db;

  constructor(
    db: Kysely<Database>,
    private readonly secret: string,
  ) {
    this.db = db.withTables<{ rate_count: RateCountTable }>() as unknown as Db;
  }

  /** A client's name in the counts: a keyed hash of its address, with what is being counted. */
  key(what: string, address: string): string {
    return `${what}:${createHmac('sha256', this.secret).update(address).digest('base64url').slice(0, 22)}`;
  }

  /** Adds one to the key's count in the window of `windowMs` that holds `now`; the count and the window's end. */
  async increment(key: string, windowMs: number, now = Date.now()): Promise<{ count: number; resetsAt: number }> {
    const start = Math.floor(now / windowMs) * windowMs;
    const row = await this.db
      .insertInto('rate_count')
      .values({ key, window_start: start, count: 1 })
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet((eb) => ({ count: eb('rate_count.count', '+', 1) })))
      .returning('count')
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), resetsAt: start + windowMs };
  }

  /** The key's count in the current window, without adding to it. */
  async read(key: string, windowMs: number, now = Date.now()): Promise<{ count: number; resetsAt: number }> {
    const start = Math.floor(now / windowMs) * windowMs;
    const row = await this.db.selectFrom('rate_count').select('count').where('key', '=', key).where('window_start', '=', start).executeTakeFirst();
    return { count: Number(row?.count ?? 0), resetsAt: start + windowMs };
  }

  /** Deletes the counts of windows that started before `before` (ms). */
  async prune(before: number): Promise<void> {
    await this.db.deleteFrom('rate_count').where('window_start', '<', before).execute();
  }
}
