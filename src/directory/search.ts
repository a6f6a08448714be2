/**
 * The directory's search engine: pure functions over a published pack, no HTTP, no SQL.
 *
 * Text goes through the directory's own inverted index (text-index.ts: typo tolerance, prefixes,
 * and plurals through the shared stemmer), widened by the pack's abbreviations and synonyms.
 * Filters are precomputed sets of service positions (see src/store/bitset.ts), built once per pack, so a
 * request never rebuilds the index nor reads every record: it ANDs a handful of bitsets, counts
 * facets, and scores only the services the filters leave to rank one page.
 */
import { deliveryModes, providerTypes, type ContentPack, type DeliveryMode, type ProviderType, type Service } from '../content/schema.js';
import { buildVocabulary, stem, tokenize, type Vocabulary } from '../content/vocabulary.js';
import { Bitset } from '../collections/bitset.js';
import { RecentCache } from '../collections/recent-cache.js';
import { TextIndex, type TextField, type TextMatch as WordsMatch } from './text-index.js';
import { SteppedBuild, type Slicing, type Steps } from '../collections/steps.js';

export const referralRoutes = ['self', 'professional', 'front-door'] as const;
export type ReferralRoute = (typeof referralRoutes)[number];

export const sortOrders = ['relevance', 'name', 'reviewed'] as const;
export type SortOrder = (typeof sortOrders)[number];

/** the ages a "child's age" filter accepts (the content model caps a service's minimum age at 25) */
export const AGE_RANGE = { min: 0, max: 25 } as const;
export const DEFAULT_PER_PAGE = 20;

