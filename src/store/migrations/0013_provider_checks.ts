import type { Kysely } from 'kysely';
import type { DialectColumns } from './columns.js';

/**
 * Provider checks: a private link an editor makes for a service's provider, who opens it without an
 * account and confirms the record or proposes changes. The link itself is signed (src/admin/provider-token.ts);
 * this row is what makes it single-use and revocable: its status ('open', 'confirmed', 'proposed' or
 * 'revoked'), when it expires (ms since 1970, as signed into the link), the random nonce signed into
 * it, who made it, and what its use made (the draft of a proposal, the content version of a
 * confirmation). No personal data about the provider is kept: only the editor's email.
 */
export async function up(db: Kysely<unknown>, columns: DialectColumns): Promise<void> {
  await db.schema
    .createTable('provider_link')
    .addColumn('id', 'integer', columns.identity)
    .addColumn('service_slug', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'integer', (c) => c.notNull())
    .addColumn('created_by_email', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('draft_id', 'integer')
    .addColumn('published_version', 'integer')
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by_email', 'text')
    .execute();
  await db.schema.createIndex('provider_link_by_service').on('provider_link').column('service_slug').execute();
  await db.schema.createIndex('provider_link_by_status').on('provider_link').column('status').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('provider_link').execute();
}
