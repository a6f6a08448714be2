/**
 * Provider checks through the real app (inject), on SQLite and on PostgreSQL: an editor makes a link
 * from a service's page (every role may; nobody signed out); the provider, with no account, sees the
 * record and its card on a page that is never kept, indexed, framed or named in a Referer, and
 * confirms it (a new content version with today's review date, in the history and the audit log,
 * without upsetting an editor's open draft) or proposes changes (errors shown and nothing saved; a
 * valid proposal a draft waiting for review, by the provider, that a reviewer publishes); a used,
 * expired, cancelled, tampered or unknown link gets its own page and status, never a 500; the pages
 * are rate limited and their token never reaches the logs.
 */
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, CookieJar, get, postForm, signIn, tokenIn } from '../../test/helpers/admin.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { withinOneWindow } from '../../test/helpers/clock.js';
import { encodeForm, formFields, withValues } from '../../test/helpers/forms.js';
import { copyDefaultPack, type TempPack } from '../../test/helpers/pack.js';
import { AuditLog } from './audit.js';
import { Drafts } from './drafts.js';
import { linkKey, PROVIDER_CHECK_PURPOSE, signLink } from './provider-token.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const OLD = '2001-02-03';
/** the services the tests check: each its own, so that one test's change is not another's */
const CONFIRMED = 'adult-social-care';
const PROPOSED = 'young-carers-project';
const SPARE = 'childline';
const NEW_PHONE = '020 7946 0321';

let pack: TempPack;
let t: TestApp;
let editor: CookieJar;
let editor2: CookieJar;
let reviewer: CookieJar;
let admin: CookieJar;

beforeAll(async () => {
  pack = copyDefaultPack();
  for (const slug of [CONFIRMED, PROPOSED]) {
    pack.editYaml<{ reviewed: string; phones: Array<{ verified?: boolean }> }>(`services/${slug}.yaml`, (s) => {
      s.reviewed = OLD;
      if (slug === PROPOSED && s.phones[0]) s.phones[0].verified = false;
    });
  }
  t = await buildTestApp({ packDir: pack.dir, sessionSecret: SECRET });
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
  await t?.close();
  pack?.cleanup();
});

const linksPage = (slug: string) => `/admin/records/service/${slug}/provider-links`;
const fresh = async () => {
  await t.content.refresh();
  return t.content.pack();
};
const serviceIn = (p: ReturnType<typeof t.content.pack>, slug: string) => p.services.find((s) => s.slug === slug)!;
const today = () => new Date().toISOString().slice(0, 10);
const auditActions = async () => (await new AuditLog(t.store.db).page(1, 500)).entries;

/** an editor makes a link for the service: the path the provider opens */
async function makeLink(jar: CookieJar, slug: string): Promise<string> {
  const made = await postForm(t.app, jar, linksPage(slug), linksPage(slug), {});
  expect(made.statusCode, made.body).toBe(303);
  const page = await get(t.app, jar, String(made.headers.location).split('#')[0]!);
  expect(page.statusCode).toBe(200);
  const id = /made=(\d+)/.exec(String(made.headers.location))![1];
  const section = new RegExp(`id="link-${id}"[\\s\\S]*?</section>`).exec(page.body)![0];
  return new URL(/data-qa="link-url">([^<]+)</.exec(section)![1]!.trim()).pathname;
}

