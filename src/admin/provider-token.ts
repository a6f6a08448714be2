/**
 * The token of a provider check link: `pc1.<link id>.<service slug>.<expiry>.<nonce>.<signature>`.
 * The signature is an HMAC-SHA256 (cut to 128 bits) over every other part, keyed by a key of its own
 * derived from the configured secret, so a token made for one service, one link, one expiry and one
 * purpose cannot be changed into another. The first part names the purpose ("provider check",
 * version 1): a token signed for any other purpose is refused. The store's row of the link (by its id,
 * with the same service, expiry and nonce) decides the rest: whether it was used or cancelled. Pure.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SLUG_PATTERN } from '../content/schema.js';

export const PROVIDER_CHECK_PURPOSE = 'pc1';

export interface LinkClaims {
  purpose: string;
  /** the link's row */
  linkId: number;
  /** the service it is for */
  slug: string;
  /** when it stops working, in seconds since 1970 */
  expiresAt: number;
  /** random, kept in the link's row: a token of a deleted and re-made row id never matches */
  nonce: string;
}

/** why a token was refused: the page it gets depends on it (400 for the first three, 410 when expired) */
export type TokenRefusal = 'malformed' | 'bad-signature' | 'wrong-purpose' | 'expired';
export type TokenCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: TokenRefusal };

/** The signing key: a key of its own, derived from the secret, so that no other signature made with the secret is a link's. */
export function linkKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('interactive-service-guidance provider-check link key v1').digest();
}

const NONCE = /^[A-Za-z0-9_-]{16}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{22}$/;

const sign = (key: Buffer, parts: string[]) => createHmac('sha256', key).update(parts.join('.')).digest().subarray(0, 16).toString('base64url');

/** The token for these claims. */
export function signLink(key: Buffer, claims: LinkClaims): string {
  const parts = [claims.purpose, String(claims.linkId), claims.slug, String(claims.expiresAt), claims.nonce];
  return `${parts.join('.')}.${sign(key, parts)}`;
}

/**
 * Reads a token: its shape, then its signature (compared in constant time), then its purpose, then
 * its expiry against `nowMs`. Nothing from a token is trusted before its signature is checked.
 */
export function verifyLink(key: Buffer, token: unknown, nowMs: number): TokenCheck {
  if (typeof token !== 'string' || token.length > 200) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 6) return { ok: false, reason: 'malformed' };
  const [purpose, id, slug, expires, nonce, signature] = parts as [string, string, string, string, string, string];
  if (!/^[a-z0-9]{1,10}$/.test(purpose) || !/^[1-9]\d{0,8}$/.test(id) || !SLUG_PATTERN.test(slug) || slug.length > 100 || !/^[1-9]\d{0,11}$/.test(expires) || !NONCE.test(nonce) || !SIGNATURE.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = Buffer.from(sign(key, parts.slice(0, 5)));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
  if (purpose !== PROVIDER_CHECK_PURPOSE) return { ok: false, reason: 'wrong-purpose' };
  const claims: LinkClaims = { purpose, linkId: Number(id), slug, expiresAt: Number(expires), nonce };
  if (claims.expiresAt * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