export interface DirectoryFilters {
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

export interface DirectoryQuery extends DirectoryFilters {
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

export interface DirectoryResult {
  total: number;
  /** the page shown, clamped to the pages there are */
  page: number;
  pageCount: number;
  perPage: number;
  sort: SortOrder;
  services: Service[];
  /** each of `services`' place in the index (0 to the number of services − 1): a key for what is kept per service */
  positions: number[];
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
  search(query: DirectoryQuery): DirectoryResult;
  /** the need areas a text names (see needAreaFinder) */
  needAreasNamed(text: string): string[];
  /**
   * The services (positions) holding every word of a search, as this search finds words: the pack's
   * synonyms and abbreviations, stems, prefixes and typos. Not loosened, and no services added for a
   * need area the words name: a filter, for the open data API. Undefined when the words say nothing.
   */
  servicesWithEveryWord(q: string): Bitset | undefined;
}

// Words that say nothing about a service; dropping them keeps "help for a family" from matching
// everything, and "pupil says he keeps being hit" from needing a service that says "keeps".
const STOP_WORDS = new Set(
  (
    'a an the and or of for to in on with at by is are be my our their from about who what how do i ' +
    'he she him her his hers they them it its we us me you your this that these those there here ' +
    'was were been being am has have had having does did will would can could should may might must ' +
    'not no so very really just also too some any all than then when where which why if but as into ' +
    'says said say tells told tell keeps keep kept showing shows getting gets got going goes went ' +
    'think thinks thought seems seem looks'
  ).split(' '),
);

/**
 * Index side: keep the word and its stem, so both a typo of the word and another form of it can
 * meet ("referrals" is held as "referrals" and "referr").
 */
export function indexTerms(token: string): readonly string[] {
  if (STOP_WORDS.has(token)) return [];
  const s = stem(token);
  return s === token ? [token] : [token, s];
}

/** Query side: the stem only ("referrals" meets "referral"; "housng" is one edit from "housing"). */
export function queryTerm(token: string): string | null {
  return STOP_WORDS.has(token) ? null : stem(token);
}

/** The fields searched, with how much a match in each counts. Few fields: each one adds postings. */
export const SEARCH_FIELDS: readonly TextField[] = [
  { name: 'name', boost: 4 },
  { name: 'summary', boost: 2 },
  { name: 'needAreas', boost: 2.5 },
  { name: 'body', boost: 1 },
  { name: 'synonyms', boost: 0.7 },
];

/**
 * A service's searchable text, one string per field of SEARCH_FIELDS: its need areas' names,
 * synonyms and abbreviations (a child area's parent too), and the pack's synonyms of what it says.
 */
export function serviceFieldTexts(pack: ContentPack, vocabulary: Vocabulary = buildVocabulary(pack)): (service: Service) => string[] {
  const parentOf = new Map<string, string>();
  const childrenOf = new Map<string, string[]>();
  const namesOf = new Map<string, string>();
  for (const area of pack.needAreas) {
    namesOf.set(area.id, [area.name, ...area.synonyms, ...area.abbreviations].join(' '));
    childrenOf.set(area.id, area.children.map((c) => c.id));
    for (const child of area.children) {
      parentOf.set(child.id, area.id);
      namesOf.set(child.id, [child.name, ...child.synonyms, ...child.abbreviations].join(' '));
    }
  }
  const synonyms = synonymMatcher(vocabulary);
  return (s) => {
    // a service's need areas, as the filter reads them: a narrower area is part of its broader one,
    // and a service tagged with a broad area serves each narrower one (CAMHS, tagged with emotional
    // wellbeing, is found by "anxiety" as it is by the anxiety filter)
    const areas = new Set<string>();
    for (const id of s.needAreas) {
      areas.add(namesOf.get(id) ?? '');
      const parent = parentOf.get(id);
      if (parent) areas.add(namesOf.get(parent) ?? '');
      for (const child of childrenOf.get(id) ?? []) areas.add(namesOf.get(child) ?? '');
    }
    const fields = [s.name, s.summary, [...areas].join(' '), [s.organization.name, s.description, s.eligibility, ...s.card.canDo].join(' ')];
    return [...fields, synonyms.keywordsFor(fields.join(' '))];
  };
}

const TEXT_CACHE_SIZE = 500;
/** one facet's counts for a search's words and its other filters: how many are kept */
const FACET_CACHE_SIZE = 3000;
/** facets counted over the results are cached only above this many results: below, counting costs less than the key */
const FACET_CACHE_FROM = 2000;

interface TextMatch {
  /** the words as matched (normalised, synonyms added): the same key, the same services */
  key: string;
  words: WordsMatch;
  set: Bitset;
  alsoSearchedFor: string[];
  loosened: boolean;
  /** the services meant for a need area the words name ("cutting" names self-harm): ranked first */
  topic?: Bitset;
}

/** how much more a service meant for a need area the search names counts than one that only mentions its words */
export const TOPIC_BOOST = 3;

class Index implements ServiceIndex {
  readonly services: readonly Service[];
  readonly needAreas: NeedAreaOption[] = [];
  private readonly n: number;
  private readonly all: Bitset;
  private readonly needSets = new Map<string, Bitset>();
  private readonly levelSets = new Map<string, Bitset>();
  private readonly ageSets: Bitset[] = [];
  private readonly freeSet: Bitset;
  private readonly deliverySets = new Map<DeliveryMode, Bitset>();
  private readonly providerSets = new Map<ProviderType, Bitset>();
  private readonly routeSets = new Map<ReferralRoute, Bitset>();
  private readonly byReviewed: Int32Array;
  /** by normalised words, and by words as typed; null: the words say nothing the index knows */
  private readonly textCache = new RecentCache<TextMatch | null>(TEXT_CACHE_SIZE);
  private readonly typedText = new RecentCache<TextMatch | null>(TEXT_CACHE_SIZE);
  /** servicesWithEveryWord's sets by the words as typed */
  private readonly everyWord = new RecentCache<Bitset | null>(TEXT_CACHE_SIZE);
  private readonly needFacet: Facet<string>;
  private readonly levelFacet: Facet<string>;
  private readonly deliveryFacet: Facet<DeliveryMode>;
  private readonly providerFacet: Facet<ProviderType>;
  private readonly routeFacet: Facet<ReferralRoute>;
  /** positions of a set, reused by each facet count */
  private readonly scratch: Int32Array;
  /** positions of a search's results, listed once for the facets counted over them */
  private readonly resultPositions: Int32Array;
  /**
   * Sets reused by every search instead of allocating (a search is synchronous, and none of these
   * leaves it): the results, the results but for one filter, and the union of each any-of filter's
   * options. `none` stays empty.
   */
  private readonly resultSet: Bitset;
  private readonly exceptSet: Bitset;
  private readonly anyOfSets: Record<'delivery' | 'provider' | 'route', Bitset>;
  private readonly none: Bitset;
  /**
   * Each facet's counts by the search's words and every filter but the facet's own, which are all
   * they depend on: browsing repeats them, and so do searches for the same words at other levels,
   * pages and orders.
   */
  private readonly facetCache = new RecentCache<FacetCounts[keyof FacetCounts]>(FACET_CACHE_SIZE);
  private readonly bySlug: Map<string, Service>;
  /** per need area, the services meant for it (tagged with it or a narrower area): see coversNeedArea */
  private readonly topicSets = new Map<string, Bitset>();
  readonly needAreasNamed: (text: string) => string[];

