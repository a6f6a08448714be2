/**
 * The service landscape's pages: `/services` (search and filters, all state in the URL), one service
 * with its expectation card, the shortlist, and "report something wrong with this page".
 */
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { projectRoot } from '../content/pack-dir.js';
import type { ContentPack, Service } from '../content/schema.js';
import { packWords } from '../content/vocabulary.js';
import type { ToolDeps } from '../web/tools.js';
import { deliveryLabels, isDueForReview, providerLabels } from './labels.js';
import { landscapeView, namesFor } from './landscape-page.js';
import { BODY_MARK, CSRF_MARK, fillFrame, NONCE_MARK, PageCache, personalise, preparePage, TITLE_MARK, type CachedPage } from './page-cache.js';
import { parseLandscapeQuery } from './query.js';
import { REPORT_DETAILS_MAX, ReportRepository, reportReasonLabels, reportReasons, validateReport, type ReportErrors, type ReportForm } from './reports.js';
import { serviceIndexFor } from './search.js';
import { readShortlist, safeReturnTo, writeShortlist } from './shortlist.js';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface LandscapeOptions {
  /** reports one address may send in `reportWindow` */
  reportLimit?: number;
  reportWindow?: string;
}

export async function landscapeRoutes(app: FastifyInstance, { store, content }: ToolDeps, opts: LandscapeOptions = {}): Promise<void> {
  const reports = new ReportRepository(store.db);
  // build the index now, not on the first search
  serviceIndexFor(content());

  await app.register(fastifyStatic, { root: join(projectRoot(), 'src', 'landscape', 'public'), prefix: '/public/landscape/', decorateReply: false, maxAge: '1d' });
  await app.register(rateLimit, { global: false });

  const pageCaches = new WeakMap<ContentPack, { pages: PageCache; frames: Map<boolean, CachedPage> }>();
  app.get('/services', (request, reply) => {
    const pack = content();
    const index = serviceIndexFor(pack);
    const shortlist = readShortlist(request, index);
    const today = new Date();
    // the page depends on the address, the shortlist and the day (records fall due for review)
    const key = `${today.toISOString().slice(0, 10)} ${shortlist.join('.')} ${request.url}`;
    let cache = pageCaches.get(pack);
    if (!cache) pageCaches.set(pack, (cache = { pages: new PageCache(), frames: new Map() }));
    let page = cache.pages.get(key);
    if (page === undefined) {
      const parsed = parseLandscapeQuery(request.query as Record<string, unknown>, pack);
      const result = index.search(parsed.query);
      const view = landscapeView(index, parsed, result, new Set(shortlist), today);
      // the layout around the results is the same for every search (the title aside): rendered once per pack
      const withWords = parsed.query.q !== '';
      let frame = cache.frames.get(withWords);
      if (!frame) {
        const frameView = { form: { q: withWords ? TITLE_MARK : '' }, bodyMark: BODY_MARK, cspNonce: NONCE_MARK, csrfToken: CSRF_MARK };
        cache.frames.set(withWords, (frame = preparePage(reply.renderToString('landscape/views/landscape.njk', frameView))));
      }
      const body = preparePage(reply.renderToString('landscape/views/landscape-body.njk', { ...view, cspNonce: NONCE_MARK, csrfToken: CSRF_MARK }));
      page = fillFrame(frame, parsed.query.q, body);
      if (request.url.length <= 1000) cache.pages.set(key, page);
    }
    return reply.type('text/html; charset=utf-8').send(personalise(page, reply.cspNonce?.script, reply.generateCsrf()));
  });

  app.get('/services/shortlist', (request, reply) => {
    const pack = content();
    const index = serviceIndexFor(pack);
    const today = new Date();
    const items = readShortlist(request, index).map((slug) => {
      const s = index.service(slug)!;
      return { ...s, due: isDueForReview(s.reviewed, pack.manifest.reviewPeriodMonths, today), unverified: Boolean(s.unverifiedNote) || s.phones.some((p) => !p.verified) };
    });
    const text = shortlistText(items, request);
    return reply.header('cache-control', 'no-store').render('landscape/views/shortlist.njk', { items, text, textRows: Math.min(20, text.split('\n').length + 1), csrfToken: reply.generateCsrf() });
  });

  app.post('/services/shortlist', { preHandler: app.csrfProtection }, (request, reply) => {
    const index = serviceIndexFor(content());
    const body = (request.body ?? {}) as Record<string, unknown>;
    const action = body['action'];
    const slug = typeof body['slug'] === 'string' ? body['slug'] : '';
    let list = readShortlist(request, index);
    if (action === 'clear') list = [];
    else if ((action === 'add' || action === 'remove') && SLUG.test(slug) && index.service(slug)) {
      list = list.filter((s) => s !== slug);
      if (action === 'add') list.push(slug);
    } else {
      return reply.code(400).render('bad-request.njk', { heading: 'That service could not be added', message: 'The form had something in it we do not recognise. Nothing has changed.', startAgainHref: '/services', startAgainText: 'Find services' });
    }
    writeShortlist(request, reply, list);
    // the script sends this header to update the page in place instead of following a redirect
    if (request.headers['x-requested-with'] === 'fetch') return reply.send({ shortlist: list, count: list.length });
    return reply.redirect(safeReturnTo(body['returnTo']), 303);
  });

  app.get<{ Params: { slug: string } }>('/services/:slug', async (request, reply) => {
    const stored = SLUG.test(request.params.slug) ? await store.content.getService(request.params.slug) : undefined;
    if (!stored) return notFound(reply);
    const pack = content();
    const s = stored.service;
    const index = serviceIndexFor(pack);
    return reply.render('landscape/views/service.njk', {
      service: s,
      due: isDueForReview(s.reviewed, pack.manifest.reviewPeriodMonths),
      deliveryText: s.deliveryModes.map((d) => deliveryLabels[d]).join(', '),
      providerText: providerLabels[s.providerType],
      needAreas: needAreasOf(s, pack),
      inShortlist: readShortlist(request, index).includes(s.slug),
      reportReasons: reportReasons.map((r) => ({ value: r, text: reportReasonLabels[r] })),
      maxDetails: REPORT_DETAILS_MAX,
      csrfToken: reply.generateCsrf(),
    });
  });

  const renderReport = (reply: FastifyReply, service: Service, form: ReportForm, errors: ReportErrors) =>
    reply.render('landscape/views/report.njk', {
      service,
      form,
      errors,
      maxDetails: REPORT_DETAILS_MAX,
      reasonItems: reportReasons.map((r) => ({ value: r, text: reportReasonLabels[r], checked: form.reason === r })),
      errorList: [errors.reason && { text: errors.reason, href: '#reason' }, errors.details && { text: errors.details, href: '#details' }].filter(Boolean),
      csrfToken: reply.generateCsrf(),
    });

  const findService = async (request: FastifyRequest<{ Params: { slug: string } }>) =>
    SLUG.test(request.params.slug) ? (await store.content.getService(request.params.slug))?.service : undefined;

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
      const { form, errors, value } = validateReport(request.body, (w) => packWords(content()).has(w));
      if (!value) return renderReport(reply.code(400), service, form, errors);
      await reports.add(service.slug, value.reason, value.details);
      return reply.redirect(`/services/${service.slug}/report/thank-you`, 303);
    },
  );

  app.get<{ Params: { slug: string } }>('/services/:slug/report/thank-you', async (request, reply) => {
    const service = await findService(request);
    if (!service) return notFound(reply);
    return reply.render('landscape/views/report-thanks.njk', { service });
  });
}

function notFound(reply: FastifyReply) {
  return reply.code(404).render('not-found.njk', { message: 'The service may have been renamed or removed. Search for it on the find services page.' });
}

function needAreasOf(s: Service, pack: ContentPack) {
  const names = namesFor(pack);
  return s.needAreas.map((id) => ({ id, name: names.get(`need:${id}`) ?? id }));
}

/** The shortlist as plain text, to paste into an email or a record. */
function shortlistText(items: Service[], request: FastifyRequest): string {
  const origin = `${request.protocol}://${request.host}`;
  return items
    .map((s) => {
      const lines = [s.name, s.summary];
      for (const p of s.phones) lines.push(`${p.kind === 'text' ? 'Text' : 'Phone'}: ${p.number}${p.label ? ` (${p.label})` : ''}${p.verified ? '' : ' [unverified]'}`);
      if (s.email) lines.push(`Email: ${s.email}`);
      if (s.url) lines.push(`Website: ${s.url}`);
      lines.push(`Expectation card: ${origin}/services/${s.slug}/card`);
      return lines.join('\n');
    })
    .join('\n\n');
}
