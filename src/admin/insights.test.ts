/**
 * Insights for the borough through the real app: counts made by real requests (a needs check
 * outcome, a search that found nothing, a service page, a card, an unanswered chat question) appear
 * in /admin/insights and its CSV downloads; nothing personal is kept; formulas are neutralised in the
 * CSV; every role may read them and no one signed out; bad addresses get a 400 page; the words of old
 * searches go at the end of the retention period, their counts staying.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, CookieJar, get, signIn } from '../../test/helpers/admin.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { Insights, SEARCH_WORDS_NOT_KEPT, searchKey } from '../insights/insights.js';
import { deleteExpired } from '../privacy/retention.js';
import { csvCell } from './csv.js';
import { readRange } from './insights.js';

let t: TestApp;
let editor: CookieJar;
const today = () => new Date().toISOString().slice(0, 10);
const ctx = 'age=5-to-12&disclosure=no&voice=too-young&family=not-asked&strength=none';
const outcomeUrl = `/needs-check/outcome?asker=dsl&danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&${ctx}`;
/** known words (of English and the guidance) that no service answers */
const KEPT_SEARCH = 'purple elephant';
const HOSTILE_SEARCH = 'Jayden Okafor 07700 900123 RM10 7BS';

const rows = async () => (await t.store.db.withTables<{ insight_count: { day: string; metric: string; key: string; count: number } }>().selectFrom('insight_count').selectAll().execute()).map((r) => ({ ...r, count: Number(r.count) }));
const countOf = async (metric: string, key: string) => (await rows()).filter((r) => r.metric === metric && r.key === key).reduce((n, r) => n + r.count, 0);
/** the row of a table on the insights page, by its label */
const tableRow = (html: string, table: string, label: string) => {
  const body = html.split(`data-qa="table-${table}"`)[1]?.split('</table>')[0] ?? '';
  const row = body.split('<tr').find((r) => r.includes(`>${label}</th>`));
  return row ? Number(/govuk-table__cell--numeric[^>]*>(\d+)</.exec(row)?.[1]) : undefined;
};

beforeAll(async () => {
  t = await buildTestApp();
  await addUser(t.store, 'editor@example.org', 'editor');
  await addUser(t.store, 'reviewer@example.org', 'reviewer');
  await addUser(t.store, 'admin@example.org', 'admin');
  editor = (await signIn(t.app, 'editor@example.org')).jar;
}, 60_000);
afterAll(async () => t?.close());

