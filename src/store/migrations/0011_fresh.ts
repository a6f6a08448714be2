import type { Kysely } from 'kysely';

/**
 * Keeping the guidance fresh: an unanswered chat question remembers the FAQ draft an editor made of
 * it, so the queue shows that draft instead of offering to make another. (A report's existing
 * `status` column says whether it was dealt with: 'new' or 'dealt-with'.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('chat_unanswered').addColumn('faq_draft_id', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('chat_unanswered').dropColumn('faq_draft_id').execute();
}
