import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withinOneWindow } from '../../test/helpers/clock.js';
import { buildTestApp, csrfFrom, type TestApp } from '../../test/helpers/app.js';
import { defaultPack } from '../../test/helpers/pack.js';
import { directoryView } from './directory-page.js';
import { stripIndentation } from './page-cache.js';
import { parseDirectoryQuery } from './query.js';
import { ReportRepository } from './reports.js';
import { serviceIndexFor, serviceIndexReady } from './search.js';
import { generateServices } from '../../bench/directory.js';
import { publishLoadedPack } from '../publishing.js';
import { readShortlist, SHORTLIST_MAX } from './shortlist.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  // the directory page rendered whole by its templates, in one pass, to compare with the page the
  // route puts together from pieces rendered once
  t.app.get('/services/test-whole-page', (request, reply) => {
    const pack = t.published.pack;
    const index = serviceIndexFor(pack);
    const parsed = parseDirectoryQuery(request.query as Record<string, unknown>, pack);
    const view = directoryView(index, parsed, index.search(parsed.query), new Set(readShortlist(request, index)), new Date());
    return reply.render('directory/views/directory.njk', { ...view, csrfToken: reply.generateCsrf() });
  });
});
afterAll(async () => t?.close());

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });
const resultSlugs = (html: string) => [...html.matchAll(/data-qa="result" data-slug="([^"]+)"/g)].map((m) => m[1]);
const setCookies = (h: string | string[] | undefined) => (Array.isArray(h) ? h : h ? [h] : []);
const cookieHeader = (...lists: Array<string | string[] | undefined>) =>
  lists
    .flatMap(setCookies)
    .map((c) => c.split(';')[0])
    .join('; ');

