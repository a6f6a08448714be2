/**
 * Signed-in sessions, in the database so that any instance can serve them. The browser holds a
 * random id; the database holds only its SHA-256, so a copy of the database signs nobody in. A session
 * ends after `idleMs` without a request, `absoluteMs` after sign-in whatever happens, at sign-out, or
 * when its user is disabled. The clock is given, so that tests can move it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { adminDb, type AdminDb } from './tables.js';

export interface SessionTimes {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_TIMES: SessionTimes = { idleMs: 30 * 60 * 1000, absoluteMs: 8 * 60 * 60 * 1000 };

/** how stale `last_seen_at` may get before a request writes it again: one write a minute, not one a request */
const TOUCH_EVERY_MS = 60 * 1000;

const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');
const ID = /^[A-Za-z0-9_-]{43}$/;

export class SessionRepository {
  private readonly db: AdminDb;
  constructor(
    db: Kysely<Database>,
    private readonly times: SessionTimes = DEFAULT_SESSION_TIMES,
  ) {
    this.db = adminDb(db);
  }

  /** A new session for the user; returns the id for the browser's cookie (never stored). */
  async create(userId: number, now: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.db
      .insertInto('admin_session')
      .values({ id_hash: hashOf(id), user_id: userId, created_at: now, last_seen_at: now, expires_at: now + this.times.absoluteMs })
      .execute();
    return id;
  }

  /**
   * The user of a live session, recording that it was seen now; undefined (and the session deleted)
   * when it is unknown, idle too long or past its end.
   */
  async use(id: string | undefined, now: number): Promise<{ userId: number; expiresAt: number } | undefined> {
    if (!id || !ID.test(id)) return undefined;
    const idHash = hashOf(id);
    const row = await this.db.selectFrom('admin_session').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!row) return undefined;
    const lastSeen = Number(row.last_seen_at);
    const expiresAt = Number(row.expires_at);
    if (now >= expiresAt || now - lastSeen >= this.times.idleMs) {
      await this.db.deleteFrom('admin_session').where('id_hash', '=', idHash).execute();
      return undefined;
    }
    if (now - lastSeen >= TOUCH_EVERY_MS) await this.db.updateTable('admin_session').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
    return { userId: row.user_id, expiresAt };
  }

  async end(id: string | undefined): Promise<void> {
    if (!id || !ID.test(id)) return;
    await this.db.deleteFrom('admin_session').where('id_hash', '=', hashOf(id)).execute();
  }

  /** ends every session of a user (when they are disabled) */
  async endAllOf(userId: number): Promise<void> {
    await this.db.deleteFrom('admin_session').where('user_id', '=', userId).execute();
  }

  /** deletes sessions that can no longer be used */
  async prune(now: number): Promise<void> {
    await this.db
      .deleteFrom('admin_session')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - this.times.idleMs)]))
      .execute();
  }

  /** how many sessions a user has (tests, and the users page) */
  async countOf(userId: number): Promise<number> {
    const r = await this.db.selectFrom('admin_session').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
