/**
 * The workspace's store on the database itself (SQLite here; PostgreSQL in the postgres project):
 * users, sessions kept only as hashes with their timeouts, lockout counts, the audit log; and the
 * password hashing they rely on.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/helpers/app.js';
import { openStore, type Store } from '../store/store.js';
import { AuditLog, maskEmail } from './audit.js';
import { Lockout } from './lockout.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { SessionRepository } from './sessions.js';
import { adminDb } from './tables.js';
import { UserExistsError, UserRepository } from './users.js';

const MINUTE = 60_000;
let store: Store;
let dir: string;
let drop: () => Promise<void>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isg-admin-'));
  const { drop: d, ...config } = testDatabase(dir);
  drop = d;
  store = await openStore(config);
});
afterAll(async () => {
  await store?.close();
  await drop?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('passwords', () => {
  it('are stored as scrypt with their parameters and a salt of their own, and verify only themselves', async () => {
    const a = await hashPassword('a long enough passphrase');
    const b = await hashPassword('a long enough passphrase');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('a long enough passphrase', a)).toBe(true);
    expect(await verifyPassword('a long enough passphrasE', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
    // the parameters come from the stored string, so hashes made with other costs still verify
    const cheap = await hashPassword('another passphrase here', { N: 1024, r: 8, p: 1 });
    expect(cheap).toMatch(/^scrypt\$1024\$/);
    expect(await verifyPassword('another passphrase here', cheap)).toBe(true);
    for (const broken of ['', 'plain text', a.replace('scrypt', 'bcrypt'), a.slice(0, -8), a.replace('$32768$', '$1000$')]) expect(await verifyPassword('a long enough passphrase', broken), broken).toBe(false);
  });

  it('must be 12 characters or more, and not the email', () => {
    expect(passwordProblem('short', 'a@example.org')).toMatch(/at least 12/);
    expect(passwordProblem('jo.bloggs@example.org', 'Jo.Bloggs@example.org')).toMatch(/email/);
    expect(passwordProblem('jo.bloggs2026!!', 'jo.bloggs@example.org')).toMatch(/email/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa', 'a@example.org')).toMatch(/different characters/);
    expect(passwordProblem('x'.repeat(300), 'a@example.org')).toMatch(/256/);
    expect(passwordProblem('correct horse battery staple', 'jo@example.org')).toBeUndefined();
  });
});

describe('users', () => {
  it('keep their email lower-cased and unique', async () => {
    const users = new UserRepository(store.db);
    const u = await users.add({ email: '  Mixed.Case@Example.ORG ', role: 'editor' });
    expect(u.email).toBe('mixed.case@example.org');
    expect(await users.findByEmail('MIXED.case@example.org')).toMatchObject({ id: u.id, hasPassword: false, disabled: false });
    await expect(users.add({ email: 'mixed.case@example.org', role: 'admin' })).rejects.toBeInstanceOf(UserExistsError);
    // the database itself refuses a second row for the email
    await expect(adminDb(store.db).insertInto('admin_user').values({ email: 'mixed.case@example.org', role: 'admin', password_hash: null, created_at: 'x' }).execute()).rejects.toThrow();
    await expect(users.add({ email: 'not an email', role: 'editor' })).rejects.toThrow(/Not an email/);
  });
});

describe('sessions', () => {
  it('keep only a hash of the id, and end when idle, at their absolute end, or when ended', async () => {
    const user = await new UserRepository(store.db).add({ email: 'session@example.org', role: 'editor' });
    const sessions = new SessionRepository(store.db, { idleMs: 30 * MINUTE, absoluteMs: 8 * 60 * MINUTE });
    const t0 = Date.UTC(2026, 0, 1);
    const id = await sessions.create(user.id, t0);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await adminDb(store.db).selectFrom('admin_session').selectAll().where('user_id', '=', user.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id_hash).not.toBe(id);
    expect(rows[0]!.id_hash).toBe(createHash('sha256').update(id).digest('base64url'));
    expect(Number(rows[0]!.expires_at)).toBe(t0 + 8 * 60 * MINUTE);

    expect(await sessions.use(id, t0 + 29 * MINUTE)).toMatchObject({ userId: user.id });
    expect(await sessions.use(id, t0 + 58 * MINUTE)).toMatchObject({ userId: user.id });
    // idle for 30 minutes: gone, and stays gone
    expect(await sessions.use(id, t0 + 88 * MINUTE)).toBeUndefined();
    expect(await sessions.use(id, t0 + 89 * MINUTE)).toBeUndefined();
    expect(await sessions.countOf(user.id)).toBe(0);

    const busy = await sessions.create(user.id, t0);
    for (let m = 20; m < 480; m += 20) expect(await sessions.use(busy, t0 + m * MINUTE), `${m}`).toBeDefined();
    expect(await sessions.use(busy, t0 + 480 * MINUTE)).toBeUndefined();

    const ended = await sessions.create(user.id, t0);
    await sessions.end(ended);
    expect(await sessions.use(ended, t0 + 1)).toBeUndefined();
    const a = await sessions.create(user.id, t0);
    const b = await sessions.create(user.id, t0);
    await sessions.endAllOf(user.id);
    expect(await sessions.use(a, t0 + 1)).toBeUndefined();
    expect(await sessions.use(b, t0 + 1)).toBeUndefined();
    for (const bad of [undefined, '', 'x', 'A'.repeat(43), `${id}x`]) expect(await sessions.use(bad, t0 + 1)).toBeUndefined();
  });

  it('that are over are pruned', async () => {
    const user = await new UserRepository(store.db).add({ email: 'prune@example.org', role: 'editor' });
    const sessions = new SessionRepository(store.db, { idleMs: 30 * MINUTE, absoluteMs: 60 * MINUTE });
    const t0 = Date.UTC(2026, 0, 2);
    await sessions.create(user.id, t0);
    const live = await sessions.create(user.id, t0 + 40 * MINUTE);
    await sessions.prune(t0 + 45 * MINUTE);
    expect(await sessions.countOf(user.id)).toBe(1);
    expect(await sessions.use(live, t0 + 46 * MINUTE)).toBeDefined();
  });
});

describe('lockout', () => {
  const t0 = Date.UTC(2026, 0, 3);
  it('locks an email after 5 failures within 15 minutes, for 15 minutes; spaced failures do not', async () => {
    const lockout = new Lockout(store.db, 'secret-one');
    for (let i = 0; i < 4; i++) await lockout.fail('Someone@example.org', `192.0.2.${i}`, t0 + i * MINUTE);
    expect(await lockout.isLocked('someone@example.org', '192.0.2.99', t0 + 5 * MINUTE)).toBe(false);
    await lockout.fail('someone@example.org', '192.0.2.4', t0 + 5 * MINUTE);
    expect(await lockout.isLocked('someone@example.org', '192.0.2.99', t0 + 6 * MINUTE)).toBe(true);
    expect(await lockout.isLocked('someone@example.org', '192.0.2.99', t0 + 19 * MINUTE)).toBe(true);
    expect(await lockout.isLocked('someone@example.org', '192.0.2.99', t0 + 21 * MINUTE)).toBe(false);

    // four failures, then a fifth after the window: a new count, no lock
    for (let i = 0; i < 4; i++) await lockout.fail('spaced@example.org', '192.0.2.1', t0 + i * MINUTE);
    await lockout.fail('spaced@example.org', '192.0.2.1', t0 + 20 * MINUTE);
    expect(await lockout.isLocked('spaced@example.org', '192.0.2.50', t0 + 21 * MINUTE)).toBe(false);
  });

  it('a success clears the email’s count; the client’s count locks it out for every email', async () => {
    const lockout = new Lockout(store.db, 'secret-two', { maxPerEmail: 5, maxPerClient: 6, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE });
    for (let i = 0; i < 4; i++) await lockout.fail('cleared@example.org', '192.0.2.200', t0);
    await lockout.succeed('cleared@example.org', '192.0.2.200');
    await lockout.fail('cleared@example.org', '192.0.2.201', t0 + 1);
    expect(await lockout.isLocked('cleared@example.org', '192.0.2.202', t0 + 2)).toBe(false);
    // 192.0.2.200 has 4 failures; two more, for other emails, reach the client's limit
    await lockout.fail('x1@example.org', '192.0.2.200', t0 + 3);
    await lockout.fail('x2@example.org', '192.0.2.200', t0 + 4);
    expect(await lockout.isLocked('anyone@example.org', '192.0.2.200', t0 + 5)).toBe(true);
    expect(await lockout.isLocked('anyone@example.org', '192.0.2.203', t0 + 5)).toBe(false);
  });

  it('stores keyed hashes, never an email or address, and prunes what is over', async () => {
    const lockout = new Lockout(store.db, 'secret-three');
    await lockout.fail('private@example.org', '203.0.113.9', t0);
    const keys = (await adminDb(store.db).selectFrom('sign_in_failure').select('key').execute()).map((r) => r.key).join(' ');
    expect(keys).not.toContain('private');
    expect(keys).not.toContain('203.0.113');
    await lockout.prune(t0 + 16 * MINUTE);
    const left = await adminDb(store.db).selectFrom('sign_in_failure').select('key').where('first_failed_at', '=', t0).execute();
    expect(left).toHaveLength(0);
  });
});

describe('the audit log', () => {
  it('keeps entries with their JSON detail, newest first, in pages', async () => {
    const audit = new AuditLog(store.db);
    const before = (await audit.page(1)).total;
    for (let i = 0; i < 7; i++) await audit.record({ actor: { id: 1, email: 'a@example.org' }, action: 'role-changed', recordType: 'user', recordId: i, detail: { n: i, note: 'it’s "quoted"' } });
    const first = await audit.page(1, 3);
    expect(first.total).toBe(before + 7);
    expect(first.entries.map((e) => e.recordId)).toEqual(['6', '5', '4']);
    expect(first.entries[0]).toMatchObject({ action: 'role-changed', actionLabel: 'Role changed', actorEmail: 'a@example.org', recordType: 'user', detail: { n: 6, note: 'it’s "quoted"' } });
    expect((await audit.page(2, 3)).entries.map((e) => e.recordId)).toEqual(['3', '2', '1']);
  });

  it('masks an email to its first letter and domain', () => {
    expect(maskEmail('jo.bloggs@example.org')).toBe('j…@example.org');
    expect(maskEmail('no-at-sign')).toBe('…');
  });
});
