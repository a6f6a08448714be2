/** The start page and the service's own information pages. */
import type { FastifyInstance } from 'fastify';
import type { Site } from './site.js';

export async function pageRoutes(app: FastifyInstance, opts: { retentionDays: number; frameAncestors: readonly string[]; site: Site }): Promise<void> {
  app.get('/', (_req, reply) => reply.render('start.njk'));
  app.get('/accessibility', (_req, reply) => reply.render('accessibility.njk'));
  app.get('/privacy', (_req, reply) => reply.render('privacy.njk', { retentionDays: opts.retentionDays }));
  app.get('/sources', (_req, reply) => reply.render('sources.njk'));
  // for the council's web team: how to show a tool inside the council's own pages
  app.get('/embed', (req, reply) =>
    reply.render('embed.njk', {
      origin: opts.site.url(req, ''),
      frameAncestors: opts.frameAncestors,
      selfOnly: opts.frameAncestors.every((a) => a === "'self'"),
    }),
  );
}
