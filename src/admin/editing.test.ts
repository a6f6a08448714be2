/**
 * Edit, review and publish through the real app (inject), on SQLite and on PostgreSQL: a service's
 * phone changed in its form, saved as a draft, submitted, refused to its own author, approved and
 * published by a reviewer, and served by a second instance on the same database on the service page,
 * in search and through the API; validation by field; conflicts; revert; history; preview; roles; CSRF.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, get, postForm, signIn, tokenIn, type CookieJar } from '../../test/helpers/admin.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { eventually } from '../../test/helpers/eventually.js';
import { encodeForm, formFields, withValues, type FormFields } from '../../test/helpers/forms.js';
import { AuditLog } from './audit.js';
import { DRAFT_PAGE_SIZE, Drafts } from './drafts.js';
import { FIELD_MAX_LENGTH } from './forms.js';
import { findRecord, type Proposed } from './records.js';

let t: TestApp;
let other: TestApp;
let editor: CookieJar;
let editor2: CookieJar;
let reviewer: CookieJar;
let admin: CookieJar;

beforeAll(async () => {
  t = await buildTestApp();
  // a second instance on the same database, as another process behind a load balancer
  other = await buildTestApp({ ...t.database });
  await addUser(t.store, 'editor@example.org', 'editor');
  await addUser(t.store, 'editor2@example.org', 'editor');
  await addUser(t.store, 'reviewer@example.org', 'reviewer');
  await addUser(t.store, 'admin@example.org', 'admin');
  editor = (await signIn(t.app, 'editor@example.org')).jar;
  editor2 = (await signIn(t.app, 'editor2@example.org')).jar;
  reviewer = (await signIn(t.app, 'reviewer@example.org')).jar;
  admin = (await signIn(t.app, 'admin@example.org')).jar;
}, 90_000);
afterAll(async () => {
  await other?.app.close();
  await t?.close();
});

/** posts fields to a URL with the jar's cookies (the fields carry their own form token) */
async function post(app: FastifyInstance, jar: CookieJar, url: string, fields: FormFields) {
  const r = await app.inject({ method: 'POST', url, headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: encodeForm(fields) });
  jar.take(r.headers['set-cookie']);
  return r;
}
/** opens `page`, and posts its form for `action` with some fields changed, as a browser would */
async function submitForm(jar: CookieJar, page: string, action: string, changes: Record<string, string> = {}) {
  let url = page;
  let p = await get(t.app, jar, url);
  // a record's edit form goes on with the user's own open draft of it
  if (p.statusCode === 303 && action === page) {
    url = action = String(p.headers.location);
    p = await get(t.app, jar, url);
  }
  expect(p.statusCode, url).toBe(200);
  return post(t.app, jar, action, withValues(formFields(p.body, action), changes));
}
const draftIdOf = (location: unknown) => Number(/\/admin\/drafts\/(\d+)/.exec(String(location))![1]);
const published = () => t.content.pack();
/** the published pack once this instance has read the latest version (a publish's own read may still be under way) */
const fresh = async () => {
  await t.content.refresh();
  return t.content.pack();
};
/** an active service with a confirmed phone number, which the open data shows */
const serviceWithPhone = (n = 0) => {
  const found = t.published.pack.services.filter((s) => s.status === 'active' && s.phones.length === 1 && s.phones[0]!.verified && s.phones[0]!.number.startsWith('0'));
  if (found.length <= n) throw new Error(`the pack has only ${found.length} services with one confirmed phone number`);
  return published().services.find((s) => s.slug === found[n]!.slug)!;
};
const NEW_PHONE = '020 7946 0999';

