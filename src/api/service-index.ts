/**
 * The API's lists, answered from memory. The index tables (api_service*, written by the pack sync and
 * by feed imports) are read once per import into position sets and ready-to-send JSON strings, in the
 * tables' name order; a list request then ANDs a few position sets, counts them and joins one page of
 * strings. No request reads every record, and varied pages, filters and searches all cost about the
 * same as a repeated one (a list page at 20,000 services: see bench/directory.ts).
 *
 * Results are exactly those of the SQL queries in repository.ts (`listServices`,
 * `listServiceAtLocations`), which stay as the reference the tests compare against.
 */
import type { Json } from './oruk-service.js';
import { Bitset } from '../collections/bitset.js';
import { Ordered } from './positions.js';
import { serviceAtLocationListItem, type ApiDb, type PackMatches, type Page, type ServiceFilters } from './repository.js';

interface Schedule {
  position: number;
  opensAt: string | null;
  closesAt: string | null;
}

export interface ServiceIndex {
  /** the content version the index was read at: every publish (pack or feed) changes it */
  version: number;
  /** when the newest import behind this index ran: the lists' Last-Modified */
  lastModified: Date;
  size: number;
  /**
   * position → the service's list item (the profile's service_list), serialised and UTF-8 encoded
   * once: a page of results is these bytes copied, not a long string encoded again per response
   */
  listJson: Buffer[];
  pack: Bitset;
  terms: Map<string, Bitset>;
  taxonomies: Map<string, Bitset>;
  minAge: Ordered<number>;
  maxAge: Ordered<number>;
  modifiedAt: Ordered<string>;
  /** schedules by day ("" for the schedules that name no day), each sorted by opening time */
  schedulesByDay: Map<string, Schedule[]>;
  allSchedules: Schedule[];
  /** the services with a schedule on each day: a `day` filter without times */
  openOnDay: Map<string, Bitset>;
  /**
   * Each distinct search-text word and its services: as a list, or as a set when that is smaller (a
   * word most services have), so a common word is one OR rather than thousands of additions.
   */
  vocabulary: Array<{ word: string; positions: Uint32Array | Bitset }>;
  /**
   * Every one-, two- and three-letter piece of the vocabulary's words → the words holding it, so a
   * search word is matched against a few candidate words rather than the whole vocabulary.
   */
  pieces: Map<string, Uint32Array>;
  /** each service's position by its id */
  positionOf: Map<string, number>;
  /** service_at_location list items in their name order, with their service's position */
  serviceAtLocations: Array<{ position: number; json: Buffer }>;
}

