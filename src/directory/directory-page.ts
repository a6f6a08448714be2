/**
 * What the directory page shows, worked out from a clean query and the engine's result: plain data
 * for the template, so the template stays a loop over lists.
 */
import { deliveryModes, providerTypes, type ContentPack, type Service } from '../content/schema.js';
import { deliveryLabels, isDueForReview, providerLabels, routeLabels, serviceRoutes, sortLabels } from './labels.js';
import { midSentence } from '../content/vocabulary.js';
import { directoryHref, type ParsedDirectoryQuery } from './query.js';
import { referralRoutes, sortOrders, type FilterName, type DirectoryResult, type ServiceIndex } from './search.js';

export interface ResultItem {
  slug: string;
  name: string;
  summary: string;
  status: string;
  levels: string[];
  needAreas: string[];
  routes: string[];
  reviewed: string;
  due: boolean;
  unverified: boolean;
  inShortlist: boolean;
  /** "Ages 11 to 25", or undefined when the record gives none */
  ages?: string;
  /** "Free", or what it costs */
  cost: string;
  /** the first thing to do to refer */
  firstStep: string;
  /** the first phone number, to call from the list */
  phone?: Service['phones'][number];
  /** need areas beyond the first three, counted rather than listed */
  moreNeedAreas: number;
}

/** need areas shown in a result before the rest are counted */
const NEED_AREAS_SHOWN = 3;

/** numbers as en-GB writes them (20,000): one formatter, made once (toLocaleString makes one per call) */
const numberFormat = new Intl.NumberFormat('en-GB');
const plural = (n: number, one: string, many: string) => `${numberFormat.format(n)} ${n === 1 ? one : many}`;

export function summariseService(s: Service, pack: ContentPack, names: Map<string, string>, shortlist: ReadonlySet<string>, today: Date): ResultItem {
  return {
    slug: s.slug,
    name: s.name,
    summary: s.summary,
    status: s.status,
    levels: s.levels.map((id) => names.get(`level:${id}`) ?? id),
    needAreas: s.needAreas.slice(0, NEED_AREAS_SHOWN).map((id) => names.get(`need:${id}`) ?? id),
    moreNeedAreas: Math.max(0, s.needAreas.length - NEED_AREAS_SHOWN),
    ...(s.ages ? { ages: s.ages.min === s.ages.max ? `Age ${s.ages.min}` : `Ages ${s.ages.min} to ${s.ages.max}` } : {}),
    cost: s.cost.free ? 'Free' : (s.cost.description ?? 'There may be a cost'),
    firstStep: s.card.howToRefer[0]!,
    ...(s.phones[0] ? { phone: s.phones[0] } : {}),
    routes: serviceRoutes(s).map((r) => routeLabels[r]),
    reviewed: s.reviewed,
    due: isDueForReview(s.reviewed, pack.manifest.reviewPeriodMonths, today),
    unverified: Boolean(s.unverifiedNote) || s.phones.some((p) => !p.verified),
    inShortlist: shortlist.has(s.slug),
  };
}

/** level and need area names by "level:<id>" and "need:<id>", built once per pack */
const nameCache = new WeakMap<ContentPack, Map<string, string>>();
export function namesFor(pack: ContentPack): Map<string, string> {
  let names = nameCache.get(pack);
  if (!names) {
    names = new Map();
    for (const l of pack.levels) names.set(`level:${l.id}`, `${l.label}: ${l.name}`);
    for (const a of pack.needAreas) {
      names.set(`need:${a.id}`, a.name);
      for (const c of a.children) names.set(`need:${c.id}`, c.name);
    }
    nameCache.set(pack, names);
  }
  return names;
}

export type FacetCounts = DirectoryResult['facets'];
/** A facet count as the form shows it: the number, or a slot mark when the form is rendered once for many searches. */
export type CountText = (facet: keyof FacetCounts, key: string) => string | number;

export const countsOf =
  (f: FacetCounts) =>
  (facet: keyof FacetCounts, key: string): number => {
    const counts = f[facet];
    return typeof counts === 'number' ? counts : ((counts as Record<string, number>)[key] ?? 0);
  };

/**
 * The filter form: its options, which are chosen, and their counts. The route renders it once per
 * choice of filters with slots for the counts and the typed words, and fills those in per search.
 */
export function directoryForm(pack: ContentPack, query: ParsedDirectoryQuery['query'], count: CountText) {
  const needGroups = pack.needAreas.map((area) => ({
    name: area.name,
    options: [area, ...area.children].map((a, i) => ({
      value: a.id,
      text: `${i === 0 && area.children.length ? `${a.name}: all` : a.name} (${count('need', a.id)})`,
      selected: query.need === a.id,
    })),
  }));
  const levelOptions = pack.levels.map((l) => ({ value: l.id, text: `${l.label}: ${l.name} (${count('level', l.id)})`, selected: query.level === l.id }));
  const checkboxes = <T extends string>(name: keyof FacetCounts, values: readonly T[], labels: Record<T, string>, chosen: readonly T[]) =>
    values.map((v) => ({ name, value: v, id: `${name}-${v}`, text: labels[v], count: count(name, v), checked: chosen.includes(v) }));
  return {
    q: query.q,
    age: query.age === undefined ? '' : String(query.age),
    free: Boolean(query.free),
    freeCount: count('free', ''),
    needGroups,
    levelOptions,
    delivery: checkboxes('delivery', deliveryModes, deliveryLabels, query.delivery),
    provider: checkboxes('provider', providerTypes, providerLabels, query.provider),
    route: checkboxes('route', referralRoutes, routeLabels, query.route),
  };
}

