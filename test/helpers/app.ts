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

export async function buildTestApp(overrides: Partial<AppOptions> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-test-'));
  const { drop, ...database } = testDatabase(dir);
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
