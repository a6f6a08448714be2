/**
 * The editors' workspace under /admin: sign-in (a local account's email and password, or the
 * council's own accounts through OpenID Connect), sign-out, the editors' home, users (admins) and the
 * audit log (admins). Every answer under /admin is `no-store`, `noindex` and never framed. Anyone not
 * signed in is sent to sign in (a GET) or refused (anything else); a role without the permission a
 * page needs gets 403. The insights (insights.ts), keeping it fresh (fresh.ts), the stakeholder templates (template-routes.ts), provider check links (provider-checks.ts) and the export (export.ts) are registered here. Sessions live in the database (sessions.ts), so any instance serves them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Site } from '../web/site.js';
import type { Store } from '../store/store.js';
import type { PublishedContent } from '../content/published.js';
import type { Insights } from '../insights/insights.js';
import { Accounts, AccountError } from './accounts.js';
import { AUDIT_PAGE_SIZE, maskEmail, type Actor } from './audit.js';
import { pageOf, pagination } from './pagination.js';
import { providerLinkRoutes, providerLinksFor, type ProviderLinkConfig } from './provider-checks.js';
import { editingRoutes } from './editing.js';
import { exportRoutes } from './export.js';
import { freshRoutes } from './fresh.js';
import { templateRoutes } from './template-routes.js';
import { insightsRoutes } from './insights.js';
import { DEFAULT_LOCKOUT, Lockout, type LockoutRules } from './lockout.js';
import { CouncilSignIn, PENDING_LIFETIME_MS, type OidcSettings, type PendingSignIn } from './oidc.js';
import { PASSWORD_MAX_LENGTH, verifyAgainstNothing, verifyPassword } from './passwords.js';
import { can, roleDescriptions, roleLabels, roles, type Permission } from './roles.js';
import { DEFAULT_SESSION_TIMES, SessionRepository, type SessionTimes } from './sessions.js';
import { EMAIL_MAX_LENGTH, type AdminUser } from './users.js';

/** What the app's configuration says about the workspace (src/web/config.ts). */
export interface AdminConfig {
  /** idle and absolute session timeouts (ADMIN_IDLE_MINUTES, ADMIN_SESSION_HOURS) */
  sessions?: Partial<SessionTimes>;
  lockout?: Partial<LockoutRules>;
  /** the council's identity provider (OIDC_*); without it, local accounts only */
  oidc?: OidcSettings;
  /** the clock, in ms since 1970 (tests move it) */
  now?: () => number;
  /** provider check links: their key, how long they work, the rate limits of the provider's pages */
  providerLinks?: ProviderLinkConfig;
}

export interface AdminDeps {
  store: Store;
  /** the published content: what editors change through drafts, the insights' labels, and what is exported */
  published: PublishedContent;
  site: Site;
  /** keys the lockout's hashes of emails and addresses */
  sessionSecret: string;
  admin: AdminConfig;
  insights: Insights;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the signed-in user of the workspace, if any (set under /admin only) */
    adminUser?: AdminUser;
  }
}

export const ADMIN_PREFIX = '/admin';
export const SESSION_COOKIE = 'isg_admin_session';
export const PENDING_COOKIE = 'isg_admin_oidc';
const CALLBACK_PATH = `${ADMIN_PREFIX}/sign-in/callback`;

/** the one message for a wrong email, a wrong password, a disabled account and a lockout: it never tells which */
export const SIGN_IN_FAILED = 'Enter a correct email address and password. After 5 wrong tries, sign-in is paused for 15 minutes.';

