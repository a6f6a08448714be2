/**
 * The service landscape's search engine: pure functions over a published pack, no HTTP, no SQL.
 *
 * Text goes through MiniSearch (typo tolerance, prefixes, and plurals through the shared stemmer),
 * widened by the pack's abbreviations and synonyms. Filters are precomputed sets of service
 * positions (see bitset.ts), built once per pack, so a request never rebuilds the index nor reads
 * every record: it ANDs a handful of bitsets, counts facets and slices one page.
 */
import MiniSearch, { type SearchOptions } from 'minisearch';
import { deliveryModes, providerTypes, type ContentPack, type DeliveryMode, type ProviderType, type Service } from '../content/schema.js';
import { buildVocabulary, stem, tokenize, type Vocabulary } from '../content/vocabulary.js';
import { Bitset } from './bitset.js';

export const referralRoutes = ['self', 'professional', 'front-door'] as const;
export type ReferralRoute = (typeof referralRoutes)[number];

export const sortOrders = ['relevance', 'name', 'reviewed'] as const;
export type SortOrder = (typeof sortOrders)[number];

/** the ages a "child's age" filter accepts (the content model caps a service's minimum age at 25) */
export const AGE_RANGE = { min: 0, max: 25 } as const;
export const DEFAULT_PER_PAGE = 20;

export interface LandscapeFilters {
  /** a need area id, parent or child */
  need?: string;
  /** a level id */
  level?: string;
  age?: number;
  free?: boolean;
  delivery?: DeliveryMode[];
  provider?: ProviderType[];
  route?: ReferralRoute[];
}

export interface LandscapeQuery extends LandscapeFilters {
  q?: string;
  sort?: SortOrder;
  page?: number;
  perPage?: number;
}

/** How many services each filter option would give, with every other filter kept as it is. */
export interface FacetCounts {
  need: Record<string, number>;
  level: Record<string, number>;
  free: number;
  delivery: Record<DeliveryMode, number>;
  provider: Record<ProviderType, number>;
  route: Record<ReferralRoute, number>;
}

export interface LandscapeResult {
  total: number;
  /** the page shown, clamped to the pages there are */
  page: number;
  pageCount: number;
  perPage: number;
  sort: SortOrder;
  services: Service[];
  facets: FacetCounts;
  /** phrases added from the pack's abbreviations and synonyms, e.g. "food club" for "food bank" */
  alsoSearchedFor: string[];
  /** no service had every word, so results are those with any of them */
  loosened: boolean;
  /** for each filter in use, how many services there would be without it (to say which to loosen) */
  totalWithout: Partial<Record<FilterName, number>>;
}

export type FilterName = 'need' | 'level' | 'age' | 'free' | 'delivery' | 'provider' | 'route';

export interface NeedAreaOption {
  id: string;
  name: string;
  parentId?: string;
}

export interface ServiceIndex {
  readonly pack: ContentPack;
  readonly services: readonly Service[];
  readonly needAreas: readonly NeedAreaOption[];
  readonly vocabulary: Vocabulary;
  /** a service of the pack by its slug */
  service(slug: string): Service | undefined;
  search(query: LandscapeQuery): LandscapeResult;
}

// Words that say nothing about a service; dropping them keeps "help for a family" from matching everything.
const STOP_WORDS = new Set(['a', 'an', 'the', 'and', 'or', 'of', 'for', 'to', 'in', 'on', 'with', 'at', 'by', 'is', 'are', 'be', 'my', 'our', 'their', 'from', 'about', 'who', 'what', 'how', 'do', 'i']);

// the same few thousand words recur across records: stem each once
const stems = new Map<string, string>();
function stemOf(term: string): string {
  let s = stems.get(term);
  if (s === undefined) {
    s = stem(term);
    if (stems.size < 200_000) stems.set(term, s);
  }
  return s;
}

/**
 * Index side: keep the word and its stem, so both a typo of the word and another form of it can
 * meet. Every indexed term is noted in `known`.
 */
function indexTermInto(known: Set<string>) {
  return (term: string): string | string[] | null => {
    if (STOP_WORDS.has(term)) return null;
    const s = stemOf(term);
    known.add(term);
    known.add(s);
    return s === term ? term : [term, s];
  };
}

/** Query side: the stem only ("referrals" meets "referral"; "housng" is one edit from "housing"). */
function queryTerm(term: string): string | null {
  return STOP_WORDS.has(term) ? null : stemOf(term);
}

