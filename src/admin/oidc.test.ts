/**
 * Sign-in with the council's accounts against a real OpenID provider (oidc-provider) on a random
 * local port: the whole redirect flow as a browser makes it (fetch, following redirects by hand and
 * keeping each site's cookies), the provider's own login and consent pages included.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, CookieJar, tokenIn } from '../../test/helpers/admin.js';
import { startTestServer, type TestApp } from '../../test/helpers/app.js';
import { AuditLog } from './audit.js';
import { PENDING_COOKIE, SESSION_COOKIE } from './routes.js';
import { UserRepository } from './users.js';

const DOMAIN = 'council.example';
const CLIENT = { id: 'guidance', secret: 'a-client-secret-for-the-tests-only-0123456789' };

let idp: Server;
let issuer: string;
let app: TestApp & { baseUrl: string };

beforeAll(async () => {
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  app = await startTestServer({ admin: { oidc: { issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, allowedDomain: DOMAIN } } });
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [`${app.baseUrl}/admin/sign-in/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    // the login name typed on the provider's page is the account's email
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, email: id, email_verified: true }) }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: true } },
    pkce: { methods: ['S256'], required: () => true },
    jwks: { keys: [{ ...key, kid: 'test', use: 'sig', alg: 'RS256' } as never] },
    cookies: { keys: ['cookie-key-for-the-tests-only'] },
  });
  idp.on('request', provider.callback());
  await addUser(app.store, `editor@${DOMAIN}`, 'editor', null);
  await addUser(app.store, `off@${DOMAIN}`, 'editor', null);
  const off = await new UserRepository(app.store.db).findByEmail(`off@${DOMAIN}`);
  await new UserRepository(app.store.db).setDisabled(off!.id, true);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => idp?.close(resolve));
});

/** A browser: one cookie jar per site, redirects followed one by one so that each can be looked at. */
class Browser {
  readonly jars = new Map<string, CookieJar>();
  /** every address visited, in order */
  readonly visited: string[] = [];

  jar(url: string): CookieJar {
    const origin = new URL(url).origin;
    if (!this.jars.has(origin)) this.jars.set(origin, new CookieJar());
    return this.jars.get(origin)!;
  }

  async request(url: string, form?: Record<string, string>, stopAt?: (url: URL) => boolean): Promise<{ url: string; status: number; body: string }> {
    let next: { url: string; form?: Record<string, string> } = { url, form };
    for (let hops = 0; hops < 20; hops++) {
      this.visited.push(next.url);
      if (stopAt?.(new URL(next.url))) return { url: next.url, status: 0, body: '' };
      const r = await fetch(next.url, {
        method: next.form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: this.jar(next.url).header(), ...(next.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: next.form ? new URLSearchParams(next.form).toString() : undefined,
      });
      this.jar(next.url).take(r.headers.getSetCookie());
      const location = r.headers.get('location');
      if (r.status >= 300 && r.status < 400 && location) {
        next = { url: new URL(location, next.url).href };
        continue;
      }
      return { url: next.url, status: r.status, body: await r.text() };
    }
    throw new Error('too many redirects');
  }
}

/**
 * Presses "Sign in with your council account", then signs in at the provider as `email` and
 * consents. Stops before the app's callback when `stopAt` says so (to tamper with it).
 */
async function councilSignIn(browser: Browser, email: string, stopAt?: (url: URL) => boolean) {
  const signInPage = await browser.request(`${app.baseUrl}/admin/sign-in`);
  expect(signInPage.body).toContain('Sign in with your council account');
  let page = await browser.request(`${app.baseUrl}/admin/sign-in/council`, { _csrf: tokenIn(signInPage.body), returnTo: '/admin' }, stopAt);
  // the provider's own pages: its login form, then its consent form
  for (let step = 0; step < 4 && page.url.startsWith(issuer); step++) {
    const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1];
    expect(action, `a form on ${page.url}`).toBeDefined();
    const target = new URL(action!, page.url).href;
    if (page.body.includes('name="prompt" value="login"')) page = await browser.request(target, { prompt: 'login', login: email, password: 'any password' }, stopAt);
    else if (page.body.includes('name="prompt" value="consent"')) page = await browser.request(target, { prompt: 'consent' }, stopAt);
    else throw new Error(`an unexpected page at the provider: ${page.body.slice(0, 300)}`);
  }
  return page;
}

const isCallback = (url: URL) => url.pathname === '/admin/sign-in/callback';