describe('a service edited, reviewed and published', () => {
  it('goes from its form to a draft, for review, and to every instance once a reviewer approves it', async () => {
    const s = serviceWithPhone();
    const oldPhone = s.phones[0]!.number;
    const edit = `/admin/records/service/${s.slug}/edit`;
    const saved = await submitForm(editor, edit, edit, { 'phones[0].number': NEW_PHONE, summary: `${s.summary.slice(0, 150)} Quincewood` });
    expect(saved.statusCode, saved.body).toBe(303);
    const id = draftIdOf(saved.headers.location);

    // nothing is published yet
    expect((await t.app.inject(`/services/${s.slug}`)).body).not.toContain(NEW_PHONE);
    const draftPage = await get(t.app, editor, `/admin/drafts/${id}`);
    expect(draftPage.body).toContain(oldPhone);
    expect(draftPage.body).toContain(NEW_PHONE);
    expect(draftPage.body).toContain('phones › 1 › number');

    // submitted by its author, who cannot approve it
    expect((await submitForm(editor, `/admin/drafts/${id}`, `/admin/drafts/${id}/submit`)).statusCode).toBe(303);
    const own = await post(t.app, editor, `/admin/drafts/${id}/approve`, [['_csrf', tokenIn((await get(t.app, editor, `/admin/drafts/${id}`)).body)]]);
    expect(own.statusCode).toBe(403);
    expect((await get(t.app, editor, `/admin/drafts/${id}`)).body).not.toContain(`/admin/drafts/${id}/approve`);
    // it waits in the reviewers' queue
    expect((await get(t.app, reviewer, '/admin/drafts')).body).toContain(`/admin/drafts/${id}`);

    const approved = await submitForm(reviewer, `/admin/drafts/${id}`, `/admin/drafts/${id}/approve`);
    expect(approved.statusCode, approved.body).toBe(303);
    expect(approved.headers.location).toBe(`/admin/drafts/${id}?done=published`);

    // this instance serves it at once; the other within seconds: service page, search, API
    expect((await t.app.inject(`/services/${s.slug}`)).body).toContain(NEW_PHONE);
    await eventually(async () => expect((await other.app.inject(`/services/${s.slug}`)).body).toContain(NEW_PHONE), 10_000);
    const servicePage = (await other.app.inject(`/services/${s.slug}`)).body;
    expect(servicePage).toContain(`tel:${NEW_PHONE.replace(/ /g, '')}`);
    expect((await other.app.inject('/services?q=quincewood')).body).toContain(`/services/${s.slug}`);
    const api = JSON.parse((await other.app.inject(`/api/v1/services?search=quincewood`)).body) as { contents: Array<{ id: string; name: string }> };
    expect(api.contents.map((x) => x.name)).toEqual([s.name]);
    const one = JSON.parse((await other.app.inject(`/api/v1/services/${api.contents[0]!.id}`)).body) as { phones: Array<{ number: string }> };
    expect(one.phones.map((p) => p.number)).toEqual([NEW_PHONE]);

    // the history shows who, when and what, and the audit log every step
    const history = (await get(t.app, editor, `/admin/records/service/${s.slug}/history`)).body;
    expect(history).toContain('editor@example.org');
    expect(history).toContain('reviewer@example.org');
    expect(history).toContain(NEW_PHONE);
    const actions = (await new AuditLog(t.store.db).page(1, 500)).entries.filter((e) => e.recordId === s.slug).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['draft-created', 'draft-submitted', 'draft-published']));
  }, 60_000);
});

describe('validation, as content:check validates', () => {
  it('reports each problem at its field, keeps what was typed, and refuses to submit the draft', async () => {
    const s = serviceWithPhone(1);
    const edit = `/admin/records/service/${s.slug}/edit`;
    const r = await submitForm(editor2, edit, edit, { 'phones[0].number': 'call us', 'ages.min': 'ten', 'card.canDo': '', reviewed: '2026-02-30' });
    expect(r.statusCode).toBe(400);
    // the error summary links to each field, and the fields show their errors
    expect(r.body).toContain('govuk-error-summary');
    expect(r.body).toContain('Your draft was saved');
    for (const [href, words] of [
      ['#phones-0-number', 'must be a phone number'],
      ['#ages-min', 'must be a number'],
      ['#card-canDo', 'must have at least 1 item'],
      ['#reviewed', 'is not a real calendar date'],
    ]) {
      expect(r.body, href).toMatch(new RegExp(`href="${href}"[^>]*>[^<]*${words}`));
    }
    expect(r.body).toContain('id="phones-0-number-error"');
    // what was typed is kept
    expect(r.body).toContain('value="call us"');
    expect(r.body).toContain('value="ten"');
    // the draft cannot be submitted
    const id = draftIdOf(/action="\/admin\/drafts\/(\d+)\/edit"/.exec(r.body)![0]);
    const page = await get(t.app, editor2, `/admin/drafts/${id}`);
    expect(page.body).not.toContain(`action="/admin/drafts/${id}/submit"`);
    const forced = await post(t.app, editor2, `/admin/drafts/${id}/submit`, [['_csrf', tokenIn(page.body)]]);
    expect(forced.statusCode).toBe(400);
    expect(forced.body).toContain('Fix the problems in this draft before you submit it');
    expect((await get(t.app, reviewer, '/admin/drafts')).body).not.toContain(`/admin/drafts/${id}"`);
  });

  it('reports a problem the change makes elsewhere: an FAQ answer with a phone number written by hand', async () => {
    const faqs = (published().sections['faqs'] as Array<{ value: { faqs: Array<{ id: string }> } }>)[0]!.value.faqs;
    const edit = `/admin/records/faq/${faqs[0]!.id}/edit`;
    const r = await submitForm(editor2, edit, edit, { answer: 'Ring them on 020 8227 3811 at once, and write down what you were told.' });
    expect(r.statusCode).toBe(400);
    expect(r.body).toMatch(/href="#answer"[^>]*>[^<]*phone number written by hand/);
  });

  it('a new service needs a free slug; text over the limit is refused with the form kept', async () => {
    const taken = serviceWithPhone(7).slug;
    const r = await submitForm(editor2, '/admin/records/service/new', '/admin/records/service/new', { slug: taken, name: 'A new service' });
    expect(r.statusCode).toBe(400);
    expect(r.body).toMatch(/href="#slug"[^>]*>[^<]*already a service with this slug/);
    const huge = 'x'.repeat(FIELD_MAX_LENGTH + 1);
    const big = await submitForm(editor2, '/admin/records/service/new', '/admin/records/service/new', { slug: 'brand-new-service', name: 'Kept name', description: huge });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('Nothing was saved');
    expect(big.body).toContain('value="Kept name"');
    expect(big.body).toMatch(/href="#description"[^>]*>[^<]*must be at most/);
  });
});

