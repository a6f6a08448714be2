/**
 * The security set-up as a security tester would try it: headers on every kind of answer, pages
 * with a form token never cached, cookies as production needs them, forwarded headers believed only
 * from a configured proxy, and a malformed address answered by the site's own page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withinOneWindow } from '../../test/helpers/clock.js';
import { buildTestApp, csrfFrom, type TestApp } from '../../test/helpers/app.js';
import { csrfCookieName, inlineScriptHash, PERMISSIONS_POLICY } from './security.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const cookiesOf = (setCookie: string | string[] | undefined) => (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []);
const slug = () => t.published.pack.services[0]!.slug;

/** Opens the directory and adds a service to the shortlist with its form, as a user does. */
async function addToShortlist(app: TestApp['app'], headers: Record<string, string> = {}) {
  const page = await app.inject('/services');
  const { token, cookie } = csrfFrom(page.body, page.headers['set-cookie']);
  const added = await app.inject({
    method: 'POST',
    url: '/services/shortlist',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({ _csrf: token, add: slug() }).toString(),
  });
  return { page, cookie, added };
}

describe('Cache-Control: no-store', () => {
  it('on every page with a form token or typed text', async () => {
    for (const url of ['/ask', '/services', '/services?q=jayden', `/services/${slug()}`, `/services/${slug()}/report`, '/services/shortlist']) {
      const r = await t.app.inject(url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['cache-control'], url).toBe('no-store');
    }
    // a kept page (the second request for the same address) too
    await t.app.inject('/services?need=housing');
    expect((await t.app.inject('/services?need=housing')).headers['cache-control']).toBe('no-store');
    // and the answer to a posted question
    const page = await t.app.inject('/ask');
    const { token, cookie } = csrfFrom(page.body, page.headers['set-cookie']);
    const posted = await t.app.inject({ method: 'POST', url: '/ask', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: token, message: 'whats kooth' }).toString() });
    expect(posted.headers['cache-control']).toBe('no-store');
  });
});

describe('Permissions-Policy', () => {
  it('on pages, errors, assets and the API', async () => {
    for (const url of ['/', '/no-such-page', '/public/app.css', '/api/v1/', '/api/v1/nothing']) {
      expect((await t.app.inject(url)).headers['permissions-policy'], url).toBe(PERMISSIONS_POLICY);
    }
    expect(PERMISSIONS_POLICY).toContain('camera=()');
    expect(PERMISSIONS_POLICY).toContain('geolocation=()');
  });
});

describe('a malformed address', () => {
  it('gets the site’s own page with its headers, not Fastify’s JSON', async () => {
    for (const url of ['/services/%ZZ', '/services/%C0%AF/card', '/%']) {
      const r = await t.app.inject(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.headers['content-type'], url).toMatch(/^text\/html/);
      expect(r.body).toContain('There is a problem with that link');
      expect(r.body).toContain('govuk-template__header');
      expect(r.headers['content-security-policy']).toContain(`script-src 'self' ${inlineScriptHash()}`);
      expect(r.body).toContain('<script>document.body.className');
      expect(r.headers['permissions-policy']).toBe(PERMISSIONS_POLICY);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.body).not.toContain('FST_ERR');
    }
  });

  it('under the API, JSON with the same headers', async () => {
    const r = await t.app.inject('/api/v1/services/%ZZ');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(r.headers['permissions-policy']).toBe(PERMISSIONS_POLICY);
    expect(r.headers['content-security-policy']).toBeDefined();
  });

  it('and an address part too long to route gets the not-found page', async () => {
    const r = await t.app.inject(`/services/${'a'.repeat(300)}`);
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['permissions-policy']).toBe(PERMISSIONS_POLICY);
  });
});

describe('cookies', () => {
  it('locally over http: the CSRF cookie has no __Host- prefix and no Secure, so forms work', async () => {
    const r = await t.app.inject('/ask');
    const csrf = cookiesOf(r.headers['set-cookie']).find((c) => c.startsWith(`${csrfCookieName(false)}=`));
    expect(csrf).toBeDefined();
    expect(csrf).not.toMatch(/;\s*Secure/i);
  });

  it('in production: Secure, and the CSRF cookie __Host- prefixed (path /, no domain); a form still posts', async () => {
    const prod = await buildTestApp({ secure: true });
    // the shortlist cookie is Secure because this is production, whatever scheme the request reports
    const { page, added } = await addToShortlist(prod.app);
    const csrf = cookiesOf(page.headers['set-cookie']).find((c) => c.startsWith('__Host-csrf='));
    expect(csrf).toMatch(/;\s*Secure/i);
    expect(csrf).toMatch(/;\s*Path=\/(;|$)/i);
    expect(csrf).not.toMatch(/Domain=/i);
    expect(added.statusCode).toBe(303);
    expect(cookiesOf(added.headers['set-cookie']).find((c) => c.startsWith('shortlist='))).toMatch(/;\s*Secure/i);
    expect(page.headers['strict-transport-security']).toBeDefined();
    await prod.close();
  });

  it('in development the shortlist cookie is not Secure, whatever a client says the scheme was', async () => {
    const { added } = await addToShortlist(t.app, { 'x-forwarded-proto': 'https' });
    expect(cookiesOf(added.headers['set-cookie']).find((c) => c.startsWith('shortlist='))).not.toMatch(/Secure/i);
  });
});

describe('forwarded headers', () => {
  it('never change the absolute links the site serves: PUBLIC_URL, or the request’s own host', async () => {
    const forged = { host: 'guidance.local:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    expect((await t.app.inject({ url: '/api/v1/', headers: forged })).json().openapi_url).toBe('http://guidance.local:3000/api/v1/openapi.json');
    const pub = await buildTestApp({ publicUrl: 'https://guidance.example.gov.uk' });
    expect((await pub.app.inject({ url: '/api/v1/', headers: forged })).json().openapi_url).toBe('https://guidance.example.gov.uk/api/v1/openapi.json');
    // the shortlist's text to paste links to the cards at the same place
    const { cookie, added } = await addToShortlist(pub.app);
    const withList = [cookie, ...cookiesOf(added.headers['set-cookie']).map((c) => c.split(';')[0])].join('; ');
    const list = await pub.app.inject({ url: '/services/shortlist', headers: { ...forged, cookie: withList } });
    expect(list.body).toContain(`https://guidance.example.gov.uk/services/${slug()}/card`);
    expect(list.body).not.toContain('evil.example');
    await pub.close();
  });

  it('do not reset the report rate limit', async () => {
    await withinOneWindow(async () => {
      const own = await buildTestApp();
      const page = await own.app.inject(`/services/${slug()}/report`);
      const { token, cookie } = csrfFrom(page.body, page.headers['set-cookie']);
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await own.app.inject({
          method: 'POST',
          url: `/services/${slug()}/report`,
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${i}` },
          payload: new URLSearchParams({ _csrf: token, reason: 'closed' }).toString(),
        });
        codes.push(r.statusCode);
      }
      expect(codes.slice(0, 10).every((c) => c === 303)).toBe(true);
      expect(codes[10]).toBe(429);
      await own.close();
    });
  });
});
