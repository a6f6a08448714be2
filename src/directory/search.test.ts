import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPack } from '../content/load.js';
import { defaultPackDir } from '../content/pack-dir.js';
import { deliveryModes, providerTypes, type ContentPack, type Service } from '../content/schema.js';
import { referralRoutes, searchServices, serviceIndexFor, serviceIndexReady, type DirectoryQuery, type DirectoryResult } from './search.js';
import { generateServices } from '../../bench/directory.js';
import { packSections } from '../sections.js';

/** A small pack of our own, so each expectation names the services that prove it. */
function service(slug: string, over: Partial<Service> = {}): Service {
  return {
    slug,
    name: slug.replace(/-/g, ' '),
    summary: `Summary of ${slug}`,
    description: 'A service.',
    status: 'active',
    organization: { name: 'Some organisation' },
    coverage: 'local',
    providerType: 'council',
    phones: [],
    locations: [],
    schedules: [],
    eligibility: 'Anyone',
    cost: { free: true },
    languages: ['English'],
    deliveryModes: ['phone'],
    needAreas: ['general'],
    levels: ['universal'],
    referral: { self: true, professional: false, viaFrontDoor: false, consentNeeded: false },
    card: { canDo: ['x'], cannotDo: ['y'], beforeYouRefer: ['z'], informationToHave: ['w'], howToRefer: ['v'], whatHappensNext: 'u', responseTime: 't' },
    source: { title: 'Test' },
    reviewed: '2026-01-01',
    ...over,
  };
}

const level = (id: string, rank: number) => ({ id, rank, label: `Level ${rank}`, name: id, meaning: 'm', whoResponds: 'w', examples: [], consent: { required: false, guidance: 'g' }, route: 'r', source: { title: 't' }, reviewed: '2026-01-01' });

function fixture(): ContentPack {
  return {
    manifest: { reviewPeriodMonths: 12 } as ContentPack['manifest'],
    levels: [level('universal', 1), level('early-help', 2), level('acute', 4)],
    needAreas: [
      { id: 'general', name: 'General', hint: 'h', synonyms: [], abbreviations: [], children: [] },
      {
        id: 'housing-and-money',
        name: 'Housing, money and food',
        hint: 'h',
        synonyms: [],
        abbreviations: [],
        children: [
          { id: 'housing', name: 'Housing and homelessness', hint: 'h', synonyms: ['eviction'], abbreviations: [] },
          { id: 'food-poverty', name: 'Food', hint: 'h', synonyms: ['food bank', 'food club'], abbreviations: [] },
        ],
      },
      { id: 'mental-health', name: 'Emotional wellbeing', hint: 'h', synonyms: [], abbreviations: ['CAMHS'], children: [] },
    ],
    glossary: [{ term: 'Designated Safeguarding Lead', abbreviations: ['DSL'], synonyms: [], definition: 'd' }],
    services: [
      service('food-club', { name: 'Community food club', summary: 'Cheap food for families', needAreas: ['food-poverty'], cost: { free: false }, deliveryModes: ['in-person'], providerType: 'community', levels: ['universal', 'early-help'], reviewed: '2026-06-01', ages: { min: 0, max: 18 } }),
      service('housing-advice', { name: 'Housing advice line', summary: 'Help when a family is homeless or facing eviction', needAreas: ['housing'], deliveryModes: ['phone', 'online'], levels: ['early-help'], referral: { self: true, professional: true, viaFrontDoor: false, consentNeeded: false }, reviewed: '2025-03-01' }),
      service('money-hub', { name: 'Money hub', summary: 'Debt and benefits advice for residents', needAreas: ['housing-and-money'], levels: ['universal', 'early-help'], reviewed: '2026-02-01', ages: { min: 16, max: 120 } }),
      service('front-door', { name: 'Children front door', summary: 'Report a concern about a child at risk of significant harm', needAreas: ['general'], levels: ['acute'], providerType: 'council', referral: { self: false, professional: true, viaFrontDoor: true, consentNeeded: false }, description: 'Talk to your designated safeguarding lead first.' }),
      service('counselling', { name: 'Online counselling for young people', summary: 'Free anonymous counselling and referrals', needAreas: ['mental-health'], deliveryModes: ['online', 'text'], providerType: 'national', coverage: 'national', ages: { min: 11, max: 25 } }),
      service('school-nurse', { name: 'School nursing', summary: 'Nurses supporting emotional wellbeing in school', needAreas: ['mental-health'], providerType: 'nhs', deliveryModes: ['in-person'], ages: { min: 5, max: 19 } }),
    ],
    sections: {},
  };
}

const slugs = (r: { services: Service[] }) => r.services.map((s) => s.slug);

