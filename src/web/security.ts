/**
 * Web security: strict CSP with a per-request nonce (no inline script otherwise), the usual helmet
 * headers, cookies, and CSRF protection for every form that changes state.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

export interface SecurityOptions {
  sessionSecret: string;
  frameAncestors: string[];
  secureCookies: boolean;
}

declare module 'fastify' {
  interface FastifyReply {
    /** this response's nonce for its inline script (the CSP allows no other inline script); null only before onRequest */
    cspNonce: { script: string } | null;
  }
}

/** The Content-Security-Policy for one response: everything from this origin, inline script only with the nonce. */
export function contentSecurityPolicy(frameAncestors: readonly string[]): (nonce: string) => string {
  const before = "default-src 'self';script-src 'self' 'nonce-";
  const after = [
    "'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
    "base-uri 'none'",
    "object-src 'none'",
  ].join(';');
  return (nonce) => before + nonce + after;
}

export async function setUpWebSecurity(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  // helmet's other headers, its middleware built once (@fastify/helmet rebuilt it, options parsed
  // again, on every request); the CSP is ours, as it carries a new nonce each time
  const otherHeaders = helmet({
    contentSecurityPolicy: false,
    // the guidance may be framed by the council website: frame-ancestors governs that, not X-Frame-Options
    frameguard: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: opts.secureCookies ? undefined : false,
  });
  const policy = contentSecurityPolicy(opts.frameAncestors);
  app.decorateReply('cspNonce', null);
  app.addHook('onRequest', (request, reply, done) => {
    const nonce = randomBytes(16).toString('hex');
    reply.cspNonce = { script: nonce };
    reply.raw.setHeader('content-security-policy', policy(nonce));
    otherHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined));
  });
  await app.register(cookie, { secret: opts.sessionSecret });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(csrf, {
    cookieKey: '_csrf_secret',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies, signed: true },
  });
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
