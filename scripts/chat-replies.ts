/**
 * Scores what a user gets from the chat bot: a reply is acceptable when its text and links hold the
 * expected answer's content (an FAQ's answer, a service, the services for a need area, a route, a
 * level, or a phrase any good answer states). Used by `npm run eval:chat` on the held-out set.
 */
import { z } from 'zod';
import type { ContentPack } from '../src/content/schema.js';
import { normalise } from '../src/content/vocabulary.js';
import type { ChatReply } from '../src/chat/engine.js';

export const heldOutItem = z.strictObject({
  q: z.string().min(1),
  kind: z.enum(['question', 'statement', 'danger', 'off-topic', 'two-sentence', 'typo']),
  area: z.string().min(1),
  accept: z.array(z.string().regex(/^(faq|service|need|route|level|text):.+$/)).min(1).optional(),
  danger: z.boolean().optional(),
});
export type HeldOutItem = z.infer<typeof heldOutItem>;

/** The parts of a reply a user sees: the text, the links' text and addresses, and which answer it is. */
export interface SeenReply {
  band: ChatReply['band'];
  reply: string;
  links: Array<{ text: string; href: string }>;
  answerId?: string;
  suggestions: string[];
}

interface RouteLike {
  id: string;
  title: string;
  steps: Array<{ text: string; service?: string }>;
  services?: string[];
  exclusiveServices?: string[];
}

/** Whether the reply holds what one accept key asks for. */
export function satisfies(pack: ContentPack, r: SeenReply, key: string): boolean {
  const [kind, ...rest] = key.split(':');
  const value = rest.join(':');
  const text = normalise(`${r.reply} ${r.links.map((l) => l.text).join(' ')}`);
  const has = (phrase: string) => ` ${text} `.includes(` ${normalise(phrase)} `);
  const hrefs = r.links.map((l) => l.href);
  switch (kind) {
    case 'faq':
      return r.answerId === value;
    case 'service': {
      const s = pack.services.find((x) => x.slug === value);
      return hrefs.some((h) => h === `/services/${value}` || h.startsWith(`/services/${value}/`)) || (!!s && has(s.name)) || r.answerId?.endsWith(`:${value}`) === true;
    }
    case 'need':
      return r.answerId === `need-services:${value}` || hrefs.some((h) => new URLSearchParams(h.split('?')[1] ?? '').getAll('need').includes(value));
    case 'level': {
      const l = pack.levels.find((x) => x.id === value);
      return r.answerId === `level:${value}` || (!!l && has(l.name));
    }
    case 'route': {
      const routes = ((pack.sections['needsCheck'] as { routes?: RouteLike[] } | undefined)?.routes ?? []) as RouteLike[];
      const route = routes.find((x) => x.id === value);
      if (!route) return false;
      const services = [...(route.services ?? []), ...(route.exclusiveServices ?? []), ...route.steps.flatMap((s) => (s.service ? [s.service] : []))];
      return has(route.title) || services.some((slug) => hrefs.includes(`/services/${slug}`));
    }
    case 'text':
      return has(value) || normalise(r.reply).replace(/ /g, '').includes(normalise(value).replace(/ /g, ''));
    default:
      return false;
  }
}

export type Verdict = 'acceptable' | 'clarified' | 'wrong' | 'unsure';

/**
 * acceptable: the reply holds an expected answer's content (whatever its band); clarified: it asks
 * back, and an expected FAQ is among its suggestions; wrong: it answers (confidently) with something
 * else; unsure: it says it is not sure, without the expected content.
 */
export function verdict(pack: ContentPack, r: SeenReply, accept: string[], questionOf: (id: string) => string | undefined): Verdict {
  if (accept.some((k) => satisfies(pack, r, k))) return 'acceptable';
  if (r.band === 'clarify') {
    const offered = new Set(r.suggestions.map(normalise));
    const expected = accept.filter((k) => k.startsWith('faq:')).map((k) => questionOf(k.slice(4)));
    return expected.some((q) => q !== undefined && offered.has(normalise(q))) ? 'clarified' : 'wrong';
  }
  return r.band === 'answer' ? 'wrong' : 'unsure';
}

export const conversationTurn = z.strictObject({
  q: z.string().min(1),
  kind: z.enum(['first', 'follow-up']),
  accept: z.array(z.string().regex(/^(faq|service|need|route|level|text):.+$/)).min(1),
  danger: z.boolean().optional(),
});
export const conversation = z.strictObject({
  area: z.string().min(1),
  turns: z.array(conversationTurn).min(2),
});
export type Conversation = z.infer<typeof conversation>;

export interface ConversationMetrics {
  /** verdicts of the first turns and of the follow-ups, counted apart */
  first: Record<Verdict, number>;
  followUps: Record<Verdict, number>;
  danger: number;
  caught: number;
  misses: string[];
}

/**
 * What users get in conversations: each turn is asked with the context the reply before it gave back
 * (as the page and the panel do), and judged as a single message is. `reply` gets that context; a
 * matcher that keeps none may ignore it.
 */
export async function evaluateConversations(
  pack: ContentPack,
  conversations: Conversation[],
  reply: (q: string, context: object) => Promise<SeenReply & { danger?: boolean; context?: object }> | (SeenReply & { danger?: boolean; context?: object }),
  questionOf: (id: string) => string | undefined,
): Promise<ConversationMetrics> {
  const zero = (): Record<Verdict, number> => ({ acceptable: 0, clarified: 0, wrong: 0, unsure: 0 });
  const m: ConversationMetrics = { first: zero(), followUps: zero(), danger: 0, caught: 0, misses: [] };
  for (const c of conversations) {
    let context: object = {};
    for (const [n, t] of c.turns.entries()) {
      const r = await reply(t.q, context);
      context = r.context ?? {};
      if (t.danger) {
        m.danger++;
        if (r.danger) m.caught++;
        else m.misses.push(`  danger missed: "${t.q}"`);
      }
      const v = verdict(pack, r, t.accept, questionOf);
      (n === 0 ? m.first : m.followUps)[v]++;
      if (v !== 'acceptable') m.misses.push(`  ${v} ${n === 0 ? '' : `(after "${c.turns[n - 1]!.q.slice(0, 60)}") `}"${t.q}" → ${r.band} ${r.answerId ?? ''}; wanted ${t.accept.join(' or ')}`);
    }
  }
  return m;
}
