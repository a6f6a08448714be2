/**
 * The pack's classifications as Open Referral UK taxonomies. Need areas keep their two levels (a child
 * term has `parent_id`); levels of need, provider types, delivery modes, referral routes and the
 * expectation card's parts are taxonomies of their own, so that services can carry them as
 * `attributes` (see src/api/README.md). Pure: built from the pack, ids are stable UUIDs.
 */
import { stableUuid } from '../content/ids.js';
import { deliveryModes, providerTypes, type DeliveryMode, type Level, type NeedArea, type PackManifest, type ProviderType } from '../content/schema.js';

export interface OrukTaxonomyTerm {
  id: string;
  name: string;
  description: string;
  parent_id?: string;
  taxonomy: string;
  taxonomy_id: string;
  /** our own code for the term: a need area or level id, a provider type... */
  term: string;
}

export interface OrukTaxonomy {
  id: string;
  name: string;
  description: string;
  version: string;
  /** internal key, also the attribute `link_type` of its terms; not sent */
  key: TaxonomyKey;
  terms: OrukTaxonomyTerm[];
}

export type TaxonomyKey = 'need_area' | 'level_of_need' | 'provider_type' | 'delivery_mode' | 'referral_route' | 'expectation_card';

/** Product vocabulary (the content model's enums), not borough content. */
const providerTypeWords: Record<ProviderType, [string, string]> = {
  council: ['Council', 'Run by the local council.'],
  nhs: ['NHS', 'Run by the NHS.'],
  police: ['Police', 'Run by the police.'],
  'school-based': ['School-based', 'Given in or by the child’s school.'],
  voluntary: ['Voluntary sector', 'Run by a charity or voluntary organisation.'],
  community: ['Community', 'Run by a local community group.'],
  national: ['National', 'A national service or helpline.'],
};

const deliveryModeWords: Record<DeliveryMode, [string, string]> = {
  'in-person': ['In person', 'Met face to face.'],
  phone: ['By phone', 'Reached by a phone call.'],
  online: ['Online', 'Reached on the web, by email or by video.'],
  text: ['By text message', 'Reached by text message.'],
};

export const referralRoutes = ['self-referral', 'professional-referral', 'via-front-door', 'consent-needed'] as const;
export type ReferralRoute = (typeof referralRoutes)[number];
const referralRouteWords: Record<ReferralRoute, [string, string]> = {
  'self-referral': ['Self-referral accepted', 'Families or young people can contact the service themselves.'],
  'professional-referral': ['Professional referral', 'Professionals such as school staff can refer.'],
  'via-front-door': ['Via the front door', 'Referrals go through the council’s children’s front door.'],
  'consent-needed': ['Family consent needed', 'The family’s agreement is needed before a referral.'],
};

/** The expectation card's parts; an attribute's `value` carries the text. */
export const cardParts = ['eligibility', 'can-do', 'cannot-do', 'before-you-refer', 'information-to-have', 'how-to-refer', 'what-happens-next', 'response-time'] as const;
export type CardPart = (typeof cardParts)[number];
const cardPartWords: Record<CardPart, [string, string]> = {
  eligibility: ['Who it is for', 'Who can use the service.'],
  'can-do': ['What the service can do', 'One thing the service can do.'],
  'cannot-do': ['What the service cannot do', 'One thing the service cannot do.'],
  'before-you-refer': ['Before you refer', 'Something to do before referring.'],
  'information-to-have': ['Information to have ready', 'Information a referrer should have ready.'],
  'how-to-refer': ['How to refer', 'One way to refer.'],
  'what-happens-next': ['What happens next', 'What happens after a referral.'],
  'response-time': ['How long it takes', 'How soon the service usually responds.'],
};

export interface PackTaxonomies {
  taxonomies: OrukTaxonomy[];
  termById: Map<string, OrukTaxonomyTerm>;
  taxonomyById: Map<string, OrukTaxonomy>;
  /** a term's id and its children's ids: filtering on a parent need area includes its children */
  termWithChildren: Map<string, string[]>;
  term(key: TaxonomyKey, code: string): OrukTaxonomyTerm;
  /** the expectation card's taxonomy: every pack service has all of its terms */
  cardTaxonomyId: string;
}

