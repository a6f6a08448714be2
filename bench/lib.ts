/** Shared bench helpers: the server in its own process, HTTP load with autocannon on loopback, the printed table. */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export interface BenchRow {
  name: string;
  /** e.g. "50 conn, 5 s" or "2,000 answer sets" */
  setup: string;
  p50?: number;
  p95?: number;
  p99?: number;
  /** requests or operations per second */
  throughput: number;
  /** a goal and whether it was met, e.g. "p95 < 30 ms: yes" */
  goal?: string;
  errors?: number;
  /** the server process's CPU time (user + system) per request, ms: what a request costs the server alone */
  serverCpu?: number;
}

export interface HttpLoadOptions {
  connections?: number;
  durationSeconds?: number;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  /**
   * Paths to rotate through, one per request, instead of the URL's own path: measures work that a
   * cache keyed by URL cannot answer.
   */
  paths?: string[];
  /** sets each request's path, headers or body from its number (e.g. a different message each time) */
  setupRequest?: (i: number) => { path?: string; headers?: Record<string, string>; body?: string };
}

export interface BenchServer {
  baseUrl: string;
  stop(): Promise<void>;
}

/** The flags package.json's start script passes to Node (`node --flag ... dist/...`): the bench serves as production does. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  const [node, ...words] = (pkg.scripts['start'] ?? '').split(/\s+/);
  if (node !== 'node') return [];
  const flags: string[] = [];
  for (const w of words) {
    if (!w.startsWith('--')) break;
    flags.push(w);
  }
  return flags;
}

/** bench servers by origin, so a load on one of their URLs can read the server's CPU time */
const serverPids = new Map<string, number>();

/** The CPU time a process has used, ms, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number): number | undefined {
  try {
    // fields after the command name (which is in parentheses): utime and stime are the 12th and 13th
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}
let ticks: number | undefined;
function clockTicks(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

/**
 * Starts the real app, as built, in a child process (bench/serve.mjs) on the given pack and
 * database, and waits until it listens. Loading it from this process then measures the server, not
 * a shared event loop.
 */
/** PostgreSQL for a bench server, instead of its SQLite file: the URL and a schema of the bench's own */
export interface BenchPostgres {
  url: string;
  schema: string;
}

export async function startServerProcess(packDir: string, databaseFile: string, timeoutMs = 180_000, postgres?: BenchPostgres): Promise<BenchServer> {
  // the Node flags `npm start` gives the server, then BENCH_NODE_ARGS: more flags for the server's
  // Node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where its time goes
  const nodeArgs = [...startFlags(), ...(process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, 'bench/serve.mjs'], {
    env: { ...process.env, BENCH_PACK: packDir, BENCH_DB: databaseFile, BENCH_DATABASE_URL: postgres?.url ?? '', BENCH_DATABASE_SCHEMA: postgres?.schema ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench server did not start in time')), timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^listening (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench server exited with code ${code}`));
    });
  });
  if (child.pid !== undefined) serverPids.set(new URL(baseUrl).origin, child.pid);
  return {
    baseUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The cookies a browser holds after its first page of the app (the CSRF secret), as a Cookie header:
 * loads that send it measure a member of staff part way through a visit, as a browser would send it
 * with every request, not a first visit each time.
 */
export async function browserCookies(pageUrl: string): Promise<Record<string, string>> {
  const res = await fetch(pageUrl);
  await res.arrayBuffer();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error(`${pageUrl} set no cookie`);
  return { cookie };
}

/** Loads one URL on this machine (loopback only) for a bounded time; latencies in milliseconds. */
export async function loadUrl(name: string, url: string, opts: HttpLoadOptions = {}): Promise<BenchRow> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) throw new Error(`bench targets loopback only, not ${url}`);
  const connections = opts.connections ?? 50;
  const duration = opts.durationSeconds ?? Number(process.env['BENCH_SECONDS'] ?? 5);
  const samples: number[] = [];
  // called without a callback, autocannon returns an instance that is both a promise and an event emitter
  let next = 0;
  const paths = opts.paths;
  const setup: HttpLoadOptions['setupRequest'] = opts.setupRequest ?? (paths?.length ? (i: number) => ({ path: paths[i % paths.length] }) : undefined);
  const requests = setup
    ? [
        {
          setupRequest: (req: Record<string, unknown>) => {
            const s = setup(next++);
            return { ...req, ...s, headers: { ...(req['headers'] as Record<string, string> | undefined), ...s.headers } };
          },
        },
      ]
    : undefined;
  const instance = autocannon({ url, connections, duration, method: opts.method ?? 'GET', body: opts.body, headers: opts.headers, ...(requests ? { requests } : {}) } as autocannon.Options) as unknown as Promise<autocannon.Result> & {
    on(event: 'response', fn: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
  };
  // autocannon reports p97.5, not p95: keep every response time and take exact percentiles
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => samples.push(responseTime));
  const pid = serverPids.get(new URL(url).origin);
  const cpuBefore = pid === undefined ? undefined : processCpuMs(pid);
  const r = await instance;
  const cpuAfter = pid === undefined ? undefined : processCpuMs(pid);
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
  return {
    name,
    setup: `${connections} conn, ${duration} s`,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    throughput: r.requests.average,
    errors: r.errors + r.non2xx,
    serverCpu: cpuBefore !== undefined && cpuAfter !== undefined && samples.length > 0 ? (cpuAfter - cpuBefore) / samples.length : undefined,
  };
}

/** Times `fn` over `iterations` calls after a warm-up; latencies in milliseconds. */
export function timeOperations(name: string, setup: string, iterations: number, fn: (i: number) => void): BenchRow {
  for (let i = 0; i < Math.min(200, iterations); i++) fn(i);
  const samples: number[] = new Array(iterations);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
  return { name, setup, p50: pct(50), p95: pct(95), p99: pct(99), throughput: (iterations / totalMs) * 1000 };
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined ? '' : n.toFixed(digits));

export function printTable(title: string, rows: BenchRow[]): void {
  console.log(`\n## ${title}\n`);
  console.log('| measure | setup | p50 ms | p95 ms | p99 ms | per second | server CPU ms/request | errors | goal |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.setup} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.throughput, 0)} | ${fmt(r.serverCpu, 3)} | ${r.errors ?? ''} | ${r.goal ?? ''} |`);
  }
}
