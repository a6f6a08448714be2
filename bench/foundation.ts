/** The start page against a static asset, on the default pack: the baseline every other section compares to. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { buildApp } from '../src/web/app.js';
import { loadUrl } from './lib.js';
import type { BenchSection } from './run.js';

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-'));
  const { app } = await buildApp({ packDir: defaultPackDir(), databaseFile: join(dir, 'bench.sqlite'), logLevel: 'silent', sessionSecret: 'bench-secret-bench-secret-bench-secret' });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const rows = [await loadUrl('static route (/public/app.css)', `${base}/public/app.css`), await loadUrl('start page (/)', `${base}/`), await loadUrl('health (/healthz)', `${base}/healthz`)];
    return { title: 'Foundation: pages beside a static route', rows };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
