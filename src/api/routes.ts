/**
 * The Open Referral UK 3.0 API under /api/v1/: the profile's endpoints and query parameters over the
 * pack's services and the services imported from other directories' feeds. Read-only and open: every
 * response, errors included, carries `Access-Control-Allow-Origin: *`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { projectRoot } from '../content/pack-dir.js';
import type { ToolDeps } from '../web/tools.js';
import { BadParameter, checkAllowed, pageParams, readPaging, readServiceFilters, refuseLocationSearch, serviceAtLocationParams, serviceParams, type Paging } from './params.js';
import { apiDb, getService, getServiceAtLocation, packIndexState, type ServiceFilters } from './repository.js';
import { serviceIndexReady } from '../directory/search.js';
import { loadServiceIndex, pageOfServiceAtLocations, pageOfServices, type ServiceIndex } from './service-index.js';
import { taxonomyJson } from './taxonomies.js';

export const API_PREFIX = '/api/v1';
export const ORUK_VERSION = '3.0';
export const ORUK_PROFILE = 'https://github.com/openreferral/uk-profile';

/** The profile's own OpenAPI file, copied unchanged into src/api/oruk (CC BY-SA 4.0, Open Referral). */
function readOpenApi(): string {
  return readFileSync(join(projectRoot(), 'src', 'api', 'oruk', 'openapi.json'), 'utf8');
}

const COMMA = Buffer.from(',');
const END = Buffer.from(']}');

/** The profile's page wrapper around already-serialised, UTF-8 encoded items. */
export function pageJson(total: number, paging: Paging, items: readonly Buffer[]): Buffer {
  const totalPages = Math.ceil(total / paging.perPage);
  const head = {
    total_items: total,
    total_pages: totalPages,
    page_number: paging.page,
    size: items.length,
    first_page: paging.page === 1,
    last_page: paging.page >= totalPages,
    empty: items.length === 0,
  };
  const chunks: Buffer[] = [Buffer.from(`${JSON.stringify(head).slice(0, -1)},"contents":[`, 'utf8')];
  items.forEach((item, i) => {
    if (i > 0) chunks.push(COMMA);
    chunks.push(item);
  });
  chunks.push(END);
  return Buffer.concat(chunks);
}

function sendJson(reply: FastifyReply, body: string | Buffer): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}

function badRequest(reply: FastifyReply, err: BadParameter): FastifyReply {
  return reply.code(400).send({ error: 'Bad Request', message: err.message, parameter: err.parameter, statusCode: 400 });
}

function notFound(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(404).send({ error: 'Not Found', message: `There is no ${what} with this id.`, statusCode: 404 });
}

type Query = Record<string, unknown>;

/** The index's validator: it changes with every publish (a content pack or a feed import). */
function entityTag(index: ServiceIndex): string {
  return `"oruk-${index.version}"`;
}

/**
 * Sets ETag and Last-Modified for a response built from `index`, and answers 304 Not Modified when
 * the client's copy is current (If-None-Match first; If-Modified-Since only without it, as HTTP says).
 */
function notModified(req: FastifyRequest, reply: FastifyReply, index: ServiceIndex): boolean {
  const tag = entityTag(index);
  reply.header('etag', tag).header('last-modified', index.lastModified.toUTCString()).header('cache-control', 'no-cache');
  const ifNoneMatch = req.headers['if-none-match'];
  let fresh: boolean;
  if (ifNoneMatch !== undefined) {
    fresh = ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === tag);
  } else {
    const since = req.headers['if-modified-since'] ? Date.parse(req.headers['if-modified-since']) : NaN;
    fresh = Number.isFinite(since) && index.lastModified.getTime() <= since;
  }
  if (fresh) void reply.code(304).send();
  return fresh;
}