describe('directory search: text', () => {
  const pack = fixture();

  it('finds a service despite a typo', () => {
    expect(slugs(searchServices(pack, { q: 'housng' }))).toContain('housing-advice');
    expect(slugs(searchServices(pack, { q: 'counseling' }))).toContain('counselling');
  });

  it('finds a service from the start of a word', () => {
    expect(slugs(searchServices(pack, { q: 'counsel' }))).toEqual(['counselling']);
    expect(slugs(searchServices(pack, { q: 'homel' }))).toContain('housing-advice');
  });

  it('matches plurals and other forms of a word', () => {
    expect(slugs(searchServices(pack, { q: 'nurse' }))).toContain('school-nurse');
    expect(slugs(searchServices(pack, { q: 'referral' }))).toContain('counselling');
    expect(slugs(searchServices(pack, { q: 'clubs' }))).toContain('food-club');
  });

  it('expands an abbreviation from the glossary and need areas', () => {
    const dsl = searchServices(pack, { q: 'DSL' });
    expect(slugs(dsl)).toEqual(['front-door']);
    expect(dsl.alsoSearchedFor).toContain('designated safeguarding lead');
    expect(slugs(searchServices(pack, { q: 'camhs' }))).toEqual(expect.arrayContaining(['counselling', 'school-nurse']));
  });

  it('treats synonyms as the same thing: "food bank" finds the food club', () => {
    const r = searchServices(pack, { q: 'food bank' });
    expect(slugs(r)).toContain('food-club');
    expect(r.alsoSearchedFor).toContain('food club');
  });

  it('does not turn a two-letter word into every word starting with it', () => {
    expect(searchServices(pack, { q: 'mo' }).total).toBe(0);
  });

  it('ranks the service named by the words first, and local before national', () => {
    expect(slugs(searchServices(pack, { q: 'money hub' }))[0]).toBe('money-hub');
    const r = searchServices(pack, { q: 'emotional wellbeing' });
    expect(slugs(r).indexOf('school-nurse')).toBeLessThan(slugs(r).indexOf('counselling'));
  });

  it('falls back to any word when no service has them all, and says so', () => {
    const r = searchServices(pack, { q: 'housing zebra' });
    expect(r.loosened).toBe(true);
    expect(slugs(r)).toContain('housing-advice');
    expect(searchServices(pack, { q: 'housing' }).loosened).toBe(false);
  });

  it('ignores words that say nothing, and finds nothing for nonsense', () => {
    expect(searchServices(pack, { q: 'the and of' }).total).toBe(6);
    expect(searchServices(pack, { q: 'qqzzxx' }).total).toBe(0);
  });
});

describe('directory search: filters', () => {
  const pack = fixture();
  const total = (q: Parameters<typeof searchServices>[1]) => searchServices(pack, q).total;

  it('a parent need area includes its children', () => {
    expect(slugs(searchServices(pack, { need: 'housing-and-money', sort: 'name' }))).toEqual(['food-club', 'housing-advice', 'money-hub']);
  });

  it('a child need area includes services tagged with its parent, but not its siblings', () => {
    expect(slugs(searchServices(pack, { need: 'housing', sort: 'name' }))).toEqual(['housing-advice', 'money-hub']);
  });

  it('filters by level, age, cost, delivery, provider and referral route', () => {
    expect(slugs(searchServices(pack, { level: 'acute' }))).toEqual(['front-door']);
    expect(slugs(searchServices(pack, { age: 4, sort: 'name' }))).toEqual(['front-door', 'food-club', 'housing-advice']);
    expect(total({ age: 17 })).toBe(6);
    expect(total({ free: true })).toBe(5);
    expect(slugs(searchServices(pack, { delivery: ['text'] }))).toEqual(['counselling']);
    expect(total({ delivery: ['online', 'in-person'] })).toBe(4);
    expect(slugs(searchServices(pack, { provider: ['nhs'] }))).toEqual(['school-nurse']);
    expect(slugs(searchServices(pack, { route: ['front-door'] }))).toEqual(['front-door']);
    expect(total({ route: ['professional'] })).toBe(2);
  });

  it('combines filters with AND, and with the search words', () => {
    expect(slugs(searchServices(pack, { need: 'housing-and-money', level: 'early-help', free: true, sort: 'name' }))).toEqual(['housing-advice', 'money-hub']);
    expect(slugs(searchServices(pack, { q: 'advice', need: 'housing' }))).toEqual(expect.arrayContaining(['housing-advice', 'money-hub']));
    // the money hub is tagged with the parent need area, so it counts for the food child too
    expect(slugs(searchServices(pack, { q: 'advice', need: 'food-poverty' }))).toEqual(['money-hub']);
    expect(total({ q: 'advice', need: 'mental-health' })).toBe(0);
  });

  it('gives nothing for an unknown id rather than everything', () => {
    expect(total({ need: 'no-such-area' })).toBe(0);
    expect(total({ level: 'no-such-level' })).toBe(0);
  });
});

