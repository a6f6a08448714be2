/**
 * The API's index tables and their queries. The routes answer lists from the in-memory form of these
 * tables (service-index.ts); the SQL list queries here are the reference it is tested against. List
 * items are stored as JSON ready to send.
 *
 * The pack's part of the index is written in the pack's publish transaction (`writePackApiIndex`,
 * a publish step); imported feeds write their part in their own publish (import.ts).
 */
import { type ExpressionBuilder, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../store/database.js';
import type { ContentPack, Service } from '../content/schema.js';
import type { Store } from '../store/store.js';
import { packServiceMapper, type IndexEntry, type Json, type PackMapper } from './oruk-service.js';
import { buildTaxonomies, type PackTaxonomies } from './taxonomies.js';
import type { ApiTables } from './tables.js';
import type { Bitset } from '../collections/bitset.js';

export type ApiDb = Kysely<Database & ApiTables>;
type ApiTrx = Transaction<Database & ApiTables>;

export interface ServiceFilters {
  /** normalised search words; each must appear (in the search text of an imported feed's services, when `packMatches` is given) */
  searchWords?: string[];
  /**
   * With a search: the pack's services that "Find services" finds with every word of it (see
   * `ServiceIndex.servicesWithEveryWord` in src/directory/search.ts), as positions in the pack's list
   * of services, whose ids `ids` gives. A pack service must be one of them.
   */
  packMatches?: PackMatches;
  /** a term and, for a parent term, its children: any of them */
  termIds?: string[];
  taxonomyId?: string;
  /**
   * The term or taxonomy is one every pack service has (the expectation card's parts, all required):
   * the index leaves those out, so the filter matches every pack service instead.
   */
  termMatchesEveryPackService?: boolean;
  taxonomyMatchesEveryPackService?: boolean;
  minimumAge?: number;
  maximumAge?: number;
  /** RRULE day code */
  day?: string;
  /** HH:MM:SS */
  startTime?: string;
  endTime?: string;
  /** ISO timestamp (toISOString form) */
  modifiedAfter?: string;
}

export interface PackMatches {
  /** positions in `ids` */
  set: Bitset;
  /** the Open Referral UK id of each of the pack's services, in the pack's order */
  ids: readonly string[];
}

export interface Page<T> {
  total: number;
  rows: T[];
}

const CHUNK = 200;
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function apiDb(db: Kysely<Database>): ApiDb {
  return db.withTables<ApiTables>();
}

/** Removes an owner's part of the index ("pack" or "feed:<id>"). */
export async function clearIndex(trx: ApiTrx, owner: string): Promise<void> {
  await trx.deleteFrom('api_service_term').where('owner', '=', owner).execute();
  await trx.deleteFrom('api_service_schedule').where('owner', '=', owner).execute();
  await trx.deleteFrom('api_service_at_location').where('owner', '=', owner).execute();
  await trx.deleteFrom('api_service').where('owner', '=', owner).execute();
}

export async function writeIndex(trx: ApiTrx, owner: string, entries: IndexEntry[]): Promise<void> {
  const services = entries.map((e) => ({
    id: e.id,
    owner,
    slug: e.slug,
    sort_name: e.name.toLowerCase(),
    search_text: e.searchText,
    status: e.status,
    min_age: e.minAge,
    max_age: e.maxAge,
    modified_at: e.modifiedAt,
    list_json: JSON.stringify(e.list),
    full_json: e.full ? JSON.stringify(e.full) : null,
  }));
  for (const part of chunks(services, 100)) await trx.insertInto('api_service').values(part).execute();
  const terms = entries.flatMap((e) => e.terms.map((t) => ({ owner, service_id: e.id, term_id: t.termId, taxonomy_id: t.taxonomyId })));
  for (const part of chunks(terms, 1000)) await trx.insertInto('api_service_term').values(part).execute();
  const schedules = entries.flatMap((e) => e.schedules.map((s) => ({ owner, service_id: e.id, day: s.day, opens_at: s.opensAt, closes_at: s.closesAt })));
  for (const part of chunks(schedules, 1000)) await trx.insertInto('api_service_schedule').values(part).execute();
  const sals = entries.flatMap((e) => e.serviceAtLocations.map((s) => ({ id: s.id, owner, service_id: e.id, sort_name: e.name.toLowerCase(), json: JSON.stringify(s.json) })));
  for (const part of chunks(sals)) await trx.insertInto('api_service_at_location').values(part).execute();
}

export interface PackIndexState {
  taxonomies: PackTaxonomies;
  mapper: PackMapper;
}

const packStates = new WeakMap<ContentPack, PackIndexState>();

/** The pack's taxonomies and its mapping to the profile's records, built once per published pack. */
export function packIndexState(pack: ContentPack): PackIndexState {
  let state = packStates.get(pack);
  if (!state) {
    const taxonomies = buildTaxonomies(pack.manifest, pack.levels, pack.needAreas);
    state = { taxonomies, mapper: packServiceMapper({ manifest: pack.manifest, needAreas: pack.needAreas, taxonomies }) };
    packStates.set(pack, state);
  }
  return state;
}

/**
 * Writes the pack's part of the index, in the pack's publish transaction (a PublishStep): the API
 * never writes while answering a request.
 */
export async function writePackApiIndex(tx: Transaction<Database>, pack: ContentPack, importId: number): Promise<void> {
  const trx = tx.withTables<ApiTables>();
  const { mapper } = packIndexState(pack);
  const rows = await trx.selectFrom('service').select(['oruk_id', 'modified_at', 'json']).execute();
  const entries = rows.map((r) => mapper.index(JSON.parse(r.json) as Service, r.oruk_id, r.modified_at));
  await clearIndex(trx, 'pack');
  // the pack wins an id clash with an imported feed (the import refuses such ids; this covers a
  // feed imported before the pack that now holds the id)
  const packIds = trx.selectFrom('service').select('oruk_id');
  await trx.deleteFrom('api_service_term').where('service_id', 'in', packIds).execute();
  await trx.deleteFrom('api_service_schedule').where('service_id', 'in', packIds).execute();
  await trx.deleteFrom('api_service_at_location').where('service_id', 'in', packIds).execute();
  await trx.deleteFrom('api_service').where('id', 'in', packIds).execute();
  await writeIndex(trx, 'pack', entries);
  await trx
    .insertInto('api_index_state')
    .values({ name: 'pack_import_id', value: String(importId) })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: String(importId) }))
    .execute();
}

