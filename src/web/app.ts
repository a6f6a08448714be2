/**
 * Builds the application from named concerns: reading the list of calls tells you everything the app
 * does to a request. `buildApp` is used by the server and by every test (through `inject()` or a
 * real port), so tests run the production app.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { publishPack, type PublishedContent } from '../content/publish.js';
import { openSqliteStore, type Store } from '../store/store.js';
import '../sections.js';
import { setUpStaticAssets } from './assets.js';
import { setUpErrorHandling } from './errors.js';
import { healthRoutes } from './health.js';
import { pageRoutes } from './pages.js';
import { resolveSessionSecret, setUpWebSecurity } from './security.js';
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

export interface AppOptions {
  packDir: string;
  databaseFile: string;
  logLevel?: string;
  sessionSecret?: string;
  frameAncestors?: string[];
  phase?: string;
  /** set Secure on cookies and send HSTS (behind HTTPS) */
  secure?: boolean;
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

  const app = Fastify({
    logger: opts.logLevel === 'silent' ? false : { level: opts.logLevel ?? 'info', serializers: { req: requestForLog }, ...(opts.logStream ? { stream: opts.logStream } : {}) },
    bodyLimit: 256 * 1024,
    trustProxy: true,
    routerOptions: { maxParamLength: 200 },
  });
  app.addHook('onClose', async () => store.close());

  await setUpWebSecurity(app, {
    sessionSecret: resolveSessionSecret(opts.sessionSecret, opts.databaseFile),
    frameAncestors: opts.frameAncestors ?? ["'self'"],
    secureCookies: opts.secure ?? false,
  });
  await setUpStaticAssets(app);
  setUpViews(app, { content, tools, footerLinks, phase: opts.phase ?? 'Beta' });
  // before the routes: each plugin scope takes the error handler its parent has when it is registered
  setUpErrorHandling(app);
  await healthRoutes(app, store);
  await app.register(pageRoutes);
  for (const tool of tools) await app.register(async (scope) => tool.routes(scope, { store, content }));
  for (const plugin of plugins) await app.register(async (scope) => plugin.routes(scope, { store, content }));
  return { app, store, published };
}
