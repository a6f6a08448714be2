/**
 * Pages without a form token carry an ETag and `Cache-Control: public, no-cache` for a CDN or a
 * reverse proxy; a current copy gets 304; pages with a form token or a cookie are never shared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishLoadedPack } from '../../src/publishing.js';
import { PAGE_CACHE_CONTROL } from '../../src/web/page-caching.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

describe('anonymous pages', () => {
  it('carry an ETag and public, no-cache; the current copy gets 304 with no body, compressed or not', async () => {
    const pages = ['/', '/accessibility', '/needs-check', `/services/${t.published.pack.services[0]!.slug}/card`];
    for (const url of pages) {
      const first = await get(url);
      expect(first.statusCode, url).toBe(200);
      expect(first.headers['cache-control'], url).toBe(PAGE_CACHE_CONTROL);
      const etag = String(first.headers['etag']);
      expect(etag, url).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
      // the same page again: the same tag (nothing in it differs per response)
      expect((await get(url)).headers['etag'], url).toBe(etag);
      const again = await get(url, { 'if-none-match': etag, 'accept-encoding': 'br' });
      expect(again.statusCode, url).toBe(304);
      expect(again.body, url).toBe('');
      expect((await get(url, { 'if-none-match': `W/${etag}` })).statusCode, url).toBe(304);
      expect((await get(url, { 'if-none-match': '"another"' })).statusCode, url).toBe(200);
    }
  });

  it('get a new ETag when new content is published', async () => {
    const before = await get('/');
    const pack = t.published.pack;
    await publishLoadedPack(t.store, { ...pack, manifest: { ...pack.manifest, tagline: 'A tagline published since.' } }, 'page-caching-test');
    const after = await get('/', { 'if-none-match': String(before.headers['etag']) });
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('A tagline published since.');
    expect(after.headers['etag']).not.toBe(before.headers['etag']);
  });
});

describe('pages that are not shared', () => {
  it('pages with a form token are no-store, with no ETag', async () => {
    for (const url of ['/services', '/ask', `/services/${t.published.pack.services[0]!.slug}`]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['cache-control'], url).toBe('no-store');
      expect(r.headers['etag'], url).toBeUndefined();
    }
  });

  it('a page not found has no ETag', async () => {
    const r = await get('/not-a-page');
    expect(r.statusCode).toBe(404);
    expect(r.headers['etag']).toBeUndefined();
  });
});
