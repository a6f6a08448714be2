/**
 * A 20,000-service directory: generated (realistic text, random need areas and levels of the default
 * pack, each record checked against the service schema), published through the real content
 * publish, then served by the real app: on SQLite, and on PostgreSQL too when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL names one. Measures the directory search with two filters, a service page
 * and an API list page beside the static route, in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPack } from '../src/content/load.js';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { deliveryModes, providerTypes, service as serviceSchema, type ContentPack, type Service } from '../src/content/schema.js';
import { openStore } from '../src/store/store.js';
import pg from 'pg';
import { termId } from '../src/api/taxonomies.js';
import { packSections } from '../src/sections.js';
import { browserCookies, loadUrl, startServerProcess, type BenchPostgres, type BenchRow } from './lib.js';
import type { BenchSection } from './run.js';
import { seededRandom } from '../src/collections/random.js';
import { publishLoadedPack } from '../src/publishing.js';

const SERVICE_COUNT = Number(process.env['BENCH_SERVICES'] ?? 20_000);

/** The same made-up directory on every run. */
const random = seededRandom;

const PLACES = ['Riverside', 'Northgate', 'Eastbrook', 'Parkside', 'Westfield', 'Hillview', 'Marsh Lane', 'Station Road', 'Oakwood', 'Castle Green', 'Millbrook', 'Abbey'];
const KINDS = ['support group', 'advice service', 'drop-in', 'family project', 'helpline', 'youth project', 'outreach team', 'hub', 'mentoring scheme', 'clinic', 'parenting programme', 'wellbeing service'];
const ORGS = ['Borough Council', 'Community Health Trust', 'Family Action Network', 'Youth Futures', 'Neighbourhood Trust', 'Children’s Charity', 'Housing Association', 'Faith and Community Forum'];
const VERBS = ['offers', 'runs', 'provides', 'gives'];
const HELP = ['one-to-one support', 'group sessions', 'practical advice', 'short courses', 'home visits', 'a listening ear', 'help to find the right service', 'activities for children and parents'];
const WHO = ['children and young people', 'parents and carers', 'families', 'young people aged 11 to 18', 'children under five and their parents'];

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

function some<T>(rnd: () => number, items: readonly T[], min: number, max: number): T[] {
  const n = min + Math.floor(rnd() * (max - min + 1));
  const out = new Set<T>();
  while (out.size < Math.min(n, items.length)) out.add(pick(rnd, items));
  return [...out];
}

/** The generated directory, each record parsed by the content model's service schema. */
export function generateServices(pack: ContentPack, count: number, seed = 42): Service[] {
  const rnd = random(seed);
  const areas = pack.needAreas.flatMap((a) => [a, ...a.children]);
  const levelIds = pack.levels.map((l) => l.id);
  const today = Date.now();
  const services: Service[] = [];
  for (let i = 0; i < count; i++) {
    const need = some(rnd, areas, 1, 3);
    const place = pick(rnd, PLACES);
    const kind = pick(rnd, KINDS);
    const main = need[0]!;
    const name = `${place} ${main.name.toLowerCase()} ${kind} ${i + 1}`.replace(/^./, (c) => c.toUpperCase());
    const who = pick(rnd, WHO);
    const help = some(rnd, HELP, 2, 3);
    const org = `${place} ${pick(rnd, ORGS)}`;
    const min = Math.floor(rnd() * 12);
    const self = rnd() < 0.6;
    const reviewed = new Date(today - Math.floor(rnd() * 540) * 86_400_000).toISOString().slice(0, 10);
    const raw = {
      slug: `service-${i + 1}`,
      name,
      summary: `${org} ${pick(rnd, VERBS)} ${help[0]} for ${who} facing ${main.name.toLowerCase()}.`.slice(0, 200),
      description: [
        `${name} ${pick(rnd, VERBS)} ${help.join(', ')} for ${who}.`,
        `It helps with ${need.map((n) => n.name.toLowerCase()).join(', ')}: ${main.hint.toLowerCase()}.`,
        `Staff can support families to understand their options and to get help early, before problems grow.`,
      ].join(' '),
      status: 'active',
      organization: { name: org },
      coverage: rnd() < 0.85 ? 'local' : 'national',
      providerType: pick(rnd, providerTypes),
      deliveryModes: some(rnd, deliveryModes, 1, 3),
      ...(rnd() < 0.7 ? { ages: { min, max: min + 6 + Math.floor(rnd() * 8) } } : {}),
      schedules: rnd() < 0.5 ? [{ description: 'Weekdays, office hours', byDay: ['MO', 'TU', 'WE', 'TH', 'FR'], opensAt: '09:00', closesAt: '17:00' }] : [],
      eligibility: `Open to ${who}.`,
      cost: rnd() < 0.8 ? { free: true } : { free: false, description: 'A small charge for some sessions.' },
      needAreas: need.map((n) => n.id),
      levels: some(rnd, levelIds, 1, 2),
      referral: { self, professional: !self || rnd() < 0.5, viaFrontDoor: rnd() < 0.1, consentNeeded: rnd() < 0.7 },
      card: {
        canDo: help.map((h) => `Give ${h}`),
        cannotDo: ['Respond to an emergency. Call 999 if a child is in immediate danger'],
        beforeYouRefer: ['Talk to the family and get their agreement'],
        informationToHave: ['The child’s age and what the family want help with'],
        howToRefer: ['Use the service’s referral form'],
        whatHappensNext: 'The service contacts the family to agree what help to give.',
        responseTime: `Usually within ${2 + Math.floor(rnd() * 10)} working days.`,
      },
      source: { title: 'Generated for the bench' },
      reviewed,
    };
    services.push(serviceSchema.parse(raw));
  }
  return services;
}

