/** Reads and writes the published content pack. */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { serviceOrukId } from '../content/ids.js';
import type { ContentPack, GlossaryTerm, Level, NeedArea, PackManifest, Service } from '../content/schema.js';
import type { Database } from './database.js';

export interface ContentImport {
  id: number;
  packId: string;
  contentHash: string;
  importedAt: string;
  serviceCount: number;
}

export interface StoredService {
  service: Service;
  orukId: string;
  modifiedAt: string;
}

const CHUNK = 200;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class ContentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The published content's version: the latest publish (0 before any). */
  async version(q: Kysely<Database> = this.db): Promise<number> {
    const r = await q
      .selectFrom('content_version')
      .select((eb) => eb.fn.max('id').as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** How the pack was last published ('start' or 'pack'), if it was since versions were kept. */
  async latestPackPublishKind(): Promise<string | undefined> {
    const r = await this.db.selectFrom('content_version').select('kind').where('kind', '!=', 'feed').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r?.kind;
  }

  async latestImport(q: Kysely<Database> = this.db): Promise<ContentImport | undefined> {
    const row = await q.selectFrom('content_import').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row && { id: row.id, packId: row.pack_id, contentHash: row.content_hash, importedAt: row.imported_at, serviceCount: row.service_count };
  }

  /**
   * Replaces the published content with `pack`, inside the publish's transaction (`Store.publish`):
   * readers see the old pack or the new one, never a mix. A service whose record did not change keeps
   * its `modified_at`.
   */
  async importPack(trx: Transaction<Database>, pack: ContentPack, contentHash: string, now = new Date()): Promise<ContentImport> {
    const importedAt = now.toISOString();
    const previous = new Map((await trx.selectFrom('service').select(['slug', 'record_hash', 'modified_at']).execute()).map((r) => [r.slug, r]));
    await trx.deleteFrom('service_level').execute();
    await trx.deleteFrom('service_need_area').execute();
    await trx.deleteFrom('service').execute();
    await trx.deleteFrom('need_area').execute();
    await trx.deleteFrom('level').execute();
    await trx.deleteFrom('content_document').execute();

    const documents = [
      { name: 'manifest', json: JSON.stringify(pack.manifest) },
      { name: 'glossary', json: JSON.stringify(pack.glossary) },
      ...Object.entries(pack.sections).map(([name, value]) => ({ name: `section:${name}`, json: JSON.stringify(value) })),
    ];
    await trx.insertInto('content_document').values(documents).execute();
    await trx.insertInto('level').values(pack.levels.map((l) => ({ id: l.id, rank: l.rank, json: JSON.stringify(l) }))).execute();
    const areas = pack.needAreas.flatMap((a, i) => [
      { id: a.id, parent_id: null, position: i, name: a.name, json: JSON.stringify(a) },
      ...a.children.map((c, j) => ({ id: c.id, parent_id: a.id, position: j, name: c.name, json: JSON.stringify(c) })),
    ]);
    await trx.insertInto('need_area').values(areas).execute();

    const rows = pack.services.map((s) => {
      const json = JSON.stringify(s);
      const recordHash = createHash('sha256').update(json).digest('hex');
      const prev = previous.get(s.slug);
      return {
        slug: s.slug,
        oruk_id: serviceOrukId(pack.manifest.id, s.slug),
        name: s.name,
        summary: s.summary,
        status: s.status,
        coverage: s.coverage,
        provider_type: s.providerType,
        min_age: s.ages?.min ?? null,
        max_age: s.ages?.max ?? null,
        free: s.cost.free ? 1 : 0,
        reviewed: s.reviewed,
        modified_at: prev && prev.record_hash === recordHash ? prev.modified_at : importedAt,
        record_hash: recordHash,
        json,
      };
    });
    for (const part of chunks(rows)) await trx.insertInto('service').values(part).execute();
    const links = pack.services.flatMap((s) => s.needAreas.map((id) => ({ service_slug: s.slug, need_area_id: id })));
    for (const part of chunks(links)) await trx.insertInto('service_need_area').values(part).execute();
    const levels = pack.services.flatMap((s) => s.levels.map((id) => ({ service_slug: s.slug, level_id: id })));
    for (const part of chunks(levels)) await trx.insertInto('service_level').values(part).execute();

    const inserted = await trx
      .insertInto('content_import')
      .values({ pack_id: pack.manifest.id, content_hash: contentHash, imported_at: importedAt, service_count: pack.services.length })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: inserted.id, packId: pack.manifest.id, contentHash, importedAt, serviceCount: pack.services.length };
  }

  /** The whole published pack, as the engines take it. */
  async loadPack(q: Kysely<Database> = this.db): Promise<ContentPack | undefined> {
    const docs = new Map((await q.selectFrom('content_document').selectAll().execute()).map((d) => [d.name, d.json]));
    const manifestJson = docs.get('manifest');
    if (!manifestJson) return undefined;
    const levels = (await q.selectFrom('level').select('json').orderBy('rank').execute()).map((r) => JSON.parse(r.json) as Level);
    const needAreas = (await q.selectFrom('need_area').select('json').where('parent_id', 'is', null).orderBy('position').execute()).map(
      (r) => JSON.parse(r.json) as NeedArea,
    );
    const services = (await q.selectFrom('service').select('json').orderBy('name').execute()).map((r) => JSON.parse(r.json) as Service);
    const sections: Record<string, unknown> = {};
    for (const [name, json] of docs) if (name.startsWith('section:')) sections[name.slice('section:'.length)] = JSON.parse(json);
    return {
      manifest: JSON.parse(manifestJson) as PackManifest,
      glossary: JSON.parse(docs.get('glossary') ?? '[]') as GlossaryTerm[],
      levels,
      needAreas,
      services,
      sections,
    };
  }

  async getService(slug: string): Promise<StoredService | undefined> {
    const row = await this.db.selectFrom('service').select(['json', 'oruk_id', 'modified_at']).where('slug', '=', slug).executeTakeFirst();
    return row && { service: JSON.parse(row.json) as Service, orukId: row.oruk_id, modifiedAt: row.modified_at };
  }

  async countServices(): Promise<number> {
    const r = await this.db.selectFrom('service').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
