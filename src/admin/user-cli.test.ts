/**
 * `npm run user:add` and its siblings, run as a council's IT team runs them: a separate process on the
 * app's database, the password piped in on standard input. What they do is then tried through the app.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../test/helpers/admin.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { projectRoot } from '../content/pack-dir.js';
import { AuditLog } from './audit.js';
import { UserRepository } from './users.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

function run(command: string[], stdin: string | undefined, viaNpm = false): Promise<{ code: number | null; out: string; err: string }> {
  const [file, args] = viaNpm ? ['npm', ['run', '--silent', command[0]!, '--', ...command.slice(1)]] : [process.execPath, ['--import', 'tsx', join(projectRoot(), 'src', 'admin', 'user-cli.ts'), ...command]];
  return new Promise((resolve, reject) => {
    const child = spawn(file as string, args as string[], { cwd: projectRoot(), env: { ...process.env, ...t.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    if (stdin !== undefined) child.stdin.write(stdin);
    child.stdin.end();
  });
}

const users = () => new UserRepository(t.store.db);

describe('npm run user:add', () => {
  it('adds a local account with the piped password, which then signs in; the change is audited', async () => {
    const r = await run(['user:add', 'Jo.Editor@Example.org', '--role', 'reviewer'], 'a long enough passphrase\nignored second line\n', true);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Added jo.editor@example.org as reviewer, with a password.');
    const user = await users().findByEmail('jo.editor@example.org');
    expect(user).toMatchObject({ role: 'reviewer', hasPassword: true, disabled: false });
    // stored as a scrypt hash with its parameters and salt, never the password
    expect(user!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(user!.passwordHash).not.toContain('passphrase');
    expect((await signIn(t.app, 'jo.editor@example.org', 'a long enough passphrase')).response.statusCode).toBe(303);
    expect((await signIn(t.app, 'jo.editor@example.org', 'ignored second line')).response.statusCode).toBe(401);
    const added = (await new AuditLog(t.store.db).page(1)).entries.find((e) => e.action === 'user-added');
    expect(added).toMatchObject({ actorEmail: null, recordType: 'user', detail: { email: 'jo.editor@example.org', role: 'reviewer', account: 'local', by: 'command line' } });
  });

  it('refuses a short password, one that is the email, and an email already added, changing nothing', async () => {
    const short = await run(['add', 'short@example.org', '--role', 'editor'], 'tooshort\n');
    expect(short.code).toBe(1);
    expect(short.err).toContain('at least 12 characters');
    const same = await run(['add', 'samesame@example.org', '--role', 'editor'], 'SameSame@example.org\n');
    expect(same.code).toBe(1);
    expect(same.err).toContain('must not be or contain the email address');
    const twice = await run(['add', 'jo.editor@example.org', '--role', 'admin'], 'another long passphrase\n');
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('already a user');
    const none = await run(['add', 'nopassword@example.org', '--role', 'editor'], '');
    expect(none.code).toBe(1);
    expect(none.err).toContain('No password');
    for (const email of ['short@example.org', 'samesame@example.org', 'nopassword@example.org']) expect(await users().findByEmail(email), email).toBeUndefined();
    expect((await users().findByEmail('jo.editor@example.org'))!.role).toBe('reviewer');
  });

  it('explains its usage, with exit code 2, for a missing role or email or an unknown option; 1 for an unknown role', async () => {
    for (const args of [['add', 'x@example.org'], ['add', '--role', 'editor'], ['add', 'x@example.org', '--role', 'editor', '--sudo'], ['remove', 'x@example.org'], []]) {
      const r = await run(args, 'a long enough passphrase\n');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('Usage:');
    }
    const role = await run(['add', 'x@example.org', '--role', 'owner'], 'a long enough passphrase\n');
    expect(role.code).toBe(1);
    expect(role.err).toContain('Choose a role');
    expect(await users().findByEmail('x@example.org')).toBeUndefined();
  });

  it('with --council, adds someone without a password, who cannot sign in with one', async () => {
    const r = await run(['add', 'sso.user@example.org', '--role=editor', '--council'], undefined);
    expect(r.code).toBe(0);
    expect(await users().findByEmail('sso.user@example.org')).toMatchObject({ hasPassword: false, role: 'editor' });
    expect((await signIn(t.app, 'sso.user@example.org', '')).response.statusCode).toBe(400);
  });
});

describe('npm run user:password, user:disable and user:enable', () => {
  it('set a new password (ending sessions), and disable and enable an account', async () => {
    await run(['add', 'pat@example.org', '--role', 'editor'], 'the first passphrase\n');
    const { jar } = await signIn(t.app, 'pat@example.org', 'the first passphrase');
    expect((await t.app.inject({ url: '/admin', headers: { cookie: jar.header() } })).statusCode).toBe(200);
    const changed = await run(['password', 'PAT@example.org'], 'the second passphrase\n');
    expect(changed.code).toBe(0);
    expect((await t.app.inject({ url: '/admin', headers: { cookie: jar.header() } })).statusCode).toBe(303);
    expect((await signIn(t.app, 'pat@example.org', 'the first passphrase')).response.statusCode).toBe(401);
    expect((await signIn(t.app, 'pat@example.org', 'the second passphrase')).response.statusCode).toBe(303);

    const disabled = await run(['user:disable', 'pat@example.org'], undefined, true);
    expect(disabled.code).toBe(0);
    expect((await signIn(t.app, 'pat@example.org', 'the second passphrase')).response.statusCode).toBe(401);
    expect((await run(['enable', 'pat@example.org'], undefined)).code).toBe(0);
    expect((await signIn(t.app, 'pat@example.org', 'the second passphrase')).response.statusCode).toBe(303);
    const unknown = await run(['disable', 'nobody@example.org'], undefined);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no user');
    const actions = (await new AuditLog(t.store.db).page(1)).entries.filter((e) => e.detail['by'] === 'command line').map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual(['user-enabled', 'user-disabled', 'password-set']);
  });
});
