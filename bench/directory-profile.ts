/**
 * In-process CPU profile of the directory search at 20,000 services (`npx tsx bench/directory-profile.ts`):
 * the index build, the engine alone over the directory bench's 2,000 different searches, and the
 * whole page over one keep-alive loopback connection, one request at a time, with the process's CPU
 * time per request. Not `app.inject`: light-my-request keeps every injected request and response
 * alive (~10 KB each even on a bare Fastify app, the whole page here), so the heap grows by
 * megabytes per pass and garbage collection swamps the numbers.
 * Not part of `npm run bench`: it is for finding where a request's time goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, get } from 'node:http';
import { join } from 'node:path';
import { loadPack } from '../src/content/load.js';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { parseDirectoryQuery } from '../src/directory/query.js';
import { serviceIndexFor } from '../src/directory/search.js';
import { openSqliteStore } from '../src/store/store.js';
import { buildApp } from '../src/web/app.js';
import { packSections } from '../src/sections.js';
import { generateServices, variedSearchPaths } from './directory.js';
import { publishLoadedPack } from '../src/publishing.js';

const COUNT = Number(process.env['BENCH_SERVICES'] ?? 20_000);

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const pct = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `mean ${mean.toFixed(3)} ms, p50 ${pct(50).toFixed(3)}, p95 ${pct(95).toFixed(3)}, p99 ${pct(99).toFixed(3)}, max ${s[s.length - 1]!.toFixed(3)} (n=${s.length})`;
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const { pack: basePack, hash, problems } = loadPack(defaultPackDir(), packSections);
if (!basePack) throw new Error(problems.map((p) => p.message).join('; '));
const services = generateServices(basePack, COUNT);
const paths = variedSearchPaths(basePack);
const queries = paths.map((p) => parseDirectoryQuery(Object.fromEntries(new URL(p, 'http://x').searchParams), basePack).query);

// engine: a fresh index each time, so the first pass has no text results cached
for (let run = 0; run < Number(process.env["ENGINE_RUNS"] ?? 2); run++) {
  const pack = { ...basePack, services };
  const buildMs = time(() => serviceIndexFor(pack));
  const index = serviceIndexFor(pack);
  const first = queries.map((q) => time(() => index.search(q)));
  const second = queries.map((q) => time(() => index.search(q)));
  console.log(`engine run ${run + 1}: build ${buildMs.toFixed(0)} ms; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
  console.log(`  first pass : ${stats(first)}`);
  console.log(`  second pass: ${stats(second)}`);
  const words = [...new Set(queries.map((q) => q.q).filter((q) => !q.includes(' ')))];
  const fresh = { ...basePack, services };
  const other = serviceIndexFor(fresh);
  console.log(`  one word, no filters, uncached: ${stats(words.map((q) => time(() => other.search({ q }))))}`);
}

const dir = mkdtempSync(join(tmpdir(), 'isg-directory-profile-'));
try {
  const databaseFile = join(dir, 'directory.sqlite');
  const store = await openSqliteStore(databaseFile);
  await publishLoadedPack(store, { ...basePack, services }, hash);
  await store.close();
  const t0 = performance.now();
  const { app } = await buildApp({ packDir: defaultPackDir(), databaseFile, logLevel: 'silent', sessionSecret: 'bench-secret-bench-secret-bench-secret' });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`app start: ${(performance.now() - t0).toFixed(0)} ms`);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const fetchPage = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const s = process.hrtime.bigint();
      get(base + url, { agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve(Number(process.hrtime.bigint() - s) / 1e6));
      }).on('error', reject);
    });
  const measure = async (label: string, urls: string[]) => {
    const cpu = process.cpuUsage();
    const times: number[] = [];
    for (const u of urls) times.push(await fetchPage(u));
    const used = process.cpuUsage(cpu);
    console.log(`${label}: ${stats(times)}; CPU ${((used.user + used.system) / 1000 / urls.length).toFixed(3)} ms/request`);
  };
  const slugs = services.slice(0, 2000).map((s) => `/services/${s.slug}`);
  for (let i = 0; i < 200; i++) await fetchPage('/public/site.css');
  await measure('static          ', Array.from({ length: 2000 }, () => '/public/site.css'));
  for (let pass = 1; pass <= 3; pass++) await measure(`varied search #${pass}`, paths);
  await measure('one search URL  ', paths.map(() => paths[0]!));
  for (let pass = 1; pass <= 2; pass++) await measure(`service pages #${pass}`, slugs);
  agent.destroy();
  await app.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
