/**
 * The chat bot's matcher: pure, in-process, no network. Given a message and the conversation context
 * (held by the client, never on the server) it returns a reply in one of three confidence bands:
 * answer, clarify (the best two or three questions as suggestions) or unsure (a person, the needs
 * check and the directory). Danger words always put the emergency guidance first.
 *
 * Retrieval is lexical, over fields of each entry (an FAQ, or an answer generated from the pack):
 *   - each phrasing is a small document; the best phrasing's IDF-weighted F-measure (how much of the
 *     message it explains, and how much of it the message covers) rewards a close match;
 *   - all phrasings and keywords together: how much of the message the entry explains anywhere, so
 *     words spread over several phrasings still count;
 *   - the FAQ's keywords: words that tell it apart from its close neighbours;
 *   - pairs of adjacent words ("happens next", "social worker") that occur in a phrasing;
 *   - the answer text, a little.
 * Words are folded by the pack's synonyms and abbreviations, stemmed, and typo-corrected against the
 * index's own words; negations fold into one term. Services named in the message move their answers
 * up. Everything is precomputed per published pack; a message only fills small reused arrays.
 *
 * A long statement ("year 9 boy found with four hundred quid and two phones") dilutes every score, so
 * when nothing scores high enough two weaker readings may still answer, each showing the next
 * different answers as suggestions:
 *   - the best match stands well clear of every different answer and shares several words with it;
 *   - the need area the message speaks of (src/chat/topics.ts, over everything the pack says of each
 *     area) agrees with the best match's, or leads every other area clearly: the reply names the worry
 *     and links to its services and to the needs check with it chosen.
 * The danger rules (chat.yaml) are read on the message as typed and as corrected: harm that cannot
 * wait, or serious harm with a sign that it is happening now, unless what is told is over, a question
 * about procedure or a figure of speech, and still when it is going on.
 */
import type { ContentPack } from '../content/schema.js';
import { buildVocabulary, midSentence, normalise, stem, tokenize, type Vocabulary } from '../content/vocabulary.js';
import { expandPlaceholders, generateEntries, OUT_OF_SCOPE, serviceAliases, telLink, type ChatLink, type Entry } from './answers.js';
import { DangerModel } from './danger-model.js';
import { IntentModel } from './intent-model.js';
import type { NeedsCheckContent } from '../needs-check/content.js';
import { assess } from '../needs-check/engine.js';
import { chatContent, learnedExamples, type ChatContent, type DangerRule } from './content.js';
import { serviceIndexFor, serviceIndexReady, type ServiceIndex } from '../directory/search.js';
import { TopicIndex, type TopicScore } from './topics.js';
import { lexicon } from '../privacy/lexicon.js';
import { rolePrefix, withoutRole, asksLevel, asksMeaning, CONTRACTIONS, isStatement, withoutQuestionTail, NEGATION_TERM, NEGATIONS, NUMBER_WORDS, PhraseIndex, STOPWORDS, TypoIndex } from './text.js';

export type { ChatLink } from './answers.js';

export type Band = 'answer' | 'clarify' | 'unsure' | 'empty';

/** What the client sends back with the next message, so follow-ups keep their subject. */
export interface ChatContext {
  /** slug of the service the last answer was about */
  service?: string;
  /** id of the need area the last answer was about */
  need?: string;
  /** id of the last answer given, so that the same answer is not given again word for word */
  answer?: string;
  /** the last message's own words brought the emergency guidance */
  danger?: boolean;
}

export interface Ranked {
  id: string;
  score: number;
  /** the message is one of this entry's phrasings, word for word once filler is set aside */
  exact?: boolean;
}

export interface ChatReply {
  band: Band;
  /** true when the emergency guidance leads the reply */
  danger: boolean;
  /**
   * true when the same-day guidance leads it instead: a worry that cannot wait but is not 999 (chat.yaml
   * danger.sameDay), such as a child harmed at home, safe in school, who is afraid to go home
   */
  sameDay?: boolean;
  /** plain text; paragraphs are separated by a blank line. Never HTML. */
  reply: string;
  links: ChatLink[];
  suggestions: string[];
  context: ChatContext;
  /** the entry answered, for "was this helpful" counts */
  answerId?: string;
  /** best entries first, for clarification and evaluation */
  ranked: Ranked[];
}

/** The matcher's weights and confidence bands (defaults tuned on test/chat/dev-set.yaml only). */
export interface EngineOptions {
  /** score at or above which the best match is answered */
  answerAt?: number;
  /** score at or above which the best matches are offered as suggestions */
  clarifyAt?: number;
  /** the lead the best match needs over the next to be answered outright */
  margin?: number;
  /** at or above this score the best match is answered whatever the margin */
  sureAt?: number;
  /** how much more recall counts than precision in the phrasing score */
  recallWeight?: number;
  /** weight of the best phrasing's F-measure */
  phrasingWeight?: number;
  /** weight of the share of the message found anywhere in the entry's phrasings and keywords */
  coverageWeight?: number;
  /** weight of the share of the message found in the entry's keywords */
  keywordWeight?: number;
  /** weight of the share of the message's word pairs found in the entry's phrasings */
  pairWeight?: number;
  /** weight of the share of the message found in the answer text */
  answerWeight?: number;
  /** added to the answers about a service the message names (and taken from other services' answers) */
  serviceBonus?: number;
  /**
   * when unsure, matches at or above this score are still offered as suggestions beside the way to a
   * person; and a weak best match needs it to be offered as a clarify (thresholds chosen on the dev replies)
   */
  hintAt?: number;
  /** a statement's need area counts when its share of the best possible score is at least this */
  topicAt?: number;
  /** and its BM25 score (the evidence) is at least this */
  topicEvidence?: number;
  /** and it scores at least this many times the best unrelated area */
  topicLead?: number;
  /** when the best answer, though weak, is about the same need area: the evidence and share needed */
  agreeEvidence?: number;
  agreeAt?: number;
  /** a best match at or above this score is answered when it scores `lead` times the best different one */
  leadAt?: number;
  lead?: number;
  /** and shares at least this many words with the message (one shared word is how off-topic questions match) */
  leadTerms?: number;
  /** an answer below this score, with a different answer at `doubtRatio` of its score, offers that one too */
  doubtBelow?: number;
  doubtRatio?: number;
  /** a weak best match is answered when the FAQ classifier names the same FAQ with at least this probability */
  intentAt?: number;
  /** added to an FAQ that says what a term means when the message asks what one means */
  meaningBonus?: number;
  /**
   * In a conversation about a worry, a message that names no worry of its own ("do I tell his parents?")
   * is read as about that worry: this is added to the answers about it (half of it to the answers about a
   * worry under the same broader area)
   */
  subjectBonus?: number;
  /** and this is taken from the answers about an unrelated worry */
  subjectPenalty?: number;
}

const DEFAULTS: Required<EngineOptions> = {
  answerAt: 0.45,
  clarifyAt: 0.5,
  hintAt: 0.25,
  margin: 0.1,
  sureAt: 1,
  recallWeight: 4,
  phrasingWeight: 0.3,
  coverageWeight: 0.4,
  keywordWeight: 0.3,
  pairWeight: 0,
  answerWeight: 0.05,
  serviceBonus: 0.15,
  topicAt: 0.3,
  topicEvidence: 6,
  topicLead: 2,
  agreeEvidence: 5,
  agreeAt: 0,
  leadAt: 0.3,
  lead: 1.3,
  leadTerms: 3,
  doubtBelow: 0.8,
  doubtRatio: 0.7,
  intentAt: 0.65,
  meaningBonus: 0.1,
  subjectBonus: 0.2,
  subjectPenalty: 0.05,
};

export const MAX_MESSAGE_LENGTH = 2000;

/** Endings of English words, and what to put back to find the word itself ("bingeing" → "binge"). */
const INFLECTIONS: ReadonlyArray<readonly [string, string]> = [['ing', ''], ['ing', 'e'], ['ed', ''], ['ed', 'e'], ['es', ''], ['s', ''], ['ies', 'y'], ['ied', 'y']];

/** An FAQ's question that asks what a term means. */
const DEFINITION = /^what (is|are|does)\b/i;

/** The two tools a reply with no answer points to. */
const TOOL_LINKS: readonly ChatLink[] = [
  { text: 'Start the needs check', href: '/needs-check' },
  { text: 'Find a service', href: '/services' },
];

