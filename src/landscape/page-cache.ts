/**
 * A small cache of rendered landscape pages. Staff repeat the same searches and filters (and links
 * from the chat bot and the council website name the same few), and rendering the page costs more
 * than searching. Each entry is the page rendered with placeholders for the two per-request values,
 * the CSP nonce and the CSRF token, kept as the text between them: a response is those texts joined
 * with the values in between, with no re-rendering. (Text, not pre-encoded bytes: V8 joins strings
 * without copying and the socket encodes the page once; building Buffers cost more for a page seen
 * once than encoding saves for a page seen again.)
 *
 * A page the cache does not hold is put together the same way: its frame (the layout around the
 * content, the same for every search) is rendered once per pack with marks for the title and the
 * content, so a search renders only its own content.
 */
import { randomUUID } from 'node:crypto';

// Each mark is one random base and a letter, so a page is split by searching for the base alone.
const MARK_BASE = `m${randomUUID()}`;
export const NONCE_MARK = `${MARK_BASE}n`;
export const CSRF_MARK = `${MARK_BASE}c`;
export const TITLE_MARK = `${MARK_BASE}t`;
export const BODY_MARK = `${MARK_BASE}b`;
/** where a cached result's returnTo goes: replaced before the page is split at the other marks */
export const RETURN_MARK = `${MARK_BASE}r`;
const MARK_NAMES: Record<string, Mark> = { n: 'nonce', c: 'csrf', t: 'title', b: 'body' };

/** per response: the CSP nonce and CSRF token; per search (frames only): the page title's words and the content */
type Mark = 'nonce' | 'csrf' | 'title' | 'body';

export interface CachedPage {
  /** text between the marks */
  parts: string[];
  /** the same, encoded once the page is served a second time (see `personaliseBytes`) */
  bytes?: Buffer[];
  /** which value goes after each part but the last */
  marks: Mark[];
}

/** Indentation dropped: the landscape pages have no <pre> or <textarea>. */
export function stripIndentation(html: string): string {
  return html.replace(/\n[ \t]+/g, '\n');
}

/** Splits a page rendered with the marks into its cached form, dropping indentation unless the caller already has. */
export function preparePage(html: string, stripped = false): CachedPage {
  const text = stripped ? html : stripIndentation(html);
  const parts: string[] = [];
  const marks: CachedPage['marks'] = [];
  let from = 0;
  for (let at = text.indexOf(MARK_BASE); at !== -1; at = text.indexOf(MARK_BASE, from)) {
    const mark = MARK_NAMES[text.charAt(at + MARK_BASE.length)];
    if (!mark) break;
    parts.push(text.slice(from, at));
    marks.push(mark);
    from = at + MARK_BASE.length + 1;
  }
  parts.push(text.slice(from));
  return { parts, marks };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '\\': '&#92;' };

/** HTML-escaped as the templates escape (Nunjucks autoescape) */
export function escapeHtml(text: string): string {
  return text.replace(/[&"'<>\\]/g, (c) => ESCAPES[c]!);
}

/** A frame with its title words (escaped here) and its content in place: a page ready for `personalise`. */
export function fillFrame(frame: CachedPage, title: string, body: CachedPage): CachedPage {
  const parts: string[] = [];
  const marks: CachedPage['marks'] = [];
  let pending = frame.parts[0]!;
  const flush = (mark: Mark) => {
    parts.push(pending);
    marks.push(mark);
    pending = '';
  };
  frame.marks.forEach((mark, i) => {
    if (mark === 'title') pending += escapeHtml(title);
    else if (mark === 'body') {
      pending += body.parts[0]!;
      body.marks.forEach((m, j) => {
        flush(m);
        pending += body.parts[j + 1]!;
      });
    } else flush(mark);
    pending += frame.parts[i + 1]!;
  });
  parts.push(pending);
  return { parts, marks };
}

/** The page for one response, with this request's nonce and CSRF token, as text: for a page just put together. */
export function personalise(page: CachedPage, nonce: string | undefined, csrfToken: string): string {
  const values = { nonce: nonce ?? '', csrf: csrfToken, title: '', body: '' };
  let out = page.parts[0]!;
  for (let i = 0; i < page.marks.length; i++) out += values[page.marks[i]!] + page.parts[i + 1]!;
  return out;
}

/**
 * The same as bytes, for a page served from the cache: its text is encoded on its second use and the
 * bytes kept, so a popular page is one copy of ready-encoded segments per response.
 */
export function personaliseBytes(page: CachedPage, nonce: string | undefined, csrfToken: string): Buffer {
  const bytes = (page.bytes ??= page.parts.map((p) => Buffer.from(p, 'utf8')));
  const values = { nonce: Buffer.from(nonce ?? '', 'utf8'), csrf: Buffer.from(csrfToken, 'utf8'), title: Buffer.alloc(0), body: Buffer.alloc(0) };
  const chunks: Buffer[] = [bytes[0]!];
  for (let i = 0; i < page.marks.length; i++) chunks.push(values[page.marks[i]!], bytes[i + 1]!);
  return Buffer.concat(chunks);
}

// Slots: numbered marks for the parts of a search's content that change with the search (counts,
// the search words, the results), so the rest is rendered once and reused. `<base>s<number>.`
const SLOT_BASE = `${MARK_BASE}s`;
export const slotMark = (n: number): string => `${SLOT_BASE}${n}.`;

/** Text with numbered slots, split once: filling it is one join. Other marks (nonce, CSRF) stay in the text. */
export interface SlottedText {
  parts: string[];
  /** the slot number after each part but the last */
  slots: number[];
}

/** Splits rendered text at its slot marks (indentation dropped). */
export function prepareSlots(html: string): SlottedText {
  const text = stripIndentation(html);
  const parts: string[] = [];
  const slots: number[] = [];
  let from = 0;
  for (let at = text.indexOf(SLOT_BASE); at !== -1; at = text.indexOf(SLOT_BASE, from)) {
    const end = text.indexOf('.', at + SLOT_BASE.length);
    parts.push(text.slice(from, at));
    slots.push(Number(text.slice(at + SLOT_BASE.length, end)));
    from = end + 1;
  }
  parts.push(text.slice(from));
  return { parts, slots };
}

/** The text with each slot's value (already HTML: escape words before passing them). */
export function fillSlots(text: SlottedText, values: readonly string[]): string {
  let out = text.parts[0]!;
  for (let i = 0; i < text.slots.length; i++) out += values[text.slots[i]!]! + text.parts[i + 1]!;
  return out;
}

/**
 * A bounded cache of pages and the pieces they are made of, kept in two generations: entries used
 * since the older generation began survive, the rest are dropped together. Close to least recently
 * used, without reordering a large map on every hit.
 */
export class PageCache<T = CachedPage> {
  private current = new Map<string, T>();
  private previous = new Map<string, T>();

  constructor(private readonly maxEntries = 300) {}

  get(key: string): T | undefined {
    const page = this.current.get(key);
    if (page !== undefined) return page;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, page: T): void {
    this.current.set(key, page);
    if (this.current.size >= Math.ceil(this.maxEntries / 2)) {
      this.previous = this.current;
      this.current = new Map();
    }
  }
}
