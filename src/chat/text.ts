/**
 * Text analysis for the chat matcher, built once per published pack: which words carry no meaning,
 * typo correction against the index's own words, and multi-word phrase lookup (synonym groups,
 * keywords). Pure; nothing here allocates large structures per message.
 */

/** Words that carry no meaning for matching (question framing, filler, pronouns). */
export const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at for with from by about as into over than then so ' +
    'i im ive id me my we our us you your yours he him his she her they them their theyre it its this that these those there here ' +
    'is are was were be been being am do does did doing done have has had having can could would should will shall may might must ' +
    'what whats which whom whose how hi hello hey please thanks thank cheers ok okay just really very quite ' +
    'any some all also too yet get got go going want like one someone something anything thing things bit lot lots question quick wondering ' +
    'pupil pupils student students child children kid kids young person people s ' +
    // asides that carry nothing of the question: "he's 19 btw"
    'btw'
  ).split(/\s+/),
);
// "child", "pupil" and the like appear in nearly every question staff ask: they are stopwords here so
// that the words that tell questions apart carry the weight. Words that change what is asked ("after",
// "before", "who", "tell", "still", "not") are kept: the index's own word weights decide how much they count.

/** Negations fold into one term: "won't agree", "refused", "without consent" ask the same kind of question. */
export const NEGATIONS = new Set(['no', 'not', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'cant', 'wont', 'never', 'nor', 'without', 'refuse', 'refused', 'refuses', 'refusing', 'declined', 'declines']);
export const NEGATION_TERM = '~not';

/** Contractions typed without the apostrophe, as the word that carries the meaning. */
export const CONTRACTIONS: Record<string, string> = {
  whos: 'who',
  wheres: 'where',
  whens: 'when',
  hows: 'how',
  theyve: 'they',
  shes: 'she',
  hes: 'he',
  // text speak, read as the word it stands for before any spelling correction ("sez" is not "sen")
  sez: 'says',
  sed: 'said',
  wat: 'what',
  wot: 'what',
  wen: 'when',
  wer: 'where',
  cn: 'can',
  nxt: 'next',
  lst: 'last',
  shld: 'should',
  wud: 'would',
  thnk: 'think',
  wiv: 'with',
  wivout: 'without',
  wiout: 'without',
  u: 'you',
  ur: 'your',
  r: 'are',
  n: 'and',
  pls: 'please',
  plz: 'please',
  coz: 'because',
  cos: 'because',
  cuz: 'because',
  bcoz: 'because',
  abt: 'about',
  b4: 'before',
  tmrw: 'tomorrow',
  tmoz: 'tomorrow',
  '2moro': 'tomorrow',
  tonite: 'tonight',
  nite: 'night',
  ppl: 'people',
  fam: 'family',
  wknd: 'weekend',
  w: 'with',
  wots: 'whats',
  wats: 'whats',
  wkend: 'weekend',
  sum1: 'someone',
  some1: 'someone',
  any1: 'anyone',
  evry: 'every',
  evryone: 'everyone',
  skool: 'school',
  bf: 'boyfriend',
  gf: 'girlfriend',
  msg: 'message',
  txt: 'text',
  thru: 'through',
  gonna: 'going',
  wanna: 'want',
  hw: 'how',
  skl: 'school',
  skul: 'school',
  mgr: 'manager',
  wk: 'week',
  wks: 'weeks',
  dnt: 'dont',
  cnt: 'cant',
  bcos: 'because',
  tho: 'though',
  yrs: 'years',
};

const QUESTION_STARTS = new Set(['what', 'whats', 'how', 'hows', 'who', 'whos', 'where', 'wheres', 'when', 'why', 'which', 'do', 'does', 'did', 'can', 'could', 'should', 'shall', 'is', 'are', 'will', 'would', 'may', 'must', 'have', 'has', 'wat', 'wot', 'cn']);