describe('counts from real requests', () => {
  it('counts a needs check outcome by level, need area and first action, and shows them in the table and CSV', async () => {
    const page = await t.app.inject(outcomeUrl);
    expect(page.statusCode).toBe(200);
    const levelId = /data-level="([^"]+)"/.exec(page.body)![1]!;
    const firstAction = /data-first-action="([^"]+)"/.exec(page.body)![1]!;
    const level = t.content.pack().levels.find((l) => l.id === levelId)!;
    const area = t.content.pack().needAreas.flatMap((a) => [a, ...a.children]).find((a) => a.id === 'abuse')!;

    await t.app.inject(outcomeUrl);
    const insights = await get(t.app, editor, '/admin/insights');
    expect(insights.statusCode).toBe(200);
    expect(tableRow(insights.body, 'needs-check-levels', `${level.label}: ${level.name}`)).toBe(2);
    expect(tableRow(insights.body, 'needs-check-need-areas', area.name)).toBe(2);
    expect(await countOf('needs-check-first-action', firstAction)).toBe(2);
    // the answers themselves are nowhere
    expect(JSON.stringify(await rows())).not.toMatch(/abuse-child-says-hurt|too-young|not-asked/);

    const download = await get(t.app, editor, '/admin/insights/needs-check-levels.csv');
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="insights-needs-check-levels-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(download.body).toContain(`${today()},${level.label}: ${level.name},2\r\n`);
  });

  it('counts service page views and cards opened to print, per service', async () => {
    const service = t.content.pack().services[0]!;
    for (let i = 0; i < 3; i++) await t.app.inject(`/services/${service.slug}`);
    await t.app.inject(`/services/${service.slug}/card`);
    await t.app.inject('/services/no-such-service');
    const page = await get(t.app, editor, '/admin/insights');
    expect(tableRow(page.body, 'service-views', service.name)).toBe(3);
    expect(tableRow(page.body, 'card-views', service.name)).toBe(1);
    expect((await rows()).some((r) => r.key === 'no-such-service')).toBe(false);
    const download = await get(t.app, editor, '/admin/insights/service-views.csv');
    expect(download.body.startsWith('\uFEFFDate,Service,Count\r\n')).toBe(true);
    expect(download.body).toContain(`${today()},${csvCell(service.name)},3\r\n`);
  });

  it('counts a search that found nothing, keeping its words only when redaction keeps them all', async () => {
    const empty = await t.app.inject(`/services?q=${encodeURIComponent(KEPT_SEARCH)}`);
    expect(empty.body).toMatch(/No services|no services|0 services/);
    // asked again: the page comes from the cache, and is counted all the same
    await t.app.inject(`/services?q=${encodeURIComponent(KEPT_SEARCH)}`);
    await t.app.inject(`/services?q=${encodeURIComponent(KEPT_SEARCH)}`);
    const notKeptBefore = await countOf('search-no-results', SEARCH_WORDS_NOT_KEPT);
    const hostile = await t.app.inject(`/services?q=${encodeURIComponent(HOSTILE_SEARCH)}`);
    expect(hostile.statusCode).toBe(200);
    // a search that finds services is not counted
    await t.app.inject('/services?q=food');

    const page = await get(t.app, editor, '/admin/insights');
    expect(tableRow(page.body, 'searches-with-no-results', `“${KEPT_SEARCH}”`)).toBe(3);
    expect(await countOf('search-no-results', SEARCH_WORDS_NOT_KEPT)).toBe(notKeptBefore + 1);
    expect(await countOf('search-no-results', 'food')).toBe(0);
    const stored = JSON.stringify(await rows());
    expect(stored).not.toMatch(/jayden|okafor|07700|900123|rm10|7bs/i);
  });

  it('counts chat questions it could not answer, per day, and keeps nothing of them in the counts', async () => {
    const before = await countOf('chat-unanswered', '[all]');
    const r = await t.app.inject({ method: 'POST', url: '/api/chat', payload: { message: 'zorblax quintessence trampoline Oluwaseun' }, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(r.statusCode).toBe(200);
    const page = await get(t.app, editor, '/admin/insights');
    expect(await countOf('chat-unanswered', '[all]')).toBe(before + 1);
    expect(page.body).toContain('data-qa="table-chat-unanswered"');
    expect(JSON.stringify(await rows())).not.toMatch(/zorblax|oluwaseun|trampoline/i);
  });

  it('draws each chart as an accessible SVG followed by its table', async () => {
    const page = await get(t.app, editor, '/admin/insights');
    const svgs = page.body.match(/<svg class="app-chart"[^>]*>/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(4);
    for (const svg of svgs) {
      expect(svg).toContain('role="img"');
      const [title, desc] = /aria-labelledby="([^" ]+) ([^"]+)"/.exec(svg)!.slice(1);
      expect(page.body).toContain(`<title id="${title}">`);
      expect(page.body).toContain(`<desc id="${desc}">`);
    }
    // the service chart names its bars in text, with their values
    const service = t.content.pack().services[0]!;
    const chart = page.body.split('data-qa="chart-service-views"')[1]!.split('</svg>')[0]!;
    expect(chart).toContain(`>${service.name.replace(/&/g, '&amp;').replace(/'/g, '&#39;')}</text>`);
    expect(chart).toMatch(/font-weight="bold">3<\/text>/);
    expect(page.body.indexOf('data-qa="table-service-views"')).toBeGreaterThan(page.body.indexOf('data-qa="chart-service-views"'));
  });
});

describe('CSV downloads', () => {
  it('neutralise cells a spreadsheet would read as a formula', async () => {
    const insights = new Insights(t.store.db);
    await insights.add(['=HYPERLINK("http://evil.example")', '+1+2', '-3+4', '@SUM(1)'].map((key) => ({ day: today(), metric: 'service-view', key, count: 1 })));
    const download = await get(t.app, editor, '/admin/insights/service-views.csv');
    expect(download.body).toContain(`${today()},"'=HYPERLINK(""http://evil.example"") (no longer published)",1\r\n`);
    expect(download.body).toContain(`${today()},'+1+2 (no longer published),1\r\n`);
    expect(download.body).toContain(`${today()},'-3+4 (no longer published),1\r\n`);
    expect(download.body).toContain(`${today()},'@SUM(1) (no longer published),1\r\n`);
    expect(download.body).not.toMatch(/(^|,)[=+\-@]/m);
    expect(csvCell('=1')).toBe("'=1");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell(-5)).toBe('-5');
  });

  it('gives the counts of the dates chosen, and a safe file name', async () => {
    const insights = new Insights(t.store.db);
    await insights.add([{ day: '2025-03-02', metric: 'card-view', key: 'an-old-service', count: 4 }]);
    const r = await get(t.app, editor, '/admin/insights/card-views.csv?from-day=1&from-month=3&from-year=2025&to-day=3&to-month=3&to-year=2025');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-disposition']).toBe('attachment; filename="insights-card-views-2025-03-01-to-2025-03-03.csv"');
    expect(r.body).toBe('\uFEFFDate,Service,Count\r\n2025-03-02,an-old-service (no longer published),4\r\n');
    const daily = await get(t.app, editor, '/admin/insights/chat-unanswered.csv?from-day=1&from-month=3&from-year=2025&to-day=3&to-month=3&to-year=2025');
    expect(daily.body).toBe('\uFEFFDate,Count\r\n2025-03-01,0\r\n2025-03-02,0\r\n2025-03-03,0\r\n');
    const page = await get(t.app, editor, '/admin/insights?from-day=1&from-month=3&from-year=2025&to-day=3&to-month=3&to-year=2025');
    expect(page.body).toContain('From 1 Mar 2025 to 3 Mar 2025');
    expect(page.body).toContain('value="2025"');
    expect(tableRow(page.body, 'card-views', 'an-old-service (no longer published)')).toBe(4);
  });
});

