/**
 * The directory's state lives in the URL (`/services?q=food&need=housing&level=2`), so a search can
 * be shared or bookmarked. This turns whatever arrives in the query string into a clean query plus
 * plain-words notices for anything we had to ignore, and builds links back from a clean query.
 * Nothing a user types here can cause an error page.
 */
import { deliveryModes, providerTypes, type ContentPack, type DeliveryMode, type ProviderType } from '../content/schema.js';
import { AGE_RANGE, referralRoutes, sortOrders, type DirectoryQuery, type ReferralRoute, type SortOrder } from './search.js';

export const MAX_QUERY_LENGTH = 200;
/** far beyond any real result list; stops absurd numbers from reaching the engine */
const MAX_PAGE = 10_000;

export type RawQuery = Record<string, unknown>;

export interface ParsedDirectoryQuery {
  query: DirectoryQuery & { q: string; delivery: DeliveryMode[]; provider: ProviderType[]; route: ReferralRoute[] };
  /** things in the address we could not use, in plain words */
  notices: string[];
}

const first = (v: unknown): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
};
const all = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string' && s !== '');

/** The level a link names: its id, or its rank as a number (`level=2`), looked up in the pack. */
export function resolveLevel(pack: Pick<ContentPack, 'levels'>, value: string): string | undefined {
  const byId = pack.levels.find((l) => l.id === value);
  if (byId) return byId.id;
  if (/^\d{1,3}$/.test(value)) return pack.levels.find((l) => l.rank === Number(value))?.id;
  return undefined;
}

export function parseDirectoryQuery(raw: RawQuery, pack: Pick<ContentPack, 'levels' | 'needAreas'>): ParsedDirectoryQuery {
  const notices: string[] = [];
  const query: ParsedDirectoryQuery['query'] = { q: '', delivery: [], provider: [], route: [] };

  let q = (first(raw['q']) ?? '').replace(/\s+/g, ' ').trim();
  if (q.length > MAX_QUERY_LENGTH) {
    q = q.slice(0, MAX_QUERY_LENGTH).trim();
    notices.push(`Your search was too long, so only its first ${MAX_QUERY_LENGTH} characters were used.`);
  }
  query.q = q;

  const need = first(raw['need']);
  if (need) {
    const known = pack.needAreas.some((a) => a.id === need || a.children.some((c) => c.id === need));
    if (known) query.need = need;
    else notices.push('The need area in the link was not recognised, so services for every need area are shown.');
  }

  const level = first(raw['level']);
  if (level) {
    const id = resolveLevel(pack, level);
    if (id) query.level = id;
    else notices.push('The level of need in the link was not recognised, so services at every level are shown.');
  }

  const age = first(raw['age'])?.trim();
  if (age) {
    const n = /^\d{1,3}$/.test(age) ? Number(age) : NaN;
    if (n >= AGE_RANGE.min && n <= AGE_RANGE.max) query.age = n;
    else notices.push(`The child's age must be a whole number from ${AGE_RANGE.min} to ${AGE_RANGE.max}, so it was left out.`);
  }

  const free = first(raw['free']);
  if (free) {
    if (['yes', 'true', '1', 'on'].includes(free)) query.free = true;
    else notices.push('The cost filter in the link was not recognised, so it was left out.');
  }

  const pick = <T extends string>(name: string, allowed: readonly T[], what: string): T[] => {
    const values = all(raw[name]);
    const kept = [...new Set(values.filter((v): v is T => (allowed as readonly string[]).includes(v)))];
    if (kept.length < new Set(values).size) notices.push(`Some ${what} options in the link were not recognised and were left out.`);
    return kept;
  };
  query.delivery = pick('delivery', deliveryModes, 'delivery');
  query.provider = pick('provider', providerTypes, 'provider type');
  query.route = pick('route', referralRoutes, 'referral route');

  const sort = first(raw['sort']);
  if (sort) {
    if ((sortOrders as readonly string[]).includes(sort)) query.sort = sort as SortOrder;
    else notices.push('The sort order in the link was not recognised, so the usual order is used.');
  }

  const page = first(raw['page']);
  if (page) {
    const n = /^\d{1,6}$/.test(page) ? Number(page) : NaN;
    if (n >= 1 && n <= MAX_PAGE) query.page = n;
    else notices.push('The page number in the link was not valid, so the first page is shown.');
  }

  return { query, notices };
}

/**
 * A query string value encoded as URLSearchParams encodes it (application/x-www-form-urlencoded: a
 * space is "+", only letters, digits and `*-._` stay as they are), without building a URLSearchParams:
 * a results page makes a dozen of these links.
 */
export function formEncode(value: string): string {
  if (/^[A-Za-z0-9*._-]*$/.test(value)) return value;
  // a lone surrogate becomes U+FFFD, as URLSearchParams makes it (encodeURIComponent would throw)
  const wellFormed = value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return encodeURIComponent(wellFormed)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `/services?...` for a clean query, parameters in a stable order; `undefined` in `changes` removes one. */
export function directoryHref(q: DirectoryQuery, changes: Partial<Record<keyof DirectoryQuery, unknown>> = {}, path = '/services'): string {
  const merged = { ...q, ...changes } as DirectoryQuery;
  const params: string[] = [];
  const add = (name: string, value: string) => params.push(`${name}=${formEncode(value)}`);
  if (merged.q) add('q', merged.q);
  if (merged.need) add('need', merged.need);
  if (merged.level) add('level', merged.level);
  if (merged.age !== undefined) add('age', String(merged.age));
  if (merged.free) add('free', 'yes');
  for (const d of merged.delivery ?? []) add('delivery', d);
  for (const p of merged.provider ?? []) add('provider', p);
  for (const r of merged.route ?? []) add('route', r);
  if (merged.sort) add('sort', merged.sort);
  if (merged.page && merged.page > 1) add('page', String(merged.page));
  return params.length ? `${path}?${params.join('&')}` : path;
}
