/**
 * Makes the application: `createApp({ config, store, content })` sets up the named concerns, then
 * the tools in the order they appear on the start page and in the navigation, then the routes that
 * are not tools, then the editors' workspace (/admin) and its provider check pages (/provider-check). Reading it tells you everything the app does to a request. `buildApp` opens the
 * store and publishes the pack first: the server and every test use it, so tests run the
 * production app.
 */
import compress from '@fastify/compress';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ADMIN_PREFIX, adminRoutes, type AdminConfig } from '../admin/routes.js';
import { PROVIDER_CHECK_PREFIX, providerCheckRoutes } from '../admin/provider-checks.js';
import { openDataApi } from '../api/register.js';
import { expectationCardsTool } from '../cards/tool.js';
import { askTool } from '../chat/tool.js';
import type { PublishResult } from '../content/publish.js';
import { PublishedContent } from '../content/published.js';
import { findServicesTool } from '../directory/tool.js';
import { needsCheckTool } from '../needs-check/tool.js';
import { redactorFor } from '../privacy/redact.js';
import { DEFAULT_RETENTION_DAYS, redactStoredAgain, setUpRetention } from '../privacy/retention.js';
import { publishOnStart } from '../publishing.js';
import { packSections } from '../sections.js';
import { openStore, type Store } from '../store/store.js';
import { Counters } from '../store/counters.js';
import { Insights } from '../insights/insights.js';

const DAY_MS = 24 * 60 * 60 * 1000;
import type { PostgresOptions } from '../store/postgres.js';
import { readAssetHashes, setUpStaticAssets } from './assets.js';
import { brandRoutes } from './brand.js';
import { rewriteEmbedUrl, setUpEmbed } from './embed.js';
import { frameworkErrorHandler, setUpErrorHandling, type FrameworkErrorHandler } from './errors.js';
import { healthRoutes } from './health.js';
import { pageRoutes } from './pages.js';
import type { TrustProxy } from './config.js';
import { resolveSessionSecret, setUpWebSecurity, sharedSessionSecret } from './security.js';
import { setUpPageCaching } from './page-caching.js';
import { createSite } from './site.js';
import type { RoutePlugin, Tool } from './tools.js';
import { setUpViews } from './views.js';

/** The tools, in their order on the start page and in the navigation. */
export const tools: readonly Tool[] = [needsCheckTool, findServicesTool, expectationCardsTool, askTool];
/** Routes that are not tools, registered after them. */
export const routePlugins: readonly RoutePlugin[] = [openDataApi];

/**
 * What a log line keeps of a request: method, path and route only. Query strings (a search box's
 * text) and headers (cookies) can carry what a user typed, so they never reach the logs.
 */
function requestForLog(req: FastifyRequest): Record<string, unknown> {
  // a provider check link's token is a key to its pages: never logged
  const path = (req.url.split('?')[0] ?? '').replace(/^\/provider-check\/[^/]*/, '/provider-check/:token');
  return { method: req.method, path, route: req.routeOptions?.url };
}

/** Believes the nearest `hops` proxies (as proxy-addr does for a number): hop 0 is the one that connected. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/**
 * Pages, the API's JSON and anything else sent as a body are compressed, brotli or gzip as the browser
 * accepts (brotli at a quality cheap enough to run per response); static assets come compressed from
 * the build. A page's form token is new on every response, so compression cannot reveal it (BREACH).
 */
async function setUpCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, { encodings: ['br', 'gzip'] });
}

/** What the app is told by its configuration (src/web/config.ts). */
export interface AppConfig {
  sessionSecret: string;
  logLevel?: string;
  frameAncestors?: string[];
  phase?: string;
  /** production: Secure cookies (the form token's with the __Host- prefix) and HSTS (behind HTTPS) */
  secure?: boolean;
  /** which proxies to believe about the client's address and scheme (TRUST_PROXY); none by default */
  trustProxy?: TrustProxy;
  /** the site's origin for absolute links (PUBLIC_URL) */
  publicUrl?: string;
  /** days that reports and unanswered questions are kept (RETENTION_DAYS) */
  retentionDays?: number;
  /** unanswered questions kept and ratings recorded per address per day */
  chatWritesPerDay?: number;
  /** the editors' workspace: session timeouts, the council's identity provider, the clock (tests) */
  admin?: AdminConfig;
  /** where logs go (tests); standard output by default */
  logStream?: NodeJS.WritableStream;
}

