/**
 * Publish-to-served: two app instances (each its own process, as behind a load balancer) on one
 * database; the bench publishes a changed pack, as `npm run content:publish` does, and times until
 * both serve it (the renamed service on its page, asked every 5 ms). On PostgreSQL (NOTIFY) when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL names one, and on one SQLite file (the version check).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { loadPack } from '../src/content/load.js';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { publishContent } from '../src/publishing.js';
import { openStore, type StoreConfig } from '../src/store/store.js';
import { startServerProcess, type BenchPostgres, type BenchRow, type BenchServer } from './lib.js';
import type { BenchSection } from './run.js';
import { packSections } from '../src/sections.js';

const PUBLISHES = Number(process.env['BENCH_PUBLISHES'] ?? 10);

async function servesName(base: string, slug: string, name: string): Promise<boolean> {
  const r = await fetch(`${base}/services/${slug}`);
  return (await r.text()).includes(name);
}

async function measure(label: string, database: StoreConfig, postgres: BenchPostgres | undefined, dir: string): Promise<BenchRow[]> {
  const packDir = join(dir, 'pack');
  cpSync(defaultPackDir(), packDir, { recursive: true });
  const pack = loadPack(packDir, packSections).pack!;
  const service = pack.services[Math.floor(pack.services.length / 2)]!;
  const file = join(packDir, 'services', `${service.slug}.yaml`);
  const servers: BenchServer[] = [];
  const times: number[] = [];
  const afterCommit: number[] = [];
  try {
    // the first start imports the pack; the second finds it published
    servers.push(await startServerProcess(defaultPackDir(), database.databaseFile, 180_000, postgres));
    servers.push(await startServerProcess(defaultPackDir(), database.databaseFile, 180_000, postgres));
    const publisher = await openStore(database);
    try {
      for (let i = 1; i <= PUBLISHES; i++) {
        const name = `Bench renamed service ${i}`;
        const record = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        record['name'] = name;
        writeFileSync(file, stringify(record));
        const t0 = performance.now();
        await publishContent(publisher, packDir, packSections);
        const published = performance.now();
        const pending = new Set(servers.map((s) => s.baseUrl));
        while (pending.size > 0) {
          for (const base of [...pending]) if (await servesName(base, service.slug, name)) pending.delete(base);
          if (pending.size > 0) await new Promise((r) => setTimeout(r, 5));
          if (performance.now() - published > 30_000) throw new Error(`${label}: not served within 30 s of the publish`);
        }
        times.push(performance.now() - t0);
        afterCommit.push(performance.now() - published);
      }
    } finally {
      await publisher.close();
    }
  } finally {
    for (const s of servers) await s.stop();
  }
  const row = (what: string, values: number[]): BenchRow => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return {
      name: `${what}, ${label}`,
      setup: `${PUBLISHES} publishes of the default pack, one service renamed`,
      p50: at(0.5),
      p95: at(0.95),
      p99: sorted[sorted.length - 1],
      throughput: 1000 / at(0.5),
      goal: `within seconds: ${sorted[sorted.length - 1]! < 5000 ? 'yes' : 'NO'}`,
    };
  };
  return [row('publish (validate, write) to served by both of two instances', times), row('commit to served by both of two instances', afterCommit)];
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const url = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'];
  if (url) {
    const dir = mkdtempSync(join(tmpdir(), 'isg-bench-instances-pg-'));
    const schema = `bench_${process.pid}`;
    try {
      rows.push(...(await measure('PostgreSQL', { databaseFile: join(dir, 'unused.sqlite'), databaseUrl: url, postgres: { schema } }, { url, schema }, dir)));
    } finally {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    console.warn('instances: no BENCH_DATABASE_URL or TEST_DATABASE_URL, so no PostgreSQL row');
  }
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-instances-sqlite-'));
  try {
    rows.push(...(await measure('SQLite (one file)', { databaseFile: join(dir, 'guidance.sqlite') }, undefined, dir)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: 'Several instances: publish to served (p99 = the slowest)', rows };
}
