/**
 * Our service records as Open Referral UK 3.0 services, and the index entry the API queries for each
 * service, whether it came from the pack or from another directory's feed. Pure.
 *
 * Optional fields are left out rather than sent as null or as empty lists. Fields the UK profile lacks
 * but HSDS 3.0 has (service `phones`, phone `type`, language `name`, contact `email`/`phones`/`url`,
 * attribute `value`, attribute `link_entity`) are sent under their HSDS 3.0 names: the profile's schemas
 * allow extra properties. See src/api/README.md.
 */
import { stableUuid } from '../content/ids.js';
import { normalise } from '../content/vocabulary.js';
import { weekdays, type NeedArea, type PackManifest, type Service } from '../content/schema.js';
import type { OrukTaxonomyTerm, PackTaxonomies, TaxonomyKey, CardPart, ReferralRoute } from './taxonomies.js';

export type Json = Record<string, unknown>;

/** What the API's index holds for one service (tables api_service*, see tables.ts). */
export interface IndexEntry {
  id: string;
  slug: string | null;
  name: string;
  searchText: string;
  status: string;
  minAge: number | null;
  maxAge: number | null;
  modifiedAt: string;
  list: Json;
  /** the fully nested service; pack services leave it out and are mapped on request (see PackMapper) */
  full?: Json;
  terms: Array<{ termId: string; taxonomyId: string | null }>;
  schedules: Array<{ day: string | null; opensAt: string | null; closesAt: string | null }>;
  serviceAtLocations: Array<{ id: string; json: Json }>;
}

const SERVICE_LIST_FIELDS = [
  'id',
  'organization_id',
  'name',
  'description',
  'url',
  'email',
  'status',
  'fees',
  'accreditations',
  'minimum_age',
  'maximum_age',
  'assured_date',
  'assurer_email',
  'alert',
  'last_modified',
] as const;
const ORGANIZATION_LIST_FIELDS = ['id', 'name', 'description', 'email', 'website', 'logo', 'uri', 'parent_organization_id'] as const;
const LOCATION_LIST_FIELDS = ['id', 'location_type', 'name', 'description', 'latitude', 'longitude', 'external_identifier', 'external_identifier_type'] as const;

function pick(from: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (from[k] !== undefined && from[k] !== null) out[k] = from[k];
  return out;
}

/** A list page's item: the service's one-to-one fields only (the profile's service_list). */
export function serviceListItem(full: Json): Json {
  const out = pick(full, SERVICE_LIST_FIELDS);
  const org = full['organization'];
  if (org && typeof org === 'object') out['organization'] = pick(org as Json, ORGANIZATION_LIST_FIELDS);
  return out;
}

/** A service_at_location list item's location: one-to-one fields only. */
export function locationListItem(location: Json): Json {
  return pick(location, LOCATION_LIST_FIELDS);
}

/** "09:00" or "09:00:00" → "09:00:00"; anything else → undefined */
export function normaliseTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(value.trim());
  return m ? `${m[1]}:${m[2]}:${m[3] ?? '00'}` : undefined;
}

/** Each normalised word once: `search` matches words anywhere in it, and a shorter text scans faster. */
export function searchText(parts: string[]): string {
  return [...new Set(normalise(parts.join(' ')).split(' '))].join(' ');
}

function needAreaWords(needAreas: NeedArea[]): Map<string, string[]> {
  const words = new Map<string, string[]>();
  for (const a of needAreas) {
    for (const n of [a, ...a.children]) words.set(n.id, [n.name, ...n.synonyms, ...n.abbreviations]);
  }
  return words;
}

export interface PackContext {
  manifest: Pick<PackManifest, 'id' | 'serviceName' | 'borough'>;
  needAreas: NeedArea[];
  taxonomies: PackTaxonomies;
}

/**
 * Maps one pack service (with its stored ORUK id and modification time). `index` builds what the
 * queries need, cheaply (20,000 services are indexed on start); `full` builds the fully nested
 * service, on request.
 */
export interface PackMapper {
  index(service: Service, orukId: string, modifiedAt: string): IndexEntry;
  full(service: Service, orukId: string, modifiedAt: string): Json;
}

export function packServiceMapper(ctx: PackContext): PackMapper {
  const map = mapPackService(ctx);
  return { index: (s, id, m) => map(s, id, m, false), full: (s, id, m) => map(s, id, m, true).full! };
}

