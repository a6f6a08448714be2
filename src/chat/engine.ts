/**
 * The chat bot's matcher: pure, in-process, no network. Given a message and the conversation context
 * (held by the client, never on the server) it returns a reply in one of three confidence bands:
 * answer, clarify (the best two or three questions as suggestions) or unsure (a person, the needs
 * check and the landscape). Danger words always put the emergency guidance first.
 *
 * Retrieval is lexical: every phrasing of every entry is a small document; a query is scored against
 * each phrasing by an IDF-weighted F-measure (how much of the query the phrasing explains, and how
 * much of the phrasing the query covers), with the pack's synonyms and abbreviations folded into shared
 * terms, light stemming, typo correction against the index's own words, a small weight for the
 * answer text, and a bonus for the service the question names.
 */
import type { ContentPack } from '../content/schema.js';
import { buildVocabulary, normalise, stem, tokenize, type Vocabulary } from '../content/vocabulary.js';
import { buildEntries, expandPlaceholders, serviceAliases, telLink, type ChatLink, type Entry } from './answers.js';
import { chatContent, type ChatContent, type DangerRule } from './content.js';

export type { ChatLink } from './answers.js';

export type Band = 'answer' | 'clarify' | 'unsure' | 'empty';

/** What the client sends back with the next message, so follow-ups keep their subject. */
export interface ChatContext {
  /** slug of the service the last answer was about */
  service?: string;
  /** id of the need area the last answer was about */
  need?: string;
}

export interface ChatReply {
  band: Band;
  /** true when the emergency guidance leads the reply */
  danger: boolean;
  /** plain text; paragraphs are separated by a blank line. Never HTML. */
  reply: string;
  links: ChatLink[];
  suggestions: string[];
  context: ChatContext;
  /** the entry answered, for "was this helpful" counts */
  answerId?: string;
  /** best entries first, for clarification and evaluation */
  ranked: Array<{ id: string; score: number }>;
}

export interface EngineOptions {
  /** score at or above which the best match is answered */
  answerAt?: number;
  /** score at or above which the best matches are offered as suggestions */
  clarifyAt?: number;
  /** the lead the best match needs over the next to be answered outright */
  margin?: number;
  /** how much more recall counts than precision in the phrasing score */
  recallWeight?: number;
  /** how much the words of an answer count beside its phrasings */
  answerWeight?: number;
}

export const MAX_MESSAGE_LENGTH = 2000;

/** Words that carry no meaning for matching (question framing, filler, pronouns). */
const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at for with from by about as into over after before than then so ' +
    'i im me my we our us you your yours he him his she her they them their it its this that these those there here ' +
    'is are was were be been being am do does did doing done have has had having can could would should will shall may might must ' +
    'what whats which whom whose how hi hello hey please thanks thank cheers ok okay just really very quite ' +
    'any some all no not dont doesnt didnt isnt arent cant wont also too still yet get got go going know tell ' +
    'want like one someone something anything thing things bit lot lots question quick wondering ' +
    'pupil pupils student students child children kid kids young person people child s'
  ).split(/\s+/),
);
// "child", "pupil" and the like appear in nearly every question staff ask: they are stopwords here so
// that the words that tell questions apart carry the weight.

const NEGATIONS = new Set(['no', 'not', 'without', 'never', 'nor']);

interface Phrasing {
  entry: number;
  terms: Map<string, number>;
  weight: number;
}

interface Analysed {
  terms: Map<string, number>;
  /** the question asks for services ("services for...", "who can help with...") */
  asksForServices: boolean;
  corrected: string;
  services: string[];
  needs: string[];
}

function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j]!;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

function containsPhrase(haystack: string, phrase: string): boolean {
  return ` ${haystack} `.includes(` ${phrase} `);
}

/** A danger rule's phrase as a regular expression over normalised text ("hurt*" matches "hurting"). */
function phraseRegex(phrase: string): RegExp {
  const words = normalise(phrase.replace(/\*/g, ' STAR ')).split(' ').filter(Boolean);
  const parts: string[] = [];
  for (const w of words) {
    if (w === 'star') {
      if (parts.length) parts[parts.length - 1] += '\\w*';
    } else parts.push(w.replace(/[^\p{L}\p{N}]/gu, ''));
  }
  return new RegExp(`(?:^| )${parts.join(' ')}(?= |$)`);
}

