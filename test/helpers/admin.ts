/**
 * Signing in to the editors' workspace in inject() tests: a small cookie jar, and a form posted the
 * way a browser posts it (the page's CSRF token with its cookie).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Accounts } from '../../src/admin/accounts.js';
import type { Store } from '../../src/store/store.js';

/** Cookies as a browser keeps them: set by responses, deleted by an expired or empty one. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  take(setCookie: string | string[] | undefined): this {
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /;\s*Expires=Thu, 01 Jan 1970/i.test(c) || /;\s*Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  copy(): CookieJar {
    const jar = new CookieJar();
    for (const [k, v] of this.cookies) jar.cookies.set(k, v);
    return jar;
  }
}

export const PASSWORD = 'correct horse battery staple';

/** a local account with PASSWORD, or with `null` a council account (no password) */
export async function addUser(store: Store, email: string, role: string, password: string | null = PASSWORD) {
  return new Accounts(store).add({ email, role, password: password ?? undefined });
}

/** GETs a page with the jar's cookies, keeping what it sets */
export async function get(app: FastifyInstance, jar: CookieJar, url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const r = await app.inject({ method: 'GET', url, headers: { cookie: jar.header(), ...headers } });
  jar.take(r.headers['set-cookie']);
  return r;
}

export const tokenIn = (html: string): string => {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token in the page');
  return token;
};

/** Posts a form from `fromPage` (a page of the same app) with its CSRF token, as a browser would. */
export async function postForm(
  app: FastifyInstance,
  jar: CookieJar,
  fromPage: string,
  url: string,
  fields: Record<string, string>,
  opts: { headers?: Record<string, string>; remoteAddress?: string; csrf?: boolean } = {},
): Promise<LightMyRequestResponse> {
  const page = await get(app, jar, fromPage, opts.headers);
  const token = opts.csrf === false ? undefined : tokenIn(page.body);
  const r = await app.inject({
    method: 'POST',
    url,
    remoteAddress: opts.remoteAddress,
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    payload: new URLSearchParams({ ...(token ? { _csrf: token } : {}), ...fields }).toString(),
  });
  jar.take(r.headers['set-cookie']);
  return r;
}

export async function signIn(app: FastifyInstance, email: string, password = PASSWORD, opts: { jar?: CookieJar; returnTo?: string; remoteAddress?: string; headers?: Record<string, string> } = {}) {
  const jar = opts.jar ?? new CookieJar();
  const response = await postForm(app, jar, '/admin/sign-in', '/admin/sign-in', { email, password, ...(opts.returnTo ? { returnTo: opts.returnTo } : {}) }, opts);
  return { jar, response };
}
