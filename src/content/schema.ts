/**
 * The content model: one definition gives both runtime validation (zod) and the TypeScript types.
 *
 * A content pack is a folder of YAML files (see README "Content packs"). Nothing here names a
 * borough, a service or a level number: those are all content.
 */
import { z } from 'zod';

/** ISO calendar date, e.g. 2025-06-30. Kept as a string: it is what editors write and what we show. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'is not a real calendar date',
  });

/** What a slug looks like: lower-case letters and digits, in words joined by single hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A slug is the stable id used in URLs and cross-references. */
export const slug = z.string().regex(SLUG_PATTERN, 'must be a slug: lower-case letters, digits and single hyphens');

const digitCount = (s: string) => s.replace(/\D/g, '').length;
/** UK phone numbers as people write them: 999, 116 123, 0808 800 5000, +44 20 8227 3811. */
export const phoneNumber = z
  .string()
  .regex(/^\+?[0-9][0-9 ]*[0-9]$/, 'must be a phone number of digits and spaces, e.g. 020 8227 3811')
  .refine((s) => digitCount(s) >= 3 && digitCount(s) <= 13, { message: 'must have between 3 and 13 digits' });

export const email = z
  .string()
  .regex(/^[^\s@<>"]+@[^\s@<>"]+\.[A-Za-z]{2,}$/, 'must be an email address such as name@example.org');

export const httpUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.includes('.');
    } catch {
      return false;
    }
  },
  { message: 'must be a full web address starting https://' },
);

/** Where a fact came from and when someone last checked it. */
export const source = z.strictObject({
  title: z.string().min(1),
  url: httpUrl.optional(),
});

/**
 * A phone number shown to users. `verified: false` means the number came from an old or secondary
 * source: it is shown with an "unverified" tag (or better, left out).
 */
export const phone = z.strictObject({
  number: phoneNumber,
  label: z.string().min(1).optional(),
  /** text-only services such as Shout */
  kind: z.enum(['voice', 'text']).default('voice'),
  verified: z.boolean().default(true),
});

/** One of the borough's key contacts (front door, LADO, Prevent...). */
export const contactPoint = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1).optional(),
  phones: z.array(phone).default([]),
  email: email.optional(),
  url: httpUrl.optional(),
  /** an online referral form, e.g. the multi-agency referral form */
  formUrl: httpUrl.optional(),
  hours: z.string().min(1).optional(),
  /** shown where the contact's details could not be confirmed */
  unverifiedNote: z.string().min(1).optional(),
  source,
  reviewed: isoDate,
});

export const contactRoles = ['emergency', 'frontDoor', 'outOfHours', 'lado', 'prevent', 'earlyHelp'] as const;
export type ContactRole = (typeof contactRoles)[number];

/** a colour as #rrggbb */
const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written as #rrggbb, e.g. #00703c');

/**
 * The council's own look. Colours set govuk-frontend's custom properties; the font stack the site's;
 * the logo is a file in the pack folder, read into the pack when it is loaded.
 */
export const brand = z.strictObject({
  /** the header and panels, with white text on it (it needs a contrast of at least 4.5:1 with white) */
  colour: hexColour.optional(),
  /** links, on white (at least 4.5:1) */
  linkColour: hexColour.optional(),
  /** a CSS font stack of installed fonts, e.g. "Arial, sans-serif"; system fonts when not set */
  fontFamily: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9 ,"'-]+$/, 'must be a font stack: names of fonts separated by commas, e.g. "Arial, sans-serif"')
    .optional(),
  logo: z
    .strictObject({
      /** an SVG or PNG file in the pack folder, shown in the header beside the council's name */
      file: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*\.(svg|png)$/, 'must be the name of an .svg or .png file in the pack folder'),
      /** filled in by the loader: the file's bytes, base64 */
      data: z.string().optional(),
    })
    .optional(),
});
export type Brand = z.infer<typeof brand>;

export const packManifest = z.strictObject({
  /** stable id of the pack, e.g. the borough's slug */
  id: slug,
  serviceName: z.string().min(1),
  /** one sentence shown on the start page */
  tagline: z.string().min(1),
  borough: z.strictObject({
    name: z.string().min(1),
    shortName: z.string().min(1),
    website: httpUrl,
  }),
  /** records older than this are flagged as due for review (a warning in content:check) */
  reviewPeriodMonths: z.number().int().min(1).max(60).default(12),
  contacts: z.strictObject({
    emergency: contactPoint,
    frontDoor: contactPoint,
    outOfHours: contactPoint,
    lado: contactPoint,
    prevent: contactPoint,
    earlyHelp: contactPoint,
  }),
  escalationPolicy: z.strictObject({ title: z.string().min(1), url: httpUrl.optional(), summary: z.string().min(1), source, reviewed: isoDate }),
  /** contact for reporting problems with the guidance itself */
  feedbackEmail: email.optional(),
  /** who runs the service, for the privacy and accessibility pages */
  operator: z.string().min(1),
  /** the council's own colours, font and logo; govuk-frontend's defaults and system fonts without it */
  brand: brand.default({}),
  thresholdDocument: z.strictObject({ title: z.string().min(1), url: httpUrl.optional(), note: z.string().min(1).optional() }),
  /**
   * What the pack promises to cover, checked by content:check as errors: a pack that sets these cannot
   * be published with a worry no service or answer covers. Without it, gaps are warnings.
   */
  coverage: z
    .strictObject({
      /** active services that must serve every need area (the directory filter's rule) */
      servicesPerNeedArea: z.number().int().min(1).max(20),
      /** FAQs that must name every need area (a parent counts its children's FAQs) */
      faqsPerNeedArea: z.number().int().min(0).max(20).default(0),
      /** every glossary term needs a FAQ whose question or phrasings name it */
      glossaryAnswered: z.boolean().default(false),
    })
    .optional(),
});

