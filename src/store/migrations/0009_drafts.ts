import type { Kysely } from 'kysely';
import type { DialectColumns } from './columns.js';

/**
 * Drafts of the editors' workspace: a proposed record (a service, an FAQ or a key contact) as JSON,
 * or null to propose its removal, with the record as it was published when the draft began (its hash
 * and the content version), so that a publish over someone else's change is refused. A published
 * draft keeps the record as it was before (`previous`) and the content version it made: together they
 * are the record's history.
 */
export async function up(db: Kysely<unknown>, columns: DialectColumns): Promise<void> {
  await db.schema
    .createTable('content_draft')
    .addColumn('id', 'integer', columns.identity)
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    // 'change', 'create' or 'remove'
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('proposed', 'text')
    .addColumn('base_version', 'integer', (c) => c.notNull())
    .addColumn('base_hash', 'text')
    .addColumn('author_id', 'integer', (c) => c.notNull())
    .addColumn('author_email', 'text', (c) => c.notNull())
    // draft, submitted, approved, rejected or published
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('reviewer_id', 'integer')
    .addColumn('reviewer_email', 'text')
    .addColumn('reviewed_at', 'text')
    .addColumn('review_comment', 'text')
    .addColumn('published_version', 'integer')
    .addColumn('previous', 'text')
    .addColumn('reverts_draft_id', 'integer')
    .execute();
  await db.schema.createIndex('content_draft_by_record').on('content_draft').columns(['record_type', 'record_id']).execute();
  await db.schema.createIndex('content_draft_by_status').on('content_draft').column('status').execute();
  await db.schema.createIndex('content_draft_by_author').on('content_draft').column('author_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('content_draft').execute();
}
