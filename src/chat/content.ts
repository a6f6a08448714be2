/**
 * The chat bot's pack content: the FAQ database (content/<pack>/faqs/*.yaml, one file per topic) and
 * the bot's own settings (chat.yaml: danger rules and the phrasings of generated answers).
 *
 * Answers never hold a phone number: they name a contact with a placeholder (`{phone:frontDoor}`,
 * `{contact:lado}`, `{service-phone:childline}`), expanded from the pack when the answer is shown,
 * so every number lives in one place.
 */
import { z } from 'zod';
import { contactRoles, isoDate, slug, source, type ContentPack } from '../content/schema.js';
import { needAreaIds } from '../content/ids.js';
import { normalise } from '../content/vocabulary.js';
import { type PackSection, type SectionCheckContext, type SectionValue } from '../content/sections.js';

const internalHref = z.string().regex(/^\/[a-z0-9\-/?=&]*$/, 'must be a path on this site such as /services?need=housing');
const externalHref = z.string().regex(/^https:\/\/[^\s<>"]+$/, 'must be a full web address starting https://');

export const faqLink = z.strictObject({
  text: z.string().min(1).max(120),
  href: z.union([internalHref, externalHref], { error: 'must be a path on this site (/services...) or a web address starting https://' }),
});

export const faq = z.strictObject({
  id: slug,
  /** the question as shown on a suggestion button */
  question: z.string().min(5).max(140),
  /** other ways staff ask the same thing (the lexical index boosts these) */
  phrasings: z.array(z.string().min(3).max(200)).min(3),
  /**
   * words or short phrases that tell this FAQ apart from its close neighbours ("what happens next",
   * "how long"); a message that uses one moves this FAQ up. Each belongs to one FAQ only.
   */
  keywords: z.array(z.string().min(2).max(60)).max(12).default([]),
  /** short, plain words; placeholders such as {phone:frontDoor} are expanded from the pack */
  answer: z.string().min(20).max(900),
  links: z.array(faqLink).default([]),
  /** need areas this question is about: used for follow-ups ("which services?") */
  needAreas: z.array(slug).default([]),
  source,
  reviewed: isoDate,
});

export const faqTopic = z.strictObject({
  topic: z.string().min(1),
  faqs: z.array(faq).min(1),
});

const phrase = z.string().min(2).max(80);
export const dangerRule = z.strictObject({
  id: slug,
  /** any one of these phrases is enough ("*" at the end of a word matches any ending) */
  any: z.array(phrase).optional(),
  /** every group must match one of its phrases */
  all: z.array(z.array(phrase).min(1)).min(2).optional(),
  /** any one of these cancels the rule ("last week": not happening now) */
  unless: z.array(phrase).optional(),
  /** any one of these keeps the rule whatever "unless" says ("back tonight" after "last night") */
  still: z.array(phrase).optional(),
  /** any one of these cancels the rule whatever "still" says (a training scenario, a figure of speech) */
  except: z.array(phrase).optional(),
});

const templates = z.array(z.string().min(3)).min(1);
export const chatSettings = z.strictObject({
  danger: z.strictObject({
    /** shown at the top of any reply whose question matches a rule; placeholders allowed */
    reply: z.string().min(20),
    /**
     * said after it only when the message is about a worry it fits (suicide: "do not leave them alone"):
     * one of its rules matches the message (whichever rule found the danger), or the message names one of
     * its need areas or has one of its phrases
     */
    extra: z
      .array(z.strictObject({ rules: z.array(slug).default([]), needAreas: z.array(slug).default([]), phrases: z.array(phrase).default([]), text: z.string().min(10) }))
      .default([]),
    /**
     * Worries that cannot wait but are not 999 (FACTS 1b: a child harmed at home, safe in school, who is
     * afraid to go home; bruising on a baby who cannot move about): when only these rules match, the reply
     * leads with this same-day guidance instead of the emergency one. Any other rule matching as well
     * makes it an emergency.
     */
    sameDay: z
      .strictObject({
        reply: z.string().min(20),
        rules: z.array(slug).min(1),
        /**
         * words that, beside a same-day worry, tell of the going home rather than of harm now ("scared to go
         * home tonight"): set aside before the other rules are asked whether it is an emergency as well
         */
        homeTime: z.array(phrase).default([]),
      })
      .optional(),
    /** named lists of phrases, used in rules as "@name" (so "what happened before" is written once) */
    lists: z.record(slug, z.array(phrase).min(1)).default({}),
    rules: z.array(dangerRule).min(1),
    /**
     * with danger-examples.yaml: a message the rules miss is still danger when the detector learned from
     * those examples gives it at least this probability (and no rule's "except" matches it)
     */
    learnedThreshold: z.number().gt(0).lt(1).optional(),
    /**
     * the learned detector reads time as the rules do: a message with one of these phrases (what happened
     * before, or a child settled with staff) is not flagged by it, unless one of `learnedStill` is there too
     */
    learnedUnless: z.array(phrase).default([]),
    learnedStill: z.array(phrase).default([]),
    /**
     * the next message after one whose own words brought the emergency guidance ("police?", "what do we
     * do with the kids?") brings it again, unless it has one of these: it is over, or about later
     */
    carriedUnless: z.array(phrase).default([]),
  }),
  /** shown when the bot does not know; placeholders allowed */
  unsure: z.string().min(20),
  /**
   * said when a question asked again in other words gets the answer just given: that answer's first
   * sentence follows, with the next different answers to choose from; placeholders allowed
   */
  sameAnswer: z.string().min(10),
  /**
   * messages about school life that are not about a child's safety or wellbeing (staff pay, IT, trips,
   * timetables): when a message is most like these, the bot says what it is for instead of stretching an
   * answer to fit. Written for the pack, never copied from an evaluation set.
   */
  outOfScope: z
    .strictObject({
      reply: z.string().min(20),
      examples: z.array(z.string().min(3).max(200)).min(10),
    })
    .optional(),
  /** phrasings of the generated answers; {name} is the service, level or need area name, {label} a level's label */
  generated: z.strictObject({
    serviceAbout: templates,
    serviceRefer: templates,
    servicePhone: templates,
    level: templates,
    needServices: templates,
    needsCheck: templates,
    directory: templates,
  }),
  /**
   * words staff use for the same thing, for the chat only (the glossary and need areas are used too):
   * each group is matched as one term, e.g. ["social care", "social services", "childrens services"]
   */
  synonyms: z.array(z.array(z.string().min(2).max(60)).min(2)).default([]),
  /**
   * staff roles a message may open with to say who is writing ("SENCO here.", "I'm a TA in Year 2."): that
   * first clause is set aside when matching, as the worry is what follows ("#" is any number)
   */
  writerRoles: z.array(z.string().min(2).max(60)).default([]),
  /** follow-up questions that refer back to the last service or need area ("how do I refer to them?") */
  followUps: z.strictObject({
    refer: templates,
    phone: templates,
    about: templates,
    services: templates,
  }),
});

/** Labelled example messages for the learned danger detector: danger now (999), or not. */
export const dangerExamples = z.strictObject({
  examples: z
    .array(z.strictObject({ q: z.string().trim().min(2).max(2000), danger: z.boolean() }))
    .min(1),
});
export type DangerExamples = z.infer<typeof dangerExamples>;

/** Each label needs this many examples at least for the detector to learn anything useful. */
export const MIN_EXAMPLES_PER_LABEL = 50;

export type Faq = z.infer<typeof faq>;
export type FaqTopic = z.infer<typeof faqTopic>;
export type DangerRule = z.infer<typeof dangerRule>;
export type ChatSettings = z.infer<typeof chatSettings>;

export interface ChatContent {
  faqs: Array<Faq & { topic: string; file: string }>;
  settings: ChatSettings;
  dangerExamples: DangerExamples['examples'];
}

const PLACEHOLDER = /\{([a-z-]+):([a-zA-Z0-9-]+)\}/g;
// Phone-like digit runs (six or more digits) and the short emergency numbers: these belong in contacts.
const PHONE_LIKE = /(?:\+?\d[\d ]{4,}\d)|\b(?:999|101|111|116 ?\d{3})\b/;

/** Checks the placeholders in a text: each must name a known contact role or service with a number. */
export function checkPlaceholders(text: string, pack: Pick<ContentPack, 'manifest' | 'services'>, report: (message: string) => void, allowNumbers = false): void {
  for (const m of text.matchAll(PLACEHOLDER)) {
    const [whole, kind, key] = m as unknown as [string, string, string];
    if (kind === 'contact' || kind === 'phone' || kind === 'name') {
      if (!(contactRoles as readonly string[]).includes(key)) {
        report(`${whole} names an unknown contact "${key}" (use one of ${contactRoles.join(', ')})`);
        continue;
      }
      const c = pack.manifest.contacts[key as (typeof contactRoles)[number]];
      if (kind === 'phone' && c.phones.length === 0) report(`${whole}: the ${key} contact has no phone number in pack.yaml; use {contact:${key}} instead`);
    } else if (kind === 'service-phone') {
      const s = pack.services.find((x) => x.slug === key);
      if (!s) report(`${whole} names an unknown service "${key}"`);
      else if (s.phones.length === 0) report(`${whole}: the service "${key}" has no phone number`);
    } else {
      report(`${whole} is not a known placeholder (use {contact:role}, {phone:role}, {name:role} or {service-phone:slug})`);
    }
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (!allowNumbers && PHONE_LIKE.test(rest)) report('has a phone number written by hand: use a placeholder such as {phone:frontDoor} so numbers live only in pack.yaml and service files');
}

/** Checks a link: internal paths must lead to a page that exists for this pack. */
export function checkHref(href: string, pack: Pick<ContentPack, 'services' | 'needAreas' | 'levels'>, report: (message: string) => void): void {
  if (!href.startsWith('/')) return;
  const [path, query] = href.split('?') as [string, string | undefined];
  const slugs = new Set(pack.services.map((s) => s.slug));
  const needIds = needAreaIds(pack);
  const levelIds = new Set(pack.levels.map((l) => l.id));
  const service = /^\/services\/([^/]+)(?:\/card)?$/.exec(path);
  if (service) {
    if (!slugs.has(service[1]!)) report(`links to an unknown service "${service[1]}" (${href})`);
  } else if (!['/services', '/needs-check', '/ask', '/sources', '/privacy', '/accessibility', '/'].includes(path)) {
    report(`links to ${path}, which is not a page of this guidance`);
  }
  for (const pair of (query ?? '').split('&').filter(Boolean)) {
    const [k, v = ''] = pair.split('=');
    if (k === 'need' && !needIds.has(v)) report(`links to an unknown need area "${v}" (${href})`);
    else if (k === 'level' && !levelIds.has(v)) report(`links to an unknown level "${v}" (${href})`);
    else if (k !== 'need' && k !== 'level' && k !== 'q') report(`has an unknown filter "${k}" in ${href}`);
  }
}

function checkFaqs(value: SectionValue<FaqTopic>, ctx: SectionCheckContext): void {
  const files = Array.isArray(value) ? value : [{ file: 'faqs/', value }];
  const needIds = needAreaIds(ctx.pack);
  const ids = new Map<string, string>();
  const phrasings = new Map<string, string>();
  const keywords = new Map<string, string>();
  for (const { file, value: topic } of files) {
    for (const f of topic.faqs) {
      const where = (field: string) => (message: string) => ctx.error(file, f.id, field, message);
      const prev = ids.get(f.id);
      if (prev) ctx.error(file, f.id, 'id', `duplicate FAQ id "${f.id}" (also in ${prev})`);
      ids.set(f.id, file);
      [f.question, ...f.phrasings].forEach((p, i) => {
        const key = normalise(p);
        const field = i === 0 ? 'question' : `phrasings[${i - 1}]`;
        const owner = phrasings.get(key);
        if (owner && owner !== f.id) ctx.error(file, f.id, field, `"${p}" is also a phrasing of "${owner}": one phrasing can only lead to one answer`);
        phrasings.set(key, f.id);
        // staff may well type "101 or 999" in a question; only answers must not hold numbers
        checkPlaceholders(p, ctx.pack, where(field), true);
      });
      const own = new Set<string>();
      f.keywords.forEach((k, i) => {
        const key = normalise(k);
        const field = `keywords[${i}]`;
        if (!key) return ctx.error(file, f.id, field, `"${k}" has no words`);
        if (own.has(key)) ctx.error(file, f.id, field, `"${k}" is listed twice`);
        own.add(key);
        const owner = keywords.get(key);
        // a keyword shared by two FAQs cannot tell them apart
        if (owner && owner !== f.id) ctx.error(file, f.id, field, `"${k}" is also a keyword of "${owner}": a keyword must tell one FAQ apart from the others`);
        keywords.set(key, f.id);
      });
      checkPlaceholders(f.answer, ctx.pack, where('answer'));
      f.links.forEach((l, i) => checkHref(l.href, ctx.pack, where(`links[${i}].href`)));
      f.needAreas.forEach((id, i) => {
        if (!needIds.has(id)) ctx.error(file, f.id, `needAreas[${i}]`, `unknown need area "${id}"`);
      });
      ctx.checkReviewed(file, f.id, 'reviewed', f.reviewed);
    }
  }
  checkFaqCoverage(files.flatMap((f) => f.value.faqs), ctx);
}

/** The pack's coverage promise for FAQs: enough answers per need area, and an answer for every glossary term. */
function checkFaqCoverage(faqs: Faq[], ctx: SectionCheckContext): void {
  const promise = ctx.pack.manifest.coverage;
  if (!promise) return;
  if (promise.faqsPerNeedArea > 0) {
    const parentOf = new Map(ctx.pack.needAreas.flatMap((a) => a.children.map((c) => [c.id, a.id] as const)));
    const counts = new Map<string, number>();
    for (const f of faqs) {
      // a FAQ counts once for each area it names and once for the parent of those areas
      const areas = new Set(f.needAreas.flatMap((id) => [id, parentOf.get(id)].filter((x): x is string => !!x)));
      for (const id of areas) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const area of ctx.pack.needAreas.flatMap((a) => [a, ...a.children])) {
      const n = counts.get(area.id) ?? 0;
      if (n < promise.faqsPerNeedArea)
        ctx.error('need-areas.yaml', area.id, 'faqs', `${n} FAQ${n === 1 ? ' names' : 's name'} this need area; pack.yaml coverage asks for at least ${promise.faqsPerNeedArea} (list it in the needAreas of FAQs that answer for it)`);
    }
  }
  if (promise.glossaryAnswered) {
    const asked = faqs.map((f) => ` ${[f.question, ...f.phrasings].map(normalise).join(' | ')} `);
    for (const t of ctx.pack.glossary) {
      const names = [t.term, ...t.abbreviations].map(normalise).filter(Boolean);
      if (!asked.some((text) => names.some((n) => text.includes(` ${n} `))))
        ctx.error('glossary.yaml', t.term, 'term', `no FAQ answers "${t.term}": add a "What is ...?" FAQ whose question or phrasings name the term or one of its abbreviations`);
    }
  }
}

function checkSettings(value: SectionValue<ChatSettings>, ctx: SectionCheckContext): void {
  if (Array.isArray(value)) return;
  checkPlaceholders(value.danger.reply, ctx.pack, (m) => ctx.error('chat.yaml', 'danger', 'reply', m));
  checkPlaceholders(value.unsure, ctx.pack, (m) => ctx.error('chat.yaml', undefined, 'unsure', m));
  if (ctx.pack.manifest.contacts.emergency.phones.length > 0 && !value.danger.reply.includes('{phone:emergency}') && !value.danger.reply.includes('{contact:emergency}'))
    ctx.error('chat.yaml', 'danger', 'reply', 'the danger reply must give the emergency number ({phone:emergency})');
  if (!value.danger.reply.includes(':frontDoor}')) ctx.error('chat.yaml', 'danger', 'reply', 'the danger reply must give the front door ({phone:frontDoor})');
  value.synonyms.forEach((group, i) => {
    const words = group.map(normalise);
    if (words.some((w) => !w)) ctx.error('chat.yaml', 'synonyms', `synonyms[${i}]`, 'every synonym needs a word');
    if (new Set(words).size !== words.length) ctx.error('chat.yaml', 'synonyms', `synonyms[${i}]`, 'a synonym is listed twice');
  });
  const ruleIds = new Set(value.danger.rules.map((r) => r.id));
  const sameDay = value.danger.sameDay;
  if (sameDay) {
    checkPlaceholders(sameDay.reply, ctx.pack, (m) => ctx.error('chat.yaml', 'danger', 'sameDay.reply', m));
    if (!sameDay.reply.includes(':frontDoor}')) ctx.error('chat.yaml', 'danger', 'sameDay.reply', 'the same-day reply must give the front door ({phone:frontDoor})');
    sameDay.rules.forEach((id, j) => {
      if (!ruleIds.has(id)) ctx.error('chat.yaml', 'danger', `sameDay.rules[${j}]`, `unknown danger rule "${id}"`);
    });
    if (sameDay.rules.length >= ruleIds.size) ctx.error('chat.yaml', 'danger', 'sameDay.rules', 'at least one danger rule must stay an emergency');
  }
  const needIds = needAreaIds(ctx.pack);
  value.danger.extra.forEach((x, i) => {
    checkPlaceholders(x.text, ctx.pack, (m) => ctx.error('chat.yaml', 'danger', `extra[${i}].text`, m));
    x.rules.forEach((id, j) => {
      if (!ruleIds.has(id)) ctx.error('chat.yaml', 'danger', `extra[${i}].rules[${j}]`, `unknown danger rule "${id}"`);
    });
    x.needAreas.forEach((id, j) => {
      if (!needIds.has(id)) ctx.error('chat.yaml', 'danger', `extra[${i}].needAreas[${j}]`, `unknown need area "${id}"`);
    });
    if (x.rules.length === 0 && x.needAreas.length === 0 && x.phrases.length === 0) ctx.error('chat.yaml', 'danger', `extra[${i}]`, 'name the rules, need areas or phrases it is for');
  });
  value.danger.rules.forEach((r, i) => {
    if (!r.any && !r.all) ctx.error('chat.yaml', r.id, `danger.rules[${i}]`, 'a rule needs "any" or "all" phrases');
    const used = [...(r.any ?? []), ...(r.all ?? []).flat(), ...(r.unless ?? []), ...(r.still ?? []), ...(r.except ?? [])];
    for (const p of used) {
      if (p.startsWith('@') && !(p.slice(1) in value.danger.lists)) ctx.error('chat.yaml', r.id, `danger.rules[${i}]`, `"${p}" names no list in danger.lists`);
    }
  });
}

export const faqSection: PackSection<FaqTopic> = {
  name: 'faqs',
  kind: 'folder',
  path: 'faqs',
  schema: faqTopic,
  required: true,
  recordOf: (value, path) => {
    const [first, index, ...rest] = path;
    if (first !== 'faqs' || typeof index !== 'number') return { record: undefined, rest: path };
    const item = (value as { faqs?: Array<{ id?: unknown }> } | null)?.faqs?.[index];
    return { record: typeof item?.id === 'string' ? item.id : `#${index + 1}`, rest };
  },
  check: checkFaqs,
};

export const chatSettingsSection: PackSection<ChatSettings> = {
  name: 'chat',
  kind: 'file',
  path: 'chat.yaml',
  schema: chatSettings,
  required: true,
  check: checkSettings,
};

function checkDangerExamples(value: SectionValue<DangerExamples>, ctx: SectionCheckContext): void {
  if (Array.isArray(value)) return;
  const seen = new Map<string, number>();
  value.examples.forEach((e, i) => {
    const key = normalise(e.q);
    const first = seen.get(key);
    if (first !== undefined) ctx.error('danger-examples.yaml', `examples[${i + 1}]`, 'q', `the same message as examples[${first + 1}]`);
    else seen.set(key, i);
  });
  for (const label of [true, false]) {
    const n = value.examples.filter((e) => e.danger === label).length;
    if (n < MIN_EXAMPLES_PER_LABEL) ctx.error('danger-examples.yaml', undefined, 'examples', `${n} examples with danger: ${String(label)}; the detector needs at least ${MIN_EXAMPLES_PER_LABEL} of each`);
  }
}

export const dangerExamplesSection: PackSection<DangerExamples> = {
  name: 'dangerExamples',
  kind: 'file',
  path: 'danger-examples.yaml',
  schema: dangerExamples,
  required: false,
  check: checkDangerExamples,
};


/**
 * What the learned danger detector learns from: the pack's labelled examples, and its examples of school
 * life the bot is not for (chat.yaml outOfScope), which are never danger and teach it everyday words too.
 */
export function learnedExamples(chat: ChatContent): Array<{ q: string; danger: boolean }> {
  return [...chat.dangerExamples, ...(chat.settings.outOfScope?.examples ?? []).map((q) => ({ q, danger: false }))];
}

/** The chat content of a validated pack, typed. */
export function chatContent(pack: ContentPack): ChatContent {
  const topics = (pack.sections['faqs'] ?? []) as Array<{ file: string; value: FaqTopic }>;
  const settings = pack.sections['chat'] as ChatSettings | undefined;
  if (!settings) throw new Error('The content pack has no chat.yaml section');
  const examples = pack.sections['dangerExamples'] as DangerExamples | undefined;
  return {
    faqs: topics.flatMap((t) => t.value.faqs.map((f) => ({ ...f, topic: t.value.topic, file: t.file }))),
    settings,
    dangerExamples: examples?.examples ?? [],
  };
}
