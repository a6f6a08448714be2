/**
 * The shortlist: services a member of staff wants to keep to hand, kept in their own browser as a
 * cookie of slugs (no names, nothing about a child). It is validated on every read: anything that is
 * not the slug of a published service is dropped, so a tampered cookie shows nothing unexpected.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SLUG_PATTERN } from '../content/schema.js';
import type { ServiceIndex } from './search.js';

export const SHORTLIST_COOKIE = 'shortlist';
export const SHORTLIST_MAX = 30;

/** Parses a cookie value into the slugs of services that exist, in the order added, without repeats. */
export function parseShortlist(value: string | undefined, index: Pick<ServiceIndex, 'service'>): string[] {
  if (!value || value.length > 4096) return [];
  const out: string[] = [];
  for (const part of value.split('.')) {
    if (out.length >= SHORTLIST_MAX) break;
    if (part.length <= 100 && SLUG_PATTERN.test(part) && index.service(part) && !out.includes(part)) out.push(part);
  }
  return out;
}

export function readShortlist(request: FastifyRequest, index: Pick<ServiceIndex, 'service'>): string[] {
  return parseShortlist(request.cookies[SHORTLIST_COOKIE], index);
}

/** `secure`: production, where every cookie is Secure (not whatever scheme this request reports) */
export function writeShortlist(reply: FastifyReply, slugs: string[], secure: boolean): void {
  if (slugs.length === 0) {
    reply.clearCookie(SHORTLIST_COOKIE, { path: '/services' });
    return;
  }
  reply.setCookie(SHORTLIST_COOKIE, slugs.slice(0, SHORTLIST_MAX).join('.'), {
    path: '/services',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: 60 * 60 * 24 * 90,
  });
}

/** What a shortlist form asks for. */
export type ShortlistChange = { action: 'add' | 'remove'; slug: string } | { action: 'clear' };

/**
 * Reads a shortlist form: a button named `add` or `remove` whose value is the service's slug (one
 * form holds a button for every result), or `action=clear`. The older `action` with a `slug` field
 * still works, for pages loaded before an upgrade. Anything else, or a form that asks for two things
 * at once, is undefined: the route answers it with a 400 and changes nothing.
 */
export function shortlistChange(body: Record<string, unknown>): ShortlistChange | undefined {
  const asked = (['add', 'remove'] as const).filter((a) => body[a] !== undefined);
  const action = body['action'];
  if (asked.length + (action === undefined ? 0 : 1) !== 1) return undefined;
  if (action === 'clear') return { action };
  const [kind, slug] = asked.length ? [asked[0]!, body[asked[0]!]] : [action, body['slug']];
  if ((kind !== 'add' && kind !== 'remove') || typeof slug !== 'string' || slug.length > 100 || !SLUG_PATTERN.test(slug)) return undefined;
  return { action: kind, slug };
}

/** Where to go back to after a no-JS shortlist form: only our own service pages, never another site. */
export function safeReturnTo(value: unknown, fallback = '/services/shortlist'): string {
  // our own addresses are percent-encoded ASCII: anything else (spaces, controls, other scripts) is
  // not one of them, and could not go in a Location header
  if (typeof value !== 'string' || value.length > 2000 || !/^[\x21-\x7e]+$/.test(value)) return fallback;
  if (!/^\/services(?:[/?]|$)/.test(value) || value.includes('//') || value.includes('\\')) return fallback;
  return value;
}