describe('who may read them', () => {
  it('every role reads the insights; no one signed out does', async () => {
    for (const email of ['editor@example.org', 'reviewer@example.org', 'admin@example.org']) {
      const { jar } = await signIn(t.app, email);
      expect((await get(t.app, jar, '/admin/insights')).statusCode, email).toBe(200);
      expect((await get(t.app, jar, '/admin/insights/card-views.csv')).statusCode, email).toBe(200);
      expect((await get(t.app, jar, '/admin')).body, email).toContain('href="/admin/insights"');
    }
    for (const url of ['/admin/insights', '/admin/insights/card-views.csv']) {
      const r = await t.app.inject(url);
      expect(r.statusCode, url).toBe(303);
      expect(r.headers.location, url).toBe(`/admin/sign-in?returnTo=${encodeURIComponent(url)}`);
    }
    const stale = new CookieJar();
    stale.cookies.set('isg_admin_session', 'A'.repeat(43));
    expect((await get(t.app, stale, '/admin/insights/card-views.csv')).statusCode).toBe(303);
  });
});

describe('bad addresses', () => {
  it('get a clear 400 page with what is wrong, never a server error', async () => {
    const cases: Array<[string, string]> = [
      ['?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026', 'The start date must be a real date'],
      ['?from-day=1&from-month=3&from-year=2026', 'Enter the end date'],
      ['?from-day=1&from-month=&from-year=2026&to-day=2&to-month=3&to-year=2026', 'The start date must include a month'],
      ['?from-day=5&from-month=3&from-year=2025&to-day=1&to-month=3&to-year=2025', 'The end date must be the same as or after the start date'],
      ['?from-day=1&from-month=1&from-year=2023&to-day=1&to-month=3&to-year=2025', 'The end date must be within 366 days of the start date'],
      ['?from-day=1&from-month=1&from-year=2025&to-day=1&to-month=1&to-year=2999', 'The end date must be today or in the past'],
      ['?from-day=x%00&from-month=%E2%80%AE&from-year=20%2025&to-day=1&to-month=1&to-year=2025', 'The start date must be a real date'],
    ];
    for (const [query, message] of cases) {
      const r = await get(t.app, editor, `/admin/insights${query}`);
      expect(r.statusCode, query).toBe(400);
      expect(r.body, query).toContain(message);
      expect(r.body, query).toContain('There is a problem');
      expect(r.body, query).not.toContain('<svg');
      const csv = await get(t.app, editor, `/admin/insights/card-views.csv${query}`);
      expect(csv.statusCode, query).toBe(400);
      expect(csv.headers['content-type'], query).toMatch(/^text\/html/);
    }
    for (const query of ['?from-day=1&from-day=2', `?to-year=${'9'.repeat(50)}`, '?to-month=1&to-month=2&to-month=3']) {
      const r = await get(t.app, editor, `/admin/insights${query}`);
      expect(r.statusCode, query).toBe(400);
      expect(r.body, query).toContain('This address could not be read');
    }
    for (const url of ['/admin/insights/nothing.csv', '/admin/insights/card-views.xlsx', '/admin/insights/..%2fusers.csv']) {
      expect((await get(t.app, editor, url)).statusCode, url).toBe(404);
    }
  });

  it('reads dates as the GOV.UK pattern asks, and defaults to the last 30 days', () => {
    expect(readRange({}, '2026-03-10')).toMatchObject({ ok: true, range: { from: '2026-02-09', to: '2026-03-10' } });
    expect(readRange({ 'from-day': ' 09 ', 'from-month': '2', 'from-year': '2026', 'to-day': '10', 'to-month': '03', 'to-year': '2026' }, '2026-03-10')).toMatchObject({ ok: true, range: { from: '2026-02-09', to: '2026-03-10' } });
    expect(readRange({ 'from-day': '29', 'from-month': '2', 'from-year': '2024', 'to-day': '1', 'to-month': '3', 'to-year': '2024' }, '2026-03-10')).toMatchObject({ ok: true });
    expect(readRange({ 'from-day': '29', 'from-month': '2', 'from-year': '2025', 'to-day': '1', 'to-month': '3', 'to-year': '2025' }, '2026-03-10')).toMatchObject({ ok: false });
  });
});

