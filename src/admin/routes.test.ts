/**
 * The editors' workspace as its users and an attacker would try it, through the real app (inject):
 * who gets in, where they land, what each role sees, sessions (timeouts on a clock the test moves,
 * sign-out, two instances on one database), CSRF, lockout, and the headers on every answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, CookieJar, get, PASSWORD, postForm, signIn, tokenIn } from '../../test/helpers/admin.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { AuditLog } from './audit.js';
import { safeReturnPath, SESSION_COOKIE, SIGN_IN_FAILED } from './routes.js';
import { UserRepository } from './users.js';

const MINUTE = 60_000;
let clock = Date.UTC(2026, 0, 5, 9, 0, 0);
let t: TestApp;
let other: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ admin: { now: () => clock } });
  // a second instance on the same database, behind one trusted proxy
  other = await buildTestApp({ admin: { now: () => clock }, ...t.database, trustProxy: 1 });
  await addUser(t.store, 'Admin@Example.org', 'admin');
  await addUser(t.store, 'editor@example.org', 'editor');
  await addUser(t.store, 'reviewer@example.org', 'reviewer');
  await addUser(t.store, 'council.only@example.org', 'editor', null);
}, 60_000);
afterAll(async () => {
  await other?.app.close();
  await t?.close();
});

const cookieOf = (r: { headers: Record<string, unknown> }, name: string) =>
  ([] as string[]).concat((r.headers['set-cookie'] as string | string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`));
const entries = async () => (await new AuditLog(t.store.db).page(1, 500)).entries;

describe('not signed in', () => {
  it('a GET of any workspace page goes to sign-in, with the page to come back to', async () => {
    for (const [url, location] of [
      ['/admin', '/admin/sign-in'],
      ['/admin/', '/admin/sign-in?returnTo=%2Fadmin%2F'],
      ['/admin/users', '/admin/sign-in?returnTo=%2Fadmin%2Fusers'],
      ['/admin/audit?page=2', '/admin/sign-in?returnTo=%2Fadmin%2Faudit%3Fpage%3D2'],
      ['/admin/no-such-page', '/admin/sign-in'],
    ] as const) {
      const r = await t.app.inject(url);
      expect(r.statusCode, url).toBe(303);
      expect(r.headers.location, url).toBe(location);
      expect(r.headers['cache-control'], url).toBe('no-store');
      expect(r.headers['x-robots-tag'], url).toMatch(/noindex/);
    }
  });

  it('anything else is refused with 401, and changes nothing', async () => {
    const jar = new CookieJar();
    const before = (await new UserRepository(t.store.db).list()).length;
    for (const url of ['/admin/users', '/admin/users/1/disable', '/admin/users/1/role', '/admin/nothing']) {
      // a valid form token, so that only the missing session can refuse it
      const r = await postForm(t.app, jar, '/admin/sign-in', url, { email: 'x@example.org', role: 'admin' });
      expect(r.statusCode, url).toBe(401);
      expect(r.body).toContain('You need to sign in');
      expect(r.headers['cache-control']).toBe('no-store');
    }
    expect((await new UserRepository(t.store.db).list()).length).toBe(before);
  });

  it('the sign-in page: a form with a token, the emergency route, never cached, indexed or framed', async () => {
    const r = await t.app.inject('/admin/sign-in');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('name="_csrf"');
    expect(r.body).toContain('data-qa="emergency"');
    expect(r.body).toContain('autocomplete="current-password"');
    // no council accounts configured here
    expect(r.body).not.toContain('Sign in with your council account');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-robots-tag']).toMatch(/noindex/);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('the public pages do not link to the workspace, and keep their own framing policy', async () => {
    const start = await t.app.inject('/');
    expect(start.body).not.toContain('/admin');
    expect(start.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(start.headers['x-robots-tag']).toBeUndefined();
  });
});

describe('signing in with a password', () => {
  it('lands on the home page showing who you are; the cookie is HttpOnly, SameSite=Lax, Path=/admin', async () => {
    const { jar, response } = await signIn(t.app, 'ADMIN@example.org ');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/admin');
    const cookie = cookieOf(response, SESSION_COOKIE)!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/admin(;|$)/);
    // plain http, no proxy: not Secure
    expect(cookie).not.toMatch(/Secure/);
    const home = await get(t.app, jar, '/admin');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('admin@example.org');
    expect(home.body).toContain('Admin');
    expect(home.body).toContain('data-qa="emergency"');
    expect(home.headers['cache-control']).toBe('no-store');
    expect(home.headers['x-robots-tag']).toMatch(/noindex/);
    const last = (await entries())[0]!;
    expect(last).toMatchObject({ action: 'sign-in', actorEmail: 'admin@example.org', detail: { method: 'password' } });
  });

  it('the session cookie is Secure when the request came over HTTPS through a trusted proxy', async () => {
    const { response } = await signIn(other.app, 'editor@example.org', PASSWORD, { headers: { 'x-forwarded-proto': 'https' } });
    expect(response.statusCode).toBe(303);
    expect(cookieOf(response, SESSION_COOKIE)).toMatch(/;\s*Secure/);
    // the same header from a client that is not a trusted proxy changes nothing
    const direct = await signIn(t.app, 'editor@example.org', PASSWORD, { headers: { 'x-forwarded-proto': 'https' } });
    expect(cookieOf(direct.response, SESSION_COOKIE)).not.toMatch(/Secure/);
  });

  it('returns to the page asked for, and only to a page of the workspace', async () => {
    const asked = await t.app.inject('/admin/users');
    const returnTo = new URL(asked.headers.location!, 'http://x').searchParams.get('returnTo')!;
    const { response } = await signIn(t.app, 'admin@example.org', PASSWORD, { returnTo });
    expect(response.headers.location).toBe('/admin/users');
    for (const hostile of ['https://evil.example/admin', '//evil.example/admin', '/\\evil.example', '/admin/../services', '/admin/%2f%2fevil.example', '/services', 'javascript:alert(1)', '/admin/sign-in?returnTo=//evil']) {
      const r = await signIn(t.app, 'admin@example.org', PASSWORD, { returnTo: hostile });
      expect(r.response.headers.location, hostile).toBe('/admin');
    }
    expect(safeReturnPath('/admin/audit?page=3')).toBe('/admin/audit?page=3');
    expect(safeReturnPath('/admin\r\nLocation: //evil')).toBe('/admin');
  });

  it('issues a new session id at every sign-in, never one the browser brought', async () => {
    const planted = 'A'.repeat(43);
    const jar = new CookieJar();
    jar.cookies.set(SESSION_COOKIE, planted);
    const { response } = await signIn(t.app, 'editor@example.org', PASSWORD, { jar });
    const issued = cookieOf(response, SESSION_COOKIE)!.split(';')[0]!.split('=')[1]!;
    expect(issued).not.toBe(planted);
    // signing in again from a signed-in browser replaces its session, and the old one ends
    const before = jar.cookies.get(SESSION_COOKIE)!;
    const again = await postForm(t.app, jar, '/admin', '/admin/sign-in', { email: 'editor@example.org', password: PASSWORD });
    expect(again.statusCode).toBe(303);
    expect(jar.cookies.get(SESSION_COOKIE)).not.toBe(before);
    const old = new CookieJar();
    old.cookies.set(SESSION_COOKIE, before);
    expect((await get(t.app, old, '/admin')).statusCode).toBe(303);
  });

  it('refuses a wrong password, an unknown email, a council-only account and a disabled one with one message', async () => {
    const disabled = await addUser(t.store, 'gone@example.org', 'editor');
    await new UserRepository(t.store.db).setDisabled(disabled.id, true);
    for (const [email, password] of [
      ['editor@example.org', 'not the password at all'],
      ['nobody@example.org', PASSWORD],
      ['council.only@example.org', PASSWORD],
      ['gone@example.org', PASSWORD],
    ] as const) {
      const { response } = await signIn(t.app, email, password, { remoteAddress: `192.0.2.${email.length}` });
      expect(response.statusCode, email).toBe(401);
      expect(response.body, email).toContain(SIGN_IN_FAILED);
      expect(response.body).toContain('There is a problem');
      expect(cookieOf(response, SESSION_COOKIE)).toBeUndefined();
    }
    const failed = (await entries()).filter((e) => e.action === 'sign-in-failed').map((e) => e.detail);
    expect(failed).toContainEqual({ email: 'n…@example.org', method: 'password', reason: 'no such user' });
    // the audit log never holds a whole email of a failed attempt, nor any password
    const all = JSON.stringify(await entries());
    expect(all).not.toContain('nobody@');
    expect(all).not.toContain('not the password');
    expect(all).not.toContain(PASSWORD);
  });

  it('says what is missing when a field is empty', async () => {
    const { response } = await signIn(t.app, '', '');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Enter your email address');
    expect(response.body).toContain('Enter your password');
    expect(response.body).toContain('href="#email"');
  });

  it('escapes what was typed in the email field', async () => {
    const { response } = await signIn(t.app, '"><script>alert(1)</script>@example.org', 'whatever it is');
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain('<script>alert(1)</script>');
    expect(response.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.org');
  });

  it('refuses a huge body cleanly, without a server error', async () => {
    const jar = new CookieJar();
    const page = await get(t.app, jar, '/admin/sign-in');
    const r = await t.app.inject({
      method: 'POST',
      url: '/admin/sign-in',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: tokenIn(page.body), email: 'a@example.org', password: 'x'.repeat(2_000_000) }).toString(),
    });
    expect(r.statusCode).toBe(413);
    expect(r.body).toContain('too long');
    // a long password within the body limit is just wrong
    const long = await signIn(t.app, 'editor@example.org', 'y'.repeat(50_000), { remoteAddress: '192.0.2.200' });
    expect(long.response.statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('a sign-in without the form token is refused', async () => {
    const r = await postForm(t.app, new CookieJar(), '/admin/sign-in', '/admin/sign-in', { email: 'admin@example.org', password: PASSWORD }, { csrf: false });
    expect(r.statusCode).toBe(403);
    expect(cookieOf(r, SESSION_COOKIE)).toBeUndefined();
  });

  it('a signed-in admin’s change without the form token, or with another browser’s, is refused and not made', async () => {
    const { jar } = await signIn(t.app, 'admin@example.org');
    const without = await postForm(t.app, jar, '/admin/users', '/admin/users', { email: 'csrf@example.org', role: 'admin' }, { csrf: false });
    expect(without.statusCode).toBe(403);
    const stranger = new CookieJar();
    const strangerToken = tokenIn((await get(t.app, stranger, '/admin/sign-in')).body);
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/admin/users',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: strangerToken, email: 'csrf@example.org', role: 'admin' }).toString(),
    });
    expect(foreign.statusCode).toBe(403);
    expect(await new UserRepository(t.store.db).findByEmail('csrf@example.org')).toBeUndefined();
  });
});

describe('roles', () => {
  it('each role sees the pages it may use, and 403 on the others', async () => {
    const cases = { 'editor@example.org': [403, 403], 'reviewer@example.org': [403, 403], 'admin@example.org': [200, 200] } as const;
    for (const [email, [users, audit]] of Object.entries(cases)) {
      const { jar } = await signIn(t.app, email);
      const u = await get(t.app, jar, '/admin/users');
      const a = await get(t.app, jar, '/admin/audit');
      expect([u.statusCode, a.statusCode], email).toEqual([users, audit]);
      if (users === 403) {
        expect(u.body).toContain('You cannot use this page');
        expect(u.headers['cache-control']).toBe('no-store');
        // nor can it change anything
        const post = await postForm(t.app, jar, '/admin', '/admin/users', { email: 'sneaky@example.org', role: 'admin' });
        expect(post.statusCode).toBe(403);
      }
      const home = await get(t.app, jar, '/admin');
      expect(home.body.includes('href="/admin/users"'), email).toBe(users === 200);
      expect(home.body.includes('href="/admin/audit"'), email).toBe(audit === 200);
      expect(home.body.includes('Review and publish'), email).toBe(email !== 'editor@example.org');
    }
    expect(await new UserRepository(t.store.db).findByEmail('sneaky@example.org')).toBeUndefined();
  });
});

describe('sessions', () => {
  it('end after 30 minutes without a request, and are kept alive by requests', async () => {
    const { jar } = await signIn(t.app, 'editor@example.org');
    clock += 29 * MINUTE;
    expect((await get(t.app, jar, '/admin')).statusCode).toBe(200);
    clock += 29 * MINUTE;
    expect((await get(t.app, jar, '/admin')).statusCode).toBe(200);
    clock += 30 * MINUTE;
    const r = await get(t.app, jar, '/admin');
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/admin/sign-in');
    // the cookie of an ended session is cleared
    expect(jar.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('end 8 hours after sign-in, however busy', async () => {
    const { jar } = await signIn(t.app, 'editor@example.org');
    for (let minutes = 0; minutes < 8 * 60 - 20; minutes += 20) {
      clock += 20 * MINUTE;
      expect((await get(t.app, jar, '/admin')).statusCode, `${minutes + 20} minutes`).toBe(200);
    }
    clock += 20 * MINUTE;
    expect((await get(t.app, jar, '/admin')).statusCode).toBe(303);
  });

  it('work on another instance on the same database, and sign-out ends them there too', async () => {
    const { jar } = await signIn(t.app, 'reviewer@example.org');
    const there = await get(other.app, jar, '/admin');
    expect(there.statusCode).toBe(200);
    expect(there.body).toContain('reviewer@example.org');
    const copy = jar.copy();
    const out = await postForm(other.app, jar, '/admin', '/admin/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/admin/sign-in?signedOut=1');
    expect(jar.cookies.has(SESSION_COOKIE)).toBe(false);
    // the old cookie, kept by someone, no longer works on either instance
    expect((await get(t.app, copy.copy(), '/admin')).statusCode).toBe(303);
    expect((await get(other.app, copy.copy(), '/admin')).statusCode).toBe(303);
    expect((await entries())[0]).toMatchObject({ action: 'sign-out', actorEmail: 'reviewer@example.org' });
    const page = await get(t.app, jar, '/admin/sign-in?signedOut=1');
    expect(page.body).toContain('You have signed out');
  });
});

describe('lockout', () => {
  it('after 5 wrong passwords for an email, refuses even the right one for 15 minutes, with the same message', async () => {
    await addUser(t.store, 'target@example.org', 'editor');
    for (let i = 0; i < 5; i++) {
      // from different addresses: the email's own count locks it
      const { response } = await signIn(t.app, 'target@example.org', `wrong password ${i}`, { remoteAddress: `198.51.100.${i}` });
      expect(response.statusCode).toBe(401);
    }
    const locked = await signIn(t.app, 'Target@example.org', PASSWORD, { remoteAddress: '198.51.100.50' });
    expect(locked.response.statusCode).toBe(401);
    expect(locked.response.body).toContain(SIGN_IN_FAILED);
    expect((await entries())[0]).toMatchObject({ action: 'sign-in-refused', detail: { email: 't…@example.org' } });
    clock += 14 * MINUTE;
    expect((await signIn(t.app, 'target@example.org', PASSWORD, { remoteAddress: '198.51.100.50' })).response.statusCode).toBe(401);
    clock += 2 * MINUTE;
    expect((await signIn(t.app, 'target@example.org', PASSWORD, { remoteAddress: '198.51.100.50' })).response.statusCode).toBe(303);
  });

  it('an unknown email locks the same way, so a lockout tells nothing about who has an account', async () => {
    for (let i = 0; i < 5; i++) await signIn(t.app, 'ghost@example.org', `guess ${i}`, { remoteAddress: `203.0.113.${i}` });
    const sixth = await signIn(t.app, 'ghost@example.org', 'guess 6', { remoteAddress: '203.0.113.99' });
    expect(sixth.response.statusCode).toBe(401);
    expect(sixth.response.body).toContain(SIGN_IN_FAILED);
    clock += 16 * MINUTE;
  });

  it('counts per client too: one address trying many emails is stopped', async () => {
    const address = '198.51.100.77';
    for (let i = 0; i < 20; i++) await signIn(t.app, `spray${i}@example.org`, 'Winter2026!!', { remoteAddress: address });
    const blocked = await signIn(t.app, 'editor@example.org', PASSWORD, { remoteAddress: address });
    expect(blocked.response.statusCode).toBe(401);
    // the same account from another address is fine
    expect((await signIn(t.app, 'editor@example.org', PASSWORD, { remoteAddress: '198.51.100.78' })).response.statusCode).toBe(303);
    clock += 16 * MINUTE;
    expect((await signIn(t.app, 'editor@example.org', PASSWORD, { remoteAddress: address })).response.statusCode).toBe(303);
  });
});

describe('users (admins)', () => {
  it('adds a user, changes their role, disables (signing them out) and enables them, each change audited', async () => {
    const { jar } = await signIn(t.app, 'admin@example.org');
    const added = await postForm(t.app, jar, '/admin/users', '/admin/users', { email: ' New.Editor@Example.org ', role: 'editor' });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/admin/users?done=added');
    const listed = await get(t.app, jar, '/admin/users?done=added');
    expect(listed.body).toContain('The user was added.');
    expect(listed.body).toContain('new.editor@example.org');
    const user = (await new UserRepository(t.store.db).findByEmail('new.editor@example.org'))!;
    expect(user).toMatchObject({ role: 'editor', hasPassword: false, disabled: false });

    expect((await postForm(t.app, jar, '/admin/users', `/admin/users/${user.id}/role`, { role: 'reviewer' })).statusCode).toBe(303);
    expect((await new UserRepository(t.store.db).findById(user.id))!.role).toBe('reviewer');

    // the disabled user's session ends at once
    const victim = (await new UserRepository(t.store.db).findByEmail('reviewer@example.org'))!;
    const { jar: victimJar } = await signIn(t.app, 'reviewer@example.org');
    expect((await postForm(t.app, jar, '/admin/users', `/admin/users/${victim.id}/disable`, {})).statusCode).toBe(303);
    expect((await get(t.app, victimJar, '/admin')).statusCode).toBe(303);
    expect((await signIn(t.app, 'reviewer@example.org', PASSWORD, { remoteAddress: '192.0.2.90' })).response.statusCode).toBe(401);
    expect((await postForm(t.app, jar, '/admin/users', `/admin/users/${victim.id}/enable`, {})).statusCode).toBe(303);
    expect((await signIn(t.app, 'reviewer@example.org', PASSWORD, { remoteAddress: '192.0.2.91' })).response.statusCode).toBe(303);

    const log = (await entries()).filter((e) => e.actorEmail === 'admin@example.org' && e.action !== 'sign-in');
    expect(log.slice(0, 4).map((e) => [e.action, e.detail['email']])).toEqual([
      ['user-enabled', 'reviewer@example.org'],
      ['user-disabled', 'reviewer@example.org'],
      ['role-changed', 'new.editor@example.org'],
      ['user-added', 'new.editor@example.org'],
    ]);
    expect(log[1]).toMatchObject({ recordType: 'user', recordId: String(victim.id) });
    expect(log[2]!.detail).toMatchObject({ from: 'editor', to: 'reviewer' });
  });

  it('says what is wrong with a new user, and never lets an admin disable or demote themselves', async () => {
    const { jar } = await signIn(t.app, 'admin@example.org');
    const bad = await postForm(t.app, jar, '/admin/users', '/admin/users', { email: '<b>not an email</b>', role: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose a role');
    expect(bad.body).toContain('&lt;b&gt;not an email&lt;/b&gt;');
    const twice = await postForm(t.app, jar, '/admin/users', '/admin/users', { email: 'editor@example.org', role: 'admin' });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('already a user');
    const unknownRole = await postForm(t.app, jar, '/admin/users', '/admin/users', { email: 'someone@example.org', role: 'superuser' });
    expect(unknownRole.statusCode).toBe(400);
    const me = (await new UserRepository(t.store.db).findByEmail('admin@example.org'))!;
    expect((await postForm(t.app, jar, '/admin/users', `/admin/users/${me.id}/disable`, {})).statusCode).toBe(400);
    expect((await postForm(t.app, jar, '/admin/users', `/admin/users/${me.id}/role`, { role: 'editor' })).statusCode).toBe(400);
    expect((await new UserRepository(t.store.db).findById(me.id))).toMatchObject({ role: 'admin', disabled: false });
    expect((await postForm(t.app, jar, '/admin/users', '/admin/users/999999/disable', {})).statusCode).toBe(400);
    expect((await postForm(t.app, jar, '/admin/users', '/admin/users/abc/disable', {})).statusCode).toBe(404);
  });
});

describe('the audit log (admins)', () => {
  it('shows entries newest first, in pages, escaped', async () => {
    const audit = new AuditLog(t.store.db);
    for (let i = 0; i < 60; i++) await audit.record({ action: 'sign-in-failed', detail: { email: `<i>${i}</i>…@example.org`, method: 'password' } });
    const { jar } = await signIn(t.app, 'admin@example.org');
    const first = await get(t.app, jar, '/admin/audit');
    expect(first.statusCode).toBe(200);
    // the admin's own sign-in is the newest
    expect(first.body.indexOf('Signed in')).toBeLessThan(first.body.indexOf('Sign-in failed'));
    expect(first.body).not.toContain('<i>59</i>');
    expect(first.body).toContain('&lt;i&gt;59&lt;/i&gt;');
    expect(first.body).toContain('href="/admin/audit?page=2"');
    const second = await get(t.app, jar, '/admin/audit?page=2');
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('&lt;i&gt;0&lt;/i&gt;');
    for (const page of ['0', '-1', '99999', 'abc', '1e9']) expect((await get(t.app, jar, `/admin/audit?page=${page}`)).statusCode, page).toBe(200);
  });
});
