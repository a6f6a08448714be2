/** The start page against a static asset, on the default pack: the baseline every other section compares to. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { loadUrl, startServerProcess } from './lib.js';
import type { BenchSection } from './run.js';

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-'));
  const server = await startServerProcess(defaultPackDir(), join(dir, 'bench.sqlite'));
  const base = server.baseUrl;
  try {
    const rows = [await loadUrl('static route (/public/site.css)', `${base}/public/site.css`), await loadUrl('start page (/)', `${base}/`), await loadUrl('health (/healthz)', `${base}/healthz`)];
    return { title: 'Foundation: pages beside a static route', rows };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
