import type { Kysely } from 'kysely';
import type { DialectColumns } from './columns.js';

/**
 * The editors' workspace: its users (local accounts with a password hash, or council accounts that
 * sign in through OpenID Connect with none), their sessions (the id only as a hash, so a copy of the
 * database signs nobody in), failed sign-ins counted for lockout (under keyed hashes of the email and
 * of the client's address, as rate_count), and the audit log of sign-ins and changes. Times used in
 * comparisons are milliseconds since 1970 (bigint); times shown are ISO text.
 */
export async function up(db: Kysely<unknown>, columns: DialectColumns): Promise<void> {
  await db.schema
    .createTable('admin_user')
    .addColumn('id', 'integer', columns.identity)
    // lower-cased by the code before it is written or looked up
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'text')
    .execute();
  await db.schema
    .createTable('admin_session')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('admin_user.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admin_session_by_user').on('admin_session').column('user_id').execute();
  await db.schema.createIndex('admin_session_by_expiry').on('admin_session').column('expires_at').execute();
  await db.schema
    .createTable('sign_in_failure')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('first_failed_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', columns.identity)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'integer')
    .addColumn('actor_email', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text')
    .addColumn('record_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('sign_in_failure').execute();
  await db.schema.dropTable('admin_session').execute();
  await db.schema.dropTable('admin_user').execute();
}