/** A level of need. `rank` orders levels (higher is more serious); labels are whatever the borough uses. */
export const level = z.strictObject({
  id: slug,
  rank: z.number().int().min(0),
  /** short label, e.g. "Level 2" or "Tier 2" */
  label: z.string().min(1),
  name: z.string().min(1),
  meaning: z.string().min(1),
  whoResponds: z.string().min(1),
  /** examples of what typically sits at this level, in plain words */
  examples: z.array(z.string().min(1)).default([]),
  consent: z.strictObject({
    /** is the family's consent needed before this response can start? */
    required: z.boolean(),
    guidance: z.string().min(1),
  }),
  /** the usual route to get this response */
  route: z.string().min(1),
  /** the contact role that this level's route goes through, if any */
  contactRole: z.enum(contactRoles).optional(),
  source,
  reviewed: isoDate,
});

const needAreaBase = {
  id: slug,
  name: z.string().min(1),
  /** how staff would describe it, shown as a hint */
  hint: z.string().min(1),
  synonyms: z.array(z.string().min(1)).default([]),
  abbreviations: z.array(z.string().min(1)).default([]),
};
export const needAreaChild = z.strictObject(needAreaBase);
export const needArea = z.strictObject({ ...needAreaBase, children: z.array(needAreaChild).default([]) });

/** Terms staff use, with their abbreviations and synonyms, for search and the chat bot. */
export const glossaryTerm = z.strictObject({
  term: z.string().min(1),
  abbreviations: z.array(z.string().min(1)).default([]),
  synonyms: z.array(z.string().min(1)).default([]),
  definition: z.string().min(1),
});

export const providerTypes = ['council', 'nhs', 'police', 'school-based', 'voluntary', 'community', 'national'] as const;
export const deliveryModes = ['in-person', 'phone', 'online', 'text'] as const;
export const serviceStatuses = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;
export const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time such as 09:00');

export const schedule = z.strictObject({
  /** plain words, always shown */
  description: z.string().min(1),
  byDay: z.array(z.enum(weekdays)).optional(),
  opensAt: time.optional(),
  closesAt: time.optional(),
  /** open all day, every day */
  always: z.boolean().optional(),
});

export const location = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1).optional(),
  address: z
    .strictObject({
      line1: z.string().min(1),
      city: z.string().min(1),
      postcode: z.string().regex(/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, 'must be a UK postcode such as IG11 7NB'),
    })
    .optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  verified: z.boolean().default(true),
});

/** The expectation card: what a referrer can expect, and must do first. */
export const expectationCard = z.strictObject({
  canDo: z.array(z.string().min(1)).min(1),
  cannotDo: z.array(z.string().min(1)).min(1),
  beforeYouRefer: z.array(z.string().min(1)).min(1),
  informationToHave: z.array(z.string().min(1)).min(1),
  howToRefer: z.array(z.string().min(1)).min(1),
  whatHappensNext: z.string().min(1),
  responseTime: z.string().min(1),
});

export const service = z.strictObject({
  slug,
  name: z.string().min(1),
  /** one line: what it does */
  summary: z.string().min(1).max(200),
  description: z.string().min(1),
  status: z.enum(serviceStatuses).default('active'),
  organization: z.strictObject({ name: z.string().min(1), url: httpUrl.optional(), description: z.string().min(1).optional() }),
  /** local to the borough, or national (national services rank after local ones) */
  coverage: z.enum(['local', 'national']),
  providerType: z.enum(providerTypes),
  url: httpUrl.optional(),
  email: email.optional(),
  phones: z.array(phone).default([]),
  locations: z.array(location).default([]),
  schedules: z.array(schedule).default([]),
  ages: z.strictObject({ min: z.number().int().min(0).max(25), max: z.number().int().min(0).max(120) }).optional(),
  eligibility: z.string().min(1),
  cost: z.strictObject({ free: z.boolean(), description: z.string().min(1).optional() }),
  languages: z.array(z.string().min(1)).default(['English']),
  deliveryModes: z.array(z.enum(deliveryModes)).min(1),
  needAreas: z.array(slug).min(1),
  levels: z.array(slug).min(1),
  referral: z.strictObject({
    self: z.boolean(),
    professional: z.boolean(),
    viaFrontDoor: z.boolean(),
    consentNeeded: z.boolean(),
    formUrl: httpUrl.optional(),
    email: email.optional(),
    phone: phoneNumber.optional(),
    notes: z.string().min(1).optional(),
  }),
  card: expectationCard,
  /** a fact that could not be confirmed, shown to users */
  unverifiedNote: z.string().min(1).optional(),
  source,
  reviewed: isoDate,
});

export type Source = z.infer<typeof source>;
export type Phone = z.infer<typeof phone>;
export type ContactPoint = z.infer<typeof contactPoint>;
export type PackManifest = z.infer<typeof packManifest>;
export type Level = z.infer<typeof level>;
export type NeedArea = z.infer<typeof needArea>;
export type NeedAreaChild = z.infer<typeof needAreaChild>;
export type GlossaryTerm = z.infer<typeof glossaryTerm>;
export type Service = z.infer<typeof service>;
export type ExpectationCard = z.infer<typeof expectationCard>;
export type ProviderType = (typeof providerTypes)[number];
export type DeliveryMode = (typeof deliveryModes)[number];

/** A whole validated pack, as engines and the store see it. */
export interface ContentPack {
  manifest: PackManifest;
  levels: Level[];
  needAreas: NeedArea[];
  glossary: GlossaryTerm[];
  services: Service[];
  /** sections owned by the tools, keyed by section name (see src/content/sections.ts) */
  sections: Record<string, unknown>;
}
