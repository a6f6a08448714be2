/**
 * Pages without a form token are the same for everyone who asks the same address (the start page,
 * the needs check's questions and outcomes, the cards, the information pages): they carry a strong
 * ETag, a hash of the page, and `Cache-Control: public, no-cache`, so that a CDN or reverse proxy may
 * keep them and asks the app each time whether its copy is current; a request whose If-None-Match
 * names the current page gets 304 with no body. As a cache always asks, a new content version (a
 * corrected phone number) reaches the next reader at once. A page with a form token sets `no-store`
 * (src/web/security.ts), as does a page that sets a cookie here: both are left alone.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const PAGE_CACHE_CONTROL = 'public, no-cache';

/** Registered before compression, so that the tag is the page's own, whatever the encoding. */
export function setUpPageCaching(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
    if (reply.statusCode !== 200 || reply.hasHeader('cache-control') || reply.hasHeader('set-cookie')) return payload;
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const tag = `"${createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`;
    void reply.header('etag', tag).header('cache-control', PAGE_CACHE_CONTROL);
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === tag)) {
      void reply.code(304);
      return '';
    }
    return payload;
  });
}