/** 2,000 different searches (one or two words, a need area, a level, page 1 or 2), the same every run. */
export function variedSearchPaths(pack: ContentPack, count = 2000): string[] {
  const rnd = random(7);
  const words = [...new Set([...KINDS, ...HELP, ...PLACES].flatMap((t) => t.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length > 3))];
  const areas = pack.needAreas.flatMap((a) => [a, ...a.children]);
  return Array.from({ length: count }, (_, i) => {
    const q = `${pick(rnd, words)}${i % 3 === 0 ? ` ${pick(rnd, words)}` : ''}`;
    return `/services?q=${encodeURIComponent(q)}&need=${pick(rnd, areas).id}&level=${pick(rnd, pack.levels).id}&page=${1 + (i % 2)}`;
  });
}

/**
 * 2,000 different API list pages (page, page size and filter combinations), the same every run: a
 * cache keyed by URL could not answer them.
 */
export function variedApiPaths(pack: ContentPack, count = 2000): string[] {
  const rnd = random(11);
  const terms = [
    ...pack.needAreas.flatMap((a) => [a, ...a.children]).map((a) => termId(pack.manifest.id, 'need_area', a.id)),
    ...pack.levels.map((l) => termId(pack.manifest.id, 'level_of_need', l.id)),
  ];
  const words = [...new Set([...KINDS, ...HELP].flatMap((t) => t.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length > 3))];
  return Array.from({ length: count }, (_, i) => {
    const q = new URLSearchParams({ per_page: String(pick(rnd, [10, 20, 50, 100])) });
    if (i % 2 === 0) q.set('taxonomy_term_id', pick(rnd, terms));
    if (i % 3 === 1) q.set('minimum_age', String(Math.floor(rnd() * 8)));
    if (i % 4 === 2) q.set('day', pick(rnd, ['MO', 'TU', 'WE', 'TH', 'FR']));
    if (i % 5 === 3) q.set('search', pick(rnd, words));
    if (i % 7 === 4) q.set('modified_after', '2026-01-01');
    // filtered lists are shorter: stay within their first pages, so most pages are full
    q.set('page', String(1 + Math.floor(rnd() * (q.size > 1 ? 5 : 200))));
    return `/api/v1/services?${q}`;
  });
}