/** the provider's own browser: no account, its own form-token cookie, an address of its own */
class Provider {
  readonly jar = new CookieJar();
  constructor(readonly address = '192.0.2.10') {}
  async get(url: string): Promise<LightMyRequestResponse> {
    const r = await t.app.inject({ method: 'GET', url, remoteAddress: this.address, headers: { cookie: this.jar.header() } });
    this.jar.take(r.headers['set-cookie']);
    return r;
  }
  async post(url: string, fields: Array<[string, string]>): Promise<LightMyRequestResponse> {
    const r = await t.app.inject({ method: 'POST', url, remoteAddress: this.address, headers: { cookie: this.jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: encodeForm(fields) });
    this.jar.take(r.headers['set-cookie']);
    return r;
  }
  /** answers the check page's question */
  async answer(path: string, answer?: string): Promise<LightMyRequestResponse> {
    const page = await this.get(path);
    return this.post(path, [['_csrf', tokenIn(page.body)], ...(answer ? [['answer', answer] as [string, string]] : [])]);
  }
  /** sends the proposal form as it is shown, with some fields changed */
  async propose(path: string, changes: Record<string, string>): Promise<LightMyRequestResponse> {
    const page = await this.get(`${path}/propose`);
    expect(page.statusCode, page.body).toBe(200);
    return this.post(`${path}/propose`, withValues(formFields(page.body, `${path}/propose`), changes));
  }
}

const errorSummary = (html: string) => /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';

describe('making a link', () => {
  it('is offered on a service’s page, makes a link that expires in 14 days, and is audited', async () => {
    const record = await get(t.app, editor, `/admin/records/service/${SPARE}`);
    expect(record.body).toContain(`href="${linksPage(SPARE)}"`);
    const before = Date.now();
    const path = await makeLink(editor, SPARE);
    const after = Date.now();
    expect(path).toMatch(new RegExp(`^/provider-check/${PROVIDER_CHECK_PURPOSE}\\.\\d+\\.${SPARE}\\.\\d+\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{22}$`));
    // 14 days from when it was made (to the second, however long a loaded machine took to make it)
    const expires = Number(path.split('.')[3]) * 1000;
    expect(expires).toBeGreaterThan(before + 14 * 86_400_000 - 1_000);
    expect(expires).toBeLessThanOrEqual(after + 14 * 86_400_000);
    const page = await get(t.app, editor, linksPage(SPARE));
    expect(page.body).toContain('data-provider-link-copy=');
    expect(page.body).toContain(`works until ${new Date(expires).getUTCDate()}`);
    expect((await auditActions()).some((e) => e.action === 'provider-link-created' && e.recordId === SPARE && e.actorEmail === 'editor@example.org')).toBe(true);
  });

  it('is open to every role, and to nobody signed out or without the form token', async () => {
    for (const jar of [reviewer, admin]) {
      const r = await postForm(t.app, jar, linksPage(SPARE), linksPage(SPARE), {});
      expect(r.statusCode).toBe(303);
    }
    const signedOut = await t.app.inject(linksPage(SPARE));
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toMatch(/^\/admin\/sign-in/);
    const anon = new CookieJar();
    const page = await get(t.app, anon, '/admin/sign-in');
    const refused = await t.app.inject({ method: 'POST', url: linksPage(SPARE), headers: { cookie: anon.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(tokenIn(page.body))}` });
    expect(refused.statusCode).toBe(401);
    for (const url of ['/admin/provider-checks', `${linksPage(SPARE)}/1/revoke`]) {
      const r = await t.app.inject({ method: url.endsWith('revoke') ? 'POST' : 'GET', url });
      expect(r.statusCode, url).toBe(url.endsWith('revoke') ? 401 : 303);
    }
    // a signed-in editor without the form's token changes nothing
    const count = (await get(t.app, editor, linksPage(SPARE))).body.split('data-qa="open-link"').length;
    const noToken = await t.app.inject({ method: 'POST', url: linksPage(SPARE), headers: { cookie: editor.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(noToken.statusCode).toBe(403);
    expect((await get(t.app, editor, linksPage(SPARE))).body.split('data-qa="open-link"').length).toBe(count);
  });

  it('answers an unknown service with 404', async () => {
    expect((await get(t.app, editor, linksPage('no-such-service'))).statusCode).toBe(404);
    expect((await postForm(t.app, editor, linksPage(SPARE), linksPage('no-such-service'), {})).statusCode).toBe(404);
  });
});

describe('the provider’s page', () => {
  it('shows the record and its card without an account, never kept, indexed, framed or named in a Referer', async () => {
    const path = await makeLink(editor, SPARE);
    const provider = new Provider();
    const r = await provider.get(path);
    expect(r.statusCode).toBe(200);
    const s = serviceIn(await fresh(), SPARE);
    expect(r.body).toContain(`<h1 class="govuk-heading-l">${s.name}</h1>`);
    expect(r.body).toContain('data-qa="card"');
    expect(r.body).toContain('Are these details still right?');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(r.body).toContain('<meta name="referrer" content="no-referrer">');
    expect(r.body).toContain('<meta name="robots" content="noindex, nofollow">');
    // no session: only the form token's cookie
    expect(String(r.headers['set-cookie'] ?? '')).not.toContain('isg_admin_session');
  });

  it('refuses a form sent without its token, and asks again when nothing was chosen', async () => {
    const path = await makeLink(editor, SPARE);
    const provider = new Provider('192.0.2.11');
    await provider.get(path);
    const noToken = await provider.post(path, [['answer', 'confirm']]);
    expect(noToken.statusCode).toBe(403);
    const nothing = await provider.answer(path);
    expect(nothing.statusCode).toBe(400);
    expect(errorSummary(nothing.body)).toContain('Select whether the details are still right');
    // still usable
    expect((await provider.get(path)).statusCode).toBe(200);
    expect(serviceIn(await fresh(), SPARE).reviewed).not.toBe(OLD);
  });
});

describe('a confirmation', () => {
  it('publishes today’s review date as a new content version, in the history and the audit log, and the link is then used', async () => {
    const s = serviceIn(await fresh(), CONFIRMED);
    expect(s.reviewed).toBe(OLD);
    // an editor's draft of the same service, begun before the confirmation
    const edit = `/admin/records/service/${CONFIRMED}/edit`;
    const form = await get(t.app, editor2, edit);
    const saved = await t.app.inject({ method: 'POST', url: edit, headers: { cookie: editor2.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: encodeForm(withValues(formFields(form.body, edit), { summary: `${s.summary.slice(0, 150)} Quincewood` })) });
    expect(saved.statusCode, saved.body).toBe(303);
    const editorDraft = Number(/\/admin\/drafts\/(\d+)/.exec(String(saved.headers.location))![1]);

    const versionBefore = await t.store.contentVersion();
    const path = await makeLink(editor, CONFIRMED);
    const provider = new Provider('192.0.2.12');
    const r = await provider.answer(path, 'confirm');
    expect(r.statusCode, r.body).toBe(303);
    expect(r.headers.location).toBe(`${path}/done`);
    const done = await provider.get(`${path}/done`);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('You confirmed the service’s details');
    expect(done.body).toContain('What happens next');

    expect(await t.store.contentVersion()).toBeGreaterThan(versionBefore);
    const after = serviceIn(await fresh(), CONFIRMED);
    expect(after.reviewed).toBe(today());
    expect({ ...after, reviewed: OLD }).toEqual(s);
    const page = await t.app.inject(`/services/${CONFIRMED}`);
    expect(page.body).toContain(`<time datetime="${today()}">`);
    expect((await get(t.app, editor, '/admin/fresh')).body).not.toContain(`/admin/records/service/${CONFIRMED}/edit"`);

    const history = await get(t.app, editor, `/admin/records/service/${CONFIRMED}/history`);
    expect(history.body).toContain(`Confirmed by provider via link for ${s.name}`);
    const audit = await auditActions();
    expect(audit.find((e) => e.action === 'provider-confirmed' && e.recordId === CONFIRMED)).toMatchObject({ actorEmail: `provider via link for ${s.name}`, detail: { madeBy: 'editor@example.org' } });
    // no editor's account was used
    expect(audit.filter((e) => e.action === 'provider-confirmed').every((e) => !e.actorEmail?.includes('@'))).toBe(true);

    const links = await get(t.app, editor, linksPage(CONFIRMED));
    expect(links.body).toContain('Confirmed the details');

    // used once: every page of the link now says so, and changes nothing
    for (const [method, url] of [['GET', path], ['GET', `${path}/propose`]] as const) {
      const again = await provider.get(url);
      expect(again.statusCode, `${method} ${url}`).toBe(410);
      expect(again.body).toContain('This link has already been used');
      expect(again.body).not.toContain(s.name);
    }
    const version = await t.store.contentVersion();
    const page2 = await provider.get(`/services/${CONFIRMED}`);
    const reuse = await provider.post(path, [['_csrf', tokenIn(page2.body)], ['answer', 'confirm']]);
    expect(reuse.statusCode).toBe(410);
    expect(await t.store.contentVersion()).toBe(version);

    // the editor's draft, begun before, still publishes (it was moved onto the confirmed record) and keeps today's date
    const submitted = await postForm(t.app, editor2, `/admin/drafts/${editorDraft}`, `/admin/drafts/${editorDraft}/submit`, {});
    expect(submitted.statusCode, submitted.body).toBe(303);
    const approved = await postForm(t.app, reviewer, `/admin/drafts/${editorDraft}`, `/admin/drafts/${editorDraft}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(303);
    const final = serviceIn(await fresh(), CONFIRMED);
    expect(final.summary).toContain('Quincewood');
    expect(final.reviewed).toBe(today());
  });
});

describe('a proposal', () => {
  it('with errors shows them in an error summary, saves nothing, and keeps the link open', async () => {
    const path = await makeLink(editor, PROPOSED);
    const provider = new Provider('192.0.2.13');
    const form = await provider.get(`${path}/propose`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('data-qa="no-personal-data"');
    expect(form.body).toMatch(/Do not write anything about a child, a family/);
    // only the fields a provider knows
    expect(form.body).toContain('name="description"');
    expect(form.body).toContain('name="card.canDo"');
    expect(form.body).not.toContain('name="needAreas"');
    expect(form.body).not.toContain('name="reviewed"');
    expect(form.body).not.toContain('name="phones[0].verified"');

    const draftsBefore = await draftsOf(PROPOSED);
    const r = await provider.propose(path, { email: 'not an email', 'card.canDo': '', 'phones[0].number': 'call us' });
    expect(r.statusCode).toBe(400);
    const summary = errorSummary(r.body);
    expect(summary).toContain('Email address (optional)');
    expect(summary).toContain('What the service can do');
    expect(summary).toContain('must be a phone number');
    expect(r.body).toContain('Nothing has been sent yet');
    // what was typed is kept on the form
    expect(r.body).toContain('value="not an email"');
    expect(await draftsOf(PROPOSED)).toEqual(draftsBefore);
    expect((await provider.get(path)).statusCode).toBe(200);

    const unchanged = await provider.propose(path, {});
    expect(unchanged.statusCode).toBe(400);
    expect(errorSummary(unchanged.body)).toContain('You have not changed anything');
    expect(await draftsOf(PROPOSED)).toEqual(draftsBefore);
  });

  it('when valid becomes a draft waiting for review by the provider, which a reviewer publishes to the public page', async () => {
    const s = serviceIn(await fresh(), PROPOSED);
    const path = await makeLink(editor, PROPOSED);
    const provider = new Provider('192.0.2.14');
    const description = `${s.description} Quincewood drop-in on Thursdays.`;
    const firstCanDo = 'Give free advice on benefits, debt and housing to Quincewood families';
    const canDo = [firstCanDo, ...s.card.canDo.slice(1)].join('\n');
    const newRow = `phones[${s.phones.length}].number`;
    // a new number added, with a zero-width space and a direction mark that are never kept
    const r = await provider.propose(path, { description: `${description}\u200b\u202e`, 'card.canDo': canDo, [newRow]: NEW_PHONE });
    expect(r.statusCode, errorSummary(r.body)).toBe(303);
    expect(r.headers.location).toBe(`${path}/done`);
    const done = await provider.get(`${path}/done`);
    expect(done.body).toContain('Your changes were sent to the council’s editors');

    // nothing published yet
    expect(serviceIn(await fresh(), PROPOSED).description).toBe(s.description);
    const [draft] = await draftsOf(PROPOSED);
    expect(draft).toMatchObject({ status: 'submitted', authorId: 0, authorEmail: `provider via link for ${s.name}`, action: 'change' });
    const proposed = draft!.proposed as { description: string; reviewed: string; phones: Array<{ number: string; verified?: boolean }>; card: { canDo: string[] }; needAreas: string[] };
    expect(proposed.description).toBe(description);
    expect(proposed.reviewed).toBe(today());
    expect(proposed.needAreas).toEqual(s.needAreas);
    // the council's "not confirmed" stays on the number the provider left as it was
    expect(proposed.phones[0]).toMatchObject({ number: s.phones[0]!.number, verified: false });
    expect(proposed.phones.at(-1)).toMatchObject({ number: NEW_PHONE });

    const audit = await auditActions();
    expect(audit.find((e) => e.action === 'provider-proposed' && e.recordId === PROPOSED)).toMatchObject({ actorEmail: `provider via link for ${s.name}`, detail: { draft: draft!.id } });

    // the editors see it: waiting for review, and linked from the service's links and the overview
    expect((await get(t.app, reviewer, '/admin/drafts')).body).toContain(`/admin/drafts/${draft!.id}`);
    expect((await get(t.app, editor, linksPage(PROPOSED))).body).toContain(`href="/admin/drafts/${draft!.id}"`);
    const overview = await get(t.app, editor, '/admin/provider-checks');
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain(`href="/admin/drafts/${draft!.id}"`);
    expect((await get(t.app, editor, '/admin/fresh')).body).toContain('href="/admin/provider-checks"');

    // the normal review: a reviewer approves and publishes it
    const approved = await postForm(t.app, reviewer, `/admin/drafts/${draft!.id}`, `/admin/drafts/${draft!.id}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(303);
    const after = serviceIn(await fresh(), PROPOSED);
    expect(after.description).toBe(description);
    expect(after.reviewed).toBe(today());
    const page = await t.app.inject(`/services/${PROPOSED}`);
    expect(page.body).toContain('Quincewood drop-in on Thursdays.');
    expect(page.body).toContain(firstCanDo);
    expect(page.body).toContain(NEW_PHONE);

    // the link is used
    expect((await provider.get(path)).statusCode).toBe(410);
    expect((await provider.get(`${path}/propose`)).statusCode).toBe(410);
  });
});

describe('a link that cannot be used', () => {
  it('once cancelled is gone (410), and cannot be cancelled twice', async () => {
    const path = await makeLink(editor, SPARE);
    const id = path.split('.')[1];
    const r = await postForm(t.app, editor2, linksPage(SPARE), `${linksPage(SPARE)}/${id}/revoke`, {});
    expect(r.statusCode).toBe(303);
    const provider = new Provider('192.0.2.15');
    const page = await provider.get(path);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('This link has been cancelled');
    expect(page.body).toContain('Contact the council’s editors');
    expect(page.body).not.toContain(serviceIn(await fresh(), SPARE).name);
    expect((await postForm(t.app, editor, linksPage(SPARE), `${linksPage(SPARE)}/${id}/revoke`, {})).statusCode).toBe(409);
    expect((await get(t.app, editor, linksPage(SPARE))).body).toContain('cancelled by editor2@example.org');
    expect((await auditActions()).some((e) => e.action === 'provider-link-revoked' && e.actorEmail === 'editor2@example.org')).toBe(true);
    // a link of another service, or none, cannot be cancelled from this one
    expect((await postForm(t.app, editor, linksPage(SPARE), `${linksPage(CONFIRMED)}/${id}/revoke`, {})).statusCode).toBe(404);
    expect((await postForm(t.app, editor, linksPage(SPARE), `${linksPage(SPARE)}/999999/revoke`, {})).statusCode).toBe(404);
  });

  it('when changed in any part is not valid (400); when well signed but never made, unknown (404); never a 500', async () => {
    const path = await makeLink(editor, SPARE);
    const provider = new Provider('192.0.2.16');
    const token = path.split('/')[2]!;
    const parts = token.split('.');
    const tampered = [
      [PROVIDER_CHECK_PURPOSE.replace('1', '2'), ...parts.slice(1)],
      [parts[0], String(Number(parts[1]) + 1), ...parts.slice(2)],
      [parts[0], parts[1], CONFIRMED, ...parts.slice(3)],
      [...parts.slice(0, 3), String(Number(parts[3]) + 86400 * 365), ...parts.slice(4)],
      [...parts.slice(0, 4), `${parts[4]!.slice(0, -1)}${parts[4]!.endsWith('A') ? 'B' : 'A'}`, parts[5]],
      [...parts.slice(0, 5), `${parts[5]!.slice(0, -1)}${parts[5]!.endsWith('A') ? 'B' : 'A'}`],
    ];
    for (const p of tampered) {
      for (const url of [`/provider-check/${p.join('.')}`, `/provider-check/${p.join('.')}/propose`]) {
        const r = await provider.get(url);
        expect(r.statusCode, url).toBe(400);
        expect(r.body).toContain('This link is not valid');
        expect(r.headers['referrer-policy']).toBe('no-referrer');
      }
    }
    for (const junk of ['nonsense', 'a.b.c.d.e.f', '%E2%80%AE', `${token}.more`, token.slice(0, -3)]) {
      const r = await provider.get(`/provider-check/${junk}`);
      expect(r.statusCode, junk).toBe(400);
    }
    // too long for the router: the site's own 404
    expect((await provider.get(`/provider-check/${'x'.repeat(300)}`)).statusCode).toBe(404);
    // signed with the app's key, for a link that was never made
    const never = signLink(linkKey(SECRET), { purpose: PROVIDER_CHECK_PURPOSE, linkId: 987654, slug: SPARE, expiresAt: Math.floor(Date.now() / 1000) + 3600, nonce: 'AAAAAAAAAAAAAAAA' });
    const unknown = await provider.get(`/provider-check/${never}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('This link is not valid');
    // a tampered link's form is refused as well, and changes nothing
    const page = await provider.get(path);
    const post = await provider.post(`/provider-check/${tampered[2]!.join('.')}`, [['_csrf', tokenIn(page.body)], ['answer', 'confirm']]);
    expect(post.statusCode).toBe(400);
    expect((await provider.get(path)).statusCode).toBe(200);
  });

  it('sent too often from one address is refused with 429', async () => {
    await withinOneWindow(async () => {
      const provider = new Provider('192.0.2.99');
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++) statuses.push((await provider.get('/provider-check/nonsense')).statusCode);
      expect(statuses.slice(0, 60).every((s) => s === 400)).toBe(true);
      expect(statuses[60]).toBe(429);
      // another address is not held back
      expect((await new Provider('192.0.2.98').get('/provider-check/nonsense')).statusCode).toBe(400);
    });
  });
});

describe('an expired link, on an app whose clock moves', () => {
  it('is gone (410) once its days are over, is listed as expired, and its token never reaches the logs', async () => {
    let clock = Date.now();
    const logs: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    const other = await buildTestApp({ sessionSecret: SECRET, logLevel: 'info', logStream, admin: { now: () => clock, providerLinks: { days: 2 } } });
    try {
      await addUser(other.store, 'clock@example.org', 'editor');
      const jar = (await signIn(other.app, 'clock@example.org')).jar;
      const made = await postForm(other.app, jar, linksPage(SPARE), linksPage(SPARE), {});
      const page = await get(other.app, jar, String(made.headers.location).split('#')[0]!);
      const path = new URL(/data-qa="link-url">([^<]+)</.exec(page.body)![1]!.trim()).pathname;
      const open = await other.app.inject(path);
      expect(open.statusCode).toBe(200);
      expect(open.body).toContain('works once, until');

      clock += 2 * 86_400_000;
      const expired = await other.app.inject(path);
      expect(expired.statusCode).toBe(410);
      expect(expired.body).toContain('This link has expired');
      const csrf = await other.app.inject('/services');
      const post = await other.app.inject({
        method: 'POST',
        url: path,
        headers: { cookie: String(csrf.headers['set-cookie']).split(';')[0], 'content-type': 'application/x-www-form-urlencoded' },
        payload: encodeForm([['_csrf', tokenIn(csrf.body)], ['answer', 'confirm']]),
      });
      expect(post.statusCode).toBe(410);

      const jar2 = (await signIn(other.app, 'clock@example.org')).jar;
      expect((await get(other.app, jar2, linksPage(SPARE))).body).toContain('expired on');
      const token = path.split('/')[2]!;
      expect(logs.join('')).toContain('/provider-check/:token');
      expect(logs.join('')).not.toContain(token.split('.').at(-1));
    } finally {
      await other.close();
    }
  });
});

async function draftsOf(slug: string) {
  const drafts = new Drafts({ store: t.store, pack: () => t.content.pack(), version: () => t.content.version(), now: Date.now });
  return drafts.openFor('service', slug);
}
