/**
 * Everything the bot can say, as entries: the pack's FAQs, and answers generated from the rest of the
 * pack (what a service does, how to refer to it, its phone number, what a level means, services for a
 * need area, the needs check and the directory). Generated answers are built from the records
 * themselves, so nothing is written twice. Pure.
 */
import type { ContactRole, ContentPack, Phone, Service } from '../content/schema.js';
import type { ChatContent } from './content.js';

export interface ChatLink {
  text: string;
  href: string;
}

export type EntryKind = 'faq' | 'service-about' | 'service-refer' | 'service-phone' | 'level' | 'need-services' | 'nav' | 'out-of-scope';

/** The id of the entry that stands for messages outside what the bot is for; it is never offered. */
export const OUT_OF_SCOPE = 'out-of-scope';

export interface Entry {
  /** stable id: the FAQ id, or e.g. "service-refer:camhs-nelft", "level:early-help", "nav:needs-check" */
  id: string;
  kind: EntryKind;
  /** shown on a suggestion button; also one of the phrasings */
  question: string;
  phrasings: string[];
  /** words that tell this entry apart from its close neighbours (FAQs only) */
  keywords: string[];
  /** the answer in plain text (paragraphs separated by a blank line), placeholders expanded */
  answer: string;
  links: ChatLink[];
  /** the service or need area the answer is about, for follow-ups */
  service?: string;
  need?: string;
}

function phoneText(p: Phone): string {
  return `${p.kind === 'text' ? 'text ' : ''}${p.number}${p.verified === false ? ' (unverified)' : ''}`;
}