export class ChatEngine {
  readonly entries: Entry[];
  private readonly byId: Map<string, number>;
  private readonly phrasings: Phrasing[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly answerTerms: Array<Set<string>> = [];
  /** the services each entry is about: its own, or those an FAQ links to */
  private readonly entryServices: string[][];
  private readonly idf = new Map<string, number>();
  private readonly maxIdf: number;
  private readonly surface = new Map<string, number>();
  private readonly surfaceByLength = new Map<number, string[]>();
  private readonly vocabulary: Vocabulary;
  private readonly aliases: Array<{ phrase: string; slugs: string[] }> = [];
  private readonly danger: Array<{ id: string; any?: RegExp[]; all?: RegExp[][] }>;
  private readonly followUps: Array<{ kind: 'refer' | 'phone' | 'about' | 'services'; terms: Map<string, number> }> = [];
  private readonly answerAt: number;
  private readonly clarifyAt: number;
  private readonly margin: number;
  private readonly beta2: number;
  private readonly answerWeight: number;
  private readonly needNames: Map<string, string>;
  private readonly knownNames = new Set<string>();
  private readonly serviceNames: Map<string, string>;

  constructor(
    private readonly pack: ContentPack,
    private readonly chat: ChatContent = chatContent(pack),
    options: EngineOptions = {},
  ) {
    this.answerAt = options.answerAt ?? 0.5;
    this.clarifyAt = options.clarifyAt ?? 0.4;
    this.margin = options.margin ?? 0.04;
    this.beta2 = options.recallWeight ?? 1.5;
    this.answerWeight = options.answerWeight ?? 0.15;
    this.vocabulary = buildVocabulary(pack);
    this.entries = buildEntries(pack, this.chat);
    this.byId = new Map(this.entries.map((e, i) => [e.id, i]));
    this.entryServices = this.entries.map((e) =>
      e.service ? [e.service] : e.links.map((l) => /^\/services\/([^/?]+)/.exec(l.href)?.[1]).filter((x): x is string => !!x),
    );
    this.needNames = new Map(pack.needAreas.flatMap((a) => [a, ...a.children]).map((a) => [a.id, a.name]));
    this.serviceNames = new Map(pack.services.map((s) => [s.slug, s.name]));

    for (const text of [pack.manifest.borough.name, pack.manifest.serviceName, ...pack.services.map((s) => `${s.name} ${s.organization.name}`)])
      for (const w of tokenize(text)) this.knownNames.add(w);
    const aliasMap = new Map<string, Set<string>>();
    for (const s of pack.services) {
      for (const a of serviceAliases(s)) {
        const n = normalise(a);
        if (n.split(' ').every((w) => STOPWORDS.has(w))) continue;
        if (!aliasMap.has(n)) aliasMap.set(n, new Set());
        aliasMap.get(n)!.add(s.slug);
      }
    }
    for (const [phrase, slugs] of aliasMap) this.aliases.push({ phrase, slugs: [...slugs] });
    this.aliases.sort((a, b) => b.phrase.length - a.phrase.length);

    // Surface words for typo correction: every word of every phrasing, answer and synonym.
    const addSurface = (text: string) => {
      for (const w of tokenize(text)) if (!STOPWORDS.has(w) && w.length >= 3) this.surface.set(w, (this.surface.get(w) ?? 0) + 1);
    };
    for (const e of this.entries) {
      e.phrasings.forEach(addSurface);
      addSurface(e.answer);
    }
    for (const g of this.vocabulary.groups) g.phrases.forEach(addSurface);
    for (const w of this.surface.keys()) {
      if (!this.surfaceByLength.has(w.length)) this.surfaceByLength.set(w.length, []);
      this.surfaceByLength.get(w.length)!.push(w);
    }

    // Index: document frequency over entries, so a word shared by many answers counts for little.
    const df = new Map<string, number>();
    this.entries.forEach((e, i) => {
      const seen = new Set<string>();
      e.phrasings.forEach((p, j) => {
        const terms = this.terms(normalise(p));
        // the entry's own question is its clearest phrasing; the rest are slightly less certain
        this.phrasings.push({ entry: i, terms, weight: j === 0 ? 1 : 0.97 });
        for (const t of terms.keys()) seen.add(t);
      });
      for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
      this.answerTerms.push(new Set(this.terms(normalise(e.answer)).keys()));
    });
    const n = this.entries.length;
    for (const [t, d] of df) this.idf.set(t, Math.log(1 + n / d));
    this.maxIdf = Math.log(1 + n);
    this.phrasings.forEach((p, k) => {
      for (const t of p.terms.keys()) {
        if (!this.postings.has(t)) this.postings.set(t, []);
        this.postings.get(t)!.push(k);
      }
    });

    for (const kind of ['refer', 'phone', 'about', 'services'] as const) {
      for (const f of this.chat.settings.followUps[kind]) this.followUps.push({ kind, terms: this.terms(normalise(f)) });
    }

    this.danger = this.chat.settings.danger.rules.map((r: DangerRule) => ({
      id: r.id,
      any: r.any?.map(phraseRegex),
      all: r.all?.map((group) => group.map(phraseRegex)),
    }));
  }

  /** Content terms of a normalised text: stems of its meaningful words, plus one term per synonym group it mentions. */
  private terms(text: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const w of text.split(' ')) {
      if (!w || STOPWORDS.has(w)) continue;
      out.set(stem(w), 1);
    }
    this.vocabulary.groups.forEach((g, i) => {
      if (g.phrases.some((p) => containsPhrase(text, p))) out.set(`~${i}`, 1);
    });
    return out;
  }

