import type { Kysely } from 'kysely';

// Counts of requests per client and time window, shared by every instance on the database: the
// rate limits and the chat's daily cap on writes. The key is a keyed hash, never an address; rows
// are deleted once their window is over.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_count')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_count_pk', ['key', 'window_start'])
    .execute();
  await db.schema.createIndex('rate_count_by_window').on('rate_count').column('window_start').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('rate_count_by_window').execute();
  await db.schema.dropTable('rate_count').execute();
}