/**
 * Where to go after signing in: a path of the workspace itself, given as a relative address on this
 * site. Anything else (another site, `//host`, a backslash, an encoded slash, control characters)
 * goes to the workspace's home.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500) return ADMIN_PREFIX;
  if (!/^\/admin(?:[/?]|$)/.test(value)) return ADMIN_PREFIX;
  if (!/^[A-Za-z0-9/_.~?&=%+-]*$/.test(value) || value.includes('//') || /%(?:2f|5c|00)|\/\.\.?(?:\/|$|\?)/i.test(value)) return ADMIN_PREFIX;
  if (/^\/admin\/sign-(?:in|out)/.test(value)) return ADMIN_PREFIX;
  return value;
}

/** The areas of the workspace on its home page, each shown to the roles that may use it. */
const AREAS: Array<{ title: string; description: string; permission: Permission; href?: string }> = [
  { title: 'Services, cards, FAQs and contacts', description: 'Write and update records as drafts for review; see each record’s history.', permission: 'edit', href: '/admin/records' },
  { title: 'Your drafts', description: 'Drafts you started, submitted for review, or had returned with a comment.', permission: 'edit', href: '/admin/drafts' },
  { title: 'Keeping the guidance fresh', description: 'Records due for review, unverified facts and services with reports from staff; the queues of reports and of chat questions not answered.', permission: 'edit', href: '/admin/fresh' },
  { title: 'Templates for gathering content', description: 'Spreadsheets of services and FAQs for council teams, the NHS and charities to fill in; an upload is checked row by row, then becomes drafts for review.', permission: 'edit', href: '/admin/templates' },
  { title: 'Review and publish', description: 'Drafts waiting for review: approve and publish other people’s, or reject them with a comment.', permission: 'review', href: '/admin/drafts#waiting' },
  { title: 'Insights', description: 'Needs check outcomes, searches that found nothing, unanswered questions and the most viewed services, as counts per day.', permission: 'read-insights', href: '/admin/insights' },
  { title: 'Export', description: 'Download the published content as a content pack or an Open Referral UK feed.', permission: 'export', href: '/admin/export' },
  { title: 'Users', description: 'Add users, change their roles and disable accounts.', permission: 'manage-users', href: '/admin/users' },
  { title: 'Audit log', description: 'Sign-ins and every change, newest first.', permission: 'read-audit', href: '/admin/audit' },
];

type Body = Record<string, unknown>;
const field = (body: unknown, name: string): string => {
  const v = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return typeof v === 'string' ? v : '';
};

