/**
 * CSRF tokens: a new token on every page, every token ever issued stays valid with the browser's
 * secret, and a forged secret cookie is replaced, never trusted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfCookieName } from '../../src/web/security.js';
import { buildTestApp, csrfFrom, type TestApp } from '../helpers/app.js';

const CSRF_COOKIE = csrfCookieName(false);
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

const page = (cookie?: string) => t.app.inject({ url: '/services', headers: cookie ? { cookie } : {} });
const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
const secretCookieOf = (setCookie: string | string[] | undefined) =>
  (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${CSRF_COOKIE}=`));
/** a form post that needs a valid token: clearing the shortlist, answered in JSON */
const post = (cookie: string, token: string) =>
  t.app.inject({
    method: 'POST',
    url: '/services/shortlist',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-requested-with': 'fetch' },
    payload: new URLSearchParams({ _csrf: token, action: 'clear' }).toString(),
  });

describe('CSRF tokens', () => {
  it('are new on every page, and every one issued is accepted', async () => {
    const first = await page();
    const { token, cookie } = csrfFrom(first.body, first.headers['set-cookie']);
    const seen = [token];
    for (let i = 0; i < 20; i++) {
      const r = await page(cookie);
      expect(secretCookieOf(r.headers['set-cookie'])).toBeUndefined();
      seen.push(tokenOf(r.body)!);
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const s of seen) expect((await post(cookie, s)).statusCode).toBe(200);
    expect((await post(cookie, `${token}x`)).statusCode).toBe(403);
  });

  it('are never shared between browsers', async () => {
    const a = await page();
    const b = await page();
    const ca = csrfFrom(a.body, a.headers['set-cookie']);
    const cb = csrfFrom(b.body, b.headers['set-cookie']);
    expect(tokenOf((await page(ca.cookie)).body)).not.toBe(tokenOf((await page(cb.cookie)).body));
    expect((await post(ca.cookie, cb.token)).statusCode).toBe(403);
  });

  it('are never kept for a forged secret cookie: each page replaces it with a new signed secret', async () => {
    const forged = `${CSRF_COOKIE}=attacker-chosen.bad-signature`;
    const issued: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await page(forged);
      const fresh = secretCookieOf(r.headers['set-cookie']);
      expect(fresh).toBeDefined();
      expect(fresh).not.toBe(forged);
      const token = tokenOf(r.body)!;
      issued.push(token);
      // the token belongs to the new secret, not to the forged one
      expect((await post(fresh!, token)).statusCode).toBe(200);
      expect((await post(forged, token)).statusCode).toBe(403);
    }
    expect(new Set(issued).size).toBe(3);
  });
});
