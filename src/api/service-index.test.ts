/**
 * The in-memory index answers every list exactly as the SQL queries over the index tables did: same
 * total, same items, same order, for any mix of filters, search words, pages and page sizes, over
 * pack services and imported ones alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { importOrukFeed } from './import.js';
import { BadParameter, readServiceFilters } from './params.js';
import { Ordered } from './positions.js';
import { apiDb, listServiceAtLocations, listServices, packIndexState, type ApiDb, type PackIndexState, type ServiceFilters } from './repository.js';
import { loadServiceIndex, pageOfServiceAtLocations, pageOfServices, type ServiceIndex } from './service-index.js';
import { ORUK_EXAMPLES } from '../../test/helpers/oruk.js';

type Json = Record<string, unknown>;
const EXAMPLES = ORUK_EXAMPLES;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const hhmm = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;

describe('Ordered', () => {
  it('finds the services with a value at least or at most the one asked, never those without a value', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }), { minLength: 1, maxLength: 1800 }), fc.integer({ min: -1, max: 31 }), (values, x) => {
        const ordered = Ordered.build<number>(values.length, (i) => values[i]!);
        const naive = (keep: (v: number) => boolean) => values.flatMap((v, i) => (v !== null && keep(v) ? [i] : []));
        expect(ordered.atLeast(x).slice(0, values.length)).toEqual(naive((v) => v >= x));
        expect(ordered.atMost(x).slice(0, values.length)).toEqual(naive((v) => v <= x));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the API’s in-memory index', () => {
  let t: TestApp;
  let db: ApiDb;
  let state: PackIndexState;
  let index: ServiceIndex;
  let dir: string;
  let words: string[];

  beforeAll(async () => {
    t = await buildTestApp();
    db = apiDb(t.store.db);
    state = packIndexState(t.content.pack());
    const packTerms = [...state.taxonomies.termById.values()].filter((term) => term.taxonomy_id !== state.taxonomies.cardTaxonomyId);
    // a feed whose services share the pack's terms and vary in ages, schedules and modification times
    const feed = Array.from({ length: 60 }, (_, n): Json => {
      const term = packTerms[(n * 7) % packTerms.length]!;
      return {
        id: uuid(n + 1),
        name: `${['Riverside', 'Northgate', 'Abbey'][n % 3]} feed service ${n + 1}`,
        status: 'active',
        description: `Imported ${['counselling', 'food club', 'youth mentoring', 'parenting support'][n % 4]} number ${n + 1}`,
        ...(n % 3 !== 0 ? { minimum_age: n % 10, maximum_age: 10 + (n % 9) } : {}),
        ...(n % 5 !== 0 ? { last_modified: `2026-0${1 + (n % 9)}-1${n % 10}T10:00:00Z` } : {}),
        ...(n % 4 !== 0
          ? {
              schedules: [
                { id: uuid(1000 + n), freq: 'WEEKLY', interval: 1, byday: `${DAYS[n % 7]},${DAYS[(n + 3) % 7]}`, opens_at: hhmm(7 + (n % 6), (n % 2) * 30), closes_at: hhmm(12 + (n % 9), 0) },
                ...(n % 6 === 1 ? [{ id: uuid(3000 + n), description: 'By appointment' }] : []),
              ],
            }
          : {}),
        attributes: [{ id: uuid(2000 + n), link_type: 'need_area', taxonomy_term_id: term.id, taxonomy_term: { id: term.id, name: term.name, description: term.description, taxonomy: term.taxonomy, taxonomy_id: term.taxonomy_id } }],
        ...(n % 8 === 0 ? { service_at_locations: [{ id: uuid(4000 + n), location: { id: uuid(5000 + n), location_type: 'physical', name: `Hall ${n}` } }] } : {}),
      };
    });
    dir = mkdtempSync(join(tmpdir(), 'isg-api-index-'));
    writeFileSync(join(dir, 'feed.json'), JSON.stringify(feed));
    for (const file of [join(dir, 'feed.json'), join(EXAMPLES, 'service_full.json')]) {
      const r = await importOrukFeed(t.store, file);
      expect(r.problems).toEqual([]);
    }
    index = await loadServiceIndex(db);
    words = [...new Set(index.vocabulary.map((v) => v.word))];
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const text = ({ total, rows }: { total: number; rows: Buffer[] }) => ({ total, rows: rows.map((r) => r.toString('utf8')) });
  const same = async (f: ServiceFilters, page: number, perPage: number) => {
    expect(text(pageOfServices(index, f, page, perPage))).toEqual(await listServices(db, f, page, perPage));
    const sals = await listServiceAtLocations(db, f, page, perPage);
    expect(text(pageOfServiceAtLocations(index, f, page, perPage))).toEqual({ total: sals.total, rows: sals.rows.map((r) => JSON.stringify(r)) });
  };

  it('pages through every service in the SQL query’s order', async () => {
    expect(index.size).toBeGreaterThan(60);
    for (const perPage of [1, 7, 50, 500]) {
      for (let page = 1; (page - 1) * perPage <= index.size; page++) await same({}, page, perPage);
    }
  });

  it('finds what the SQL search found: any word containing each search word, short words and no match included', async () => {
    const cases = ['counsel', 'food club', 'riverside mentoring', 'camhs', 'da', 'a', 'ing', 'zzzq', 'referrals', 'feed 1', ...words.slice(0, 40)];
    for (const search of cases) {
      const f = readServiceFilters({ search }, state.taxonomies);
      await same(f, 1, 500);
    }
  });

  it('finds what the SQL search found when the pack’s services are found by the directory’s text index', async () => {
    const cases = ['counsel', 'food parcel', 'mentorng', 'camhs', 'da', 'the', 'zzzq', 'feed 1', ...words.slice(0, 20)];
    for (const search of cases) {
      const f = readServiceFilters({ search }, state.taxonomies, t.content.pack());
      expect(f.packMatches, search).toBeDefined();
      await same(f, 1, 500);
      await same({ ...f, day: 'MO' }, 1, 7);
    }
  });

  it('agrees with the SQL queries for any mix of filters, pages and page sizes', async () => {
    const terms = [...state.taxonomies.termById.keys()];
    const taxonomies = [...state.taxonomies.taxonomyById.keys()];
    const sometimes = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: a, weight: 1 });
    const searchWord = fc.oneof(
      fc.constantFrom(...words),
      fc.constantFrom(...words).chain((w) => fc.nat(w.length - 1).map((i) => w.slice(i, i + 3))),
      fc.constantFrom('support', 'families', 'zzq', 'e'),
    );
    const query = fc.record({
      search: sometimes(fc.array(searchWord, { minLength: 1, maxLength: 2 }).map((ws) => ws.join(' '))),
      taxonomy_term_id: sometimes(fc.constantFrom(...terms)),
      taxonomy_id: sometimes(fc.constantFrom(...taxonomies)),
      minimum_age: sometimes(fc.integer({ min: 0, max: 19 }).map(String)),
      maximum_age: sometimes(fc.integer({ min: 0, max: 25 }).map(String)),
      day: sometimes(fc.constantFrom(...DAYS)),
      start_time: sometimes(fc.constantFrom('00:00', '07:30', '09:00', '10:00', '12:00')),
      end_time: sometimes(fc.constantFrom('12:00', '16:00', '17:00', '20:00', '23:59:59')),
      modified_after: sometimes(fc.constantFrom('2020-01-01', '2026-03-01', '2026-06-15T12:00:00Z', '2099-01-01')),
    });
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(query, fc.integer({ min: 1, max: 4 }), fc.constantFrom(1, 3, 10, 50, 500), async (q, page, perPage) => {
        const given = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
        let f: ServiceFilters;
        try {
          f = readServiceFilters(given, state.taxonomies);
        } catch (err) {
          if (err instanceof BadParameter) return;
          throw err;
        }
        await same(f, page, perPage);
        if (pageOfServices(index, f, page, perPage).rows.length > 0) nonEmpty++;
      }),
      { numRuns: 400 },
    );
    // the comparison means something only if many of the generated queries find services
    expect(nonEmpty).toBeGreaterThan(100);
  });
});
