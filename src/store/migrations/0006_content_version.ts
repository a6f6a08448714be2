import type { Kysely } from 'kysely';
import type { DialectColumns } from './columns.js';

/**
 * One row per publish (a content pack, or an imported feed), written in the publish's own
 * transaction: its id is the published content's version, which every instance compares with what
 * it serves. Settings shared by every instance (the generated session secret) live in `app_setting`.
 */
export async function up(db: Kysely<unknown>, columns: DialectColumns): Promise<void> {
  await db.schema
    .createTable('content_version')
    .addColumn('id', 'integer', columns.identity)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('app_setting')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('app_setting').execute();
  await db.schema.dropTable('content_version').execute();
}