/**
 * On start: a database whose pack index was written for an older import (by an older version of
 * the app) gets it written again, as a publish. Nothing is written when it is current.
 */
export async function ensurePackApiIndex(store: Store): Promise<boolean> {
  const db = apiDb(store.db);
  const latest = await store.content.latestImport();
  if (!latest) return false;
  const state = await db.selectFrom('api_index_state').select('value').where('name', '=', 'pack_import_id').executeTakeFirst();
  if (state?.value === String(latest.id)) return false;
  await store.publish('pack', async (trx) => {
    const pack = await store.content.loadPack(trx);
    if (pack) await writePackApiIndex(trx, pack, latest.id);
  });
  return true;
}

/** The filters as one condition. */
function serviceFilter(eb: ExpressionBuilder<Database & ApiTables, 'api_service'>, f: ServiceFilters): Expression<SqlBool> {
  const c: Array<Expression<SqlBool>> = [];
  const id = eb.ref('api_service.id');
  // search words are normalised to letters and digits, so they hold no LIKE wildcards
  const words = (f.searchWords ?? []).map((w) => eb('api_service.search_text', 'like', `%${w}%`));
  if (f.packMatches) {
    const ids = f.packMatches.set.slice(0, f.packMatches.ids.length).map((p) => f.packMatches!.ids[p]!);
    c.push(
      eb.or([
        eb.and([eb('api_service.owner', '=', 'pack'), ids.length > 0 ? eb('api_service.id', 'in', ids) : eb.lit(false)]),
        eb.and([eb('api_service.owner', '<>', 'pack'), ...words]),
      ]),
    );
  } else c.push(...words);
  const orEveryPackService = (every: boolean | undefined, e: Expression<SqlBool>) => (every ? eb.or([eb('api_service.owner', '=', 'pack'), e]) : e);
  if (f.termIds) c.push(orEveryPackService(f.termMatchesEveryPackService, eb(id, 'in', eb.selectFrom('api_service_term').select('api_service_term.service_id').where('api_service_term.term_id', 'in', f.termIds))));
  if (f.taxonomyId) c.push(orEveryPackService(f.taxonomyMatchesEveryPackService, eb(id, 'in', eb.selectFrom('api_service_term').select('api_service_term.service_id').where('api_service_term.taxonomy_id', '=', f.taxonomyId))));
  if (f.minimumAge !== undefined) c.push(eb('api_service.min_age', '>=', f.minimumAge));
  if (f.maximumAge !== undefined) c.push(eb('api_service.max_age', '<=', f.maximumAge));
  if (f.day !== undefined || f.startTime !== undefined || f.endTime !== undefined) {
    // day, start and end apply to the same schedule: "open on Monday from 17:00" means one session
    let schedules = eb.selectFrom('api_service_schedule').select('api_service_schedule.service_id');
    if (f.day !== undefined) schedules = schedules.where('api_service_schedule.day', '=', f.day);
    if (f.startTime !== undefined) schedules = schedules.where('api_service_schedule.opens_at', '>=', f.startTime);
    if (f.endTime !== undefined) schedules = schedules.where('api_service_schedule.closes_at', '<=', f.endTime);
    c.push(eb(id, 'in', schedules));
  }
  if (f.modifiedAfter !== undefined) c.push(eb('api_service.modified_at', '>=', f.modifiedAfter));
  return eb.and(c);
}

