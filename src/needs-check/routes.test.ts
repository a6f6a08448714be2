import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { defaultPack } from '../../test/helpers/pack.js';
import { needsCheckContent } from './content.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });
const ctx = 'age=5-to-12&disclosure=no&voice=too-young&family=not-asked&strength=none';
const full = `asker=dsl&danger=no&route=none&area=neglect&ind=neglect-often-without&${ctx}`;
const amp = (q: string) => q.replace(/&/g, '&amp;');

describe('needs check pages', () => {
  it('is listed first among the tools, and the start page asks who is using it, with the privacy line', async () => {
    const home = await get('/');
    expect(home.body.indexOf('href="/needs-check"')).toBeGreaterThan(0);
    const r = await get('/needs-check');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('data-qa="privacy-line"');
    expect(r.body).toContain('name="answer" type="radio" value="dsl"');
    expect(r.body).toContain('name="answer" type="radio" value="staff"');
    expect(r.body).toContain('name="step" value="start"');
    // starting without saying who is asking is an error on the start page itself
    const none = await get('/needs-check?step=start');
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain('govuk-error-summary');
  });

  it('walks a single-concern journey in 7 pages after the start page, check answers included', async () => {
    const submissions = [
      '/needs-check?step=start&answer=dsl',
      '/needs-check/immediate-danger?asker=dsl&step=danger&answer=no',
      '/needs-check/special-routes?asker=dsl&danger=no&step=routes&answer=none',
      '/needs-check/worries?asker=dsl&danger=no&route=none&step=areas&answer=neglect',
      '/needs-check/worry/neglect?asker=dsl&danger=no&route=none&area=neglect&step=worry-neglect&answer=neglect-often-without',
      '/needs-check/the-child?asker=dsl&danger=no&route=none&area=neglect&ind=neglect-often-without&step=child&age-answer=5-to-12&disclosure-answer=no&voice-answer=too-young',
      '/needs-check/the-family?asker=dsl&danger=no&route=none&area=neglect&ind=neglect-often-without&age=5-to-12&disclosure=no&voice=too-young&step=family&family-answer=not-asked&strength-answer=none',
    ];
    const pages: string[] = ['/needs-check'];
    for (const s of submissions) {
      const r = await get(s);
      expect(r.statusCode, s).toBe(303);
      pages.push(r.headers.location as string);
    }
    expect(pages[pages.length - 1]).toBe(`/needs-check/check-answers?${full}`);
    expect(pages.slice(1)).toHaveLength(7);
    const check = await get(pages[7]!);
    expect(check.body).toContain(`href="/needs-check/outcome?${amp(full)}"`);
    // check your answers shows the answers, not the levels they set
    expect(check.body).toContain('Food and warmth are often missing at home');
    expect(check.body).not.toMatch(/Level \d/);
  });

  it('shows an error summary and inline error when nothing is chosen, keeping the answers so far', async () => {
    const r = await get('/needs-check/worries?asker=dsl&danger=no&route=none&step=areas');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('govuk-error-summary');
    expect(r.body).toContain('href="#answer"');
    expect(r.body).toContain('govuk-error-message');
    expect(r.body).toMatch(/<title>Error: /);
    expect(r.body).toContain('name="danger" value="no"');
  });

  it('shows a sign\u2019s hint under it on its worry page, escaped', async () => {
    const c = needsCheckContent(defaultPack());
    const area = c.areas.find((a) => a.indicators.some((i) => i.hint))!;
    const sign = area.indicators.find((i) => i.hint)!;
    const r = await get(`/needs-check/worry/${area.id}?asker=dsl&danger=no&route=none&area=${area.id}`);
    expect(r.statusCode).toBe(200);
    const escaped = sign.hint!.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');
    expect(r.body).toContain(escaped);
  });

  it('refuses "none of these" with a route', async () => {
    const r = await get('/needs-check/special-routes?asker=dsl&danger=no&step=routes&answer=none&answer=lado');
    expect(r.body).toContain('govuk-error-summary');
  });

  it('goes straight to the emergency outcome when a child is in danger now, with 999 first', async () => {
    const r = await get('/needs-check/immediate-danger?asker=staff&step=danger&answer=yes');
    expect(r.headers.location).toBe('/needs-check/outcome?asker=staff&danger=yes');
    const o = await get('/needs-check/outcome?asker=staff&danger=yes');
    expect(o.body).toContain('data-outcome-kind="emergency"');
    expect(o.body).toContain('data-first-action="emergency-999"');
    expect(o.body).toContain('href="tel:999"');
  });

  it('tells the danger question apart from a same-day call, and "not sure" goes on with the check', async () => {
    const page = await get('/needs-check/immediate-danger?asker=dsl');
    expect(page.body).toContain('data-qa="not-999"');
    expect(page.body).toContain('value="not-sure"');
    const r = await get('/needs-check/immediate-danger?asker=dsl&step=danger&answer=not-sure');
    expect(r.headers.location).toBe('/needs-check/special-routes?asker=dsl&danger=not-sure');
    const o = await get(`/needs-check/outcome?asker=dsl&danger=not-sure&route=none&area=abuse&ind=abuse-child-says-hurt&${ctx}`);
    expect(o.body).toContain('data-level="acute"');
    expect(o.body).toContain('data-first-action="front-door-same-day"');
  });

  it('gives the DSL the referral and other staff "tell your DSL" first', async () => {
    const q = `danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&${ctx}`;
    const dsl = await get(`/needs-check/outcome?asker=dsl&${q}`);
    const staff = await get(`/needs-check/outcome?asker=staff&${q}`);
    expect(dsl.body).toContain('data-first-action="front-door-same-day"');
    expect(dsl.body).not.toMatch(/Tell your DSL/);
    expect(staff.body).toContain('data-first-action="tell-dsl"');
    // the first action is near the top of the page, before the level's meaning
    expect(staff.body.indexOf('data-qa="first-action"')).toBeLessThan(staff.body.indexOf('Who responds'));
    // the front door's number leads both, but for staff it is for when the DSL cannot be reached
    const firstBox = (body: string) => body.slice(body.indexOf('data-qa="first-action"'), body.indexOf('</div>', body.indexOf('data-qa="first-action"')));
    expect(firstBox(staff.body)).toMatch(/If your DSL cannot be reached, call\s*<strong><a [^>]*href="tel:/);
    expect(firstBox(dsl.body)).toMatch(/Call\s*<strong><a [^>]*href="tel:/);
    expect(firstBox(dsl.body)).not.toContain('cannot be reached');
  });

  it("says why a route puts a child at its level in place of the level's words, and who responds only when they act next", async () => {
    const c = needsCheckContent(defaultPack());
    const lac = c.routes.find((r) => r.id === 'looked-after')!;
    const acute = defaultPack().levels.find((l) => l.id === lac.minimumLevel)!;
    const cared = await get(`/needs-check/outcome?asker=dsl&danger=no&route=looked-after&area=education&ind=ed-occasional&${ctx}`);
    expect(cared.statusCode).toBe(200);
    expect(cared.body).toContain(`data-level="${acute.id}"`);
    expect(cared.body).toContain(lac.levelNote!.split(',')[0]);
    expect(cared.body).not.toContain(acute.meaning.split(',')[0]);
    // the need's own service acts first (the SENCO): the level's "who responds" would send the reader elsewhere
    const own = await get('/needs-check/outcome?asker=dsl&danger=no&route=none&area=send&ind=send-support&age=5-to-12&disclosure=no&voice=too-young&family=agrees&strength=parents-engaged');
    expect(own.body).toContain('data-first-action="own-service"');
    expect(own.body).not.toContain('Who responds');
    const referral = await get(`/needs-check/outcome?asker=dsl&danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&${ctx}`);
    expect(referral.body).toContain('Who responds');
  });

  it('takes a worry chosen in advance (a link from the chat) to the worries page, ticked, and drops it once answered', async () => {
    const start = await get('/needs-check?worry=bereavement');
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('name="worry" value="bereavement"');
    const areas = await get('/needs-check/worries?asker=dsl&danger=no&route=none&worry=bereavement');
    expect(areas.body).toMatch(/value="bereavement" checked/);
    const answered = await get('/needs-check/worries?asker=dsl&danger=no&route=none&worry=bereavement&step=areas&answer=bereavement&answer=bullying');
    // the worries in the content's order, the first one's signs next
    expect(answered.headers.location).toBe('/needs-check/worry/bullying?asker=dsl&danger=no&route=none&area=bullying&area=bereavement');
    expect(answered.headers.location).not.toContain('worry=');
    expect((await get('/needs-check?worry=not-a-worry')).statusCode).toBe(400);
  });

  it('offers "something else", which leads to a consultation and no level', async () => {
    const areas = await get('/needs-check/worries?asker=dsl&danger=no&route=none');
    expect(areas.body).toContain('value="something-else"');
    const o = await get(`/needs-check/outcome?asker=dsl&danger=no&route=none&area=something-else&${ctx}`);
    expect(o.body).toContain('data-outcome-kind="consult"');
    expect(o.body).not.toContain('data-level=');
    expect(o.body).toContain('data-first-action="front-door-consultation"');
  });

  it('after a special route, the same option reads "nothing else", and the route’s steps stand without a consultation', async () => {
    const o = needsCheckContent(defaultPack()).areasQuestion.somethingElse;
    const areas = await get('/needs-check/worries?asker=dsl&danger=no&route=fgm-known');
    expect(areas.body).toContain(o.withRoutes!.text);
    expect(areas.body).not.toContain(`>${o.text}<`);
    const outcome = await get(`/needs-check/outcome?asker=dsl&danger=no&route=fgm-known&area=something-else&${ctx}`);
    expect(outcome.body).toContain('data-first-action="fgm-police-report"');
    expect(outcome.body).not.toContain('data-first-action="front-door-consultation"');
    for (const step of o.steps) expect(outcome.body).not.toContain(step.text);
    const check = await get(`/needs-check/check-answers?asker=dsl&danger=no&route=fgm-known&area=something-else&${ctx}`);
    expect(check.body).toContain(o.withRoutes!.text);
  });

  it('change links return to check answers after the change', async () => {
    const check = await get(`/needs-check/check-answers?${full}`);
    expect(check.body).toContain(`/needs-check/the-child?${amp(full)}&amp;from=check`);
    const changed = await get(`/needs-check/the-child?${full}&from=check&step=child&age-answer=13-to-15&disclosure-answer=yes&voice-answer=wants-help`);
    expect(changed.headers.location).toBe(`/needs-check/check-answers?${full.replace('age=5-to-12&disclosure=no&voice=too-young', 'age=13-to-15&disclosure=yes&voice=wants-help')}`);
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
    const r = await get('/needs-check/outcome?asker=dsl&danger=no&route=none');
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/needs-check/worries?asker=dsl&danger=no&route=none');
    const noAsker = await get('/needs-check/outcome?danger=yes');
    expect(noAsker.headers.location).toBe('/needs-check?danger=yes');
  });

  it('renders the outcome: level, why, numbered steps with tel: links, consent, services, reminder, copy summary', async () => {
    const r = await get(`/needs-check/outcome?${full}`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('data-level="complex-needs"');
    expect(r.body).toContain('data-first-action="front-door-referral"');
    expect(r.body).toContain('data-qa="what-happens-next"');
    expect(r.body).toContain('data-qa="why"');
    expect(r.body).toMatch(/<ol class="govuk-list govuk-list--number app-nc-steps"/);
    expect(r.body).toContain('href="tel:02082273811"');
    expect(r.body).toContain('data-qa="consent"');
    expect(r.body).toMatch(/href="\/services\/[a-z0-9-]+"/);
    expect(r.body).toContain('does not replace');
    expect(r.body).toMatch(/<textarea[^>]*readonly/);
    expect(r.body).toContain('/needs-check/needs-check.css');
    // the front door's number is given once, however many steps name it
    const outcome = r.body.slice(r.body.indexOf('data-qa="outcome"'));
    expect(outcome.split('href="tel:02082273811"').length - 1).toBe(1);
    // a directory link with the same filters
    expect(r.body).toContain('href="/services?need=neglect&amp;level=complex-needs&amp;age=5"');
  });

  it('needs without harm stay at early help when the parents are engaged, and the outcome says why', async () => {
    const q = `asker=dsl&danger=no&route=none&area=housing-and-money&ind=hm-temporary&age=5-to-12&disclosure=no&voice=too-young&family=agrees`;
    const engaged = await get(`/needs-check/outcome?${q}&strength=parents-engaged`);
    expect(engaged.body).toContain('data-level="early-help"');
    expect(engaged.body).toContain('data-first-action="own-service"');
    expect(engaged.body).toMatch(/Lowered: /);
    const notEngaged = await get(`/needs-check/outcome?${q}&strength=none`);
    expect(notEngaged.body).toContain('data-level="complex-needs"');
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
    ['an unknown answer', '/needs-check/outcome?asker=dsl&danger=perhaps'],
    ['an unknown asker', '/needs-check/immediate-danger?asker=headteacher'],
    ['an unknown area', '/needs-check/worry/not-an-area?asker=dsl&danger=no&route=none'],
    ['script in an answer', '/needs-check/worries?asker=dsl&danger=no&route=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['an unknown submitted value', '/needs-check/immediate-danger?asker=dsl&step=danger&answer=%F0%9F%92%A5'],
    ['an unknown strength', `/needs-check/the-family?asker=dsl&danger=no&route=none&area=neglect&ind=neglect-hygiene&step=family&family-answer=agrees&strength-answer=rich`],
    ['"none of these" with a strength', `/needs-check/check-answers?asker=dsl&danger=no&route=none&area=neglect&ind=neglect-hygiene&${ctx}&strength=parents-engaged`],
    ['answers that do not fit together', `/needs-check/check-answers?asker=dsl&danger=no&route=none&area=abuse&ind=neglect-hygiene`],
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
