/**
 * Finds the personal details that have a shape: emails (written out too), dates and years,
 * postcodes (full and partial), street addresses, and phone, NHS and other long numbers (with any
 * separators, spelled out, in any script's digits). Each is replaced by a placeholder; links are kept,
 * without their query and without a path that holds words the guidance does not know. Word
 * boundaries are Unicode-aware: a letter or digit of any script continues a word. Pure.
 */

/** A placeholder or kept link, held out of the text while the rest is read (see `Masked`). */
export interface Masked {
  /** the text, each detail replaced by a private-use mark that no other step reads as a word */
  text: string;
  /** what each mark stands for, by its number */
  pieces: string[];
}

const OPEN = '\uE000';
const CLOSE = '\uE001';
const BASE = 0xe100;

export const MARK_PATTERN = /\uE000([\uE100-\uEFFF])\uE001/gu;

export function markFor(masked: Masked, piece: string): string {
  masked.pieces.push(piece);
  return OPEN + String.fromCharCode(BASE + masked.pieces.length - 1) + CLOSE;
}

export function unmask(text: string, pieces: readonly string[]): string {
  return text.replace(MARK_PATTERN, (_m, ch: string) => pieces[ch.charCodeAt(0) - BASE] ?? '');
}

// a letter, mark or digit of any script continues a word
const B = '(?<![\\p{L}\\p{M}\\p{N}])';
const E = '(?![\\p{L}\\p{M}\\p{N}])';
const re = (source: string, flags = 'giu') => new RegExp(source, flags);

// --- emails ---------------------------------------------------------------------------------------
const LOCAL = "[\\p{L}\\p{M}\\p{N}_%+'’-]+";
const LABEL = '[\\p{L}\\p{M}\\p{N}-]+';
const AT = '(?:\\s*@\\s*|\\s+at\\s+|\\s*[[({<]\\s*at\\s*[\\])}>]\\s*)';
const DOT = '(?:\\s*\\.\\s*|\\s+dot\\s+|\\s*[[({<]\\s*dot\\s*[\\])}>]\\s*)';
const TLDS =
  'com|net|org|edu|gov|uk|co|ac|sch|nhs|police|mod|ltd|plc|me|info|biz|io|ie|eu|de|fr|es|it|pt|pl|ro|lt|lv|ee|bg|hu|cz|sk|gr|tr|nl|be|ch|at|se|no|dk|fi|ng|gh|ke|za|in|pk|bd|lk|cn|jp|us|ca|au|nz|ru|ua|so|et|cm|sn|sl|zw|ug|london|scot|wales|email|online|app|dev|xyz|рф';
const PROVIDERS = 'gmail|googlemail|hotmail|outlook|live|yahoo|ymail|aol|icloud|btinternet|sky|virginmedia|protonmail|proton|msn';
const EMAIL_PLAIN = re(`${B}${LOCAL}(?:\\.${LOCAL})*@${LABEL}(?:\\.${LABEL})*\\.\\p{L}{2,}${E}`);
const EMAIL_WRITTEN = re(`${B}${LOCAL}(?:(?:\\s*\\.\\s*|\\s+dot\\s+|\\s+underscore\\s+)${LOCAL})*${AT}${LABEL}(?:${DOT}${LABEL})*${DOT}(?:${TLDS})${E}`);
const EMAIL_PROVIDER = re(`${B}${LOCAL}(?:(?:\\s*\\.\\s*|\\s+dot\\s+)${LOCAL})*${AT}(?:${PROVIDERS})${E}`);