describe('sign-in with the council’s accounts (OpenID Connect)', () => {
  it('signs in a user an admin added, through the provider’s login and consent, and lands on /admin showing their email', async () => {
    const browser = new Browser();
    const page = await councilSignIn(browser, `editor@${DOMAIN}`);
    expect(page.status).toBe(200);
    expect(new URL(page.url).pathname).toBe('/admin');
    expect(page.body).toContain(`editor@${DOMAIN}`);
    expect(page.body).toContain('Editor');
    // the flow went to the provider with PKCE, state and nonce, and came back to the callback
    const authorize = browser.visited.map((u) => new URL(u)).find((u) => u.origin === issuer && u.searchParams.has('code_challenge'))!;
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.baseUrl}/admin/sign-in/callback`);
    expect(browser.visited.some((u) => isCallback(new URL(u)))).toBe(true);
    const appJar = browser.jar(app.baseUrl);
    expect(appJar.cookies.has(SESSION_COOKIE)).toBe(true);
    // the flow's own cookie is gone once it is used
    expect(appJar.cookies.has(PENDING_COOKIE)).toBe(false);
    const latest = (await new AuditLog(app.store.db).page(1)).entries[0]!;
    expect(latest).toMatchObject({ action: 'sign-in', actorEmail: `editor@${DOMAIN}`, detail: { method: 'council' } });
  });

  it('refuses an account outside the allowed domain with a clear page', async () => {
    const page = await councilSignIn(new Browser(), 'someone@elsewhere.example');
    expect(page.status).toBe(403);
    expect(page.body).toContain('This account cannot sign in here');
    expect(page.body).toContain(`@${DOMAIN}`);
    expect(page.body).toContain('data-qa="emergency"');
    const latest = (await new AuditLog(app.store.db).page(1)).entries[0]!;
    expect(latest).toMatchObject({ action: 'sign-in-failed', detail: { method: 'council', reason: 'wrong-domain', email: 's…@elsewhere.example' } });
  });

  it('refuses an account of the domain that no admin added, and a disabled one: nobody is created', async () => {
    for (const email of [`stranger@${DOMAIN}`, `off@${DOMAIN}`]) {
      const browser = new Browser();
      const page = await councilSignIn(browser, email);
      expect(page.status, email).toBe(403);
      expect(page.body).toContain('You do not have access to the editors’ workspace');
      expect(browser.jar(app.baseUrl).cookies.has(SESSION_COOKIE)).toBe(false);
    }
    expect(await new UserRepository(app.store.db).findByEmail(`stranger@${DOMAIN}`)).toBeUndefined();
  });

  it('refuses a callback whose state was tampered with', async () => {
    const browser = new Browser();
    const stopped = await councilSignIn(browser, `editor@${DOMAIN}`, isCallback);
    const callback = new URL(stopped.url);
    expect(callback.searchParams.get('code')).toBeTruthy();
    const untouched = browser.jar(app.baseUrl).copy();
    callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const page = await browser.request(callback.href);
    expect(page.status).toBe(400);
    expect(page.body).toContain('Sign-in could not be completed');
    expect(browser.jar(app.baseUrl).cookies.has(SESSION_COOKIE)).toBe(false);
    // the same browser with the untouched answer is signed in: only the state was wrong
    browser.jars.set(new URL(app.baseUrl).origin, untouched);
    const control = await browser.request(stopped.url);
    expect(new URL(control.url).pathname).toBe('/admin');
    expect(control.status).toBe(200);
  });

  it('refuses a callback brought to another browser, or with the flow’s cookie forged', async () => {
    const browser = new Browser();
    const stopped = await councilSignIn(browser, `editor@${DOMAIN}`, isCallback);
    // an attacker's code and state, delivered to someone else's browser (login CSRF)
    const victim = new Browser();
    const there = await victim.request(stopped.url);
    expect(there.status).toBe(400);
    expect(victim.jar(app.baseUrl).cookies.has(SESSION_COOKIE)).toBe(false);
    // the flow's cookie changed in the browser: its signature no longer matches
    const jar = browser.jar(app.baseUrl);
    const original = jar.cookies.get(PENDING_COOKIE)!;
    const pending = decodeURIComponent(original);
    const forged = pending.replace(/"returnTo":"[^"]*"/, '"returnTo":"/admin/users"');
    expect(forged).not.toBe(pending);
    jar.cookies.set(PENDING_COOKIE, encodeURIComponent(forged));
    const page = await browser.request(stopped.url);
    expect(page.status).toBe(400);
    expect(jar.cookies.has(SESSION_COOKIE)).toBe(false);
    // with its own cookie, the browser that began the flow finishes it
    jar.cookies.set(PENDING_COOKIE, original);
    const control = await browser.request(stopped.url);
    expect(new URL(control.url).pathname).toBe('/admin');
  });
});