describe('GET /services', () => {
  it('lists every service with the filters, a search box and counts', async () => {
    const r = await get('/services');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('name="q"');
    expect(r.body).toMatch(new RegExp(`<h2[^>]*data-qa="results-heading">${defaultPack().services.length} services</h2>`));
    expect(resultSlugs(r.body)).toHaveLength(20);
    expect(r.body).toContain('aria-label="Results pages"');
    // need area options with counts, parents with their children in a group
    expect(r.body).toMatch(/<optgroup label="Housing, money and food">\s*<option value="housing-and-money">Housing, money and food: all \(\d+\)<\/option>/);
  });

  it('takes the filters from the address, including a level given by its number', async () => {
    const r = await get('/services?q=food+bank&need=housing-and-money&level=2');
    expect(r.statusCode).toBe(200);
    const slugs = resultSlugs(r.body);
    // the food banks by name, and the food clubs through the pack's synonyms
    expect(slugs.slice(0, 3)).toEqual(expect.arrayContaining(['barking-food-bank', 'community-food-clubs']));
    expect(r.body).toMatch(/<option value="early-help" selected>/);
    expect(r.body).toMatch(/<option value="housing-and-money" selected>/);
    expect(r.body).toContain('food club');
  });

  it('shows each result with summary, levels, need areas, referral route and review date', async () => {
    const r = await get('/services?q=CAMHS');
    const item = r.body.split('data-slug="camhs-nelft"')[1]?.split('</li>')[0] ?? '';
    expect(item).toContain('Levels:');
    expect(item).toContain('Need areas:');
    expect(item).toContain('Referral:');
    expect(item).toMatch(/Last reviewed:<\/dt> <dd><time datetime="\d{4}-\d{2}-\d{2}">/);
  });

  it('names the filters to loosen and offers the needs check and the chat when nothing matches', async () => {
    const r = await get('/services?q=zzqqxx&level=acute&free=yes');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('data-qa="no-results"');
    expect(r.body).toContain('Remove “Level of need: Level 4');
    expect(r.body).toContain('href="/services?q=zzqqxx&amp;free=yes"');
    expect(r.body).toContain('href="/needs-check"');
    expect(r.body).toContain('href="/ask"');
  });

  it('keeps state for pagination links and clamps a page past the end', async () => {
    const p2 = await get('/services?sort=name&page=2');
    expect(resultSlugs(p2.body)).toHaveLength(20);
    expect(p2.body).toContain('href="/services?sort=name&amp;page=3"');
    const far = await get('/services?sort=name&page=99');
    expect(far.statusCode).toBe(200);
    expect(far.body).toContain('There is no page 99');
    expect(resultSlugs(far.body)).toHaveLength(defaultPack().services.length % 20 || 20);
  });

  it.each([
    ['/services?need=no-such-area', 'need area in the link was not recognised'],
    ['/services?page=-5', 'page number in the link was not valid'],
    ['/services?age=abc', 'age must be a whole number'],
    ['/services?age=400', 'age must be a whole number'],
    ['/services?level=99', 'level of need in the link was not recognised'],
    ['/services?delivery=teleport', 'Some delivery options'],
    ['/services?sort=%3Cscript%3E', 'sort order in the link was not recognised'],
    [`/services?q=${'a'.repeat(5000)}`, 'only its first 200 characters'],
  ])('%s gives a clear notice, not an error', async (url, notice) => {
    const r = await get(url);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain(notice);
  });

  it('orders a search typed on a page without words by best match, as the form sends it', async () => {
    const start = await get('/services');
    // the sort list goes with the filter form: its usual order is sent as no order
    expect(start.body).toMatch(/<option value="" selected>Name \(A to Z\)<\/option>/);
    const typed = await get('/services?q=CAMHS&need=&level=&age=&sort=');
    expect(resultSlugs(typed.body)[0]).toBe('camhs-nelft');
    expect(typed.body).toMatch(/<option value="" selected>Most relevant<\/option><option value="name">/);
    // an order chosen on purpose is kept
    const chosen = await get('/services?q=CAMHS&sort=name');
    expect(chosen.body).toMatch(/<option value="name" selected>Name \(A to Z\)<\/option>/);
    expect(resultSlugs(chosen.body)).not.toEqual(resultSlugs(typed.body));
  });

  it('escapes what is typed and survives odd input', async () => {
    const r = await get('/services?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&need[]=x&free=%F0%9F%92%A5&q=second');
    expect(r.statusCode).toBe(200);
    expect(r.body).not.toContain('<script>alert(1)');
    expect(r.body).toContain('&lt;script&gt;alert(1)');
    const unicode = await get('/services?q=%E2%80%AE%00%F0%9F%98%80');
    expect(unicode.statusCode).toBe(200);
  });
});

describe('pages put together from pieces', () => {
  const same = (html: string) => stripIndentation(html).replace(/name="_csrf" value="[^"]+"/g, '');
  it.each([
    '/services',
    '/services?q=food+bank&need=housing-and-money&level=2',
    '/services?q=%3Cscript%3E%26%22%27&age=9&free=yes&delivery=phone&delivery=online',
    '/services?q=counselling&sort=name&page=2',
    '/services?need=domestic-abuse&provider=voluntary&route=self',
    '/services?q=zzzzqqq&need=housing-and-money',
    '/services?level=99&page=abc',
  ])('are the page the templates render whole: %s', async (url) => {
    // first asked for (put together), asked again (kept), and then from the cache
    const [pieces, again, cached, whole] = [await get(url), await get(url), await get(url), await get(url.replace('/services', '/services/test-whole-page'))];
    expect(pieces.statusCode).toBe(200);
    expect(same(pieces.body)).toBe(same(whole.body));
    expect(same(again.body)).toBe(same(whole.body));
    expect(same(cached.body)).toBe(same(whole.body));
  });

  it('are the same page with a shortlist', async () => {
    const first = await get('/services?q=food');
    const slug = resultSlugs(first.body)[0]!;
    const { token, cookie } = csrfFrom(first.body, first.headers['set-cookie']);
    const added = await t.app.inject({ method: 'POST', url: '/services/shortlist', payload: { add: slug, _csrf: token, returnTo: '/services?q=food' }, headers: { cookie } });
    const withList = cookieHeader(cookie, added.headers['set-cookie']);
    const pieces = await get('/services?q=food', withList);
    expect(pieces.body).toContain('Remove from shortlist');
    expect(same(pieces.body)).toBe(same((await get('/services/test-whole-page?q=food', withList)).body));
  });
});

