/**
 * Builds the real application on a throwaway database (through the real migrations and content
 * import), for inject() tests and for browser tests on a real port: an SQLite file, or in the
 * postgres project a schema of its own on the test PostgreSQL (test/helpers/database.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPackDir } from '../../src/content/pack-dir.js';
import { openStore, type Store, type StoreConfig } from '../../src/store/store.js';
import { buildApp, type App, type AppOptions } from '../../src/web/app.js';
import { dropSchema, newSchemaName, onPostgres, requirePostgres } from './database.js';

export interface TestApp extends App {
  dir: string;
  /** where the app's database is: open another store on it as another process would */
  database: StoreConfig;
  /** the environment that points a command (npm run editor:report...) at the same database */
  env: Record<string, string>;
  openStore(): Promise<Store>;
  close(): Promise<void>;
}

/** A throwaway database: an SQLite file in `dir`, or a new schema on the test PostgreSQL. */
export function testDatabase(dir: string): StoreConfig & { drop(): Promise<void> } {
  const databaseFile = join(dir, 'test.sqlite');
  if (!onPostgres) return { databaseFile, drop: async () => {} };
  const url = requirePostgres();
  if (!url) throw new Error('the postgres project runs only with TEST_DATABASE_URL set');
  const schema = newSchemaName();
  return { databaseFile, databaseUrl: url, postgres: { schema, max: 4 }, drop: () => dropSchema(url, schema) };
}

/** The environment a command reads its database from (README "Configuration"). */
export function databaseEnv(database: StoreConfig): Record<string, string> {
  if (!database.databaseUrl) return { DATABASE_FILE: database.databaseFile };
  const schema = database.postgres?.schema;
  const options = schema ? `${database.databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` : '';
  return { DATABASE_URL: `${database.databaseUrl}${options}` };
}

export async function buildTestApp(overrides: Partial<AppOptions> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-test-'));
  const { drop: dropFresh, ...fresh } = testDatabase(dir);
  // a test may open an app on another app's database (a restart): that one's owner drops it
  const given = overrides.databaseFile !== undefined || overrides.databaseUrl !== undefined;
  const database: StoreConfig = given ? { databaseFile: overrides.databaseFile ?? fresh.databaseFile, databaseUrl: overrides.databaseUrl, postgres: overrides.postgres } : fresh;
  const drop = given ? async () => {} : dropFresh;
  const built = await buildApp({
    packDir: defaultPackDir(),
    ...database,
    logLevel: 'silent',
    sessionSecret: 'test-secret-test-secret-test-secret-0123',
    ...overrides,
  });
  return {
    ...built,
    dir,
    database,
    env: databaseEnv(database),
    openStore: () => openStore(database),
    async close() {
      await built.app.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the app on a free local port; returns its base URL. */
export async function startTestServer(overrides: Partial<AppOptions> = {}): Promise<TestApp & { baseUrl: string }> {
  const t = await buildTestApp(overrides);
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...t, baseUrl: address };
}

/** Pulls the CSRF token and cookie from a page, to post a form the way a browser would. */
export function csrfFrom(html: string, setCookie: string | string[] | undefined): { token: string; cookie: string } {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token in the page');
  const cookies = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).filter(Boolean);
  return { token, cookie: cookies.join('; ') };
}
