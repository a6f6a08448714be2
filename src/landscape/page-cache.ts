/**
 * A small cache of rendered landscape pages. Staff repeat the same searches and filters (and links
 * from the chat bot and the council website name the same few), and rendering the page costs more
 * than searching. Each entry is the page rendered with placeholders for the two per-request values,
 * the CSP nonce and the CSRF token, kept as ready-encoded byte segments: a response is one copy of
 * those segments with the values in between, with no re-rendering and no re-encoding.
 */
import { randomUUID } from 'node:crypto';

export const NONCE_MARK = `nonce-${randomUUID()}`;
export const CSRF_MARK = `csrf-${randomUUID()}`;
const MARKS = new RegExp(`(${NONCE_MARK}|${CSRF_MARK})`);

export interface CachedPage {
  /** text between the marks, encoded once */
  parts: Buffer[];
  /** which value goes after each part but the last */
  marks: Array<'nonce' | 'csrf'>;
}

/** Splits a page rendered with the marks into its cached form, dropping indentation (the page has no <pre> or <textarea>). */
export function preparePage(html: string): CachedPage {
  const pieces = html.replace(/\n[ \t]+/g, '\n').split(MARKS);
  const parts: Buffer[] = [];
  const marks: CachedPage['marks'] = [];
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) parts.push(Buffer.from(piece, 'utf8'));
    else marks.push(piece === NONCE_MARK ? 'nonce' : 'csrf');
  });
  return { parts, marks };
}

/** The page for one response, with this request's nonce and CSRF token. */
export function personalise(page: CachedPage, nonce: string | undefined, csrfToken: string): Buffer {
  const values = { nonce: Buffer.from(nonce ?? '', 'utf8'), csrf: Buffer.from(csrfToken, 'utf8') };
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