describe('repeated pages', () => {
  it('serve a fresh CSRF token every time, and otherwise the same page', async () => {
    const a = await get('/services?need=housing');
    const b = await get('/services?need=housing');
    const token = (r: typeof a) => csrfFrom(r.body, r.headers['set-cookie']).token;
    expect(token(b)).not.toMatch(/^csrf-/);
    expect(token(a)).not.toBe(token(b));
    expect(b.body.replace(/name="_csrf" value="[^"]+"/g, '')).toBe(a.body.replace(/name="_csrf" value="[^"]+"/g, ''));
  });

  it('reuse results and the filter form across searches with each search’s own words, link back and shortlist state', async () => {
    const item = (html: string, slug: string) => html.split(`data-slug="${slug}"`)[1]?.split('</li>')[0] ?? '';
    const a = await get('/services?need=housing');
    const slug = resultSlugs(a.body)[0]!;
    const b = await get(`/services?need=housing&sort=reviewed&q=${encodeURIComponent('"housing"')}`);
    expect(resultSlugs(b.body)).toContain(slug);
    // the same result, kept from the first search, in a shortlist form that goes back to each search
    expect(item(a.body, slug)).toBe(item(b.body, slug));
    expect(a.body).toMatch(/name="returnTo" value="\/services\?need=housing"/);
    expect(b.body).toMatch(/name="returnTo" value="\/services\?[^"]*sort=reviewed/);
    expect(a.body).toContain('id="q" name="q" type="search" value=""');
    expect(b.body).toContain('id="q" name="q" type="search" value="&quot;housing&quot;"');
    const c = await get('/services?need=housing', `shortlist=${slug}`);
    expect(item(c.body, slug)).toContain('Remove from shortlist');
    expect(item(a.body, slug)).toContain('Add to shortlist');
  });
});

describe('records due for review', () => {
  it('are flagged on the directory and with a banner on the service page', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-01-01T09:00:00Z'));
    try {
      const list = await get('/services?q=kooth');
      expect(list.body).toContain('data-qa="due"');
      const page = await get('/services/kooth');
      expect(page.body).toContain('data-qa="stale"');
      expect(page.body).toContain('more than 12 months ago');
    } finally {
      vi.useRealTimers();
    }
    expect((await get('/services/kooth')).body).not.toContain('data-qa="stale"');
  });
});

describe('GET /services/{slug}', () => {
  it('shows the service with its full expectation card and contact details', async () => {
    const r = await get('/services/domestic-and-sexual-violence-service-refuge');
    expect(r.statusCode).toBe(200);
    for (const heading of ['What they can do', 'What they cannot do', 'Who it is for', 'Before you refer', 'Information to have ready', 'How to refer', 'What happens next', 'Contact details', 'Opening times', 'Languages', 'Last reviewed']) {
      expect(r.body).toContain(heading);
    }
    expect(r.body).toContain('href="tel:03004560174"');
    expect(r.body).toContain('action="/services/domestic-and-sexual-violence-service-refuge/report"');
    expect(r.body).toContain('Do not include personal details');
  });

  it('shows an unverified note prominently', async () => {
    const r = await get('/services/lado-allegations-against-staff');
    expect(r.body).toContain('data-qa="unverified-note"');
    expect(r.body).toContain('Unverified');
  });

  it('gives a 404 page for an unknown or malformed slug', async () => {
    for (const url of ['/services/no-such-service', '/services/..%2F..%2Fetc', '/services/%3Cb%3E', `/services/${'x'.repeat(150)}`]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.body).toContain('Page not found');
    }
  });
});

