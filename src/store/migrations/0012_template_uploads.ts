import type { Kysely } from 'kysely';

/**
 * Stakeholder templates: an uploaded spreadsheet that passed every check, held between its preview
 * and its confirmation as the records it proposes (JSON, the published records' own shape: public
 * service and FAQ information, never the file), so that any instance can show the preview and take
 * the confirmation. A row lasts an hour and goes when it is confirmed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('template_upload')
    // a random token: the preview's address and the confirmation form's hidden field
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    // 'services' or 'faqs'
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // ms since 1970
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    // the content version the upload was checked against
    .addColumn('base_version', 'integer', (c) => c.notNull())
    .addColumn('proposal', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('template_upload_by_expiry').on('template_upload').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('template_upload').execute();
}
