/**
 * Compression and asset caching, through the real app: pages and JSON compressed as the browser
 * accepts, static assets sent from the build's precompressed copies, and fingerprinted addresses
 * cached for a year while every other asset request is cached for a day.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, csrfFrom, type TestApp } from '../../test/helpers/app.js';
import { projectRoot } from '../content/pack-dir.js';
import { ASSET_MAX_AGE, IMMUTABLE, readAssetHashes } from './assets.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

const get = (url: string, acceptEncoding?: string, headers: Record<string, string> = {}) =>
  t.app.inject({ url, headers: { ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}), ...headers } });
const decode = (body: Buffer, encoding: unknown) =>
  (encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8');
const built = (url: string) => readFileSync(join(projectRoot(), 'dist', 'static', url));

describe('compression', () => {
  it('sends pages in brotli or gzip as the browser accepts, and plain without Accept-Encoding', async () => {
    const plain = await get('/');
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const [accept, expected] of [['br', 'br'], ['gzip', 'gzip'], ['gzip, deflate, br', 'br'], ['br;q=0.5, gzip', 'gzip']] as const) {
      const r = await get('/', accept);
      expect(r.headers['content-encoding'], accept).toBe(expected);
      expect(r.headers['vary']).toMatch(/accept-encoding/i);
      expect(r.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
      const html = decode(r.rawPayload, expected);
      expect(html).toContain('<title>');
      // the inline script in the body is the one the CSP's hash allows, compressed or not
      const script = /<script>([^<]*)<\/script>/.exec(html)?.[1];
      expect(script).toBeDefined();
      expect(r.headers['content-security-policy']).toContain(`'sha256-${createHash('sha256').update(script!).digest('base64')}'`);
    }
  });

  it('keeps a page’s own cache headers', async () => {
    const r = await get('/ask', 'br');
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('leaves the form token working on a compressed page', async () => {
    const page = await get('/services', 'gzip');
    const { token, cookie } = csrfFrom(decode(page.rawPayload, page.headers['content-encoding']), page.headers['set-cookie']);
    const posted = await t.app.inject({
      method: 'POST',
      url: '/services/shortlist',
      headers: { cookie, 'accept-encoding': 'gzip', 'content-type': 'application/x-www-form-urlencoded', 'x-requested-with': 'fetch' },
      payload: new URLSearchParams({ _csrf: token, action: 'clear' }).toString(),
    });
    expect(posted.statusCode).toBe(200);
  });

  it('compresses the API’s JSON and keeps its ETag and 304', async () => {
    const plain = await get('/api/v1/services?per_page=50');
    const r = await get('/api/v1/services?per_page=50', 'br');
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(decode(r.rawPayload, 'br'))).toEqual(JSON.parse(plain.body));
    expect(r.headers['etag']).toBe(plain.headers['etag']);
    const again = await get('/api/v1/services?per_page=50', 'br', { 'if-none-match': String(r.headers['etag']) });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });
});

describe('static assets', () => {
  it('are sent from the build’s precompressed copies', async () => {
    for (const url of ['/public/site.css', '/public/js/app.js', '/public/icon.svg', '/needs-check/needs-check.css']) {
      const original = built(url);
      const br = await get(url, 'br, gzip');
      expect(br.headers['content-encoding'], url).toBe('br');
      expect(br.rawPayload.equals(built(`${url}.br`)), url).toBe(true);
      expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);
      const gz = await get(url, 'gzip');
      expect(gz.headers['content-encoding'], url).toBe('gzip');
      expect(gz.rawPayload.equals(built(`${url}.gz`)), url).toBe(true);
      const plain = await get(url);
      expect(plain.headers['content-encoding'], url).toBeUndefined();
      expect(plain.rawPayload.equals(original)).toBe(true);
    }
  });

  it('serve no compressed copy by its own name, and nothing outside what the build gathered', async () => {
    expect((await get('/public/site.css.br')).statusCode).toBe(404);
    expect((await get('/public/../package.json')).statusCode).toBe(404);
  });
});

describe('asset caching', () => {
  const hashes = readAssetHashes();

  it('links every asset a page loads by its fingerprinted address', async () => {
    for (const url of ['/', '/needs-check', '/services', '/ask', `/services/${t.published.pack.services[0]!.slug}/card`, `/services/${t.published.pack.services[0]!.slug}`]) {
      const html = (await get(url)).body;
      const links = [...html.matchAll(/<(?:link|script)\b[^>]*(?:href|src)="(\/[^"]+)"/g)].map((m) => m[1]!);
      expect(links.length, url).toBeGreaterThan(0);
      for (const link of links) expect(link, url).toMatch(/\?v=[0-9a-f]{12}$/);
    }
  });

  it('caches a fingerprinted address for a year, immutable', async () => {
    for (const url of ['/public/site.css', '/public/js/app.js', '/needs-check/needs-check.css', '/public/icon.svg']) {
      const r = await get(`${url}?v=${hashes.get(url)!}`, 'br');
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['cache-control'], url).toBe(IMMUTABLE);
    }
  });

  it('caches an asset for a day without its current hash', async () => {
    expect((await get('/public/site.css')).headers['cache-control']).toBe(ASSET_MAX_AGE);
    expect((await get('/public/site.css?v=000000000000')).headers['cache-control']).toBe(ASSET_MAX_AGE);
  });

});

describe('the council’s own look, with nothing that only GOV.UK may use', () => {
  it('compiles govuk-frontend with the font stack of a custom property (system fonts by default), and no font or image of GOV.UK’s', async () => {
    const css = decode((await get('/public/site.css')).rawPayload, undefined);
    expect(css).toContain('font-family:var(--app-font-family, system-ui');
    expect(css).not.toMatch(/GDS Transport|@font-face|govuk-crest|url\(/);
    // the components the pages use are in it
    for (const c of ['govuk-button', 'govuk-radios', 'govuk-error-summary', 'govuk-service-navigation', 'govuk-footer', 'app-emergency']) expect(css, c).toContain(`.${c}`);
  });

  it('links no GOV.UK icon, crown, manifest or font from any page', async () => {
    const gone = ['/assets/images/favicon.ico', '/assets/manifest.json', '/assets/fonts/bold-b542beb274-v2.woff2', '/assets/images/govuk-crest.svg', '/govuk/govuk-frontend.min.css'];
    for (const url of gone) expect((await get(url)).statusCode, url).toBe(404);
    for (const url of ['/', '/needs-check', '/services', '/ask', '/privacy', '/no-such-page']) {
      const html = (await get(url)).body;
      expect(html, url).not.toMatch(/\/assets\/|govuk-icon|govuk-crest|manifest\.json|GDS Transport|govuk-header__crown|govuk-logo/);
      expect(html, url).toMatch(/<link rel="icon" href="\/public\/icon\.svg\?v=[0-9a-f]{12}"/);
    }
  });
});