  /** Replaces words the index has never seen with the nearest word it knows ("fod" → "food"). */
  private correct(text: string): string {
    return text
      .split(' ')
      .map((w) => {
        if (!w || STOPWORDS.has(w) || this.surface.has(w) || /\d/.test(w) || w.length < 3) return w;
        const max = w.length >= 8 ? 2 : 1;
        let best: string | undefined;
        let bestScore = -Infinity;
        for (let len = w.length - max; len <= w.length + max; len++) {
          for (const cand of this.surfaceByLength.get(len) ?? []) {
            if (w.length <= 4 && cand[0] !== w[0]) continue;
            const d = editDistance(w, cand, max);
            if (d > max) continue;
            const score = -d * 100 + Math.log(1 + (this.surface.get(cand) ?? 0));
            if (score > bestScore) {
              bestScore = score;
              best = cand;
            }
          }
        }
        return best ?? w;
      })
      .join(' ');
  }

  private analyse(message: string): Analysed {
    const corrected = this.correct(normalise(message));
    const services = new Set<string>();
    let rest = ` ${corrected} `;
    for (const a of this.aliases) {
      if (rest.includes(` ${a.phrase} `)) {
        if (a.slugs.length === 1) services.add(a.slugs[0]!);
        rest = rest.replace(` ${a.phrase} `, ' ');
      }
    }
    const terms = this.terms(corrected);
    const asksForServices = terms.has('servic') || terms.has('organisation') || /\bwho (can|could) help\b|\bwhere can (they|families|parents|a family) get help\b/.test(corrected);
    return { terms, asksForServices, corrected, services: [...services], needs: this.vocabulary.expand(corrected).needAreaIds };
  }

  private dangerMatch(text: string): string | undefined {
    // "no plan", "not in danger": a phrase right after a negation does not count
    const hit = (re: RegExp) => {
      for (const m of text.matchAll(new RegExp(re.source, 'g'))) {
        const before = text.slice(0, m.index).trim().split(' ').pop() ?? '';
        if (!NEGATIONS.has(before)) return true;
      }
      return false;
    };
    for (const r of this.danger) {
      if (r.any?.some(hit)) return r.id;
      if (r.all?.every((group) => group.some(hit))) return r.id;
    }
    return undefined;
  }

  private weight(term: string): number {
    return this.idf.get(term) ?? this.maxIdf;
  }