interface BenchDatabase {
  label: string;
  databaseFile: string;
  postgres?: BenchPostgres;
}

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-directory-'));
  const url = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'];
  const schema = `bench_directory_${process.pid}`;
  try {
    const { pack, hash, problems } = loadPack(defaultPackDir(), packSections);
    if (!pack) throw new Error(`the default pack does not load: ${problems.map((p) => p.message).join('; ')}`);

    const t0 = performance.now();
    const services = generateServices(pack, SERVICE_COUNT);
    const generateMs = performance.now() - t0;
    const rows: BenchRow[] = [{ name: `generate and validate ${SERVICE_COUNT} services`, setup: 'once', throughput: (SERVICE_COUNT / generateMs) * 1000, p50: generateMs }];

    const databases: BenchDatabase[] = [{ label: 'SQLite', databaseFile: join(dir, 'directory.sqlite') }];
    if (url) databases.push({ label: 'PostgreSQL', databaseFile: join(dir, 'unused.sqlite'), postgres: { url, schema } });
    else console.warn('directory: no BENCH_DATABASE_URL or TEST_DATABASE_URL, so no PostgreSQL rows');
    for (const database of databases) rows.push(...(await measureOn(database, pack, hash, services)));
    return { title: `Directory of ${SERVICE_COUNT.toLocaleString('en-GB')} services (setup rows: p50 = total ms)`, rows };
  } finally {
    if (url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureOn(database: BenchDatabase, pack: ContentPack, hash: string, services: Service[]): Promise<BenchRow[]> {
  const on = ` [${database.label}]`;
  // the real publish path; with the default pack's hash, the app then serves this directory as published
  const store = await openStore({ databaseFile: database.databaseFile, databaseUrl: database.postgres?.url, postgres: database.postgres ? { schema: database.postgres.schema } : undefined });
  let t0 = performance.now();
  await publishLoadedPack(store, { ...pack, services }, hash);
  const importMs = performance.now() - t0;
  await store.close();

  t0 = performance.now();
  // the server runs in its own process (see startServerProcess); its start time includes Node's own start
  const server = await startServerProcess(defaultPackDir(), database.databaseFile, 180_000, database.postgres);
  const base = server.baseUrl;
  const startMs = performance.now() - t0;
  try {
    // the directory's index and then the chat's engine are built in the background once the app is
    // ready: a page that needs one waits for it. Asked at once, each first answer says when it was
    // ready; the loads below start after both, so that they measure the steady state.
    const listening = performance.now();
    const firstAnswer = async (what: string, url: string, init?: RequestInit) => {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${what} did not answer: ${res.status}`);
      return performance.now() - listening;
    };
    const [startPageMs, searchMs, chatMs] = await Promise.all([
      firstAnswer('the start page', `${base}/`),
      firstAnswer('the directory', `${base}/services?q=support`),
      firstAnswer('the chat', `${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body: JSON.stringify({ message: 'how do i refer to camhs' }) }),
    ]);
    const need = pack.needAreas.find((a) => a.children.length > 0) ?? pack.needAreas[0]!;
    const level = pack.levels[Math.min(1, pack.levels.length - 1)]!;
    const middle = services[Math.floor(services.length / 2)]!;
    const search = `/services?q=support&need=${need.id}&level=${level.id}`;

    // pages are loaded as a browser part way through a visit loads them: with the session's cookie
    const headers = await browserCookies(`${base}/services`);
    const staticRow = await loadUrl(`static route (/public/site.css)${on}`, `${base}/public/site.css`, { headers });
    const searchRow = await loadUrl(`directory search, two filters, one URL repeated (${search})${on}`, `${base}${search}`, { headers });
    // the directory caches rendered pages by URL: rotate through many different searches so that
    // every request runs the search and puts the page together
    const variedPaths = variedSearchPaths(pack);
    // warm-up, not counted: each result is rendered once and kept (as a long-running server has
    // them), and the JIT settles; the page cache holds 300 pages, so it cannot answer 2,000
    await loadUrl('warm-up', `${base}/services`, { paths: variedPaths, headers });
    const variedRow = await loadUrl(`directory search, two filters, 2,000 different URLs (no page cache hits; after a warm-up pass)${on}`, `${base}/services`, { paths: variedPaths, headers });
    const pageRow = await loadUrl(`service page (/services/<slug>)${on}`, `${base}/services/${middle.slug}`, { headers });
    const apiRow = await loadUrl(`API list page (/api/v1/services?page=3&per_page=50)${on}`, `${base}/api/v1/services?page=3&per_page=50`);
    const apiVariedRow = await loadUrl(`API list pages, 2,000 different URLs (page, per_page, filters, search)${on}`, `${base}/api/v1/services`, { paths: variedApiPaths(pack) });

    for (const row of [searchRow, variedRow]) {
      const share = row.throughput / staticRow.throughput;
      row.goal = `p95 < 30 ms: ${(row.p95 ?? Infinity) < 30 ? 'yes' : 'NO'}; ≥ 50% of static: ${share >= 0.5 ? 'yes' : 'NO'} (${Math.round(share * 100)}%)`;
      if (row.errors) row.goal += `; ${row.errors} errors or non-2xx`;
    }
    for (const row of [apiRow, apiVariedRow]) {
      row.goal = `p95 < 20 ms: ${(row.p95 ?? Infinity) < 20 ? 'yes' : 'NO'}`;
      if (row.errors) row.goal += `; ${row.errors} errors or non-2xx`;
    }
    if (pageRow.errors) pageRow.goal = `${pageRow.errors} errors or non-2xx`;
    // the baseline every share above is of: an error page would make those shares meaningless
    if (staticRow.errors) staticRow.goal = `${staticRow.errors} errors or non-2xx: the shares above mean nothing`;

    const setup: BenchRow[] = [
      { name: `content publish of ${SERVICE_COUNT} services (with the API's index)${on}`, setup: 'once, one transaction', throughput: (SERVICE_COUNT / importMs) * 1000, p50: importMs },
      { name: `app start on the directory (read the published content), to listening${on}`, setup: 'once', throughput: 1000 / startMs, p50: startMs, goal: `< 5 s: ${startMs < 5000 ? 'yes' : 'NO'}` },
      { name: `the start page's first answer after the start${on}`, setup: 'once', throughput: 1000 / startPageMs, p50: startPageMs },
      { name: `the directory's first search after the start (its index built in the background meanwhile)${on}`, setup: 'once', throughput: 1000 / searchMs, p50: searchMs },
      { name: `the chat's first answer after the start (its engine built in the background, after the directory's index)${on}`, setup: 'once', throughput: 1000 / chatMs, p50: chatMs },
    ];
    return [...setup, staticRow, searchRow, variedRow, pageRow, apiRow, apiVariedRow];
  } finally {
    await server.stop();
  }
}
