import type { Kysely } from 'kysely';
import type { DialectColumns } from './columns.js';

/**
 * The Open Referral UK API's tables (src/api):
 * - `oruk_feed` and `oruk_service`: services imported from other directories' ORUK feeds, kept apart
 *   from the content pack's services (a pack import never touches them);
 * - `api_*`: the query index the API reads, one row per service of either origin (`owner` is "pack" or
 *   "feed:<id>"), so every filter is one indexed SQL query whatever the service came from.
 * Schema builder only, so it also runs on PostgreSQL.
 */
export async function up(db: Kysely<unknown>, columns: DialectColumns): Promise<void> {
  await db.schema
    .createTable('oruk_feed')
    .addColumn('id', 'integer', columns.identity)
    .addColumn('source', 'text', (c) => c.notNull().unique())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('service_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('oruk_service')
    .addColumn('feed_id', 'integer', (c) => c.notNull().references('oruk_feed.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('oruk_service_pk', ['feed_id', 'id'])
    .execute();
  // an id names one service across all feeds, so /services/{id} is never ambiguous
  await db.schema.createIndex('oruk_service_by_id').on('oruk_service').column('id').unique().execute();

  await db.schema
    .createTable('api_service')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('slug', 'text')
    .addColumn('sort_name', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('min_age', 'real')
    .addColumn('max_age', 'real')
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('list_json', 'text', (c) => c.notNull())
    // null for pack services: they are mapped on request from the `service` table
    .addColumn('full_json', 'text')
    .execute();
  await db.schema.createIndex('api_service_by_name').on('api_service').columns(['sort_name', 'id']).execute();
  // ages and owners are not selective enough to be worth an index on every write
  await db.schema.createIndex('api_service_by_modified').on('api_service').column('modified_at').execute();

  await db.schema
    .createTable('api_service_term')
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('term_id', 'text', (c) => c.notNull())
    .addColumn('taxonomy_id', 'text')
    .execute();
  await db.schema.createIndex('api_service_term_by_term').on('api_service_term').columns(['term_id', 'service_id']).execute();
  await db.schema.createIndex('api_service_term_by_taxonomy').on('api_service_term').columns(['taxonomy_id', 'service_id']).execute();

  await db.schema
    .createTable('api_service_schedule')
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text')
    .addColumn('opens_at', 'text')
    .addColumn('closes_at', 'text')
    .execute();
  // covering: day, start and end filters read the index only
  await db.schema.createIndex('api_service_schedule_by_day').on('api_service_schedule').columns(['day', 'opens_at', 'closes_at', 'service_id']).execute();

  await db.schema
    .createTable('api_service_at_location')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('sort_name', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_sal_by_service').on('api_service_at_location').column('service_id').execute();
  await db.schema.createIndex('api_sal_by_name').on('api_service_at_location').columns(['sort_name', 'id']).execute();

  await db.schema
    .createTable('api_index_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['api_index_state', 'api_service_at_location', 'api_service_schedule', 'api_service_term', 'api_service', 'oruk_service', 'oruk_feed']) {
    await db.schema.dropTable(t).execute();
  }
}
