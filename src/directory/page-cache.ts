/**
 * Directory pages put together from pieces rendered once. Rendering with Nunjucks costs more than
 * searching, and most of a results page is the same from one search to the next: the layout around
 * it, the filter form (but for its counts and words), each result. So each piece is rendered once
 * with marks where the per-search or per-response values go, encoded to UTF-8 once and split at the
 * marks (a `Template`); a response is the pieces' bytes copied in order with the values between
 * them. Nothing is encoded twice and the heap holds no long strings, which is what kept garbage
 * collection busy when pages were put together as text.
 *
 * Finished pages are cached by address too (staff repeat the same searches, and links from the chat
 * bot and the council website name the same few), with marks left only for the value each response
 * has of its own: the CSRF token.
 */
import { randomUUID } from 'node:crypto';

// Every mark is one random base, a letter and, for numbered slots, a number and a full stop: a page
// is split by searching for the base alone. The base is only letters, digits and dashes, so the
// templates' escaping leaves it as it is, in text and in attributes alike.
const MARK_BASE = `m${randomUUID()}`;
export const CSRF_MARK = `${MARK_BASE}c`;
export const TITLE_MARK = `${MARK_BASE}t`;
export const BODY_MARK = `${MARK_BASE}b`;
/** numbered slots: the parts of a piece that change with the search (counts, words, results) */
export const slotMark = (n: number): string => `${MARK_BASE}s${n}.`;

/** per response: `csrf`; per search: the rest */
export type Mark = 'csrf' | 'title' | 'body';
const MARK_NAMES: Record<string, Mark> = { c: 'csrf', t: 'title', b: 'body' };

/** Rendered HTML, encoded, split at its marks: `parts[i]`, then what `marks[i]` names, then `parts[i + 1]`. */
export interface Template {
  parts: Buffer[];
  /** a named mark, or a slot's number */
  marks: Array<Mark | number>;
}

/** A finished page: marks for the CSRF token only. */
export interface CachedPage extends Template {
  marks: Array<'csrf'>;
}

/** Indentation dropped: the directory pages have no <pre> or <textarea>. */
export function stripIndentation(html: string): string {
  return html.replace(/\n[ \t]+/g, '\n');
}

/** Splits HTML rendered with marks into a template, dropping its indentation. */
export function compileTemplate(html: string): Template {
  const text = stripIndentation(html);
  const parts: Buffer[] = [];
  const marks: Template['marks'] = [];
  let from = 0;
  for (let at = text.indexOf(MARK_BASE); at !== -1; at = text.indexOf(MARK_BASE, from)) {
    const letter = text.charAt(at + MARK_BASE.length);
    parts.push(Buffer.from(text.slice(from, at), 'utf8'));
    if (letter === 's') {
      const end = text.indexOf('.', at + MARK_BASE.length + 1);
      marks.push(Number(text.slice(at + MARK_BASE.length + 1, end)));
      from = end + 1;
    } else {
      const mark = MARK_NAMES[letter];
      if (!mark) throw new Error(`unknown page mark "${letter}"`);
      marks.push(mark);
      from = at + MARK_BASE.length + 1;
    }
  }
  parts.push(Buffer.from(text.slice(from), 'utf8'));
  return { parts, marks };
}

/** A view made into the shape of a template, and what goes into its slots. */
export interface ViewShape {
  /** the view with each non-empty string replaced by a numbered slot */
  marked: unknown;
  /** the text for each slot in turn, from the first slot: escaped as the templates escape it */
  fills: string[];
  /** the view's shape: which strings were empty, every mark, boolean and number, every list's length */
  key: string;
}

/**
 * Replaces each non-empty string in a view by a numbered slot, from `firstSlot`; marks already in the
 * view stay. A template rendered once from `marked`, with `fills` put in its slots, is the page the
 * view itself renders to, so every view of one shape shares one rendering. That holds for templates
 * that only test a string for being empty and print it as it is: no filter that changes text, no
 * comparison of a string's value (give the view a boolean instead). Only plain objects, lists and
 * primitives are allowed.
 */
