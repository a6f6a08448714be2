/**
 * The directory's pages: `/services` (search and filters, all state in the URL), one service
 * with its expectation card, the shortlist, and "report something wrong with this page".
 */
import rateLimit from '@fastify/rate-limit';
import { sharedRateLimits } from '../web/rate-limits.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SLUG_PATTERN, type ContentPack, type Service } from '../content/schema.js';
import { redactorFor } from '../privacy/redact.js';
import { searchKey } from '../insights/insights.js';
import { RecentCache } from '../collections/recent-cache.js';
import type { ToolDeps } from '../web/tools.js';
import { deliveryLabels, isDueForReview, providerLabels } from './labels.js';
import { countsOf, directoryForm, directoryView, namesFor, summariseService, type CountText, type FacetCounts } from './directory-page.js';
import {
  BODY_MARK,
  compilePage,
  compileTemplate,
  CSRF_MARK,
  escapeHtml,
  numberBytes,
  PageWriter,
  personalise,
  slotMark,
  stripIndentation,
  TITLE_MARK,
  viewShape,
  type CachedPage,
  type Fill,
  type Mark,
  type Template,
} from './page-cache.js';
import { parseDirectoryQuery } from './query.js';
import { REPORT_DETAILS_MAX, ReportRepository, reportReasonLabels, reportReasons, validateReport, type ReportErrors, type ReportForm } from './reports.js';
import { serviceIndexReady } from './search.js';
import { readShortlist, safeReturnTo, SHORTLIST_MAX, shortlistChange, writeShortlist } from './shortlist.js';

/** finished directory pages kept (about 50 KB each) */
const PAGES_KEPT = 300;

/** the form's slots before its counts: the search words, the age, the "clear filters" link, the results */
const FORM_SLOTS = ['q', 'age', 'clearHref', 'results'] as const;

export interface DirectoryOptions {
  /** reports one address may send in `reportWindow` */
  reportLimit?: number;
  reportWindow?: string;
}

const HTML = 'text/html; charset=utf-8';
/** A kept page, with this response's CSRF token put in. */
const sendPage = (reply: FastifyReply, page: CachedPage) => reply.type(HTML).send(personalise(page, reply.csrfToken()));