/** A message that tells what happened rather than asks: it ends without a question mark and starts with no question word. */
export function isStatement(message: string): boolean {
  const trimmed = message.trim();
  if (trimmed.endsWith('?')) return false;
  const first = trimmed.toLowerCase().replace(/['’]/g, '').match(/[a-z]+/)?.[0] ?? '';
  return !QUESTION_STARTS.has(first);
}

/** "what is", with the spellings staff type in a hurry */
const WHAT_IS = String.raw`(?:what|wat|wot|wht)(?:s| s| is| are| r)`;
const MEANING = [
  // "what does NRPF stand for", "what does PLAC mean", "what is meant by contextual safeguarding"
  /\b(?:stands?|stood) for\b/,
  /\bwhat (?:does|do) [a-z0-9 ]+ mean\b/,
  /\bmeant by\b|\bmeaning of\b|\bdefinition\b|\bdefine\b/,
  // "what even is an EHCP", "whats this sextortion thing"
  new RegExp(String.raw`\b(?:what|wat|wot) even is\b|\b${WHAT_IS} (?:this|that|these) [a-z0-9 ]+ (?:thing|things)\b`),
  // "does looking after nan count as a young carer", "is that classed as neglect"
  /\b(?:count|counts|counted|class|classed|classes) as\b|\b(?:does|do|would) [a-z0-9 ]+ count$/,
  // "what is gillick competence and does it apply to...", "what is the lado, does every school have one":
  // a message that opens by asking what something is, then asks more about it
  new RegExp(String.raw`^${WHAT_IS} (?:an? |the )?[a-z0-9]+(?: [a-z0-9]+){0,4} (?:and|does|do|is|are|which|who|can|how|when|where)\b`),
];
/** Short "what is X" questions: one to three words after "what is" (one way only to split them, so no long backtracking). */
const SHORT_WHAT_IS = new RegExp(String.raw`^(?:(?:so|ok|okay|sorry|hi|hiya|quick q|quick question|remind me|sorry but) )*${WHAT_IS} (?:an? |the )?[a-z0-9]+(?: [a-z0-9]+){0,2}(?: exactly| again| then| please)?$`);

/**
 * The message asks what a term means ("whats a PEP", "what does NRPF stand for", "does looking after
 * nan count as being a young carer"), read from the message as typed and corrected.
 */
export function asksMeaning(corrected: string): boolean {
  return SHORT_WHAT_IS.test(corrected) || MEANING.some((r) => r.test(corrected));
}

/**
 * The first clause of a message that only says who is writing ("SENCO here.", "I'm a TA in Year 2."), for
 * a pack's list of staff roles ("#" in a role is any number); undefined when the list is empty.
 */
export function rolePrefix(roles: readonly string[]): RegExp | undefined {
  const alternatives = roles
    .map((r) => r.toLowerCase().trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/#/g, '\\d+').replace(/\s+/g, ' ?'))
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
  if (alternatives.length === 0) return undefined;
  return new RegExp(`^(?:(?:hi|hello|hiya),? )?(?:(?:i'?m|i am) (?:a |an |the )?|as (?:a |an |the )?)?(?:new )?(?:${alternatives.join('|')})(?: here| in year \\d+)?\\s*[.:,-]\\s+(?=\\S)`, 'i');
}

/** The message without a first clause that only says who is writing: the worry is what follows. */
export function withoutRole(message: string, prefix: RegExp | undefined): string {
  const m = prefix?.exec(message.trim());
  return m ? message.trim().slice(m[0].length) : message;
}

/** The message asks what level of need something is ("what level is that?", "is it level 3", "does that meet threshold"). */
export function asksLevel(corrected: string): boolean {
  return /\b(?:level|levels|threshold|thresholds)\b/.test(corrected);
}

/**
 * The question staff end a message with ("..., what should I do?", "who do I ring?", "is this 999?"): a
 * clause of its own at the end that asks only what to do. (Not "do I log it?" or "do I need consent?":
 * those say something of the case, often that it is not an emergency.)
 */
const QUESTION_TAIL =
  /(?:^|[,.;:!?\n]|\s-\s|\bso\b|\band\b)\s*(?:(?:so|and|but|please|pls|sorry|urgent|ok)\s+)*(?:what (?:should|do|can|must) (?:i|we) do(?: now| next| first)?|what now|now what|what next|what do (?:i|we) need to do(?: now| next| first)?|what (?:are|is) (?:the|my|our) next steps?|who do (?:i|we) (?:call|ring|phone|contact)(?: first| now)?|is (?:this|it|that) (?:999|an emergency)(?: or [a-z ]{1,20})?|any advice|advice please|help please|please help|help)\s*[?.!]*\s*$/i;

/**
 * The message without the questions it ends with, when that leaves something: the danger is in what
 * happened, and a closing "what should I do?" must not hide it. Undefined when there is no such ending.
 */
export function withoutQuestionTail(message: string): string | undefined {
  let text = message.trim();
  let changed = false;
  for (let i = 0; i < 3; i++) {
    const m = QUESTION_TAIL.exec(text);
    if (!m || m.index === 0) break;
    text = text.slice(0, m.index).trim();
    changed = true;
  }
  return changed && /[\p{L}\p{N}]/u.test(text) ? text : undefined;
}

/** Number words as digits, so "level one" meets "Level 1". */
export const NUMBER_WORDS: Record<string, string> = { one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10' };

function deletes(word: string, depth: number, out: Set<string>): void {
  if (depth === 0 || word.length <= 2) return;
  for (let i = 0; i < word.length; i++) {
    const d = word.slice(0, i) + word.slice(i + 1);
    if (out.has(d)) continue;
    out.add(d);
    deletes(d, depth - 1, out);
  }
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

/** How far a word may be from a known word to be corrected: one edit, two for long words. */
const maxEdits = (w: string) => (w.length >= 8 ? 2 : 1);

/**
 * Typo correction by precomputed deletions (the SymSpell idea): every known word is indexed under
 * the strings left by deleting one or two letters, so a message word finds its candidates by a few
 * map lookups instead of a scan of the vocabulary.
 */
export class TypoIndex {
  private readonly byDeletion = new Map<string, string[]>();

  constructor(private readonly counts: Map<string, number>) {
    for (const w of counts.keys()) {
      const keys = new Set<string>([w]);
      deletes(w, maxEdits(w), keys);
      for (const k of keys) {
        const list = this.byDeletion.get(k);
        if (list) list.push(w);
        else this.byDeletion.set(k, [w]);
      }
    }
  }

  has(word: string): boolean {
    return this.counts.has(word);
  }

  /** The nearest known word (fewest edits, then the most used), or undefined. */
  correct(word: string): string | undefined {
    const max = maxEdits(word);
    const keys = new Set<string>([word]);
    deletes(word, max, keys);
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const k of keys) {
      for (const cand of this.byDeletion.get(k) ?? []) {
        // short words: a different first letter is more often a different word than a typo
        if (word.length <= 4 && cand[0] !== word[0]) continue;
        const d = editDistance(word, cand, max);
        if (d > max) continue;
        const score = -d * 100 + Math.log(1 + (this.counts.get(cand) ?? 0));
        if (score > bestScore) {
          bestScore = score;
          best = cand;
        }
      }
    }
    return best;
  }
}

/** Finds known multi-word phrases in a list of words, by the phrase's first word. */
export class PhraseIndex<T> {
  private readonly byFirst = new Map<string, Array<{ words: string[]; value: T }>>();

  add(phrase: string, value: T): void {
    const words = phrase.split(' ').filter(Boolean);
    if (words.length === 0) return;
    const list = this.byFirst.get(words[0]!);
    if (list) list.push({ words, value });
    else this.byFirst.set(words[0]!, [{ words, value }]);
  }

  /** Calls `found` for each phrase that occurs in `words` (each value at most once). */
  find(words: readonly string[], found: (value: T) => void): void {
    const seen = new Set<T>();
    for (let i = 0; i < words.length; i++) {
      const list = this.byFirst.get(words[i]!);
      if (!list) continue;
      for (const p of list) {
        if (seen.has(p.value) || i + p.words.length > words.length) continue;
        let ok = true;
        for (let j = 1; j < p.words.length; j++) {
          if (words[i + j] !== p.words[j]) {
            ok = false;
            break;
          }
        }
        if (ok) {
          seen.add(p.value);
          found(p.value);
        }
      }
    }
  }
}
