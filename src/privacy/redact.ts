/**
 * Redaction of what staff type that is kept for editors. Nothing typed is stored without passing
 * through here. Pure, once built for a pack.
 *
 * - A chat question the bot could not answer keeps its known words only: words of the pack's
 *   vocabulary and common English that are not given names, and small numbers. Everything else
 *   becomes a placeholder, so a name the lists do not know can never be kept.
 * - A report's note keeps its text, with personal details replaced: anything with a shape
 *   (see detect.ts), every word the guidance and English do not know, and names that are also
 *   words where something marks them as names (a capital, a title, another name beside them, a
 *   verb after them, "called").
 *
 * Both start from `cleanTyped`: no control or format character is kept.
 */
import type { ContentPack } from '../content/schema.js';
import { normalise, packText, packWords } from '../content/vocabulary.js';
import { maskDetails, unmask } from './detect.js';
import { lexicon, type Lexicon } from './lexicon.js';
import { cleanTyped, wordKey } from './text.js';

/** Which redaction a stored row passed: rows stored by an older one are redacted again on start. */
export const REDACTION_VERSION = 1;

/** what an unknown word becomes */
export const UNKNOWN = '[…]';
export const NAME = '[name]';

export interface Redactor {
  /** a report's note: personal details replaced, the rest kept as typed */
  note(text: string): string;
  /** a chat question: known words only, each unknown run as one placeholder */
  question(text: string): string;
}

export interface RedactorWords {
  /** word keys the guidance uses (its pack's words with a letter in them) */
  packWords: ReadonlySet<string>;
  /** pairs of words the guidance uses together ("young carers"), so a capital there is its own */
  packPhrases: ReadonlySet<string>;
}

// words that say the next word is a name; a relation ("dad", "pupil") says so less surely
const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'sir', 'master']);
const STRONG_CUES = new Set([...TITLES, 'called', 'named', 'aka', 'name', 'names', 'nickname', 'surname']);
// names that are also verbs a relation is often followed by: "dad will hurt him"
const MODALS = new Set(['will', 'may', 'can', 'might', 'must']);
const CUES = new Set([
  ...STRONG_CUES,
  'mum', 'mom', 'mother', 'dad', 'father', 'stepdad', 'stepmum', 'brother', 'sister', 'son', 'daughter', 'uncle', 'aunt', 'auntie', 'aunty',
  'nan', 'nana', 'nanny', 'grandad', 'grandma', 'grandmother', 'grandfather', 'cousin', 'pupil', 'student', 'girl', 'boy', 'baby', 'toddler',
  'friend', 'boyfriend', 'girlfriend', 'partner', 'carer', 'twin', 'childminder', 'teacher', 'neighbour', 'lodger',
]);
// a name-like word followed by one of these is the subject of the sentence: "grace disclosed that..."
const SUBJECT_VERBS = new Set([
  'is', 'was', 'has', 'had', 'says', 'said', 'told', 'tells', 'keeps', 'kept', 'comes', 'came', 'goes', 'went', 'wants', 'wanted', 'needs', 'lives', 'lived',
  'smells', 'disclosed', 'discloses', 'ran', 'runs', 'hit', 'hits', 'cried', 'cries', 'left', 'got', 'gets', 'does', 'did', 'seems', 'looks', 'asked',
  'shouted', 'punched', 'refused', 'refuses', 'arrived', 'moved', 'stays', 'stayed', 'sleeps', 'slept', 'isnt', 'wasnt', 'hasnt', 'doesnt', 'didnt',
]);
const FAMILY_NOUNS = new Set(['family', 'familys', 'families', 'household', 'kids', 'children', 'twins']);
// numbers and words with numbers in them that identify no one: times, ages, school years, money
const SAFE_ALNUM = /^(?:\p{Nd}+(?:am|pm|st|nd|rd|th|s|p|k|m|km|kg|g|mg|ml|min|mins|hr|hrs|yr|yrs|yo)|(?:yr|y|ks|year|level|tier)\p{Nd}{1,2})$/u;

