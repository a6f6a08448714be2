/** Configuration from environment variables (see README "Configuration"). */
import { isIP } from 'node:net';
import { join } from 'node:path';
import { defaultPackDir, projectRoot } from '../content/pack-dir.js';
import type { AdminConfig } from '../admin/routes.js';
import { isPostgresUrl } from '../store/store.js';

export interface Config {
  port: number;
  host: string;
  packDir: string;
  /** the SQLite file, used unless `databaseUrl` names a PostgreSQL database */
  databaseFile: string;
  /** postgres://... (DATABASE_URL): PostgreSQL, for several instances on one database */
  databaseUrl?: string;
  logLevel: string;
  /** secret for signing cookies; generated and kept under data/ when not set */
  sessionSecret?: string;
  /** origins allowed to frame the guidance (the council website), for CSP frame-ancestors */
  frameAncestors: string[];
  /** the phase shown in the phase banner */
  phase: string;
  /** which proxies' X-Forwarded-For and X-Forwarded-Proto to believe: none, a hop count, or their addresses */
  trustProxy: TrustProxy;
  /** the site's own origin, for absolute links (never taken from a request's forwarded host) */
  publicUrl?: string;
  /** days that reports and unanswered chat questions are kept */
  retentionDays: number;
  /** production: Secure cookies (with the __Host- prefix for the form token's) and HSTS */
  production: boolean;
  /** the editors' workspace: session timeouts and the council's identity provider */
  admin: AdminConfig;
}

export type TrustProxy = false | number | string[];

/** proxy-addr's names for address ranges, accepted beside addresses and CIDR ranges */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: unset, empty or "false" trusts no proxy (the address a request came from is the
 * client's); a whole number is how many proxies in front of the app to believe; otherwise a list of
 * the proxies' addresses or CIDR ranges, separated by commas or spaces.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? '').trim();
  if (v === '' || /^(?:false|off|no|0)$/i.test(v)) return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(/[\s,]+/).filter(Boolean);
  for (const entry of list) {
    const [address, prefix, extra] = entry.split('/');
    const kind = isIP(address ?? '');
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (kind === 6 ? 128 : 32));
    if (!RANGE_NAMES.has(entry) && (kind === 0 || !prefixOk || extra !== undefined)) {
      throw new Error(`TRUST_PROXY must be a number of proxies or a list of their addresses (such as 10.0.0.0/8), not "${entry}"`);
    }
  }
  return list;
}

/** PUBLIC_URL: the origin staff reach the guidance at, such as https://guidance.example.gov.uk */
export function parsePublicUrl(value: string | undefined): string | undefined {
  const v = (value ?? '').trim();
  if (!v) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`PUBLIC_URL must be an address such as https://guidance.example.gov.uk, not "${v}"`);
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw new Error(`PUBLIC_URL must be a site's origin (http or https, no path, query or credentials), not "${v}"`);
  }
  return url.origin;
}

/** DATABASE_URL: unset for the SQLite file, or a PostgreSQL connection URL */
export function parseDatabaseUrl(value: string | undefined): string | undefined {
  const v = (value ?? '').trim();
  if (!v) return undefined;
  if (!isPostgresUrl(v)) throw new Error('DATABASE_URL must be a PostgreSQL address such as postgres://user:password@host:5432/guidance (leave it unset for the SQLite file)');
  return v;
}

const wholeNumber = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, unit: string): number => {
  const v = Number(env[name] ?? fallback);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be a whole number of ${unit} from ${min} to ${max}, not "${env[name]}"`);
  return v;
};

/**
 * The editors' workspace: ADMIN_IDLE_MINUTES (30) and ADMIN_SESSION_HOURS (8) end a session; the four
 * OIDC_ variables, all or none, let staff sign in with the council's own accounts; PROVIDER_LINK_DAYS
 * (14) is how long a provider check link works, PROVIDER_LINK_SECRET (the session secret when unset)
 * what signs it.
 */
export function readAdminConfig(env: NodeJS.ProcessEnv = process.env): AdminConfig {
  const idleMinutes = wholeNumber(env, 'ADMIN_IDLE_MINUTES', 30, 1, 24 * 60, 'minutes');
  const sessionHours = wholeNumber(env, 'ADMIN_SESSION_HOURS', 8, 1, 24, 'hours');
  const names = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ALLOWED_DOMAIN'] as const;
  const given = names.filter((n) => (env[n] ?? '').trim() !== '');
  const linkDays = wholeNumber(env, 'PROVIDER_LINK_DAYS', 14, 1, 90, 'days');
  const linkSecret = (env['PROVIDER_LINK_SECRET'] ?? '').trim();
  if (linkSecret && linkSecret.length < 32) throw new Error('PROVIDER_LINK_SECRET must be at least 32 characters (or unset, to sign provider check links with the session secret)');
  const config: AdminConfig = {
    sessions: { idleMs: idleMinutes * 60_000, absoluteMs: sessionHours * 3_600_000 },
    providerLinks: { days: linkDays, ...(linkSecret ? { secret: linkSecret } : {}) },
  };
  if (given.length === 0) return config;
  if (given.length < names.length) throw new Error(`Sign-in with council accounts needs all of ${names.join(', ')}; missing: ${names.filter((n) => !given.includes(n)).join(', ')}`);
  const issuer = env['OIDC_ISSUER']!.trim();
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`OIDC_ISSUER must be the identity provider's address, such as https://login.example.org/tenant, not "${issuer}"`);
  }
  const local = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !local) throw new Error(`OIDC_ISSUER must be an https address (plain http only on this machine), not "${issuer}"`);
  const domain = env['OIDC_ALLOWED_DOMAIN']!.trim().toLowerCase().replace(/^@/, '');
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(domain)) throw new Error(`OIDC_ALLOWED_DOMAIN must be an email domain such as council.gov.uk, not "${domain}"`);
  config.oidc = { issuer, clientId: env['OIDC_CLIENT_ID']!.trim(), clientSecret: env['OIDC_CLIENT_SECRET']!.trim(), allowedDomain: domain };
  return config;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a whole number from 0 to 65535, not "${env['PORT']}"`);
  const retentionDays = Number(env['RETENTION_DAYS'] ?? 90);
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) throw new Error(`RETENTION_DAYS must be a whole number of days from 1 to 3650, not "${env['RETENTION_DAYS']}"`);
  return {
    port,
    host: env['HOST'] ?? '0.0.0.0',
    packDir: env['CONTENT_PACK'] ?? defaultPackDir(),
    databaseFile: env['DATABASE_FILE'] ?? join(projectRoot(), 'data', 'guidance.sqlite'),
    databaseUrl: parseDatabaseUrl(env['DATABASE_URL']),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    sessionSecret: env['SESSION_SECRET'] || undefined,
    frameAncestors: (env['FRAME_ANCESTORS'] ?? "'self'").split(/\s+/).filter(Boolean),
    phase: env['PHASE'] ?? 'Beta',
    trustProxy: parseTrustProxy(env['TRUST_PROXY']),
    publicUrl: parsePublicUrl(env['PUBLIC_URL']),
    retentionDays,
    production: env['NODE_ENV'] === 'production',
    admin: readAdminConfig(env),
  };
}
