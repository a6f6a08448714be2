/**
 * Provider checks. From a service's page in the workspace, an editor makes a private link for the
 * service's provider (signed, for that one service and this one purpose, expiring, cancellable), and
 * copies it into their own message: no mail is sent. The provider, with no account, opens
 * `/provider-check/<token>`, sees the record and its expectation card as staff see them, and either
 * confirms that it is still right (the review date becomes today, published as a new content version
 * like any edit) or proposes changes in a form of the fields a provider knows, checked as content:check
 * checks a pack; a valid proposal becomes a draft waiting for review, by "provider via link for
 * <service>", never an editor's account. A link is used once. Its pages are never kept, indexed,
 * framed or named in a Referer, and are rate limited; their forms carry a CSRF token without a session.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { ContentProblem } from '../content/problems.js';
import type { PublishedContent } from '../content/published.js';
import { SLUG_PATTERN, type ContentPack, type Service } from '../content/schema.js';
import { deliveryLabels, isDueForReview, providerLabels } from '../directory/labels.js';
import { publishEdit } from '../publishing.js';
import type { Counters } from '../store/counters.js';
import type { Store } from '../store/store.js';
import { sharedRateLimits } from '../web/rate-limits.js';
import type { Site } from '../web/site.js';
import { AuditLog, type Actor } from './audit.js';
import { DraftError, Drafts, draftStatusLabels, type Draft, type DraftTable } from './drafts.js';
import type { EditingKit } from './editing.js';
import { formValues, formView, placeProblems, readForm, rowCounts, serviceForm, type FieldSpec, type FormSection } from './forms.js';
import { DEFAULT_LINK_DAYS, linkStateLabels, ProviderLinks, stateOf, type LinkRefusal, type ProviderLink } from './provider-links.js';
import { checkDraft, findRecord, recordHash, type Proposed } from './records.js';

/** What the configuration says about provider links (PROVIDER_LINK_SECRET, PROVIDER_LINK_DAYS). */
export interface ProviderLinkConfig {
  /** signs the links; the app's session secret when not set */
  secret?: string;
  /** how long a link works */
  days?: number;
  /** requests one address may make to the provider's pages in ten minutes: pages shown, forms sent */
  pagesPerWindow?: number;
  formsPerWindow?: number;
}

/** a provider's draft has no author account: no user has this id (ids start at 1) */
export const PROVIDER_AUTHOR_ID = 0;
export const providerActor = (serviceName: string): Actor => ({ id: PROVIDER_AUTHOR_ID, email: `provider via link for ${serviceName}` });

export const PROVIDER_CHECK_PREFIX = '/provider-check';
const RATE_WINDOW = '10 minutes';

export const providerLinksFor = (store: Store, sessionSecret: string, config: ProviderLinkConfig | undefined, now: () => number) =>
  new ProviderLinks(store.db, config?.secret ?? sessionSecret, now, config?.days ?? DEFAULT_LINK_DAYS);

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const linkPath = (token: string) => `${PROVIDER_CHECK_PREFIX}/${token}`;

// ---------------------------------------------------------------------------------------------
// The provider's form: the service form's fields a provider can know

/** the service form's top-level fields a provider may change, in the form's order */
const PROVIDER_FIELDS = new Set(['summary', 'description', 'eligibility', 'ages', 'url', 'email', 'phones', 'locations', 'schedules', 'referral', 'card']);

/**
 * Fields of the editor's rows that a provider does not fill in (whether the council confirmed a number
 * or a place, and a place's map position): a row the provider leaves as it was keeps them.
 */
const KEPT_IN_ROWS: Record<string, { fields: string[]; same(a: Proposed, b: Proposed): boolean }> = {
  phones: { fields: ['verified'], same: (a, b) => digits(a['number']) !== '' && digits(a['number']) === digits(b['number']) },
  locations: {
    fields: ['latitude', 'longitude', 'verified'],
    same: (a, b) => norm(a['name']) === norm(b['name']) && JSON.stringify(a['address'] ?? null) === JSON.stringify(b['address'] ?? null),
  },
};
const digits = (v: unknown) => (typeof v === 'string' ? v.replace(/\D/g, '') : '');
const norm = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : '');

