/**
 * Which database the tests run on. The unit project runs on SQLite; the postgres project runs the
 * store's contract tests and the route tests again on the real PostgreSQL in TEST_DATABASE_URL
 * (`.ci/run` starts one; README "Test"), each app in a schema of its own, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** the PostgreSQL the tests may use, if any */
export const testPostgresUrl: string | undefined = process.env['TEST_DATABASE_URL'] || undefined;

/** true in the postgres project: buildTestApp uses PostgreSQL */
export const onPostgres = process.env['ISG_TEST_DATABASE'] === 'postgres';

/** In CI a missing PostgreSQL fails the run; locally the PostgreSQL tests are skipped with this message. */
export function requirePostgres(): string | undefined {
  if (testPostgresUrl) return testPostgresUrl;
  if (process.env['CI']) throw new Error('TEST_DATABASE_URL is not set: CI runs every test on PostgreSQL too (see .ci/run)');
  return undefined;
}

export const POSTGRES_SKIPPED = 'PostgreSQL tests skipped: set TEST_DATABASE_URL=postgres://... to run them (README "Test")';

export function newSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