describe('conflicts', () => {
  it('refuses to publish a draft whose record was changed and published since it began, and keeps it', async () => {
    const s = serviceWithPhone(2);
    const edit = `/admin/records/service/${s.slug}/edit`;
    // two editors start from the same published record
    const first = draftIdOf((await submitForm(editor, edit, edit, { name: `${s.name} (first)` })).headers.location);
    const second = draftIdOf((await submitForm(editor2, edit, edit, { name: `${s.name} (second)` })).headers.location);
    for (const [jar, id] of [[editor, first], [editor2, second]] as const) await submitForm(jar, `/admin/drafts/${id}`, `/admin/drafts/${id}/submit`);
    expect((await submitForm(reviewer, `/admin/drafts/${first}`, `/admin/drafts/${first}/approve`)).statusCode).toBe(303);
    const refused = await submitForm(reviewer, `/admin/drafts/${second}`, `/admin/drafts/${second}/approve`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('changed and published by someone else');
    expect((await fresh()).services.find((x) => x.slug === s.slug)!.name).toBe(`${s.name} (first)`);
    // the refused draft is kept as it was, still waiting
    const kept = await get(t.app, editor2, `/admin/drafts/${second}`);
    expect(kept.body).toContain(`${s.name} (second)`);
    expect(kept.body).toContain('Waiting for review');
    const actions = (await new AuditLog(t.store.db).page(1, 500)).entries.map((e) => e.action);
    expect(actions).toContain('draft-publish-refused');
  });
});

describe('history and revert', () => {
  it('shows hostile text escaped, and a revert is a draft for review, not a silent change', async () => {
    const contact = 'lado';
    const before = published().manifest.contacts[contact];
    const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const edit = `/admin/records/contact/${contact}/edit`;
    const saved = await submitForm(editor, edit, edit, { description: hostile });
    expect(saved.statusCode, saved.body).toBe(303);
    const id = draftIdOf(saved.headers.location);
    await submitForm(editor, `/admin/drafts/${id}`, `/admin/drafts/${id}/submit`);
    expect((await submitForm(admin, `/admin/drafts/${id}`, `/admin/drafts/${id}/approve`)).statusCode).toBe(303);
    expect((await fresh()).manifest.contacts[contact].description).toBe(hostile);

    const history = (await get(t.app, editor2, `/admin/records/contact/${contact}/history`)).body;
    expect(history).not.toContain('<script>alert');
    expect(history).not.toContain('<img src=x');
    expect(history).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
    expect(history).toContain('admin@example.org');

    // revert: a new draft of the record as it was, which changes nothing until approved
    const reverted = await submitForm(editor2, `/admin/records/contact/${contact}/history`, `/admin/drafts/${id}/revert`);
    expect(reverted.statusCode).toBe(303);
    const revertId = draftIdOf(reverted.headers.location);
    expect(revertId).not.toBe(id);
    expect((await fresh()).manifest.contacts[contact].description).toBe(hostile);
    await submitForm(editor2, `/admin/drafts/${revertId}`, `/admin/drafts/${revertId}/submit`);
    expect((await submitForm(reviewer, `/admin/drafts/${revertId}`, `/admin/drafts/${revertId}/approve`)).statusCode).toBe(303);
    expect((await fresh()).manifest.contacts[contact]).toEqual(before);
  });
});

describe('preview', () => {
  it('shows a draft as staff would see it, marked, to signed-in users only, never cached or indexed', async () => {
    const s = serviceWithPhone(3);
    const edit = `/admin/records/service/${s.slug}/edit`;
    const id = draftIdOf((await submitForm(editor2, edit, edit, { 'card.whatHappensNext': 'Quillwort will call you back within a day.' })).headers.location);
    const preview = await get(t.app, reviewer, `/admin/drafts/${id}/preview`);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Preview – not published');
    expect(preview.body).toContain('Quillwort will call you back');
    expect(preview.body).toContain('data-qa="card"');
    expect(preview.body).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(preview.headers['cache-control']).toBe('no-store');
    expect(preview.headers['x-robots-tag']).toMatch(/noindex/);
    // not signed in: to sign-in; and the public page does not show it
    const anonymous = await t.app.inject(`/admin/drafts/${id}/preview`);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/admin\/sign-in/);
    expect((await t.app.inject(`/services/${s.slug}`)).body).not.toContain('Quillwort');
  });
});