describe('expectation cards', () => {
  it('/services/{slug}/card shows the card alone with the A4 print stylesheet', async () => {
    const r = await get('/services/camhs-nelft/card');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('/public/cards/cards.css');
    expect(r.body).toContain('data-qa="card"');
    expect(r.body).not.toContain('Contact details');
    const css = await get('/public/cards/cards.css');
    expect(css.statusCode).toBe(200);
    expect(css.body).toMatch(/@page\s*{\s*size: A4/);
  });

  it('prints every card for a need area, one per page', async () => {
    const r = await get('/services/cards?need=domestic-abuse');
    expect(r.statusCode).toBe(200);
    const cards = r.body.match(/data-qa="pack-card"/g) ?? [];
    expect(cards.length).toBeGreaterThan(1);
    expect(r.body).toContain('domestic-and-sexual-violence-service-refuge');
    // and the directory filtered by that need area links to it
    expect((await get('/services?need=domestic-abuse')).body).toContain('href="/services/cards?need=domestic-abuse"');
  });

  it('lists need areas when none or an unknown one is given', async () => {
    expect((await get('/services/cards')).statusCode).toBe(200);
    const bad = await get('/services/cards?need=%3Cx%3E');
    expect(bad.statusCode).toBe(404);
    expect(bad.body).toContain('was not recognised');
  });

  it('404s the card of an unknown service', async () => {
    expect((await get('/services/no-such/card')).statusCode).toBe(404);
  });
});

describe('report something wrong', () => {
  const slug = 'camhs-nelft';

  async function form() {
    const page = await get(`/services/${slug}/report`);
    expect(page.statusCode).toBe(200);
    return csrfFrom(page.body, page.headers['set-cookie']);
  }
  const post = (csrf: { token: string; cookie: string }, body: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: `/services/${slug}/report`,
      headers: { cookie: csrf.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf.token, ...body }).toString(),
    });

  it('stores a report with personal details removed and thanks the sender', async () => {
    const csrf = await form();
    const r = await post(csrf, { reason: 'wrong-contact', details: 'New number is 020 8227 1234, ask jo.bloggs@example.org at RM10 7XS' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/services/${slug}/report/thank-you`);
    const thanks = await get(r.headers.location as string);
    expect(thanks.body).toContain('Report sent');
    const stored = await new ReportRepository(t.store.db).list(slug);
    expect(stored[0]).toMatchObject({ reason: 'wrong-contact' });
    expect(stored[0]?.details).not.toMatch(/8227 1234|jo\.bloggs|RM10/);
    expect(stored[0]?.details).toContain('[phone]');
  });

  it('shows GOV.UK errors for a missing reason or too long details', async () => {
    const csrf = await form();
    const r = await post(csrf, { reason: 'nonsense', details: 'x'.repeat(1200) });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('govuk-error-summary');
    expect(r.body).toContain('href="#reason"');
    expect(r.body).toContain('Details must be 1000 characters or fewer');
    expect(r.body).toMatch(/^[\s\S]*<title>Error: /);
  });

  it('refuses a post without the CSRF token', async () => {
    const r = await t.app.inject({ method: 'POST', url: `/services/${slug}/report`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'reason=closed' });
    expect(r.statusCode).toBe(403);
    // the site's own page, with the emergency route, not the framework's JSON
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('Your form could not be sent');
    expect(r.body).toContain('999');
    const shortlist = await t.app.inject({ method: 'POST', url: '/services/shortlist', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: '_csrf_secret=forged.sig' }, payload: 'add=kooth&_csrf=abc' });
    expect(shortlist.statusCode).toBe(403);
    expect(shortlist.body).toContain('Your form could not be sent');
  });

  it('rate limits reports', async () => {
    await withinOneWindow(async () => {
      const own = await buildTestApp();
      try {
        const page = await own.app.inject({ url: `/services/${slug}/report` });
        const csrf = csrfFrom(page.body, page.headers['set-cookie']);
        const codes: number[] = [];
        let last = '';
        for (let i = 0; i < 12; i++) {
          const r = await own.app.inject({
            method: 'POST',
            url: `/services/${slug}/report`,
            headers: { cookie: csrf.cookie, 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams({ _csrf: csrf.token, reason: 'other' }).toString(),
          });
          codes.push(r.statusCode);
          last = r.body;
        }
        expect(codes.slice(0, 10).every((c) => c === 303)).toBe(true);
        expect(codes[11]).toBe(429);
        expect(last).toContain('Too many requests');
        expect(last).toContain('999');
      } finally {
        await own.close();
      }
    });
  });
});

describe('shortlist', () => {
  const postForm = (cookie: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/services/shortlist', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(body).toString() });
  /** the hidden fields of the page's shortlist form, as a browser sends them */
  const hiddenFields = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));

  it('adds and removes services with no-JS forms, and ignores unknown slugs in the cookie', async () => {
    const page = await get('/services/camhs-nelft');
    expect(page.body).toContain('<button type="submit" name="add" value="camhs-nelft"');
    const csrf = csrfFrom(page.body, page.headers['set-cookie']);
    const add = await postForm(csrf.cookie, { ...hiddenFields(page.body), add: 'camhs-nelft' });
    expect(add.statusCode).toBe(303);
    expect(add.headers.location).toBe('/services/camhs-nelft');
    const withList = cookieHeader(page.headers['set-cookie'], add.headers['set-cookie']);
    expect((await get('/services/camhs-nelft', withList)).body).toContain('<button type="submit" name="remove" value="camhs-nelft"');
    const tampered = withList.replace(/shortlist=([^;]+)/, 'shortlist=$1.no-such-service.%3Cscript%3E');
    const list = await get('/services/shortlist', tampered);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/services/camhs-nelft"');
    expect(list.body).not.toContain('no-such-service');
    expect(list.body).toMatch(/<textarea[^>]*readonly[^>]*>[^<]*Child and Adolescent|<textarea[^>]*readonly[^>]*>[^<]*CAMHS/);

    const remove = await postForm(withList, { _csrf: csrf.token, remove: 'camhs-nelft' }, { 'x-requested-with': 'fetch' });
    expect(remove.json()).toEqual({ shortlist: [], count: 0 });
  });

  it('has one form for a page of results, whose buttons each add their own service and come back to the search', async () => {
    const search = '/services?q=food&sort=name';
    const page = await get(search);
    const slugs = resultSlugs(page.body);
    expect(slugs.length).toBeGreaterThan(2);
    expect(page.body.match(/data-qa="shortlist-form"/g)).toHaveLength(1);
    expect([...page.body.matchAll(/<button type="submit" name="add" value="([^"]+)"/g)].map((m) => m[1])).toEqual(slugs);
    const fields = hiddenFields(page.body.split('data-qa="shortlist-form"')[1]!);
    expect(fields['returnTo']).toBe(search);
    const csrf = csrfFrom(page.body, page.headers['set-cookie']);
    // the browser sends the hidden fields and the button pressed: the second result's
    const add = await postForm(csrf.cookie, { ...fields, add: slugs[1]! });
    expect(add.statusCode).toBe(303);
    // back to the search, at the result whose button was pressed
    expect(add.headers.location).toBe(`${search}#result-${slugs[1]}`);
    expect(page.body).toContain(`id="result-${slugs[1]}"`);
    const after = await get(search, cookieHeader(page.headers['set-cookie'], add.headers['set-cookie']));
    expect([...after.body.matchAll(/<button type="submit" name="remove" value="([^"]+)"/g)].map((m) => m[1])).toEqual([slugs[1]]);
  });

  it('says when the shortlist is full instead of adding a service it would not keep', async () => {
    const page = await get('/services');
    const csrf = csrfFrom(page.body, page.headers['set-cookie']);
    const slugs = t.published.pack.services.map((s) => s.slug);
    const full = `${csrf.cookie}; shortlist=${slugs.slice(0, SHORTLIST_MAX).join('.')}`;
    const extra = slugs[SHORTLIST_MAX]!;
    const fetched = await postForm(full, { _csrf: csrf.token, add: extra }, { 'x-requested-with': 'fetch' });
    expect(fetched.statusCode).toBe(409);
    expect(fetched.json()).toMatchObject({ count: SHORTLIST_MAX, max: SHORTLIST_MAX });
    expect(fetched.headers['set-cookie'] ?? '').not.toContain('shortlist=');
    const posted = await postForm(full, { _csrf: csrf.token, add: extra, returnTo: '/services' });
    expect(posted.statusCode).toBe(409);
    expect(posted.body).toContain('Your shortlist is full');
    expect(posted.body).toContain('href="/services/shortlist"');
    // one already on it can still be pressed again, and one can be removed
    expect((await postForm(full, { _csrf: csrf.token, add: slugs[0]! }, { 'x-requested-with': 'fetch' })).json()).toMatchObject({ count: SHORTLIST_MAX });
    expect((await postForm(full, { _csrf: csrf.token, remove: slugs[0]! }, { 'x-requested-with': 'fetch' })).json()).toMatchObject({ count: SHORTLIST_MAX - 1 });
  });

  it('still takes the older action and slug fields, for pages loaded before an upgrade', async () => {
    const page = await get('/services');
    const csrf = csrfFrom(page.body, page.headers['set-cookie']);
    const r = await postForm(csrf.cookie, { _csrf: csrf.token, action: 'add', slug: 'kooth' }, { 'x-requested-with': 'fetch' });
    expect(r.json()).toEqual({ shortlist: ['kooth'], count: 1 });
  });

  it('never redirects off the site and rejects unknown services and forms that ask for two things', async () => {
    const page = await get('/services');
    const csrf = csrfFrom(page.body, page.headers['set-cookie']);
    const post = (body: string) => t.app.inject({ method: 'POST', url: '/services/shortlist', headers: { cookie: csrf.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(csrf.token)}&${body}` });
    const offsite = await post('add=kooth&returnTo=%2F%2Fevil.example%2Fservices');
    expect(offsite.headers.location).toBe('/services/shortlist');
    // an address that is not one of ours (here, unencoded text): the shortlist, never a 500
    for (const returnTo of ['/services?q=é', '/services?q=a b', '/services?q=\u0000', '/services?q=日本']) {
      const r = await post(`add=kooth&returnTo=${encodeURIComponent(returnTo)}`);
      expect(r.statusCode, returnTo).toBe(303);
      expect(r.headers.location).toBe('/services/shortlist');
    }
    for (const body of ['add=no-such', 'remove=%3Cscript%3E', 'add=kooth&remove=childline', 'add=kooth&add=childline', 'add=kooth&action=clear', 'action=add', 'action=drop&slug=kooth', '']) {
      const r = await post(body);
      expect(r.statusCode, body).toBe(400);
      expect(r.headers['set-cookie'] ?? '', body).not.toContain('shortlist=');
      expect(r.body).toContain('Nothing has changed');
    }
  });
});

describe('where staff type', () => {
  it('the search box and the report form say not to type details of a child or family', async () => {
    const t = await buildTestApp();
    const search = await t.app.inject({ method: 'GET', url: '/services' });
    expect(search.body).toContain('do not type the name or details of a child or family');
    const report = await t.app.inject({ method: 'GET', url: `/services/${t.published.pack.services[0]!.slug}/report` });
    expect(report.body).toContain('Do not include personal details about a child, a family or a member of staff.');
    await t.close();
  });
});

describe('what a result shows to choose from', () => {
  it('shows how to refer, the phone as a tel: link, ages, cost and a short list of need areas', async () => {
    const pack = t.published.pack;
    const html = (await get('/services?q=childline')).body;
    const s = pack.services.find((x) => x.slug === 'childline')!;
    const item = html.slice(html.indexOf('id="result-childline"'), html.indexOf('</li>', html.indexOf('id="result-childline"')));
    expect(item).toContain('data-qa="first-step"');
    expect(item).toContain(`href="tel:${s.phones[0]!.number.replace(/\s/g, '')}"`);
    expect(item).toContain(`Ages ${s.ages!.min} to ${s.ages!.max}`);
    expect(item).toContain(s.cost.free ? '<dd>Free</dd>' : s.cost.description!);
    // a service with many need areas lists three and counts the rest
    expect(s.needAreas.length).toBeGreaterThan(3);
    expect(item).toContain(`and ${s.needAreas.length - 3} more`);
    // a record that gives no ages says so, rather than showing nothing
    const noAges = pack.services.find((x) => !x.ages && x.status === 'active')!;
    const other = (await get(`/services?q=${encodeURIComponent(noAges.name)}`)).body;
    const at = other.indexOf(`id="result-${noAges.slug}"`);
    expect(at).toBeGreaterThan(-1);
    expect(other.slice(at, other.indexOf('</li>', at))).toContain('Not given');
  });
});

describe('a service page', () => {
  it('shows each of the service\u2019s own contacts once as a link: the card leaves out what the contact details list', async () => {
    const pack = t.published.pack;
    let checked = 0;
    for (const s of pack.services.filter((x) => x.status === 'active' && x.referral.phone && x.phones.some((p) => p.number === x.referral.phone))) {
      const html = (await get(`/services/${s.slug}`)).body;
      const tel = `href="${`tel:${s.referral.phone!.replace(/[^\d+]/g, '')}`}"`;
      const card = html.slice(html.indexOf('data-qa="card"'), html.indexOf('data-qa="contact-details"'));
      expect(card.includes(`Phone: <a class="govuk-link" ${tel}`), s.slug).toBe(false);
      expect(html.slice(html.indexOf('data-qa="contact-details"')).includes(tel), s.slug).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    // the card on its own page, to print, keeps them
    const s = pack.services.find((x) => x.referral.phone && x.phones.some((p) => p.number === x.referral.phone))!;
    expect((await get(`/services/${s.slug}/card`)).body).toContain('data-qa="referral-contacts"');
  });
});

describe('while the directory index is built in the background (a new content version)', () => {
  let big: TestApp;
  beforeAll(async () => {
    big = await buildTestApp();
  });
  afterAll(async () => big?.close());

  const withoutTokens = (body: string) => body.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');

  it('answers other pages meanwhile, and a search waits for the index and gives the page it gives once it is built', async () => {
    const pack = big.content.pack();
    // a directory large enough that its index takes many slices to build
    await publishLoadedPack(big.store, { ...pack, services: [...pack.services, ...generateServices(pack, 1500)] }, 'test-hash-large');
    await big.content.refresh();
    const built = { now: false };
    void serviceIndexReady(big.content.pack()).then(() => (built.now = true));
    const urls = [
      '/services?q=support',
      `/services?q=food+bank&level=${pack.levels[1]!.id}`,
      '/services?need=emotional-wellbeing&sort=name&page=3',
      '/services/service-1499',
      '/api/v1/services?search=counselling&per_page=5',
    ];
    const start = big.app.inject('/').then((r) => ({ status: r.statusCode, beforeTheIndex: !built.now }));
    const during = await Promise.all(urls.map((url) => big.app.inject(url)));
    expect(await start).toEqual({ status: 200, beforeTheIndex: true });
    expect(built.now).toBe(true);
    const after = await Promise.all(urls.map((url) => big.app.inject(url)));
    during.forEach((r, i) => {
      expect(r.statusCode, urls[i]).toBe(200);
      expect(withoutTokens(r.body), urls[i]).toBe(withoutTokens(after[i]!.body));
    });
    // the new version's services, found
    expect(resultSlugs(during[0]!.body)).toHaveLength(20);
    expect(during[3]!.body).toContain('data-qa="card"');
  });
});