/**
 * A word the index knows is matched as it is; only an unknown one is treated as the start of a word
 * or a typo. That keeps common words from fanning out into dozens of near-matches (each costing a
 * pass over its records), and short words get neither: "da" must not become "day" or "dagenham".
 */
function searchOptions(known: Set<string>): SearchOptions {
  return {
    boost: { name: 4, needAreas: 2.5, summary: 2, synonyms: 0.7 },
    prefix: (term) => term.length >= 3 && !known.has(term),
    fuzzy: (term) => (known.has(term) ? false : term.length >= 9 ? 2 : term.length >= 5 ? 1 : false),
    weights: { fuzzy: 0.3, prefix: 0.5 },
    processTerm: queryTerm,
    tokenize,
  };
}

const TEXT_CACHE_SIZE = 500;

interface TextMatch {
  /** positions in relevance order */
  ranked: Int32Array;
  set: Bitset;
  alsoSearchedFor: string[];
  loosened: boolean;
}

class Index implements ServiceIndex {
  readonly services: readonly Service[];
  readonly needAreas: NeedAreaOption[] = [];
  readonly vocabulary: Vocabulary;
  private readonly n: number;
  private readonly all: Bitset;
  private readonly miniSearch: MiniSearch;
  private readonly needSets = new Map<string, Bitset>();
  private readonly levelSets = new Map<string, Bitset>();
  private readonly ageSets: Bitset[] = [];
  private readonly freeSet: Bitset;
  private readonly deliverySets = new Map<DeliveryMode, Bitset>();
  private readonly providerSets = new Map<ProviderType, Bitset>();
  private readonly routeSets = new Map<ReferralRoute, Bitset>();
  private readonly byName: Int32Array;
  private readonly byReviewed: Int32Array;
  private readonly textCache = new Map<string, TextMatch | undefined>();
  private readonly bySlug: Map<string, Service>;

  constructor(readonly pack: ContentPack) {
    const services = pack.services;
    this.services = services;
    this.n = services.length;
    const n = this.n;
    this.all = Bitset.full(n);
    this.bySlug = new Map(services.map((s) => [s.slug, s]));
    this.vocabulary = buildVocabulary(pack);

    // Need areas: a parent's set holds its children's services; a child's set holds its parent's.
    const parentOf = new Map<string, string>();
    const namesOf = new Map<string, string>();
    for (const area of pack.needAreas) {
      this.needAreas.push({ id: area.id, name: area.name });
      namesOf.set(area.id, [area.name, ...area.synonyms, ...area.abbreviations].join(' '));
      for (const child of area.children) {
        this.needAreas.push({ id: child.id, name: child.name, parentId: area.id });
        parentOf.set(child.id, area.id);
        namesOf.set(child.id, [child.name, ...child.synonyms, ...child.abbreviations].join(' '));
      }
    }
    const tagged = new Map<string, number[]>(this.needAreas.map((a) => [a.id, []]));
    services.forEach((s, i) => {
      for (const id of s.needAreas) tagged.get(id)?.push(i);
    });
    for (const area of pack.needAreas) {
      const own = tagged.get(area.id) ?? [];
      const childIds = area.children.map((c) => c.id);
      this.needSets.set(area.id, Bitset.of(n, [...own, ...childIds.flatMap((c) => tagged.get(c) ?? [])]));
      for (const c of childIds) this.needSets.set(c, Bitset.of(n, [...(tagged.get(c) ?? []), ...own]));
    }

    for (const l of pack.levels) this.levelSets.set(l.id, Bitset.of(n, positions(services, (s) => s.levels.includes(l.id))));
    for (let age = AGE_RANGE.min; age <= AGE_RANGE.max; age++) {
      this.ageSets[age] = Bitset.of(n, positions(services, (s) => !s.ages || (s.ages.min <= age && age <= s.ages.max)));
    }
    this.freeSet = Bitset.of(n, positions(services, (s) => s.cost.free));
    for (const d of deliveryModes) this.deliverySets.set(d, Bitset.of(n, positions(services, (s) => s.deliveryModes.includes(d))));
    for (const p of providerTypes) this.providerSets.set(p, Bitset.of(n, positions(services, (s) => s.providerType === p)));
    this.routeSets.set('self', Bitset.of(n, positions(services, (s) => s.referral.self)));
    this.routeSets.set('professional', Bitset.of(n, positions(services, (s) => s.referral.professional)));
    this.routeSets.set('front-door', Bitset.of(n, positions(services, (s) => s.referral.viaFrontDoor)));

    const order = [...services.keys()];
    const collator = new Intl.Collator('en-GB', { sensitivity: 'base', numeric: true });
    this.byName = Int32Array.from([...order].sort((a, b) => collator.compare(services[a]!.name, services[b]!.name)));
    const nameRank = new Int32Array(n);
    this.byName.forEach((pos, rank) => (nameRank[pos] = rank));
    this.byReviewed = Int32Array.from(
      [...order].sort((a, b) => (services[a]!.reviewed < services[b]!.reviewed ? 1 : services[a]!.reviewed > services[b]!.reviewed ? -1 : nameRank[a]! - nameRank[b]!)),
    );

    const national = new Uint8Array(n);
    services.forEach((s, i) => (national[i] = s.coverage === 'national' ? 1 : 0));
    const known = new Set<string>();
    this.miniSearch = new MiniSearch<{ id: number }>({
      // few fields: each one multiplies the work of every query
      fields: ['name', 'summary', 'needAreas', 'body', 'synonyms'],
      tokenize,
      processTerm: indexTermInto(known),
      searchOptions: {
        ...searchOptions(known),
        // local services before national lines of equal relevance
        boostDocument: (id: number) => (national[id] ? 0.8 : 1),
      },
    });
    const synonyms = synonymMatcher(this.vocabulary);
    this.miniSearch.addAll(
      services.map((s, i) => {
        const areas = new Set<string>();
        for (const id of s.needAreas) {
          areas.add(namesOf.get(id) ?? '');
          const parent = parentOf.get(id);
          if (parent) areas.add(namesOf.get(parent) ?? '');
        }
        const doc = {
          id: i,
          name: s.name,
          summary: s.summary,
          needAreas: [...areas].join(' '),
          body: [s.organization.name, s.description, s.eligibility, ...s.card.canDo].join(' '),
        };
        return { ...doc, synonyms: synonyms.keywordsFor([doc.name, doc.summary, doc.needAreas, doc.body].join(' ')) };
      }),
    );
  }

