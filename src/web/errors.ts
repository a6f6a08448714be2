/**
 * One error handler: bad requests get a clear page (or JSON under /api), unknown pages a 404, and
 * anything unexpected a GOV.UK-style 500 that is logged without request bodies. A request Fastify
 * refuses before routing (a malformed address such as /services/%ZZ) gets the same page, with the
 * site's headers, rather than Fastify's own JSON.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SecurityHeaders } from './security.js';
import type { RenderPage } from './views.js';

const wantsJson = (req: FastifyRequest) => req.url.startsWith('/api/') || req.url === '/healthz';

export function setUpErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    if (wantsJson(req)) return reply.code(404).send({ error: 'Not Found', message: 'There is nothing at this address.', statusCode: 404 });
    return reply.code(404).render('not-found.njk');
  });

  app.setErrorHandler((error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) req.log.error({ err: error, url: req.routeOptions.url }, 'request failed');
    else req.log.info({ code: error.code, status, url: req.routeOptions.url }, 'bad request');
    if (wantsJson(req)) {
      return reply.code(status).send({
        error: status >= 500 ? 'Internal Server Error' : 'Bad Request',
        message: status >= 500 ? 'Something went wrong on our side.' : clientMessage(error),
        statusCode: status,
      });
    }
    if (status >= 500) return reply.code(500).render('error.njk');
    if (status === 403 && /csrf/i.test(error.code ?? '')) {
      return reply.code(403).render('bad-request.njk', {
        heading: 'Your form could not be sent',
        message: 'The page you sent it from had expired or was opened somewhere else. Go back, reload the page and try again. Nothing has been stored.',
      });
    }
    if (status === 429) {
      return reply.code(429).render('bad-request.njk', { heading: 'Too many requests', message: 'You have sent a lot of requests in a short time. Wait a minute and try again.' });
    }
    return reply.code(status).render('bad-request.njk', { message: status === 413 ? 'What you sent is too long. Shorten it and try again.' : undefined });
  });
}

function clientMessage(error: FastifyError): string {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is too large.';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Send the request as JSON with content-type application/json.';
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || /JSON/i.test(error.message)) return 'The request body is not valid JSON.';
  if (error.validation) return error.message;
  return 'The request could not be understood.';
}

export type FrameworkErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * The answer to a request Fastify refuses before any hook runs. Its reply has none of the site's
 * decorations, so the headers are set and the page rendered here.
 */
export function frameworkErrorHandler(securityHeaders: SecurityHeaders, renderPage: RenderPage): FrameworkErrorHandler {
  return (error, request, reply) => {
    const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 404 : error.code === 'FST_ERR_BAD_URL' ? 400 : 500;
    request.log.info({ code: error.code, status }, 'refused before routing');
    securityHeaders(request.raw, reply.raw, (err) => {
      if (err) request.log.error({ err }, 'security headers failed');
      void reply.code(status).header('cache-control', 'no-store');
      if (wantsJson(request)) {
        void reply.send({ error: status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : 'Internal Server Error', message: 'This address could not be read.', statusCode: status });
        return;
      }
      const page =
        status === 404
          ? renderPage('not-found.njk', {}, { path: '/' })
          : renderPage('bad-request.njk', {}, { path: '/' });
      void reply.type('text/html; charset=utf-8').send(page);
    });
  };
}
