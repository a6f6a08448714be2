/**
 * Embed mode (?embed=1): a page without the site's header, navigation and footer, for an iframe on the
 * council's own pages, that keeps the emergency route and keeps itself on every link, form and redirect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { withoutEmbed, embedPage } from '../../src/web/embed.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ frameAncestors: ["'self'", 'https://www.example.gov.uk'] });
});
afterAll(async () => {
  await t.close();
});
const get = (url: string) => t.app.inject({ method: 'GET', url });

describe('embed mode', () => {
  it('takes the mark off the address, whatever else it holds, and only the mark', () => {
    expect(withoutEmbed('/services?embed=1&q=food')).toEqual({ url: '/services?q=food', embed: true });
    expect(withoutEmbed('/services?q=food&embed=1')).toEqual({ url: '/services?q=food', embed: true });
    expect(withoutEmbed('/needs-check?embed=1')).toEqual({ url: '/needs-check', embed: true });
    expect(withoutEmbed('/services?q=embed%3D1')).toEqual({ url: '/services?q=embed%3D1', embed: false });
    expect(withoutEmbed('/services?embed=2')).toEqual({ url: '/services?embed=2', embed: false });
  });

  it('shows a page without the header, navigation and footer, keeping the emergency route', async () => {
    for (const path of ['/', '/needs-check', '/services', '/services/kooth', '/ask']) {
      const plain = (await get(path)).body;
      const embedded = await get(`${path}${path.includes('?') ? '&' : '?'}embed=1`);
      expect(embedded.statusCode, path).toBe(200);
      expect(plain, path).toContain('govuk-service-navigation');
      expect(embedded.body, path).not.toMatch(/govuk-generic-header|govuk-service-navigation|<footer/);
      expect(embedded.body, path).toContain('data-qa="emergency"');
      expect(embedded.body, path).toContain('<html data-embed="1"');
    }
  });

  it('keeps embed=1 on every link to a page and on every form, and not on assets', async () => {
    const html = (await get('/services?embed=1&need=neglect')).body;
    const pageLinks = [...html.matchAll(/<a\b[^>]*?\bhref="(\/[^"]*)"/g)].map((m) => m[1]!).filter((h) => !h.startsWith('/public/'));
    expect(pageLinks.length).toBeGreaterThan(5);
    for (const href of pageLinks) expect(href, href).toMatch(/[?&](amp;)?embed=1(#|$)/);
    const forms = html.match(/<form\b[^>]*>/g) ?? [];
    expect(forms.length).toBeGreaterThan(0);
    expect(html.match(/<input type="hidden" name="embed" value="1">/g)?.length).toBe(forms.length);
    for (const asset of html.match(/(?:href|src)="\/public\/[^"]*"/g) ?? []) expect(asset).not.toContain('embed=1');
    // the needs check's own forms and a bad query still work with the mark
    const start = await get('/needs-check?embed=1&step=start&answer=dsl');
    expect([302, 303]).toContain(start.statusCode);
    expect(start.headers.location).toMatch(/[?&]embed=1$/);
    const next = await get(start.headers.location as string);
    expect(next.statusCode).toBe(200);
    expect(next.body).not.toContain('govuk-service-navigation');
  });

  it('leaves pages without the mark as they were, and hostile marks do nothing', () => {
    const html = '<html><body><!--site-chrome--><header>x</header><!--/site-chrome--><a href="/services?q=a&amp;b=c#top">s</a><a href="https://example.com/">e</a><a href="//evil.example/">e</a><form method="get" action="/services"></form></body></html>';
    const out = embedPage(html);
    expect(out).not.toContain('<header>');
    expect(out).toContain('href="/services?q=a&amp;b=c&amp;embed=1#top"');
    expect(out).toContain('href="https://example.com/"');
    expect(out).toContain('href="//evil.example/"');
    expect(out).toContain('<form method="get" action="/services?embed=1"><input type="hidden" name="embed" value="1">');
  });

  it('lets the configured origins frame the site, and tells the web team how on /embed', async () => {
    const r = await get('/embed');
    expect(r.statusCode).toBe(200);
    expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'self' https://www.example.gov.uk");
    expect(r.headers['x-frame-options']).toBeUndefined();
    expect(r.body).toContain('https://www.example.gov.uk');
    expect(r.body).toContain('data-qa="embed-snippet"');
    expect(r.body).toMatch(/\/needs-check\?embed=1/);
  });
});
