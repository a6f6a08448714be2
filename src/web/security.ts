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
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface SecurityOptions {
  sessionSecret: string;
  frameAncestors: string[];
  secureCookies: boolean;
}

export async function setUpWebSecurity(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: opts.frameAncestors,
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // the guidance may be framed by the council website: frame-ancestors governs that, not X-Frame-Options
    frameguard: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: opts.secureCookies ? undefined : false,
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
