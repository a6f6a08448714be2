import type { Kysely } from 'kysely';
import type { DialectColumns } from './columns.js';

// Reports from staff that a service page is wrong, for editors. Schema builder only (SQLite and PostgreSQL).
export async function up(db: Kysely<unknown>, columns: DialectColumns): Promise<void> {
  await db.schema
    .createTable('landscape_report')
    .addColumn('id', 'integer', columns.identity)
    .addColumn('service_slug', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('new'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('landscape_report_by_service').on('landscape_report').columns(['service_slug', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('landscape_report').execute();
}
