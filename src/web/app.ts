/**
 * Builds the application from named concerns: reading the list of calls tells you everything the app
 * does to a request. `buildApp` is used by the server and by every test (through `inject()` or a
 * real port), so tests run the production app.
 */
import compress from '@fastify/compress';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { publishPack, type PublishedContent } from '../content/publish.js';
import { redactorFor } from '../privacy/redact.js';
import { DEFAULT_RETENTION_DAYS, redactStoredAgain, setUpRetention } from '../privacy/retention.js';
import { openSqliteStore, type Store } from '../store/store.js';
import '../sections.js';
import { readAssetHashes, setUpStaticAssets } from './assets.js';
import { brandRoutes } from './brand.js';
import { frameworkErrorHandler, setUpErrorHandling, type FrameworkErrorHandler } from './errors.js';
import { healthRoutes } from './health.js';
import { pageRoutes } from './pages.js';
import type { TrustProxy } from './config.js';
import { resolveSessionSecret, setUpWebSecurity } from './security.js';
import { createSite } from './site.js';
import { tools, footerLinks, plugins } from './tools.js';
import { setUpViews } from './views.js';
import './tool-registry.js';

/**
 * What a log line keeps of a request: method, path and route only. Query strings (a search box's
 * text) and headers (cookies) can carry what a user typed, so they never reach the logs.
 */
function requestForLog(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, path: req.url.split('?')[0], route: req.routeOptions?.url };
}

/** Believes the nearest `hops` proxies (as proxy-addr does for a number): hop 0 is the one that connected. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/**
 * Pages, the API's JSON and anything else sent as a body are compressed, brotli or gzip as the browser
 * accepts (brotli at a quality cheap enough to run per response); static assets come compressed from
 * the build. Pages with a form token are compressed too: the token changes every few dozen responses
 * (CSRF_TOKEN_USES), too few for a BREACH attack to recover it.
 */
async function setUpCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, { encodings: ['br', 'gzip'] });
}

export interface AppOptions {
  packDir: string;
  databaseFile: string;
  logLevel?: string;
  sessionSecret?: string;
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
  /** where logs go (tests); standard output by default */
  logStream?: NodeJS.WritableStream;
  /** the date content review dates are judged against (tests) */
  today?: Date;
}

export interface App {
  app: FastifyInstance;
  store: Store;
  published: PublishedContent;
}

export async function buildApp(opts: AppOptions): Promise<App> {
  const store = await openSqliteStore(opts.databaseFile);
  let published: PublishedContent;
  try {
    published = await publishPack(store, opts.packDir, opts.today);
  } catch (err) {
    await store.close();
    throw err;
  }
  const content = () => published.pack;
  // what an older redaction stored is redacted again with the current one, before anyone reads it
  await redactStoredAgain(store, redactorFor(published.pack));

  // a request Fastify refuses before routing gets the site's own page: set once the views exist
  const refused: { handler?: FrameworkErrorHandler } = {};
  const frameworkErrors: FrameworkErrorHandler = (error, request, reply) => {
    if (refused.handler) return refused.handler(error, request, reply);
    void reply.code(400).send({ error: 'Bad Request', message: 'This address could not be read.', statusCode: 400 });
  };
  const app = Fastify({
    logger: opts.logLevel === 'silent' ? false : { level: opts.logLevel ?? 'info', serializers: { req: requestForLog }, ...(opts.logStream ? { stream: opts.logStream } : {}) },
    bodyLimit: 256 * 1024,
    // off unless configured: otherwise anyone could choose their address (and so escape the rate limits)
    trustProxy: typeof opts.trustProxy === 'number' ? trustHops(opts.trustProxy) : (opts.trustProxy ?? false),
    routerOptions: { maxParamLength: 200 },
    frameworkErrors,
  });
  app.addHook('onClose', async () => store.close());

  const securityHeaders = await setUpWebSecurity(app, {
    sessionSecret: resolveSessionSecret(opts.sessionSecret, opts.databaseFile),
    frameAncestors: opts.frameAncestors ?? ["'self'"],
    secureCookies: opts.secure ?? false,
  });
  await setUpCompression(app);
  const assets = readAssetHashes();
  await setUpStaticAssets(app, assets);
  const renderPage = setUpViews(app, { content, tools, footerLinks, phase: opts.phase ?? 'Beta', assets });
  // before the routes: each plugin scope takes the error handler its parent has when it is registered
  setUpErrorHandling(app);
  refused.handler = frameworkErrorHandler(securityHeaders, renderPage);
  const retentionDays = opts.retentionDays ?? DEFAULT_RETENTION_DAYS;
  setUpRetention(app, store, retentionDays);
  await healthRoutes(app, store);
  await brandRoutes(app, content);
  await app.register(pageRoutes, { retentionDays });
  const deps = {
    store,
    content,
    site: createSite({ secure: opts.secure ?? false, publicUrl: opts.publicUrl }),
    limits: { chatWritesPerDay: opts.chatWritesPerDay },
  };
  for (const tool of tools) await app.register(async (scope) => tool.routes(scope, deps));
  for (const plugin of plugins) await app.register(async (scope) => plugin.routes(scope, deps));
  return { app, store, published };
}
