import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPackDir } from '../../src/content/pack-dir.js';
import { createHash } from 'node:crypto';
import { buildApp, tools } from '../../src/web/app.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });

describe('start page', () => {
  it('shows the service name, the borough and the tagline from content', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    const { manifest } = t.published.pack;
    expect(res.body).toContain(`<h1 class="govuk-heading-xl">${manifest.serviceName}</h1>`);
    expect(res.body).toContain(manifest.borough.shortName);
    expect(res.body).toContain(manifest.tagline);
    expect(res.body).toMatch(/govuk-phase-banner/);
    expect(res.body).toContain('href="#main-content"');
  });

  it('lists every level from content, in rank order', async () => {
    const res = await get('/');
    const positions = t.published.pack.levels.map((l) => res.body.indexOf(`${l.label}: ${l.name}`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('links only to tools whose pages exist (no dead links on the start page or in the navigation)', async () => {
    const res = await get('/');
    const hrefs = [...res.body.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1]!).filter((h) => !h.startsWith('/assets/') && !h.startsWith('/public/') && !h.startsWith('/govuk/'));
    expect(hrefs.length).toBeGreaterThan(3);
    for (const href of new Set(hrefs)) {
      const page = await get(href);
      expect(page.statusCode, href).toBe(200);
    }
  });
});

describe('the emergency route on every page', () => {
  for (const url of ['/', '/accessibility', '/privacy', '/sources', '/no-such-page']) {
    it(`${url} shows 999 and the front door number as tel: links`, async () => {
      const res = await get(url);
      const { contacts } = t.published.pack.manifest;
      const emergency = contacts.emergency.phones[0]!.number;
      const front = contacts.frontDoor.phones[0]!.number;
      expect(res.body).toContain('If a child is in immediate danger, call');
      expect(res.body).toContain(`href="tel:${emergency.replace(/\D/g, '')}">${emergency}</a>`);
      expect(res.body).toContain(`href="tel:${front.replace(/\D/g, '')}">${front}</a>`);
      // before the main content, so it is one glance away
      expect(res.body.indexOf('data-qa="emergency"')).toBeLessThan(res.body.indexOf('id="main-content"'));
    });
  }
});

describe('information pages', () => {
  it('the privacy notice says no personal data about children or families is stored', async () => {
    const res = await get('/privacy');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('We do not collect personal data about children or families');
    // and how long what staff type is kept, as configured
    expect(res.body).toContain('deleted 90 days after they were sent');
    const short = await buildTestApp({ retentionDays: 30 });
    expect((await short.app.inject('/privacy')).body).toContain('deleted 30 days after they were sent');
    await short.close();
  });

  it('the sources page shows each key contact with its source and review date, and marks unverified numbers', async () => {
    const res = await get('/sources');
    for (const c of Object.values(t.published.pack.manifest.contacts)) expect(res.body).toContain(c.name.replace(/'/g, '&#39;'));
    expect(res.body).toMatch(/Last reviewed <time datetime="\d{4}-\d{2}-\d{2}">/);
    const unverified = Object.values(t.published.pack.manifest.contacts).flatMap((c) => c.phones).filter((p) => !p.verified);
    if (unverified.length) expect(res.body).toContain('Unverified</strong>');
  });

  it('the accessibility statement names WCAG 2.2 AA', async () => {
    expect((await get('/accessibility')).body).toContain('version 2.2 at level AA');
  });
});

describe('errors and bad input', () => {
  it('an unknown page is a GOV.UK "Page not found" with status 404', async () => {
    const res = await get('/this/does/not/exist');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('<h1 class="govuk-heading-l">Page not found</h1>');
  });

  it('hostile paths and query strings never cause a 500 and are never echoed unescaped', async () => {
    const nasty = ['/%3Cscript%3Ealert(1)%3C%2Fscript%3E', '/?q=%3Cscript%3Ealert(1)%3C/script%3E', '/%00', '/..%2F..%2Fetc%2Fpasswd', `/${'a'.repeat(5000)}`, '/?%E0%A4%A=1', '/public/..%2F..%2Fpackage.json'];
    for (const url of nasty) {
      const res = await get(url);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body).not.toContain('<script>alert(1)</script>');
      expect(res.body).not.toContain('"dependencies"');
    }
  });

  it('an unknown JSON route answers in JSON', async () => {
    const res = await get('/api/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404 });
  });
});

describe('health check', () => {
  it('/healthz reports the database and the published pack', async () => {
    const res = await get('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: 'ok', content: { pack: t.published.pack.manifest.id, services: t.published.pack.services.length } });
    // the content version this instance serves is the one published
    expect(res.json()).toMatchObject({ version: { served: t.content.version(), published: t.content.version() } });
    expect(t.content.version()).toBeGreaterThan(0);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('security headers', () => {
  it('sends a strict CSP that allows the one inline script by its hash, and no unsafe-inline', async () => {
    const res = await get('/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('nonce');
    expect(csp).toContain("frame-ancestors 'self'");
    // one inline script, with no attributes, whose text is what the hash allows
    const inline = [...res.body.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([^<]*)<\/script>/g)];
    expect(inline.map((m) => m[1])).toEqual(['']);
    const hash = createHash('sha256').update(inline[0]![2]!).digest('base64');
    expect(csp).toContain(`'sha256-${hash}'`);
  });

  it('sends nosniff and a referrer policy', async () => {
    const res = await get('/');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });

  it('serves its stylesheet (govuk-frontend compiled with the site\u2019s own), script and icon locally, not from a CDN', async () => {
    const res = await get('/');
    expect(res.body).toMatch(/href="\/public\/site\.css\?v=[0-9a-f]{12}"/);
    expect(res.body).not.toMatch(/(src|href)="https?:\/\/[^"]*\.(js|css)"/);
    expect((await get('/public/site.css')).statusCode).toBe(200);
    expect((await get('/public/icon.svg')).statusCode).toBe(200);
    expect((await get('/public/js/app.js')).statusCode).toBe(200);
  });
});

describe('an unexpected failure', () => {
  it('shows the GOV.UK "problem with the service" page with status 500, keeping the emergency route', async () => {
    const app = await buildTestApp();
    app.app.get('/__fail', () => {
      throw new Error('simulated failure');
    });
    const res = await app.app.inject({ method: 'GET', url: '/__fail' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('Sorry, there is a problem with the service');
    expect(res.body).toContain('data-qa="emergency"');
    expect(res.body).not.toContain('simulated failure');
    await app.close();
  });
});

describe('logs', () => {
  it('keep the path of a request but never its query string or cookies', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'isg-log-'));
    const built = await buildApp({ packDir: defaultPackDir(), databaseFile: `${dir}/db.sqlite`, logLevel: 'info', logStream: stream, sessionSecret: 'x'.repeat(40) });
    await built.app.inject({ method: 'GET', url: '/?q=Jane%20Smith%2012%20Acacia%20Road', headers: { cookie: 'secret=abc' } });
    await built.app.close();
    rmSync(dir, { recursive: true, force: true });
    const log = lines.join('');
    expect(log).toContain('"path":"/"');
    expect(log).not.toContain('Jane');
    expect(log).not.toContain('secret=abc');
  });
});

describe('navigation', () => {
  it('marks the one tool a page belongs to, the most specific one', async () => {
    const active = (body: string) => [...body.matchAll(/govuk-service-navigation__item--active[\s\S]*?<a[^>]*href="([^"]+)"/g)].map((m) => m[1]);
    for (const tool of tools) {
      const res = await get(tool.href);
      expect(active(res.body), tool.href).toEqual([tool.href]);
    }
    expect(active((await get('/')).body)).toEqual([]);
  });
});