describe('directory search: facets, sorting, pages', () => {
  const pack = fixture();

  it('counts each option with the other filters kept', () => {
    const r = searchServices(pack, { level: 'early-help' });
    expect(r.total).toBe(3);
    // need counts within early-help
    expect(r.facets.need['housing-and-money']).toBe(3);
    expect(r.facets.need['housing']).toBe(2);
    expect(r.facets.need['mental-health']).toBe(0);
    // level counts ignore the level filter itself, so the other levels show what choosing them gives
    expect(r.facets.level['acute']).toBe(1);
    expect(r.facets.level['universal']).toBe(4);
    expect(r.facets.free).toBe(2);
    expect(r.facets.provider.community).toBe(1);
    expect(r.facets.route.professional).toBe(1);
    expect(r.facets.delivery.phone).toBe(2);
  });

  it('counts what choosing each option would give, search after search (counts are cached by words and filters)', () => {
    const { pack: real } = loadPack(defaultPackDir(), packSections);
    const pack = { ...real! };
    const index = serviceIndexFor(pack);
    const needs = pack.needAreas.flatMap((a) => [a.id, ...a.children.map((c) => c.id)]);
    const levels = pack.levels.map((l) => l.id);
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    // few choices each, so that searches share words and most filters but differ in one
    const query = fc.record({
      q: fc.constantFrom('', 'food', 'counselling', 'domestic abuse', 'support'),
      need: maybe(fc.constantFrom(...needs.slice(0, 6))),
      level: maybe(fc.constantFrom(...levels)),
      age: maybe(fc.constant(9)),
      free: maybe(fc.constant(true)),
      delivery: fc.subarray(deliveryModes.slice(0, 2), { maxLength: 1 }),
      provider: fc.subarray(providerTypes.slice(0, 2), { maxLength: 1 }),
      route: fc.subarray(referralRoutes.slice(0, 1)),
    });
    // one index through every run, so later searches meet counts cached by earlier ones; each count
    // must be the total the search with that option chosen instead finds
    const total = (q: DirectoryQuery) => index.search(q).total;
    fc.assert(
      fc.property(query, (q) => {
        const { facets } = index.search(q);
        for (const id of needs) expect(facets.need[id]).toBe(total({ ...q, need: id }));
        for (const id of levels) expect(facets.level[id]).toBe(total({ ...q, level: id }));
        expect(facets.free).toBe(total({ ...q, free: true }));
        for (const d of deliveryModes) expect(facets.delivery[d]).toBe(total({ ...q, delivery: [d] }));
        for (const p of providerTypes) expect(facets.provider[p]).toBe(total({ ...q, provider: [p] }));
        for (const r of referralRoutes) expect(facets.route[r]).toBe(total({ ...q, route: [r] }));
      }),
      { numRuns: 400 },
    );
  });

  it('says how many services each filter in use holds back when nothing matches', () => {
    const r = searchServices(pack, { level: 'acute', free: false, provider: ['nhs'] });
    expect(r.total).toBe(0);
    expect(r.totalWithout).toEqual({ level: 1, provider: 1 });
  });

  it('sorts A to Z, by most recently reviewed, and by relevance when there are words', () => {
    expect(slugs(searchServices(pack, { sort: 'name' }))[0]).toBe('front-door');
    expect(slugs(searchServices(pack, { sort: 'reviewed' })).slice(0, 2)).toEqual(['food-club', 'money-hub']);
    expect(searchServices(pack, { q: 'food' }).sort).toBe('relevance');
    expect(searchServices(pack, { sort: 'relevance' }).sort).toBe('name');
  });

  it('pages through results and clamps a page past the end', () => {
    const p1 = searchServices(pack, { sort: 'name', perPage: 4 });
    const p2 = searchServices(pack, { sort: 'name', perPage: 4, page: 2 });
    expect(p1.pageCount).toBe(2);
    expect(slugs(p1)).toHaveLength(4);
    expect(slugs(p2)).toHaveLength(2);
    expect(new Set([...slugs(p1), ...slugs(p2)]).size).toBe(6);
    expect(searchServices(pack, { sort: 'name', perPage: 4, page: 99 }).page).toBe(2);
    // each result's place in the index, in the same order, for what is kept per service
    const ranked = searchServices(pack, { q: 'food' });
    for (const r of [p1, p2, ranked]) expect(r.positions.map((p) => serviceIndexFor(pack).services[p])).toEqual(r.services);
  });

  it('builds the index once per pack', () => {
    expect(serviceIndexFor(pack)).toBe(serviceIndexFor(pack));
    expect(serviceIndexFor(fixture())).not.toBe(serviceIndexFor(pack));
  });
});