/** The service form cut to what a provider knows: what it does, who it is for, contact details, referral and the card. */
export function providerForm(pack: ContentPack): FormSection[] {
  const hints: Record<string, string> = {
    phones: 'Leave a row empty to remove a number. To add more than one new number, send this form and tell the council’s editors.',
  };
  return serviceForm(pack, false)
    .map((section) => ({
      title: section.title === 'Referral' ? 'How to refer' : section.title,
      fields: section.fields
        .filter((f) => PROVIDER_FIELDS.has(f.name))
        .map((f): FieldSpec => {
          const kept = KEPT_IN_ROWS[f.name];
          if (f.kind === 'rows' && kept) return { ...f, hint: hints[f.name] ?? f.hint, fields: f.fields.filter((sf) => !kept.fields.includes(sf.name)) };
          return f;
        }),
    }))
    .filter((s) => s.fields.length > 0);
}

/**
 * The record a provider proposes: the published record with every field of the provider's form
 * replaced by what was sent (an emptied field is taken out), the fields the provider does not see
 * kept (a row that is still the same number or place keeps its confirmation and map position), and
 * the review date set to the day of the proposal.
 */
export function mergeProposal(current: Service, fromForm: Proposed, sections: FormSection[], today: string): Proposed {
  const out = JSON.parse(JSON.stringify(current)) as Proposed;
  for (const f of sections.flatMap((s) => s.fields)) {
    const sent = fromForm[f.name];
    const kept = KEPT_IN_ROWS[f.name];
    if (f.kind === 'rows' && kept) {
      const before = (Array.isArray(out[f.name]) ? out[f.name] : []) as Proposed[];
      out[f.name] = ((sent ?? []) as Proposed[]).map((row) => {
        const match = before.find((b) => kept.same(b, row));
        if (!match) return row;
        const carried = Object.fromEntries(kept.fields.filter((k) => match[k] !== undefined).map((k) => [k, match[k]]));
        return { ...row, ...carried };
      });
    } else if (sent === undefined) delete out[f.name];
    else out[f.name] = sent;
  }
  out['reviewed'] = today;
  return out;
}

// control and format characters a provider's browser may send (direction marks, zero-width spaces):
// never kept; line breaks and tabs stay for the lists and longer texts
const INVISIBLE = /(?![\n\r\t])[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u2028\u2029]/gu;
function cleanBody(body: unknown): Record<string, unknown> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const clean = (v: unknown): unknown => (typeof v === 'string' ? v.normalize('NFC').replace(INVISIBLE, '') : Array.isArray(v) ? v.map(clean) : v);
  return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, clean(v)]));
}

/** the record without its review date, to tell a proposal that changes nothing */
const withoutReviewed = (r: unknown) => recordHash({ ...(r as object), reviewed: '' });

// ---------------------------------------------------------------------------------------------
// Using a link

class ProviderCheckRefused extends Error {
  constructor(
    readonly reason: 'gone' | 'used' | 'invalid',
    readonly problems: ContentProblem[] = [],
  ) {
    super(reason);
  }
}

/** the drafts' table, where a provider's confirmation is written as history */
type HistoryTrx = Transaction<{ content_draft: DraftTable }>;

/**
 * A provider's confirmation, in one publish: the link claimed, the record with today's review date
 * checked with the whole pack and published as a new content version, a line of the record's history
 * (only the review date changed, by the provider), and the open drafts that began from the record as
 * it was moved onto it (their review date too, when they had not changed it), so that the
 * confirmation does not make them conflict. Nothing is written when any step is refused.
 */