describe('roles, CSRF and bad input', () => {
  it('an editor cannot approve or reject; a reviewer cannot approve their own draft; nobody changes another’s draft', async () => {
    const s = serviceWithPhone(4);
    const edit = `/admin/records/service/${s.slug}/edit`;
    const id = draftIdOf((await submitForm(reviewer, edit, edit, { name: `${s.name} by a reviewer` })).headers.location);
    await submitForm(reviewer, `/admin/drafts/${id}`, `/admin/drafts/${id}/submit`);
    const token = async (jar: CookieJar) => tokenIn((await get(t.app, jar, `/admin/drafts/${id}`)).body);
    expect((await post(t.app, reviewer, `/admin/drafts/${id}/approve`, [['_csrf', await token(reviewer)]])).statusCode).toBe(403);
    expect((await post(t.app, editor, `/admin/drafts/${id}/approve`, [['_csrf', await token(editor)]])).statusCode).toBe(403);
    expect((await post(t.app, editor, `/admin/drafts/${id}/reject`, [['_csrf', await token(editor)], ['comment', 'no']])).statusCode).toBe(403);
    expect((await post(t.app, editor, `/admin/drafts/${id}/edit`, [['_csrf', await token(editor)], ['name', 'hijacked']])).statusCode).toBe(403);
    expect((await post(t.app, editor, `/admin/drafts/${id}/submit`, [['_csrf', await token(editor)]])).statusCode).toBe(403);
    // a reject needs a comment, kept on error
    const noComment = await post(t.app, admin, `/admin/drafts/${id}/reject`, [['_csrf', await token(admin)], ['comment', ' ']]);
    expect(noComment.statusCode).toBe(400);
    expect(noComment.body).toContain('Enter a comment for the author');
    const rejected = await post(t.app, admin, `/admin/drafts/${id}/reject`, [['_csrf', await token(admin)], ['comment', 'Check the <b>name</b> with them']]);
    expect(rejected.statusCode).toBe(303);
    const page = (await get(t.app, reviewer, `/admin/drafts/${id}`)).body;
    expect(page).toContain('Rejected');
    expect(page).toContain('Check the &lt;b&gt;name&lt;/b&gt; with them');
    expect((await fresh()).services.find((x) => x.slug === s.slug)!.name).not.toContain('by a reviewer');
  });

  it('refuses a form without its token, and changes nothing', async () => {
    const s = serviceWithPhone(5);
    const edit = `/admin/records/service/${s.slug}/edit`;
    const fields = formFields((await get(t.app, editor2, edit)).body, edit).filter(([k]) => k !== '_csrf');
    const before = (await new AuditLog(t.store.db).page(1, 1)).total;
    const r = await post(t.app, editor2, edit, withValues(fields, { name: 'No token' }));
    expect(r.statusCode).toBe(403);
    const forged = await post(t.app, editor2, edit, withValues(fields, { name: 'Forged token', _csrf: 'forged' }));
    expect(forged.statusCode).toBe(403);
    expect((await new AuditLog(t.store.db).page(1, 1)).total).toBe(before);
  });

  it('answers unknown ids and tampered addresses with 404, never a 500', async () => {
    for (const url of ['/admin/records/service/no-such-service', '/admin/records/widget/x', '/admin/records/contact/mayor/edit', '/admin/records/service/..%2F..%2Fetc/edit', '/admin/drafts/999999', '/admin/drafts/abc', '/admin/drafts/1e3/preview', '/admin/records/contact/new']) {
      const r = await get(t.app, editor, url);
      expect(r.statusCode, url).toBe(404);
    }
    const r = await postForm(t.app, editor, '/admin/drafts', '/admin/drafts/999999/approve', {});
    expect(r.statusCode).toBe(403);
    const asAdmin = await postForm(t.app, admin, '/admin/drafts', '/admin/drafts/999999/approve', {});
    expect(asAdmin.statusCode).toBe(404);
  });

  it('a tampered form (unknown fields, a status that does not exist) is saved as typed and reported, never published', async () => {
    const s = serviceWithPhone(6);
    const edit = `/admin/records/service/${s.slug}/edit`;
    const r = await submitForm(editor2, edit, edit, { status: 'deleted', injected: 'x' });
    expect(r.statusCode).toBe(400);
    expect(r.body).toMatch(/href="#status"[^>]*>[^<]*must be one of/);
    expect((await fresh()).services.find((x) => x.slug === s.slug)!.status).toBe('active');
    // a need area the pack does not have, checked across the pack as content:check does
    const again = await submitForm(editor2, edit, edit, { status: 'active', needAreas: 'not-a-need' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toMatch(/href="#needAreas"[^>]*>[^<]*unknown need area/);
  });

  it('lists records with search, your drafts, and the review queue for reviewers only', async () => {
    const s = serviceWithPhone();
    const list = await get(t.app, editor, `/admin/records?type=service&q=${encodeURIComponent(s.name.split(' ')[0]!)}`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/admin/records/service/${s.slug}`);
    expect((await get(t.app, editor, '/admin/records?type=faq')).body).toContain('/admin/records/faq/');
    expect((await get(t.app, editor, '/admin/records?type=contact')).body).toContain('/admin/records/contact/frontDoor');
    const drafts = (await get(t.app, editor, '/admin/drafts')).body;
    expect(drafts).toContain('Your drafts');
    expect(drafts).not.toContain('id="waiting"');
    expect((await get(t.app, reviewer, '/admin/drafts')).body).toContain('id="waiting"');
    const home = (await get(t.app, editor, '/admin')).body;
    expect(home).toContain('href="/admin/records"');
    expect(home).not.toContain('href="/admin/drafts#waiting"');
  });

  it('pages the draft lists, 50 to a page, each list on its own, whatever page is asked for', async () => {
    const user = await addUser(t.store, 'bulk@example.org', 'editor');
    const bulk = (await signIn(t.app, 'bulk@example.org')).jar;
    const pack = t.content.pack();
    const faqs = (pack.sections.faqs as Array<{ value: { faqs: Array<{ id: string }> } }>).flatMap((f) => f.value.faqs);
    const drafts = new Drafts({ store: t.store, pack: () => t.content.pack(), version: () => t.content.version(), now: Date.now });
    const made = await drafts.createSubmitted(
      Array.from({ length: DRAFT_PAGE_SIZE + 7 }, (_, i) => {
        const f = findRecord(pack, 'faq', faqs[i % faqs.length]!.id) as Proposed;
        return { type: 'faq' as const, id: faqs[i % faqs.length]!.id, action: 'change' as const, proposed: f, baseHash: null };
      }),
      { id: user.id, email: 'bulk@example.org' },
      { claim: async () => true },
    );
    expect(made).toHaveLength(DRAFT_PAGE_SIZE + 7);
    const rows = (html: string, table: string) => (html.split(`data-qa="${table}"`)[1]?.split('</table>')[0]?.match(/<tr class="govuk-table__row">/g) ?? []).length - 1;
    const first = (await get(t.app, bulk, '/admin/drafts')).body;
    expect(rows(first, 'your-drafts')).toBe(DRAFT_PAGE_SIZE);
    expect(first).toContain(`Your drafts (${DRAFT_PAGE_SIZE + 7})`);
    expect(first).toContain('href="/admin/drafts?yours=2&amp;waiting=1#yours"');
    expect(rows((await get(t.app, bulk, '/admin/drafts?yours=2')).body, 'your-drafts')).toBe(7);
    // a tampered or too-large page number: page 1, or the last page, never an error
    expect(rows((await get(t.app, bulk, '/admin/drafts?yours=%3Cscript%3E')).body, 'your-drafts')).toBe(DRAFT_PAGE_SIZE);
    const past = await get(t.app, bulk, '/admin/drafts?yours=999');
    expect(past.statusCode).toBe(200);
    expect(rows(past.body, 'your-drafts')).toBe(7);
    // the review queue pages on its own, keeping the other list's page
    const queue = (await get(t.app, reviewer, '/admin/drafts?waiting=2')).body;
    expect(rows(queue, 'waiting')).toBeGreaterThan(0);
    expect(queue).toContain('href="/admin/drafts?yours=1&amp;waiting=1#waiting"');
  });
});
