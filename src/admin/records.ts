/**
 * The records an editor changes: services (with their expectation cards), FAQs and the key contacts.
 * Each has a type and an id (a service's slug, an FAQ's id, a contact's role); here they are found in
 * a pack, put into a copy of a pack (or taken out of it), and fingerprinted, so that a draft knows
 * whether its record changed since it began.
 */
import { createHash } from 'node:crypto';
import type { Faq, FaqTopic } from '../chat/content.js';
import { checkPack } from '../content/pack-files.js';
import type { ContentProblem } from '../content/problems.js';
import { contactRoles, type ContactPoint, type ContactRole, type ContentPack, type Service } from '../content/schema.js';
import { packSections } from '../sections.js';

export const recordTypes = ['service', 'faq', 'contact'] as const;
export type RecordType = (typeof recordTypes)[number];
export const isRecordType = (v: unknown): v is RecordType => typeof v === 'string' && (recordTypes as readonly string[]).includes(v);

export const recordTypeLabels: Record<RecordType, { one: string; many: string }> = {
  service: { one: 'service', many: 'Services' },
  faq: { one: 'FAQ', many: 'FAQs' },
  contact: { one: 'key contact', many: 'Key contacts' },
};

/** An FAQ as edited: the FAQ, and the topic file it sits in */
export type FaqRecord = Faq & { topicFile: string };
export type AnyRecord = Service | FaqRecord | ContactPoint;

/** a record as an editor proposes it: what the form made of the fields, checked only when the pack is */
export type Proposed = Record<string, unknown>;

type TopicFiles = Array<{ file: string; value: FaqTopic }>;
const topicsOf = (pack: ContentPack): TopicFiles => (pack.sections['faqs'] as TopicFiles | undefined) ?? [];

/** the FAQ topics of the pack, as (file, title) */
export const faqTopics = (pack: ContentPack) => topicsOf(pack).map((t) => ({ file: t.file, topic: t.value.topic }));

export function findRecord(pack: ContentPack, type: RecordType, id: string): AnyRecord | undefined {
  if (type === 'service') return pack.services.find((s) => s.slug === id);
  if (type === 'contact') return (contactRoles as readonly string[]).includes(id) ? pack.manifest.contacts[id as ContactRole] : undefined;
  for (const t of topicsOf(pack)) {
    const f = t.value.faqs.find((x) => x.id === id);
    if (f) return { ...f, topicFile: t.file };
  }
  return undefined;
}

export interface RecordSummary {
  type: RecordType;
  id: string;
  title: string;
  detail: string;
}

export function listRecords(pack: ContentPack, type: RecordType): RecordSummary[] {
  if (type === 'service') return pack.services.map((s) => ({ type, id: s.slug, title: s.name, detail: s.status === 'active' ? s.organization.name : `${s.organization.name} (${s.status})` })).sort((a, b) => a.title.localeCompare(b.title));
  if (type === 'contact') return contactRoles.map((role) => ({ type, id: role, title: pack.manifest.contacts[role].name, detail: pack.manifest.contacts[role].phones.map((p) => p.number).join(', ') }));
  return topicsOf(pack).flatMap((t) => t.value.faqs.map((f) => ({ type, id: f.id, title: f.question, detail: t.value.topic })));
}

/** the record's title, for headings and lists */
export function recordTitle(type: RecordType, record: unknown, id: string): string {
  const r = (record ?? {}) as Record<string, unknown>;
  const t = type === 'service' ? r['name'] : type === 'faq' ? r['question'] : r['name'];
  return typeof t === 'string' && t.trim() ? t : id;
}

/** a fingerprint of a record as published (undefined when there is none): a draft's base */
export function recordHash(record: unknown): string | undefined {
  if (record === undefined) return undefined;
  return createHash('sha256').update(JSON.stringify(record)).digest('hex');
}

/** the id a proposed record gives itself (a new record's slug or id) */
export function proposedId(type: RecordType, proposed: Proposed): string {
  const v = type === 'service' ? proposed['slug'] : type === 'faq' ? proposed['id'] : undefined;
  return typeof v === 'string' ? v : '';
}

/** the pack's file holding a record, as content:check names it */
export function recordFile(type: RecordType, id: string, record?: unknown): string {
  if (type === 'service') return `services/${id}.yaml`;
  if (type === 'contact') return 'pack.yaml';
  const file = (record as { topicFile?: unknown } | undefined)?.topicFile;
  return typeof file === 'string' ? file : '';
}

/**
 * A copy of the pack with the record `id` replaced by `proposed` (added when new), or taken out when
 * `proposed` is null. The pack passed in is not changed.
 */
export function applyRecord(pack: ContentPack, type: RecordType, id: string, proposed: Proposed | null): ContentPack {
  const next: ContentPack = { ...pack };
  if (type === 'service') {
    const services = pack.services.filter((s) => s.slug !== id);
    if (proposed) {
      const at = pack.services.findIndex((s) => s.slug === id);
      services.splice(at < 0 ? services.length : at, 0, proposed as unknown as Service);
    }
    next.services = services;
  } else if (type === 'contact') {
    if (!proposed) throw new Error('a key contact cannot be removed');
    next.manifest = { ...pack.manifest, contacts: { ...pack.manifest.contacts, [id]: proposed as unknown as ContactPoint } };
  } else {
    const { topicFile, ...faq } = (proposed ?? {}) as Proposed & { topicFile?: unknown };
    const topics = topicsOf(pack).map((t) => {
      const at = t.value.faqs.findIndex((f) => f.id === id);
      const faqs = t.value.faqs.filter((f) => f.id !== id);
      if (proposed && t.file === topicFile) faqs.splice(at < 0 ? faqs.length : at, 0, faq as unknown as Faq);
      return { file: t.file, value: { ...t.value, faqs } };
    });
    next.sections = { ...pack.sections, faqs: topics };
  }
  return next;
}

export interface DraftCheck {
  /** the whole pack with the draft applied, when it has no error */
  pack?: ContentPack;
  hash: string;
  errors: ContentProblem[];
}

/**
 * The same validation as content:check, on the published pack with the draft applied, and the checks
 * only a draft needs: a new record's id must be free, and a record must be in a topic that exists.
 */
export function checkDraft(pack: ContentPack, type: RecordType, id: string, proposed: Proposed | null, opts: { isNew: boolean; today?: Date }): DraftCheck {
  const own: ContentProblem[] = [];
  const file = recordFile(type, id, proposed ?? findRecord(pack, type, id));
  if (opts.isNew && id && findRecord(pack, type, id)) {
    own.push({ severity: 'error', file, record: id, field: type === 'service' ? 'slug' : 'id', message: `there is already ${type === 'service' ? 'a service with this slug' : 'an FAQ with this id'}: choose another` });
  }
  if (type === 'faq' && proposed && !faqTopics(pack).some((t) => t.file === proposed['topicFile'])) {
    own.push({ severity: 'error', file, record: id, field: 'topicFile', message: 'choose a topic' });
  }
  if (own.length) return { hash: '', errors: own };
  const { pack: checked, problems, hash } = checkPack(applyRecord(pack, type, id, proposed), packSections, { today: opts.today });
  return { pack: checked, hash, errors: problems.filter((p) => p.severity === 'error') };
}
