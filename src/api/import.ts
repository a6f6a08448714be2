/**
 * Imports another directory's Open Referral UK feed: a JSON file (one service, an array of services, or
 * a list page with `contents`) or an https URL whose pages are all followed, each read up to a size
 * cap as it streams in. Every record is checked against the profile's service schema first (its own
 * properties only: a "__proto__" key is dropped, never inherited from), and every link in it must be
 * http or https; one bad record and nothing is imported. The import is one transaction, and a feed is
 * known by its source: importing it again updates its services (and drops the ones it no longer
 * lists) instead of adding copies.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../store/store.js';
import { indexImportedService, type Json } from './oruk-service.js';
import { clearIndex, writeIndex } from './repository.js';
import type { ApiTables } from './tables.js';
import { describeError, serviceValidator } from './schema.js';

export interface ImportProblem {
  /** the record's id, or its position ("#3") when it has no usable id */
  record: string;
  field: string;
  message: string;
}

export interface ImportResult {
  ok: boolean;
  source: string;
  feedId?: number;
  /** records read from the feed */
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  problems: ImportProblem[];
}

export interface ReadOptions {
  /** stop after this many pages (a feed that never ends) */
  maxPages?: number;
  /** the most bytes one page (or the file) may have */
  maxBytes?: number;
  /** how pages are fetched (tests); the global fetch by default */
  fetch?: typeof fetch;
}

const MAX_PAGES = 10_000;
const MAX_BYTES = 200 * 1024 * 1024;

class FeedError extends Error {}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FeedError(`${where} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function recordsOf(data: unknown, where: string): { records: unknown[]; page?: Json } {
  if (Array.isArray(data)) return { records: data };
  if (data && typeof data === 'object') {
    const o = data as Json;
    if (Array.isArray(o['contents'])) return { records: o['contents'], page: o };
    if ('id' in o) return { records: [o] };
  }
  throw new FeedError(`${where} is not an Open Referral UK feed: expected a service, a list of services or a page with "contents"`);
}

async function fetchText(url: string, maxBytes: number, fetcher: typeof fetch): Promise<string> {
  const controller = new AbortController();
  let res: Response;
  try {
    res = await fetcher(url, { headers: { accept: 'application/json' }, redirect: 'follow', signal: controller.signal });
  } catch (err) {
    throw new FeedError(`${url} could not be fetched: ${err instanceof Error ? err.message : String(err)}`);
  }
  // a redirect may not leave https
  if (res.url && new URL(res.url).protocol !== 'https:') throw new FeedError(`${url} redirected to ${res.url}, which is not https`);
  if (!res.ok) throw new FeedError(`${url} answered ${res.status} ${res.statusText}`);
  const tooLarge = () => new FeedError(`${url} is larger than ${maxBytes} bytes`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    controller.abort();
    throw tooLarge();
  }
  // counted as it arrives: a page that never ends, or lies about its length, stops at the cap
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        controller.abort();
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

/** Reads every record of a feed; throws a FeedError with a clear message when it cannot. */
export async function readFeed(source: string, opts: ReadOptions = {}): Promise<unknown[]> {
  const maxBytes = opts.maxBytes ?? MAX_BYTES;
  if (/^http:\/\//i.test(source)) throw new FeedError(`${source}: only https feeds are read, so that what is imported cannot be changed on its way`);
  if (!/^https:\/\//i.test(source)) {
    let size: number;
    try {
      size = statSync(source).size;
    } catch {
      throw new FeedError(`${source}: no such file`);
    }
    if (size > maxBytes) throw new FeedError(`${source} is larger than ${maxBytes} bytes`);
    return recordsOf(parseJson(readFileSync(source, 'utf8'), source), source).records;
  }

  const records: unknown[] = [];
  const maxPages = opts.maxPages ?? MAX_PAGES;
  let url = new URL(source);
  for (let fetched = 1; ; fetched++) {
    const { records: items, page } = recordsOf(parseJson(await fetchText(url.href, maxBytes, opts.fetch ?? fetch), url.href), url.href);
    // one at a time: spreading a very large page into push() overflows the stack
    for (const item of items) records.push(item);
    if (!page || items.length === 0 || page['last_page'] === true) break;
    const number = typeof page['page_number'] === 'number' ? page['page_number'] : Number(url.searchParams.get('page') ?? fetched);
    const totalPages = typeof page['total_pages'] === 'number' ? page['total_pages'] : undefined;
    if (totalPages !== undefined && number >= totalPages) break;
    if (page['last_page'] !== false && totalPages === undefined) break;
    if (fetched >= maxPages) throw new FeedError(`${source} has more than ${maxPages} pages`);
    url = new URL(url.href);
    url.searchParams.set('page', String(number + 1));
  }
  return records;
}

/**
 * Drops null members (feeds often send them for empty optional fields; the profile leaves them out)
 * and "__proto__" keys: JSON.parse makes such a key an ordinary property, but copied by assignment it
 * would become the copy's prototype, and the record would seem to have fields it does not have.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) if (v !== null && k !== '__proto__') out[k] = withoutNulls(v);
    return out;
  }
  return value;
}

/** the profile's link fields (format uri), and an organisation's logo */
const LINK_FIELDS = new Set(['url', 'website', 'uri', 'logo', 'schedule_link', 'term_uri']);

function isWebLink(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Every link in a record that is not an absolute http or https address, by its field path. */
export function badLinks(value: unknown, path = ''): string[] {
  const bad: string[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => bad.push(...badLinks(v, `${path}[${i}]`)));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Json)) {
      const field = path ? `${path}.${k}` : k;
      if (LINK_FIELDS.has(k) && typeof v === 'string') {
        if (!isWebLink(v)) bad.push(field);
      } else if (v && typeof v === 'object') bad.push(...badLinks(v, field));
    }
  }
  return bad;
}

/** Checks every record against the profile's service schema, and ids for duplicates. */
export function validateRecords(raw: unknown[]): { records: Json[]; problems: ImportProblem[] } {
  const validate = serviceValidator();
  const problems: ImportProblem[] = [];
  const records: Json[] = [];
  const seen = new Map<string, number>();
  raw.forEach((item, i) => {
    const position = `#${i + 1}`;
    const record = withoutNulls(item);
    const id = record && typeof record === 'object' && typeof (record as Json)['id'] === 'string' ? ((record as Json)['id'] as string) : undefined;
    const label = id ? id.slice(0, 80) : position;
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      problems.push({ record: position, field: '(record)', message: 'is not a JSON object' });
      return;
    }
    if (!validate(record)) {
      for (const e of validate.errors ?? []) problems.push({ record: label, ...describeError(e) });
      return;
    }
    const links = badLinks(record);
    if (links.length > 0) {
      for (const field of links) problems.push({ record: label, field, message: 'must be an http or https link' });
      return;
    }
    const key = (id as string).toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ record: label, field: 'id', message: `is used twice in the feed (records #${first + 1} and ${position})` });
      return;
    }
    seen.set(key, i);
    records.push({ ...(record as Json), id: key });
  });
  return { records, problems };
}

