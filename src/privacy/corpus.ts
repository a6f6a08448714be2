/**
 * The personal-details corpus (corpus.yaml) and the measure of what survives redaction: which
 * identifying parts of each marked detail can still be read in what would be stored. Used by the
 * corpus test; kept apart from the redaction itself so the measure does not share its mistakes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../content/pack-dir.js';
import { toAsciiDigits } from './detect.js';

export const detailKinds = ['name', 'phone', 'email', 'address', 'postcode', 'date', 'year', 'nhs', 'ref'] as const;
export type DetailKind = (typeof detailKinds)[number];

export interface Detail {
  kind: DetailKind;
  value: string;
}

export interface CorpusEntry {
  /** the text as typed, marks removed */
  text: string;
  details: Detail[];
  /** details expected to survive in reports, by value, with why */
  kept: Record<string, string>;
}

const MARK = /\{\{(\w+):(.*?)\}\}/gsu;

export function parseEntry(raw: { text: string; kept?: Record<string, string> }): CorpusEntry {
  const details: Detail[] = [];
  const text = raw.text.replace(MARK, (_m, kind: string, value: string) => {
    if (!(detailKinds as readonly string[]).includes(kind)) throw new Error(`corpus: unknown kind "${kind}" in "${raw.text}"`);
    details.push({ kind: kind as DetailKind, value });
    return value;
  });
  return { text, details, kept: raw.kept ?? {} };
}

export function loadCorpus(file = join(projectRoot(), 'src', 'privacy', 'corpus.yaml')): CorpusEntry[] {
  const raw = parse(readFileSync(file, 'utf8')) as Array<{ text: string; kept?: Record<string, string> }>;
  return raw.map(parseEntry);
}

/**
 * What a reader sees: compatibility forms folded (full-width letters), invisible characters gone,
 * accents off, lower case, digits of every script as 0-9.
 */
export function fold(text: string): string {
  return toAsciiDigits(
    text
      .normalize('NFKC')
      .replace(/[\p{Cc}\p{Cf}]/gu, '')
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase(),
  );
}

const tokensOf = (text: string) => fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];

/** scripts written without spaces between words: a name there is found inside a longer run */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

function tokenSurvives(token: string, output: string, outTokens: Set<string>): boolean {
  return UNSPACED.test(token) ? fold(output).includes(token) : outTokens.has(token);
}

// parts of a detail that identify no one on their own
const NAME_FILLER = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'and']);
const EMAIL_FILLER = new Set(['at', 'dot', 'com', 'co', 'uk', 'org', 'net', 'gov', 'ie', 'rf', 'рф', 'nhs', 'ac', 'sch', 'gmail', 'hotmail', 'outlook', 'yahoo', 'aol', 'icloud', 'live', 'email', 'mail']);
const ADDRESS_FILLER = new Set([
  'flat', 'apartment', 'block', 'house', 'lodge', 'court', 'estate', 'no', 'number', 'the', 'road', 'rd', 'street', 'st', 'avenue', 'ave', 'lane', 'close',
  'drive', 'way', 'gardens', 'parade', 'view',
]);
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'];
const DATE_FILLER = new Set(['the', 'of', 'on', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);
const NUMBER_WORDS: Record<string, string> = { zero: '0', oh: '0', o: '0', nought: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' };

/** a date's part as a comparable value: "3rd" and "third" are 3, "Apr" and "april" are 4 */
function datePart(token: string): string | undefined {
  if (DATE_FILLER.has(token)) return undefined;
  const ordinal = /^(\d+)(?:st|nd|rd|th)$/.exec(token);
  if (ordinal) return String(Number(ordinal[1]));
  if (/^\d{1,2}$/.test(token)) return String(Number(token));
  const o = ORDINALS.indexOf(token);
  if (o >= 0) return String(o + 1);
  const m = MONTHS.findIndex((name) => token.length >= 3 && name.startsWith(token));
  if (m >= 0) return `m${m + 1}`;
  return token;
}

/**
 * The digits a text shows, as runs: digits (o as zero inside a number) and spoken digits ("double
 * oh") joined across the separators people type between them.
 */
export function digitRuns(text: string): string[] {
  const runs: string[] = [];
  let run = '';
  const words = fold(text).match(/[\p{L}\p{N}]+|[^\p{L}\p{N}]+/gu) ?? [];
  let repeat = 1;
  for (const w of words) {
    if (/^[\s.\-/()+,_:]*$/u.test(w)) continue;
    if (/\d/.test(w) && /^[\do]+$/.test(w)) {
      run += w.replace(/o/g, '0');
      continue;
    }
    if (w === 'double' || w === 'triple' || w === 'treble') {
      repeat = w === 'double' ? 2 : 3;
      continue;
    }
    const d = NUMBER_WORDS[w];
    if (d !== undefined) {
      run += d.repeat(repeat);
      repeat = 1;
      continue;
    }
    repeat = 1;
    if (run) runs.push(run);
    run = '';
  }
  if (run) runs.push(run);
  return runs;
}

/** Whether any identifying part of `detail` can still be read in `output`. */
export function survives(detail: Detail, output: string): boolean {
  const out = new Set(tokensOf(output));
  const value = tokensOf(detail.value);
  switch (detail.kind) {
    case 'name':
      return value.filter((t) => t.length >= 2 && !NAME_FILLER.has(t)).some((t) => tokenSurvives(t, output, out));
    case 'email':
      return value.filter((t) => t.length >= 2 && !EMAIL_FILLER.has(t)).some((t) => tokenSurvives(t, output, out));
    case 'address': {
      const named = value.filter((t) => /\p{L}/u.test(t) && t.length >= 2 && !ADDRESS_FILLER.has(t));
      return (named.length ? named : value).some((t) => out.has(t));
    }
    case 'postcode': {
      const joined = value.join('');
      return out.has(joined) || value.some((t) => t.length >= 2 && out.has(t));
    }
    case 'year':
      return value.some((t) => out.has(t));
    case 'date': {
      const parts = value.map(datePart).filter((p): p is string => p !== undefined);
      if (parts.some((p) => /^\d{4,}$/.test(p) && out.has(p))) return true;
      // two of its parts close together in the output (a day and a month is a birthday)
      const seq = tokensOf(output).map(datePart);
      for (let i = 0; i < seq.length; i++) {
        const near = new Set(seq.slice(i, i + 4).filter((p): p is string => p !== undefined && parts.includes(p)));
        if (near.size >= 2) return true;
      }
      return false;
    }
    case 'phone':
    case 'nhs':
    case 'ref': {
      const digits = digitRuns(detail.value).join('');
      const letters = value.filter((t) => /\p{L}/u.test(t) && !/^[\do]+$/.test(t) && NUMBER_WORDS[t] === undefined && !['double', 'triple', 'treble'].includes(t));
      if (letters.some((t) => out.has(t))) return true;
      const runs = digitRuns(output);
      for (let i = 0; i + 4 <= digits.length; i++) if (runs.some((r) => r.includes(digits.slice(i, i + 4)))) return true;
      return false;
    }
  }
}

export interface Measure {
  details: number;
  survived: Array<{ text: string; output: string; detail: Detail }>;
}

export function measure(corpus: CorpusEntry[], redact: (text: string) => string): Measure {
  const survived: Measure['survived'] = [];
  let details = 0;
  for (const entry of corpus) {
    const output = redact(entry.text);
    for (const detail of entry.details) {
      details++;
      if (survives(detail, output)) survived.push({ text: entry.text, output, detail });
    }
  }
  return { details, survived };
}