// --- dates ----------------------------------------------------------------------------------------
const MONTHS = [
  'jan(?:uary)?', 'feb(?:ruary)?', 'mar(?:ch)?', 'apr(?:il)?', 'may', 'june?', 'july?', 'aug(?:ust)?', 'sep(?:t(?:ember)?)?', 'oct(?:ober)?', 'nov(?:ember)?', 'dec(?:ember)?',
  // French, Spanish, Portuguese, Italian, German, Polish, Romanian: dates typed as learnt
  'janvier', 'février', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'aout', 'septembre', 'octobre', 'novembre', 'décembre', 'decembre',
  'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre',
  'janeiro', 'fevereiro', 'março', 'marco', 'maio', 'junho', 'julho', 'setembro', 'outubro', 'dezembro',
  'gennaio', 'febbraio', 'aprile', 'maggio', 'giugno', 'luglio', 'settembre', 'ottobre', 'dicembre',
  'januar', 'februar', 'märz', 'juni', 'juli', 'oktober', 'dezember',
  'stycznia', 'styczeń', 'lutego', 'luty', 'marca', 'marzec', 'kwietnia', 'kwiecień', 'maja', 'maj', 'czerwca', 'czerwiec', 'lipca', 'lipiec', 'sierpnia', 'sierpień', 'września', 'wrzesień', 'października', 'październik', 'listopada', 'listopad', 'grudnia', 'grudzień',
  'ianuarie', 'februarie', 'martie', 'aprilie', 'iunie', 'iulie', 'septembrie', 'octombrie', 'noiembrie', 'decembrie',
].join('|');
const ORDINAL_WORDS =
  '(?:twenty|thirty)?[- ]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth';
const DAY = `(?:\\p{Nd}{1,2}(?:st|nd|rd|th)?|${ORDINAL_WORDS})`;
const MONTH = `(?:${MONTHS})\\.?`;
const WEEKDAY = '(?:(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?,?\\s+)?';
const YEAR = "(?:\\p{Nd}{4}|['’]\\p{Nd}{2}|\\p{Nd}{2})";
const DATES = [
  re(`${B}${WEEKDAY}(?:the\\s+)?${DAY}(?:\\s+of)?\\s+${MONTH}(?:,?\\s+${YEAR})?${E}`),
  re(`${B}${WEEKDAY}${MONTH}\\s+(?:the\\s+)?${DAY}(?:,?\\s+${YEAR})?${E}`),
  re(`${B}${MONTH}\\s+\\p{Nd}{4}${E}`),
  re(`${B}\\p{Nd}{4}\\s?[/.-]\\s?\\p{Nd}{1,2}\\s?[/.-]\\s?\\p{Nd}{1,2}${E}`),
  re(`${B}\\p{Nd}{1,2}\\s?[/.-]\\s?\\p{Nd}{1,2}\\s?[/.-]\\s?\\p{Nd}{2,4}${E}`),
];
// a day and month without a year ("25/12"), but not "24/7"
const DAY_MONTH = re(`${B}(\\p{Nd}{1,2})/(\\p{Nd}{1,2})(?![\\p{L}\\p{M}\\p{N}/])`);
const YEAR_ALONE = re(`${B}(?:(?:19|20)\\p{Nd}{2}|['’]\\p{Nd}{2})${E}`);

// --- postcodes ------------------------------------------------------------------------------------
const AREAS =
  'AB|AL|BA|BB|BD|BH|BL|BN|BR|BS|BT|CA|CB|CF|CH|CM|CO|CR|CT|CV|CW|DA|DD|DE|DG|DH|DL|DN|DT|DY|EC|EH|EN|EX|FK|FY|GL|GU|GY|HA|HD|HG|HP|HR|HS|HU|HX|IG|IM|IP|IV|JE|KA|KT|KW|KY|LA|LD|LE|LL|LN|LS|LU|ME|MK|ML|NE|NG|NN|NP|NR|NW|OL|OX|PA|PE|PH|PL|PO|PR|RG|RH|RM|SA|SE|SG|SK|SL|SM|SN|SO|SP|SR|SS|ST|SW|SY|TA|TD|TF|TN|TQ|TR|TS|TW|UB|WA|WC|WD|WF|WN|WR|WS|WV|YO|ZE|B|E|G|L|M|N|S|W';