class ImportConflict extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super('conflicting ids');
  }
}

/** Writes validated records as the feed `source`, all in one transaction. */
export async function writeFeed(store: Store, source: string, records: Json[], now = new Date()): Promise<ImportResult> {
  const importedAt = now.toISOString();
  const base: ImportResult = { ok: false, source, read: records.length, created: 0, updated: 0, unchanged: 0, removed: 0, problems: [] };
  try {
    const published = await store.publish('feed', async (tx) => {
      const trx = tx.withTables<ApiTables>();
      let feed = await trx.selectFrom('oruk_feed').select('id').where('source', '=', source).executeTakeFirst();
      feed ??= await trx
        .insertInto('oruk_feed')
        .values({ source, imported_at: importedAt, service_count: 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const feedId = feed.id;

      // an id names one service across the whole API: it may not belong to the pack or to another feed
      const ids = records.map((r) => String(r['id']));
      const conflicts: ImportProblem[] = [];
      for (let i = 0; i < ids.length; i += 200) {
        const part = ids.slice(i, i + 200);
        const taken = await trx
          .selectFrom('api_service')
          .select(['id', 'owner'])
          .where('id', 'in', part)
          .where('owner', '!=', `feed:${feedId}`)
          .execute();
        const pack = await trx.selectFrom('service').select('oruk_id').where('oruk_id', 'in', part).execute();
        for (const p of pack) if (!taken.some((t) => t.id === p.oruk_id)) taken.push({ id: p.oruk_id, owner: 'pack' });
        for (const t of taken) {
          conflicts.push({ record: t.id, field: 'id', message: t.owner === 'pack' ? 'is already the id of one of the content pack’s services' : 'is already the id of a service from another imported feed' });
        }
      }
      if (conflicts.length > 0) throw new ImportConflict(conflicts);

      const previous = new Map(
        (await trx.selectFrom('oruk_service').select(['id', 'record_hash', 'modified_at']).where('feed_id', '=', feedId).execute()).map((r) => [r.id, r]),
      );
      const result = { ...base, ok: true, feedId };
      const rows = records.map((r) => {
        const json = JSON.stringify(r);
        const recordHash = createHash('sha256').update(json).digest('hex');
        const prev = previous.get(String(r['id']));
        if (!prev) result.created++;
        else if (prev.record_hash === recordHash) result.unchanged++;
        else result.updated++;
        return { feed_id: feedId, id: String(r['id']), modified_at: prev && prev.record_hash === recordHash ? prev.modified_at : importedAt, record_hash: recordHash, json };
      });
      const kept = new Set(rows.map((r) => r.id));
      result.removed = [...previous.keys()].filter((id) => !kept.has(id)).length;

      await trx.deleteFrom('oruk_service').where('feed_id', '=', feedId).execute();
      for (let i = 0; i < rows.length; i += 100) await trx.insertInto('oruk_service').values(rows.slice(i, i + 100)).execute();
      const owner = `feed:${feedId}`;
      await clearIndex(trx, owner);
      await writeIndex(
        trx,
        owner,
        records.map((r, i) => indexImportedService(r, rows[i]!.modified_at)),
      );
      await trx.updateTable('oruk_feed').set({ imported_at: importedAt, service_count: rows.length }).where('id', '=', feedId).execute();
      return result;
    });
    return published.result;
  } catch (err) {
    if (err instanceof ImportConflict) return { ...base, problems: err.problems };
    throw err;
  }
}

/** Reads, validates and imports a feed. Problems come back in the result; nothing is written unless ok. */
export async function importOrukFeed(store: Store, source: string, opts: ReadOptions & { now?: Date } = {}): Promise<ImportResult> {
  const key = /^https?:\/\//i.test(source) ? source : resolve(source);
  const empty: ImportResult = { ok: false, source: key, read: 0, created: 0, updated: 0, unchanged: 0, removed: 0, problems: [] };
  let raw: unknown[];
  try {
    raw = await readFeed(key, opts);
  } catch (err) {
    if (err instanceof FeedError) return { ...empty, problems: [{ record: '(feed)', field: '(feed)', message: err.message }] };
    throw err;
  }
  const { records, problems } = validateRecords(raw);
  if (problems.length > 0) return { ...empty, read: raw.length, problems };
  if (records.length === 0) return { ...empty, problems: [{ record: '(feed)', field: 'contents', message: 'the feed has no services' }] };
  return writeFeed(store, key, records, opts.now);
}
