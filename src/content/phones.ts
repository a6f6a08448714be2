/**
 * Phone numbers in running text (a step, a card, a chat answer), so pages and the chat can make each
 * one a `tel:` link. Pure text: the server's templates and the chat's client script share it.
 *
 * Found: UK numbers written with a leading 0 or +44 (9 to 11 digits in all, spaced or hyphenated, as
 * `020 8227 3811`, `0800 1111`, `+44 20 8227 3811`), 999 and the 116 helplines anywhere, and 101,
 * 111 and 112 only after a word such as "call", "police" or "NHS" or in brackets, so "Room 101"
 * stays text.
 */

export interface PhoneInText {
  /** where the number starts and ends in the text */
  start: number;
  end: number;
  /** the number as written */
  text: string;
  /** the `tel:` link target: digits and a leading + */
  href: string;
}

// a number may not run on from a word, another number, a decimal or an address
const LONG = /(?<![\w.,/@:£+-])(?:\+44[ -]?(?:\(0\)[ -]?)?|0)\d{2,4}(?:[ -]?\d{3,4}){1,2}(?![\w/@]|[.,]\d)/g;
const SHORT = /(?<![\w.,/@:£+-])(?:999|116 ?\d{3}|(?:(?<=\b(?:call|calls|calling|phone|ring|dial|on|or|use|number|police|NHS)\s+)|(?<=\())(?:101|111|112))(?![\w/@]|[.,]\d)/gi;

export const telHref = (number: string): string => `tel:${number.replace('(0)', '').replace(/[^\d+]/g, '')}`;

const digitCount = (s: string) => s.replace(/\D/g, '').length;

export function phoneNumbersIn(text: string): PhoneInText[] {
  const found: PhoneInText[] = [];
  for (const m of text.matchAll(LONG)) {
    // national numbers are 10 or 11 digits with the 0 (0800 1111, a freephone, has 8); +44 drops the 0
    const n = digitCount(m[0].replace('(0)', '')) - (m[0].startsWith('+44') ? 2 : 1);
    if (n < 7 || n > 10) continue;
    found.push({ start: m.index, end: m.index + m[0].length, text: m[0], href: telHref(m[0]) });
  }
  for (const m of text.matchAll(SHORT)) {
    if (found.some((f) => m.index < f.end && m.index + m[0].length > f.start)) continue;
    found.push({ start: m.index, end: m.index + m[0].length, text: m[0], href: telHref(m[0]) });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The text cut into plain pieces and phone numbers, in order (for a renderer that builds links). */
export function splitPhoneNumbers(text: string): Array<string | PhoneInText> {
  const pieces: Array<string | PhoneInText> = [];
  let at = 0;
  for (const p of phoneNumbersIn(text)) {
    if (p.start > at) pieces.push(text.slice(at, p.start));
    pieces.push(p);
    at = p.end;
  }
  if (at < text.length) pieces.push(text.slice(at));
  return pieces;
}
