/**
 * `import:oruk` as a directory manager uses it: the profile's example feeds import and show up in the
 * API; a broken feed imports nothing and says which record and field is wrong; re-running a feed
 * updates it instead of adding copies; an https feed is followed page by page (through a stand-in for
 * fetch: no network).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../content/pack-dir.js';
import { serviceOrukId } from '../content/ids.js';
import { openSqliteStore } from '../store/store.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { importOrukFeed, readFeed } from './import.js';
import { apiDb } from './repository.js';
import { ORUK_EXAMPLES } from '../../test/helpers/oruk.js';
import { publishLoadedPack } from '../publishing.js';

const EXAMPLES = ORUK_EXAMPLES;
type Json = Record<string, unknown>;
const example = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8')) as Json;

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const service = (n: number, extra: Json = {}): Json => ({ id: uuid(n), name: `Imported service ${n}`, status: 'active', description: `Service number ${n}`, ...extra });

describe('import:oruk', () => {
  let t: TestApp;
  let dir: string;
  const file = (name: string, data: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
    return p;
  };
  const api = async (url: string) => JSON.parse((await t.app.inject(url)).body) as Json;
  const importedCount = async () => Number((await apiDb(t.store.db).selectFrom('oruk_service').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await buildTestApp();
    dir = mkdtempSync(join(tmpdir(), 'isg-oruk-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    // each test starts with no imported feeds
    await apiDb(t.store.db).deleteFrom('oruk_feed').execute();
    await apiDb(t.store.db).deleteFrom('api_service').where('owner', '!=', 'pack').execute();
    await apiDb(t.store.db).deleteFrom('api_service_term').where('owner', '!=', 'pack').execute();
    await apiDb(t.store.db).deleteFrom('api_service_schedule').where('owner', '!=', 'pack').execute();
    await apiDb(t.store.db).deleteFrom('api_service_at_location').where('owner', '!=', 'pack').execute();
  });

  it('imports the profile’s full service example, which the API then serves as it was', async () => {
    const before = (await api('/api/v1/services')).total_items as number;
    const r = await importOrukFeed(t.store, join(EXAMPLES, 'service_full.json'));
    expect(r).toMatchObject({ ok: true, read: 1, created: 1, problems: [] });
    expect((await api('/api/v1/services')).total_items).toBe(before + 1);
    const served = await api(`/api/v1/services/${String(example('service_full.json')['id'])}`);
    expect(served).toEqual(example('service_full.json'));
  });

  it('imports a list page’s contents (the profile’s service_list example)', async () => {
    const r = await importOrukFeed(t.store, join(EXAMPLES, 'service_list.json'));
    expect(r).toMatchObject({ ok: true, read: 1, created: 1 });
    const listed = await api('/api/v1/services?search=community%20counselling');
    expect((listed.contents as Json[]).map((s) => s['name'])).toContain('Community Counselling');
  });

  it('rejects a feed of other things than services, record by record and field by field', async () => {
    const r = await importOrukFeed(t.store, join(EXAMPLES, 'service_at_location_full.json'));
    expect(r.ok).toBe(false);
    const id = String(example('service_at_location_full.json')['id']);
    expect(r.problems).toEqual(expect.arrayContaining([{ record: id, field: 'name', message: 'is required' }, { record: id, field: 'status', message: 'is required' }]));
    expect(await importedCount()).toBe(0);
  });

  it('imports nothing from a file that is not JSON, or not a feed', async () => {
    for (const [name, text, message] of [
      ['broken.json', '{"contents": [', /not valid JSON/],
      ['number.json', '42', /not an Open Referral UK feed/],
      ['empty.json', '{"contents": []}', /no services/],
    ] as const) {
      const r = await importOrukFeed(t.store, file(name, text));
      expect(r.ok).toBe(false);
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]!.message).toMatch(message);
    }
    expect((await importOrukFeed(t.store, join(dir, 'missing.json'))).problems[0]!.message).toMatch(/no such file/);
    expect(await importedCount()).toBe(0);
  });

  it('imports nothing when one record fails the schema, and names each bad record and field', async () => {
    const r = await importOrukFeed(
      t.store,
      file('one-bad.json', [
        service(1),
        service(2, { status: 'open', email: 'not an email' }),
        service(3, { schedules: [{ id: 'x' }] }),
        { name: 'No id', status: 'active' },
        'not a service',
      ]),
    );
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(
      expect.arrayContaining([
        { record: uuid(2), field: 'status', message: 'must be one of: active, inactive, defunct, temporarily closed' },
        { record: uuid(2), field: 'email', message: expect.stringContaining('email') },
        { record: uuid(3), field: 'schedules[0].id', message: expect.stringContaining('uuid') },
        { record: '#4', field: 'id', message: 'is required' },
        { record: '#5', field: '(record)', message: 'is not a JSON object' },
      ]),
    );
    expect(r.problems.some((p) => p.record === uuid(1))).toBe(false);
    expect(await importedCount()).toBe(0);
    expect((await t.app.inject(`/api/v1/services/${uuid(1)}`)).statusCode).toBe(404);
  });

  it('refuses ids used twice in the feed, or already used by the pack or another feed', async () => {
    const dup = await importOrukFeed(t.store, file('dup.json', [service(1), service(2), service(1, { name: 'Again' })]));
    expect(dup.ok).toBe(false);
    expect(dup.problems).toEqual([{ record: uuid(1), field: 'id', message: 'is used twice in the feed (records #1 and #3)' }]);

    const packId = serviceOrukId(t.published.pack.manifest.id, t.published.pack.services[0]!.slug);
    const clash = await importOrukFeed(t.store, file('clash.json', [service(1), service(0, { id: packId })]));
    expect(clash.ok).toBe(false);
    expect(clash.problems).toEqual([{ record: packId, field: 'id', message: expect.stringContaining('content pack') }]);

    expect((await importOrukFeed(t.store, join(EXAMPLES, 'service_full.json'))).ok).toBe(true);
    // the list example describes the same service: a second feed may not claim its id
    const other = await importOrukFeed(t.store, join(EXAMPLES, 'service_list.json'));
    expect(other.ok).toBe(false);
    expect(other.problems[0]!.message).toMatch(/another imported feed/);
    expect(await importedCount()).toBe(1);
  });

  it('updates on a re-run instead of duplicating, and drops what the feed no longer lists', async () => {
    const feed = file('feed.json', [service(1), service(2)]);
    expect(await importOrukFeed(t.store, feed, { now: new Date('2026-01-01T00:00:00Z') })).toMatchObject({ ok: true, created: 2 });
    const total = (await api('/api/v1/services')).total_items as number;

    writeFileSync(feed, JSON.stringify([service(1, { name: 'Renamed service' }), service(2), service(3)]));
    expect(await importOrukFeed(t.store, feed, { now: new Date('2026-02-01T00:00:00Z') })).toMatchObject({ ok: true, created: 1, updated: 1, unchanged: 1, removed: 0 });
    expect((await api('/api/v1/services')).total_items).toBe(total + 1);
    expect((await api(`/api/v1/services/${uuid(1)}`)).name).toBe('Renamed service');
    // an unchanged record keeps its modification time
    expect((await api(`/api/v1/services/${uuid(2)}`)).last_modified).toBe('2026-01-01T00:00:00.000Z');
    expect((await api(`/api/v1/services/${uuid(1)}`)).last_modified).toBe('2026-02-01T00:00:00.000Z');
    const changed = ((await api('/api/v1/services?per_page=500&modified_after=2026-01-15')).contents as Json[]).map((s) => String(s['id']));
    expect(changed.filter((id) => id.startsWith('00000000')).sort()).toEqual([uuid(1), uuid(3)]);

    writeFileSync(feed, JSON.stringify([service(3)]));
    expect(await importOrukFeed(t.store, feed)).toMatchObject({ ok: true, unchanged: 1, removed: 2 });
    expect((await t.app.inject(`/api/v1/services/${uuid(1)}`)).statusCode).toBe(404);
    expect(await importedCount()).toBe(1);
  });

  it('drops nulls, so optional fields sent as null are left out', async () => {
    expect((await importOrukFeed(t.store, file('nulls.json', [service(1, { url: null, email: null, schedules: [null] })]))).ok).toBe(true);
    const served = await api(`/api/v1/services/${uuid(1)}`);
    expect(Object.keys(served)).not.toContain('url');
    expect(served['schedules']).toEqual([]);
  });

  it('keeps imported services when the content pack is imported again', async () => {
    await importOrukFeed(t.store, file('keep.json', [service(1)]));
    await publishLoadedPack(t.store, t.published.pack, 'another-hash');
    expect((await t.app.inject(`/api/v1/services/${uuid(1)}`)).statusCode).toBe(200);
    expect(await importedCount()).toBe(1);
  });

  describe('from a URL', () => {
    const hits: string[] = [];
    const feedPages = [[service(1), service(2)], [service(3), service(4)], [service(5)]];
    /** the feed's server, answering as fetch would (no network) */
    const feedFetch = (async (input: string | URL | Request) => {
      const url = new URL(String(input));
      hits.push(url.pathname + url.search);
      if (url.pathname === '/broken') return new Response('oops', { status: 500, statusText: 'Internal Server Error' });
      const page = Number(url.searchParams.get('page') ?? 1);
      const contents = feedPages[page - 1] ?? [];
      const body =
        url.pathname === '/bad-page' && page === 2
          ? { total_items: 5, total_pages: 3, page_number: 2, size: 1, first_page: false, last_page: false, empty: false, contents: [{ id: 'nope' }] }
          : { total_items: 5, total_pages: 3, page_number: page, size: contents.length, first_page: page === 1, last_page: page >= 3, empty: contents.length === 0, contents };
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const base = 'https://feed.example.org';

    it('follows every page', async () => {
      hits.length = 0;
      const r = await importOrukFeed(t.store, `${base}/services?per_page=2`, { fetch: feedFetch });
      expect(r).toMatchObject({ ok: true, read: 5, created: 5 });
      expect(hits).toEqual(['/services?per_page=2', '/services?per_page=2&page=2', '/services?per_page=2&page=3']);
      for (let n = 1; n <= 5; n++) expect((await t.app.inject(`/api/v1/services/${uuid(n)}`)).statusCode).toBe(200);
      // the same URL again is the same feed
      expect(await importOrukFeed(t.store, `${base}/services?per_page=2`, { fetch: feedFetch })).toMatchObject({ ok: true, unchanged: 5, created: 0 });
      expect(await importedCount()).toBe(5);
    });

    it('imports nothing when a page fails or holds a bad record', async () => {
      const failed = await importOrukFeed(t.store, `${base}/broken`, { fetch: feedFetch });
      expect(failed.ok).toBe(false);
      expect(failed.problems[0]!.message).toMatch(/answered 500/);
      const bad = await importOrukFeed(t.store, `${base}/bad-page`, { fetch: feedFetch });
      expect(bad.ok).toBe(false);
      expect(bad.problems).toEqual(expect.arrayContaining([{ record: 'nope', field: 'id', message: expect.stringContaining('uuid') }]));
      expect(await importedCount()).toBe(0);
    });

    it('reads https feeds only, and no redirect away from https', async () => {
      hits.length = 0;
      const plain = await importOrukFeed(t.store, 'http://feed.example.org/services', { fetch: feedFetch });
      expect(plain.ok).toBe(false);
      expect(plain.problems[0]!.message).toMatch(/only https feeds/);
      expect(hits).toEqual([]);
      const redirected = (async () => {
        const res = new Response('[]');
        Object.defineProperty(res, 'url', { value: 'http://feed.example.org/services' });
        return res;
      }) as typeof fetch;
      const r = await importOrukFeed(t.store, `${base}/services`, { fetch: redirected });
      expect(r.problems[0]!.message).toMatch(/not https/);
      expect(await importedCount()).toBe(0);
    });

    it('stops reading a page at the size cap as it streams in, without waiting for its end', async () => {
      let sent = 0;
      const endless = (async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              sent += 64 * 1024;
              controller.enqueue(new Uint8Array(64 * 1024).fill(32));
            },
          }),
        )) as typeof fetch;
      const r = await importOrukFeed(t.store, `${base}/services`, { fetch: endless, maxBytes: 1024 * 1024 });
      expect(r.ok).toBe(false);
      expect(r.problems[0]!.message).toMatch(/larger than 1048576 bytes/);
      expect(sent).toBeLessThan(4 * 1024 * 1024);
      const declared = (async () => new Response('[]', { headers: { 'content-length': String(10 * 1024 * 1024) } })) as typeof fetch;
      expect((await importOrukFeed(t.store, `${base}/services`, { fetch: declared, maxBytes: 1024 * 1024 })).problems[0]!.message).toMatch(/larger than/);
    });

    it('reads a very large page', async () => {
      const many = 300_000;
      const big = (async () => new Response(JSON.stringify({ contents: Array.from({ length: many }, (_, i) => i), last_page: true }))) as typeof fetch;
      expect((await readFeed(`${base}/services`, { fetch: big })).length).toBe(many);
    });
  });

  it('takes a record’s own fields only: a "__proto__" key supplies nothing', async () => {
    const sneaky = `[{"id": "${uuid(7)}", "status": "active", "__proto__": {"name": "Inherited name", "status": "active"}}]`;
    const r = await importOrukFeed(t.store, file('proto.json', sneaky));
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ record: uuid(7), field: 'name', message: 'is required' }]);
    expect(await importedCount()).toBe(0);
  });

  it('refuses links that are not http or https, which the API would serve again', async () => {
    const r = await importOrukFeed(
      t.store,
      file('links.json', [
        service(1, { url: 'javascript:alert(1)' }),
        service(2, { organization: { id: uuid(20), name: 'Org', description: 'An organisation', website: 'data:text/html;base64,PHNjcmlwdD4=' } }),
        service(3, { url: 'https://example.org/ok', schedules: [{ id: uuid(30), schedule_link: 'vbscript:msgbox' }] }),
      ]),
    );
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(
      expect.arrayContaining([
        { record: uuid(1), field: 'url', message: 'must be an http or https link' },
        { record: uuid(2), field: 'organization.website', message: 'must be an http or https link' },
        { record: uuid(3), field: 'schedules[0].schedule_link', message: 'must be an http or https link' },
      ]),
    );
    expect(await importedCount()).toBe(0);
  });

  it('runs as `npm run import:oruk -- <file>` against DATABASE_FILE, reporting problems per record', async () => {
    const db = join(dir, 'cli.sqlite');
    const run = (arg: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(projectRoot(), 'src', 'api', 'import-cli.ts'), arg], { env: { ...process.env, DATABASE_FILE: db } }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
    const good = await run(join(EXAMPLES, 'service_full.json'));
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/Imported 1 service\(s\).*1 new/);
    const bad = await run(file('cli-bad.json', [service(1, { status: 'open' })]));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`${uuid(1)}  status: must be one of`);
    const store = await openSqliteStore(db);
    try {
      expect((await apiDb(store.db).selectFrom('oruk_service').select('id').execute()).map((r) => r.id)).toEqual([String(example('service_full.json')['id'])]);
    } finally {
      await store.close();
    }
  }, 30_000);
});