export function viewShape(view: unknown, firstSlot: number): ViewShape {
  const fills: string[] = [];
  let key = '';
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value === '') key += '"';
      else if (value.startsWith(MARK_BASE)) key += value;
      else {
        key += 's';
        fills.push(escapeHtml(value));
        return slotMark(firstSlot + fills.length - 1);
      }
      return value;
    }
    if (Array.isArray(value)) {
      key += '[';
      const out = value.map(walk);
      key += ']';
      return out;
    }
    if (value !== null && typeof value === 'object') {
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new Error('a view shape takes plain objects only');
      const out: Record<string, unknown> = {};
      const from = value as Record<string, unknown>;
      key += '{';
      for (const name of Object.keys(from)) {
        key += `${name}:`;
        out[name] = walk(from[name]);
        key += ',';
      }
      key += '}';
      return out;
    }
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') throw new Error(`a view shape cannot hold a ${typeof value}`);
    key += String(value);
    return value;
  };
  return { marked: walk(view), fills, key };
}

/** A template whose only marks are the CSRF token's, ready to cache and personalise. */
export function compilePage(html: string): CachedPage {
  const page = compileTemplate(html);
  for (const m of page.marks) if (m !== 'csrf') throw new Error(`a finished page still has a "${m}" mark`);
  return page as CachedPage;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '\\': '&#92;' };

/** HTML-escaped as the templates escape (Nunjucks autoescape) */
export function escapeHtml(text: string): string {
  return text.replace(/[&"'<>\\]/g, (c) => ESCAPES[c]!);
}

/** A template and what goes into each of its marks (the token aside) */
export interface Piece {
  template: Template;
  fill(mark: Mark | number): Fill;
}

/** What goes into a slot or named mark: HTML text (escape words first), bytes, another piece, or several in turn. */
export type Fill = string | Buffer | Piece | readonly Fill[];
// Array.isArray does not narrow a readonly array
const isList = (value: Fill): value is readonly Fill[] => Array.isArray(value);

/**
 * Puts a page together from templates: the bytes of each piece in order and each slot's value,
 * with marks kept for each response's CSRF token. The result is a response's bytes
 * (`toBuffer`, one copy) or a page to cache (`finish`).
 */
export class PageWriter {
  private readonly chunks: Buffer[] = [];
  /** the response marks, by the index in `chunks` they come before */
  private readonly marks: Array<{ at: number; mark: 'csrf' }> = [];

  write(value: Fill): this {
    if (typeof value === 'string') {
      if (value) this.chunks.push(Buffer.from(value, 'utf8'));
    } else if (Buffer.isBuffer(value)) {
      this.chunks.push(value);
    } else if (isList(value)) {
      for (const v of value) this.write(v);
    } else {
      const { template, fill } = value;
      const { parts, marks } = template;
      for (let i = 0; i < marks.length; i++) {
        this.chunks.push(parts[i]!);
        const mark = marks[i]!;
        if (mark === 'csrf') this.marks.push({ at: this.chunks.length, mark });
        else this.write(fill(mark));
      }
      this.chunks.push(parts[parts.length - 1]!);
    }
    return this;
  }

  /** The response: the page with this response's token, copied once. */
  toBuffer(csrfToken: string): Buffer {
    const token = Buffer.from(csrfToken, 'utf8');
    const out: Buffer[] = [];
    let from = 0;
    for (const { at } of this.marks) {
      for (let i = from; i < at; i++) out.push(this.chunks[i]!);
      out.push(token);
      from = at;
    }
    for (let i = from; i < this.chunks.length; i++) out.push(this.chunks[i]!);
    return Buffer.concat(out);
  }

  /** The page to keep: its bytes copied once, each part a view of them between the token marks. */
  finish(): CachedPage {
    const bytes = Buffer.concat(this.chunks);
    const parts: Buffer[] = [];
    let chunk = 0;
    let offset = 0;
    let from = 0;
    for (const { at } of this.marks) {
      for (; chunk < at; chunk++) offset += this.chunks[chunk]!.length;
      parts.push(bytes.subarray(from, offset));
      from = offset;
    }
    parts.push(bytes.subarray(from));
    return { parts, marks: this.marks.map((m) => m.mark) };
  }
}

const numbers: Buffer[] = [];
/** A count as bytes: the same few numbers fill every form, so each is encoded once. */
export function numberBytes(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n >= 100_000) return Buffer.from(String(n), 'latin1');
  return (numbers[n] ??= Buffer.from(String(n), 'latin1'));
}

/** The page for one response, with its CSRF token: one copy of the page's bytes. */
export function personalise(page: CachedPage, csrfToken: string): Buffer {
  const token = Buffer.from(csrfToken, 'utf8');
  const chunks: Buffer[] = [page.parts[0]!];
  for (let i = 0; i < page.marks.length; i++) chunks.push(token, page.parts[i + 1]!);
  return Buffer.concat(chunks);
}
