/**
 * What a consumer polling the API relies on: ETag and Last-Modified on every data response, 304 Not
 * Modified while nothing was imported, and fresh lists, searches and tags as soon as a feed or the
 * content pack is imported again (within seconds when another process, the import command, imports).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPack } from '../content/load.js';
import { defaultPackDir } from '../content/pack-dir.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { eventually } from '../../test/helpers/eventually.js';
import { importOrukFeed } from './import.js';
import { publishLoadedPack } from '../publishing.js';
import { packSections } from '../sections.js';

type Json = Record<string, unknown>;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('API freshness: ETag, Last-Modified, 304 and re-imports', () => {
  let t: TestApp;
  let dir: string;
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const r = await t.app.inject({ url, headers });
    return { status: r.statusCode, headers: r.headers, body: r.body, json: () => JSON.parse(r.body) as Json };
  };
  const names = async (url: string) => ((await get(url)).json()['contents'] as Json[]).map((s) => s['name']);
  const feedFile = (name: string, services: Json[]) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(services));
    return p;
  };

  beforeAll(async () => {
    t = await buildTestApp();
    dir = mkdtempSync(join(tmpdir(), 'isg-api-fresh-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends ETag and Last-Modified on lists and records, and 304 with no body when the copy is current', async () => {
    const urls = ['/api/v1/services?page=2&per_page=5', '/api/v1/service_at_locations', '/api/v1/taxonomies', '/api/v1/taxonomy_terms'];
    const one = (await get('/api/v1/services?per_page=1')).json()['contents'] as Json[];
    urls.push(`/api/v1/services/${String(one[0]!['id'])}`);
    for (const url of urls) {
      const first = await get(url);
      expect(first.status, url).toBe(200);
      const etag = String(first.headers['etag']);
      const lastModified = String(first.headers['last-modified']);
      expect(etag, url).toMatch(/^"[^"]+"$/);
      expect(new Date(lastModified).toUTCString(), url).toBe(lastModified);

      const again = await get(url, { 'if-none-match': etag });
      expect(again.status, url).toBe(304);
      expect(again.body, url).toBe('');
      expect(again.headers['etag'], url).toBe(etag);
      // other sites' scripts read the API: the 304 must carry the CORS header too
      expect(again.headers['access-control-allow-origin'], url).toBe('*');

      expect((await get(url, { 'if-none-match': `W/${etag}, "other"` })).status, url).toBe(304);
      expect((await get(url, { 'if-none-match': '"something-else"' })).status, url).toBe(200);
      expect((await get(url, { 'if-modified-since': lastModified })).status, url).toBe(304);
      expect((await get(url, { 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() })).status, url).toBe(200);
      // If-None-Match wins over If-Modified-Since
      expect((await get(url, { 'if-none-match': '"something-else"', 'if-modified-since': lastModified })).status, url).toBe(200);
    }
  });

  it('still answers a bad parameter or an unknown id with its 400 or 404, whatever the client has cached', async () => {
    const etag = String((await get('/api/v1/services')).headers['etag']);
    expect((await get('/api/v1/services?per_page=0', { 'if-none-match': etag })).status).toBe(400);
    expect((await get(`/api/v1/services/${uuid(999_999)}`, { 'if-none-match': etag })).status).toBe(404);
  });

  it('serves a re-imported feed’s new names and search words at once, under a new ETag', async () => {
    const file = feedFile('feed.json', [{ id: uuid(1), name: 'Quillwort Family Hub', status: 'active', description: 'A family hub.' }]);
    expect((await importOrukFeed(t.store, file)).ok).toBe(true);
    const before = await get('/api/v1/services?search=quillwort');
    expect((before.json()['contents'] as Json[]).map((s) => s['name'])).toEqual(['Quillwort Family Hub']);
    const etag = String(before.headers['etag']);

    feedFile('feed.json', [{ id: uuid(1), name: 'Marshmallow Family Hub', status: 'active', description: 'A family hub.' }]);
    expect((await importOrukFeed(t.store, file)).updated).toBe(1);
    const after = await get('/api/v1/services?search=quillwort', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers['etag']).not.toBe(etag);
    expect(after.json()['total_items']).toBe(0);
    expect(await names('/api/v1/services?search=marshmallow')).toEqual(['Marshmallow Family Hub']);
    expect((await get(`/api/v1/services/${uuid(1)}`)).json()['name']).toBe('Marshmallow Family Hub');
  });

  it('sees a feed imported by another process (the import command) within seconds', async () => {
    const before = (await get('/api/v1/services')).json()['total_items'] as number;
    const other = await t.openStore();
    try {
      const file = feedFile('other.json', [{ id: uuid(2), name: 'Tamarisk Youth Club', status: 'active', description: 'A youth club.' }]);
      expect((await importOrukFeed(other, file)).ok).toBe(true);
    } finally {
      await other.close();
    }
    await eventually(async () => expect((await get('/api/v1/services')).json()['total_items']).toBe(before + 1));
    expect(await names('/api/v1/services?search=tamarisk')).toEqual(['Tamarisk Youth Club']);
  });

  it('serves the pack’s new service text after a content import, under a new ETag', async () => {
    const { pack, hash } = loadPack(defaultPackDir(), packSections);
    if (!pack) throw new Error('the default pack does not load');
    const target = pack.services[0]!;
    const listed = await get('/api/v1/services?per_page=500');
    const etag = String(listed.headers['etag']);
    expect((listed.json()['contents'] as Json[]).map((s) => s['name'])).toContain(target.name);

    const renamed = pack.services.map((s) => (s.slug === target.slug ? { ...s, name: 'Zebrawood Parenting Circle' } : s));
    await publishLoadedPack(t.store, { ...pack, services: renamed }, `${hash}-renamed`);

    const after = await get('/api/v1/services?per_page=500', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers['etag']).not.toBe(etag);
    const afterNames = (after.json()['contents'] as Json[]).map((s) => s['name']);
    expect(afterNames).toContain('Zebrawood Parenting Circle');
    expect(afterNames).not.toContain(target.name);
    expect(await names('/api/v1/services?search=zebrawood')).toEqual(['Zebrawood Parenting Circle']);
  });
});
