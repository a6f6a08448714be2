/**
 * The workspace's users. An email is kept lower-cased and is the user's name everywhere. A local
 * account has a password hash; a council account (OpenID Connect) has none and signs in only through
 * the council's identity provider. Users are disabled, never deleted, so the audit log keeps its names.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { isRole, type Role } from './roles.js';
import { adminDb, type AdminDb } from './tables.js';

export interface AdminUser {
  id: number;
  email: string;
  role: Role;
  hasPassword: boolean;
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

/** a plain check, enough to catch a typing slip; the identity provider or the admin vouches for the rest */
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
export const EMAIL_MAX_LENGTH = 254;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
export const isEmail = (email: string): boolean => email.length <= EMAIL_MAX_LENGTH && EMAIL.test(normaliseEmail(email));

export class UserExistsError extends Error {
  constructor(email: string) {
    super(`There is already a user with the email address ${email}`);
  }
}

type Row = { id: number; email: string; role: string; password_hash: string | null; disabled: number; created_at: string; last_sign_in_at: string | null };

function toUser(r: Row): AdminUser {
  return {
    id: r.id,
    email: r.email,
    // a role this version does not know gives the least power
    role: isRole(r.role) ? r.role : 'editor',
    hasPassword: r.password_hash !== null,
    disabled: Number(r.disabled) !== 0,
    createdAt: r.created_at,
    lastSignInAt: r.last_sign_in_at,
  };
}

export class UserRepository {
  private readonly db: AdminDb;
  constructor(db: Kysely<Database>) {
    this.db = adminDb(db);
  }

  /** Adds a user; throws UserExistsError when the email is taken. */
  async add(user: { email: string; role: Role; passwordHash?: string }, now = new Date()): Promise<AdminUser> {
    const email = normaliseEmail(user.email);
    if (!isEmail(email)) throw new Error(`Not an email address: ${email}`);
    if (await this.findByEmail(email)) throw new UserExistsError(email);
    try {
      const row = await this.db
        .insertInto('admin_user')
        .values({ email, role: user.role, password_hash: user.passwordHash ?? null, created_at: now.toISOString() })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    } catch (err) {
      // another process added the same email between the look and the write
      if (await this.findByEmail(email)) throw new UserExistsError(email);
      throw err;
    }
  }

  async findByEmail(email: string): Promise<(AdminUser & { passwordHash: string | null }) | undefined> {
    const row = await this.db.selectFrom('admin_user').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
    return row ? { ...toUser(row), passwordHash: row.password_hash } : undefined;
  }

  async findById(id: number): Promise<AdminUser | undefined> {
    const row = await this.db.selectFrom('admin_user').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  /** every user, by email */
  async list(): Promise<AdminUser[]> {
    const rows = await this.db.selectFrom('admin_user').selectAll().orderBy('email').execute();
    return rows.map(toUser);
  }

  async setRole(id: number, role: Role): Promise<void> {
    await this.db.updateTable('admin_user').set({ role }).where('id', '=', id).execute();
  }

  async setDisabled(id: number, disabled: boolean): Promise<void> {
    await this.db.updateTable('admin_user').set({ disabled: disabled ? 1 : 0 }).where('id', '=', id).execute();
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.db.updateTable('admin_user').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  }

  async recordSignIn(id: number, now = new Date()): Promise<void> {
    await this.db.updateTable('admin_user').set({ last_sign_in_at: now.toISOString() }).where('id', '=', id).execute();
  }
}
