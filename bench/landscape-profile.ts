/**
 * In-process CPU profile of the landscape search at 20,000 services (`npx tsx bench/landscape-profile.ts`):
 * the index build, the engine alone over the directory bench's 2,000 different searches, and the
 * whole page through `app.inject` (no sockets, so no other process's load on the numbers but CPU).
 * Not part of `npm run bench`: it is for finding where a request's time goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPack } from '../src/content/load.js';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { parseLandscapeQuery } from '../src/landscape/query.js';
import { serviceIndexFor } from '../src/landscape/search.js';
import { openSqliteStore } from '../src/store/store.js';
import { buildApp } from '../src/web/app.js';
import '../src/sections.js';
import { generateServices, variedSearchPaths } from './directory.js';

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

const { pack: basePack, hash, problems } = loadPack(defaultPackDir());
if (!basePack) throw new Error(problems.map((p) => p.message).join('; '));
const services = generateServices(basePack, COUNT);
const paths = variedSearchPaths(basePack);
const queries = paths.map((p) => parseLandscapeQuery(Object.fromEntries(new URL(p, 'http://x').searchParams), basePack).query);

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

const dir = mkdtempSync(join(tmpdir(), 'isg-landscape-profile-'));
try {
  const databaseFile = join(dir, 'directory.sqlite');
  const store = await openSqliteStore(databaseFile);
  await store.content.importPack({ ...basePack, services }, hash);
  await store.close();
  const t0 = performance.now();
  const { app } = await buildApp({ packDir: defaultPackDir(), databaseFile, logLevel: 'silent', sessionSecret: 'bench-secret-bench-secret-bench-secret' });
  await app.ready();
  console.log(`app start: ${(performance.now() - t0).toFixed(0)} ms`);
  const inject = async (url: string) => {
    const s = process.hrtime.bigint();
    const res = await app.inject({ method: 'GET', url });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    return Number(process.hrtime.bigint() - s) / 1e6;
  };
  for (let i = 0; i < 200; i++) await inject('/public/app.css');
  const staticTimes: number[] = [];
  for (let i = 0; i < 2000; i++) staticTimes.push(await inject('/public/app.css'));
  console.log(`inject static     : ${stats(staticTimes)}`);
  for (let pass = 1; pass <= 3; pass++) {
    const times: number[] = [];
    for (const p of paths) times.push(await inject(p));
    console.log(`inject varied #${pass} : ${stats(times)}`);
  }
  await app.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