export async function createApp({ config, store, content }: { config: AppConfig; store: Store; content: PublishedContent }): Promise<FastifyInstance> {
  const pack = () => content.pack();
  // a request Fastify refuses before routing gets the site's own page: set once the views exist
  const refused: { handler?: FrameworkErrorHandler } = {};
  const frameworkErrors: FrameworkErrorHandler = (error, request, reply) => {
    if (refused.handler) return refused.handler(error, request, reply);
    void reply.code(400).send({ error: 'Bad Request', message: 'This address could not be read.', statusCode: 400 });
  };
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel ?? 'info', serializers: { req: requestForLog }, ...(config.logStream ? { stream: config.logStream } : {}) },
    bodyLimit: 256 * 1024,
    // off unless configured: otherwise anyone could choose their address (and so escape the rate limits)
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : (config.trustProxy ?? false),
    routerOptions: { maxParamLength: 200 },
    frameworkErrors,
    // ?embed=1 is taken off before routing and put back on the way out (src/web/embed.ts)
    rewriteUrl: rewriteEmbedUrl,
  });
  // a version this process has just published is served from the next request on
  app.addHook('onRequest', async () => content.settled());

  const securityHeaders = await setUpWebSecurity(app, {
    sessionSecret: config.sessionSecret,
    frameAncestors: config.frameAncestors ?? ["'self'"],
    secureCookies: config.secure ?? false,
  });
  setUpEmbed(app);
  setUpPageCaching(app);
  await setUpCompression(app);
  const assets = readAssetHashes();
  await setUpStaticAssets(app, assets);
  const footerLinks = routePlugins.flatMap((p) => (p.footerLink ? [p.footerLink] : []));
  const renderPage = setUpViews(app, { content: pack, tools: [...tools], footerLinks, phase: config.phase ?? 'Beta', assets });
  // before the routes: each plugin scope takes the error handler its parent has when it is registered
  setUpErrorHandling(app);
  refused.handler = frameworkErrorHandler(securityHeaders, renderPage);
  const retentionDays = config.retentionDays ?? DEFAULT_RETENTION_DAYS;
  setUpRetention(app, store, retentionDays);
  await healthRoutes(app, store, content);
  await brandRoutes(app, pack);
  const site = createSite({ secure: config.secure ?? false, publicUrl: config.publicUrl });
  // request counts in the database, shared by every instance; a day's are deleted two days later
  const counters = new Counters(store.db, config.sessionSecret);
  const pruneCounters = () => void counters.prune(Date.now() - 2 * DAY_MS).catch((err: unknown) => app.log.error({ err }, 'rate counts could not be pruned'));
  pruneCounters();
  const pruning = setInterval(pruneCounters, 60 * 60 * 1000);
  pruning.unref();
  app.addHook('onClose', async () => clearInterval(pruning));
  // anonymous counts for the borough's insights, written after the response; all written on close
  const insights = new Insights(store.db, { onError: (err) => app.log.error({ err }, 'insight counts could not be written') });
  app.addHook('preClose', async () => insights.settled().catch((err: unknown) => app.log.error({ err }, 'insight counts could not be written')));
  await app.register(pageRoutes, { retentionDays, frameAncestors: config.frameAncestors ?? ["'self'"], site });
  const deps = {
    store,
    content: pack,
    published: content,
    site,
    insights,
    limits: { chatWritesPerDay: config.chatWritesPerDay, counters },
  };
  for (const tool of tools) await app.register(async (scope) => tool.routes(scope, deps));
  for (const plugin of routePlugins) await app.register(async (scope) => plugin.routes(scope, deps));
  // the editors' workspace: for signed-in editors only, and never in the public navigation
  await app.register(async (scope) => adminRoutes(scope, { store, published: content, site, sessionSecret: config.sessionSecret, admin: config.admin ?? {}, insights }), { prefix: ADMIN_PREFIX });
  // a service's provider, with the private link an editor made: no account, one use
  await app.register(async (scope) => providerCheckRoutes(scope, { store, published: content, counters, sessionSecret: config.sessionSecret, config: config.admin?.providerLinks, now: config.admin?.now }), { prefix: PROVIDER_CHECK_PREFIX });
  return app;
}

export interface AppOptions extends Omit<AppConfig, 'sessionSecret'> {
  packDir: string;
  databaseFile: string;
  /** postgres://... (DATABASE_URL) for PostgreSQL; the SQLite file otherwise */
  databaseUrl?: string;
  /** PostgreSQL only: a schema of its own (tests) and the pool's size */
  postgres?: PostgresOptions;
  sessionSecret?: string;
  /** the date content review dates are judged against (tests) */
  today?: Date;
}

export interface App {
  app: FastifyInstance;
  store: Store;
  /** the current published content (follows new versions) */
  content: PublishedContent;
  /** what the start-up publish found and did, and the pack then published */
  published: PublishResult;
}

/**
 * Opens the store the options choose, imports the pack on a new database (or a changed one the app
 * imported itself), reads the published content and makes the app. Closing the app closes the store.
 */
export async function buildApp(opts: AppOptions): Promise<App> {
  const store = await openStore({ databaseUrl: opts.databaseUrl, databaseFile: opts.databaseFile, postgres: opts.postgres });
  let published: App['published'];
  let content: PublishedContent;
  try {
    const result = await publishOnStart(store, opts.packDir, packSections, opts.today);
    content = await PublishedContent.open(store);
    published = { ...result, pack: content.pack() };
    // what an older redaction stored is redacted again with the current one, before anyone reads it
    await redactStoredAgain(store, () => redactorFor(content.pack()));
  } catch (err) {
    await store.close();
    throw err;
  }
  const sessionSecret = opts.sessionSecret ?? (store.dialect === 'postgres' ? await sharedSessionSecret(store) : resolveSessionSecret(undefined, opts.databaseFile));
  let app: FastifyInstance;
  try {
    app = await createApp({ config: { ...opts, sessionSecret }, store, content });
  } catch (err) {
    content.close();
    await store.close();
    throw err;
  }
  app.addHook('onClose', async () => {
    content.close();
    await store.close();
  });
  return { app, store, content, published };
}
