import type { Kysely } from 'kysely';

/**
 * Insights for the borough: anonymous counts per day, one row per (day, metric, key), added to with
 * an upsert. A key is a content id (a level, a need area, a service's slug), a response kind, or the
 * words of a directory search that passed redaction; never anything about a person or a request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('insight_count')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_count_pk', ['day', 'metric', 'key'])
    .execute();
  await db.schema.createIndex('insight_count_by_metric').on('insight_count').columns(['metric', 'day']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('insight_count_by_metric').execute();
  await db.schema.dropTable('insight_count').execute();
}
