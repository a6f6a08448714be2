/**
 * The words staff use: abbreviations and synonyms from the pack's glossary and need areas, with the
 * text normalising, tokenising and light stemming that search and the chat bot share. Pure.
 */
import type { ContentPack } from './schema.js';

/** lower case, accents folded, "&" as "and", punctuation as spaces */
export function normalise(text: string): string {
  const words = asciiWords(text);
  return words ? words.join(' ') : normaliseAnyText(text);
}

/**
 * `normalise` for any text: the definition. `normalise` and `tokenize` take a quicker path for plain
 * ASCII text (almost every record, phrasing and question), which gives the same words
 * (vocabulary.test.ts checks them against this).
 */
export function normaliseAnyText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** any character but printable ASCII, tab, line breaks and the curly apostrophe */
const NOT_PLAIN = /[^\t\n\r\x20-\x7e\u2019]/;

/**
 * The words of a plain ASCII text (curly apostrophes allowed) as `normaliseAnyText` makes them, in
 * one pass without the Unicode steps, none of which changes such text; undefined for any other text.
 * Building the chat and search indexes tokenises hundreds of thousands of phrasings and records.
 */
function asciiWords(text: string): string[] | undefined {
  if (NOT_PLAIN.test(text)) return undefined;
  const lower = text.toLowerCase();
  const words: string[] = [];
  // the word so far: `lower` from `from`, after `done` (the part before an apostrophe, rarely any)
  let from = -1;
  let done = '';
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (from < 0) from = i;
    } else if (c === 39 || c === 0x2019) {
      // an apostrophe is dropped and joins what is either side of it
      if (from >= 0) done += lower.slice(from, i);
      from = -1;
    } else {
      const word = from >= 0 ? done + lower.slice(from, i) : done;
      if (word) words.push(word);
      from = -1;
      done = '';
      // "&" is a word of its own
      if (c === 38) words.push('and');
    }
  }
  return words;
}

/**
 * A name or heading put in the middle of a sentence: its first letter lower case, unless its first
 * word is an abbreviation ("Anxiety and low mood" → "anxiety and low mood", "FGM and forced
 * marriage" stays as it is).
 */