/** Expands {phone:role}, {contact:role}, {name:role} and {service-phone:slug} from the pack. */
export function expandPlaceholders(text: string, pack: Pick<ContentPack, 'manifest' | 'services'>): string {
  return text
    .replace(/\{([a-z-]+):([a-zA-Z0-9-]+)\}/g, (whole, kind: string, key: string) => {
      if (kind === 'service-phone') {
        const s = pack.services.find((x) => x.slug === key);
        return s?.phones[0] ? phoneText(s.phones[0]) : whole;
      }
      const c = pack.manifest.contacts[key as ContactRole] as (typeof pack.manifest.contacts)[ContactRole] | undefined;
      if (!c) return whole;
      if (kind === 'name') return c.name;
      if (kind === 'phone') return c.phones[0] ? phoneText(c.phones[0]) : (c.unverifiedNote ?? c.name);
      if (kind === 'contact') {
        if (c.phones.length > 0) return `${c.name}: ${c.phones.map(phoneText).join(' or ')}.`;
        return `${c.name}: ${c.unverifiedNote ?? c.description ?? ''}`.trim();
      }
      return whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

export function telLink(text: string, number: string): ChatLink {
  return { text, href: `tel:${number.replace(/[^\d+]/g, '')}` };
}

/** Names staff use for a service: its name, the name without the bracket, and each short name in the bracket. */
export function serviceAliases(s: Service): string[] {
  const out = new Set<string>([s.name]);
  const bracket = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(s.name);
  if (bracket) {
    out.add(bracket[1]!);
    for (const part of bracket[2]!.split(/,|;/)) if (part.trim().length >= 3) out.add(part.trim());
  }
  const noOwner = s.name.replace(/^(your school's|the child's|your)\s+/i, '');
  out.add(noOwner);
  return [...out].filter((a) => a.length >= 3);
}

function fill(templates: string[], values: Record<string, string>): string[] {
  return templates.map((t) => t.replace(/\{(\w+)\}/g, (w, k: string) => values[k] ?? w));
}

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** The entries, one at a time (the engine indexes each as it comes, see ChatEngine.build). */
export function* generateEntries(pack: ContentPack, chat: ChatContent): Generator<Entry> {
  const g = chat.settings.generated;
  const expand = (t: string) => expandPlaceholders(t, pack);

  for (const f of chat.faqs) {
    yield {
      id: f.id,
      kind: 'faq',
      question: f.question,
      phrasings: unique([f.question, ...f.phrasings]),
      keywords: f.keywords,
      answer: expand(f.answer),
      links: f.links,
      need: f.needAreas[0],
    };
  }

  for (const s of pack.services) {
    if (s.status === 'defunct') continue;
    const aliases = serviceAliases(s);
    const page = { text: s.name, href: `/services/${s.slug}` };
    const many = (templates: string[]) => unique(aliases.flatMap((a) => fill(templates, { name: a })));
    const note = s.unverifiedNote ? `\n\n${s.unverifiedNote}` : '';

    yield {
      id: `service-about:${s.slug}`,
      kind: 'service-about',
      question: `What does ${s.name} do?`,
      phrasings: many(g.serviceAbout),
      keywords: [],
      answer: `${s.name}: ${sentence(s.summary)}\n\nWho it is for: ${sentence(s.eligibility)}${note}`,
      links: [page],
      service: s.slug,
    };

    const refer = [
      `How to refer to ${s.name}: ${s.card.howToRefer.map(sentence).join(' ')}`,
      `Before you refer: ${s.card.beforeYouRefer.slice(0, 2).map(sentence).join(' ')}`,
      s.referral.consentNeeded ? "The family's consent is needed." : 'Consent is not needed to contact them.',
      `What happens next: ${sentence(s.card.whatHappensNext)}`,
    ];
    const referLinks = [{ text: `Expectation card for ${s.name}`, href: `/services/${s.slug}/card` }, page];
    if (s.referral.formUrl) referLinks.push({ text: 'Referral form', href: s.referral.formUrl });
    yield {
      id: `service-refer:${s.slug}`,
      kind: 'service-refer',
      question: `How do I refer to ${s.name}?`,
      phrasings: many(g.serviceRefer),
      keywords: [],
      answer: refer.join('\n\n'),
      links: referLinks,
      service: s.slug,
    };

    const phoneLinks = s.phones.filter((p) => p.kind === 'voice').map((p) => telLink(`Call ${s.name}: ${p.number}`, p.number));
    let phoneAnswer: string;
    if (s.phones.length > 0) {
      phoneAnswer = `${s.name}: ${s.phones.map((p) => `${phoneText(p)}${p.label ? ` (${p.label})` : ''}`).join('; ')}.`;
      if (s.phones.some((p) => p.verified === false)) phoneAnswer += `\n\n${s.unverifiedNote ?? 'This number could not be confirmed.'}`;
    } else {
      const other = [s.referral.phone && `phone ${s.referral.phone}`, s.email && `email ${s.email}`, s.url && `the website ${s.url}`].filter(Boolean);
      phoneAnswer = `We do not have a phone number for ${s.name}.${other.length ? ` You can reach them by ${other.join(' or ')}.` : ''} ${s.referral.notes ?? ''}`.trim();
    }
    yield {
      id: `service-phone:${s.slug}`,
      kind: 'service-phone',
      question: `Phone number for ${s.name}`,
      phrasings: many(g.servicePhone),
      keywords: [],
      answer: phoneAnswer,
      links: [...phoneLinks, page],
      service: s.slug,
    };
  }

  for (const l of pack.levels) {
    const contact = l.contactRole ? pack.manifest.contacts[l.contactRole] : undefined;
    const route = contact?.phones[0] ? `${sentence(l.route)} ${contact.name}: ${phoneText(contact.phones[0])}.` : sentence(l.route);
    yield {
      id: `level:${l.id}`,
      kind: 'level',
      question: `What does ${l.label} mean?`,
      phrasings: unique(fill(g.level, { label: l.label, name: l.name })),
      keywords: [],
      answer: [`${l.label}: ${l.name}. ${sentence(l.meaning)}`, `Who responds: ${sentence(l.whoResponds)}`, `Consent: ${sentence(l.consent.guidance)}`, `What to do: ${route}`].join('\n\n'),
      links: [
        { text: `Services at ${l.label}`, href: `/services?level=${l.id}` },
        { text: 'Start the needs check', href: '/needs-check' },
      ],
    };
  }

  for (const parent of pack.needAreas) {
    for (const area of [parent, ...parent.children]) {
      const ids = area === parent ? new Set([parent.id, ...parent.children.map((c) => c.id)]) : new Set([area.id, parent.id]);
      const services = pack.services.filter((s) => s.status !== 'defunct' && s.needAreas.some((id) => ids.has(id)));
      // local ones first; then those listed for this very need before those listed for its broader area, and
      // specialists (fewest need areas) before services for everything
      const order = (s: (typeof services)[number]) => [s.coverage === 'local' ? 0 : 1, s.needAreas.includes(area.id) ? 0 : 1, s.needAreas.length];
      const local = [...services].sort((x, y) => {
        const [a, b] = [order(x), order(y)];
        return a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
      });
      const names = [area.name, ...area.synonyms.slice(0, 3), ...area.abbreviations.slice(0, 2)];
      yield {
        id: `need-services:${area.id}`,
        kind: 'need-services',
        question: `Services for ${area.name.toLowerCase()}`,
        phrasings: unique(names.flatMap((n) => fill(g.needServices, { name: n }))),
        keywords: [],
        answer:
          services.length > 0
            ? [
                `There ${services.length === 1 ? 'is 1 service' : `are ${services.length} services`} for ${area.name.toLowerCase()}${services.length > 3 ? ', local ones first' : ''}. The list shows each one's level of need and how to refer.`,
                // what each of the first few does, so the answer says more than how many there are
                ...local.slice(0, 3).map((s) => `${s.name}: ${sentence(s.summary)}`),
              ].join('\n\n')
            : `We have no services listed for ${area.name.toLowerCase()} yet. Talk to your DSL or the front door.`,
        links: [{ text: `Services for ${area.name.toLowerCase()}`, href: `/services?need=${area.id}` }, ...local.slice(0, 3).map((s) => ({ text: s.name, href: `/services/${s.slug}` }))],
        need: area.id,
      };
    }
  }

  yield {
    id: 'nav:needs-check',
    kind: 'nav',
    question: 'Start the needs check',
    phrasings: unique(g.needsCheck),
    keywords: [],
    answer:
      'The needs check asks a few short questions about your concern, then suggests the level of need, what to do next and services that fit. It stores nothing about the child. It is a guide and does not replace your judgement.',
    links: [{ text: 'Start the needs check', href: '/needs-check' }],
  };
  yield {
    id: 'nav:services',
    kind: 'nav',
    question: 'Find a service',
    phrasings: unique(g.directory),
    keywords: [],
    answer: `The service list has ${pack.services.length} local and national services. You can filter it by need and level, and search it.`,
    links: [{ text: 'Find a service', href: '/services' }],
  };
  const out = chat.settings.outOfScope;
  if (out) {
    yield {
      id: OUT_OF_SCOPE,
      kind: 'out-of-scope',
      question: out.examples[0]!,
      phrasings: unique(out.examples),
      keywords: [],
      answer: expand(out.reply),
      links: [],
    };
  }
}
