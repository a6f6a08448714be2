/**
 * The chat bot: the engine's messages per second over the dev set's questions, and POST /api/chat
 * under load (50 connections) beside the static route /public/app.css, on the same server in the
 * same run.
 *
 * The chat routes are rate limited per client (120 a minute). The app trusts X-Forwarded-For (it runs
 * behind a proxy), so each request here comes from its own made-up client address: the limiter still
 * runs on every request, as it would for many staff at once, but does not turn the bench into 429s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { createChatEngine } from '../src/chat/engine.js';
import { buildApp } from '../src/web/app.js';
import { readDevSet } from '../scripts/eval-chat.js';
import { loadUrl, timeOperations, type BenchRow } from './lib.js';
import type { BenchSection } from './run.js';

/** POSTs chat messages (one of `messages` each, in turn) from many client addresses; latencies in ms. */
async function loadChat(name: string, url: string, messages: string[], connections = 50): Promise<BenchRow> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) throw new Error(`bench targets loopback only, not ${url}`);
  const duration = Number(process.env['BENCH_SECONDS'] ?? 5);
  let n = 0;
  const samples: number[] = [];
  const instance = autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const i = n++;
          return {
            ...req,
            headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
            body: JSON.stringify({ message: messages[i % messages.length], context: {} }),
          };
        },
      },
    ],
  }) as unknown as Promise<autocannon.Result> & {
    on(event: 'response', fn: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
  };
  instance.on('response', (_c: unknown, _s: number, _b: number, responseTime: number) => samples.push(responseTime));
  const r = await instance;
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
  return { name, setup: `${connections} conn, ${duration} s`, p50: pct(50), p95: pct(95), p99: pct(99), throughput: r.requests.average, errors: r.errors + r.non2xx };
}

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-chat-'));
  const { app, published } = await buildApp({ packDir: defaultPackDir(), databaseFile: join(dir, 'bench.sqlite'), logLevel: 'silent', sessionSecret: 'bench-secret-bench-secret-bench-secret' });
  const messages = readDevSet().map((i) => i.q);
  const t0 = process.hrtime.bigint();
  const engine = createChatEngine(published.pack);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const iterations = 20_000;
  const engineRow = timeOperations('engine: respond()', `${messages.length} dev questions, ${iterations.toLocaleString('en-GB')} messages`, iterations, (i) => {
    engine.respond(messages[i % messages.length]);
  });
  engineRow.goal = `p99 < 10 ms: ${engineRow.p99! < 10 ? 'yes' : 'NO'}`;
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const rows = [
      { name: 'engine: build the index', setup: `${engine.entries.length} answers`, p50: buildMs, throughput: 1000 / buildMs },
      engineRow,
      await loadUrl('static route (/public/app.css)', `${base}/public/app.css`),
      await loadChat('POST /api/chat (dev questions in turn)', `${base}/api/chat`, messages),
    ];
    return { title: 'Chat bot: engine, and POST /api/chat beside a static route', rows };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