function mapPackService(ctx: PackContext) {
  const packId = ctx.manifest.id;
  const areaWords = needAreaWords(ctx.needAreas);
  const tax = ctx.taxonomies;

  return (s: Service, id: string, modifiedAt: string, nested: boolean): IndexEntry => {
    const sub = (kind: string, key: string | number) => stableUuid(`${packId}/service/${s.slug}`, `${kind}/${key}`);
    const attributes: Json[] = [];
    const terms = new Map<string, string | null>();
    const attribute = (key: TaxonomyKey, code: string, value?: string) => {
      const term: OrukTaxonomyTerm = tax.term(key, code);
      // every pack service has every card part: the index leaves them out (see repository.ts)
      if (key !== 'expectation_card') terms.set(term.id, term.taxonomy_id);
      if (!nested) return;
      attributes.push({
        id: sub('attribute', `${key}/${code}/${attributes.length}`),
        link_id: id,
        link_type: key,
        link_entity: 'service',
        taxonomy_term_id: term.id,
        taxonomy_term: term,
        ...(value !== undefined ? { value } : {}),
      });
    };
    for (const a of s.needAreas) attribute('need_area', a);
    for (const l of s.levels) attribute('level_of_need', l);
    attribute('provider_type', s.providerType);
    for (const m of s.deliveryModes) attribute('delivery_mode', m);
    const routes: Array<[boolean, ReferralRoute]> = [
      [s.referral.self, 'self-referral'],
      [s.referral.professional, 'professional-referral'],
      [s.referral.viaFrontDoor, 'via-front-door'],
      [s.referral.consentNeeded, 'consent-needed'],
    ];
    for (const [on, code] of routes) if (on) attribute('referral_route', code);
    const card: Array<[CardPart, string[]]> = [
      ['eligibility', [s.eligibility]],
      ['can-do', s.card.canDo],
      ['cannot-do', s.card.cannotDo],
      ['before-you-refer', s.card.beforeYouRefer],
      ['information-to-have', s.card.informationToHave],
      ['how-to-refer', s.card.howToRefer],
      ['what-happens-next', [s.card.whatHappensNext]],
      ['response-time', [s.card.responseTime]],
    ];
    if (nested) for (const [part, texts] of card) for (const text of texts) attribute('expectation_card', part, text);

    const organizationId = stableUuid(`${packId}/organization`, s.organization.name);
    const organization: Json = {
      id: organizationId,
      name: s.organization.name,
      // the profile requires a description; the organisation's name is the honest fallback
      description: s.organization.description ?? s.organization.name,
      ...(s.organization.url ? { website: s.organization.url } : {}),
    };

    const core: Json = {
      id,
      organization_id: organizationId,
      name: s.name,
      description: s.description,
      ...(s.url ? { url: s.url } : {}),
      ...(s.email ? { email: s.email } : {}),
      status: s.status,
      ...(s.cost.description ? { fees: s.cost.description } : {}),
      ...(s.ages ? { minimum_age: s.ages.min, maximum_age: s.ages.max } : {}),
      assured_date: s.reviewed,
      ...(s.unverifiedNote ? { alert: s.unverifiedNote } : {}),
      last_modified: modifiedAt,
    };
    const schedules = s.schedules.map((sc) => ({
      sc,
      days: sc.always ? [...weekdays] : (sc.byDay ?? []),
      opens: sc.always ? '00:00:00' : normaliseTime(sc.opensAt),
      closes: sc.always ? '23:59:59' : normaliseTime(sc.closesAt),
    }));
    const serviceAtLocations = s.locations
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => l.verified)
      .map(({ l, i }) => {
        const locationId = stableUuid(`${packId}/location`, `${s.slug}/${i}`);
        const location: Json = {
          id: locationId,
          location_type: 'physical',
          name: l.name,
          ...(l.description ? { description: l.description } : {}),
          ...(l.latitude !== undefined ? { latitude: l.latitude } : {}),
          ...(l.longitude !== undefined ? { longitude: l.longitude } : {}),
          ...(l.address
            ? {
                addresses: [
                  {
                    id: stableUuid(`${packId}/address`, `${s.slug}/${i}`),
                    location_id: locationId,
                    address_1: l.address.line1,
                    city: l.address.city,
                    // UK addresses have no state or province: the profile requires one, so the town stands in
                    state_province: l.address.city,
                    postal_code: l.address.postcode.toUpperCase(),
                    country: 'GB',
                    address_type: 'physical',
                  },
                ],
              }
            : {}),
        };
        return { id: sub('service-at-location', i), service_id: id, location_id: locationId, location };
      });

    const words = [s.name, s.summary, s.description, s.organization.name, s.eligibility, ...s.needAreas.flatMap((a) => areaWords.get(a) ?? [])];
    const entry: IndexEntry = {
      id,
      slug: s.slug,
      name: s.name,
      searchText: searchText(words),
      status: s.status,
      minAge: s.ages?.min ?? null,
      maxAge: s.ages?.max ?? null,
      modifiedAt,
      list: { ...core, organization },
      terms: [...terms].map(([termId, taxonomyId]) => ({ termId, taxonomyId })),
      schedules: schedules.flatMap((x) => (x.days.length > 0 ? x.days : [null]).map((day) => ({ day, opensAt: x.opens ?? null, closesAt: x.closes ?? null }))),
      serviceAtLocations: serviceAtLocations.map((sal) => ({ id: sal.id, json: sal })),
    };
    if (!nested) return entry;

    // numbers the pack marks unverified stay out of the open data: a consumer may not show the caveat
    const phones = s.phones
      .filter((p) => p.verified)
      .map((p, i) => ({
        id: sub('phone', i),
        service_id: id,
        number: p.number,
        type: p.kind,
        ...(p.label ? { description: p.label } : {}),
      }));

    const contacts: Json[] = [];
    if (s.referral.email || s.referral.phone || s.referral.formUrl) {
      const contactId = sub('contact', 'referrals');
      contacts.push({
        id: contactId,
        service_id: id,
        name: 'Referrals',
        ...(s.referral.email ? { email: s.referral.email } : {}),
        ...(s.referral.formUrl ? { url: s.referral.formUrl } : {}),
        ...(s.referral.phone ? { phones: [{ id: sub('contact-phone', 'referrals'), contact_id: contactId, number: s.referral.phone }] } : {}),
      });
    }

    entry.full = {
      ...core,
      ...(schedules.length > 0
        ? {
            schedules: schedules.map((x, i) => ({
              id: sub('schedule', i),
              service_id: id,
              description: x.sc.description,
              ...(x.days.length > 0 ? { freq: 'WEEKLY', interval: 1, byday: x.days.join(',') } : {}),
              ...(x.opens ? { opens_at: x.opens } : {}),
              ...(x.closes ? { closes_at: x.closes } : {}),
            })),
          }
        : {}),
      service_areas: [
        s.coverage === 'local'
          ? { id: sub('service-area', 'local'), service_id: id, name: ctx.manifest.borough.name, service_area: ctx.manifest.borough.name }
          : { id: sub('service-area', 'national'), service_id: id, name: 'National', service_area: 'Available nationally' },
      ],
      ...(serviceAtLocations.length > 0 ? { service_at_locations: serviceAtLocations } : {}),
      ...(s.languages.length > 0 ? { languages: s.languages.map((name, i) => ({ id: sub('language', i), service_id: id, name })) } : {}),
      organization,
      cost_options: [
        {
          id: sub('cost-option', 0),
          service_id: id,
          option: s.cost.free ? 'Free' : 'Charge',
          ...(s.cost.free ? { amount: 0 } : {}),
          ...(s.cost.description ? { amount_description: s.cost.description } : {}),
        },
      ],
      ...(contacts.length > 0 ? { contacts } : {}),
      ...(phones.length > 0 ? { phones } : {}),
      attributes,
    };
    return entry;
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === 'object') : []);