  service(slug: string): Service | undefined {
    return this.bySlug.get(slug);
  }

  search(query: LandscapeQuery): LandscapeResult {
    const text = query.q ? this.matchText(query.q) : undefined;
    const filters = this.filterSets(query);

    const base = (except?: string) => {
      const b = text ? text.set.clone() : this.all.clone();
      for (const [key, set] of filters) if (key !== except) b.andWith(set);
      return b;
    };
    const results = base();
    const facets = this.facets(base);

    const sort: SortOrder = query.sort === 'relevance' && !text ? 'name' : (query.sort ?? (text ? 'relevance' : 'name'));
    const order = sort === 'relevance' && text ? text.ranked : sort === 'reviewed' ? this.byReviewed : this.byName;
    const perPage = Math.max(1, Math.min(100, query.perPage ?? DEFAULT_PER_PAGE));
    const total = results.count();
    const pageCount = Math.max(1, Math.ceil(total / perPage));
    const page = Math.min(Math.max(1, Math.floor(query.page ?? 1)), pageCount);
    const skip = (page - 1) * perPage;
    const services: Service[] = [];
    let seen = 0;
    for (const pos of order) {
      if (!results.has(pos)) continue;
      if (seen++ < skip) continue;
      services.push(this.services[pos]!);
      if (services.length === perPage) break;
    }
    const totalWithout: LandscapeResult['totalWithout'] = {};
    if (total === 0) for (const [key] of filters) totalWithout[key] = base(key).count();
    return { total, page, pageCount, perPage, sort, services, facets, alsoSearchedFor: text?.alsoSearchedFor ?? [], loosened: text?.loosened ?? false, totalWithout };
  }

  private filterSets(query: LandscapeFilters): Array<[FilterName, Bitset]> {
    const empty = () => new Bitset(this.n);
    const anyOf = <K>(sets: Map<K, Bitset>, keys: readonly K[]) => keys.reduce((acc, k) => (sets.has(k) ? acc.orWith(sets.get(k)!) : acc), empty());
    const out: Array<[FilterName, Bitset]> = [];
    if (query.need !== undefined) out.push(['need', this.needSets.get(query.need) ?? empty()]);
    if (query.level !== undefined) out.push(['level', this.levelSets.get(query.level) ?? empty()]);
    if (query.age !== undefined) out.push(['age', this.ageSets[query.age] ?? empty()]);
    if (query.free) out.push(['free', this.freeSet]);
    if (query.delivery?.length) out.push(['delivery', anyOf(this.deliverySets, query.delivery)]);
    if (query.provider?.length) out.push(['provider', anyOf(this.providerSets, query.provider)]);
    if (query.route?.length) out.push(['route', anyOf(this.routeSets, query.route)]);
    return out;
  }

