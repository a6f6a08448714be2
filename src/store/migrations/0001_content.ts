import type { Kysely } from 'kysely';
import type { DialectColumns } from './columns.js';

// Migrations use Kysely's schema builder only, so the same file runs on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>, columns: DialectColumns): Promise<void> {
  await db.schema
    .createTable('content_import')
    .addColumn('id', 'integer', columns.identity)
    .addColumn('pack_id', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('service_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('content_document')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('level')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('need_area')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('service')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('oruk_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('coverage', 'text', (c) => c.notNull())
    .addColumn('provider_type', 'text', (c) => c.notNull())
    .addColumn('min_age', 'integer')
    .addColumn('max_age', 'integer')
    .addColumn('free', 'integer', (c) => c.notNull())
    .addColumn('reviewed', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('service_need_area')
    .addColumn('service_slug', 'text', (c) => c.notNull().references('service.slug').onDelete('cascade'))
    .addColumn('need_area_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_need_area_pk', ['service_slug', 'need_area_id'])
    .execute();
  await db.schema
    .createTable('service_level')
    .addColumn('service_slug', 'text', (c) => c.notNull().references('service.slug').onDelete('cascade'))
    .addColumn('level_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_level_pk', ['service_slug', 'level_id'])
    .execute();
  await db.schema.createIndex('service_need_area_by_area').on('service_need_area').columns(['need_area_id', 'service_slug']).execute();
  await db.schema.createIndex('service_level_by_level').on('service_level').columns(['level_id', 'service_slug']).execute();
  await db.schema.createIndex('service_by_modified').on('service').column('modified_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['service_level', 'service_need_area', 'service', 'need_area', 'level', 'content_document', 'content_import']) {
    await db.schema.dropTable(t).execute();
  }
}