describe('what is kept, and for how long', () => {
  it('keeps the words of a search only when redaction keeps every one', () => {
    const redact = (text: string) => text.replace(/\b(jayden|07700)\b/g, '[…]');
    expect(searchKey('  Purple,  Elephant! ', redact)).toBe('purple elephant');
    expect(searchKey('jayden purple', redact)).toBe(SEARCH_WORDS_NOT_KEPT);
    expect(searchKey('07700', redact)).toBe(SEARCH_WORDS_NOT_KEPT);
    expect(searchKey('x'.repeat(101), (s) => s)).toBe(SEARCH_WORDS_NOT_KEPT);
  });

  it('forgets the words of searches past the retention period, keeping their counts', async () => {
    const insights = new Insights(t.store.db);
    await insights.add([
      { day: '2024-01-10', metric: 'search-no-results', key: 'purple elephant', count: 2 },
      { day: '2024-01-10', metric: 'search-no-results', key: 'green giraffe', count: 1 },
      { day: '2024-01-10', metric: 'search-no-results', key: SEARCH_WORDS_NOT_KEPT, count: 5 },
      { day: '2024-01-10', metric: 'service-view', key: 'some-service', count: 7 },
    ]);
    const deleted = await deleteExpired(t.store, 90);
    expect(deleted.searchWords).toBe(2);
    const old = (await rows()).filter((r) => r.day === '2024-01-10');
    expect(old).toEqual(
      expect.arrayContaining([
        { day: '2024-01-10', metric: 'search-no-results', key: SEARCH_WORDS_NOT_KEPT, count: 8 },
        { day: '2024-01-10', metric: 'service-view', key: 'some-service', count: 7 },
      ]),
    );
    expect(old).toHaveLength(2);
    // today's words stay
    expect(await countOf('search-no-results', KEPT_SEARCH)).toBe(3);
    expect((await deleteExpired(t.store, 90)).searchWords).toBe(0);
  });
});
