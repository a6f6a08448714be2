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
import { apiDb, getService, getServiceAtLocation, listServiceAtLocations, listServices, syncPackIndex, type PackIndexState } from './repository.js';
import { taxonomyJson } from './taxonomies.js';

export const API_PREFIX = '/api/v1';
export const ORUK_VERSION = '3.0';
export const ORUK_PROFILE = 'https://github.com/openreferral/uk-profile';

/** The profile's own OpenAPI file, copied unchanged into src/api/oruk (CC BY-SA 4.0, Open Referral). */
function readOpenApi(): string {
  return readFileSync(join(projectRoot(), 'src', 'api', 'oruk', 'openapi.json'), 'utf8');
}

/** The profile's page wrapper around already-serialised items. */
export function pageJson(total: number, paging: Paging, items: string[]): string {
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
  return `${JSON.stringify(head).slice(0, -1)},"contents":[${items.join(',')}]}`;
}

function sendJson(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}

function badRequest(reply: FastifyReply, err: BadParameter): FastifyReply {
  return reply.code(400).send({ error: 'Bad Request', message: err.message, parameter: err.parameter, statusCode: 400 });
}

function notFound(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(404).send({ error: 'Not Found', message: `There is no ${what} with this id.`, statusCode: 404 });
}

/** The scheme and host the request came in on (behind a proxy, as it reports them). */
function origin(req: FastifyRequest): string {
  const host = /^[A-Za-z0-9.\-[\]:]+$/.test(req.host) ? req.host : 'localhost';
  return `${req.protocol}://${host}`;
}

type Query = Record<string, unknown>;

export async function apiRoutes(app: FastifyInstance, { store }: ToolDeps): Promise<void> {
  const db = apiDb(store.db);
  const openApi = readOpenApi();
  let state: PackIndexState | undefined = await syncPackIndex(db);
  let syncing: Promise<PackIndexState | undefined> | undefined;

  // a republished pack is picked up on the next request; concurrent requests share one rebuild
  const current = async (): Promise<PackIndexState | undefined> => {
    syncing ??= syncPackIndex(db, state).finally(() => {
      syncing = undefined;
    });
    state = await syncing;
    return state;
  };

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
    return reply.send({ version: ORUK_VERSION, profile: ORUK_PROFILE, openapi_url: `${origin(req)}${API_PREFIX}/openapi.json` });
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
    const s = await current();
    const filters = readServiceFilters(query, s?.taxonomies);
    const page = await listServices(db, filters, paging.page, paging.perPage);
    return sendJson(reply, pageJson(page.total, paging, page.rows));
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/services/:id`, async (req, reply) => {
    checkAllowed(req.query as Query, []);
    const json = await getService(db, await current(), req.params.id.toLowerCase());
    return json ? sendJson(reply, json) : notFound(reply, 'service');
  });

  app.get(`${API_PREFIX}/service_at_locations`, async (req, reply) => {
    const query = req.query as Query;
    checkAllowed(query, serviceAtLocationParams);
    refuseLocationSearch(query);
    const paging = readPaging(query);
    const s = await current();
    const filters = readServiceFilters(query, s?.taxonomies);
    const page = await listServiceAtLocations(db, filters, paging.page, paging.perPage);
    return sendJson(
      reply,
      pageJson(
        page.total,
        paging,
        page.rows.map((r) => JSON.stringify(r)),
      ),
    );
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/service_at_locations/:id`, async (req, reply) => {
    checkAllowed(req.query as Query, []);
    const sal = await getServiceAtLocation(db, await current(), req.params.id.toLowerCase());
    return sal ? reply.send(sal) : notFound(reply, 'service at location');
  });

  app.get(`${API_PREFIX}/taxonomies`, async (req, reply) => {
    const query = req.query as Query;
    checkAllowed(query, pageParams);
    const paging = readPaging(query);
    const all = (await current())?.taxonomies.taxonomies ?? [];
    const items = all.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage).map((t) => JSON.stringify(taxonomyJson(t, false)));
    return sendJson(reply, pageJson(all.length, paging, items));
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/taxonomies/:id`, async (req, reply) => {
    checkAllowed(req.query as Query, []);
    const t = (await current())?.taxonomies.taxonomyById.get(req.params.id.toLowerCase());
    return t ? reply.send(taxonomyJson(t, true)) : notFound(reply, 'taxonomy');
  });

  app.get(`${API_PREFIX}/taxonomy_terms`, async (req, reply) => {
    const query = req.query as Query;
    checkAllowed(query, pageParams);
    const paging = readPaging(query);
    const all = [...((await current())?.taxonomies.termById.values() ?? [])];
    const items = all.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage).map((t) => JSON.stringify(t));
    return sendJson(reply, pageJson(all.length, paging, items));
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/taxonomy_terms/:id`, async (req, reply) => {
    checkAllowed(req.query as Query, []);
    const t = (await current())?.taxonomies.termById.get(req.params.id.toLowerCase());
    return t ? reply.send(t) : notFound(reply, 'taxonomy term');
  });

  // anything else under the API is a JSON 404 that still carries the CORS header
  app.get(`${API_PREFIX}/*`, async (_req, reply) => reply.code(404).send({ error: 'Not Found', message: 'There is nothing at this address.', statusCode: 404 }));
}
