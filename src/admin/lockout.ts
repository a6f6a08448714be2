/**
 * Lockout after failed sign-ins, counted in the database so that every instance counts together.
 * After `maxPerEmail` failures for one email within `windowMs`, that email cannot sign in for
 * `lockMs`; after `maxPerClient` failures from one client (whichever emails it tried), that client
 * cannot either. Keys are keyed hashes (HMAC with the session secret) of the email and of the client's
 * address, never the email or address. A refused attempt is not counted, so a lock ends on time.
 */
import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { normaliseEmail } from './users.js';
import { adminDb, type AdminDb } from './tables.js';

export interface LockoutRules {
  maxPerEmail: number;
  maxPerClient: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutRules = { maxPerEmail: 5, maxPerClient: 20, windowMs: 15 * 60 * 1000, lockMs: 15 * 60 * 1000 };

export class Lockout {
  private readonly db: AdminDb;
  constructor(
    db: Kysely<Database>,
    private readonly secret: string,
    readonly rules: LockoutRules = DEFAULT_LOCKOUT,
  ) {
    this.db = adminDb(db);
  }

  private key(kind: 'email' | 'client', value: string): string {
    return `${kind}:${createHmac('sha256', this.secret).update(`sign-in:${kind}:${value}`).digest('base64url').slice(0, 32)}`;
  }

  private keys(email: string, client: string) {
    return { email: this.key('email', normaliseEmail(email)), client: this.key('client', client) };
  }

  /** true while the email or the client is locked out */
  async isLocked(email: string, client: string, now: number): Promise<boolean> {
    const k = this.keys(email, client);
    const row = await this.db
      .selectFrom('sign_in_failure')
      .select('key')
      .where('key', 'in', [k.email, k.client])
      .where('locked_until', '>', now)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Counts a failed attempt against the email and the client, locking either that reaches its limit. */
  async fail(email: string, client: string, now: number): Promise<void> {
    const k = this.keys(email, client);
    await this.count(k.email, this.rules.maxPerEmail, now);
    await this.count(k.client, this.rules.maxPerClient, now);
  }

  /** A successful sign-in clears the email's count (the client's stays: it may be trying many emails). */
  async succeed(email: string, client: string): Promise<void> {
    await this.db.deleteFrom('sign_in_failure').where('key', '=', this.keys(email, client).email).execute();
  }

  private async count(key: string, max: number, now: number): Promise<void> {
    const windowStart = now - this.rules.windowMs;
    // a failure within the window adds to the count; one after it starts a new count
    const row = await this.db
      .insertInto('sign_in_failure')
      .values({ key, failures: 1, first_failed_at: now, locked_until: 0 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when sign_in_failure.first_failed_at > ${windowStart} then sign_in_failure.failures + 1 else 1 end`,
          first_failed_at: sql<number>`case when sign_in_failure.first_failed_at > ${windowStart} then sign_in_failure.first_failed_at else ${now} end`,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    if (Number(row.failures) >= max) {
      // the lock starts again from the attempt that reached the limit, and the count with it
      await this.db.updateTable('sign_in_failure').set({ locked_until: now + this.rules.lockMs, failures: 0, first_failed_at: now }).where('key', '=', key).execute();
    }
  }

  /** deletes counts and locks that are over */
  async prune(now: number): Promise<void> {
    await this.db
      .deleteFrom('sign_in_failure')
      .where('locked_until', '<=', now)
      .where('first_failed_at', '<=', now - this.rules.windowMs)
      .execute();
  }
}
