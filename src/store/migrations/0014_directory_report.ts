import type { Kysely } from 'kysely';

/**
 * One name per thing: the tool is "Find services", the directory, in its pages, URL and folder, so the
 * reports staff make about its records live in `directory_report`. Its indexes are made again under
 * the new name (SQLite cannot rename an index).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('landscape_report_by_service').execute();
  await db.schema.dropIndex('landscape_report_by_time').execute();
  await db.schema.alterTable('landscape_report').renameTo('directory_report').execute();
  await db.schema.createIndex('directory_report_by_service').on('directory_report').columns(['service_slug', 'created_at']).execute();
  await db.schema.createIndex('directory_report_by_time').on('directory_report').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('directory_report_by_time').execute();
  await db.schema.dropIndex('directory_report_by_service').execute();
  await db.schema.alterTable('directory_report').renameTo('landscape_report').execute();
  await db.schema.createIndex('landscape_report_by_service').on('landscape_report').columns(['service_slug', 'created_at']).execute();
  await db.schema.createIndex('landscape_report_by_time').on('landscape_report').column('created_at').execute();
}
