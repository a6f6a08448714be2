/** The editors' workspace's tables (src/store/migrations/0008_admin.ts), as Kysely sees them. */
import type { Generated, Kysely } from 'kysely';
import type { Database } from '../store/database.js';

export interface AdminUserTable {
  id: Generated<number>;
  email: string;
  role: string;
  password_hash: string | null;
  disabled: Generated<number>;
  created_at: string;
  last_sign_in_at: string | null;
}

/** bigint columns are read back as strings on PostgreSQL: always read them through Number() */
type Millis = number | string;

export interface AdminSessionTable {
  id_hash: string;
  user_id: number;
  created_at: Millis;
  last_seen_at: Millis;
  expires_at: Millis;
}

export interface SignInFailureTable {
  key: string;
  failures: number;
  first_failed_at: Millis;
  locked_until: Generated<Millis>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_user_id: number | null;
  actor_email: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  detail: string;
}

export type AdminTables = {
  admin_user: AdminUserTable;
  admin_session: AdminSessionTable;
  sign_in_failure: SignInFailureTable;
  audit_log: AuditLogTable;
};

export type AdminDb = Kysely<AdminTables>;

export const adminDb = (db: Kysely<Database>): AdminDb => db.withTables<AdminTables>() as unknown as AdminDb;
