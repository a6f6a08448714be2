/**
 * A small cache of rendered landscape pages. Staff repeat the same searches and filters (and links
 * from the chat bot and the council website name the same few), and rendering the page costs more
 * than searching. Each entry is the page rendered with placeholders for the two per-request values,
 * the CSP nonce and the CSRF token, kept as ready-encoded byte segments: a response is one copy of
 * those segments with the values in between, with no re-rendering and no re-encoding.
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
const MARK_NAMES: Record<string, Mark> = { n: 'nonce', c: 'csrf', t: 'title', b: 'body' };

/** per response: the CSP nonce and CSRF token; per search (frames only): the page title's words and the content */
type Mark = 'nonce' | 'csrf' | 'title' | 'body';

export interface CachedPage {
  /** text between the marks, encoded once */
  parts: Buffer[];
  /** which value goes after each part but the last */
  marks: Mark[];
}

/** Splits a page rendered with the marks into its cached form, dropping indentation (the page has no <pre> or <textarea>). */
export function preparePage(html: string): CachedPage {
  const text = html.replace(/\n[ \t]+/g, '\n');
  const parts: Buffer[] = [];
  const marks: CachedPage['marks'] = [];
  let from = 0;
  for (let at = text.indexOf(MARK_BASE); at !== -1; at = text.indexOf(MARK_BASE, from)) {
    const mark = MARK_NAMES[text.charAt(at + MARK_BASE.length)];
    if (!mark) break;
    parts.push(Buffer.from(text.slice(from, at), 'utf8'));
    marks.push(mark);
    from = at + MARK_BASE.length + 1;
  }
  parts.push(Buffer.from(text.slice(from), 'utf8'));
  return { parts, marks };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '\\': '&#92;' };

/** HTML-escaped as the templates escape (Nunjucks autoescape) */
export function escapeHtml(text: string): string {
  return text.replace(/[&"'<>\\]/g, (c) => ESCAPES[c]!);
}

/** A frame with its title words (escaped here) and its content in place: a page ready for `personalise`. */
export function fillFrame(frame: CachedPage, title: string, body: CachedPage): CachedPage {
  const parts: Buffer[] = [];
  const marks: CachedPage['marks'] = [];
  let pending: Buffer[] = [frame.parts[0]!];
  const flush = (mark: Mark) => {
    parts.push(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
    marks.push(mark);
    pending = [];
  };
  frame.marks.forEach((mark, i) => {
    if (mark === 'title') pending.push(Buffer.from(escapeHtml(title), 'utf8'));
    else if (mark === 'body') {
      pending.push(body.parts[0]!);
      body.marks.forEach((m, j) => {
        flush(m);
        pending.push(body.parts[j + 1]!);
      });
    } else flush(mark);
    pending.push(frame.parts[i + 1]!);
  });
  parts.push(Buffer.concat(pending));
  return { parts, marks };
}

/** The page for one response, with this request's nonce and CSRF token. */
export function personalise(page: CachedPage, nonce: string | undefined, csrfToken: string): Buffer {
  const values = { nonce: Buffer.from(nonce ?? '', 'utf8'), csrf: Buffer.from(csrfToken, 'utf8'), title: Buffer.alloc(0), body: Buffer.alloc(0) };
  const chunks: Buffer[] = [];
  page.parts.forEach((part, i) => {
    chunks.push(part);
    const mark = page.marks[i];
    if (mark) chunks.push(values[mark]);
  });
  return Buffer.concat(chunks);
}

export class PageCache {
  private readonly pages = new Map<string, CachedPage>();

  constructor(private readonly maxEntries = 300) {}

  get(key: string): CachedPage | undefined {
    const page = this.pages.get(key);
    if (page !== undefined) {
      // keep recently used pages longest
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  set(key: string, page: CachedPage): void {
    this.pages.set(key, page);
    if (this.pages.size > this.maxEntries) this.pages.delete(this.pages.keys().next().value!);
  }
}