export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const now = deps.admin.now ?? Date.now;
  const times: SessionTimes = { ...DEFAULT_SESSION_TIMES, ...deps.admin.sessions };
  const sessions = new SessionRepository(deps.store.db, times);
  const lockout = new Lockout(deps.store.db, deps.sessionSecret, { ...DEFAULT_LOCKOUT, ...deps.admin.lockout });
  const accounts = new Accounts(deps.store);
  const { users, audit } = accounts;
  const council = deps.admin.oidc ? new CouncilSignIn(deps.admin.oidc) : undefined;

  // sessions and lockouts that are over are deleted now and then
  const prune = () => {
    const t = now();
    void Promise.all([sessions.prune(t), lockout.prune(t)]).catch((err: unknown) => app.log.error({ err }, 'workspace sessions could not be pruned'));
  };
  const pruning = setInterval(prune, 15 * 60 * 1000);
  pruning.unref();
  app.addHook('onClose', async () => clearInterval(pruning));

  /** Secure when the site is served over HTTPS, or this request came over it (through a trusted proxy) */
  const cookieOptions = (request: FastifyRequest) => ({ path: ADMIN_PREFIX, httpOnly: true, sameSite: 'lax' as const, secure: deps.site.secure || request.protocol === 'https' });

  app.decorateRequest('adminUser', undefined);
  app.addHook('onRequest', async (request, reply) => {
    // nothing in the workspace is kept by a browser or proxy, indexed, or shown in another site's frame
    void reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow').header('x-frame-options', 'DENY');
    const policy = reply.raw.getHeader('content-security-policy');
    if (typeof policy === 'string') void reply.header('content-security-policy', policy.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'"));
    const id = request.cookies[SESSION_COOKIE];
    if (!id) return;
    const session = await sessions.use(id, now());
    const user = session ? await users.findById(session.userId) : undefined;
    if (!session || !user || user.disabled) {
      if (session) await sessions.end(id);
      void reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return;
    }
    request.adminUser = user;
  });

  const render = (reply: FastifyReply, template: string, context: Record<string, unknown> = {}) => {
    const user = reply.request.adminUser;
    const nav = user
      ? [{ href: '/admin', text: 'Home' }, ...(can(user.role, 'manage-users') ? [{ href: '/admin/users', text: 'Users' }] : []), ...(can(user.role, 'read-audit') ? [{ href: '/admin/audit', text: 'Audit log' }] : [])]
      : [];
    const path = reply.request.url.split('?')[0];
    return reply.render(`admin/views/${template}`, {
      adminUser: user ? { email: user.email, roleLabel: roleLabels[user.role] } : undefined,
      adminNav: nav.map((n) => ({ ...n, active: n.href === path })),
      csrfToken: reply.csrfToken(),
      ...context,
    });
  };

  const problem = (reply: FastifyReply, status: number, heading: string, message: string, links: Array<{ href: string; text: string }> = []) =>
    render(reply.code(status), 'problem.njk', { title: heading, heading, message, links });

  /** a preHandler: the request must come from a signed-in user with the permission, if one is named */
  const signedIn = (permission?: Permission) => async (request: FastifyRequest, reply: FastifyReply) => {
    const user = request.adminUser;
    if (!user) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        const back = safeReturnPath(request.url);
        return reply.redirect(back === ADMIN_PREFIX ? '/admin/sign-in' : `/admin/sign-in?returnTo=${encodeURIComponent(back)}`, 303);
      }
      return problem(reply, 401, 'You need to sign in', 'Your session has ended or you have not signed in. Nothing was changed.', [{ href: '/admin/sign-in', text: 'Sign in' }]);
    }
    if (permission && !can(user.role, permission)) {
      return problem(reply, 403, 'You cannot use this page', `Your role (${roleLabels[user.role]}) does not allow it. Ask an admin if you need it.`, [{ href: '/admin', text: 'Go to the editors’ workspace' }]);
    }
    return undefined;
  };
  const csrf = app.csrfProtection;

  const actorOf = (request: FastifyRequest): Actor => ({ id: request.adminUser!.id, email: request.adminUser!.email });

  /** the user's new session: any session the browser had is ended first, and a new id issued (no fixation) */
  async function startSession(request: FastifyRequest, reply: FastifyReply, user: AdminUser, method: 'password' | 'council', email: string, returnTo: string) {
    await sessions.end(request.cookies[SESSION_COOKIE]);
    const id = await sessions.create(user.id, now());
    await users.recordSignIn(user.id, new Date(now()));
    await lockout.succeed(email, request.ip);
    await audit.record({ actor: { id: user.id, email: user.email }, action: 'sign-in', recordType: 'user', recordId: user.id, detail: { method } }, new Date(now()));
    return reply.setCookie(SESSION_COOKIE, id, cookieOptions(request)).redirect(safeReturnPath(returnTo), 303);
  }

  const signInPage = (reply: FastifyReply, opts: { email?: string; returnTo?: string; errors?: Record<string, string>; failed?: boolean; signedOut?: boolean } = {}) => {
    const errors = opts.errors ?? {};
    const errorList = opts.failed ? [{ text: SIGN_IN_FAILED, href: '#email' }] : Object.entries(errors).map(([k, text]) => ({ text, href: `#${k}` }));
    return render(reply, 'sign-in.njk', {
      title: 'Sign in to the editors’ workspace',
      email: opts.email ?? '',
      returnTo: safeReturnPath(opts.returnTo),
      errors,
      failed: opts.failed,
      errorList,
      signedOut: opts.signedOut,
      council: council !== undefined,
      councilDomain: deps.admin.oidc?.allowedDomain,
    });
  };

  app.get<{ Querystring: { returnTo?: string; signedOut?: string } }>('/sign-in', async (request, reply) => {
    if (request.adminUser) return reply.redirect(safeReturnPath(request.query.returnTo), 303);
    return signInPage(reply, { returnTo: request.query.returnTo, signedOut: request.query.signedOut === '1' });
  });

  app.post('/sign-in', { preHandler: csrf }, async (request, reply) => {
    const email = field(request.body, 'email').trim().slice(0, EMAIL_MAX_LENGTH + 1);
    const password = field(request.body, 'password');
    const returnTo = field(request.body, 'returnTo');
    const errors: Record<string, string> = {};
    if (!email) errors['email'] = 'Enter your email address';
    if (!password) errors['password'] = 'Enter your password';
    if (Object.keys(errors).length) return signInPage(reply.code(400), { email, returnTo, errors });

    const t = now();
    const masked = maskEmail(email.toLowerCase());
    if (await lockout.isLocked(email, request.ip, t)) {
      await audit.record({ action: 'sign-in-refused', detail: { email: masked, method: 'password' } }, new Date(t));
      return signInPage(reply.code(401), { email, returnTo, failed: true });
    }
    const user = email.length <= EMAIL_MAX_LENGTH ? await users.findByEmail(email) : undefined;
    const tooLong = password.length > PASSWORD_MAX_LENGTH;
    // an unknown email costs the same time as a known one
    const ok = user?.passwordHash && !tooLong ? await verifyPassword(password, user.passwordHash) : await verifyAgainstNothing(tooLong ? '' : password);
    if (!user || !ok || user.disabled) {
      await lockout.fail(email, request.ip, t);
      const reason = !user ? 'no such user' : !user.passwordHash ? 'no local password' : !ok ? 'wrong password' : 'account disabled';
      await audit.record({ action: 'sign-in-failed', recordType: user ? 'user' : undefined, recordId: user?.id, detail: { email: masked, method: 'password', reason } }, new Date(t));
      return signInPage(reply.code(401), { email, returnTo, failed: true });
    }
    return startSession(request, reply, user, 'password', email, returnTo);
  });

  app.post('/sign-out', { preHandler: csrf }, async (request, reply) => {
    const user = request.adminUser;
    await sessions.end(request.cookies[SESSION_COOKIE]);
    if (user) await audit.record({ actor: actorOf(request), action: 'sign-out', recordType: 'user', recordId: user.id }, new Date(now()));
    return reply.clearCookie(SESSION_COOKIE, cookieOptions(request)).redirect('/admin/sign-in?signedOut=1', 303);
  });

  // the council's own accounts (OpenID Connect), when configured
  app.post('/sign-in/council', { preHandler: csrf }, async (request, reply) => {
    if (!council) return problem(reply, 404, 'Page not found', 'Sign-in with a council account is not set up here.');
    let started: Awaited<ReturnType<CouncilSignIn['start']>>;
    try {
      started = await council.start(deps.site.url(request, CALLBACK_PATH), safeReturnPath(field(request.body, 'returnTo')), now());
    } catch (err) {
      request.log.error({ err }, 'the identity provider could not be reached');
      return problem(reply, 503, 'Sign-in with your council account is not working', 'The council’s sign-in service could not be reached. Try again in a few minutes.', [{ href: '/admin/sign-in', text: 'Back to sign in' }]);
    }
    return reply
      .setCookie(PENDING_COOKIE, JSON.stringify(started.pending), { ...cookieOptions(request), signed: true, maxAge: PENDING_LIFETIME_MS / 1000 })
      .redirect(started.url, 303);
  });

  app.get('/sign-in/callback', async (request, reply) => {
    void reply.clearCookie(PENDING_COOKIE, cookieOptions(request));
    const again = [{ href: '/admin/sign-in', text: 'Sign in again' }];
    if (!council) return problem(reply, 404, 'Page not found', 'Sign-in with a council account is not set up here.');
    const pending = readPending(request);
    if (!pending || pending.expiresAt < now()) {
      return problem(reply, 400, 'Sign-in could not be completed', 'The sign-in took too long or was started in another browser. Start again from the sign-in page.', again);
    }
    let result: Awaited<ReturnType<CouncilSignIn['finish']>>;
    try {
      result = await council.finish(new URL(deps.site.url(request, request.url)), pending);
    } catch (err) {
      request.log.info({ err: { name: (err as Error).name, code: (err as { code?: string }).code } }, 'council sign-in refused');
      await audit.record({ action: 'sign-in-failed', detail: { method: 'council', reason: 'the answer from the identity provider was refused' } }, new Date(now()));
      return problem(reply, 400, 'Sign-in could not be completed', 'The answer from the council’s sign-in service could not be checked. Nothing was changed. Start again from the sign-in page.', again);
    }
    if (!result.ok) {
      await audit.record({ action: 'sign-in-failed', detail: { method: 'council', reason: result.reason, email: result.email ? maskEmail(result.email) : null } }, new Date(now()));
      const message =
        result.reason === 'wrong-domain'
          ? `Only accounts with an email address ending @${deps.admin.oidc!.allowedDomain} can sign in to the editors’ workspace. Sign out of the other account at your identity provider and try again with your council account.`
          : 'Your council account did not give a confirmed email address, so you cannot be signed in. Ask your IT team.';
      return problem(reply, 403, 'This account cannot sign in here', message, again);
    }
    const user = await users.findByEmail(result.email);
    if (!user || user.disabled) {
      await audit.record({ action: 'sign-in-failed', recordType: user ? 'user' : undefined, recordId: user?.id, detail: { method: 'council', reason: user ? 'account disabled' : 'no such user', email: maskEmail(result.email) } }, new Date(now()));
      return problem(reply, 403, 'You do not have access to the editors’ workspace', `Your council account (${result.email}) has not been given access. Ask an admin of the workspace to add you.`, again);
    }
    return startSession(request, reply, user, 'council', result.email, pending.returnTo);
  });

  function readPending(request: FastifyRequest): PendingSignIn | undefined {
    const raw = request.cookies[PENDING_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return undefined;
    try {
      const p = JSON.parse(unsigned.value) as Partial<PendingSignIn>;
      if (typeof p.verifier !== 'string' || typeof p.state !== 'string' || typeof p.nonce !== 'string' || typeof p.expiresAt !== 'number') return undefined;
      return { verifier: p.verifier, state: p.state, nonce: p.nonce, expiresAt: p.expiresAt, returnTo: safeReturnPath(p.returnTo) };
    } catch {
      return undefined;
    }
  }

  // the editors' home: who you are, and the areas your role may use
  app.get('/', { preHandler: signedIn() }, async (request, reply) => {
    const user = request.adminUser!;
    return render(reply, 'home.njk', {
      title: 'Editors’ workspace',
      user: { email: user.email, role: roleLabels[user.role], roleDescription: roleDescriptions[user.role] },
      areas: AREAS.filter((a) => can(user.role, a.permission)),
      sessionMinutes: Math.round(times.idleMs / 60000),
    });
  });

  // users: admins only
  const usersPage = async (reply: FastifyReply, opts: { form?: { email: string; role: string }; errors?: Record<string, string>; done?: string } = {}) => {
    const list = await users.list();
    const me = reply.request.adminUser!;
    const errors = opts.errors ?? {};
    return render(reply, 'users.njk', {
      title: 'Users',
      users: list.map((u) => ({ ...u, roleLabel: roleLabels[u.role], isMe: u.id === me.id })),
      roles: roles.map((r) => ({ value: r, text: roleLabels[r], hint: roleDescriptions[r] })),
      form: opts.form ?? { email: '', role: '' },
      errors,
      errorList: Object.entries(errors).map(([k, text]) => ({ text, href: `#${k}` })),
      done: opts.done,
      council: council !== undefined,
    });
  };

  const DONE = new Set(['added', 'role', 'disabled', 'enabled']);
  app.get<{ Querystring: { done?: string } }>('/users', { preHandler: signedIn('manage-users') }, async (request, reply) =>
    usersPage(reply, { done: DONE.has(request.query.done ?? '') ? request.query.done : undefined }),
  );

  app.post('/users', { preHandler: [signedIn('manage-users'), csrf] }, async (request, reply) => {
    const form = { email: field(request.body, 'email').trim().slice(0, 300), role: field(request.body, 'role') };
    const errors: Record<string, string> = {};
    if (!form.email) errors['email'] = 'Enter the new user’s email address';
    if (!form.role) errors['role'] = 'Choose a role';
    if (!errors['email'] && !errors['role']) {
      try {
        await accounts.add({ email: form.email, role: form.role }, actorOf(request));
        return reply.redirect('/admin/users?done=added', 303);
      } catch (err) {
        if (!(err instanceof AccountError)) throw err;
        errors[/role/i.test(err.message) ? 'role' : 'email'] = err.message;
      }
    }
    return usersPage(reply.code(400), { form, errors });
  });

  const userId = (params: unknown) => {
    const raw = (params as { id?: string }).id ?? '';
    return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
  };
  const change = (work: (id: number, request: FastifyRequest) => Promise<unknown>, done: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const id = userId(request.params);
    if (id === undefined) return problem(reply, 404, 'Page not found', 'There is no such user.');
    try {
      await work(id, request);
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return problem(reply, 400, 'That change was not made', err.message, [{ href: '/admin/users', text: 'Back to users' }]);
    }
    return reply.redirect(`/admin/users?done=${done}`, 303);
  };
  const guarded = { preHandler: [signedIn('manage-users'), csrf] };
  app.post('/users/:id/role', guarded, change((id, request) => accounts.setRole(id, field(request.body, 'role'), actorOf(request)), 'role'));
  app.post('/users/:id/disable', guarded, change((id, request) => accounts.setDisabled(id, true, actorOf(request)), 'disabled'));
  app.post('/users/:id/enable', guarded, change((id, request) => accounts.setDisabled(id, false, actorOf(request)), 'enabled'));

  // the audit log: admins only, newest first
  app.get<{ Querystring: { page?: string } }>('/audit', { preHandler: signedIn('read-audit') }, async (request, reply) => {
    const asked = pageOf(request.query.page);
    const { entries, total } = await audit.page(Math.max(1, asked));
    const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
    const page = Math.min(Math.max(1, asked), pages);
    const shown = page === asked ? entries : (await audit.page(page)).entries;
    const href = (n: number) => `/admin/audit?page=${n}`;
    return render(reply, 'audit.njk', {
      title: page > 1 ? `Audit log (page ${page} of ${pages})` : 'Audit log',
      entries: shown.map((e) => ({ ...e, detailText: Object.entries(e.detail).map(([k, v]) => `${k}: ${v === null ? '–' : String(v)}`).join('; ') })),
      total,
      pagination: pagination(page, pages, href),
    });
  });

  // services, FAQs and key contacts: drafts, review, publishing and history
  await editingRoutes(app, { store: deps.store, published: deps.published, now, render, problem, signedIn, csrf, actorOf });
  await freshRoutes(app, { store: deps.store, published: deps.published, now, render, problem, signedIn, csrf, actorOf });
  // in a scope of their own: the multipart parser and the upload's error page serve these routes only
  await app.register(async (scope) => templateRoutes(scope, { store: deps.store, published: deps.published, now, render, problem, signedIn, csrf, actorOf }));
  await providerLinkRoutes(app, { store: deps.store, published: deps.published, now, render, problem, signedIn, csrf, actorOf, site: deps.site, links: providerLinksFor(deps.store, deps.sessionSecret, deps.admin.providerLinks, now) });
  await insightsRoutes(app, { insights: deps.insights, content: () => deps.published.pack(), signedIn: signedIn('read-insights'), render, problem });
  await exportRoutes(app, { store: deps.store, published: deps.published, audit, actorOf, signedIn: signedIn('export'), render });

  // an unknown address under /admin: to sign in first, so nothing about the workspace shows before it
  app.setNotFoundHandler(async (request, reply) => {
    if (!request.adminUser) {
      if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect('/admin/sign-in', 303);
      return problem(reply, 401, 'You need to sign in', 'Your session has ended or you have not signed in. Nothing was changed.', [{ href: '/admin/sign-in', text: 'Sign in' }]);
    }
    return problem(reply, 404, 'Page not found', 'There is nothing at this address in the editors’ workspace.', [{ href: '/admin', text: 'Go to the editors’ workspace' }]);
  });
}

/** govuk-frontend's pagination items: the first and last pages, those near the current one, and an ellipsis for each gap */