/** Messages about parts of the address that could not be used. */
export function directoryNotices(parsed: ParsedDirectoryQuery, result: DirectoryResult): string[] {
  const notices = [...parsed.notices];
  const page = parsed.query.page;
  if (page && page > result.pageCount) notices.push(`There is no page ${page}: the last page is shown.`);
  return notices;
}

/**
 * `itemsMark`, when given, stands for the results in the template's output: the route puts in results
 * rendered once per service there. Without it the template renders each result itself.
 */
export function directoryView(
  index: ServiceIndex,
  parsed: ParsedDirectoryQuery,
  result: DirectoryResult,
  shortlist: ReadonlySet<string>,
  today: Date,
  itemsMark?: string,
) {
  const pack = index.pack;
  const { query } = parsed;
  const names = namesFor(pack);
  const notices = directoryNotices(parsed, result);

  // each filter in use, with a link that removes it: the "loosen" list, on a page with no results only
  const active: Array<{ key: FilterName; text: string; removeHref: string; without?: number }> = [];
  if (result.total === 0) {
    const remove = (key: FilterName, text: string, change: Record<string, unknown>) =>
      active.push({ key, text, removeHref: directoryHref(query, { ...change, page: undefined }), without: result.totalWithout[key] });
    if (query.need) remove('need', `Need area: ${names.get(`need:${query.need}`) ?? query.need}`, { need: undefined });
    if (query.level) remove('level', `Level of need: ${names.get(`level:${query.level}`) ?? query.level}`, { level: undefined });
    if (query.age !== undefined) remove('age', `Child's age: ${query.age}`, { age: undefined });
    if (query.free) remove('free', 'Free services only', { free: undefined });
    if (query.delivery.length) remove('delivery', `Delivery: ${query.delivery.map((d) => deliveryLabels[d]).join(' or ')}`, { delivery: [] });
    if (query.provider.length) remove('provider', `Provider: ${query.provider.map((p) => providerLabels[p]).join(' or ')}`, { provider: [] });
    if (query.route.length) remove('route', `Referral route: ${query.route.map((r) => routeLabels[r]).join(' or ')}`, { route: [] });
  }

  const pageHref = (page: number) => directoryHref(query, { page });
  // page numbers as text: the route renders this part once per shape of view, numbers in slots
  const pages: Array<{ number?: string; href?: string; current?: boolean; ellipsis?: boolean }> = [];
  if (result.pageCount > 1) {
    let last = 0;
    for (let p = 1; p <= result.pageCount; p++) {
      if (p === 1 || p === result.pageCount || Math.abs(p - result.page) <= 1) {
        if (p - last > 1) pages.push({ ellipsis: true });
        pages.push({ number: String(p), href: pageHref(p), current: p === result.page });
        last = p;
      }
    }
  }

  const from = result.total === 0 ? 0 : (result.page - 1) * result.perPage + 1;
  const to = Math.min(result.total, result.page * result.perPage);
  const returnTo = directoryHref(query);
  const heading = result.total === 0 ? 'No services found' : plural(result.total, 'service', 'services');

  return {
    form: {
      // the rest of the form only when the template renders it here (the route fills a form rendered once)
      ...(itemsMark ? {} : directoryForm(pack, query, countsOf(result.facets))),
      sort: result.sort,
      // the usual order (best match with words, A to Z without) is sent as no order at all: the sort
      // list goes with the filter form, and a search typed on a page without words must not keep A to Z
      sortOptions: sortOrders
        .filter((s) => s !== 'relevance' || query.q)
        .map((s) => ({ value: s === (query.q ? 'relevance' : 'name') ? '' : s, text: sortLabels[s], selected: s === result.sort })),
    },
    notices,
    results: {
      // what the template asks of the total, so that the view's shape does not depend on the number
      noResults: result.total === 0,
      many: result.total > 1,
      heading,
      status: result.total === 0 ? 'No services found' : `${heading} found${result.pageCount > 1 ? `, showing ${from} to ${to}` : ''}`,
      range: result.pageCount > 1 ? `Showing ${from} to ${to} of ${numberFormat.format(result.total)}` : '',
      q: query.q,
      alsoSearchedFor: result.alsoSearchedFor.slice(0, 6),
      loosened: result.loosened,
      items: itemsMark ? [] : result.services.map((s) => summariseService(s, pack, names, shortlist, today)),
      itemsMark,
      active,
      clearHref: directoryHref({ q: query.q }),
      // on a page with no results only
      withoutWordsHref: result.total === 0 ? directoryHref(query, { q: undefined, page: undefined, sort: undefined }) : undefined,
      pagination: {
        previous: result.page > 1 ? pageHref(result.page - 1) : undefined,
        next: result.page < result.pageCount ? pageHref(result.page + 1) : undefined,
        pages,
      },
      returnTo,
      cardsHref: query.need ? `/services/cards?need=${encodeURIComponent(query.need)}` : undefined,
      needName: query.need ? midSentence(names.get(`need:${query.need}`)) : undefined,
    },
  };
}
