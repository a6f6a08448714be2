/**
 * Builds the real application on a throwaway SQLite database (through the real migrations and
 * content import), for inject() tests and for browser tests on a real port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPackDir } from '../../src/content/pack-dir.js';
import { buildApp, type App, type AppOptions } from '../../src/web/app.js';

export interface TestApp extends App {
  dir: string;
  close(): Promise<void>;
}

export async function buildTestApp(overrides: Partial<AppOptions> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-test-'));
  const built = await buildApp({
    packDir: defaultPackDir(),
    databaseFile: join(dir, 'test.sqlite'),
    logLevel: 'silent',
    sessionSecret: 'test-secret-test-secret-test-secret-0123',
    ...overrides,
  });
  return {
    ...built,
    dir,
    async close() {
      await built.app.close();
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
