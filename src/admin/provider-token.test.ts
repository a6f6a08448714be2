/**
 * The provider check link's token: it is accepted only as it was signed, for its purpose, before its
 * expiry; a change to any one of its parts, a token signed with another key, and anything that is not
 * a token are refused, each for its reason.
 */
import { describe, expect, it } from 'vitest';
import { linkKey, PROVIDER_CHECK_PURPOSE, signLink, verifyLink, type LinkClaims } from './provider-token.js';

const key = linkKey('a-session-secret-of-at-least-32-characters');
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const claims: LinkClaims = { purpose: PROVIDER_CHECK_PURPOSE, linkId: 42, slug: 'family-support-line', expiresAt: NOW / 1000 + 14 * 86400, nonce: 'AbCdEfGhIjKlMnOp' };
const token = signLink(key, claims);

/** the token with part `i` replaced */
const withPart = (t: string, i: number, value: string) => t.split('.').map((p, j) => (j === i ? value : p)).join('.');

describe('a provider check token', () => {
  it('is accepted as signed, with its claims, until it expires', () => {
    expect(token.split('.')).toHaveLength(6);
    expect(token.length).toBeLessThan(200);
    expect(verifyLink(key, token, NOW)).toEqual({ ok: true, claims });
    expect(verifyLink(key, token, claims.expiresAt * 1000 - 1)).toEqual({ ok: true, claims });
  });

  it('is refused as expired from its expiry on', () => {
    expect(verifyLink(key, token, claims.expiresAt * 1000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyLink(key, token, claims.expiresAt * 1000 + 86_400_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('is refused when any one part is changed: purpose, link, service, expiry, nonce or signature', () => {
    const changes: Array<[number, string]> = [
      [0, 'pc2'],
      [1, '43'],
      [2, 'another-service'],
      [3, String(claims.expiresAt + 86400 * 365)],
      [4, 'AbCdEfGhIjKlMnOq'],
      [5, `${token.split('.')[5]!.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`],
    ];
    for (const [i, value] of changes) {
      const tampered = withPart(token, i, value);
      expect(tampered, `part ${i}`).not.toBe(token);
      expect(verifyLink(key, tampered, NOW), `part ${i}`).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('is refused when signed with another key (another secret)', () => {
    const other = signLink(linkKey('another-secret-of-at-least-32-characters!'), claims);
    expect(verifyLink(key, other, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('is refused when signed for another purpose, even with the right key', () => {
    const other = signLink(key, { ...claims, purpose: 'reset' });
    expect(verifyLink(key, other, NOW)).toEqual({ ok: false, reason: 'wrong-purpose' });
  });

  it('signs with a key of its own, not the secret itself', () => {
    const signedWithSecret = signLink(Buffer.from('a-session-secret-of-at-least-32-characters'), claims);
    expect(verifyLink(key, signedWithSecret, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('is refused as malformed when cut short, lengthened, or not a token at all', () => {
    const parts = token.split('.');
    const bad: unknown[] = [
      '',
      token.slice(0, -1),
      `${token}.x`,
      parts.slice(0, 5).join('.'),
      withPart(token, 1, '0'),
      withPart(token, 1, '-1'),
      withPart(token, 1, 'x'),
      withPart(token, 2, 'Not_A_Slug'),
      withPart(token, 3, '1e12'),
      withPart(token, 4, 'short'),
      withPart(token, 5, '%00%00'),
      'x'.repeat(500),
      undefined,
      42,
      ['array'],
    ];
    for (const t of bad) expect(verifyLink(key, t, NOW), String(t)).toEqual({ ok: false, reason: 'malformed' });
  });
});
