/**
 * Web security: strict CSP that allows govuk-frontend's one inline script by its hash (no other
 * inline script), the usual helmet headers and a Permissions-Policy, cookies, CSRF protection for
 * every form that changes state, and no caching of any page that carries a form token (those are the
 * pages with typed text too). Pages without a form token are the same for everyone, so a CDN may keep
 * them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import helmet from 'helmet';
import { projectRoot } from '../content/pack-dir.js';
import type { Store } from '../store/store.js';

export interface SecurityOptions {
  sessionSecret: string;
  frameAncestors: string[];
  secureCookies: boolean;
}

declare module 'fastify' {
  interface FastifyReply {
    /** a new CSRF token for this browser's forms, and no-store for the page that carries it */
    csrfToken(): string;
  }
}

/**
 * The cookie that holds a browser's CSRF secret, signed. In production it is Secure and carries the
 * __Host- prefix, so no subdomain or plain-http page can set or replace it; local http keeps the
 * plain name, as browsers refuse a __Host- cookie without Secure.
 */
export const csrfCookieName = (secure: boolean) => (secure ? '__Host-csrf' : '_csrf_secret');

/** Features no page of the guidance uses, turned off for it and anything it frames. */
export const PERMISSIONS_POLICY = [
  'accelerometer=()', 'autoplay=()', 'camera=()', 'display-capture=()', 'encrypted-media=()', 'fullscreen=()', 'geolocation=()', 'gyroscope=()',
  'magnetometer=()', 'microphone=()', 'midi=()', 'payment=()', 'picture-in-picture=()', 'publickey-credentials-get=()', 'screen-wake-lock=()',
  'sync-xhr=()', 'usb=()', 'xr-spatial-tracking=()',
].join(', ');
/**
 * The CSP source for govuk-frontend's one inline script (in its page template: it marks the body as
 * having JavaScript), by the hash of its text, read from the installed govuk-frontend so that an
 * upgrade that changes the script changes the hash.
 */
export function inlineScriptHash(): string {
  const template = readFileSync(join(projectRoot(), 'node_modules', 'govuk-frontend', 'dist', 'govuk', 'template.njk'), 'utf8');
  const scripts = [...template.matchAll(/<script\b[^>]*>([^<]*)<\/script>/g)].map((m) => m[1]!).filter((text) => text.trim() !== '');
  if (scripts.length !== 1) throw new Error(`govuk-frontend's page template has ${scripts.length} inline scripts; the CSP expects one`);
  return `'sha256-${createHash('sha256').update(scripts[0]!).digest('base64')}'`;
}

/** The Content-Security-Policy: everything from this origin, and govuk-frontend's inline script by its hash. */
export function contentSecurityPolicy(frameAncestors: readonly string[], scriptHash = inlineScriptHash()): string {
  return [
    `default-src 'self'`,
    `script-src 'self' ${scriptHash}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
    "base-uri 'none'",
    "object-src 'none'",
  ].join(';');
}

/**
 * Sets the security headers of one response. Used on every request, and by the answer to a request
 * Fastify refuses before any hook runs (a malformed address).
 */
export type SecurityHeaders = (req: IncomingMessage, res: ServerResponse, done: (err: Error | undefined) => void) => void;

export async function setUpWebSecurity(app: FastifyInstance, opts: SecurityOptions): Promise<SecurityHeaders> {
  // helmet's other headers, its middleware built once (@fastify/helmet rebuilt it, options parsed
  // again, on every request); the CSP is ours
  const otherHeaders = helmet({
    contentSecurityPolicy: false,
    // the guidance may be framed by the council website: frame-ancestors governs that, not X-Frame-Options
    frameguard: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: opts.secureCookies ? undefined : false,
  });
  const policy = contentSecurityPolicy(opts.frameAncestors);
  const securityHeaders: SecurityHeaders = (req, res, done) => {
    res.setHeader('content-security-policy', policy);
    res.setHeader('permissions-policy', PERMISSIONS_POLICY);
    otherHeaders(req, res, (err) => done(err as Error | undefined));
  };
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (err) => done(err));
  });
  await app.register(cookie, { secret: opts.sessionSecret });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  const csrfCookie = csrfCookieName(opts.secureCookies);
  await app.register(csrf, {
    cookieKey: csrfCookie,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies, signed: true },
  });
  // a new token on every page (a fresh salt each time, so compression cannot reveal it, BREACH);
  // a forged or stale secret cookie is replaced by generateCsrf, never trusted
  app.decorateReply('csrfToken', function csrfToken(this: FastifyReply): string {
    // a page with a form token may also show what was typed: a shared school computer's cache
    // must not keep it for the next person
    void this.header('cache-control', 'no-store');
    return this.generateCsrf();
  });
  return securityHeaders;
}

/** SESSION_SECRET, or a random one kept beside the database so restarts keep cookies valid. */
export function resolveSessionSecret(configured: string | undefined, databaseFile: string): string {
  if (configured) return configured;
  if (databaseFile === ':memory:') return randomBytes(32).toString('hex');
  const file = `${dirname(databaseFile)}/.session-secret`;
  if (existsSync(file)) {
    const s = readFileSync(file, 'utf8').trim();
    if (s.length >= 32) return s;
  }
  mkdirSync(dirname(file), { recursive: true });
  const s = randomBytes(32).toString('hex');
  writeFileSync(file, s, { mode: 0o600 });
  return s;
}

/**
 * With PostgreSQL and no SESSION_SECRET: one random secret for every instance, made by the first and
 * kept in the database, so a form from one instance is accepted by another.
 */
export async function sharedSessionSecret(store: Store): Promise<string> {
  await store.db
    .insertInto('app_setting')
    .values({ name: 'session_secret', value: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await store.db.selectFrom('app_setting').select('value').where('name', '=', 'session_secret').executeTakeFirstOrThrow();
  return row.value;
}