type Kind = 'word' | 'given' | 'surname' | 'unknown' | 'number' | 'alnum';

interface Token {
  text: string;
  /** a word, a mark (placeholder or kept link), or what lies between */
  type: 'word' | 'mark' | 'gap';
  key: string;
  kind: Kind;
  /** for a word: also an ordinary word (a given name or surname that is also English) */
  isWord: boolean;
  /** a single capital letter before a name ("J. Stone"); a gap: the full stop after one */
  initial?: boolean;
  capital: boolean;
  sentenceStart: boolean;
  /** the decision: keep, or the placeholder */
  out?: string;
}

const TOKEN = /\uE000[\uE100-\uEFFF]\uE001|[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*|[^\p{L}\p{M}\p{N}\uE000]+/gu;

export function createRedactor(words: RedactorWords, lex: Lexicon = lexicon()): Redactor {
  const isWordKey = (k: string) => k.length === 1 || lex.english.has(k) || words.packWords.has(k);
  const isKnownWord = (k: string) => isWordKey(k) && !lex.givenNames.has(k) && !lex.surnames.has(k);

  function classify(part: string): { kind: Kind; isWord: boolean } {
    const key = wordKey(part.replace(/['’]s$/iu, ''));
    if (/^\p{Nd}+$/u.test(key)) return { kind: 'number', isWord: false };
    if (/\p{Nd}/u.test(key)) return { kind: 'alnum', isWord: words.packWords.has(key) || SAFE_ALNUM.test(key) };
    const isWord = isWordKey(key);
    if (lex.givenNames.has(key)) return { kind: 'given', isWord };
    if (lex.surnames.has(key)) return { kind: 'surname', isWord };
    return { kind: isWord ? 'word' : 'unknown', isWord };
  }

  /** the text's tokens, each word classified (a hyphenated word by its most name-like part) */
  function tokens(text: string): Token[] {
    const rank: Record<Kind, number> = { word: 0, number: 1, alnum: 2, surname: 3, given: 4, unknown: 5 };
    const out: Token[] = [];
    let sentenceStart = true;
    for (const text0 of text.match(TOKEN) ?? []) {
      if (text0.startsWith('\uE000')) {
        out.push({ text: text0, type: 'mark', key: '', kind: 'word', isWord: false, capital: false, sentenceStart });
        sentenceStart = false;
        continue;
      }
      if (!/[\p{L}\p{M}\p{N}]/u.test(text0)) {
        const last = out[out.length - 1];
        // the full stop of an initial ends no sentence
        const initial = last?.type === 'word' && /^\p{Lu}$/u.test(last.text) && last.text !== 'I' && /^\.\s*$/.test(text0);
        if (initial) last.initial = true;
        out.push({ text: text0, type: 'gap', key: '', kind: 'word', isWord: false, capital: false, sentenceStart: false, initial });
        if (/[.!?:;]/.test(text0) && !initial) sentenceStart = true;
        continue;
      }
      const parts = text0.split(/-/).map(classify);
      const worst = parts.reduce((a, b) => (rank[b.kind] > rank[a.kind] ? b : a));
      const allWords = parts.every((p) => p.isWord);
      out.push({
        text: text0,
        type: 'word',
        key: wordKey(text0.replace(/['’]s$/iu, '')),
        kind: worst.kind,
        isWord: allWords,
        capital: /^\p{Lu}/u.test(text0),
        sentenceStart,
      });
      sentenceStart = false;
    }
    return out;
  }

  /** the word before or after `i`, across spaces and commas only (not a sentence's end) */
  function neighbour(list: Token[], i: number, step: 1 | -1): Token | undefined {
    for (let j = i + step; j >= 0 && j < list.length; j += step) {
      const t = list[j]!;
      if (t.type === 'gap') {
        if (t.initial) continue;
        if (/[.!?;]/.test(t.text) || t.text.trim().length > 2) return undefined;
        continue;
      }
      return t;
    }
    return undefined;
  }

  const isName = (t: Token | undefined) => t !== undefined && t.out === NAME;
  const phrase = (a: Token | undefined, b: Token | undefined) => a !== undefined && b !== undefined && words.packPhrases.has(`${a.key} ${b.key}`);

  /**
   * Decides every word. `strict` (chat questions): a given name is never kept, nor any word the
   * lists do not know. Otherwise (report notes) a name that is also a word is taken for a name only
   * where something marks it as one.
   */
  function decide(list: Token[], strict: boolean): void {
    const letters = list.filter((t) => t.type === 'word').map((t) => t.text).join('');
    const upper = (letters.match(/\p{Lu}/gu) ?? []).length;
    const lower = (letters.match(/\p{Ll}/gu) ?? []).length;
    // in a text typed in capitals a capital says nothing
    const shouting = upper >= 6 && upper > 2 * lower;
    const capitalised = (t: Token) => t.capital && !shouting;

    const cueBefore = (i: number) => {
      const prev = neighbour(list, i, -1);
      if (!prev || prev.type !== 'word') return false;
      if ((MODALS.has(list[i]!.key) ? STRONG_CUES : CUES).has(prev.key)) return true;
      // "her name is Zara", "his name's Kofi"
      const prev2 = neighbour(list, list.indexOf(prev), -1);
      return ['is', 'was', 'are'].includes(prev.key) && prev2 !== undefined && ['name', 'names', 'nickname', 'surname'].includes(prev2.key);
    };

    // first pass: what the word alone, and the words around it, say
    list.forEach((t, i) => {
      if (t.type !== 'word') return;
      const prev = neighbour(list, i, -1);
      const next = neighbour(list, i, 1);
      const inPhrase = phrase(prev, t) || phrase(t, next);
      switch (t.kind) {
        case 'number':
          t.out = t.key.length <= (strict ? 3 : 4) ? undefined : '[number]';
          return;
        case 'alnum':
          t.out = t.isWord ? undefined : UNKNOWN;
          return;
        case 'unknown':
          t.out = capitalised(t) || cueBefore(i) || strict ? NAME : UNKNOWN;
          // a placeholder for a word in a script without capitals is a name as likely as not
          if (!t.capital && !/\p{Ll}/u.test(t.text)) t.out = NAME;
          return;
        case 'given': {
          if (strict || !t.isWord) {
            t.out = NAME;
            return;
          }
          const marked =
            (capitalised(t) && !inPhrase) ||
            cueBefore(i) ||
            /['’]s$/iu.test(t.text) ||
            prev?.initial === true ||
            // "mark the stepdad"
            (next?.key === 'the' && CUES.has(neighbour(list, list.indexOf(next), 1)?.key ?? '')) ||
            (next?.type === 'word' && SUBJECT_VERBS.has(next.key) && (t.sentenceStart || prev?.type !== 'word' || ['and', 'if', 'when', 'that', 'because', 'but'].includes(prev.key)));
          t.out = marked ? NAME : undefined;
          return;
        }
        case 'surname': {
          const marked =
            (capitalised(t) && !inPhrase && (!t.sentenceStart || (next?.type === 'word' && FAMILY_NOUNS.has(next.key)))) ||
            (prev?.type === 'word' && (TITLES.has(prev.key) || prev.initial === true)) ||
            (next?.type === 'word' && FAMILY_NOUNS.has(next.key)) ||
            !t.isWord;
          t.out = marked ? NAME : undefined;
          return;
        }
        case 'word':
          t.out = undefined;
          return;
      }
    });

    // then names beside names: "tyler brown", "Nguyễn Văn An", "bill and sue" (both names that are words)
    for (let changed = true, rounds = 0; changed && rounds < 4; rounds++) {
      changed = false;
      list.forEach((t, i) => {
        const prev = neighbour(list, i, -1);
        const next = neighbour(list, i, 1);
        // an unknown word beside a name is part of it: "jo bloggs"
        if (t.type === 'word' && t.out === UNKNOWN && (isName(prev) || isName(next))) {
          t.out = NAME;
          changed = true;
          return;
        }
        if (t.type !== 'word' || t.out !== undefined) return;
        let name = false;
        if (t.kind === 'given' || t.kind === 'surname') {
          name = isName(prev) || isName(next);
          // "bill and sue": two names joined by "and", neither otherwise marked
          const other = next?.key === 'and' ? neighbour(list, list.indexOf(next), 1) : prev?.key === 'and' ? neighbour(list, list.indexOf(prev), -1) : undefined;
          if (t.kind === 'given' && other?.type === 'word' && other.kind === 'given' && (isName(other) || other.out === undefined)) name = true;
        } else if (t.initial && isName(next)) {
          name = true;
        } else if (t.kind === 'word' && isName(prev) && capitalised(t) && !t.sentenceStart && !/^\p{Lu}+$/u.test(t.text) && !phrase(t, next)) {
          // a capitalised word straight after a name continues it
          name = true;
        }
        if (name) {
          t.out = NAME;
          changed = true;
        }
      });
    }
  }

  function prepare(text: string): { list: Token[]; pieces: string[] } {
    const masked = maskDetails(cleanTyped(text), { isPackWord: (k) => words.packWords.has(k), isKnownWord: isKnownWord });
    return { list: tokens(masked.text), pieces: masked.pieces };
  }

  return {
    note(text) {
      const { list, pieces } = prepare(text);
      decide(list, false);
      const out = list.map((t) => (t.type === 'word' && t.out !== undefined ? t.out.replace(/^\[name\]$/, /['’]s$/iu.test(t.text) ? "[name]'s" : NAME) : t.text)).join('');
      return collapse(unmask(out, pieces));
    },
    question(text) {
      const { list, pieces } = prepare(text);
      decide(list, true);
      const kept: string[] = [];
      for (const t of list) {
        if (t.type === 'gap') continue;
        if (t.type === 'mark') {
          // a kept link is not a known word
          const piece = unmask(t.text, pieces);
          kept.push(piece.startsWith('[') ? piece : UNKNOWN);
          continue;
        }
        kept.push(t.out === undefined ? t.text : t.out === NAME ? UNKNOWN : t.out);
      }
      const words = collapse(kept.join(' ').replace(/\[name\]/g, UNKNOWN));
      return /\?\s*$/.test(text) && words ? `${words}?` : words;
    },
  };
}

/** one placeholder for a run of the same placeholder: "Jane Smith" is one name, not two */
function collapse(text: string): string {
  return text
    .replace(/(\[[^\]]+\])(?:[\s,]+\1)+/g, '$1')
    .replace(/ {2,}/g, ' ')
    .trim();
}

const redactors = new WeakMap<ContentPack, Redactor>();

/** The redactor for a pack's words, built once per pack. */
export function redactorFor(pack: ContentPack): Redactor {
  let r = redactors.get(pack);
  if (!r) {
    const pw = new Set([...packWords(pack)].filter((w) => /\p{L}/u.test(w)));
    // a postcode in a service's address is no reason to keep a postcode a user typed ("IG11")
    for (const s of pack.services) for (const l of s.locations) for (const part of normalise(l.address?.postcode ?? '').split(' ')) pw.delete(part);
    const packPhrases = new Set<string>();
    const seen = new Set<object>();
    const walk = (value: unknown): void => {
      if (typeof value === 'string') {
        const t = normalise(value).split(' ');
        for (let i = 0; i + 1 < t.length; i++) packPhrases.add(`${t[i]} ${t[i + 1]}`);
      } else if (value && typeof value === 'object' && !seen.has(value)) {
        seen.add(value);
        for (const v of Array.isArray(value) ? value : Object.values(value)) walk(v);
      }
    };
    walk(packText(pack));
    redactors.set(pack, (r = createRedactor({ packWords: pw, packPhrases })));
  }
  return r;
}

