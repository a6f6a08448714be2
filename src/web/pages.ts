/** The start page and the service's own information pages. */
import type { FastifyInstance } from 'fastify';

export async function pageRoutes(app: FastifyInstance, opts: { retentionDays: number }): Promise<void> {
  app.get('/', (_req, reply) => reply.render('start.njk'));
  app.get('/accessibility', (_req, reply) => reply.render('accessibility.njk'));
  app.get('/privacy', (_req, reply) => reply.render('privacy.njk', { retentionDays: opts.retentionDays }));
  app.get('/sources', (_req, reply) => reply.render('sources.njk'));
}
