/**
 * Every page a user can reach by following links from the start page answers without a server error,
 * and keeps answering when its query string is tampered with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const HOSTILE = '?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&page=-1&per_page=99999&need=%00&level=999&age=abc&sort=drop&area=..%2F..&ind[]=x&danger=maybe&x=%F0%9F%92%A5';

function linksIn(html: string): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)]
    .map((m) => m[1]!.replace(/&amp;/g, '&'))
    .filter((h) => h.startsWith('/') && !h.startsWith('//') && !/^\/(assets|public|govuk)\//.test(h));
}

describe('crawling the whole service', () => {
  it('reaches many pages from the start page, none with a server error', async () => {
    const seen = new Set<string>(['/']);
    const queue = ['/'];
    const failures: string[] = [];
    while (queue.length && seen.size < 400) {
      const url = queue.shift()!;
      const res = await t.app.inject({ method: 'GET', url });
      if (res.statusCode >= 500) failures.push(`${res.statusCode} ${url}`);
      if (!String(res.headers['content-type']).startsWith('text/html')) continue;
      for (const link of linksIn(res.body)) {
        if (!seen.has(link) && seen.size < 400) {
          seen.add(link);
          queue.push(link);
        }
      }
    }
    expect(failures).toEqual([]);
    // the start page leads to every tool, their pages, service pages and cards
    expect(seen.size).toBeGreaterThan(100);
    expect([...seen].some((u) => /^\/services\/[a-z0-9-]+$/.test(u))).toBe(true);
    expect([...seen].some((u) => u.startsWith('/needs-check'))).toBe(true);
    // the editors' workspace is never linked from the public pages
    expect([...seen].some((u) => u.startsWith('/admin'))).toBe(false);
  });

  it('answers every page with a tampered query string clearly: no server error, nothing echoed unescaped', async () => {
    const paths = new Set<string>();
    const start = await t.app.inject({ method: 'GET', url: '/' });
    for (const link of linksIn(start.body)) paths.add(link.split('?')[0]!);
    for (const s of t.published.pack.services.slice(0, 5)) for (const p of [`/services/${s.slug}`, `/services/${s.slug}/card`, `/services/${s.slug}/report`]) paths.add(p);
    for (const p of ['/needs-check/danger', '/needs-check/routes', '/needs-check/areas', '/needs-check/check', '/needs-check/outcome', '/services/shortlist', '/services/cards', '/api/v1/services', '/api/v1/taxonomies', '/api/v1/taxonomy_terms', '/api/v1/service_at_locations', '/admin', '/admin/sign-in', '/admin/users', '/admin/audit']) paths.add(p);
    for (const path of paths) {
      const res = await t.app.inject({ method: 'GET', url: path + HOSTILE });
      expect(res.statusCode, path).toBeLessThan(500);
      expect(res.body, path).not.toContain('<script>alert(1)</script>');
    }
  });
});
