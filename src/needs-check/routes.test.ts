import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });
const full = 'danger=no&route=none&area=neglect&ind=neglect-often-without&age=5-to-10&family=not-told&disclosure=no';

describe('needs check pages', () => {
  it('is listed first among the tools, and the start page has the privacy line and a start button', async () => {
    const home = await get('/');
    expect(home.body.indexOf('href="/needs-check"')).toBeGreaterThan(0);
    const r = await get('/needs-check');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('data-qa="privacy-line"');
    expect(r.body).toContain('href="/needs-check/immediate-danger"');
  });

  it('walks a single-concern journey in 6 pages from the start page to the outcome', async () => {
    const submissions = [
      '/needs-check/immediate-danger?step=danger&answer=no',
      '/needs-check/special-routes?danger=no&step=routes&answer=none',
      '/needs-check/worries?danger=no&route=none&step=areas&answer=neglect',
      '/needs-check/worry/neglect?danger=no&route=none&area=neglect&step=worry-neglect&answer=neglect-often-without',
      '/needs-check/child-and-family?danger=no&route=none&area=neglect&ind=neglect-often-without&step=context&age-answer=5-to-10&family-answer=not-told&disclosure-answer=no',
    ];
    const pages: string[] = ['/needs-check/immediate-danger'];
    for (const s of submissions) {
      const r = await get(s);
      expect(r.statusCode, s).toBe(303);
      pages.push(r.headers.location as string);
    }
    expect(pages[pages.length - 1]).toBe(`/needs-check/check-answers?${full}`);
    expect(pages).toHaveLength(6);
    const check = await get(pages[5]!);
    expect(check.body).toContain(`href="/needs-check/outcome?${full.replace(/&/g, '&amp;')}"`);
  });

  it('shows an error summary and inline error when nothing is chosen, keeping the answers so far', async () => {
    const r = await get('/needs-check/worries?danger=no&route=none&step=areas');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('govuk-error-summary');
    expect(r.body).toContain('href="#answer"');
    expect(r.body).toContain('govuk-error-message');
    expect(r.body).toMatch(/<title>Error: /);
    expect(r.body).toContain('name="danger" value="no"');
  });

  it('refuses "none of these" with a route', async () => {
    const r = await get('/needs-check/special-routes?danger=no&step=routes&answer=none&answer=lado');
    expect(r.body).toContain('govuk-error-summary');
  });

  it('goes straight to the emergency outcome when the child is in immediate danger', async () => {
    const r = await get('/needs-check/immediate-danger?step=danger&answer=yes');
    expect(r.headers.location).toBe('/needs-check/outcome?danger=yes');
    const o = await get('/needs-check/outcome?danger=yes');
    expect(o.body).toContain('data-outcome-kind="emergency"');
    expect(o.body).toContain('href="tel:999"');
  });

  it('change links return to check answers after the change', async () => {
    const check = await get(`/needs-check/check-answers?${full}`);
    expect(check.body).toContain(`/needs-check/child-and-family?${full.replace(/&/g, '&amp;')}&amp;from=check`);
    const changed = await get(`/needs-check/child-and-family?${full}&from=check&step=context&age-answer=11-to-15&family-answer=agrees&disclosure-answer=yes`);
    expect(changed.headers.location).toBe(`/needs-check/check-answers?${full.replace('age=5-to-10&family=not-told&disclosure=no', 'age=11-to-15&family=agrees&disclosure=yes')}`);
    // adding an area asks its question next, then returns to check answers
    const added = await get(`/needs-check/worries?${full}&from=check&step=areas&answer=neglect&answer=education`);
    expect(added.headers.location).toMatch(/^\/needs-check\/worry\/education\?/);
    const page = await get(added.headers.location as string);
    expect(page.body).toContain('name="ind" value="neglect-often-without"');
  });

  it('removing an area drops its answers', async () => {
    const r = await get(`/needs-check/worries?${full}&area=education&ind=ed-occasional&step=areas&answer=education`);
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).not.toContain('neglect');
  });

  it('sends an incomplete journey to its next question instead of the outcome', async () => {
    const r = await get('/needs-check/outcome?danger=no&route=none');
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/needs-check/worries?danger=no&route=none');
  });

  it('renders the outcome: level, why, numbered steps with tel: links, consent, services, reminder, copy summary', async () => {
    const r = await get(`/needs-check/outcome?${full}`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('data-level="complex-needs"');
    expect(r.body).toContain('data-qa="why"');
    expect(r.body).toMatch(/<ol class="govuk-list govuk-list--number app-nc-steps"/);
    expect(r.body).toContain('href="tel:02082273811"');
    expect(r.body).toContain('data-qa="consent"');
    expect(r.body).toMatch(/href="\/services\/[a-z0-9-]+"/);
    expect(r.body).toContain('does not replace');
    expect(r.body).toMatch(/<textarea[^>]*readonly/);
    expect(r.body).toContain('/needs-check/needs-check.css');
  });

  it('the copy summary has the concern, the indicators and the level, and nothing else from the URL', async () => {
    const r = await get(`/needs-check/outcome?${full}&utm_source=Jane%20Smith`);
    const summary = /<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(r.body)?.[1] ?? '';
    expect(summary).toContain('Neglect and basic care');
    expect(summary).toContain('Food and warmth are often missing at home');
    expect(summary).toContain('Level 3');
    expect(r.body).not.toContain('Jane');
  });

  it.each([
    ['an unknown answer', '/needs-check/outcome?danger=perhaps'],
    ['an unknown area', '/needs-check/worry/not-an-area?danger=no&route=none'],
    ['script in an answer', '/needs-check/worries?danger=no&route=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['an unknown submitted value', '/needs-check/immediate-danger?step=danger&answer=%F0%9F%92%A5'],
    ['answers that do not fit together', `/needs-check/check-answers?danger=no&route=none&area=abuse&ind=neglect-hygiene`],
    ['a huge address', `/needs-check/outcome?danger=no${'&x=1'.repeat(1200)}`],
  ])('%s gives a clear 400 page offering to start again', async (_name, url) => {
    const r = await get(url);
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('href="/needs-check"');
    expect(r.body).toContain('Start the needs check again');
    expect(r.body).not.toContain('<script>alert');
  });

  it('serves its print stylesheet', async () => {
    const r = await get('/needs-check/needs-check.css');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/css/);
    expect(r.body).toContain('@media print');
  });
});