/** The index entry for a service imported from another directory's feed (already schema-valid). */
export function indexImportedService(record: Json, modifiedAt: string): IndexEntry {
  const id = String(record['id']);
  // the feed's own last_modified wins; our import time stands in when it has none
  const stated = str(record['last_modified']);
  const statedTime = stated ? new Date(stated) : undefined;
  const lastModified = statedTime && !Number.isNaN(statedTime.getTime()) ? statedTime.toISOString() : modifiedAt;
  const full: Json = { ...record, last_modified: stated ?? modifiedAt };
  const terms = new Map<string, string | null>();
  for (const a of list(record['attributes'])) {
    const term = a['taxonomy_term'] && typeof a['taxonomy_term'] === 'object' ? (a['taxonomy_term'] as Json) : undefined;
    const termId = str(a['taxonomy_term_id']) ?? str(term?.['id']);
    if (termId) terms.set(termId, str(term?.['taxonomy_id']) ?? null);
  }
  const schedules = list(record['schedules']).flatMap((sc) => {
    const days = (str(sc['byday']) ?? '')
      .split(',')
      .map((d) => d.trim().toUpperCase().slice(-2))
      .filter((d) => (weekdays as readonly string[]).includes(d));
    const opensAt = normaliseTime(sc['opens_at']) ?? null;
    const closesAt = normaliseTime(sc['closes_at']) ?? null;
    return (days.length > 0 ? days : [null]).map((day) => ({ day, opensAt, closesAt }));
  });
  const org = record['organization'] && typeof record['organization'] === 'object' ? (record['organization'] as Json) : {};
  const name = String(record['name']);
  return {
    id,
    slug: null,
    name,
    searchText: searchText([name, str(record['description']) ?? '', str(org['name']) ?? '']),
    status: String(record['status']),
    minAge: num(record['minimum_age']),
    maxAge: num(record['maximum_age']),
    // stored as toISOString() so that modified_after compares as text
    modifiedAt: lastModified,
    list: serviceListItem(full),
    full,
    terms: [...terms].map(([termId, taxonomyId]) => ({ termId, taxonomyId })),
    schedules,
    serviceAtLocations: list(record['service_at_locations']).map((sal) => ({ id: String(sal['id']), json: { ...sal, service_id: id } })),
  };
}