  /** `text` and `byName`, most of the work, are made beforehand in steps (see `indexSteps`) */
  constructor(
    readonly pack: ContentPack,
    readonly vocabulary: Vocabulary,
    private readonly text: TextIndex,
    /** positions in name order */
    private readonly byName: Int32Array,
  ) {
    const services = pack.services;
    this.services = services;
    this.n = services.length;
    const n = this.n;
    this.all = Bitset.full(n);
    this.bySlug = new Map(services.map((s) => [s.slug, s]));
    this.needAreasNamed = needAreaFinder(this.vocabulary);

    // Need areas: a parent's set holds its children's services; a child's set holds its parent's.
    for (const area of pack.needAreas) {
      this.needAreas.push({ id: area.id, name: area.name });
      for (const child of area.children) this.needAreas.push({ id: child.id, name: child.name, parentId: area.id });
    }
    const tagged = new Map<string, number[]>(this.needAreas.map((a) => [a.id, []]));
    services.forEach((s, i) => {
      for (const id of s.needAreas) tagged.get(id)?.push(i);
    });
    for (const area of pack.needAreas) {
      const own = tagged.get(area.id) ?? [];
      const childIds = area.children.map((c) => c.id);
      const withChildren = Bitset.of(n, [...own, ...childIds.flatMap((c) => tagged.get(c) ?? [])]);
      this.needSets.set(area.id, withChildren);
      // the services meant for an area, as coversNeedArea says: for a broad area, those of its filter
      this.topicSets.set(area.id, withChildren);
      for (const c of childIds) {
        this.needSets.set(c, Bitset.of(n, [...(tagged.get(c) ?? []), ...own]));
        this.topicSets.set(c, Bitset.of(n, tagged.get(c) ?? []));
      }
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

    this.needFacet = facet(n, this.needSets);
    this.levelFacet = facet(n, this.levelSets);
    this.deliveryFacet = facet(n, this.deliverySets);
    this.providerFacet = facet(n, this.providerSets);
    this.routeFacet = facet(n, this.routeSets);
    this.scratch = new Int32Array(n);
    this.resultPositions = new Int32Array(n);
    this.resultSet = new Bitset(n);
    this.exceptSet = new Bitset(n);
    this.anyOfSets = { delivery: new Bitset(n), provider: new Bitset(n), route: new Bitset(n) };
    this.none = new Bitset(n);

    const order = [...services.keys()];
    const nameRank = new Int32Array(n);
    this.byName.forEach((pos, rank) => (nameRank[pos] = rank));
    this.byReviewed = Int32Array.from(
      [...order].sort((a, b) => (services[a]!.reviewed < services[b]!.reviewed ? 1 : services[a]!.reviewed > services[b]!.reviewed ? -1 : nameRank[a]! - nameRank[b]!)),
    );
  }

  service(slug: string): Service | undefined {
    return this.bySlug.get(slug);
  }

  servicesWithEveryWord(q: string): Bitset | undefined {
    let set = this.everyWord.get(q);
    if (set === undefined) {
      // synonyms were added to each record when the index was built, so the words alone are enough
      set = this.text.matchEvery(this.vocabulary.expand(q).text) ?? null;
      this.everyWord.set(q, set);
    }
    return set ?? undefined;
  }

  search(query: DirectoryQuery): DirectoryResult {
    const text = query.q ? this.matchText(query.q) : undefined;
    const filters = this.filterSets(query);
    const from = text ? text.set : this.all;
    const results = this.intersect(from, filters, undefined, this.resultSet);
    const total = results.count();
    const facets = this.facets(query, text?.key ?? '', from, results, total, filters);

    const sort: SortOrder = query.sort === 'relevance' && !text ? 'name' : (query.sort ?? (text ? 'relevance' : 'name'));
    const perPage = Math.max(1, Math.min(100, query.perPage ?? DEFAULT_PER_PAGE));
    const pageCount = Math.max(1, Math.ceil(total / perPage));
    const page = Math.min(Math.max(1, Math.floor(query.page ?? 1)), pageCount);
    const skip = (page - 1) * perPage;
    const positions: number[] = [];
    if (sort === 'relevance' && text) {
      // only the services left after the filters are scored
      for (const pos of this.text.rank(text.words, results, skip, perPage, text.topic, TOPIC_BOOST)) positions.push(pos);
    } else {
      const order = sort === 'reviewed' ? this.byReviewed : this.byName;
      let seen = 0;
      for (const pos of order) {
        if (!results.has(pos)) continue;
        if (seen++ < skip) continue;
        positions.push(pos);
        if (positions.length === perPage) break;
      }
    }
    const services = positions.map((pos) => this.services[pos]!);
    const totalWithout: DirectoryResult['totalWithout'] = {};
    if (total === 0) for (const [key] of filters) totalWithout[key] = this.intersect(from, filters, key, this.exceptSet).count();
    return { total, page, pageCount, perPage, sort, services, positions, facets, alsoSearchedFor: text?.alsoSearchedFor ?? [], loosened: text?.loosened ?? false, totalWithout };
  }

  /** The filters in use, each with its set; the sets are the index's own (or scratch): never change them. */
  private filterSets(query: DirectoryFilters): Array<[FilterName, Bitset]> {
    const anyOf = <K>(sets: Map<K, Bitset>, keys: readonly K[], into: Bitset) => keys.reduce((acc, k) => (sets.has(k) ? acc.orWith(sets.get(k)!) : acc), into.clear());
    const out: Array<[FilterName, Bitset]> = [];
    if (query.need !== undefined) out.push(['need', this.needSets.get(query.need) ?? this.none]);
    if (query.level !== undefined) out.push(['level', this.levelSets.get(query.level) ?? this.none]);
    if (query.age !== undefined) out.push(['age', this.ageSets[query.age] ?? this.none]);
    if (query.free) out.push(['free', this.freeSet]);
    if (query.delivery?.length) out.push(['delivery', anyOf(this.deliverySets, query.delivery, this.anyOfSets.delivery)]);
    if (query.provider?.length) out.push(['provider', anyOf(this.providerSets, query.provider, this.anyOfSets.provider)]);
    if (query.route?.length) out.push(['route', anyOf(this.routeSets, query.route, this.anyOfSets.route)]);
    return out;
  }

  /**
   * `from` ∩ every filter but `except`, written into `into`; `from` itself when no filter is left
   * (so the caller only reads the result, and `from`, a cached text match, is never changed).
   */
  private intersect(from: Bitset, filters: ReadonlyArray<[FilterName, Bitset]>, except: FilterName | undefined, into: Bitset): Bitset {
    let out = from;
    for (const [key, set] of filters) {
      if (key === except) continue;
      out = out === from ? into.andInto(from, set) : out.andWith(set);
    }
    return out;
  }

  /**
   * The counts beside each filter's options. A facet's counts keep every other filter: unless its own
   * filter is in use, that is the results, whose services are listed once and shared by every such
   * facet. A facet counted over a larger set (its own filter in use, or many results) is cached by
   * everything it depends on (see `facetCache`).
   */
  private facets(query: DirectoryFilters, textKey: string, from: Bitset, results: Bitset, total: number, filters: ReadonlyArray<[FilterName, Bitset]>): FacetCounts {
    let resultCount = -1;
    const resultPositions = (): number => (resultCount < 0 ? (resultCount = results.positionsInto(this.resultPositions)) : resultCount);
    const choices: Record<FilterName, unknown> = {
      need: query.need,
      level: query.level,
      age: query.age,
      free: query.free === true,
      delivery: query.delivery,
      provider: query.provider,
      route: query.route,
    };
    const counted = <F extends keyof FacetCounts>(name: F, count: (base: Bitset, baseCount: number, positions?: () => number) => FacetCounts[F]): FacetCounts[F] => {
      const ownFilter = filters.some(([k]) => k === name);
      if (!ownFilter && total <= FACET_CACHE_FROM) return count(results, total, resultPositions);
      const key = JSON.stringify([name, textKey, ...Object.entries(choices).map(([k, v]) => (k === name ? null : (v ?? null)))]);
      const hit = this.facetCache.get(key);
      if (hit !== undefined) return hit as FacetCounts[F];
      let value: FacetCounts[F];
      if (!ownFilter) value = count(results, total, resultPositions);
      else {
        // built into the scratch set, used before the next facet's base is built there
        const base = this.intersect(from, filters, name, this.exceptSet);
        value = count(base, base.count());
      }
      // shared by every search with the same key: frozen so none can change them
      if (typeof value === 'object') Object.freeze(value);
      this.facetCache.set(key, value);
      return value;
    };
    return {
      need: counted('need', (base, n, positions) => this.facetCounts(this.needFacet, base, n, positions)),
      level: counted('level', (base, n, positions) => this.facetCounts(this.levelFacet, base, n, positions)),
      free: counted('free', (base) => base.countAnd(this.freeSet)),
      delivery: counted('delivery', (base, n, positions) => this.facetCounts(this.deliveryFacet, base, n, positions)),
      provider: counted('provider', (base, n, positions) => this.facetCounts(this.providerFacet, base, n, positions)),
      route: counted('route', (base, n, positions) => this.facetCounts(this.routeFacet, base, n, positions)),
    };
  }

  /**
   * How many of `base` each option holds. A small base is walked once, adding to each option its
   * services belong to; a large one is intersected with each option's set: whichever costs less.
   * `positions`, when given, lists the base's services into `resultPositions` (once, for every facet).
   */
  private facetCounts<K extends string>(facet: Facet<K>, base: Bitset, baseCount: number, positions?: () => number): Record<K, number> {
    const counts = new Int32Array(facet.keys.length);
    if (baseCount * facet.membersPerService < facet.keys.length * base.words.length) {
      const list = positions ? this.resultPositions : this.scratch;
      const found = positions ? positions() : base.positionsInto(list);
      const { offsets, members } = facet;
      for (let i = 0; i < found; i++) {
        const pos = list[i]!;
        for (let m = offsets[pos]!; m < offsets[pos + 1]!; m++) counts[members[m]!]! += 1;
      }
    } else {
      facet.sets.forEach((set, i) => (counts[i] = base.countAnd(set)));
    }
    const out = {} as Record<K, number>;
    facet.keys.forEach((k, i) => (out[k] = counts[i]!));
    return out;
  }

  /**
   * Text matches for a query, cached by its normalised words (staff repeat the same searches), and in
   * front of that by the words as typed, so a repeated search does not normalise them again.
   */
  private matchText(q: string): TextMatch | undefined {
    const typed = this.typedText.get(q);
    if (typed !== undefined) return typed ?? undefined;
    const expanded = this.vocabulary.expand(q);
    let match = this.textCache.get(expanded.text);
    if (match === undefined) {
      match = this.runText(expanded.text, expanded.added) ?? null;
      this.textCache.set(expanded.text, match);
    }
    this.typedText.set(q, match);
    return match ?? undefined;
  }

  private runText(text: string, added: string[]): TextMatch | undefined {
    // synonyms were added to each record when the index was built, so the words alone are enough
    const words = this.text.match(text);
    if (!words) return undefined;
    // a need area the words name: its own services are found and ranked first, even where they
    // miss a word of the sentence ("sexual abuse by a family member" finds the front door)
    const topics = this.needAreasNamed(text).flatMap((id) => this.topicSets.get(id) ?? []);
    if (topics.length === 0) return { key: text, words, set: words.set, alsoSearchedFor: added, loosened: words.loosened };
    const topic = topics.reduce((acc, set) => acc.orWith(set), new Bitset(this.n));
    const set = new Bitset(this.n).orWith(words.set).orWith(topic);
    // services added for their topic may lack some words: rank every service by the words it has
    const partial = set.count() > words.set.count();
    return { key: text, words: partial ? { ...words, set, loosened: true } : words, set, alsoSearchedFor: added, loosened: words.loosened, topic };
  }
}

/**
 * Abbreviations and synonyms go into the index rather than into each query: a record that mentions
 * "food club" also carries "food bank", "CAMHS" carries "child and adolescent mental health
 * services". Matching is on stems, so "food banks" counts too. One pass over each record's words.
 */
/** The need areas a text names by their names, synonyms or abbreviations, on stems ("hits" names physical abuse). */
export function needAreaFinder(vocabulary: Vocabulary): (text: string) => string[] {
  const matcher = synonymMatcher(vocabulary);
  return (text) => [...new Set(matcher.groupsIn(text).flatMap((g) => vocabulary.groups[g]!.needAreaId ?? []))];
}

interface SynonymMatcher {
  /** the words of every synonym group the text mentions, for a record's synonyms field */
  keywordsFor(text: string): string;
  /**
   * The synonym groups the text mentions, on stems ("hits" meets "hitting"); a phrase inside a longer
   * phrase also found does not count ("self harm" is not a mention of "harm").
   */
  groupsIn(text: string): number[];
}

function synonymMatcher(vocabulary: Vocabulary): SynonymMatcher {
  const byFirst = new Map<string, Array<{ stems: string[]; group: number }>>();
  vocabulary.groups.forEach((g, group) => {
    for (const phrase of g.phrases) {
      const phraseStems = phrase.split(' ').map(stem);
      const list = byFirst.get(phraseStems[0]!) ?? [];
      list.push({ stems: phraseStems, group });
      byFirst.set(phraseStems[0]!, list);
    }
  });
  const groupWords = vocabulary.groups.map((g) => [...new Set(g.phrases.flatMap((p) => p.split(' ')))]);
  const spans = (text: string) => {
    const words = tokenize(text).map(stem);
    const found: Array<{ from: number; to: number; group: number }> = [];
    for (let i = 0; i < words.length; i++) {
      for (const c of byFirst.get(words[i]!) ?? []) {
        if (c.stems.every((w, j) => words[i + j] === w)) found.push({ from: i, to: i + c.stems.length, group: c.group });
      }
    }
    return found;
  };
  return {
    keywordsFor(text) {
      const found = new Set(spans(text).map((f) => f.group));
      // each word once: the field is for matching, and repeats would only slow the build
      const out = new Set<string>();
      for (const g of found) for (const w of groupWords[g]!) out.add(w);
      return [...out].join(' ');
    },
    groupsIn(text) {
      const found = spans(text);
      const inside = (a: { from: number; to: number }, b: { from: number; to: number }) => b.from <= a.from && a.to <= b.to && b.to - b.from > a.to - a.from;
      return [...new Set(found.filter((a) => !found.some((b) => inside(a, b))).map((f) => f.group))];
    },
  };
}

/** One facet's options, each with its set, and for each service the options it belongs to. */
interface Facet<K extends string> {
  keys: K[];
  sets: Bitset[];
  /** options of the service at position p are members[offsets[p]] to members[offsets[p + 1] - 1] */
  offsets: Int32Array;
  members: Uint16Array;
  membersPerService: number;
}

function facet<K extends string>(n: number, byKey: Map<K, Bitset>): Facet<K> {
  const keys = [...byKey.keys()];
  const sets = [...byKey.values()];
  const scratch = new Int32Array(n);
  const offsets = new Int32Array(n + 1);
  for (const set of sets) {
    const found = set.positionsInto(scratch);
    for (let i = 0; i < found; i++) offsets[scratch[i]! + 1]! += 1;
  }
  for (let p = 0; p < n; p++) offsets[p + 1]! += offsets[p]!;
  const members = new Uint16Array(offsets[n]!);
  const fill = offsets.slice(0, n);
  sets.forEach((set, option) => {
    const found = set.positionsInto(scratch);
    for (let i = 0; i < found; i++) members[fill[scratch[i]!]!++] = option;
  });
  return { keys, sets, offsets, members, membersPerService: n ? members.length / n : 0 };
}

function positions(services: readonly Service[], test: (s: Service) => boolean): number[] {
  const out: number[] = [];
  services.forEach((s, i) => {
    if (test(s)) out.push(i);
  });
  return out;
}

/**
 * The index for a pack, in steps (see SteppedBuild). Most of the work, seconds at 20,000 services,
 * is the text index, built a few services at a time; then the name order, then the filters' sets.
 */
function* indexSteps(pack: ContentPack): Steps<ServiceIndex> {
  const services = pack.services;
  const vocabulary = buildVocabulary(pack);
  const textsOf = serviceFieldTexts(pack, vocabulary);
  const text = yield* TextIndex.buildSteps(services.length, (i) => textsOf(services[i]!), {
    fields: SEARCH_FIELDS,
    indexTerms,
    queryTerm,
    // local services before national lines of equal relevance
    documentBoost: (i) => (services[i]!.coverage === 'national' ? 0.8 : 1),
  });
  yield;
  const collator = new Intl.Collator('en-GB', { sensitivity: 'base', numeric: true });
  const byName = Int32Array.from([...services.keys()].sort((a, b) => collator.compare(services[a]!.name, services[b]!.name)));
  yield;
  return new Index(pack, vocabulary, text, byName);
}

/** each pack's index, kept until the pack is replaced */
const indexes = new WeakMap<ContentPack, SteppedBuild<ServiceIndex>>();

function indexBuild(pack: ContentPack): SteppedBuild<ServiceIndex> {
  let build = indexes.get(pack);
  if (!build) indexes.set(pack, (build = new SteppedBuild(indexSteps(pack))));
  return build;
}

/**
 * The index for a published pack, built on first use. A build under way in the background (see
 * `serviceIndexReady`) is finished at once: the index is the same either way.
 */
export function serviceIndexFor(pack: ContentPack): ServiceIndex {
  return indexBuild(pack).now();
}

/**
 * The index for a published pack, built a slice at a time so that the server answers other requests
 * meanwhile (the app starts it once it is ready, and again for a new content version): a request
 * that needs the index waits for it, and never gets a page from a part-built index.
 */
export function serviceIndexReady(pack: ContentPack, slicing?: Slicing): Promise<ServiceIndex> {
  return indexBuild(pack).ready(slicing);
}

/** Convenience for callers with a pack in hand: the cached index's search. */
export function searchServices(pack: ContentPack, query: DirectoryQuery): DirectoryResult {
  return serviceIndexFor(pack).search(query);
}