  private facets(base: (except?: string) => Bitset): FacetCounts {
    const count = <K extends string>(except: string, sets: Map<K, Bitset>) => {
      const b = base(except);
      const out = {} as Record<K, number>;
      for (const [k, set] of sets) out[k] = b.countAnd(set);
      return out;
    };
    return {
      need: count('need', this.needSets),
      level: count('level', this.levelSets),
      free: base('free').countAnd(this.freeSet),
      delivery: count('delivery', this.deliverySets),
      provider: count('provider', this.providerSets),
      route: count('route', this.routeSets),
    };
  }

  /** Text matches for a query, cached by its normalised words: staff repeat the same searches. */
  private matchText(q: string): TextMatch | undefined {
    const expanded = this.vocabulary.expand(q);
    const key = expanded.text;
    if (this.textCache.has(key)) {
      const hit = this.textCache.get(key);
      // refresh its place in the least-recently-used order
      this.textCache.delete(key);
      this.textCache.set(key, hit);
      return hit;
    }
    const match = this.runText(expanded.text, expanded.added);
    this.textCache.set(key, match);
    if (this.textCache.size > TEXT_CACHE_SIZE) this.textCache.delete(this.textCache.keys().next().value!);
    return match;
  }

  private runText(text: string, added: string[]): TextMatch | undefined {
    if (!tokenize(text).some((w) => !STOP_WORDS.has(w))) return undefined;
    // synonyms were added to each record when the index was built, so the words alone are enough
    let hits = this.miniSearch.search(text, { combineWith: 'AND' });
    let loosened = false;
    if (hits.length === 0) {
      hits = this.miniSearch.search(text, { combineWith: 'OR' });
      loosened = hits.length > 0;
    }
    const ranked = Int32Array.from(hits.map((h) => h.id as number));
    return { ranked, set: Bitset.of(this.n, ranked), alsoSearchedFor: added, loosened };
  }
}

/**
 * Abbreviations and synonyms go into the index rather than into each query: a record that mentions
 * "food club" also carries "food bank", "CAMHS" carries "child and adolescent mental health
 * services". Matching is on stems, so "food banks" counts too. One pass over each record's words.
 */
function synonymMatcher(vocabulary: Vocabulary): { keywordsFor(text: string): string } {
  const byFirst = new Map<string, Array<{ stems: string[]; group: number }>>();
  vocabulary.groups.forEach((g, group) => {
    for (const phrase of g.phrases) {
      const phraseStems = phrase.split(' ').map(stemOf);
      const list = byFirst.get(phraseStems[0]!) ?? [];
      list.push({ stems: phraseStems, group });
      byFirst.set(phraseStems[0]!, list);
    }
  });
  const groupWords = vocabulary.groups.map((g) => [...new Set(g.phrases.flatMap((p) => p.split(' ')))]);
  return {
    keywordsFor(text) {
      const words = tokenize(text).map(stemOf);
      const found = new Set<number>();
      for (let i = 0; i < words.length; i++) {
        for (const c of byFirst.get(words[i]!) ?? []) {
          if (!found.has(c.group) && c.stems.every((w, j) => words[i + j] === w)) found.add(c.group);
        }
      }
      // each word once: the field is for matching, and repeats would only slow the build
      const out = new Set<string>();
      for (const g of found) for (const w of groupWords[g]!) out.add(w);
      return [...out].join(' ');
    },
  };
}

function positions(services: readonly Service[], test: (s: Service) => boolean): number[] {
  const out: number[] = [];
  services.forEach((s, i) => {
    if (test(s)) out.push(i);
  });
  return out;
}

const indexes = new WeakMap<ContentPack, ServiceIndex>();

/** The index for a published pack, built on first use and kept until the pack is replaced. */
export function serviceIndexFor(pack: ContentPack): ServiceIndex {
  let index = indexes.get(pack);
  if (!index) {
    index = new Index(pack);
    indexes.set(pack, index);
  }
  return index;
}

/** Convenience for callers with a pack in hand: the cached index's search. */
export function searchServices(pack: ContentPack, query: LandscapeQuery): LandscapeResult {
  return serviceIndexFor(pack).search(query);
}
