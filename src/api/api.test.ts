/**
 * The Open Referral UK API as an integrator meets it: every endpoint's responses validate against the
 * profile's own JSON schemas (test/oruk, vendored from the profile), every filter returns what
 * the served records say it should, and bad input gets a 400/404 JSON answer with the CORS header.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { projectRoot } from '../content/pack-dir.js';
import { serviceOrukId } from '../content/ids.js';
import { serviceIndexFor } from '../directory/search.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { copyDefaultPack, type TempPack } from '../../test/helpers/pack.js';
import { importOrukFeed } from './import.js';
import { orukAjv } from './schema.js';
import { ORUK_DIR } from '../../test/helpers/oruk.js';
import { publishLoadedPack } from '../publishing.js';

const ORUK = ORUK_DIR;
const readJson = (...p: string[]) => JSON.parse(readFileSync(join(ORUK, ...p), 'utf8')) as Record<string, unknown>;

type Json = Record<string, unknown>;

function schemas() {
  const ajv = orukAjv();
  // taxonomy.json refers to taxonomy_term.json by file name
  ajv.addSchema(readJson('schema', 'taxonomy_term.json'), 'taxonomy_term.json');
  ajv.addSchema(readJson('schema', 'taxonomy.json'), 'taxonomy.json');
  for (const name of ['service', 'service_list', 'service_at_location', 'service_at_location_list']) ajv.addSchema(readJson('schema', 'compiled', `${name}.json`), `compiled/${name}.json`);
  const openapi = readJson('schema', 'openapi.json') as { components: { schemas: { Page: Json } } };
  const page = openapi.components.schemas.Page;
  const pageOf = (item: string) =>
    ajv.compile({
      allOf: [page],
      // the profile lists the wrapper's fields; an integrator relies on all of them being there
      required: [...Object.keys(page['properties'] as Json), 'contents'],
      properties: { contents: { type: 'array', items: { $ref: item } } },
    });
  const get = (key: string) => ajv.getSchema(key) as ValidateFunction;
  return {
    service: get('compiled/service.json'),
    serviceAtLocation: get('compiled/service_at_location.json'),
    taxonomy: get('taxonomy.json'),
    taxonomyTerm: get('taxonomy_term.json'),
    servicePage: pageOf('compiled/service_list.json'),
    serviceAtLocationPage: pageOf('compiled/service_at_location_list.json'),
    taxonomyPage: pageOf('taxonomy.json'),
    taxonomyTermPage: pageOf('taxonomy_term.json'),
  };
}

function expectValid(validate: ValidateFunction, data: unknown, what: string): void {
  const ok = validate(data);
  expect(ok ? [] : validate.errors?.map((e) => `${what} ${e.instancePath} ${e.message}`), what).toEqual([]);
}

function findNulls(value: unknown, path = ''): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => findNulls(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => findNulls(v, `${path}.${k}`));
  return [];
}

const FIXTURE = 'api-test-evening-club';

describe('Open Referral UK API', () => {
  let t: TestApp;
  let pack: TempPack;
  let v: ReturnType<typeof schemas>;
  let all: Json[] = [];
  let terms: Json[] = [];
  const get = async (url: string) => {
    const r = await t.app.inject(url);
    return { status: r.statusCode, headers: r.headers, body: r.body, json: () => JSON.parse(r.body) as Json };
  };
  const ids = async (url: string): Promise<string[]> => {
    const r = await get(url);
    expect(r.status, url).toBe(200);
    return ((r.json()['contents'] as Json[]) ?? []).map((s) => String(s['id'])).sort();
  };

  beforeAll(async () => {
    v = schemas();
    pack = copyDefaultPack();
    // one service of our own with what the default pack lacks: a location, a timed schedule, an unverified number
    const first = readdirSync(join(pack.dir, 'services')).filter((f) => f.endsWith('.yaml'))[0]!;
    pack.write(`services/${FIXTURE}.yaml`, readFileSync(join(pack.dir, 'services', first), 'utf8'));
    pack.editYaml<Json>(`services/${FIXTURE}.yaml`, (s) => {
      s['slug'] = FIXTURE;
      s['name'] = 'Api Test Evening Club';
      s['ages'] = { min: 11, max: 16 };
      s['schedules'] = [{ description: 'Monday evenings', byDay: ['MO'], opensAt: '17:00', closesAt: '19:30' }];
      s['locations'] = [
        { name: 'Test Centre', address: { line1: '1 Test Street', city: 'Testtown', postcode: 'IG11 7NB' } },
        { name: 'Old Hall', verified: false },
      ];
      s['phones'] = [{ number: '020 7946 0001', label: 'Club office' }, { number: '020 7946 0999', verified: false }];
      s['unverifiedNote'] = undefined;
    });
    t = await buildTestApp({ packDir: pack.dir });
    const imported = await importOrukFeed(t.store, join(ORUK, 'examples', 'service_full.json'));
    expect(imported.problems).toEqual([]);
    all = [];
    for (const s of (await get('/api/v1/services?per_page=500')).json()['contents'] as Json[]) all.push((await get(`/api/v1/services/${String(s['id'])}`)).json());
    terms = (await get('/api/v1/taxonomy_terms?per_page=500')).json()['contents'] as Json[];
  });
  afterAll(async () => {
    await t.close();
    pack.cleanup();
  });

  it('keeps its copies of the profile files identical to the profile', () => {
    expect(readFileSync(join(projectRoot(), 'src', 'api', 'oruk', 'openapi.json'), 'utf8')).toBe(readFileSync(join(ORUK, 'schema', 'openapi.json'), 'utf8'));
    expect(readFileSync(join(projectRoot(), 'src', 'api', 'oruk', 'service.json'), 'utf8')).toBe(readFileSync(join(ORUK, 'schema', 'compiled', 'service.json'), 'utf8'));
  });

  it('answers GET / with version, profile and an openapi_url that serves the profile’s OpenAPI file', async () => {
    for (const url of ['/api/v1/', '/api/v1']) {
      const r = await get(url);
      expect(r.status).toBe(200);
      const body = r.json();
      expect(body['version']).toBe('3.0');
      expect(String(body['profile'])).toMatch(/^https:\/\//);
      const openapiUrl = new URL(String(body['openapi_url']));
      const spec = await get(openapiUrl.pathname);
      expect(spec.status).toBe(200);
      expect(spec.headers['content-type']).toMatch(/application\/json/);
      expect(spec.json()).toEqual(readJson('schema', 'openapi.json'));
    }
  });

  it('lists every pack service and every imported service, each page valid against the profile', async () => {
    const expected = [...t.published.pack.services.map((s) => serviceOrukId(t.published.pack.manifest.id, s.slug)), readJson('examples', 'service_full.json')['id']];
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const r = await get(`/api/v1/services?per_page=20&page=${page}`);
      expect(r.status).toBe(200);
      const body = r.json();
      expectValid(v.servicePage, body, `services page ${page}`);
      expect(findNulls(body)).toEqual([]);
      seen.push(...(body['contents'] as Json[]).map((s) => String(s['id'])));
      // list items carry one-to-one fields only
      for (const s of body['contents'] as Json[]) expect(Object.keys(s).filter((k) => Array.isArray(s[k]))).toEqual([]);
      if (body['last_page']) break;
    }
    expect(seen.sort()).toEqual([...expected].sort());
    expect(all).toHaveLength(expected.length);
  });

  it('serves every service fully nested, valid against the profile, with optional fields left out rather than null', () => {
    for (const s of all) {
      expectValid(v.service, s, `service ${String(s['name'])}`);
      expect(findNulls(s), String(s['name'])).toEqual([]);
    }
  });

  it('maps our record’s fields, need areas, levels, card and referral route onto the service', () => {
    const club = all.find((s) => s['name'] === 'Api Test Evening Club')!;
    const source = t.published.pack.services.find((s) => s.slug === FIXTURE)!;
    expect(club['id']).toBe(serviceOrukId(t.published.pack.manifest.id, FIXTURE));
    expect([club['minimum_age'], club['maximum_age']]).toEqual([11, 16]);
    expect(club['schedules']).toEqual([expect.objectContaining({ byday: 'MO', opens_at: '17:00:00', closes_at: '19:30:00', description: 'Monday evenings' })]);
    const sal = (club['service_at_locations'] as Json[]) ?? [];
    expect(sal).toHaveLength(1);
    expect(sal[0]!['location']).toMatchObject({ name: 'Test Centre', addresses: [expect.objectContaining({ address_1: '1 Test Street', postal_code: 'IG11 7NB', country: 'GB' })] });
    // an unverified number is not published as open data
    expect((club['phones'] as Json[]).map((p) => p['number'])).toEqual(['020 7946 0001']);
    const attributes = club['attributes'] as Json[];
    const byType = (type: string) => attributes.filter((a) => a['link_type'] === type).map((a) => (a['taxonomy_term'] as Json)['term']);
    expect(byType('need_area')).toEqual(source.needAreas);
    expect(byType('level_of_need')).toEqual(source.levels);
    expect(byType('provider_type')).toEqual([source.providerType]);
    expect(byType('delivery_mode')).toEqual(source.deliveryModes);
    const canDo = attributes.filter((a) => a['link_type'] === 'expectation_card' && (a['taxonomy_term'] as Json)['term'] === 'can-do').map((a) => a['value']);
    expect(canDo).toEqual(source.card.canDo);
    expect(byType('referral_route').includes('self-referral')).toBe(source.referral.self);
    for (const a of attributes) {
      expect(a['link_id']).toBe(club['id']);
      expect(terms.map((x) => x['id'])).toContain(a['taxonomy_term_id']);
    }
  });

  it('keeps ids stable across restarts', async () => {
    const again = await buildTestApp({ packDir: pack.dir });
    try {
      const first = await ids('/api/v1/services?per_page=500');
      const r = await again.app.inject('/api/v1/services?per_page=500');
      const second = ((JSON.parse(r.body) as Json)['contents'] as Json[]).map((s) => String(s['id']));
      // the second app has no imported feed: every pack id is the same
      expect(first.filter((id) => !second.includes(id))).toEqual([String(readJson('examples', 'service_full.json')['id'])]);
      expect((await again.app.inject('/api/v1/taxonomy_terms?per_page=500')).body).toBe((await t.app.inject('/api/v1/taxonomy_terms?per_page=500')).body);
    } finally {
      await again.close();
    }
  });

  it('serves taxonomies and terms valid against the profile, need areas with their parents', async () => {
    const list = (await get('/api/v1/taxonomies')).json();
    expectValid(v.taxonomyPage, list, 'taxonomies');
    const taxonomies = list['contents'] as Json[];
    expect(taxonomies.length).toBeGreaterThanOrEqual(6);
    for (const tx of taxonomies) {
      const one = await get(`/api/v1/taxonomies/${String(tx['id'])}`);
      expectValid(v.taxonomy, one.json(), `taxonomy ${String(tx['name'])}`);
      expect((one.json()['taxonomy_terms'] as Json[]).length).toBeGreaterThan(0);
    }
    const termPage = (await get('/api/v1/taxonomy_terms?per_page=500')).json();
    expectValid(v.taxonomyTermPage, termPage, 'taxonomy terms');
    const needAreaCount = t.published.pack.needAreas.reduce((n, a) => n + 1 + a.children.length, 0);
    const needAreaTerms = terms.filter((x) => x['taxonomy_id'] === taxonomies[0]!['id']);
    expect(needAreaTerms).toHaveLength(needAreaCount);
    const termIds = new Set(terms.map((x) => x['id']));
    for (const term of terms) {
      expectValid(v.taxonomyTerm, (await get(`/api/v1/taxonomy_terms/${String(term['id'])}`)).json(), `term ${String(term['name'])}`);
      if (term['parent_id']) expect(termIds.has(term['parent_id'])).toBe(true);
    }
    const withChildren = t.published.pack.needAreas.filter((a) => a.children.length > 0).length;
    expect(new Set(needAreaTerms.map((x) => x['parent_id']).filter(Boolean)).size).toBe(withChildren);
  });

  it('serves service_at_locations, listed and by id, valid against the profile', async () => {
    const page = (await get('/api/v1/service_at_locations')).json();
    expectValid(v.serviceAtLocationPage, page, 'service_at_locations');
    const contents = page['contents'] as Json[];
    // the pack's verified locations (the fixture's among them) and the imported example's one
    const verified = t.published.pack.services.flatMap((s) => s.locations.filter((l) => l.verified).map((l) => l.name));
    expect(verified).toContain('Test Centre');
    expect(contents.map((s) => (s['location'] as Json)['name']).sort()).toEqual([...new Set([...verified, 'MyCity Civic Center'])].sort());
    for (const s of contents) {
      const one = await get(`/api/v1/service_at_locations/${String(s['id'])}`);
      expect(one.status).toBe(200);
      expectValid(v.serviceAtLocation, one.json(), 'service_at_location');
      expect((one.json()['service'] as Json)['id']).toBe(s['service_id']);
    }
    const filtered = (await get('/api/v1/service_at_locations?day=MO&minimum_age=11')).json();
    expect((filtered['contents'] as Json[]).map((s) => (s['service'] as Json)['name'])).toEqual(['Api Test Evening Club']);
  });

  describe('filters', () => {
    const idsWhere = (pred: (s: Json) => boolean) => all.filter(pred).map((s) => String(s['id'])).sort();
    const schedulesOf = (s: Json) => (s['schedules'] as Json[] | undefined) ?? [];
    const termIdsOf = (s: Json) => ((s['attributes'] as Json[] | undefined) ?? []).map((a) => String(a['taxonomy_term_id'] ?? (a['taxonomy_term'] as Json)['id']));

    it('taxonomy_term_id: a child term finds services with it; a parent term also finds its children’s services', async () => {
      const parent = terms.find((x) => terms.some((c) => c['parent_id'] === x['id']))!;
      const family = [parent['id'], ...terms.filter((c) => c['parent_id'] === parent['id']).map((c) => c['id'])];
      const expected = idsWhere((s) => termIdsOf(s).some((id) => family.includes(id)));
      expect(expected.length).toBeGreaterThan(0);
      expect(await ids(`/api/v1/services?per_page=500&taxonomy_term_id=${String(parent['id'])}`)).toEqual(expected);
      const child = terms.find((c) => c['parent_id'] === parent['id'] && all.some((s) => termIdsOf(s).includes(String(c['id']))))!;
      expect(await ids(`/api/v1/services?per_page=500&taxonomy_term_id=${String(child['id'])}`)).toEqual(idsWhere((s) => termIdsOf(s).includes(String(child['id']))));
      // an imported feed's own term ids work too
      expect(await ids('/api/v1/services?taxonomy_term_id=3f7b145d-84af-42d7-8fae-eaca714b02b2')).toEqual([String(readJson('examples', 'service_full.json')['id'])]);
    });

    it('taxonomy_term_id and taxonomy_id agree with the attributes served, for every term and taxonomy', async () => {
      for (const term of terms) {
        const family = [term['id'], ...terms.filter((c) => c['parent_id'] === term['id']).map((c) => c['id'])];
        expect(await ids(`/api/v1/services?per_page=500&taxonomy_term_id=${String(term['id'])}`), String(term['name'])).toEqual(idsWhere((s) => termIdsOf(s).some((id) => family.includes(id))));
      }
      for (const taxonomyId of new Set(terms.map((x) => x['taxonomy_id']))) {
        expect(await ids(`/api/v1/services?per_page=500&taxonomy_id=${String(taxonomyId)}`)).toEqual(
          idsWhere((s) => ((s['attributes'] as Json[]) ?? []).some((a) => (a['taxonomy_term'] as Json)['taxonomy_id'] === taxonomyId)),
        );
      }
    });

    it('minimum_age and maximum_age, as the profile defines them', async () => {
      expect(await ids('/api/v1/services?per_page=500&minimum_age=11')).toEqual(idsWhere((s) => typeof s['minimum_age'] === 'number' && s['minimum_age'] >= 11));
      expect(await ids('/api/v1/services?per_page=500&maximum_age=16')).toEqual(idsWhere((s) => typeof s['maximum_age'] === 'number' && s['maximum_age'] <= 16));
      expect(await ids('/api/v1/services?per_page=500&minimum_age=11&maximum_age=16')).toEqual([serviceOrukId(t.published.pack.manifest.id, FIXTURE)]);
    });

    it('day, start_time and end_time match one schedule', async () => {
      const onDay = (d: string) => idsWhere((s) => schedulesOf(s).some((sc) => String(sc['byday'] ?? '').split(',').includes(d)));
      expect(await ids('/api/v1/services?per_page=500&day=TH')).toEqual(onDay('TH'));
      expect(await ids('/api/v1/services?per_page=500&day=monday')).toEqual(onDay('MO'));
      expect(await ids('/api/v1/services?per_page=500&start_time=17:00')).toEqual(idsWhere((s) => schedulesOf(s).some((sc) => String(sc['opens_at'] ?? '') >= '17:00:00')));
      expect(await ids('/api/v1/services?per_page=500&end_time=18:00')).toEqual(idsWhere((s) => schedulesOf(s).some((sc) => sc['closes_at'] !== undefined && String(sc['closes_at']) <= '18:00:00')));
      // the club is open on Monday 17:00-19:30: ending by 19:00 rules it out
      expect(await ids('/api/v1/services?day=MO&start_time=17:00&end_time=19:00')).toEqual([]);
      expect(await ids('/api/v1/services?day=MO&start_time=17:00&end_time=19:30')).toEqual([serviceOrukId(t.published.pack.manifest.id, FIXTURE)]);
    });

    it('search: every word, with plurals, in name, description and need area words', async () => {
      // the imported example says "eating disorders"; the pack's services for that need area are found by its name
      const eating = await ids('/api/v1/services?per_page=500&search=eating%20DISORDERS');
      expect(eating).toContain(String(readJson('examples', 'service_full.json')['id']));
      const eatingArea = t.published.pack.needAreas.flatMap((a) => a.children).find((a) => /eating disorder/i.test(a.name))!;
      const tagged = t.published.pack.services.filter((s) => s.needAreas.includes(eatingArea.id)).map((s) => serviceOrukId(t.published.pack.manifest.id, s.slug));
      expect(tagged.length).toBeGreaterThan(0);
      expect([...eating].sort()).toEqual([String(readJson('examples', 'service_full.json')['id']), ...tagged].sort());
      expect(await ids('/api/v1/services?per_page=500&search=counselling')).toContain(String(readJson('examples', 'service_full.json')['id']));
      expect(await ids('/api/v1/services?search=evening%20clubs')).toEqual([serviceOrukId(t.published.pack.manifest.id, FIXTURE)]);
      expect(await ids('/api/v1/services?search=evening%20zebra')).toEqual([]);
      // a need area's abbreviation finds the services of that need area
      const area = t.published.pack.needAreas.flatMap((a) => [a, ...a.children]).find((a) => a.abbreviations.length > 0 && t.published.pack.services.some((s) => s.needAreas.includes(a.id)))!;
      const found = await ids(`/api/v1/services?per_page=500&search=${encodeURIComponent(area.abbreviations[0]!)}`);
      for (const s of t.published.pack.services.filter((x) => x.needAreas.includes(area.id))) expect(found).toContain(serviceOrukId(t.published.pack.manifest.id, s.slug));
    });

    it('search finds the pack’s services as "Find services" does: a synonym from the glossary, a typo', async () => {
      const pack = t.published.pack;
      // "food parcel" is a synonym of "food club" that no service's own text uses; "mentorng" misses a letter
      for (const search of ['food parcel', 'mentorng']) {
        expect(pack.services.filter((s) => JSON.stringify(s).toLowerCase().includes(search)), search).toEqual([]);
        const directory = serviceIndexFor(pack).search({ q: search, perPage: 100 });
        expect(directory.loosened).toBe(false);
        expect(directory.total, search).toBeGreaterThan(0);
        const found = await ids(`/api/v1/services?per_page=500&search=${encodeURIComponent(search)}`);
        expect(found.sort(), search).toEqual(directory.services.map((s) => serviceOrukId(pack.manifest.id, s.slug)).sort());
      }
    });

    it('modified_after compares times, whatever their written precision', async () => {
      const example = String(readJson('examples', 'service_full.json')['id']);
      expect(await ids('/api/v1/services?per_page=500&modified_after=2999-01-01')).toEqual([]);
      expect((await ids('/api/v1/services?per_page=500&modified_after=2000-01-01')).length).toBe(all.length);
      // the example was last modified 2023-03-15T10:30:45.123Z; the pack services on import
      expect(await ids('/api/v1/services?per_page=500&modified_after=2023-03-15T10:30:45Z')).toContain(example);
      expect(await ids('/api/v1/services?per_page=500&modified_after=2023-03-15T10:30:46Z')).not.toContain(example);
    });

    it('combines filters with AND', async () => {
      const parent = terms.find((x) => x['term'] === t.published.pack.services.find((s) => s.slug === FIXTURE)!.needAreas[0])!;
      const a = await ids(`/api/v1/services?per_page=500&taxonomy_term_id=${String(parent['id'])}`);
      const b = await ids('/api/v1/services?per_page=500&day=MO');
      const c = await ids('/api/v1/services?per_page=500&search=club');
      const both = await ids(`/api/v1/services?per_page=500&taxonomy_term_id=${String(parent['id'])}&day=MO&search=club`);
      expect(both).toEqual(a.filter((id) => b.includes(id) && c.includes(id)));
      expect(both).toContain(serviceOrukId(t.published.pack.manifest.id, FIXTURE));
    });
  });

  describe('pagination', () => {
    it('pages through with the profile’s wrapper, and past the end gives an empty page', async () => {
      const total = all.length;
      const first = (await get('/api/v1/services?per_page=1')).json();
      expect(first).toMatchObject({ total_items: total, total_pages: total, page_number: 1, size: 1, first_page: true, last_page: false, empty: false });
      const last = (await get(`/api/v1/services?per_page=1&page=${total}`)).json();
      expect(last).toMatchObject({ page_number: total, size: 1, first_page: false, last_page: true, empty: false });
      const beyond = (await get(`/api/v1/services?per_page=1&page=${total + 1}`)).json();
      expect(beyond).toMatchObject({ total_items: total, size: 0, last_page: true, empty: true, contents: [] });
      const everything = await ids('/api/v1/services?per_page=500');
      const pieces: string[] = [];
      for (let p = 1; p <= Math.ceil(total / 7); p++) pieces.push(...(((await get(`/api/v1/services?per_page=7&page=${p}`)).json()['contents'] as Json[]).map((s) => String(s['id']))));
      expect(pieces.sort()).toEqual(everything);
      expect(new Set(pieces).size).toBe(total);
      const none = (await get('/api/v1/services?search=zebrazebra')).json();
      expect(none).toMatchObject({ total_items: 0, total_pages: 0, size: 0, empty: true, contents: [] });
      expect((await get('/api/v1/taxonomy_terms?per_page=5&page=2')).json()).toMatchObject({ page_number: 2, size: 5, first_page: false });
    });
  });

  describe('bad requests', () => {
    const bad: Array<[string, string]> = [
      ['/api/v1/services?page=0', 'page'],
      ['/api/v1/services?page=-1', 'page'],
      ['/api/v1/services?page=1.5', 'page'],
      ['/api/v1/services?per_page=0', 'per_page'],
      ['/api/v1/services?per_page=501', 'per_page'],
      ['/api/v1/services?per_page=lots', 'per_page'],
      ['/api/v1/services?page=1&page=2', 'page'],
      ['/api/v1/services?minimum_age=ten', 'minimum_age'],
      ['/api/v1/services?maximum_age=-3', 'maximum_age'],
      ['/api/v1/services?minimum_age=12&maximum_age=5', 'minimum_age'],
      ['/api/v1/services?day=someday', 'day'],
      ['/api/v1/services?start_time=25:00', 'start_time'],
      ['/api/v1/services?end_time=noon', 'end_time'],
      ['/api/v1/services?modified_after=yesterday', 'modified_after'],
      ['/api/v1/services?modified_after=2026-13-45', 'modified_after'],
      ['/api/v1/services?taxonomy_term_id=%3Cscript%3E', 'taxonomy_term_id'],
      ['/api/v1/services?taxonomy_id=1%20OR%201%3D1', 'taxonomy_id'],
      [`/api/v1/services?search=${'a'.repeat(201)}`, 'search'],
      ['/api/v1/services?postcode=IG11%207NB', 'postcode'],
      ['/api/v1/services?sort=name', 'sort'],
      ['/api/v1/service_at_locations?postcode=IG11%207NB', 'postcode'],
      ['/api/v1/service_at_locations?proximity=1000', 'proximity'],
      ['/api/v1/taxonomies?search=x', 'search'],
      ['/api/v1/taxonomy_terms?per_page=x', 'per_page'],
    ];
    it.each(bad)('%s is a 400 naming %s', async (url, parameter) => {
      const r = await get(url);
      expect(r.status).toBe(400);
      expect(r.headers['access-control-allow-origin']).toBe('*');
      expect(r.json()).toMatchObject({ error: 'Bad Request', parameter, statusCode: 400 });
      expect(String(r.json()['message'])).not.toMatch(/<script>/);
    });

    it('unknown ids and paths are a 404 in JSON', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const url of [
        `/api/v1/services/${unknown}`,
        '/api/v1/services/not-a-uuid',
        `/api/v1/taxonomies/${unknown}`,
        `/api/v1/taxonomy_terms/${unknown}`,
        `/api/v1/service_at_locations/${unknown}`,
        '/api/v1/organizations',
        `/api/v1/services/${'%F0%9F%92%A5'.repeat(20)}`,
      ]) {
        const r = await get(url);
        expect(r.status, url).toBe(404);
        expect(r.headers['content-type'], url).toMatch(/application\/json/);
        expect(r.headers['access-control-allow-origin'], url).toBe('*');
      }
    });
  });

  it('sends Access-Control-Allow-Origin: * on every endpoint, and answers a preflight', async () => {
    const someService = String(all[0]!['id']);
    const someSal = String((((await get('/api/v1/service_at_locations')).json()['contents'] as Json[])[0] as Json)['id']);
    for (const url of [
      '/api/v1/',
      '/api/v1/openapi.json',
      '/api/v1/services',
      `/api/v1/services/${someService}`,
      '/api/v1/taxonomies',
      `/api/v1/taxonomies/${String(terms[0]!['taxonomy_id'])}`,
      '/api/v1/taxonomy_terms',
      `/api/v1/taxonomy_terms/${String(terms[0]!['id'])}`,
      '/api/v1/service_at_locations',
      `/api/v1/service_at_locations/${someSal}`,
    ]) {
      const r = await get(url);
      expect(r.status, url).toBe(200);
      expect(r.headers['access-control-allow-origin'], url).toBe('*');
    }
    const pre = await t.app.inject({ method: 'OPTIONS', url: '/api/v1/services', headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-methods'])).toContain('GET');
  });

  it('is linked from the footer of every page, and is not a start-page tool', async () => {
    const r = await get('/');
    expect(r.body).toContain('href="/api/v1/"');
    expect(r.body).toContain('Open data (Open Referral UK API)');
  });

  it('picks up a republished pack on the next request', async () => {
    const before = (await get('/api/v1/services')).json()['total_items'] as number;
    const current = t.published.pack;
    const dropped = current.services.find((s) => s.slug === FIXTURE)!;
    await publishLoadedPack(t.store, { ...current, services: current.services.filter((s) => s !== dropped) }, 'test-hash');
    try {
      expect((await get('/api/v1/services')).json()['total_items']).toBe(before - 1);
      expect((await get(`/api/v1/services/${serviceOrukId(current.manifest.id, FIXTURE)}`)).status).toBe(404);
    } finally {
      await publishLoadedPack(t.store, current, 'test-hash-2');
    }
    expect((await get('/api/v1/services')).json()['total_items']).toBe(before);
  });
});
