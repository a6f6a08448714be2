/**
 * Redaction of anything typed by staff that is kept for editors (chat questions the bot could not
 * answer, reports of wrong service records). Best effort: names (capitalised words the guidance does
 * not know, and any word after "called", "named" or "name is"), phone numbers, emails, postcodes and
 * dates become placeholders. Pure. Nothing typed is stored without passing through here.
 */

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DAY = '\\d{1,2}(?:st|nd|rd|th)?';

const PATTERNS: Array<[RegExp, string | ((match: string) => string)]> = [
  [/[^\s@<>"]+@[^\s@<>"]+\.[a-z]{2,}/gi, '[email]'],
  [/\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/gi, '[postcode]'],
  [/\b\d{4}-\d{1,2}-\d{1,2}\b/g, '[date]'],
  [/\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/g, '[date]'],
  [new RegExp(`\\b${DAY}\\s+(?:of\\s+)?(?:${MONTHS})\\b(?:,?\\s+\\d{2,4})?`, 'gi'), '[date]'],
  [new RegExp(`\\b(?:${MONTHS})\\s+${DAY}\\b(?:,?\\s+\\d{2,4})?`, 'gi'), '[date]'],
  // phone numbers: six or more digits, with spaces, dashes, brackets or a leading +
  [/(?:\+?\d[\d\s()-]{4,}\d)/g, (m: string) => (m.replace(/\D/g, '').length >= 6 ? '[phone]' : m)],
];

// the surname after the first name is caught below, as a capitalised word the guidance does not know
const NAME_CUE = /\b(called|named|name is|names are|names|aka)\s+([\p{L}'-]+)/giu;

/**
 * `known` says whether a lower-case word is one the guidance uses (vocabulary, service names, common
 * words): capitalised words it does not know are taken for names.
 */
export function redact(text: string, known: (word: string) => boolean): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = typeof replacement === 'string' ? out.replace(re, replacement) : out.replace(re, replacement);
  out = out.replace(NAME_CUE, (_m, cue: string) => `${cue} [name]`);
  out = out.replace(/\b[\p{Lu}][\p{L}'-]*\b/gu, (word) => {
    const w = word.toLowerCase().replace(/['’]s$/, '');
    if (word === 'I' || known(w)) return word;
    // an all-capitals word is usually an abbreviation (LADO, CAMHS), not a name
    if (word.length <= 6 && word === word.toUpperCase()) return word;
    return '[name]';
  });
  // "Jane Smith" is one name, not two
  return out.replace(/\[name\](?:\s+\[name\])+/g, '[name]');
}