  /** Scores every entry that shares a term with the query; best first. */
  rank(a: Analysed): Array<{ id: string; score: number }> {
    const qTotal = [...a.terms.keys()].reduce((s, t) => s + this.weight(t), 0);
    if (qTotal === 0) return [];
    const best = new Map<number, number>();
    const touched = new Set<number>();
    for (const t of a.terms.keys()) for (const k of this.postings.get(t) ?? []) touched.add(k);
    for (const k of touched) {
      const p = this.phrasings[k]!;
      let matched = 0;
      let pTotal = 0;
      for (const t of p.terms.keys()) {
        const w = this.weight(t);
        pTotal += w;
        if (a.terms.has(t)) matched += w;
      }
      const recall = matched / qTotal;
      const precision = matched / pTotal;
      if (recall === 0) continue;
      // F-measure leaning to recall: staff add words of their own more often than they leave ours out
      const beta2 = this.beta2;
      const f = ((1 + beta2) * precision * recall) / (beta2 * precision + recall);
      const score = f * p.weight;
      if (score > (best.get(p.entry) ?? 0)) best.set(p.entry, score);
    }
    const out: Array<{ id: string; score: number }> = [];
    for (const [i, s] of best) {
      const e = this.entries[i]!;
      let score = s;
      // words of the answer count a little: they break ties between close questions
      let ansMatched = 0;
      for (const t of a.terms.keys()) if (this.answerTerms[i]!.has(t)) ansMatched += this.weight(t);
      score += this.answerWeight * (ansMatched / qTotal);
      if (a.services.length > 0) {
        // the service the question names: its own answers, and FAQs that link to it, move up
        const about = this.entryServices[i]!;
        if (about.some((slug) => a.services.includes(slug))) score += 0.1;
        else if (e.service) score -= 0.1;
      }
      // Hand-written FAQs answer staff questions best; generated answers win only when the question is
      // plainly about a service, a level or a list of services.
      if (e.kind === 'need-services') score *= a.asksForServices ? 1 : 0.75;
      else if (e.kind !== 'faq') score *= e.kind === 'level' || e.kind === 'nav' ? 0.96 : 0.94;
      out.push({ id: e.id, score });
    }
    out.sort((x, y) => y.score - x.score);
    return out.slice(0, 10);
  }

  private followUp(a: Analysed, context: ChatContext): Entry | undefined {
    if (a.services.length > 0) return undefined;
    let best: { kind: string; score: number } | undefined;
    const qTotal = [...a.terms.keys()].reduce((s, t) => s + this.weight(t), 0);
    for (const f of this.followUps) {
      let matched = 0;
      let fTotal = 0;
      for (const t of f.terms.keys()) {
        fTotal += this.weight(t);
        if (a.terms.has(t)) matched += this.weight(t);
      }
      const score = qTotal === 0 || fTotal === 0 ? (qTotal === 0 && fTotal === 0 ? 1 : 0) : (2 * (matched / qTotal) * (matched / fTotal)) / (matched / qTotal + matched / fTotal || 1);
      if (score >= 0.75 && (!best || score > best.score)) best = { kind: f.kind, score };
    }
    if (!best) return undefined;
    const id =
      best.kind === 'services'
        ? context.need && `need-services:${context.need}`
        : context.service && `service-${best.kind}:${context.service}`;
    const i = id ? this.byId.get(id) : undefined;
    return i === undefined ? undefined : this.entries[i];
  }

  /** Keeps only a context the pack knows: the client may send anything. */
  cleanContext(context: unknown): ChatContext {
    const c = (context && typeof context === 'object' ? context : {}) as Record<string, unknown>;
    const out: ChatContext = {};
    if (typeof c['service'] === 'string' && this.serviceNames.has(c['service'])) out.service = c['service'];
    if (typeof c['need'] === 'string' && this.needNames.has(c['need'])) out.need = c['need'];
    return out;
  }

  /** Is this lower-case word one the guidance uses? (Redaction keeps such words.) */
  knowsWord(word: string): boolean {
    return STOPWORDS.has(word) || this.surface.has(word) || this.knownNames.has(word);
  }

