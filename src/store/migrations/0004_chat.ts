import type { Kysely } from 'kysely';
import type { DialectColumns } from './columns.js';

// The chat bot's own tables. Nothing of a conversation is kept except questions it could not answer
// (redacted, for editors) and anonymous "was this helpful" counts per answer.
export async function up(db: Kysely<unknown>, columns: DialectColumns): Promise<void> {
  await db.schema
    .createTable('chat_unanswered')
    .addColumn('id', 'integer', columns.identity)
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('asked_on', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('chat_feedback')
    .addColumn('answer_id', 'text', (c) => c.primaryKey())
    .addColumn('helpful', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_helpful', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('chat_feedback').execute();
  await db.schema.dropTable('chat_unanswered').execute();
}