export async function directoryRoutes(app: FastifyInstance, { store, content, published, site, limits, insights }: ToolDeps, opts: DirectoryOptions = {}): Promise<void> {
  const reports = new ReportRepository(store.db);
  // The directory's index takes seconds to build on a large directory: it is built in the background
  // once the app is ready, and for each new content version as it arrives, while the other pages
  // serve. A page that needs it waits for it (see serviceIndexReady).
  const buildIndex = (pack: ContentPack) => void serviceIndexReady(pack).catch((err: unknown) => app.log.error({ err }, 'the directory index could not be built'));
  app.addHook('onReady', async () => buildIndex(content()));
  const stopFollowing = published.onChange((snapshot) => buildIndex(snapshot.pack));
  app.addHook('onClose', async () => void stopFollowing());

  await app.register(rateLimit, sharedRateLimits(limits.counters));

  interface DirectoryCaches {
    pages: RecentCache<CachedPage>;
    /** the layout around the content, with and without search words (the title differs) */
    frames: Map<boolean, Template>;
    /** the content around the results, rendered once per choice of filters, with slots for what a search changes */
    forms: RecentCache<{ template: Template; counts: Array<[keyof FacetCounts, string]> }>;
    /** the results' heading, sort and pages, rendered once per shape of their view */
    results: RecentCache<Template>;
    /**
     * each result rendered once (per day, as records fall due for review), by its place in the index:
     * off the shortlist in `items`, on it in `shortlisted`
     */
    items: Array<Buffer | undefined>;
    shortlisted: Array<Buffer | undefined>;
    /**
     * addresses asked for lately: a page is kept when it is asked for again while it could still be
     * in the cache (the two are the same size), so one-off searches neither push out the rest nor
     * cost a copy for the cache
     */
    seen: RecentCache<true>;
    day: string;
  }
  const caches = new WeakMap<ContentPack, DirectoryCaches>();
  /** a kept page of a search that found nothing: the key it is counted under (see src/insights) */
  const noResults = new WeakMap<CachedPage, string>();
  app.get('/services', async (request, reply) => {
    const pack = content();
    const index = await serviceIndexReady(pack);
    const shortlist = readShortlist(request, index);
    const today = new Date();
    const day = today.toISOString().slice(0, 10);
    // the page depends on the address, the shortlist and the day (records fall due for review)
    const key = `${day} ${shortlist.join('.')} ${request.url}`;
    let cache = caches.get(pack);
    if (!cache || cache.day !== day) {
      // every result at most twice (on and off the shortlist): a few kilobytes each
      caches.set(pack, (cache = { pages: new RecentCache(PAGES_KEPT), frames: new Map(), forms: new RecentCache(500), results: new RecentCache(500), items: new Array(pack.services.length), shortlisted: new Array(pack.services.length), seen: new RecentCache(PAGES_KEPT), day }));
    }
    const cached = cache.pages.get(key);
    if (cached) {
      const counted = noResults.get(cached);
      if (counted !== undefined) insights.count('search-no-results', counted);
      return sendPage(reply, cached);
    }
    const parsed = parseDirectoryQuery(request.query as Record<string, unknown>, pack);
    const { query } = parsed;
    const result = index.search(query);
    // a search that found nothing is counted; its words only when redaction would keep them all
    const counted = result.total === 0 ? searchKey(query.q, redactorFor(pack).question) : undefined;
    if (counted !== undefined) insights.count('search-no-results', counted);
    const inShortlist = new Set(shortlist);
    const names = namesFor(pack);
    const view = directoryView(index, parsed, result, inShortlist, today, slotMark(0));

    // each result, rendered once: the same bytes on every page that shows it
    const items = result.services.map((s, i) => {
      const kept = inShortlist.has(s.slug) ? cache.shortlisted : cache.items;
      const at = result.positions[i]!;
      let item = kept[at];
      if (!item) {
        const summary = summariseService(s, pack, names, inShortlist, today);
        item = kept[at] = Buffer.from(stripIndentation(reply.renderToString('directory/views/result-item.njk', { s: summary })), 'utf8');
      }
      return item;
    });

    // the filter form and headings: the same for every search with the same filters chosen, but for counts and words
    const formKey = JSON.stringify([query.need, query.level, query.free, query.delivery, query.provider, query.route, view.notices]);
    let form = cache.forms.get(formKey);
    if (!form) {
      const counts: Array<[keyof FacetCounts, string]> = [];
      const countSlot: CountText = (facet, id) => slotMark(FORM_SLOTS.length + counts.push([facet, id]) - 1);
      const frameForm = { ...directoryForm(pack, query, countSlot), q: slotMark(0), age: slotMark(1) };
      const body = reply.renderToString('directory/views/directory-body.njk', {
        form: frameForm,
        notices: view.notices,
        results: { clearHref: slotMark(2) },
        resultsMark: slotMark(3),
        csrfToken: CSRF_MARK,
      });
      cache.forms.set(formKey, (form = { template: compileTemplate(body), counts }));
    }
    // the results: their heading, sort and pages rendered once per shape (see viewShape), this
    // search's text in its slots and the kept results in slot 0
    const shape = viewShape({ results: view.results, form: { sortOptions: view.form.sortOptions } }, 1);
    let results = cache.results.get(shape.key);
    if (!results) cache.results.set(shape.key, (results = compileTemplate(reply.renderToString('directory/views/results.njk', { ...(shape.marked as object), csrfToken: CSRF_MARK }))));
    const count = countsOf(result.facets);
    const formCounts = form.counts;
    const words = escapeHtml(query.q);
    const formSlots: Fill[] = [
      words,
      query.age === undefined ? '' : String(query.age),
      escapeHtml(view.results.clearHref),
      { template: results, fill: (slot: Mark | number) => (slot === 0 ? items : shape.fills[(slot as number) - 1]!) },
    ];

    // the layout around the content is the same for every search (the title aside): rendered once per pack
    const withWords = query.q !== '';
    let frame = cache.frames.get(withWords);
    if (!frame) {
      const frameView = { form: { q: withWords ? TITLE_MARK : '' }, bodyMark: BODY_MARK, csrfToken: CSRF_MARK };
      cache.frames.set(withWords, (frame = compileTemplate(reply.renderToString('directory/views/directory.njk', frameView))));
    }
    const page = new PageWriter()
      .write({
        template: frame,
        fill: (mark: Mark | number): Fill =>
          mark === 'title'
            ? words
            : { template: form.template, fill: (slot: Mark | number) => (typeof slot === 'number' && slot >= FORM_SLOTS.length ? numberBytes(count(...formCounts[slot - FORM_SLOTS.length]!)) : formSlots[slot as number]!) },
      });
    if (request.url.length <= 1000) {
      if (cache.seen.get(key)) {
        const kept = page.finish();
        cache.pages.set(key, kept);
        if (counted !== undefined) noResults.set(kept, counted);
        return sendPage(reply, kept);
      }
      cache.seen.set(key, true);
    }
    return reply.type(HTML).send(page.toBuffer(reply.csrfToken()));
  });

  app.get('/services/shortlist', async (request, reply) => {
    const pack = content();
    const index = await serviceIndexReady(pack);
    const today = new Date();
    const items = readShortlist(request, index).map((slug) => {
      const s = index.service(slug)!;
      return { ...s, due: isDueForReview(s.reviewed, pack.manifest.reviewPeriodMonths, today), unverified: Boolean(s.unverifiedNote) || s.phones.some((p) => !p.verified) };
    });
    const text = shortlistText(items, (path) => site.url(request, path));
    return reply.header('cache-control', 'no-store').render('directory/views/shortlist.njk', { items, text, textRows: Math.min(20, text.split('\n').length + 1), csrfToken: reply.csrfToken() });
  });

  app.post('/services/shortlist', { preHandler: app.csrfProtection }, async (request, reply) => {
    const index = await serviceIndexReady(content());
    const body = (request.body ?? {}) as Record<string, unknown>;
    const change = shortlistChange(body);
    let list = readShortlist(request, index);
    if (!change || (change.action !== 'clear' && !index.service(change.slug))) {
      return reply.code(400).render('bad-request.njk', { heading: 'That service could not be added', message: 'The form had something in it we do not recognise. Nothing has changed.', startAgainHref: '/services', startAgainText: 'Find services' });
    }
    if (change.action === 'clear') list = [];
    else if (change.action === 'add' && !list.includes(change.slug) && list.length >= SHORTLIST_MAX) {
      // full: say so, rather than add a service that would not be kept
      if (request.headers['x-requested-with'] === 'fetch') return reply.code(409).send({ shortlist: list, count: list.length, max: SHORTLIST_MAX });
      return reply.code(409).render('bad-request.njk', { heading: 'Your shortlist is full', message: `It holds ${SHORTLIST_MAX} services. Remove one to add another. Nothing has changed.`, startAgainHref: '/services/shortlist', startAgainText: 'View your shortlist' });
    } else {
      list = list.filter((s) => s !== change.slug);
      if (change.action === 'add') list.push(change.slug);
    }
    writeShortlist(reply, list, site.secure);
    // the script sends this header to update the page in place instead of following a redirect
    if (request.headers['x-requested-with'] === 'fetch') return reply.send({ shortlist: list, count: list.length });
    // back to the page the form was on; on a list of results, to the result itself, so the page
    // opens where the button was pressed, showing its new state
    const back = safeReturnTo(body['returnTo']);
    const onList = change.action !== 'clear' && /^\/services(?:\?|$)/.test(back) && !back.includes('#');
    return reply.redirect(onList ? `${back}#result-${change.slug}` : back, 303);
  });

  // Service pages, rendered once with marks for the CSRF token. Keyed by the published pack
  // (a new content version starts afresh), the day (records fall due for review) and whether the
  // service is on the shortlist.
  const servicePages = new WeakMap<ContentPack, RecentCache<CachedPage>>();
  app.get<{ Params: { slug: string } }>('/services/:slug', async (request, reply) => {
    const pack = content();
    const index = await serviceIndexReady(pack);
    const s = SLUG_PATTERN.test(request.params.slug) ? index.service(request.params.slug) : undefined;
    if (!s) return notFound(reply);
    insights.count('service-view', s.slug);
    const inShortlist = readShortlist(request, index).includes(s.slug);
    const today = new Date();
    const key = `${today.toISOString().slice(0, 10)} ${inShortlist ? '+' : '-'} ${s.slug}`;
    let pages = servicePages.get(pack);
    if (!pages) servicePages.set(pack, (pages = new RecentCache<CachedPage>(300)));
    const cached = pages.get(key);
    if (cached) return sendPage(reply, cached);
    const html = reply.renderToString('directory/views/service.njk', {
      service: s,
      due: isDueForReview(s.reviewed, pack.manifest.reviewPeriodMonths, today),
      deliveryText: s.deliveryModes.map((d) => deliveryLabels[d]).join(', '),
      providerText: providerLabels[s.providerType],
      needAreas: needAreasOf(s, pack),
      inShortlist,
      reportReasons: reportReasons.map((r) => ({ value: r, text: reportReasonLabels[r] })),
      maxDetails: REPORT_DETAILS_MAX,
      csrfToken: CSRF_MARK,
    });
    const page = compilePage(html);
    pages.set(key, page);
    return sendPage(reply, page);
  });

  const renderReport = (reply: FastifyReply, service: Service, form: ReportForm, errors: ReportErrors) =>
    reply.render('directory/views/report.njk', {
      service,
      form,
      errors,
      maxDetails: REPORT_DETAILS_MAX,
      reasonItems: reportReasons.map((r) => ({ value: r, text: reportReasonLabels[r], checked: form.reason === r })),
      errorList: [errors.reason && { text: errors.reason, href: '#reason' }, errors.details && { text: errors.details, href: '#details' }].filter(Boolean),
      csrfToken: reply.csrfToken(),
    });

  const findService = async (request: FastifyRequest<{ Params: { slug: string } }>) =>
    SLUG_PATTERN.test(request.params.slug) ? (await serviceIndexReady(content())).service(request.params.slug) : undefined;

  app.get<{ Params: { slug: string } }>('/services/:slug/report', async (request, reply) => {
    const service = await findService(request);
    if (!service) return notFound(reply);
    return renderReport(reply, service, { reason: '', details: '' }, {});
  });

  app.post<{ Params: { slug: string } }>(
    '/services/:slug/report',
    {
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: opts.reportLimit ?? 10, timeWindow: opts.reportWindow ?? '10 minutes' } },
    },
    async (request, reply) => {
      const service = await findService(request);
      if (!service) return notFound(reply);
      const { form, errors, value } = validateReport(request.body, redactorFor(content()).note);
      if (!value) return renderReport(reply.code(400), service, form, errors);
      await reports.add(service.slug, value.reason, value.details);
      return reply.redirect(`/services/${service.slug}/report/thank-you`, 303);
    },
  );

  app.get<{ Params: { slug: string } }>('/services/:slug/report/thank-you', async (request, reply) => {
    const service = await findService(request);
    if (!service) return notFound(reply);
    return reply.render('directory/views/report-thanks.njk', { service });
  });
}

function notFound(reply: FastifyReply) {
  return reply.code(404).render('not-found.njk', { message: 'The service may have been renamed or removed. Search for it on the find services page.' });
}

function needAreasOf(s: Service, pack: ContentPack) {
  const names = namesFor(pack);
  return s.needAreas.map((id) => ({ id, name: names.get(`need:${id}`) ?? id }));
}

/** The shortlist as plain text, to paste into an email or a record; `url` makes a path absolute. */
function shortlistText(items: Service[], url: (path: string) => string): string {
  return items
    .map((s) => {
      const lines = [s.name, s.summary];
      for (const p of s.phones) lines.push(`${p.kind === 'text' ? 'Text' : 'Phone'}: ${p.number}${p.label ? `, ${p.label}` : ''}${p.verified ? '' : ' [unverified]'}`);
      if (s.email) lines.push(`Email: ${s.email}`);
      if (s.url) lines.push(`Website: ${s.url}`);
      lines.push(`Expectation card: ${url(`/services/${s.slug}/card`)}`);
      return lines.join('\n');
    })
    .join('\n\n');
}