const OUTWARD = `(?:${AREAS})[0-9][0-9A-Z]?`;
const POSTCODE_FULL = re(`${B}${OUTWARD}\\s*[0-9][ABD-HJLNP-UW-Z]{2}${E}`);
// an outward code alone ("IG11", "rm9"), perhaps with its sector ("RM10 8")
const POSTCODE_PART = re(`${B}(${OUTWARD})(?:\\s[0-9])?${E}`);
// "ig 11": two letters, a space, the district; not where the letters are a word ("me 2")
const POSTCODE_SPACED = re(`${B}(${AREAS.split('|').filter((a) => a.length === 2 && !['ME', 'SO', 'PA', 'HA', 'LA', 'DE', 'CO', 'ST', 'EX', 'PO', 'NO', 'AT', 'BE', 'IN', 'IT'].includes(a)).join('|')})\\s([0-9]{1,2})${E}`);
// statutory sections staff write like postcodes: section 17, 20, 47 of the Children Act
const NOT_POSTCODES = new Set(['s17', 's20', 's31', 's37', 's47']);

// --- addresses ------------------------------------------------------------------------------------
const STREET = 'road|rd|street|st|avenue|ave|lane|ln|close|drive|way|gardens|gdns|crescent|cres|place|terrace|square|mews|parade|grove|court|ct';
const BUILDING = 'house|court|lodge|tower|towers|mansions|point|heights|building|buildings|estate|hall';
const WORDS = "(?:[\\p{L}\\p{M}'’-]+\\s+){0,3}?";
const FLAT = '(?:flat|apartment|apt|unit|room)\\s*\\p{Nd}+[a-z]?';
const ADDRESSES = [
  // [flat 4,] [no] 27 becontree avenue
  re(`${B}(?:${FLAT}\\s*,?\\s*)?(?:(?:no\\.?|number)\\s*)?\\p{Nd}{1,4}[a-z]?\\s*,?\\s+(?:the\\s+)?${WORDS}(?:${STREET})\\.?${E}`),
  // flat 2, beaufort house
  re(`${B}${FLAT}\\s*,?\\s*${WORDS}(?:${BUILDING}|${STREET})${E}`),
  re(`${B}${FLAT}${E}`),
  // a street named with capitals and no number: Valence Avenue
  re(`${B}(?!The\\s)(?:\\p{Lu}[\\p{L}\\p{M}'’-]*\\s+){1,3}(?:Road|Rd|Street|Avenue|Ave|Lane|Close|Drive|Gardens|Crescent|Grove|Terrace|Mews|Parade|Estate)${E}`, 'gu'),
];

// --- numbers --------------------------------------------------------------------------------------
const SPOKEN_DIGITS: Record<string, number> = { zero: 1, oh: 1, o: 1, nought: 1, one: 1, two: 1, three: 1, four: 1, five: 1, six: 1, seven: 1, eight: 1, nine: 1 };
const UNIT = '(?:\\p{Nd}[\\p{Nd}oO]*|zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|double|triple|treble)';
const NUMBER_RUN = re(`(?:\\(\\s?)?${B}(?:\\+\\s?)?${UNIT}(?:[\\s.\\-/()_,:]{1,3}${UNIT}${E})*${E}`);

/** How many digits a run of digits and spoken digits stands for ("double oh" is two). */
function digitCount(run: string): number {
  let count = 0;
  let repeat = 1;
  for (const unit of run.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (unit === 'double' || unit === 'triple' || unit === 'treble') {
      repeat = unit === 'double' ? 2 : 3;
    } else if (SPOKEN_DIGITS[unit]) {
      count += repeat;
      repeat = 1;
    } else {
      count += unit.length;
      repeat = 1;
    }
  }
  return count;
}

export interface DetectOptions {
  /** whether a lower-case word (letters and digits) is one the guidance uses, such as "s47" */
  isPackWord(key: string): boolean;
  /** whether a link's path words are all known, so the path can be kept */
  isKnownWord(key: string): boolean;
}

