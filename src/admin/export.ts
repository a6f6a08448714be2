/**
 * Export of the published content (/admin/export), for reviewers and admins: the content pack as its
 * YAML folder in a .tar.gz (loadable by `content:check` and `content:publish`), and the pack's
 * services as an Open Referral UK feed (the API's own mapping, every service fully nested, in the
 * profile's page wrapper, so `npm run import:oruk` and other directories can read it).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { packIndexState } from '../api/repository.js';
import { ORUK_PROFILE, ORUK_VERSION } from '../api/routes.js';
import { packFiles } from '../content/export.js';
import type { PublishedContent } from '../content/published.js';
import type { Service } from '../content/schema.js';
import { tarGz } from '../content/tar.js';
import type { Store } from '../store/store.js';
import type { Actor, AuditLog } from './audit.js';
import { safeFileName } from './csv.js';
import { packSections } from '../sections.js';

/** The published pack as a .tar.gz of its folder (named after the pack and the day), with its version. */
export async function packArchive(store: Store): Promise<{ name: string; folder: string; data: Buffer; version: number }> {
  const snapshot = await store.snapshot(async (trx) => ({ pack: await store.content.loadPack(trx), version: await store.content.version(trx) }));
  if (!snapshot.pack) throw new Error('No content has been published yet');
  const today = new Date().toISOString().slice(0, 10);
  const folder = safeFileName(`${snapshot.pack.manifest.id} ${today}`, 'x').slice(0, -2);
  const data = tarGz(folder, packFiles(snapshot.pack, packSections, { version: snapshot.version }));
  return { name: `${folder}.tar.gz`, folder, data, version: snapshot.version };
}

/** The pack's services as one page of the profile's service list, each service fully nested. */
export async function orukFeed(store: Store): Promise<{ name: string; json: string; count: number }> {
  const { pack, rows } = await store.snapshot(async (trx) => ({
    pack: await store.content.loadPack(trx),
    rows: await trx.selectFrom('service').select(['oruk_id', 'modified_at', 'json']).orderBy('name').execute(),
  }));
  if (!pack) throw new Error('No content has been published yet');
  const { mapper } = packIndexState(pack);
  const contents = rows.map((r) => mapper.full(JSON.parse(r.json) as Service, r.oruk_id, r.modified_at));
  const page = {
    total_items: contents.length,
    total_pages: 1,
    page_number: 1,
    size: contents.length,
    first_page: true,
    last_page: true,
    empty: contents.length === 0,
    contents,
  };
  const name = safeFileName(`${pack.manifest.id} oruk ${ORUK_VERSION} ${new Date().toISOString().slice(0, 10)}`, 'json');
  return { name, json: JSON.stringify(page, null, 2), count: contents.length };
}

export interface ExportRouteDeps {
  store: Store;
  published: PublishedContent;
  audit: AuditLog;
  actorOf: (request: FastifyRequest) => Actor;
  signedIn: preHandlerAsyncHookHandler;
  render: (reply: FastifyReply, template: string, context?: Record<string, unknown>) => unknown;
}

export async function exportRoutes(app: FastifyInstance, deps: ExportRouteDeps): Promise<void> {
  const guarded = { preHandler: deps.signedIn };
  const attachment = (reply: FastifyReply, type: string, name: string) => reply.type(type).header('content-disposition', `attachment; filename="${name}"`).header('x-content-type-options', 'nosniff');

  app.get('/export', guarded, async (_request, reply) => {
    const pack = deps.published.pack();
    return deps.render(reply, 'export.njk', {
      title: 'Export the published content',
      version: deps.published.version(),
      serviceCount: pack.services.length,
      orukVersion: ORUK_VERSION,
      orukProfile: ORUK_PROFILE,
    });
  });

  app.get('/export/pack.tar.gz', guarded, async (request, reply) => {
    const archive = await packArchive(deps.store);
    await deps.audit.record({ actor: deps.actorOf(request), action: 'content-exported', recordType: 'content', recordId: archive.version, detail: { format: 'pack' } });
    return attachment(reply, 'application/gzip', archive.name).send(archive.data);
  });

  app.get('/export/oruk.json', guarded, async (request, reply) => {
    const feed = await orukFeed(deps.store);
    await deps.audit.record({ actor: deps.actorOf(request), action: 'content-exported', recordType: 'content', recordId: deps.published.version(), detail: { format: 'oruk', services: feed.count } });
    return attachment(reply, 'application/json; charset=utf-8', feed.name).send(feed.json);
  });
}