/** A page of a list: the number of matching rows, then, when the page is not past the end, its rows. */
async function countThenPage<R>(count: () => Promise<{ n: number | string | bigint }>, rows: (offset: number) => Promise<R[]>, page: number, perPage: number): Promise<Page<R>> {
  const total = Number((await count()).n);
  const offset = (page - 1) * perPage;
  return { total, rows: offset >= total ? [] : await rows(offset) };
}

export async function listServices(db: ApiDb, f: ServiceFilters, page: number, perPage: number): Promise<Page<string>> {
  const counted = () =>
    db
      .selectFrom('api_service')
      .where((eb) => serviceFilter(eb, f))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
  const listed = (offset: number) =>
    db
      .selectFrom('api_service')
      .where((eb) => serviceFilter(eb, f))
      .select('list_json')
      .orderBy('sort_name')
      .orderBy('id')
      .limit(perPage)
      .offset(offset)
      .execute();
  const { total, rows } = await countThenPage(counted, listed, page, perPage);
  return { total, rows: rows.map((r) => r.list_json) };
}

/** The fully nested service: stored for imported ones, mapped now for the pack's. */
async function fullService(db: ApiDb, state: PackIndexState | undefined, row: { owner: string; full_json: string | null; id: string }): Promise<string | undefined> {
  if (row.full_json !== null) return row.full_json;
  if (row.owner !== 'pack' || !state) return undefined;
  const s = await db.selectFrom('service').select(['json', 'modified_at']).where('oruk_id', '=', row.id).executeTakeFirst();
  return s && JSON.stringify(state.mapper.full(JSON.parse(s.json) as Service, row.id, s.modified_at));
}

export async function getService(db: ApiDb, state: PackIndexState | undefined, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('api_service').select(['id', 'owner', 'full_json']).where('id', '=', id).executeTakeFirst();
  return row && fullService(db, state, row);
}

export async function listServiceAtLocations(db: ApiDb, f: ServiceFilters, page: number, perPage: number): Promise<Page<Json>> {
  const matching = (eb: ExpressionBuilder<Database & ApiTables, 'api_service_at_location'>) =>
    eb('api_service_at_location.service_id', 'in', eb.selectFrom('api_service').select('api_service.id').where((e) => serviceFilter(e, f)));
  const counted = () =>
    db
      .selectFrom('api_service_at_location')
      .where(matching)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
  const listed = (offset: number) =>
    db
      .selectFrom('api_service_at_location')
      .innerJoin('api_service', 'api_service.id', 'api_service_at_location.service_id')
      .where(matching)
      .select(['api_service_at_location.json', 'api_service.list_json'])
      .orderBy('api_service_at_location.sort_name')
      .orderBy('api_service_at_location.id')
      .limit(perPage)
      .offset(offset)
      .execute();
  const { total, rows } = await countThenPage(counted, listed, page, perPage);
  return { total, rows: rows.map((r) => serviceAtLocationListItem(JSON.parse(r.json) as Json, JSON.parse(r.list_json) as Json)) };
}

export function serviceAtLocationListItem(sal: Json, service: Json): Json {
  const location = sal['location'] && typeof sal['location'] === 'object' ? (sal['location'] as Json) : undefined;
  const out: Json = { id: sal['id'], service_id: sal['service_id'] };
  if (typeof sal['location_id'] === 'string') out['location_id'] = sal['location_id'];
  else if (location && typeof location['id'] === 'string') out['location_id'] = location['id'];
  if (location) {
    const l: Json = {};
    for (const k of ['id', 'location_type', 'name', 'description', 'latitude', 'longitude', 'external_identifier', 'external_identifier_type']) if (location[k] !== undefined) l[k] = location[k];
    out['location'] = l;
  }
  out['service'] = service;
  return out;
}

/** The service_at_location with its nested location and the fully nested service. */
export async function getServiceAtLocation(db: ApiDb, state: PackIndexState | undefined, id: string): Promise<Json | undefined> {
  const row = await db
    .selectFrom('api_service_at_location')
    .innerJoin('api_service', 'api_service.id', 'api_service_at_location.service_id')
    .select(['api_service_at_location.json', 'api_service.id', 'api_service.owner', 'api_service.full_json'])
    .where('api_service_at_location.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const service = await fullService(db, state, row);
  if (!service) return undefined;
  return { ...(JSON.parse(row.json) as Json), service: JSON.parse(service) as Json };
}