/** Keeps a link's scheme, host and (when every word in it is known) path; never its query. */
function keptLink(url: string, known: (key: string) => boolean): string {
  const trailing = /[.,;:!?)]+$/.exec(url)?.[0] ?? '';
  const m = /^((?:https?:\/\/)?[^/?#]+)([^?#]*)/i.exec(url.slice(0, url.length - trailing.length));
  if (!m) return '[link]';
  const origin = m[1] ?? '';
  const path = m[2] ?? '';
  const words = path.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const pathKept = words.every((w) => /^\p{Nd}{1,4}$/u.test(w) || known(w));
  return `${origin}${pathKept ? path : '/[…]'}${trailing}`;
}

/**
 * Replaces every detail with a shape by a mark for its placeholder, and every link by a mark for
 * what is kept of it. The words left are for the caller to judge.
 */
export function maskDetails(text: string, opts: DetectOptions): Masked {
  const masked: Masked = { text, pieces: [] };
  const put = (pattern: RegExp, placeholder: string | ((match: string, groups: string[], before: string) => string | undefined)) => {
    masked.text = masked.text.replace(pattern, (match: string, ...rest: unknown[]) => {
      const at = rest.findIndex((r) => typeof r === 'number');
      const groups = rest.slice(0, at).map((g) => (typeof g === 'string' ? g : ''));
      const before = masked.text.slice(Math.max(0, (rest[at] as number) - 40), rest[at] as number);
      const piece = typeof placeholder === 'string' ? placeholder : placeholder(match, groups, before);
      return piece === undefined ? match : markFor(masked, piece);
    });
  };

  // placeholders already in the text (a row stored by an older redaction) stay as they are
  put(/\[(?:name|phone|email|postcode|address|date|year|number|NHS number|link|…)\]/gu, (m) => m);
  put(/(?:https?:\/\/|www\.)[^\s<>"']+/giu, (url) => keptLink(url, opts.isKnownWord));
  put(EMAIL_PLAIN, '[email]');
  put(EMAIL_WRITTEN, '[email]');
  put(EMAIL_PROVIDER, '[email]');
  for (const pattern of DATES) {
    put(pattern, (match, _groups, before) =>
      // "a 14 may need": a bare number and "may" is a date only where a date is expected
      /^(?:\p{Nd}{1,2}\s+may|may\s+\p{Nd}{1,2})$/iu.test(match) && !/(?:^|[^\p{L}])(?:on|born|dob|since|from|until|till|by|before|after|the)\s*$/iu.test(before) ? undefined : '[date]',
    );
  }
  put(DAY_MONTH, (match, [a, b]) => {
    const [x, y] = [Number(toAsciiDigits(a ?? '')), Number(toAsciiDigits(b ?? ''))];
    if (match === '24/7') return undefined;
    return x >= 1 && y >= 1 && ((x <= 31 && y <= 12) || (x <= 12 && y <= 31)) ? '[date]' : undefined;
  });
  put(POSTCODE_FULL, '[postcode]');
  for (const pattern of ADDRESSES) put(pattern, '[address]');
  put(NUMBER_RUN, (match, _groups, before) => {
    const n = digitCount(match);
    if (n < 5) return undefined;
    if (/nhs(?:\s+(?:no|number|num))?\.?\s*(?:is|:)?\s*$/i.test(before)) return '[NHS number]';
    return n >= 9 ? '[phone]' : '[number]';
  });
  put(YEAR_ALONE, '[year]');
  put(POSTCODE_PART, (match, [outward]) => {
    const key = match.toLowerCase().replace(/\s+/g, '');
    // a single-letter area in lower case ("b4", "m8") is text speak more often than a postcode
    if (/^[a-z][0-9]/.test(outward ?? '')) return undefined;
    return NOT_POSTCODES.has(key) || NOT_POSTCODES.has((outward ?? '').toLowerCase()) || opts.isPackWord(key) ? undefined : '[postcode]';
  });
  put(POSTCODE_SPACED, '[postcode]');
  return masked;
}

/** digits of any script as 0-9 (full-width ones are already folded by NFKC) */
export function toAsciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (ch) => {
    let cp = ch.codePointAt(0)!;
    let steps = 0;
    while (steps < 9 && /\p{Nd}/u.test(String.fromCodePoint(cp - 1))) {
      cp--;
      steps++;
    }
    return String(steps);
  });
}