/** Only these cancel a danger phrase right after them ("no plan"): the safety layer stays eager. */
const DANGER_NEGATIONS = new Set(['no', 'not', 'without', 'never', 'nor', 'wont', 'didnt', 'doesnt', 'isnt', 'hasnt', 'havent', 'wasnt', 'werent', 'dont', 'cant', 'cannot']);

/** Words of a message considered at most: a 2,000-character message is matched on its first words. */
const MAX_WORDS = 60;

interface Analysed {
  /** distinct terms with their weights */
  terms: string[];
  weights: number[];
  total: number;
  /** adjacent content-word pairs */
  pairs: string[];
  /** the stem of every word, for keyword phrases */
  stems: string[];
  /** the question asks for services ("services for...", "who can help with...") */
  asksForServices: boolean;
  /** the question asks what a term means ("whats a PEP", "what does NRPF stand for") */
  asksMeaning: boolean;
  corrected: string;
  services: string[];
  needs: string[];
}

/**
 * The first sentence of an answer (its first paragraph when no sentence ends in it); with the next one
 * when the first is only a word or two ("Yes.", "Usually, yes."), which says nothing on its own.
 */
function firstSentence(text: string): string {
  const para = text.split(/\n\n+/)[0] ?? '';
  const m = /^.*?[.!?](?=\s|$)/s.exec(para);
  const first = (m ? m[0] : para).trim();
  if (!m || first.split(/\s+/).length > 3) return first;
  const next = /^.*?[.!?](?=\s|$)/s.exec(para.slice(m[0].length).trim());
  return next ? `${first} ${next[0].trim()}` : para.trim();
}

/**
 * A danger rule's phrases as one regular expression over normalised text: "hurt*" matches "hurting",
 * and "#" any number ("at #" matches "at 4").
 */
