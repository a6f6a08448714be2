/**
 * The query parameters of the Open Referral UK API, read strictly: a parameter the endpoint does not
 * take, a repeated one, or a value that does not parse is a 400 naming the parameter, never a guess.
 * Pure.
 */
import { stem, tokenize } from '../content/vocabulary.js';
import { weekdays } from '../content/schema.js';
import { normaliseTime } from './oruk-service.js';
import type { ContentPack } from '../content/schema.js';
import { serviceOrukId } from '../content/ids.js';
import { Bitset } from '../collections/bitset.js';
import { serviceIndexFor } from '../directory/search.js';
import type { PackMatches, ServiceFilters } from './repository.js';
import type { PackTaxonomies } from './taxonomies.js';

export class BadParameter extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 500;
const MAX_SEARCH_LENGTH = 200;
const MAX_SEARCH_WORDS = 10;

export const pageParams = ['page', 'per_page'] as const;
export const serviceParams = [
  'search',
  ...pageParams,
  'taxonomy_term_id',
  'taxonomy_id',
  'minimum_age',
  'maximum_age',
  'start_time',
  'end_time',
  'day',
  'modified_after',
] as const;
export const serviceAtLocationParams = [...serviceParams, 'postcode', 'proximity'] as const;

type Query = Record<string, unknown>;

/** The single string value of a parameter, or undefined when absent. */
function one(query: Query, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadParameter(name, `Give "${name}" once.`);
  return v;
}

export function checkAllowed(query: Query, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) throw new BadParameter(name, `"${name.slice(0, 40)}" is not a parameter of this endpoint. It takes: ${allowed.join(', ')}.`);
  }
}

