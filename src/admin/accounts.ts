/**
 * Changes to the workspace's users, each written to the audit log with who made it: the users page
 * and the `user:*` commands go through here, so both check the same things.
 */
import type { Store } from '../store/store.js';
import { AuditLog, type Actor } from './audit.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { isRole } from './roles.js';
import { SessionRepository } from './sessions.js';
import { isEmail, normaliseEmail, UserExistsError, UserRepository, type AdminUser } from './users.js';

/** A change refused for a reason the person asking can fix. */
export class AccountError extends Error {}

export class Accounts {
  readonly users: UserRepository;
  readonly audit: AuditLog;
  private readonly sessions: SessionRepository;

  constructor(store: Store) {
    this.users = new UserRepository(store.db);
    this.audit = new AuditLog(store.db);
    this.sessions = new SessionRepository(store.db);
  }

  /** Adds a user: with a password, a local account; without, one that signs in with the council's accounts. */
  async add(input: { email: string; role: string; password?: string }, actor?: Actor): Promise<AdminUser> {
    const email = normaliseEmail(input.email);
    if (!isEmail(email)) throw new AccountError('Enter an email address in the correct format, like name@example.org');
    if (!isRole(input.role)) throw new AccountError('Choose a role: editor, reviewer or admin');
    let passwordHash: string | undefined;
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password, email);
      if (problem) throw new AccountError(problem);
      passwordHash = await hashPassword(input.password);
    }
    let user: AdminUser;
    try {
      user = await this.users.add({ email, role: input.role, passwordHash });
    } catch (err) {
      if (err instanceof UserExistsError) throw new AccountError(err.message);
      throw err;
    }
    await this.audit.record({ actor, action: 'user-added', recordType: 'user', recordId: user.id, detail: { email, role: user.role, account: passwordHash ? 'local' : 'council', ...(actor ? {} : { by: 'command line' }) } });
    return user;
  }

  async setPassword(emailGiven: string, password: string, actor?: Actor): Promise<void> {
    const user = await this.users.findByEmail(emailGiven);
    if (!user) throw new AccountError(`There is no user with the email address ${normaliseEmail(emailGiven)}`);
    const problem = passwordProblem(password, user.email);
    if (problem) throw new AccountError(problem);
    await this.users.setPasswordHash(user.id, await hashPassword(password));
    // whoever held the old password is signed out
    await this.sessions.endAllOf(user.id);
    await this.audit.record({ actor, action: 'password-set', recordType: 'user', recordId: user.id, detail: { email: user.email, ...(actor ? {} : { by: 'command line' }) } });
  }

  async setRole(id: number, role: string, actor: Actor): Promise<AdminUser> {
    if (!isRole(role)) throw new AccountError('Choose a role: editor, reviewer or admin');
    const user = await this.changeable(id, actor);
    if (user.role === role) return user;
    await this.users.setRole(id, role);
    await this.audit.record({ actor, action: 'role-changed', recordType: 'user', recordId: id, detail: { email: user.email, from: user.role, to: role } });
    return { ...user, role };
  }

  async setDisabled(id: number | string, disabled: boolean, actor?: Actor): Promise<AdminUser> {
    const user = typeof id === 'number' ? await this.changeable(id, actor) : await this.users.findByEmail(id);
    if (!user) throw new AccountError(`There is no user with the email address ${normaliseEmail(String(id))}`);
    if (user.disabled === disabled) return user;
    await this.users.setDisabled(user.id, disabled);
    if (disabled) await this.sessions.endAllOf(user.id);
    await this.audit.record({ actor, action: disabled ? 'user-disabled' : 'user-enabled', recordType: 'user', recordId: user.id, detail: { email: user.email, ...(actor ? {} : { by: 'command line' }) } });
    return { ...user, disabled };
  }

  /** a user someone else may change: nobody changes their own role or disables themselves, so an admin always remains */
  private async changeable(id: number, actor?: Actor): Promise<AdminUser> {
    const user = await this.users.findById(id);
    if (!user) throw new AccountError('There is no such user');
    if (actor && actor.id === id) throw new AccountError('You cannot change your own role or disable your own account: ask another admin');
    return user;
  }
}

