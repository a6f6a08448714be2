/**
 * The chat bot: the engine's messages per second over the dev set's questions, and POST /api/chat
 * under load (50 connections) beside the static route /public/site.css, on the same server in the
 * same run.
 *
 * The chat routes are rate limited per client (120 a minute). The bench's server believes one proxy
 * (bench/serve.mjs), so each request here comes from its own made-up client address in
 * X-Forwarded-For: the limiter still runs on every request, as it would for many staff at once, but
 * does not turn the bench into 429s. Each says it comes from the site's own page (Sec-Fetch-Site), as
 * the chat panel's requests do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { createChatEngine } from '../src/chat/engine.js';
import { loadPack } from '../src/content/load.js';
import { packSections } from '../src/sections.js';
import { readDevSet } from '../scripts/eval-chat.js';
import { loadUrl, startServerProcess, timeOperations } from './lib.js';
import type { BenchSection } from './run.js';

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-chat-'));
  const { pack } = loadPack(defaultPackDir(), packSections);
  if (!pack) throw new Error('the default pack does not load: run npm run content:check');
  const messages = readDevSet().map((i) => i.q);
  const t0 = process.hrtime.bigint();
  const engine = createChatEngine(pack);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const iterations = 20_000;
  const engineRow = timeOperations('engine: respond()', `${messages.length} dev questions, ${iterations.toLocaleString('en-GB')} messages`, iterations, (i) => {
    engine.respond(messages[i % messages.length]);
  });
  engineRow.goal = `p99 < 10 ms: ${engineRow.p99! < 10 ? 'yes' : 'NO'}`;
  const server = await startServerProcess(defaultPackDir(), join(dir, 'bench.sqlite'));
  const base = server.baseUrl;
  try {
    const rows = [
      { name: 'engine: build the index', setup: `${engine.entries.length} answers`, p50: buildMs, throughput: 1000 / buildMs },
      engineRow,
      await loadUrl('static route (/public/site.css)', `${base}/public/site.css`),
      await loadUrl('POST /api/chat (dev questions in turn)', `${base}/api/chat`, {
        method: 'POST',
        setupRequest: (i) => ({
          headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
          body: JSON.stringify({ message: messages[i % messages.length], context: {} }),
        }),
      }),
    ];
    return { title: 'Chat bot: engine, and POST /api/chat beside a static route', rows };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
