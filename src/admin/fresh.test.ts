/**
 * Keeping the guidance fresh, through the real app (inject), on SQLite and on PostgreSQL: the
 * dashboard's records due for review, facts not confirmed and open reports from a pack with an old
 * review date and an unconfirmed phone; the reports queue (marked as dealt with); the unanswered
 * questions queue ("turn this into an FAQ draft", from the redacted question only); withdrawing a
 * draft; roles, CSRF and bad ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, get, postForm, signIn, tokenIn, type CookieJar } from '../../test/helpers/admin.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { copyDefaultPack, type TempPack } from '../../test/helpers/pack.js';
import { ChatRepository } from '../chat/repository.js';
import { ReportRepository } from '../directory/reports.js';
import { redactorFor } from '../privacy/redact.js';
import { AuditLog } from './audit.js';
import { Drafts } from './drafts.js';
import { dueForReview, unverifiedFacts } from './fresh.js';

const SLUG = 'adult-social-care';
const OLD = '2001-02-03';
const PHONE = '020 8227 2915';

let pack: TempPack;
let t: TestApp;
let editor: CookieJar;
let editor2: CookieJar;
let admin: CookieJar;

beforeAll(async () => {
  pack = copyDefaultPack();
  pack.editYaml<{ reviewed: string; phones: Array<{ number: string; verified?: boolean }> }>(`services/${SLUG}.yaml`, (s) => {
    s.reviewed = OLD;
    s.phones[0]!.verified = false;
  });
  t = await buildTestApp({ packDir: pack.dir });
  await addUser(t.store, 'editor@example.org', 'editor');
  await addUser(t.store, 'editor2@example.org', 'editor');
  await addUser(t.store, 'admin@example.org', 'admin');
  editor = (await signIn(t.app, 'editor@example.org')).jar;
  editor2 = (await signIn(t.app, 'editor2@example.org')).jar;
  admin = (await signIn(t.app, 'admin@example.org')).jar;
}, 90_000);
afterAll(async () => {
  await t?.close();
  pack?.cleanup();
});

const rowsOf = (html: string, qa: string) => {
  const table = new RegExp(`<table[^>]*data-qa="${qa}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
  return [...table.matchAll(/<tr class="govuk-table__row"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!).slice(1);
};
const postWithToken = async (jar: CookieJar, url: string, token: string | undefined) => {
  const r = await t.app.inject({ method: 'POST', url, headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: token ? `_csrf=${encodeURIComponent(token)}` : '' });
  jar.take(r.headers['set-cookie']);
  return r;
};
const auditActions = async () => (await new AuditLog(t.store.db).page(1, 500)).entries;

describe('the dashboard', () => {
  it('is linked from the home page, and lists records due for review (oldest first) and facts not confirmed, each linking to its edit form', async () => {
    const home = await get(t.app, editor, '/admin');
    expect(home.body).toContain('href="/admin/fresh"');
    expect(home.body).not.toContain('Coming soon');

    const r = await get(t.app, editor, '/admin/fresh');
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const p = t.content.pack();
    const due = dueForReview(p, new Date());
    const unverified = unverifiedFacts(p);
    expect(due[0]).toMatchObject({ type: 'service', id: SLUG, reviewed: OLD });
    expect(r.body).toContain(`${due.length} ${due.length === 1 ? 'record' : 'records'} due for review`);
    expect(r.body).toContain(`${unverified.length} ${unverified.length === 1 ? 'record' : 'records'} with facts not confirmed`);

    const dueRows = rowsOf(r.body, 'due');
    expect(dueRows).toHaveLength(due.length);
    expect(dueRows[0]).toContain(`href="/admin/records/service/${SLUG}/edit"`);
    expect(dueRows[0]).toContain('3 February 2001');

    const unverifiedRow = rowsOf(r.body, 'unverified').find((row) => row.includes(`/admin/records/service/${SLUG}/edit`));
    expect(unverifiedRow).toContain(`Phone number ${PHONE} is not confirmed`);
    // the link works
    expect((await get(t.app, editor, `/admin/records/service/${SLUG}/edit`)).statusCode).toBe(200);
  });

  it('is open to reviewers and admins too', async () => {
    await addUser(t.store, 'reviewer@example.org', 'reviewer');
    const reviewer = (await signIn(t.app, 'reviewer@example.org')).jar;
    for (const jar of [reviewer, admin]) for (const url of ['/admin/fresh', '/admin/reports', '/admin/questions']) expect((await get(t.app, jar, url)).statusCode, url).toBe(200);
  });

  it('is for signed-in users only', async () => {
    const r = await t.app.inject('/admin/fresh');
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/admin/sign-in?returnTo=%2Fadmin%2Ffresh');
    for (const url of ['/admin/reports', '/admin/questions']) expect((await t.app.inject(url)).statusCode).toBe(303);
  });
});

describe('the reports queue', () => {
  it('lists open reports newest first; one marked dealt with leaves the list and the dashboard count, and is audited', async () => {
    const repo = new ReportRepository(t.store.db);
    await repo.add(SLUG, 'wrong-contact', 'the first number rings out', new Date(Date.now() - 60_000));
    await repo.add(SLUG, 'out-of-date', 'new opening hours <b>since</b> May');
    const open = (await repo.openPage(0, 10)).reports.filter((x) => x.serviceSlug === SLUG);
    expect(open).toHaveLength(2);
    const [newest, older] = open;

    const countFor = async () => {
      const row = rowsOf((await get(t.app, editor, '/admin/fresh')).body, 'reported').find((x) => x.includes(`/admin/records/service/${SLUG}/edit`));
      return Number(/data-qa="report-count">(\d+)</.exec(row ?? '')?.[1]);
    };
    expect(await countFor()).toBe(2);

    const list = await get(t.app, editor, '/admin/reports');
    expect(list.statusCode).toBe(200);
    // escaped, newest first
    expect(list.body).toContain('new opening hours &lt;b&gt;since&lt;/b&gt; May');
    expect(list.body.indexOf(`report-${newest!.id}"`)).toBeLessThan(list.body.indexOf(`report-${older!.id}"`));

    const done = await postForm(t.app, editor, '/admin/reports', `/admin/reports/${older!.id}/dealt-with`, {});
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/admin/reports?done=dealt-with');
    const after = await get(t.app, editor, '/admin/reports?done=dealt-with');
    expect(after.body).toContain('The report was marked as dealt with.');
    expect(after.body).not.toContain(`report-${older!.id}"`);
    expect(after.body).toContain(`report-${newest!.id}"`);
    expect(await countFor()).toBe(1);
    expect((await auditActions()).find((e) => e.action === 'report-dealt-with')).toMatchObject({ actorEmail: 'editor@example.org', recordId: SLUG, detail: { report: older!.id } });

    // again: 409; an unknown or malformed id: 404; nothing without the form token
    expect((await postForm(t.app, editor, '/admin/reports', `/admin/reports/${older!.id}/dealt-with`, {})).statusCode).toBe(409);
    expect((await postForm(t.app, editor, '/admin/reports', '/admin/reports/999999/dealt-with', {})).statusCode).toBe(404);
    expect((await postForm(t.app, editor, '/admin/reports', '/admin/reports/abc/dealt-with', {})).statusCode).toBe(404);
    expect((await postForm(t.app, editor, '/admin/reports', `/admin/reports/${newest!.id}/dealt-with`, {}, { csrf: false })).statusCode).toBe(403);
    expect((await postWithToken(editor, `/admin/reports/${newest!.id}/dealt-with`, 'forged')).statusCode).toBe(403);
    expect(await countFor()).toBe(1);
  });
});

describe('the unanswered questions queue', () => {
  it('turns a question into a new FAQ draft from its redacted words only, once, and audits it', async () => {
    const original = 'my pupil jayden smith at RM10 9QH wants a trampoline, call 07700 900123';
    const kept = redactorFor(t.content.pack()).question(original);
    expect(kept).not.toMatch(/jayden|07700/);
    const chat = new ChatRepository(t.store);
    await chat.recordUnanswered(kept);
    const q = (await chat.unansweredPage(0, 10)).questions.find((x) => x.question === kept)!;

    const list = await get(t.app, editor, '/admin/questions');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(kept);
    expect(list.body).toContain(`/admin/questions/${q.id}/faq-draft`);

    const made = await postForm(t.app, editor, '/admin/questions', `/admin/questions/${q.id}/faq-draft`, {});
    expect(made.statusCode).toBe(303);
    const draftId = Number(/^\/admin\/drafts\/(\d+)\/edit$/.exec(String(made.headers.location))?.[1]);
    expect(draftId).toBeGreaterThan(0);
    const draft = (await new Drafts({ store: t.store, pack: () => t.content.pack(), version: () => t.content.version(), now: Date.now }).get(draftId))!;
    expect(draft).toMatchObject({ recordType: 'faq', action: 'create', status: 'draft', authorEmail: 'editor@example.org' });
    expect(draft.proposed).toEqual({ question: kept, phrasings: [kept] });
    expect(JSON.stringify(draft.proposed)).not.toMatch(/jayden|smith|RM10|07700/i);

    // its edit form opens, with the question filled in
    const edit = await get(t.app, editor, String(made.headers.location));
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('my pupil […] at [postcode] wants a trampoline call [phone]');
    expect(edit.body).not.toMatch(/jayden|07700/i);

    // the queue links the draft instead of offering another; posting again goes to the same draft
    const again = await get(t.app, editor, '/admin/questions');
    expect(again.body).toContain(`href="/admin/drafts/${draftId}"`);
    expect(again.body).not.toContain(`/admin/questions/${q.id}/faq-draft`);
    const twice = await postForm(t.app, editor2, '/admin/questions', `/admin/questions/${q.id}/faq-draft`, {});
    expect(twice.headers.location).toBe(`/admin/drafts/${draftId}`);

    const entry = (await auditActions()).find((e) => e.action === 'faq-draft-from-question');
    expect(entry).toMatchObject({ actorEmail: 'editor@example.org', detail: { question: q.id, draft: draftId } });
    expect(JSON.stringify(await auditActions())).not.toMatch(/jayden|07700/i);
  });

  it('refuses a bad id with 404 and a missing form token with 403', async () => {
    await new ChatRepository(t.store).recordUnanswered('where is the trampoline');
    const q = (await new ChatRepository(t.store).unansweredPage(0, 1)).questions[0]!;
    expect((await postForm(t.app, editor, '/admin/questions', '/admin/questions/999999/faq-draft', {})).statusCode).toBe(404);
    expect((await postForm(t.app, editor, '/admin/questions', '/admin/questions/1e3/faq-draft', {})).statusCode).toBe(404);
    expect((await postForm(t.app, editor, '/admin/questions', `/admin/questions/${q.id}/faq-draft`, {}, { csrf: false })).statusCode).toBe(403);
    expect((await new ChatRepository(t.store).unansweredById(q.id))!.faqDraftId).toBeNull();
    // pages out of range show the last page
    expect((await get(t.app, editor, '/admin/questions?page=99')).statusCode).toBe(200);
    expect((await get(t.app, editor, '/admin/reports?page=abc')).statusCode).toBe(200);
  });
});

describe('withdrawing a draft', () => {
  const newDraft = async (jar: CookieJar) => {
    const r = await postForm(t.app, jar, '/admin/records/service/arc-theatre', '/admin/records/service/arc-theatre/remove', {});
    expect(r.statusCode).toBe(303);
    return Number(/\/admin\/drafts\/(\d+)/.exec(String(r.headers.location))![1]);
  };

  it('by its author: kept as withdrawn, out of their open drafts, audited, and cannot be changed again', async () => {
    const id = await newDraft(editor);
    const page = await get(t.app, editor, `/admin/drafts/${id}`);
    expect(page.body).toContain(`action="/admin/drafts/${id}/withdraw"`);
    const r = await postForm(t.app, editor, `/admin/drafts/${id}`, `/admin/drafts/${id}/withdraw`, {});
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/admin/drafts/${id}?done=withdrawn`);
    const after = await get(t.app, editor, `/admin/drafts/${id}?done=withdrawn`);
    expect(after.body).toContain('Withdrawn');
    expect(after.body).not.toContain(`/admin/drafts/${id}/withdraw"`);
    expect(after.body).not.toContain(`/admin/drafts/${id}/submit"`);
    expect((await get(t.app, editor, '/admin/drafts')).body).not.toContain(`href="/admin/drafts/${id}"`);
    expect((await auditActions()).find((e) => e.action === 'draft-withdrawn')).toMatchObject({ actorEmail: 'editor@example.org', detail: { draft: id, was: 'draft' } });
    // withdrawn: nothing more
    const token = tokenIn(after.body);
    expect((await postWithToken(editor, `/admin/drafts/${id}/withdraw`, token)).statusCode).toBe(409);
    expect((await postWithToken(editor, `/admin/drafts/${id}/submit`, token)).statusCode).toBe(409);
  });

  it('by another editor: 403 and nothing changed; by an admin: done; without the form token: 403', async () => {
    const id = await newDraft(editor);
    const token = tokenIn((await get(t.app, editor2, `/admin/drafts/${id}`)).body);
    expect((await get(t.app, editor2, `/admin/drafts/${id}`)).body).not.toContain(`/admin/drafts/${id}/withdraw"`);
    expect((await postWithToken(editor2, `/admin/drafts/${id}/withdraw`, token)).statusCode).toBe(403);
    expect((await postForm(t.app, editor, `/admin/drafts/${id}`, `/admin/drafts/${id}/withdraw`, {}, { csrf: false })).statusCode).toBe(403);
    expect((await get(t.app, editor, `/admin/drafts/${id}`)).body).toContain(`/admin/drafts/${id}/withdraw"`);
    expect((await postForm(t.app, admin, `/admin/drafts/${id}`, `/admin/drafts/${id}/withdraw`, {})).statusCode).toBe(303);
    expect((await postForm(t.app, editor, '/admin/drafts', '/admin/drafts/nope/withdraw', {})).statusCode).toBe(404);
  });
});
