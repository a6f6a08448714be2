/**
 * Expectation cards on their own, laid out to print on one A4 page (`/services/{slug}/card`), and a
 * printable pack of every card for one need area (`/services/cards?need=<id>`, one card per page).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SLUG_PATTERN } from '../content/schema.js';
import type { ToolDeps } from '../web/tools.js';
import { isDueForReview } from '../directory/labels.js';
import { serviceIndexReady } from '../directory/search.js';


export async function cardRoutes(app: FastifyInstance, { store, content, insights }: ToolDeps): Promise<void> {

  app.get<{ Params: { slug: string } }>('/services/:slug/card', async (request, reply) => {
    const stored = SLUG_PATTERN.test(request.params.slug) ? await store.content.getService(request.params.slug) : undefined;
    if (!stored) return notFound(reply);
    const pack = content();
    insights.count('card-view', stored.service.slug);
    return reply.render('cards/views/card-page.njk', { service: stored.service, due: isDueForReview(stored.service.reviewed, pack.manifest.reviewPeriodMonths) });
  });

  app.get('/services/cards', async (request, reply) => {
    const pack = content();
    const index = await serviceIndexReady(pack);
    const raw = (request.query as Record<string, unknown>)['need'];
    const need = typeof raw === 'string' ? raw : undefined;
    const area = need ? index.needAreas.find((a) => a.id === need) : undefined;
    if (!area) {
      const parentName = new Map(index.needAreas.map((a) => [a.id, a.name]));
      return reply.code(need ? 404 : 200).render('cards/views/cards-index.njk', {
        areas: index.needAreas.map((a) => ({ ...a, parentName: a.parentId ? parentName.get(a.parentId) : undefined })),
        notice: need ? 'That need area was not recognised. Choose one from the list.' : undefined,
      });
    }
    const today = new Date();
    const result = index.search({ need: area.id, sort: 'name', perPage: 100 });
    const services = result.services.map((service) => ({ service, due: isDueForReview(service.reviewed, pack.manifest.reviewPeriodMonths, today) }));
    return reply.render('cards/views/card-pack.njk', { area, services });
  });
}

function notFound(reply: FastifyReply) {
  return reply.code(404).render('not-found.njk', { message: 'The service may have been renamed or removed. Search for it on the find services page.' });
}