export async function apiRoutes(app: FastifyInstance, { store, published: content, site }: ToolDeps): Promise<void> {
  const db = apiDb(store.db);
  const openApi = readOpenApi();
  let index: ServiceIndex | undefined;
  let refreshing: Promise<ServiceIndex> | undefined;

  // the index follows the published content's version (a pack or a feed publish): a new version is
  // read once, concurrent requests sharing the read; no request writes. It is first read once the
  // app is ready, while the other tools serve (a request meanwhile waits for it).
  const current = async (): Promise<ServiceIndex> => {
    await content.settled();
    if (index && refreshing === undefined && index.version >= content.version()) return index;
    refreshing ??= loadServiceIndex(db)
      .then((loaded) => (index = loaded))
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  const state = () => packIndexState(content.pack());
  // a search finds the pack's services with the directory's index (see readServiceFilters): while
  // that is built in the background, a search waits for it
  const filtersOf = async (query: Query): Promise<ServiceFilters> => {
    const pack = content.pack();
    if (query['search'] !== undefined) await serviceIndexReady(pack);
    return readServiceFilters(query, packIndexState(pack).taxonomies, pack);
  };
  app.addHook('onReady', async () => {
    current().catch((err: unknown) => app.log.error({ err }, 'the open data API could not read its index'));
  });

  app.addHook('onRequest', async (_req, reply) => {
    reply.header('access-control-allow-origin', '*');
    // helmet's same-origin default would stop other sites embedding the open data
    reply.header('cross-origin-resource-policy', 'cross-origin');
  });
  app.setErrorHandler((error: { statusCode?: number }, req, reply) => {
    if (error instanceof BadParameter) return badRequest(reply, error);
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) req.log.error({ err: error, url: req.routeOptions.url }, 'API request failed');
    return reply.code(status).send({
      error: status >= 500 ? 'Internal Server Error' : 'Bad Request',
      message: status >= 500 ? 'Something went wrong on our side.' : 'The request could not be understood.',
      statusCode: status,
    });
  });

  const root = async (req: FastifyRequest, reply: FastifyReply) => {
    checkAllowed(req.query as Query, []);
    return reply.send({ version: ORUK_VERSION, profile: ORUK_PROFILE, openapi_url: site.url(req, `${API_PREFIX}/openapi.json`) });
  };
  app.get(API_PREFIX, root);
  app.get(`${API_PREFIX}/`, root);
  app.get(`${API_PREFIX}/openapi.json`, async (_req, reply) => sendJson(reply, openApi));

  app.options(`${API_PREFIX}/*`, async (_req, reply) =>
    reply.code(204).header('access-control-allow-methods', 'GET, OPTIONS').header('access-control-max-age', '86400').send(),
  );

  app.get(`${API_PREFIX}/services`, async (req, reply) => {
    const query = req.query as Query;
    checkAllowed(query, serviceParams);
    const paging = readPaging(query);
    const ix = await current();
    const filters = await filtersOf(query);
    if (notModified(req, reply, ix)) return reply;
    const page = pageOfServices(ix, filters, paging.page, paging.perPage);
    return sendJson(reply, pageJson(page.total, paging, page.rows));
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/services/:id`, async (req, reply) => {
    checkAllowed(req.query as Query, []);
    const ix = await current();
    const json = await getService(db, state(), req.params.id.toLowerCase());
    if (!json) return notFound(reply, 'service');
    return notModified(req, reply, ix) ? reply : sendJson(reply, json);
  });

  app.get(`${API_PREFIX}/service_at_locations`, async (req, reply) => {
    const query = req.query as Query;
    checkAllowed(query, serviceAtLocationParams);
    refuseLocationSearch(query);
    const paging = readPaging(query);
    const ix = await current();
    const filters = await filtersOf(query);
    if (notModified(req, reply, ix)) return reply;
    const page = pageOfServiceAtLocations(ix, filters, paging.page, paging.perPage);
    return sendJson(reply, pageJson(page.total, paging, page.rows));
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/service_at_locations/:id`, async (req, reply) => {
    checkAllowed(req.query as Query, []);
    const ix = await current();
    const sal = await getServiceAtLocation(db, state(), req.params.id.toLowerCase());
    if (!sal) return notFound(reply, 'service at location');
    return notModified(req, reply, ix) ? reply : reply.send(sal);
  });

  app.get(`${API_PREFIX}/taxonomies`, async (req, reply) => {
    const query = req.query as Query;
    checkAllowed(query, pageParams);
    const paging = readPaging(query);
    const ix = await current();
    if (notModified(req, reply, ix)) return reply;
    const all = state().taxonomies.taxonomies ?? [];
    const items = all.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage).map((t) => Buffer.from(JSON.stringify(taxonomyJson(t, false)), 'utf8'));
    return sendJson(reply, pageJson(all.length, paging, items));
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/taxonomies/:id`, async (req, reply) => {
    checkAllowed(req.query as Query, []);
    const ix = await current();
    const t = state().taxonomies.taxonomyById.get(req.params.id.toLowerCase());
    if (!t) return notFound(reply, 'taxonomy');
    return notModified(req, reply, ix) ? reply : reply.send(taxonomyJson(t, true));
  });

  app.get(`${API_PREFIX}/taxonomy_terms`, async (req, reply) => {
    const query = req.query as Query;
    checkAllowed(query, pageParams);
    const paging = readPaging(query);
    const ix = await current();
    if (notModified(req, reply, ix)) return reply;
    const all = [...(state().taxonomies.termById.values() ?? [])];
    const items = all.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage).map((t) => Buffer.from(JSON.stringify(t), 'utf8'));
    return sendJson(reply, pageJson(all.length, paging, items));
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/taxonomy_terms/:id`, async (req, reply) => {
    checkAllowed(req.query as Query, []);
    const ix = await current();
    const t = state().taxonomies.termById.get(req.params.id.toLowerCase());
    if (!t) return notFound(reply, 'taxonomy term');
    return notModified(req, reply, ix) ? reply : reply.send(t);
  });

  // anything else under the API is a JSON 404 that still carries the CORS header
  app.get(`${API_PREFIX}/*`, async (_req, reply) => reply.code(404).send({ error: 'Not Found', message: 'There is nothing at this address.', statusCode: 404 }));
}