function integer(query: Query, name: string, min: number, max: number): number | undefined {
  const v = one(query, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw new BadParameter(name, `"${name}" must be a whole number from ${min} to ${max}.`);
  return Number(v);
}

function age(query: Query, name: string): number | undefined {
  const v = one(query, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 150) throw new BadParameter(name, `"${name}" must be an age in years, from 0 to 150.`);
  return n;
}

export interface Paging {
  page: number;
  perPage: number;
}

export function readPaging(query: Query): Paging {
  return { page: integer(query, 'page', 1, 1_000_000) ?? 1, perPage: integer(query, 'per_page', 1, MAX_PER_PAGE) ?? DEFAULT_PER_PAGE };
}

const dayNames: Record<string, string> = { monday: 'MO', tuesday: 'TU', wednesday: 'WE', thursday: 'TH', friday: 'FR', saturday: 'SA', sunday: 'SU' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const packIds = new WeakMap<ContentPack, string[]>();

/**
 * The pack's services a search finds, as "Find services" finds them with every word (synonyms,
 * abbreviations, stems, typos), so the API and the directory agree; every service when its words
 * say nothing the directory's index knows (as the directory then ignores them).
 */
function packMatchesFor(pack: ContentPack, search: string): PackMatches {
  let ids = packIds.get(pack);
  if (!ids) packIds.set(pack, (ids = pack.services.map((s) => serviceOrukId(pack.manifest.id, s.slug))));
  return { set: serviceIndexFor(pack).servicesWithEveryWord(search) ?? Bitset.full(ids.length), ids };
}

/**
 * The filters of /services and /service_at_locations (postcode and proximity are checked by the route).
 * With the published pack, a search finds its services with the directory's text index, and imported
 * feeds' services by their words.
 */
export function readServiceFilters(query: Query, taxonomies: PackTaxonomies | undefined, pack?: ContentPack): ServiceFilters {
  const f: ServiceFilters = {};
  const search = one(query, 'search');
  if (search !== undefined) {
    if (search.length > MAX_SEARCH_LENGTH) throw new BadParameter('search', `"search" must be ${MAX_SEARCH_LENGTH} characters or fewer.`);
    // stems make plurals and endings meet: "referrals" finds "referral"
    const words = [...new Set(tokenize(search).map((w) => (w.length >= 4 ? stem(w) : w)))];
    if (words.length > MAX_SEARCH_WORDS) throw new BadParameter('search', `"search" can have at most ${MAX_SEARCH_WORDS} words.`);
    if (words.length > 0) {
      f.searchWords = words;
      if (pack) f.packMatches = packMatchesFor(pack, search);
    }
  }
  const termId = one(query, 'taxonomy_term_id');
  if (termId !== undefined) {
    if (!UUID.test(termId)) throw new BadParameter('taxonomy_term_id', '"taxonomy_term_id" must be a taxonomy term id (a UUID), as listed at /api/v1/taxonomy_terms.');
    const id = termId.toLowerCase();
    f.termIds = taxonomies?.termWithChildren.get(id) ?? [id];
    if (taxonomies?.termById.get(id)?.taxonomy_id === taxonomies?.cardTaxonomyId) f.termMatchesEveryPackService = true;
  }
  const taxonomyId = one(query, 'taxonomy_id');
  if (taxonomyId !== undefined) {
    if (!UUID.test(taxonomyId)) throw new BadParameter('taxonomy_id', '"taxonomy_id" must be a taxonomy id (a UUID), as listed at /api/v1/taxonomies.');
    f.taxonomyId = taxonomyId.toLowerCase();
    if (f.taxonomyId === taxonomies?.cardTaxonomyId) f.taxonomyMatchesEveryPackService = true;
  }
  const minimumAge = age(query, 'minimum_age');
  if (minimumAge !== undefined) f.minimumAge = minimumAge;
  const maximumAge = age(query, 'maximum_age');
  if (maximumAge !== undefined) f.maximumAge = maximumAge;
  const day = one(query, 'day');
  if (day !== undefined) {
    const d = day.trim().toLowerCase();
    const code = dayNames[d] ?? ((weekdays as readonly string[]).includes(d.toUpperCase()) ? d.toUpperCase() : undefined);
    if (!code) throw new BadParameter('day', '"day" must be a day of the week: MO, TU, WE, TH, FR, SA, SU (or Monday to Sunday).');
    f.day = code;
  }
  for (const [name, key] of [
    ['start_time', 'startTime'],
    ['end_time', 'endTime'],
  ] as const) {
    const v = one(query, name);
    if (v === undefined) continue;
    const t = normaliseTime(v);
    if (!t) throw new BadParameter(name, `"${name}" must be a 24-hour time such as 09:00 or 17:30:00.`);
    f[key] = t;
  }
  const modifiedAfter = one(query, 'modified_after');
  if (modifiedAfter !== undefined) {
    // a date, or a date and time; without a zone the time is read as UTC
    const m = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.exec(modifiedAfter.trim());
    const text = modifiedAfter.trim().replace(' ', 'T');
    const withZone = /T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? `${text}Z` : text;
    const d = m ? new Date(withZone) : undefined;
    if (!d || Number.isNaN(d.getTime())) throw new BadParameter('modified_after', '"modified_after" must be a date or date-time such as 2026-01-31 or 2026-01-31T09:00:00Z.');
    f.modifiedAfter = d.toISOString();
  }
  if (f.minimumAge !== undefined && f.maximumAge !== undefined && f.minimumAge > f.maximumAge) {
    throw new BadParameter('minimum_age', '"minimum_age" is above "maximum_age": no service can match.');
  }
  return f;
}

/** Our pack has no coordinates and no postcode service areas: say so rather than return a guess. */
export function refuseLocationSearch(query: Query): void {
  for (const name of ['postcode', 'proximity'] as const) {
    if (query[name] !== undefined) {
      throw new BadParameter(
        name,
        `"${name}" is not available here: this directory's services have no map coordinates or postcode service areas, so it cannot tell which services cover a postcode. Filter by taxonomy term instead.`,
      );
    }
  }
}