export function midSentence(text: unknown): string {
  const s = String(text ?? '');
  const first = /^[^\s,;:]+/.exec(s)?.[0] ?? '';
  if ((first.match(/\p{Lu}/gu) ?? []).length > 1) return s;
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function tokenize(text: string): string[] {
  const words = asciiWords(text);
  if (words) return words;
  const n = normaliseAnyText(text);
  return n ? n.split(' ') : [];
}

// the same few thousand words recur across records and phrasings: each is stemmed once
const stems = new Map<string, string>();

/**
 * A light English stemmer: enough to make plurals and common endings meet
 * ("services" → "servic", "service" → "servic", "referrals" → "referr", "referring" → "referr").
 */
export function stem(token: string): string {
  let s = stems.get(token);
  if (s === undefined) {
    s = stemWord(token);
    if (stems.size < 200_000) stems.set(token, s);
  }
  return s;
}

function stemWord(token: string): string {
  let t = token;
  if (t.length <= 3 || /^\d+$/.test(t)) return t;
  if (t.endsWith('ies') && t.length > 4) t = `${t.slice(0, -3)}y`;
  else if (t.endsWith('sses')) t = t.slice(0, -2);
  else if (t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us') && !t.endsWith('is')) t = t.slice(0, -1);
  let stripped = '';
  for (const suffix of ['ing', 'ed', 'er', 'al', 'ion', 'e', 'y']) {
    // "-er" only from longer words, so "refer" and "carer" keep their endings
    if (t.endsWith(suffix) && t.length - suffix.length >= (suffix === 'er' ? 4 : 3)) {
      t = t.slice(0, -suffix.length);
      stripped = suffix;
      break;
    }
  }
  // as in Porter's stemmer, a doubled final consonant left by a suffix is halved ("hitting" → "hit",
  // "referral" → "refer"), except l, s and z ("falling" → "fall")
  if (stripped && stripped !== 'e' && stripped !== 'y' && /([b-df-hj-km-np-rtv-y])\1$/.test(t)) t = t.slice(0, -1);
  return t;
}

export interface SynonymGroup {
  /** normalised phrases that mean the same thing, e.g. ["food bank", "food club", "food parcel"] */
  phrases: string[];
  /** the need area this group names, if any */
  needAreaId?: string;
}

export interface Vocabulary {
  groups: SynonymGroup[];
  /** every need area id by each of its normalised names, synonyms and abbreviations */
  needAreaByPhrase: Map<string, string>;
  /**
   * The query's normalised text plus the other phrases of every synonym group it mentions, for
   * recall: "fod bank" is left to typo tolerance; "food bank" adds "food club".
   */
  expand(query: string): { text: string; added: string[]; needAreaIds: string[] };
}

function containsPhrase(haystack: string, phrase: string): boolean {
  return ` ${haystack} `.includes(` ${phrase} `);
}

export function buildVocabulary(pack: Pick<ContentPack, 'glossary' | 'needAreas'>): Vocabulary {
  const groups: SynonymGroup[] = [];
  const needAreaByPhrase = new Map<string, string>();
  const clean = (list: string[]) => [...new Set(list.map(normalise).filter((p) => p.length > 0))];

  for (const g of pack.glossary) groups.push({ phrases: clean([g.term, ...g.abbreviations, ...g.synonyms]) });
  for (const area of pack.needAreas) {
    for (const a of [area, ...area.children]) {
      const phrases = clean([a.name, ...a.synonyms, ...a.abbreviations]);
      groups.push({ phrases, needAreaId: a.id });
      for (const p of phrases) if (!needAreaByPhrase.has(p)) needAreaByPhrase.set(p, a.id);
    }
  }

  return {
    groups,
    needAreaByPhrase,
    expand(query) {
      const text = normalise(query);
      const added = new Set<string>();
      const needAreaIds = new Set<string>();
      const found = new Set<string>();
      for (const g of groups) for (const p of g.phrases) if (containsPhrase(text, p)) found.add(p);
      // a phrase counts only where it stands on its own, not as part of a longer phrase found too:
      // "self harm" is the self-harm group's, not a mention of "harm" (abuse)
      const standsAlone = (p: string) => {
        let rest = ` ${text} `;
        for (const q of found) if (q.length > p.length && containsPhrase(q, p)) rest = rest.split(` ${q} `).join(' | ');
        return rest.includes(` ${p} `);
      };
      for (const g of groups) {
        if (!g.phrases.some((p) => found.has(p) && standsAlone(p))) continue;
        for (const p of g.phrases) if (!containsPhrase(text, p)) added.add(p);
        if (g.needAreaId) needAreaIds.add(g.needAreaId);
      }
      return { text, added: [...added], needAreaIds: [...needAreaIds] };
    },
  };
}

const wordsByPack = new WeakMap<object, Set<string>>();

/**
 * Every word the pack uses, in every file: service and place names, the guidance's own words and the
 * common words of its prose. What is not among them, typed with a capital, is likely a person's name.
 */
/**
 * Sections whose text is not the pack's own words: example messages staff might type (with made-up
 * names and slang), which must neither teach the spelling corrector nor let the redactor keep a name.
 */
const NOT_VOCABULARY = new Set(['dangerExamples']);

/** The pack's text, for walking its words: everything but the sections of example messages. */
export function packText(pack: ContentPack): object {
  return { ...pack, sections: Object.fromEntries(Object.entries(pack.sections).filter(([name]) => !NOT_VOCABULARY.has(name))) };
}

export function packWords(pack: ContentPack): Set<string> {
  let words = wordsByPack.get(pack);
  if (words) return words;
  words = new Set<string>();
  const seen = new Set<object>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const w of tokenize(value)) words!.add(w);
    } else if (value && typeof value === 'object' && !seen.has(value)) {
      seen.add(value);
      for (const v of Array.isArray(value) ? value : Object.values(value)) walk(v);
    }
  };
  walk(packText(pack));
  wordsByPack.set(pack, words);
  return words;
}