async function confirm(deps: { store: Store; links: ProviderLinks; now: () => number; version: () => number }, link: ProviderLink): Promise<{ version: number; historyId: number; serviceName: string }> {
  const at = new Date(deps.now()).toISOString();
  const today = isoDay(deps.now());
  const { result, version } = await publishEdit(deps.store, async (current, trx) => {
    const record = current.services.find((s) => s.slug === link.slug);
    if (!record) throw new ProviderCheckRefused('gone');
    const proposed = { ...record, reviewed: today } as Proposed;
    const { pack, hash, errors } = checkDraft(current, 'service', link.slug, proposed, { isNew: false, today: new Date(deps.now()) });
    if (!pack || errors.length) throw new ProviderCheckRefused('invalid', errors);
    if (!(await deps.links.claim(link, 'confirmed', trx))) throw new ProviderCheckRefused('used');
    const actor = providerActor(record.name);
    const before = recordHash(record) ?? null;
    const after = findRecord(pack, 'service', link.slug);
    const afterHash = recordHash(after) ?? null;
    const t = trx as unknown as HistoryTrx;
    const row = await t
      .insertInto('content_draft')
      .values({
        record_type: 'service',
        record_id: link.slug,
        action: 'change',
        proposed: JSON.stringify(after),
        base_version: deps.version(),
        base_hash: before,
        author_id: actor.id,
        author_email: actor.email,
        status: 'published',
        created_at: at,
        updated_at: at,
        submitted_at: at,
        reviewer_id: null,
        reviewer_email: null,
        reviewed_at: at,
        review_comment: null,
        published_version: null,
        previous: JSON.stringify(record),
        reverts_draft_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const open = await t.selectFrom('content_draft').select(['id', 'proposed']).where('record_type', '=', 'service').where('record_id', '=', link.slug).where('status', 'in', ['draft', 'submitted', 'rejected']).where('base_hash', '=', before).execute();
    for (const d of open) {
      const p = d.proposed === null ? null : (JSON.parse(d.proposed) as Proposed);
      if (p && p['reviewed'] === record.reviewed) p['reviewed'] = today;
      await t.updateTable('content_draft').set({ base_hash: afterHash, proposed: p === null ? null : JSON.stringify(p) }).where('id', '=', Number(d.id)).execute();
    }
    return { pack, hash, result: { historyId: Number(row.id), serviceName: record.name } };
  });
  await (deps.store.db as unknown as HistoryTrx).updateTable('content_draft').set({ published_version: version }).where('id', '=', result.historyId).execute();
  return { version, ...result };
}

// ---------------------------------------------------------------------------------------------
// The editors' pages (under /admin)

export interface ProviderLinkKit extends EditingKit {
  site: Site;
  links: ProviderLinks;
}

const linksHref = (slug: string) => `/admin/records/service/${slug}/provider-links`;

export async function providerLinkRoutes(app: FastifyInstance, kit: ProviderLinkKit): Promise<void> {
  const { render, problem, signedIn, csrf, actorOf, links } = kit;
  const pack = () => kit.published.pack();
  const audit = new AuditLog(kit.store.db);
  const drafts = new Drafts({ store: kit.store, pack, version: () => kit.published.version(), now: kit.now });
  const serviceOf = (request: FastifyRequest) => {
    const slug = (request.params as { slug?: string }).slug ?? '';
    return slug.length <= 100 && SLUG_PATTERN.test(slug) ? pack().services.find((s) => s.slug === slug) : undefined;
  };
  const notFound = (reply: FastifyReply) => problem(reply, 404, 'Page not found', 'There is no such service: it may have been removed.', [{ href: '/admin/records?type=service', text: 'Go to services' }]);

  /** a link as the editors' pages show it: its state, its address while it can be used, and what its use made */
  async function view(request: FastifyRequest, link: ProviderLink, names: Map<string, string>) {
    const state = stateOf(link, kit.now());
    const draft = link.draftId === null ? undefined : await drafts.get(link.draftId);
    return {
      ...link,
      state,
      stateLabel: linkStateLabels[state],
      serviceName: names.get(link.slug) ?? link.slug,
      serviceHref: linksHref(link.slug),
      url: state === 'open' ? kit.site.url(request, linkPath(links.token(link))) : undefined,
      expiresIso: new Date(link.expiresAt).toISOString(),
      draft: draft && { href: `/admin/drafts/${draft.id}`, statusLabel: draftStatusLabels[draft.status] },
      historyHref: link.status === 'confirmed' ? `/admin/records/service/${link.slug}/history` : undefined,
    };
  }
  const names = () => new Map(pack().services.map((s) => [s.slug, s.name]));

  app.get<{ Querystring: { made?: string; done?: string } }>('/records/service/:slug/provider-links', { preHandler: signedIn('edit') }, async (request, reply) => {
    const service = serviceOf(request);
    if (!service) return notFound(reply);
    const n = names();
    const all = await Promise.all((await links.forService(service.slug)).map((l) => view(request, l, n)));
    const made = /^\d{1,9}$/.test(request.query.made ?? '') ? Number(request.query.made) : undefined;
    return render(reply, 'provider-links.njk', {
      title: `Provider checks: ${service.name}`,
      service,
      recordHref: `/admin/records/service/${service.slug}`,
      action: linksHref(service.slug),
      open: all.filter((l) => l.state === 'open'),
      used: all.filter((l) => l.state === 'confirmed' || l.state === 'proposed'),
      closed: all.filter((l) => l.state === 'revoked' || l.state === 'expired'),
      made: made !== undefined && all.some((l) => l.id === made && l.state === 'open') ? made : undefined,
      revoked: request.query.done === 'revoked',
      days: links.days,
      due: isDueForReview(service.reviewed, pack().manifest.reviewPeriodMonths, new Date(kit.now())),
    });
  });

  app.post('/records/service/:slug/provider-links', { preHandler: [signedIn('edit'), csrf] }, async (request, reply) => {
    const service = serviceOf(request);
    if (!service) return notFound(reply);
    const link = await links.create(service.slug, actorOf(request));
    await audit.record({ actor: actorOf(request), action: 'provider-link-created', recordType: 'service', recordId: service.slug, detail: { link: link.id, expires: new Date(link.expiresAt).toISOString() } }, new Date(kit.now()));
    return reply.redirect(`${linksHref(service.slug)}?made=${link.id}#link-${link.id}`, 303);
  });

  app.post('/records/service/:slug/provider-links/:id/revoke', { preHandler: [signedIn('edit'), csrf] }, async (request, reply) => {
    const service = serviceOf(request);
    const raw = (request.params as { id?: string }).id ?? '';
    const link = service && /^\d{1,9}$/.test(raw) ? await links.get(Number(raw)) : undefined;
    if (!service || !link || link.slug !== service.slug) return problem(reply, 404, 'Page not found', 'There is no such link.', [{ href: service ? linksHref(service.slug) : '/admin/records?type=service', text: 'Back' }]);
    if (!(await links.revoke(link, actorOf(request)))) {
      return problem(reply, 409, 'That link cannot be cancelled', 'It has been used or cancelled already. Nothing was changed.', [{ href: linksHref(service.slug), text: 'Back to the provider check links' }]);
    }
    await audit.record({ actor: actorOf(request), action: 'provider-link-revoked', recordType: 'service', recordId: service.slug, detail: { link: link.id } }, new Date(kit.now()));
    return reply.redirect(`${linksHref(service.slug)}?done=revoked`, 303);
  });

  // every service's links: those still open, and those used, with the drafts they made
  app.get('/provider-checks', { preHandler: signedIn('edit') }, async (request, reply) => {
    const n = names();
    const { open, used } = await links.overview();
    return render(reply, 'provider-overview.njk', {
      title: 'Provider checks',
      open: (await Promise.all(open.map((l) => view(request, l, n)))).map((l) => ({ ...l, url: undefined })),
      used: await Promise.all(used.map((l) => view(request, l, n))),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The provider's pages (/provider-check/<token>)

export interface ProviderCheckDeps {
  store: Store;
  published: PublishedContent;
  counters: Counters;
  sessionSecret: string;
  config?: ProviderLinkConfig;
  now?: () => number;
}

const refusals: Record<LinkRefusal | 'gone', { status: number; heading: string; message: string }> = {
  malformed: { status: 400, heading: 'This link is not valid', message: 'It may have been copied without its end, or changed. Check that you copied the whole link from the message you were sent.' },
  'bad-signature': { status: 400, heading: 'This link is not valid', message: 'It may have been copied without its end, or changed. Check that you copied the whole link from the message you were sent.' },
  'wrong-purpose': { status: 400, heading: 'This link is not valid', message: 'It may have been copied without its end, or changed. Check that you copied the whole link from the message you were sent.' },
  unknown: { status: 404, heading: 'This link is not valid', message: 'There is no check for this link. Check that you copied the whole link from the message you were sent.' },
  expired: { status: 410, heading: 'This link has expired', message: 'Links to check a service work for a limited time.' },
  revoked: { status: 410, heading: 'This link has been cancelled', message: 'The council’s editors cancelled it.' },
  used: { status: 410, heading: 'This link has already been used', message: 'Each link can be used once. If you confirmed the details or sent changes with it, the council’s editors have them and there is nothing more to do.' },
  gone: { status: 410, heading: 'This link can no longer be used', message: 'The check it was made for has ended.' },
};

export async function providerCheckRoutes(app: FastifyInstance, deps: ProviderCheckDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  const links = providerLinksFor(deps.store, deps.sessionSecret, deps.config, now);
  const pack = () => deps.published.pack();
  const audit = new AuditLog(deps.store.db);
  const drafts = new Drafts({ store: deps.store, pack, version: () => deps.published.version(), now });

  // never kept by a browser or proxy, indexed, framed, or named to another site in a Referer
  app.addHook('onRequest', async (_request, reply) => {
    void reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    const policy = reply.raw.getHeader('content-security-policy');
    if (typeof policy === 'string') void reply.header('content-security-policy', policy.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'"));
  });
  await app.register(rateLimit, sharedRateLimits(deps.counters));
  const pages = { rateLimit: { max: deps.config?.pagesPerWindow ?? 60, timeWindow: RATE_WINDOW } };
  const forms = { rateLimit: { max: deps.config?.formsPerWindow ?? 20, timeWindow: RATE_WINDOW } };

  const refused = (reply: FastifyReply, reason: LinkRefusal | 'gone') => {
    const r = refusals[reason];
    return reply.code(r.status).render('admin/views/provider-problem.njk', { title: r.heading, heading: r.heading, message: r.message, reason });
  };

  /** the link of the address, with its service, when it can be used now; otherwise its page is sent */
  async function usable(request: FastifyRequest, reply: FastifyReply): Promise<{ link: ProviderLink; service: Service; token: string } | undefined> {
    const token = (request.params as { token?: string }).token ?? '';
    const opened = await links.open(token);
    if (!opened.ok) {
      void refused(reply, opened.reason);
      return undefined;
    }
    const service = pack().services.find((s) => s.slug === opened.link.slug);
    if (!service) {
      void refused(reply, 'gone');
      return undefined;
    }
    return { link: opened.link, service, token };
  }

  const checkPage = (reply: FastifyReply, use: { link: ProviderLink; service: Service; token: string }, error?: string) => {
    const p = pack();
    const s = use.service;
    const names = new Map(p.needAreas.flatMap((a) => [[a.id, a.name] as const, ...a.children.map((c) => [c.id, c.name] as const)]));
    return reply.render('admin/views/provider-check.njk', {
      title: `Check the details of ${s.name}`,
      service: s,
      action: linkPath(use.token),
      proposeHref: `${linkPath(use.token)}/propose`,
      expiresIso: new Date(use.link.expiresAt).toISOString(),
      due: isDueForReview(s.reviewed, p.manifest.reviewPeriodMonths, new Date(now())),
      deliveryText: s.deliveryModes.map((d) => deliveryLabels[d]).join(', '),
      providerText: providerLabels[s.providerType],
      needAreaNames: s.needAreas.map((id) => names.get(id) ?? id),
      error,
      errorList: error ? [{ text: error, href: '#answer' }] : [],
      csrfToken: reply.csrfToken(),
    });
  };

  const proposePage = (reply: FastifyReply, use: { link: ProviderLink; service: Service; token: string }, values: Record<string, string | string[]>, opts: { problems?: ContentProblem[]; tooLong?: Record<string, string>; unchanged?: boolean } = {}) => {
    const sections = providerForm(pack());
    const counts = rowCounts(sections, values);
    const placed = placeProblems('service', use.service.slug, undefined, opts.problems ?? [], sections, counts);
    const byField = { ...placed.byField };
    const list = [...placed.list];
    for (const [name, message] of Object.entries(opts.tooLong ?? {})) {
      byField[name] = message;
      list.unshift({ field: name, text: message, href: `#${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}` });
    }
    if (opts.unchanged) list.unshift({ text: 'You have not changed anything. Change what is wrong, or go back and confirm that the details are right.', href: '#summary' });
    return reply.render('admin/views/provider-propose.njk', {
      title: `Propose changes to ${use.service.name}`,
      service: use.service,
      action: `${linkPath(use.token)}/propose`,
      back: linkPath(use.token),
      sections: formView(sections, values, byField, counts),
      errorList: list,
      expiresIso: new Date(use.link.expiresAt).toISOString(),
      csrfToken: reply.csrfToken(),
    });
  };

  app.get('/:token', { config: pages }, async (request, reply) => {
    const use = await usable(request, reply);
    if (!use) return reply;
    return checkPage(reply, use);
  });

  // the one question: is it still right? yes confirms it now; no goes to the form
  app.post('/:token', { config: forms, preHandler: app.csrfProtection }, async (request, reply) => {
    const use = await usable(request, reply);
    if (!use) return reply;
    const answer = (request.body as Record<string, unknown> | undefined)?.['answer'];
    if (answer === 'change') return reply.redirect(`${linkPath(use.token)}/propose`, 303);
    if (answer !== 'confirm') return checkPage(reply.code(400), use, 'Select whether the details are still right');
    try {
      const done = await confirm({ store: deps.store, links, now, version: () => deps.published.version() }, use.link);
      await links.recordOutcome(use.link, { publishedVersion: done.version });
      const actor = providerActor(done.serviceName);
      await audit.record({ actor, action: 'provider-confirmed', recordType: 'service', recordId: use.link.slug, detail: { link: use.link.id, version: done.version, madeBy: use.link.createdByEmail } }, new Date(now()));
    } catch (err) {
      if (!(err instanceof ProviderCheckRefused)) throw err;
      if (err.reason === 'invalid') {
        request.log.warn({ problems: err.problems.length, link: use.link.id }, 'a provider confirmation did not pass the checks');
        return reply.code(409).render('admin/views/provider-problem.njk', { title: 'Your confirmation could not be recorded', heading: 'Your confirmation could not be recorded', message: 'The guidance has a problem the council’s editors must fix first. Nothing was changed, and the link can still be used.', reason: 'invalid' });
      }
      return refused(reply, err.reason);
    }
    return reply.redirect(`${linkPath(use.token)}/done`, 303);
  });

  app.get('/:token/propose', { config: pages }, async (request, reply) => {
    const use = await usable(request, reply);
    if (!use) return reply;
    return proposePage(reply, use, formValues(providerForm(pack()), use.service));
  });

  app.post('/:token/propose', { config: forms, preHandler: app.csrfProtection }, async (request, reply) => {
    const use = await usable(request, reply);
    if (!use) return reply;
    const p = pack();
    const sections = providerForm(p);
    const { proposed: fromForm, values, tooLong } = readForm(sections, cleanBody(request.body));
    if (Object.keys(tooLong).length) return proposePage(reply.code(413), use, values, { tooLong });
    const today = new Date(now());
    const merged = mergeProposal(use.service, fromForm, sections, isoDay(now()));
    const check = checkDraft(p, 'service', use.service.slug, merged, { isNew: false, today });
    if (check.errors.length) return proposePage(reply.code(400), use, values, { problems: check.errors });
    if (withoutReviewed(findRecord(check.pack!, 'service', use.service.slug)) === withoutReviewed(use.service)) return proposePage(reply.code(400), use, values, { unchanged: true });

    if (!(await links.claim(use.link, 'proposed'))) return refused(reply, 'used');
    const actor = providerActor(use.service.name);
    let draft: Draft | undefined;
    try {
      draft = await drafts.create({ type: 'service', id: use.service.slug, action: 'change', proposed: merged }, actor);
      await drafts.submit(draft, actor);
    } catch (err) {
      // nothing of the proposal is left half made (the pack changed meanwhile): the link can be used again
      if (draft) await drafts.withdraw(draft, actor).catch(() => undefined);
      await links.unclaim(use.link);
      if (!(err instanceof DraftError)) throw err;
      if (err.problems.length) return proposePage(reply.code(400), use, values, { problems: err.problems });
      return refused(reply, 'gone');
    }
    const draftId = draft.id;
    await links.recordOutcome(use.link, { draftId });
    await audit.record({ actor, action: 'provider-proposed', recordType: 'service', recordId: use.service.slug, detail: { link: use.link.id, draft: draftId, madeBy: use.link.createdByEmail } }, new Date(now()));
    return reply.redirect(`${linkPath(use.token)}/done`, 303);
  });

  // thanks, and what happens next: for a link just used
  app.get('/:token/done', { config: pages }, async (request, reply) => {
    const token = (request.params as { token?: string }).token ?? '';
    const opened = await links.open(token);
    if (opened.ok) return reply.redirect(linkPath(token), 303);
    if (opened.reason !== 'used' || !opened.link) return refused(reply, opened.reason);
    return reply.render('admin/views/provider-done.njk', { title: 'Thank you', outcome: opened.link.status });
  });
}