  entry(id: string): Entry | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.entries[i];
  }

  private dangerBlock(): { text: string; links: ChatLink[] } {
    const c = this.pack.manifest.contacts;
    const links: ChatLink[] = [];
    if (c.emergency.phones[0]) links.push(telLink(`Call ${c.emergency.phones[0].number}`, c.emergency.phones[0].number));
    if (c.frontDoor.phones[0]) links.push(telLink(`Call the front door: ${c.frontDoor.phones[0].number}`, c.frontDoor.phones[0].number));
    return { text: expandPlaceholders(this.chat.settings.danger.reply, this.pack), links };
  }

  private suggestionsFor(e: Entry): string[] {
    if (e.service) {
      const name = this.serviceNames.get(e.service)!;
      const kinds = (['about', 'refer', 'phone'] as const).filter((k) => `service-${k}:${e.service}` !== e.id);
      return kinds.map((k) => this.entry(`service-${k}:${e.service}`)?.question ?? name);
    }
    if (e.need && e.kind === 'faq') {
      const s = this.entry(`need-services:${e.need}`);
      return s ? [s.question] : [];
    }
    if (e.kind === 'need-services' || e.kind === 'level') return [this.entry('nav:needs-check')!.question];
    return [];
  }

  respond(message: unknown, rawContext: unknown = {}): ChatReply {
    const context = this.cleanContext(rawContext);
    const text = typeof message === 'string' ? message.slice(0, MAX_MESSAGE_LENGTH) : '';
    const normalised = normalise(text);
    if (!normalised) {
      return {
        band: 'empty',
        danger: false,
        reply: 'Type a question about a child or family you are worried about, for example "do I need consent for early help?"',
        links: [],
        suggestions: [],
        context,
        ranked: [],
      };
    }
    const a = this.analyse(text);
    const dangerRule = this.dangerMatch(normalised) ?? this.dangerMatch(a.corrected);
    const danger = dangerRule ? this.dangerBlock() : undefined;

    const follow = Object.keys(context).length > 0 ? this.followUp(a, context) : undefined;
    const ranked = follow ? [{ id: follow.id, score: 1 }] : this.rank(a);
    const top = ranked[0];
    const second = ranked.find((r) => r !== top && r.score > 0);
    let band: Band = 'unsure';
    if (top && top.score >= this.answerAt && (top.score - (second?.score ?? 0) >= this.margin || top.score >= 0.85)) band = 'answer';
    else if (top && top.score >= this.clarifyAt) band = 'clarify';
    // a one-word question ("consent") could mean several things: offer them rather than guess
    const words = [...a.terms.keys()].filter((t) => !t.startsWith('~')).length;
    if (band === 'answer' && !follow && words === 1 && a.services.length === 0 && top!.score < 0.97 && (second?.score ?? 0) >= this.clarifyAt) band = 'clarify';

    const withDanger = (reply: string, links: ChatLink[]) => ({
      reply: danger ? `${danger.text}${reply ? `\n\n${reply}` : ''}` : reply,
      links: danger ? [...danger.links, ...links] : links,
    });

    if (band === 'answer') {
      const e = this.entry(top!.id)!;
      const next: ChatContext = {};
      const service = e.service ?? (a.services.length === 1 ? a.services[0] : undefined);
      const need = e.need ?? a.needs[0];
      if (service) next.service = service;
      if (need) next.need = need;
      return { band, danger: !!danger, ...withDanger(e.answer, e.links), suggestions: this.suggestionsFor(e), context: next, answerId: e.id, ranked };
    }
    if (band === 'clarify') {
      const options = ranked.filter((r) => r.score >= this.clarifyAt).slice(0, 3);
      return {
        band,
        danger: !!danger,
        ...withDanger('I am not sure which of these you mean. Choose one, or ask in other words.', []),
        suggestions: options.map((r) => this.entry(r.id)!.question),
        context,
        ranked,
      };
    }
    const c = this.pack.manifest.contacts;
    const links: ChatLink[] = [];
    if (c.frontDoor.phones[0]) links.push(telLink(`Call the front door: ${c.frontDoor.phones[0].number}`, c.frontDoor.phones[0].number));
    links.push({ text: 'Start the needs check', href: '/needs-check' }, { text: 'Find a service', href: '/services' });
    return {
      band,
      danger: !!danger,
      ...withDanger(danger ? '' : expandPlaceholders(this.chat.settings.unsure, this.pack), danger ? links.slice(1) : links),
      suggestions: [],
      context,
      ranked,
    };
  }
}

export function createChatEngine(pack: ContentPack, options: EngineOptions = {}): ChatEngine {
  return new ChatEngine(pack, chatContent(pack), options);
}