describe('directory search on the default pack', () => {
  const { pack } = loadPack(defaultPackDir(), packSections);
  if (!pack) throw new Error('default pack does not load');

  it.each([
    ['food bank', 'community-food-clubs'],
    ['MASH', 'childrens-front-door-mash'],
    ['CAMHS', 'camhs-nelft'],
    ['LADO', 'lado-allegations-against-staff'],
    ['DA', 'domestic-and-sexual-violence-service-refuge'],
    ['EHCP', 'sendiass'],
    ['CSE', 'ceop'],
  ])('"%s" finds %s on the first page', (q, slug) => {
    expect(slugs(searchServices(pack, { q }))).toContain(slug);
  });
});

describe('words and filters agree on the default pack', () => {
  const { pack } = loadPack(defaultPackDir(), packSections);
  const index = serviceIndexFor(pack!);
  const every = (query: Partial<DirectoryQuery>) => {
    const slugs = new Set<string>();
    for (let page = 1; ; page++) {
      const r = index.search({ q: '', delivery: [], provider: [], route: [], ...query, page });
      for (const s of r.services) slugs.add(s.slug);
      if (page >= r.pageCount) return slugs;
    }
  };

  it('searching for a need area by its name finds every service its filter shows, those tagged with a broader area too', () => {
    for (const area of pack!.needAreas.flatMap((a) => [a, ...a.children])) {
      const found = every({ q: area.name });
      const missing = [...every({ need: area.id })].filter((slug) => !found.has(slug));
      expect(missing, area.name).toEqual([]);
    }
    // CAMHS is tagged with emotional wellbeing only, and serves anxiety
    expect(every({ q: 'anxiety' }).has('camhs-nelft')).toBe(true);
  });

  it('knows the words written as one that staff type (from the pack)', () => {
    expect(every({ q: 'foodbank' }).has('barking-food-bank')).toBe(true);
    expect(every({ q: 'Foodbanks' }).has('dagenham-food-bank')).toBe(true);
    expect(every({ q: 'selfharm' }).has('camhs-nelft')).toBe(true);
  });
});

describe('the index built a slice at a time (as the app builds it, while it serves)', () => {
  const { pack: defaultPack } = loadPack(defaultPackDir(), packSections);
  // a directory of some size, so that the build takes many steps
  const services = [...defaultPack!.services, ...generateServices(defaultPack!, 1500)];
  const level = defaultPack!.levels[1]!.id;
  const queries: DirectoryQuery[] = [
    { q: 'support' },
    { q: 'food bank', level },
    { q: 'sexual abuse by a family member' },
    { q: 'counseling', page: 2 },
    { need: 'emotional-wellbeing', sort: 'name' },
    { sort: 'reviewed', free: true, page: 3 },
    { q: 'camhs', delivery: ['phone'] },
  ];

  it('searches exactly as the index built at once, and a search asked during the build waits for its end', async () => {
    const atOnce = serviceIndexFor({ ...defaultPack!, services });
    const sliced = { ...defaultPack!, services };
    let pauses = 0;
    const during: Array<Promise<{ answeredAfter: number; results: DirectoryResult[] }>> = [];
    const pause = async () => {
      pauses++;
      // part way through the build: a request that needs the index
      if (pauses === 5) during.push(serviceIndexReady(sliced).then((index) => ({ answeredAfter: pauses, results: queries.map((q) => index.search(q)) })));
    };
    const index = await serviceIndexReady(sliced, { pause, sliceMs: 0 });
    expect(pauses).toBeGreaterThan(50);
    const { answeredAfter, results } = await during[0]!;
    expect(answeredAfter).toBe(pauses);
    queries.forEach((q, i) => {
      const expected = atOnce.search(q);
      expect(expected.total, JSON.stringify(q)).toBeGreaterThan(0);
      expect(results[i], JSON.stringify(q)).toEqual(expected);
      expect(index.search(q)).toEqual(expected);
    });
  });

  it('is finished at once by a caller that cannot wait, and is the same index for both', async () => {
    const sliced = { ...defaultPack! };
    const ready = serviceIndexReady(sliced, { sliceMs: 0 });
    const now = serviceIndexFor(sliced);
    expect(await ready).toBe(now);
    expect(now.search(queries[1]!)).toEqual(serviceIndexFor({ ...defaultPack! }).search(queries[1]!));
  });
});