function phrasesRegex(phrases: readonly string[]): RegExp {
  const alternatives = phrases.map((phrase) => {
    const words = normalise(phrase.replace(/\*/g, ' STAR ').replace(/#/g, ' ZZNUMBERZZ ')).split(' ').filter(Boolean);
    const parts: string[] = [];
    for (const w of words) {
      if (w === 'zznumberzz') parts.push('\\d+');
      else if (w === 'star') {
        if (parts.length) parts[parts.length - 1] += '\\w*';
      } else parts.push(w.replace(/[^\p{L}\p{N}]/gu, ''));
    }
    return parts.join(' ');
  });
  return new RegExp(`(?:^| )(?:${alternatives.join('|')})(?= |$)`, 'g');
}

/** Whether any of the texts has one of the phrases (of a `phrasesRegex`) */
function phraseIn(re: RegExp, texts: readonly string[]): boolean {
  return texts.some((t) => {
    re.lastIndex = 0;
    return re.test(t);
  });
}

/** How long the engine is built for before `ChatEngine.build` lets other work run, ms. */
const SLICE_MS = 20;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function addPosting(map: Map<string, number[]>, term: string, id: number): void {
  const list = map.get(term);
  if (!list) map.set(term, [id]);
  else if (list[list.length - 1] !== id) list.push(id);
}

export class ChatEngine {
  readonly entries: Entry[] = [];
  private readonly byId = new Map<string, number>();
  private readonly o: Required<EngineOptions>;
  private readonly vocabulary: Vocabulary;
  private readonly groups = new PhraseIndex<number>();
  private readonly groupNeeds: Array<string | undefined> = [];
  private typos!: TypoIndex;
  /** common English words (the redactor's lexicon): never corrected into a word the pack knows */
  private readonly english: ReadonlySet<string> = lexicon().english;
  /** service names staff use, as word sets: "food bank dagenham" names the Dagenham food bank too */
  private readonly aliases: Array<{ words: string[]; slug: string }> = [];
  private readonly danger: Array<{ id: string; any?: RegExp; all?: RegExp[]; unless?: RegExp; still?: RegExp; except?: RegExp }>;
  /** the rules whose match alone is a same-day worry, not an emergency (chat.yaml danger.sameDay), and the rest */
  private readonly sameDayRules: ReadonlySet<string>;
  private readonly emergencyRules: ReadonlySet<string>;
  /** beside a same-day worry, the words of the going home ("tonight", "after school"), not of harm now */
  private readonly homeTime: RegExp | undefined;
  /**
   * per need area whose every sign in the needs check is a sign of harm at one level: what the needs
   * check's engine makes of that sign, worked out once per pack
   */
  private readonly harmSigns = new Map<string, string>();
  /** which FAQ a message asks, read by term evidence rather than by phrasing cover (see intent-model.ts) */
  private intent!: IntentModel;
  /** a first clause that only says who is writing (chat.yaml writerRoles) */
  private readonly writer?: RegExp;
  /** each extra guidance's phrases and rules (chat.yaml danger.extra) */
  private readonly extras: Array<{ phrases?: RegExp; rules: ReadonlySet<string> }>;
  /** what says a follow-up to an emergency is about after it (see chat.yaml carriedUnless) */
  private readonly carriedUnless?: RegExp;
  /** the detector learned from the pack's danger examples, beside the rules, with its threshold */
  private readonly dangerModel?: { model: DangerModel; threshold: number; unless?: RegExp; still?: RegExp };
  private readonly followUps: Array<{ kind: 'refer' | 'phone' | 'about' | 'services'; terms: Set<string> }> = [];
  private readonly needNames: Map<string, string>;
  private readonly serviceNames: Map<string, string>;

  // --- the index, built once per pack
  private readonly idf = new Map<string, number>();
  private maxIdf = 0;
  /** per phrasing: its entry, its weight, the sum of its terms' weights */
  private readonly phrasingEntry: number[] = [];
  private readonly phrasingWeight: number[] = [];
  private readonly phrasingTotal: number[] = [];
  private readonly phrasingWeightMax = 1;
  private readonly phrasingPostings = new Map<string, number[]>();
  /** per field, term → entries */
  private readonly coveragePostings = new Map<string, number[]>();
  private readonly keywords = new PhraseIndex<{ entry: number; weight: number }>();
  private readonly pairPostings = new Map<string, number[]>();
  private readonly answerPostings = new Map<string, number[]>();
  /** per entry: the services it is about (its own, or those an FAQ links to) */
  private readonly entryServices: string[][] = [];
  /** per entry: it says what a term means (an FAQ asked as "What is ...?", "What does ... mean?") */
  private readonly definitions: boolean[] = [];
  /** each entry's id by its own question, normalised (the text its suggestion button sends) */
  private readonly byQuestion = new Map<string, string>();
  /** the directory, searched as "Find services" searches it, when no answer fits */
  private readonly directory: ServiceIndex;
  /** the needs check's worry for a need area (itself, or its broader area), for a link with it chosen */
  private readonly checkWorry: Map<string, string>;
  /** which need area a statement is about, from everything the pack says of each */
  private readonly topics: TopicIndex;
  /** each need area's broader area, from the directory's list */
  private readonly parentOf: Map<string, string>;
  /** per need area, its FAQs in the pack's order (the first is its "what to do") */
  private readonly faqsByNeed = new Map<string, string[]>();

  // --- scratch arrays reused by every message (the engine is synchronous, so never shared)
  private matched!: Float64Array;
  private readonly touchedPhrasings: number[] = [];
  private best!: Float64Array;
  private coverage!: Float64Array;
  private keyword!: Float64Array;
  private pair!: Float64Array;
  private answer!: Float64Array;
  private touched!: Uint8Array;
  private readonly touchedEntries: number[] = [];

  constructor(
    private readonly pack: ContentPack,
    private readonly chat: ChatContent = chatContent(pack),
    options: EngineOptions = {},
    /** false: the entries are left to index (ChatEngine.build does it a slice at a time) */
    indexNow = true,
  ) {
    this.o = { ...DEFAULTS, ...options };
    this.vocabulary = buildVocabulary(pack);
    this.directory = serviceIndexFor(pack);
    const worries = new Set(((pack.sections['needsCheck'] as { areas?: Array<{ id: string }> } | undefined)?.areas ?? []).map((a) => a.id));
    this.checkWorry = new Map(
      this.directory.needAreas.flatMap((a) => {
        const worry = worries.has(a.id) ? a.id : a.parentId && worries.has(a.parentId) ? a.parentId : undefined;
        return worry ? [[a.id, worry] as const] : [];
      }),
    );
    this.parentOf = new Map(this.directory.needAreas.flatMap((a) => (a.parentId ? [[a.id, a.parentId] as const] : [])));
    this.needNames = new Map(pack.needAreas.flatMap((a) => [a, ...a.children]).map((a) => [a.id, a.name]));
    this.serviceNames = new Map(pack.services.map((s) => [s.slug, s.name]));

    // synonym groups: the glossary and need areas (shared vocabulary), then the chat's own
    const groupPhrases = [...this.vocabulary.groups.map((g) => g.phrases), ...this.chat.settings.synonyms.map((g) => g.map(normalise))];
    groupPhrases.forEach((phrases, i) => {
      for (const p of phrases) this.groups.add(p, i);
      this.groupNeeds.push(this.vocabulary.groups[i]?.needAreaId);
    });

    const aliasMap = new Map<string, Set<string>>();
    const addAlias = (phrase: string, slug: string) => {
      const n = normalise(phrase);
      if (n.split(' ').every((w) => STOPWORDS.has(w))) return;
      if (!aliasMap.has(n)) aliasMap.set(n, new Set());
      aliasMap.get(n)!.add(slug);
    };
    for (const s of pack.services) for (const a of serviceAliases(s)) addAlias(a, s.slug);
    // Staff shorten a name to its first words ("karma nirvana", "subwize"): the first two words of a name
    // whose first word begins no other service's name, and the first word alone when the pack uses it
    // for nothing else (no other service's record, no need area, not the borough's name)
    const nameWords = new Map(pack.services.map((s) => [s.slug, tokenize(s.name).filter((w) => !STOPWORDS.has(w))]));
    const firstWords = new Map<string, number>();
    for (const words of nameWords.values()) if (words[0]) firstWords.set(words[0], (firstWords.get(words[0]) ?? 0) + 1);
    const stemsOf = (text: string) => new Set(tokenize(text).map(stem));
    // in how many services' records each word is (counted once: a look at every other record for each
    // service would take hours at 20,000 services), and the words the rest of the pack uses
    const recordsWith = new Map<string, number>();
    for (const s of pack.services) for (const w of stemsOf([s.name, s.summary, s.description, s.organization.name].join(' '))) recordsWith.set(w, (recordsWith.get(w) ?? 0) + 1);
    const besides = stemsOf(
      [
        ...pack.needAreas.flatMap((a) => [a, ...a.children].flatMap((x) => [x.name, ...x.synonyms, ...x.abbreviations])),
        ...this.chat.faqs.flatMap((f) => [f.question, ...f.phrasings]),
        pack.manifest.borough.name,
      ].join(' '),
    );
    // a word of a service's name is in its own record: used elsewhere, it is in another one too
    const usedElsewhere = (word: string) => besides.has(word) || (recordsWith.get(word) ?? 0) > 1;
    for (const [slug, words] of nameWords) {
      const [first, second] = words;
      if (!first || firstWords.get(first) !== 1) continue;
      if (second) addAlias(`${first} ${second}`, slug);
      // an everyday word alone ("future", "true") names a service only when it is long and rare enough
      if (first.length >= 4 && !usedElsewhere(stem(first)) && (!this.english.has(first) || first.length >= 7)) addAlias(first, slug);
    }
    for (const [phrase, slugs] of aliasMap) {
      if (slugs.size !== 1) continue;
      const slug = [...slugs][0]!;
      // matched on stems, so "school nurse" names School nursing
      this.aliases.push({ words: [...new Set(phrase.split(' ').filter((w) => !STOPWORDS.has(w)).map(stem))], slug });
    }

    for (const kind of ['refer', 'phone', 'about', 'services'] as const) {
      for (const f of this.chat.settings.followUps[kind]) this.followUps.push({ kind, terms: new Set(this.termsOf(tokenize(f)).terms) });
    }

    this.topics = this.buildTopics();

    const lists = this.chat.settings.danger.lists;
    // "@past" stands for the phrases of the list named past
    const expand = (phrases: readonly string[], depth = 0): string[] =>
      phrases.flatMap((p) => (p.startsWith('@') && depth < 3 ? expand(lists[p.slice(1)] ?? [], depth + 1) : [p]));
    // no phrases is nothing to match (an empty alternation would match every message)
    const regex = (phrases: string[] | undefined) => (phrases && phrases.length > 0 ? phrasesRegex(expand(phrases)) : undefined);
    this.danger = this.chat.settings.danger.rules.map((r: DangerRule) => ({
      id: r.id,
      any: regex(r.any),
      all: r.all?.map((group) => phrasesRegex(expand(group))),
      unless: regex(r.unless),
      still: regex(r.still),
      except: regex(r.except),
    }));
    const danger = this.chat.settings.danger;
    this.sameDayRules = new Set(danger.sameDay?.rules ?? []);
    this.homeTime = regex(danger.sameDay?.homeTime);
    this.emergencyRules = new Set(danger.rules.map((r) => r.id).filter((id) => !this.sameDayRules.has(id)));
    this.carriedUnless = regex(danger.carriedUnless);
    this.writer = rolePrefix(this.chat.settings.writerRoles);
    this.extras = danger.extra.map((x) => ({ phrases: regex(x.phrases), rules: new Set(x.rules) }));
    const threshold = danger.learnedThreshold;
    if (threshold !== undefined && this.chat.dangerExamples.length > 0) {
      // learned an epoch at a time with the indexing, so that ChatEngine.build never blocks for all of it
      this.dangerModel = { model: new DangerModel(learnedExamples(this.chat), undefined, { now: false }), threshold, unless: regex(danger.learnedUnless), still: regex(danger.learnedStill) };
    }

    this.indexing = this.index(generateEntries(pack, this.chat), groupPhrases);
    if (indexNow) while (!this.indexing.next().done);
  }

  /**
   * The engine for a pack, built a slice of entries at a time with `pause` awaited between slices, so
   * that a server answers its other requests meanwhile. It answers exactly as `new ChatEngine(pack)`.
   */
  static async build(pack: ContentPack, options: EngineOptions = {}, { pause = nextTurn, sliceMs = SLICE_MS } = {}): Promise<ChatEngine> {
    // the directory's index, which the engine searches, is built a slice at a time too, first
    await serviceIndexReady(pack, { pause, sliceMs });
    const engine = new ChatEngine(pack, chatContent(pack), options, false);
    let slice = performance.now();
    while (!engine.indexing.next().done) {
      if (performance.now() - slice < sliceMs) continue;
      await pause();
      slice = performance.now();
    }
    return engine;
  }

  /** what is left of the indexing (see `index`) */
  private readonly indexing: Generator<void>;

  /**
   * Indexes the entries as they come (yielding now and then, see `build`), then works out the word
   * weights and the rest that needs every entry.
   */
  private *index(entries: Iterable<Entry>, groupPhrases: readonly string[][]): Generator<void> {
    if (this.dangerModel) yield* this.dangerModel.model.learning;
    // Known words for typo correction (every word of every phrasing, keyword, answer and synonym),
    // and the index: each text is tokenised once for both, an entry at a time.
    // Document frequency is over entries (phrasings and keywords), so a word many entries share counts for little.
    const surface = new Map<string, number>();
    const addSurface = (words: readonly string[]) => {
      for (const w of words) if (!STOPWORDS.has(w) && w.length >= 3) surface.set(w, (surface.get(w) ?? 0) + 1);
    };
    const df = new Map<string, number>();
    for (const e of entries) {
      const i = this.entries.length;
      this.entries.push(e);
      this.byId.set(e.id, i);
      this.byQuestion.set(normalise(e.question), e.id);
      this.entryServices.push(e.service ? [e.service] : e.links.map((l) => /^\/services\/([^/?]+)/.exec(l.href)?.[1]).filter((x): x is string => !!x));
      this.definitions.push(e.kind === 'faq' && DEFINITION.test(e.question));
      const seen = new Set<string>();
      e.phrasings.forEach((p, j) => {
        const words = tokenize(p);
        addSurface(words);
        const { terms, pairs } = this.termsOf(words);
        const k = this.phrasingEntry.length;
        this.phrasingEntry.push(i);
        // the entry's own question is its clearest phrasing; the rest are slightly less certain
        this.phrasingWeight.push(j === 0 ? 1 : 0.97);
        for (const t of terms) {
          seen.add(t);
          addPosting(this.phrasingPostings, t, k);
          addPosting(this.coveragePostings, t, i);
        }
        for (const pr of pairs) addPosting(this.pairPostings, pr, i);
      });
      for (const kw of e.keywords) addSurface(tokenize(kw));
      const answerWords = tokenize(e.answer);
      addSurface(answerWords);
      for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
      for (const t of this.termsOf(answerWords).terms) addPosting(this.answerPostings, t, i);
      if (i % 50 === 49) yield;
    }
    for (const phrases of groupPhrases) for (const p of phrases) addSurface(tokenize(p));
    // the everyday words are the likeliest meaning of a slip: "frm" is "from", not "fgm"
    let mostUsed = 0;
    for (const c of surface.values()) if (c > mostUsed) mostUsed = c;
    for (const w of STOPWORDS) if (w.length >= 3) surface.set(w, mostUsed + 1);
    this.typos = new TypoIndex(surface);
    const n = this.entries.length;
    // BM25's IDF: a word in most entries weighs almost nothing; a word in one weighs most
    for (const [t, d] of df) this.idf.set(t, Math.log(1 + (n - d + 0.5) / (d + 0.5)));
    this.maxIdf = Math.log(1 + (n - 0.5) / 1.5);
    // keywords match as whole phrases, on the stems of every word ("how long", "what happens next")
    this.entries.forEach((e, i) => {
      for (const kw of e.keywords) {
        const stems = this.stems(tokenize(kw));
        const weight = this.termsOf(tokenize(kw)).terms.reduce((sum, t) => sum + this.weight(t), 0);
        if (stems.length > 0) this.keywords.add(stems.join(' '), { entry: i, weight });
      }
    });
    this.phrasingEntry.forEach(() => this.phrasingTotal.push(0));
    for (const [t, list] of this.phrasingPostings) {
      const w = this.weight(t);
      for (const k of list) this.phrasingTotal[k]! += w;
    }

    this.matched = new Float64Array(this.phrasingEntry.length);
    this.best = new Float64Array(n);
    this.coverage = new Float64Array(n);
    this.keyword = new Float64Array(n);
    this.pair = new Float64Array(n);
    this.answer = new Float64Array(n);
    this.touched = new Uint8Array(n);
    yield;
    this.readNeedsCheck();
    this.intent = new IntentModel(
      this.entries.filter((e) => e.kind === 'faq').map((e) => ({ id: e.id, texts: [...e.phrasings, ...e.keywords].map((p) => this.termsOf(tokenize(p))) })),
    );
  }

  /**
   * One document per need area: its name and synonyms, its FAQs' questions, phrasings and keywords,
   * and the needs check's signs for it.
   */
  private buildTopics(): TopicIndex {
    const docs = new Map<string, string[][]>();
    const add = (area: string, text: string) => {
      if (!this.needNames.has(area)) return;
      if (!docs.has(area)) docs.set(area, []);
      docs.get(area)!.push(this.termsOf(tokenize(text)).terms);
    };
    for (const a of this.directory.needAreas) add(a.id, a.name);
    for (const g of this.vocabulary.groups) if (g.needAreaId) for (const p of g.phrases) add(g.needAreaId, p);
    for (const f of this.chat.faqs) {
      f.needAreas.forEach((area, i) => {
        for (const text of [f.question, ...f.phrasings, ...f.keywords]) add(area, text);
        if (i === 0) {
          if (!this.faqsByNeed.has(area)) this.faqsByNeed.set(area, []);
          this.faqsByNeed.get(area)!.push(f.id);
        }
      });
    }
    const check = this.pack.sections['needsCheck'] as { areas?: Array<{ indicators: Array<{ text: string; needArea?: string }> }> } | undefined;
    for (const a of check?.areas ?? []) for (const ind of a.indicators) if (ind.needArea) add(ind.needArea, ind.text);
    return new TopicIndex(docs);
  }

  /**
   * The answer about a need area: the best-ranked FAQ or list about it, or else its first FAQ (its
   * "what to do"), its broader area's, or its list of services.
   */
  private topicAnswer(area: string, ranked: readonly Ranked[]): Entry | undefined {
    for (const r of ranked) {
      const e = this.entry(r.id);
      if (e && (e.kind === 'faq' || e.kind === 'need-services') && e.need && this.related(e.need, area)) return e;
    }
    const parent = this.parentOf.get(area);
    const id = this.faqsByNeed.get(area)?.[0] ?? (parent ? this.faqsByNeed.get(parent)?.[0] : undefined) ?? `need-services:${area}`;
    return this.entry(id);
  }

  /** A need's FAQ and that need's list of services: two answers to one question. */
  private needAndItsList(x: string, y: string): boolean {
    const [ex, ey] = [this.entry(x), this.entry(y)];
    return !!ex?.need && ex.need === ey?.need && (ex.kind === 'need-services' || ey?.kind === 'need-services');
  }

  /** Two answers to one thing: a service's own answers, or a need's FAQ and its list of services. */
  private sameAnswer(x: string, y: string): boolean {
    const [ex, ey] = [this.entry(x), this.entry(y)];
    if (ex?.service && ex.service === ey?.service) return true;
    return this.needAndItsList(x, y);
  }

  /** How many of the message's terms appear in an entry's question, phrasings or keywords. */
  private sharedTerms(id: string, terms: readonly string[]): number {
    const i = this.byId.get(id);
    if (i === undefined) return 0;
    return terms.filter((t) => this.coveragePostings.get(t)?.includes(i)).length;
  }

  /** Two need areas under the same broader area ("self-harm" and "suicidal thoughts"). */
  private siblings(x: string, y: string): boolean {
    const p = this.parentOf.get(x);
    return p !== undefined && p === this.parentOf.get(y);
  }

  /** The same need area, or one is the other's broader area. */
  private related(x: string, y: string): boolean {
    return x === y || this.parentOf.get(x) === y || this.parentOf.get(y) === x;
  }

  /**
   * The need area a message is plainly about: the best-scoring area when it leads every unrelated
   * area clearly. Undefined for a message that speaks of no area, or of two about equally.
   */
  topicOf(a: Pick<Analysed, 'terms'>, answers: readonly Ranked[] = []): TopicScore | undefined {
    const ranked = this.topics.classify(a.terms);
    const top = ranked[0];
    if (!top) return undefined;
    // the best answer, though weak, is about the same worry: two signals agree
    const best = answers[0] && answers[0].score >= this.o.hintAt ? this.entry(answers[0].id) : undefined;
    if (best?.need && best.kind === 'faq' && this.related(best.need, top.area) && top.raw >= this.o.agreeEvidence && top.score >= this.o.agreeAt) return top;
    if (top.score < this.o.topicAt || top.raw < this.o.topicEvidence) return undefined;
    const rival = ranked.find((r) => !this.related(r.area, top.area));
    if (rival && top.score < rival.score * this.o.topicLead) return undefined;
    return top;
  }

  /**
   * Content terms of a list of normalised words: stems of its meaningful words, one term for any
   * negation, one per synonym group it mentions; and the pairs of adjacent meaningful words.
   */
  private termsOf(words: readonly string[]): { terms: string[]; pairs: string[] } {
    const terms = new Set<string>();
    const pairs: string[] = [];
    let prev: string | undefined;
    for (let i = 0; i < words.length; i++) {
      let w = words[i]!;
      if (i > 0 && words[i - 1] === 'level') w = NUMBER_WORDS[w] ?? w;
      if (NEGATIONS.has(w)) {
        terms.add(NEGATION_TERM);
        prev = undefined;
        continue;
      }
      if (!w || STOPWORDS.has(w)) continue;
      const s = stem(w);
      terms.add(s);
      if (prev) pairs.push(`${prev} ${s}`);
      prev = s;
    }
    this.groups.find(words, (g) => terms.add(`~${g}`));
    return { terms: [...terms], pairs };
  }

  /** The stem of every word, stopwords included, for matching keyword phrases. */
  private stems(words: readonly string[]): string[] {
    return words.map((w, i) => (i > 0 && words[i - 1] === 'level' ? (NUMBER_WORDS[w] ?? w) : NEGATIONS.has(w) ? NEGATION_TERM : stem(w)));
  }

  /** Replaces words the index has never seen with the nearest word it knows ("fod" → "food"). */
  private correct(words: string[]): string[] {
    return words.map((w) => {
      if (!w || STOPWORDS.has(w) || NEGATIONS.has(w) || this.typos.has(w) || /\d/.test(w) || w.length < 3) return w;
      // a real English word the pack never uses is not a typo: "reading" is not "leading", "grabbing" not "stabbing"
      if (this.isEnglish(w)) return w;
      // a dropped g: "kissin" is "kissing", never "missin"
      if (w.endsWith('in') && this.isEnglish(`${w}g`)) return `${w}g`;
      return this.typos.correct(w) ?? w;
    });
  }

  /** A common English word, or one of its endings: "texted" is "text" sent, not "tested" misspelt. */
  private isEnglish(w: string): boolean {
    if (this.english.has(w)) return true;
    for (const [end, add] of INFLECTIONS) {
      if (w.length <= end.length + 2 || !w.endsWith(end)) continue;
      const base = w.slice(0, -end.length);
      if (this.english.has(base + add)) return true;
      // a doubled last letter: "slapping" is "slap"
      if (add === '' && base.length >= 3 && base.at(-1) === base.at(-2) && this.english.has(base.slice(0, -1))) return true;
    }
    return false;
  }

  private weight(term: string): number {
    return this.idf.get(term) ?? this.maxIdf;
  }

  /** The message's words, text speak written out and typos corrected. */
  private words(message: string): string[] {
    // "as well" means "too", not wellbeing
    const words = tokenize(message).slice(0, MAX_WORDS).map((w) => CONTRACTIONS[w] ?? w);
    return this.correct(words.filter((w, i) => !(w === 'well' && words[i - 1] === 'as')));
  }

  private analyse(message: string): Analysed {
    const words = this.words(message);
    const corrected = words.join(' ');
    const services = new Set<string>();
    const present = new Set(words.map(stem));
    for (const a of this.aliases) if (a.words.length > 0 && a.words.every((w) => present.has(w))) services.add(a.slug);
    const { terms, pairs } = this.termsOf(words);
    const weights = terms.map((t) => this.weight(t));
    const total = weights.reduce((s, w) => s + w, 0);
    const needs = new Set<string>();
    this.groups.find(words, (g) => {
      const need = this.groupNeeds[g];
      if (need) needs.add(need);
    });
    const asksForServices =
      terms.includes('servic') || terms.includes('organisation') || /\bwho (can|could) help\b|\bwhere can (they|families|parents|a family) get help\b/.test(corrected);
    return { terms, weights, total, pairs, stems: this.stems(words), asksForServices, asksMeaning: asksMeaning(corrected), corrected, services: [...services], needs: [...needs] };
  }

  /**
   * The first danger rule the message matches, as typed or as typo-corrected: a phrase counts when
   * either form has it, so a correction can neither hide "last week" nor invent it.
   */
  private dangerMatch(texts: readonly string[], only?: ReadonlySet<string>): string | undefined {
    // "no plan", "not in danger": a phrase right after a negation does not count
    const unnegated = function* (re: RegExp, text: string) {
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) {
        const before = text.slice(0, m.index).trim().split(' ').pop() ?? '';
        if (!DANGER_NEGATIONS.has(before)) yield m;
      }
    };
    const hit = (re: RegExp) => texts.some((text) => !unnegated(re, text).next().done);
    // a "still" phrase inside an "unless" one does not count: the "now" of "calm now" says nothing is going on
    const stillHit = (unless: RegExp, still: RegExp) =>
      texts.some((text) => {
        unless.lastIndex = 0;
        const spans = [...text.matchAll(unless)].map((m) => [m.index, m.index + m[0].length] as const);
        for (const m of unnegated(still, text)) {
          const [start, end] = [m.index + (m[0].startsWith(' ') ? 1 : 0), m.index + m[0].length];
          if (!spans.some(([s, e]) => s <= start && end <= e)) return true;
        }
        return false;
      });
    let excepted = false;
    for (const r of this.danger) {
      if (only && !only.has(r.id)) continue;
      if (r.except && hit(r.except)) {
        excepted = true;
        continue;
      }
      if (r.unless && hit(r.unless) && !(r.still && stillHit(r.unless, r.still))) continue;
      if (r.any && hit(r.any)) return r.id;
      if (r.all?.every((re) => hit(re))) return r.id;
    }
    // wording no rule has: the learned detector, unless a rule said this is never an emergency, or the
    // message tells of something before (or a child settled now) and nothing says it is still going on
    const m = this.dangerModel;
    if (!m || excepted || only) return undefined;
    if (m.unless && hit(m.unless) && !(m.still && stillHit(m.unless, m.still))) return undefined;
    if (texts.some((t) => m.model.probability(t) >= m.threshold)) return 'learned';
    return undefined;
  }

  /** The danger rule a message matches as typed or as typo-corrected (once, when correction changed nothing). */
  private dangerIn(normalised: string, corrected: string): string | undefined {
    return this.dangerMatch(corrected === normalised ? [normalised] : [normalised, corrected]);
  }

  /**
   * What the message tells of: an emergency (the rule, or "learned"), or a worry that cannot wait but is not
   * 999 (a same-day rule, and no other rule). When a same-day rule matches first, only the other rules can
   * make it an emergency: the learned detector learned from such messages when they were still read as
   * emergencies, and a rule that names the situation is the better reading of it.
   */
  private readDanger(text: string, normalised: string, corrected: string): { now?: string; today?: string } {
    const rule = this.dangerIn(normalised, corrected) ?? this.dangerWithoutTail(text);
    if (rule === undefined || !this.sameDayRules.has(rule)) return { now: rule };
    // "scared to go home tonight": the night is when the child goes home, not harm happening now
    const homeTime = this.homeTime;
    const withoutHomeTime = (t: string) => (homeTime ? t.replace(homeTime, ' ').replace(/ +/g, ' ').trim() : t);
    const texts = [...new Set([normalised, corrected].map(withoutHomeTime))];
    const bare = withoutQuestionTail(text);
    const other = this.dangerMatch(texts, this.emergencyRules) ?? (bare ? this.dangerMatch([...new Set([normalise(bare), this.words(bare).join(' ')].map(withoutHomeTime))], this.emergencyRules) : undefined);
    return other ? { now: other } : { today: rule };
  }

  /** The danger rule the message matches once the questions it ends with are set aside, if it ends with any. */
  private dangerWithoutTail(text: string): string | undefined {
    const bare = withoutQuestionTail(text);
    return bare ? this.dangerIn(normalise(bare), this.words(bare).join(' ')) : undefined;
  }

  /** Scores every entry that shares a term with the message; best first. */
  private rank(a: Analysed, subject?: string): Ranked[] {
    if (a.total === 0) return [];
    const o = this.o;
    const touchEntry = (i: number) => {
      if (!this.touched[i]) {
        this.touched[i] = 1;
        this.touchedEntries.push(i);
      }
    };
    for (let q = 0; q < a.terms.length; q++) {
      const t = a.terms[q]!;
      const w = a.weights[q]!;
      for (const k of this.phrasingPostings.get(t) ?? []) {
        if (this.matched[k] === 0) this.touchedPhrasings.push(k);
        this.matched[k]! += w;
      }
      for (const i of this.coveragePostings.get(t) ?? []) {
        this.coverage[i]! += w;
        touchEntry(i);
      }
      for (const i of this.answerPostings.get(t) ?? []) {
        this.answer[i]! += w;
        touchEntry(i);
      }
    }
    for (const p of a.pairs) for (const i of this.pairPostings.get(p) ?? []) this.pair[i]! += 1;
    this.keywords.find(a.stems, (k) => {
      this.keyword[k.entry]! += k.weight;
      touchEntry(k.entry);
    });
    const beta2 = o.recallWeight;
    for (const k of this.touchedPhrasings) {
      const m = this.matched[k]!;
      this.matched[k] = 0;
      const recall = m / a.total;
      const precision = m / this.phrasingTotal[k]!;
      // F-measure leaning to recall: staff add words of their own more often than they leave ours out
      const f = (((1 + beta2) * precision * recall) / (beta2 * precision + recall)) * this.phrasingWeight[k]!;
      // an exact match of a secondary phrasing counts as exact too
      if (recall >= 0.999 && precision >= 0.999 && f < 1) {
        const e = this.phrasingEntry[k]!;
        this.best[e] = Math.max(this.best[e]!, 1);
        continue;
      }
      const e = this.phrasingEntry[k]!;
      if (f > this.best[e]!) this.best[e] = f;
    }
    this.touchedPhrasings.length = 0;

    const out: Ranked[] = [];
    const pairs = Math.max(1, a.pairs.length);
    for (const i of this.touchedEntries) {
      const e = this.entries[i]!;
      const exact = this.best[i]! >= 0.999 * this.phrasingWeightMax;
      let score =
        o.phrasingWeight * this.best[i]! +
        o.coverageWeight * (this.coverage[i]! / a.total) +
        o.keywordWeight * Math.min(1, this.keyword[i]! / a.total) +
        o.pairWeight * (this.pair[i]! / pairs) +
        o.answerWeight * (this.answer[i]! / a.total);
      this.best[i] = 0;
      this.coverage[i] = 0;
      this.keyword[i] = 0;
      this.pair[i] = 0;
      this.answer[i] = 0;
      this.touched[i] = 0;
      if (a.services.length > 0) {
        // the service the question names: its own answers, and FAQs that link to it, move up
        const about = this.entryServices[i]!;
        if (about.some((slug) => a.services.includes(slug))) score += o.serviceBonus;
        else if (e.service) score -= o.serviceBonus;
      }
      // Hand-written FAQs answer staff questions best; generated answers win only when the question is
      // plainly about a service, a level or a list of services.
      // "services for..." asks for the list: the FAQ about the need gives way to it
      if (e.kind === 'need-services') score *= a.asksForServices ? 1 : 0.75;
      else if (e.kind === 'faq' && a.asksForServices) score *= 0.75;
      else if (e.kind !== 'faq' && !(e.service && a.services.includes(e.service))) score *= e.kind === 'level' || e.kind === 'nav' ? 0.96 : 0.94;
      // "what does NRPF stand for": the FAQ that says what it means, before the one on what to do about it
      if (a.asksMeaning && this.definitions[i]) score += o.meaningBonus;
      // a follow-up in a conversation about a worry: that worry's answers before another worry's
      if (subject !== undefined && e.need !== undefined) score += this.related(e.need, subject) ? o.subjectBonus : this.siblings(e.need, subject) ? o.subjectBonus / 2 : -o.subjectPenalty;
      if (score > 0) out.push(exact ? { id: e.id, score, exact } : { id: e.id, score });
    }
    this.touchedEntries.length = 0;
    // at equal scores, an entry the message is word for word a phrasing of comes first
    out.sort((x, y) => y.score - x.score || Number(!!y.exact) - Number(!!x.exact));
    return out.slice(0, 10);
  }

  private followUp(a: Analysed, context: ChatContext): Entry | undefined {
    if (a.services.length > 0) return undefined;
    let best: { kind: string; score: number } | undefined;
    for (const f of this.followUps) {
      let matched = 0;
      let fTotal = 0;
      for (const t of f.terms) {
        const w = this.weight(t);
        fTotal += w;
        if (a.terms.includes(t)) matched += w;
      }
      const score =
        a.total === 0 || fTotal === 0 ? (a.total === 0 && fTotal === 0 ? 1 : 0) : (2 * (matched / a.total) * (matched / fTotal)) / (matched / a.total + matched / fTotal || 1);
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

  /**
   * The sentence of an answer that says most about what the message asks ("or just the LADO?": the
   * sentence on the LADO), by the weight of the message's words in it; its first sentence when none does.
   */
  private partFor(answer: string, a: Analysed): string {
    // a sentence of a word or two ("No.") stays with the one after it
    const sentences: string[] = [];
    let short = '';
    for (const x of answer.split(/\n\n+/).flatMap((p) => p.match(/[^.!?]+[.!?]+(?=\s|$)|[^.!?]+$/g) ?? [])) {
      const sentence = `${short}${x.trim()}`;
      if (x.trim().split(/\s+/).length <= 3) short = `${sentence} `;
      else [sentences[sentences.length], short] = [sentence, ''];
    }
    let best: string | undefined;
    let most = 0;
    for (const sentence of sentences) {
      const terms = new Set(this.termsOf(this.words(sentence)).terms);
      let w = 0;
      a.terms.forEach((t, i) => {
        if (terms.has(t)) w += a.weights[i]!;
      });
      if (w > most) [best, most] = [sentence, w];
    }
    return best ?? firstSentence(answer);
  }

  /** Keeps only a context the pack knows: the client may send anything. */
  cleanContext(context: unknown): ChatContext {
    const c = (context && typeof context === 'object' ? context : {}) as Record<string, unknown>;
    const out: ChatContext = {};
    if (typeof c['service'] === 'string' && this.serviceNames.has(c['service'])) out.service = c['service'];
    if (typeof c['need'] === 'string' && this.needNames.has(c['need'])) out.need = c['need'];
    if (typeof c['answer'] === 'string' && this.byId.has(c['answer'])) out.answer = c['answer'];
    if (c['danger'] === true) out.danger = true;
    return out;
  }

  entry(id: string): Entry | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.entries[i];
  }

  /** The emergency guidance, with the extra advice for the worry the message is about (chat.yaml danger.extra) */
  private dangerBlock(texts: readonly string[], needs: readonly string[], today = false): { text: string; links: ChatLink[]; today: boolean } {
    const c = this.pack.manifest.contacts;
    const links: ChatLink[] = [];
    const sameDay = this.chat.settings.danger.sameDay;
    if (today && sameDay) {
      // the front door first: that is the call to make; 999 stays beside it, for the handover at home time
      if (c.frontDoor.phones[0]) links.push(telLink(`Call the front door: ${c.frontDoor.phones[0].number}`, c.frontDoor.phones[0].number));
      if (c.emergency.phones[0]) links.push(telLink(`Call ${c.emergency.phones[0].number}`, c.emergency.phones[0].number));
      return { text: expandPlaceholders(sameDay.reply, this.pack), links, today: true };
    }
    if (c.emergency.phones[0]) links.push(telLink(`Call ${c.emergency.phones[0].number}`, c.emergency.phones[0].number));
    if (c.frontDoor.phones[0]) links.push(telLink(`Call the front door: ${c.frontDoor.phones[0].number}`, c.frontDoor.phones[0].number));
    const d = this.chat.settings.danger;
    const extra = d.extra.filter((x, i) => {
      const { phrases, rules } = this.extras[i]!;
      return x.needAreas.some((n) => needs.includes(n)) || (phrases !== undefined && phraseIn(phrases, texts)) || (rules.size > 0 && this.dangerMatch(texts, rules) !== undefined);
    });
    return { text: [d.reply, ...extra.map((x) => x.text)].map((t) => expandPlaceholders(t, this.pack)).join(' '), links, today: false };
  }

  /** The needs check's signs of harm by need area (none when the pack has no needs check). */
  private readNeedsCheck(): void {
    const c = this.pack.sections['needsCheck'] as NeedsCheckContent | undefined;
    if (!c) return;
    const byNeed = new Map<string, Array<{ area: string; id: string; level: string; fixed: boolean }>>();
    for (const a of c.areas) for (const i of a.indicators) if (i.needArea) byNeed.set(i.needArea, [...(byNeed.get(i.needArea) ?? []), { area: a.id, id: i.id, level: i.level, fixed: i.fixed }]);
    for (const [need, signs] of byNeed) {
      const sign = signs[0]!;
      if (!signs.every((x) => x.fixed && x.level === sign.level)) continue;
      const level = assess(this.pack, { danger: 'no', routes: [], areas: [sign.area], indicators: { [sign.area]: { indicators: [sign.id], none: false, notSure: false } } }).level;
      if (level) this.harmSigns.set(need, `In the needs check, this is ${level.label} (${midSentence(level.name)}): a sign of harm sets the level on its own, whatever the family's strengths.`);
    }
  }

  /**
   * For a statement about a sign of harm (a need area whose every sign in the needs check is a sign of
   * harm at one level), what the needs check's own engine makes of it: its level, which no strength of
   * the family lowers. Empty for anything else: a need weighed with the family's strengths has no level
   * until the check has asked about them, and a question is answered by its answer alone.
   */
  private situationFor(need: string | undefined, message: string, asked = false): string {
    const said = need ? this.harmSigns.get(need) : undefined;
    return said && (asked || isStatement(message)) ? `\n\n${said}` : '';
  }

  /** The front door's number as a link, when the pack has one */
  private frontDoorLink(): ChatLink[] {
    const phone = this.pack.manifest.contacts.frontDoor.phones[0];
    return phone ? [telLink(`Call the front door: ${phone.number}`, phone.number)] : [];
  }

  /** An answer's link into the needs check, with the conversation's worry already chosen */
  private withWorry(need: string | undefined, links: ChatLink[]): ChatLink[] {
    const worry = need ? this.checkWorry.get(need) : undefined;
    return worry ? links.map((l) => (l.href === '/needs-check' ? { ...l, href: `/needs-check?worry=${worry}` } : l)) : links;
  }

  /** "Check the level of need" with the worry chosen, beside an answer about a need area */
  private checkLinkFor(need: string | undefined, links: ChatLink[]): ChatLink[] {
    const worry = need ? this.checkWorry.get(need) : undefined;
    if (!worry || links.some((l) => l.href.startsWith('/needs-check'))) return [];
    return [{ text: 'Check the level of need for this worry', href: `/needs-check?worry=${worry}` }];
  }

  /**
   * The best services for a worry the message names, found as "Find services" finds them, with a link
   * to the directory filtered by that worry and one into the needs check with it chosen. Undefined when
   * the message names no need area: a list for a question the bot does not understand would be a guess.
   */
  private servicesFor(text: string, subject?: string): { text: string; links: ChatLink[] } | undefined {
    const areas = this.directory.needAreasNamed(text);
    const area = areas[0] ?? subject;
    if (!area) return undefined;
    const name = this.needNames.get(area) ?? area;
    const result = this.directory.search({ q: text, need: area, perPage: 3 });
    const services = result.services.length > 0 ? result.services : this.directory.search({ need: area, perPage: 3 }).services;
    if (services.length === 0) return undefined;
    const lines = services.map((s) => `${s.name}: ${s.summary}${s.card.howToRefer[0] ? ` How to refer: ${s.card.howToRefer[0]}` : ''}`);
    const links: ChatLink[] = services.map((s) => ({ text: s.name, href: `/services/${s.slug}` }));
    links.push({ text: `More services for ${midSentence(name)}`, href: `/services?need=${area}` });
    links.push(...this.checkLinkFor(area, []));
    return { text: `It sounds like a worry about ${midSentence(name)}. These services may help:\n\n${lines.join('\n\n')}`, links };
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

  /** The reply to a message about something the bot is not for. */
  private outOfScopeReply(): ChatReply {
    return {
      band: 'unsure',
      danger: false,
      reply: this.entry(OUT_OF_SCOPE)!.answer,
      links: [...TOOL_LINKS],
      suggestions: [],
      // a new subject: what came before is not carried on
      context: {},
      ranked: [],
    };
  }

  respond(message: unknown, rawContext: unknown = {}): ChatReply {
    const { own, ...reply } = this.reply(message, this.cleanContext(rawContext));
    // the emergency is carried to the next message only from a message that told of it in its own words
    if (reply.band === 'empty') return reply;
    const { danger: _carried, ...context } = reply.context;
    return { ...reply, context: own ? { ...context, danger: true } : context };
  }

  private reply(message: unknown, context: ChatContext): ChatReply & { own?: boolean } {
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
    // who is writing ("SENCO here.") is not the worry: a role's words pulled answers about that role
    const a = this.analyse(withoutRole(text, this.writer));
    // the message as typed and as corrected; once when correction changed nothing
    // the danger is in what happened: a closing "what should I do?" or "who do I ring?" must not hide it
    const harm = this.readDanger(text, normalised, a.corrected);
    const dangerRule = harm.now;
    // a follow-up to an emergency ("police?", "what do we do with the kids?") is still about it, unless it
    // says it is over or asks about later
    // (not for the question of something the bot is not for, sent as its own words: "when do I get paid")
    const stillDanger = !dangerRule && context.danger === true && this.byQuestion.get(normalised) !== OUT_OF_SCOPE && !(this.carriedUnless && phraseIn(this.carriedUnless, [normalised, a.corrected]));
    // a same-day worry leads with the same-day guidance in the place of the emergency one, and is not carried
    const danger =
      dangerRule || stillDanger
        ? this.dangerBlock([normalised, a.corrected], stillDanger && context.need ? [...a.needs, context.need] : a.needs)
        : harm.today
          ? this.dangerBlock([normalised, a.corrected], a.needs, true)
          : undefined;
    const own = dangerRule !== undefined;
    const told = (r: ChatReply): ChatReply & { own?: boolean } => ({ ...r, danger: r.danger && !danger?.today, sameDay: r.danger && danger?.today === true, own });

    const follow = Object.keys(context).length > 0 ? this.followUp(a, context) : undefined;
    // the conversation's worry, unless the message names one of its own
    const subject = a.needs.length === 0 ? context.need : undefined;
    const all: Ranked[] = follow ? [{ id: follow.id, score: 1 }] : this.rank(a, subject);
    // most like the pack's examples of what the bot is not for (staff pay, IT, trips): say what it is for,
    // rather than stretch an answer to fit; it is never offered as an answer or a suggestion
    const asked = this.byQuestion.get(normalised);
    // (never beside the emergency guidance: a child in danger is what the bot is for, whatever else is said)
    // In a conversation about a worry, such a message gets the reply for no answer, with that worry's
    // answers suggested: "should he pay them, and do I tell his parents?" after an answer about sextortion
    // is about that child, whatever its words.
    const outOfScope = !follow && !danger && (asked === OUT_OF_SCOPE || all[0]?.id === OUT_OF_SCOPE);
    const ranked = all.filter((r) => r.id !== OUT_OF_SCOPE);
    if (outOfScope) return told(context.need === undefined || asked === OUT_OF_SCOPE ? this.outOfScopeReply() : this.unsureReply(text, ranked, context, undefined));
    // a suggestion button sends an entry's own question: that entry is the answer
    if (!follow && asked !== undefined && asked !== OUT_OF_SCOPE) {
      const at = ranked.findIndex((r) => r.id === asked);
      const entry = at >= 0 ? ranked.splice(at, 1)[0]! : { id: asked, score: 1 };
      ranked.unshift({ ...entry, score: Math.max(entry.score, 1), exact: true });
    }
    // "services for ...": the list of services for a need beats that need's FAQ by a hair's breadth
    if (a.asksForServices && ranked.length > 1) {
      const need = this.entry(ranked[0]!.id)?.need;
      const list = need ? ranked.findIndex((r) => r.id === `need-services:${need}`) : -1;
      if (list > 0 && ranked[0]!.score - ranked[list]!.score < this.o.margin) ranked.unshift(...ranked.splice(list, 1));
    }
    const top = ranked[0];
    // a service's other answers (about, refer, phone) are offered beside its answer as suggestions, so
    // being close to them is no reason for doubt; any other entry close behind is
    // so is a FAQ about that same service (its first link) beside the service's own answer
    const mainService = (id: string) => {
      const i = this.byId.get(id);
      return i === undefined ? undefined : (this.entries[i]!.service ?? this.entryServices[i]![0]);
    };
    const topService = top ? mainService(top.id) : undefined;
    const generated = (id: string) => this.entry(id)?.service !== undefined;
    /** another answer to the same thing (and the list of services for a need beside that need's FAQ): no reason for doubt between them */
    const sibling = (r: Ranked) => (topService !== undefined && mainService(r.id) === topService && (generated(top!.id) || generated(r.id))) || this.needAndItsList(top!.id, r.id);
    const differs = (r: Ranked) => r !== top && r.score > 0 && !sibling(r);
    const second = ranked.find(differs);
    let band: Band = 'unsure';
    const o = this.o;
    const exactOnly = !!top?.exact && !second?.exact;
    if (top && top.score >= o.answerAt && (top.score - (second?.score ?? 0) >= o.margin || top.score >= o.sureAt || exactOnly)) band = 'answer';
    // a weaker best match that stands well clear of every different answer (a long message dilutes
    // every score, but not the gap between the right answer and the rest)
    // Being less sure of it, the reply offers the next different answers too, when there are any.
    let weak = false;
    if (band === 'unsure' && top && top.score >= o.leadAt && top.score >= (second?.score ?? 0) * o.lead && this.sharedTerms(top.id, a.terms) >= o.leadTerms) {
      band = 'clarify';
      weak = true;
    }
    else if (band === 'unsure' && top && top.score >= o.clarifyAt) band = 'clarify';
    // an answer that is not sure of itself, with a different one close behind: offer that one too
    else if (band === 'answer' && top && !exactOnly && top.score < o.doubtBelow && (second?.score ?? 0) >= top.score * o.doubtRatio) {
      band = 'clarify';
      weak = true;
    }
    // The FAQ classifier's reading. A weak best match that it reads the same way: two readings agree,
    // so offer it. An answer it reads clearly as a different FAQ close behind: offer that one too.
    let offer: Ranked | undefined;
    const read = top && !follow && !exactOnly ? this.intent.classify(a.terms, a.pairs) : undefined;
    if (read && read.p >= o.intentAt) {
      if (band === 'unsure' && read.id === top!.id) {
        band = 'clarify';
        weak = true;
      } else if (band === 'answer' && read.id !== top!.id) {
        offer = ranked.slice(1, 3).find((r) => r.id === read.id && differs(r));
        if (offer) {
          band = 'clarify';
          weak = true;
        }
      }
    }
    // a one-word question ("consent") could mean several things: offer them rather than guess
    const words = a.terms.filter((t) => !t.startsWith('~')).length;
    if (band === 'answer' && !follow && !exactOnly && words === 1 && a.services.length === 0 && top!.score < 0.97 && (second?.score ?? 0) >= o.clarifyAt) band = 'clarify';

    const withDanger = (reply: string, links: ChatLink[]) => ({
      reply: danger ? `${danger.text}${reply ? `\n\n${reply}` : ''}` : reply,
      links: danger ? [...danger.links, ...links] : links,
    });

    // a question back only when two or more different answers fit about equally, and never with one option
    const close = band === 'clarify' ? ranked.filter((r) => differs(r) && r !== offer && r.score >= (weak ? o.hintAt : o.clarifyAt)) : [];
    const others = (offer ? [offer, ...close] : close).slice(0, 2);
    if (band === 'clarify' && others.length === 0) band = 'answer';

    if (band === 'answer' || band === 'clarify') {
      const e = this.entry(top!.id)!;
      const next: ChatContext = {};
      const service = e.service ?? (a.services.length === 1 ? a.services[0] : undefined);
      // an answer about no worry in particular ("what level is that?") keeps the conversation's worry
      const need = e.need ?? a.needs[0] ?? context.need;
      if (service) next.service = service;
      if (need) next.need = need;
      next.answer = e.id;
      const links = [...this.withWorry(need, e.links), ...this.checkLinkFor(need, e.links)];
      // a general answer ("what level is that?", "do I need consent?") in a conversation about a worry:
      // the way to that worry's services, and what the needs check says of its level where it is fixed
      const carried = e.need === undefined && a.needs.length === 0 ? context.need : undefined;
      if (carried && !links.some((l) => l.href.startsWith('/services?need='))) links.push({ text: `Services for ${midSentence(this.needNames.get(carried) ?? carried)}`, href: `/services?need=${carried}` });
      // asked again in other words, the answer just given is not repeated word for word: it is named, and
      // the next different answers are offered (a button pressed for it is answered in full)
      if (context.answer === e.id && asked !== e.id) {
        const alternatives = ranked.filter((r) => differs(r) && r.score >= o.hintAt).slice(0, 3).map((r) => this.entry(r.id)!.question);
        return told({
          band: alternatives.length > 0 ? 'clarify' : 'answer',
          danger: !!danger,
          ...withDanger(`${expandPlaceholders(this.chat.settings.sameAnswer, this.pack)} ${this.partFor(e.answer, a)}`, [...links, ...this.frontDoorLink().filter((f) => !links.some((l) => l.href === f.href))]),
          suggestions: alternatives,
          context: next,
          answerId: e.id,
          ranked,
        });
      }
      const situation = carried && asksLevel(a.corrected) ? this.situationFor(carried, text, true) : this.situationFor(e.need, text);
      if (band === 'answer') return told({ band, danger: !!danger, ...withDanger(`${e.answer}${situation}`, links), suggestions: this.suggestionsFor(e), context: next, answerId: e.id, ranked });
      // the best answer first, then the others that fit about as well
      return told({
        band,
        danger: !!danger,
        ...withDanger(`${e.answer}${situation}\n\nIf that is not what you meant, choose one of the questions below, or ask in other words.`, links),
        suggestions: others.map((r) => this.entry(r.id)!.question),
        context: next,
        answerId: e.id,
        ranked,
      });
    }
    // a statement about a worry that no single answer matches well: the answer about that worry
    const topic = follow ? undefined : this.topicOf(a, ranked);
    const about = topic ? this.topicAnswer(topic.area, ranked) : undefined;
    if (topic && about) {
      const name = midSentence(this.needNames.get(topic.area)!);
      const links = [...about.links];
      if (!links.some((l) => l.href.startsWith('/services?need='))) links.push({ text: `Services for ${name}`, href: `/services?need=${topic.area}` });
      links.push(...this.checkLinkFor(topic.area, links));
      // read from the worry rather than matched, so the next different answers are offered too
      const alternatives = ranked.filter((r) => r.id !== about.id && r.score >= o.hintAt && !this.sameAnswer(about.id, r.id)).slice(0, 2);
      return told({
        band: alternatives.length > 0 ? 'clarify' : 'answer',
        danger: !!danger,
        ...withDanger(`This sounds like a worry about ${name}.\n\n${about.answer}${this.situationFor(about.need ?? topic.area, text)}${alternatives.length > 0 ? '\n\nIf that is not what you meant, choose one of the questions below, or ask in other words.' : ''}`, links),
        suggestions: alternatives.length > 0 ? alternatives.map((r) => this.entry(r.id)!.question) : this.suggestionsFor(about),
        context: { need: topic.area, answer: about.id },
        answerId: about.id,
        ranked,
      });
    }
    return told(this.unsureReply(text, ranked, context, danger));
  }

  /**
   * No answer fits: the front door, the services "Find services" finds for a worry the message names
   * (or the tools), and the nearest answers as suggestions; below the emergency guidance when there is
   * danger. In a conversation about a worry, that worry's answers are suggested first.
   */
  private unsureReply(text: string, ranked: readonly Ranked[], context: ChatContext, danger: { text: string; links: ChatLink[] } | undefined): ChatReply {
    const c = this.pack.manifest.contacts;
    const links: ChatLink[] = [];
    if (c.frontDoor.phones[0]) links.push(telLink(`Call the front door: ${c.frontDoor.phones[0].number}`, c.frontDoor.phones[0].number));
    // in a conversation about a worry, a message that names none is about that worry
    const found = this.servicesFor(text, context.need);
    if (found) links.push(...found.links);
    else links.push(...TOOL_LINKS);
    const unsureText = expandPlaceholders(this.chat.settings.unsure, this.pack);
    const near = ranked.filter((r) => r.score >= this.o.hintAt).map((r) => this.entry(r.id)!);
    const subject = context.need;
    const onSubject = (e: Entry) => subject !== undefined && e.need !== undefined && this.related(e.need, subject);
    // in a conversation, that worry's own answers when none is near: its FAQs in the pack's order
    const ownFaqs = subject !== undefined && !near.some(onSubject) ? this.entries.filter((e) => e.kind === 'faq' && onSubject(e)).slice(0, 2) : [];
    const suggestions = [...near.filter(onSubject), ...ownFaqs, ...near.filter((e) => !onSubject(e))].slice(0, 3).map((e) => e.question);
    return {
      band: 'unsure',
      danger: !!danger,
      // with danger, the emergency guidance says what to do now; the services for the worry and the
      // nearest answers follow it
      reply: danger ? (found ? `${danger.text}\n\n${found.text}` : danger.text) : found ? `${unsureText}\n\n${found.text}` : unsureText,
      links: danger ? [...danger.links, ...links.slice(1)] : links,
      suggestions,
      context,
      ranked: [...ranked],
    };
  }
}

export function createChatEngine(pack: ContentPack, options: EngineOptions = {}): ChatEngine {
  return new ChatEngine(pack, chatContent(pack), options);
}
