/**
 * Typed text made safe to keep and to show: terminal escape sequences, control and format
 * characters (zero-width spaces, direction overrides, soft hyphens) taken out before anything is
 * stored, and escaped wherever stored text is printed. Pure.
 */

// CSI (colours, cursor moves) and OSC (titles, links) sequences, as a terminal would read them
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]/g;
// every control and format character except the newline and tab, which become spaces below
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u2028\u2029]/gu;

/**
 * What is kept of typed text: Unicode compatibility forms folded (full-width letters and digits
 * become ordinary ones, so they are read like any other), escape sequences and invisible characters
 * removed, line and tab breaks as spaces.
 */
export function cleanTyped(text: string): string {
  return text
    .normalize('NFKC')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/[\t\r\n\u2028\u2029]+/g, ' ')
    .replace(INVISIBLE, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * Stored text as it may be printed to a terminal or written into a page: any control or format
 * character that reached the store (older rows, another writer) is shown as its code, never obeyed.
 */
export function showable(text: string): string {
  return text.replace(INVISIBLE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}

/** A word as the word lists hold it: accents off, lower case, no apostrophes. */
export function wordKey(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’]/g, '');
}
