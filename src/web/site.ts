/**
 * The site as the routes need to know it: whether it is served in production (Secure cookies), its
 * own origin for absolute links, and whether a request came from one of its own pages.
 */
import type { FastifyRequest } from 'fastify';

export interface Site {
  /** production: cookies are Secure */
  secure: boolean;
  /** an absolute address of one of the site's paths */
  url(request: FastifyRequest, path: string): string;
  /** whether the browser says the request came from one of the site's own pages */
  sameOrigin(request: FastifyRequest): boolean;
}

const HOST = /^[A-Za-z0-9.\-[\]:]{1,255}$/;

/**
 * `publicUrl` (PUBLIC_URL) is the origin for absolute links. Without it, the request's own Host
 * header and scheme stand in (good enough on a developer's machine); a forwarded host never does,
 * so a proxy's cache cannot be fed links to another site.
 */
export function createSite(opts: { secure: boolean; publicUrl?: string }): Site {
  const hostOf = (request: FastifyRequest) => {
    const host = request.headers.host ?? '';
    return HOST.test(host) ? host : 'localhost';
  };
  const origin = (request: FastifyRequest) => opts.publicUrl ?? `${request.protocol}://${hostOf(request)}`;
  return {
    secure: opts.secure,
    url: (request, path) => `${origin(request)}${path}`,
    sameOrigin(request) {
      // browsers send Sec-Fetch-Site, which a page cannot set; older ones send Origin on a POST
      const fetchSite = request.headers['sec-fetch-site'];
      if (typeof fetchSite === 'string') return fetchSite === 'same-origin';
      const from = request.headers.origin;
      if (typeof from !== 'string' || from === 'null') return false;
      try {
        const url = new URL(from);
        // the host alone: a proxy in front may end TLS, so the scheme the app sees can differ
        return url.host === new URL(opts.publicUrl ?? `${url.protocol}//${hostOf(request)}`).host;
      } catch {
        return false;
      }
    },
  };
}
