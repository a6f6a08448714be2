/**
 * `/healthz` for monitoring: 200 when the database answers and content is published, 503 otherwise.
 * It names the content version this instance serves and the latest in the database: behind a load
 * balancer, every instance should show the same.
 */
import type { FastifyInstance } from 'fastify';
import type { PublishedContent } from '../content/published.js';
import type { Store } from '../store/store.js';

export async function healthRoutes(app: FastifyInstance, store: Store, content: PublishedContent): Promise<void> {
  app.get('/healthz', async (_req, reply) => {
    const database = await store.ping();
    const latest = database ? await store.content.latestImport().catch(() => undefined) : undefined;
    const published = database ? await store.contentVersion().catch(() => undefined) : undefined;
    const ok = database && latest !== undefined;
    return reply
      .code(ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({
        status: ok ? 'ok' : 'unavailable',
        database: database ? 'ok' : 'unavailable',
        content: latest ? { pack: latest.packId, hash: latest.contentHash.slice(0, 12), importedAt: latest.importedAt, services: latest.serviceCount } : null,
        version: { served: content.version(), published: published ?? null },
      });
  });
}
