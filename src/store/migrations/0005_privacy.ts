import type { Kysely } from 'kysely';

// What staff sent, kept only for the retention period and redacted again whenever redaction
// improves: each row says which redaction it passed (0: before this column) and is found by age.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('chat_unanswered').addColumn('redaction', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('landscape_report').addColumn('redaction', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('chat_unanswered_by_day').on('chat_unanswered').column('asked_on').execute();
  await db.schema.createIndex('landscape_report_by_time').on('landscape_report').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('landscape_report_by_time').execute();
  await db.schema.dropIndex('chat_unanswered_by_day').execute();
  await db.schema.alterTable('landscape_report').dropColumn('redaction').execute();
  await db.schema.alterTable('chat_unanswered').dropColumn('redaction').execute();
}