export function taxonomyId(packId: string, key: TaxonomyKey): string {
  return stableUuid(`${packId}/taxonomy`, key);
}

export function termId(packId: string, key: TaxonomyKey, code: string): string {
  return stableUuid(`${packId}/taxonomy-term`, `${key}/${code}`);
}

export function buildTaxonomies(manifest: Pick<PackManifest, 'id' | 'serviceName'>, levels: Level[], needAreas: NeedArea[]): PackTaxonomies {
  const packId = manifest.id;
  const version = '1';
  const make = (key: TaxonomyKey, name: string, description: string, entries: Array<{ code: string; name: string; description: string; parent?: string }>): OrukTaxonomy => {
    const id = taxonomyId(packId, key);
    return {
      id,
      name,
      description,
      version,
      key,
      terms: entries.map((e) => ({
        id: termId(packId, key, e.code),
        name: e.name,
        description: e.description,
        ...(e.parent ? { parent_id: termId(packId, key, e.parent) } : {}),
        taxonomy: name,
        taxonomy_id: id,
        term: e.code,
      })),
    };
  };
  const words = <K extends string>(codes: readonly K[], table: Record<K, [string, string]>) => codes.map((code) => ({ code, name: table[code][0], description: table[code][1] }));

  const taxonomies = [
    make(
      'need_area',
      `${manifest.serviceName}: need areas`,
      'The needs a service helps with, in two levels: a need area and the more specific needs within it.',
      needAreas.flatMap((a) => [{ code: a.id, name: a.name, description: a.hint }, ...a.children.map((c) => ({ code: c.id, name: c.name, description: c.hint, parent: a.id }))]),
    ),
    make(
      'level_of_need',
      `${manifest.serviceName}: levels of need`,
      'The levels of need and risk a service responds to, from the local threshold of need guidance.',
      levels.map((l) => ({ code: l.id, name: `${l.label}: ${l.name}`, description: l.meaning })),
    ),
    make('provider_type', 'Provider type', 'Who runs the service.', words(providerTypes, providerTypeWords)),
    make('delivery_mode', 'Delivery mode', 'How people reach the service.', words(deliveryModes, deliveryModeWords)),
    make('referral_route', 'Referral route', 'How a child or family gets to the service.', words(referralRoutes, referralRouteWords)),
    make(
      'expectation_card',
      'Expectation card',
      'The parts of a service’s expectation card: what a referrer can expect, and must do first. Each attribute carries the text in `value`.',
      words(cardParts, cardPartWords),
    ),
  ];

  const termById = new Map<string, OrukTaxonomyTerm>();
  const termWithChildren = new Map<string, string[]>();
  const byCode = new Map<string, OrukTaxonomyTerm>();
  for (const t of taxonomies) {
    for (const term of t.terms) {
      termById.set(term.id, term);
      byCode.set(`${t.key}/${term.term}`, term);
      termWithChildren.set(term.id, [term.id]);
    }
  }
  for (const term of termById.values()) if (term.parent_id) termWithChildren.get(term.parent_id)?.push(term.id);

  return {
    taxonomies,
    termById,
    taxonomyById: new Map(taxonomies.map((t) => [t.id, t])),
    termWithChildren,
    cardTaxonomyId: taxonomyId(packId, 'expectation_card'),
    term(key, code) {
      const term = byCode.get(`${key}/${code}`);
      if (!term) throw new Error(`no ${key} term "${code}"`);
      return term;
    },
  };
}

/** A taxonomy as the API sends it: `taxonomy_terms` only when asked for the whole taxonomy. */
export function taxonomyJson(t: OrukTaxonomy, withTerms: boolean): Record<string, unknown> {
  return { id: t.id, name: t.name, description: t.description, version: t.version, ...(withTerms ? { taxonomy_terms: t.terms } : {}) };
}