function bySchedule(a: Schedule, b: Schedule): number {
  // nulls first: they never match a time filter, and the search below starts past them
  const x = a.opensAt ?? '';
  const y = b.opensAt ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Reads the index tables into memory. About half a second at 20,000 services; once per import. */
export async function loadServiceIndex(db: ApiDb): Promise<ServiceIndex> {
  // one read transaction: an import committing meanwhile cannot give a half-old, half-new index
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
    const versionRow = await trx
      .selectFrom('content_version')
      .select((eb) => eb.fn.max('id').as('n'))
      .executeTakeFirst();
    const version = Number(versionRow?.n ?? 0);
    const rows = await trx
      .selectFrom('api_service')
      .select(['id', 'owner', 'search_text', 'min_age', 'max_age', 'modified_at', 'list_json'])
      .orderBy('sort_name')
      .orderBy('id')
      .execute();
    const size = rows.length;
    const position = new Map<string, number>();
    const listJson: Buffer[] = new Array(size);
    const pack = new Bitset(size);
    const words = new Map<string, number[]>();
    rows.forEach((r, i) => {
      position.set(r.id, i);
      listJson[i] = Buffer.from(r.list_json, 'utf8');
      if (r.owner === 'pack') pack.add(i);
      for (const w of r.search_text.split(' ')) {
        if (!w) continue;
        const list = words.get(w);
        if (!list) words.set(w, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    const minAge = Ordered.build<number>(size, (i) => rows[i]!.min_age);
    const maxAge = Ordered.build<number>(size, (i) => rows[i]!.max_age);
    const modifiedAt = Ordered.build<string>(size, (i) => rows[i]!.modified_at);

    const terms = new Map<string, number[]>();
    const taxonomies = new Map<string, number[]>();
    const termRows = await trx.selectFrom('api_service_term').select(['service_id', 'term_id', 'taxonomy_id']).execute();
    for (const t of termRows) {
      const p = position.get(t.service_id);
      if (p === undefined) continue;
      const add = (map: Map<string, number[]>, key: string) => {
        const list = map.get(key);
        if (list) list.push(p);
        else map.set(key, [p]);
      };
      add(terms, t.term_id);
      if (t.taxonomy_id !== null) add(taxonomies, t.taxonomy_id);
    }
    const toSets = (map: Map<string, number[]>) => new Map([...map].map(([k, v]) => [k, Bitset.of(size, v)]));

    const schedulesByDay = new Map<string, Schedule[]>();
    const allSchedules: Schedule[] = [];
    for (const s of await trx.selectFrom('api_service_schedule').select(['service_id', 'day', 'opens_at', 'closes_at']).execute()) {
      const p = position.get(s.service_id);
      if (p === undefined) continue;
      const schedule = { position: p, opensAt: s.opens_at, closesAt: s.closes_at };
      allSchedules.push(schedule);
      const day = s.day ?? '';
      const list = schedulesByDay.get(day);
      if (list) list.push(schedule);
      else schedulesByDay.set(day, [schedule]);
    }
    allSchedules.sort(bySchedule);
    for (const list of schedulesByDay.values()) list.sort(bySchedule);
    const openOnDay = new Map([...schedulesByDay].map(([day, list]) => [day, Bitset.of(size, list.map((x) => x.position))]));

    const salRows = await trx
      .selectFrom('api_service_at_location')
      .select(['service_id', 'json'])
      .orderBy('sort_name')
      .orderBy('id')
      .execute();
    const serviceAtLocations: ServiceIndex['serviceAtLocations'] = [];
    for (const s of salRows) {
      const p = position.get(s.service_id);
      if (p === undefined) continue;
      const item = serviceAtLocationListItem(JSON.parse(s.json) as Json, JSON.parse(rows[p]!.list_json) as Json);
      serviceAtLocations.push({ position: p, json: Buffer.from(JSON.stringify(item), 'utf8') });
    }

    const packTime = await trx.selectFrom('content_import').select('imported_at').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const feedTime = await trx.selectFrom('oruk_feed').select((eb) => eb.fn.max('imported_at').as('t')).executeTakeFirst();
    const times = [packTime?.imported_at, feedTime?.t].filter((t): t is string => typeof t === 'string').map((t) => Date.parse(t)).filter((t) => Number.isFinite(t));
    // HTTP dates have whole seconds: round down, so an If-Modified-Since echoed back compares equal
    const lastModified = new Date(Math.floor(Math.max(0, ...times) / 1000) * 1000);

    // a list of n positions takes 4n bytes, a set size/8
    const vocabulary = [...words].map(([word, positions]) => ({ word, positions: positions.length * 32 > size ? Bitset.of(size, positions) : Uint32Array.from(positions) }));
    return {
      version,
      lastModified,
      size,
      listJson,
      pack,
      terms: toSets(terms),
      taxonomies: toSets(taxonomies),
      minAge,
      maxAge,
      modifiedAt,
      schedulesByDay,
      allSchedules,
      openOnDay,
      vocabulary,
      pieces: wordPieces(vocabulary.map((v) => v.word)),
      positionOf: position,
      serviceAtLocations,
    };
  });
}

function wordPieces(words: string[]): Map<string, Uint32Array> {
  const pieces = new Map<string, number[]>();
  words.forEach((word, w) => {
    for (let n = 1; n <= 3; n++) {
      for (let i = 0; i + n <= word.length; i++) {
        const piece = word.slice(i, i + n);
        const list = pieces.get(piece);
        if (!list) pieces.set(piece, [w]);
        else if (list[list.length - 1] !== w) list.push(w);
      }
    }
  });
  return new Map([...pieces].map(([k, v]) => [k, Uint32Array.from(v)]));
}

/** Each of the pack's services' position in the index (−1 when absent), worked out once per index and pack. */
const packPlaces = new WeakMap<ServiceIndex, { ids: readonly string[]; at: Int32Array }>();

/** The pack's services a search found (positions in the pack's list), as positions in the index. */
const packMatchCache = new WeakMap<Bitset, { index: ServiceIndex; set: Bitset }>();
function packPositions(index: ServiceIndex, matches: PackMatches): Bitset {
  // the directory keeps the sets of recent searches: each is turned into the index's positions once
  const cached = packMatchCache.get(matches.set);
  if (cached?.index === index) return cached.set;
  let places = packPlaces.get(index);
  if (places?.ids !== matches.ids) {
    const at = Int32Array.from(matches.ids, (id) => {
      const p = index.positionOf.get(id);
      return p !== undefined && index.pack.has(p) ? p : -1;
    });
    packPlaces.set(index, (places = { ids: matches.ids, at }));
  }
  const set = new Bitset(index.size);
  for (const p of matches.set.slice(0, matches.ids.length)) {
    const at = places.at[p]!;
    if (at >= 0) set.add(at);
  }
  packMatchCache.set(matches.set, { index, set });
  return set;
}

/** The services a search word is in: any search-text word containing it (as SQL `LIKE '%word%'`). */
function searchWord(index: ServiceIndex, word: string): Bitset {
  if (word === '') return Bitset.full(index.size);
  const out = new Bitset(index.size);
  // candidates: the words holding the search word's rarest piece (all its pieces when it is short)
  let candidates: Uint32Array | undefined;
  for (let i = 0; i + Math.min(3, word.length) <= word.length; i++) {
    const list = index.pieces.get(word.slice(i, i + 3));
    if (!list) return out;
    if (!candidates || list.length < candidates.length) candidates = list;
  }
  for (const w of candidates ?? []) {
    const v = index.vocabulary[w]!;
    if (!v.word.includes(word)) continue;
    if (v.positions instanceof Bitset) out.orWith(v.positions);
    else for (const p of v.positions) out.add(p);
  }
  return out;
}

function fromSchedules(index: ServiceIndex, f: ServiceFilters): Bitset {
  if (f.day !== undefined && f.startTime === undefined && f.endTime === undefined) return index.openOnDay.get(f.day)?.clone() ?? new Bitset(index.size);
  const out = new Bitset(index.size);
  const list = f.day !== undefined ? (index.schedulesByDay.get(f.day) ?? []) : index.allSchedules;
  let start = 0;
  if (f.startTime !== undefined) {
    // sorted by opening time: skip those opening before the start time (and those with none)
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const o = list[mid]!.opensAt;
      if (o === null || o < f.startTime) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  for (let i = start; i < list.length; i++) {
    const s = list[i]!;
    if (f.endTime !== undefined && (s.closesAt === null || s.closesAt > f.endTime)) continue;
    out.add(s.position);
  }
  return out;
}

/** The positions matching every filter, or undefined for "every service" (no filter given). */
export function matching(index: ServiceIndex, f: ServiceFilters): Bitset | undefined {
  let set: Bitset | undefined;
  const and = (p: Bitset) => {
    set = set ? set.andWith(p) : p;
  };
  const orEveryPackService = (every: boolean | undefined, p: Bitset) => (every ? p.orWith(index.pack) : p);
  // the most selective sets tend to come first, so later ones AND into a sparse set (same result either way)
  if (f.termIds) {
    const p = new Bitset(index.size);
    for (const id of f.termIds) {
      const t = index.terms.get(id);
      if (t) p.orWith(t);
    }
    and(orEveryPackService(f.termMatchesEveryPackService, p));
  }
  if (f.taxonomyId !== undefined) {
    const t = index.taxonomies.get(f.taxonomyId);
    and(orEveryPackService(f.taxonomyMatchesEveryPackService, t ? t.clone() : new Bitset(index.size)));
  }
  if (f.searchWords) {
    const words = Bitset.full(index.size);
    for (const w of f.searchWords) words.andWith(searchWord(index, w));
    if (f.packMatches) words.andNotWith(index.pack).orWith(packPositions(index, f.packMatches));
    and(words);
  }
  if (f.day !== undefined || f.startTime !== undefined || f.endTime !== undefined) and(fromSchedules(index, f));
  if (f.modifiedAfter !== undefined) and(index.modifiedAt.atLeast(f.modifiedAfter));
  // services without ages match neither, as in SQL (a comparison with null is not true)
  if (f.minimumAge !== undefined) and(index.minAge.atLeast(f.minimumAge));
  if (f.maximumAge !== undefined) and(index.maxAge.atMost(f.maximumAge));
  return set;
}

/** One page of /services: the total and the page's items, serialised. */
export function pageOfServices(index: ServiceIndex, f: ServiceFilters, page: number, perPage: number): Page<Buffer> {
  const set = matching(index, f);
  const offset = (page - 1) * perPage;
  if (!set) return { total: index.size, rows: index.listJson.slice(offset, offset + perPage) };
  return { total: set.count(), rows: set.slice(offset, perPage).map((p) => index.listJson[p]!) };
}

/** One page of /service_at_locations: the total and the page's items, serialised. */
export function pageOfServiceAtLocations(index: ServiceIndex, f: ServiceFilters, page: number, perPage: number): Page<Buffer> {
  const set = matching(index, f);
  const offset = (page - 1) * perPage;
  const all = index.serviceAtLocations;
  if (!set) return { total: all.length, rows: all.slice(offset, offset + perPage).map((s) => s.json) };
  const rows: Buffer[] = [];
  let total = 0;
  for (const s of all) {
    if (!set.has(s.position)) continue;
    if (total >= offset && rows.length < perPage) rows.push(s.json);
    total++;
  }
  return { total, rows };
}
