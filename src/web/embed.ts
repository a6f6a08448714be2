/**
 * Embed mode: `?embed=1` on any page shows it without the site's header, navigation and footer, for
 * an iframe on the council's own pages. The emergency route stays. Every link, form and redirect keeps
 * `embed=1`, so the user stays in the frame; a small script tells the parent page the page's height
 * (postMessage), so the iframe needs no scroll bar. FRAME_ANCESTORS lists the origins that may frame it.
 *
 * The parameter is taken off the address before routing (so no tool sees it), and put back on the
 * way out by rewriting the page: pages are put together from cached pieces, so nothing inside them
 * depends on it.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const EMBED = Symbol('embed');
const MARK = 'embed=1';

/** The address without `embed=1`, and whether it had it. */
export function withoutEmbed(url: string): { url: string; embed: boolean } {
  const q = url.indexOf('?');
  if (q < 0) return { url, embed: false };
  const params = url.slice(q + 1).split('&');
  const kept = params.filter((p) => p !== MARK);
  if (kept.length === params.length) return { url, embed: false };
  return { url: kept.length > 0 ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q), embed: true };
}

/** For Fastify's `rewriteUrl`: routes see the address without the mark; the request remembers it. */
export function rewriteEmbedUrl(req: IncomingMessage): string {
  const r = withoutEmbed(req.url ?? '/');
  if (r.embed) (req as IncomingMessage & { [EMBED]?: boolean })[EMBED] = true;
  return r.url;
}

export const isEmbedded = (request: FastifyRequest): boolean => (request.raw as IncomingMessage & { [EMBED]?: boolean })[EMBED] === true;

/** An address of the site's own pages, with the mark added (`&amp;` inside HTML). */
function marked(href: string, amp: string): string {
  const [path, hash] = href.split('#', 2) as [string, string | undefined];
  return `${path}${path.includes('?') ? amp : '?'}${MARK}${hash !== undefined ? `#${hash}` : ''}`;
}

/** Paths that are pages (not assets or the API) */
const PAGE = /^\/(?!\/|public\/|brand\/|brand\.css|api\/|needs-check\/needs-check\.css)/;

export function embedPage(html: string): string {
  return (
    html
      // the site's header, navigation and footer, marked in the layout
      .replace(/<!--site-chrome-->[\s\S]*?<!--\/site-chrome-->/g, '')
      .replace(/<html\b/, '<html data-embed="1"')
      .replace(/(<a\b[^>]*?\bhref=")([^"]*)(")/g, (whole, start: string, href: string, end: string) => (PAGE.test(href) ? `${start}${marked(href, '&amp;')}${end}` : whole))
      .replace(/(<form\b[^>]*?\baction=")([^"]*)(")/g, (whole, start: string, href: string, end: string) => (PAGE.test(href) ? `${start}${marked(href, '&amp;')}${end}` : whole))
      // a GET form sends its fields, not its action's query: the mark goes with the fields
      .replace(/(<form\b[^>]*>)/g, '$1<input type="hidden" name="embed" value="1">')
  );
}

/** Registered before the page caching's hook, so that an embedded page's ETag is its own. */
export function setUpEmbed(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isEmbedded(request)) return payload;
    const location = reply.getHeader('location');
    if (typeof location === 'string' && PAGE.test(location)) void reply.header('location', marked(location, '&'));
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    return embedPage(payload.toString());
  });
}
