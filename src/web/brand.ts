/**
 * The council's own look, from the content pack (pack.yaml `brand`): a small stylesheet that sets
 * govuk-frontend's colour custom properties and the site's font stack, and the logo. Both are served
 * at addresses that carry a hash of what they hold, cached as immutable, so a published change shows
 * at once.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ContentPack } from '../content/schema.js';
import { ASSET_MAX_AGE, IMMUTABLE } from './assets.js';

export interface BrandAssets {
  /** /brand.css?v=<hash>, when the pack sets a colour or a font */
  cssHref?: string;
  css: string;
  /** the stylesheet's hash, the `v` of its current address */
  cssHash: string;
  logo?: { href: string; type: string; body: Buffer; hash: string };
  /** the browser's theme colour */
  themeColor?: string;
}

const hash = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 12);

const byPack = new WeakMap<ContentPack, BrandAssets>();

export function brandOf(pack: ContentPack): BrandAssets {
  let b = byPack.get(pack);
  if (b) return b;
  const { colour, linkColour, fontFamily, logo } = pack.manifest.brand;
  // the values are checked by the pack's schema (#rrggbb, a font stack of plain names), so nothing
  // else can reach the stylesheet
  const rules = [
    ...(colour ? [`--govuk-brand-colour:${colour}`] : []),
    ...(linkColour ? [`--govuk-link-colour:${linkColour}`] : []),
    ...(fontFamily ? [`--app-font-family:${fontFamily}`] : []),
  ];
  const css = rules.length > 0 ? `:root{${rules.join(';')}}\n` : '';
  const logoBody = logo?.data ? Buffer.from(logo.data, 'base64') : undefined;
  const logoType = logo?.file.endsWith('.png') ? 'png' : 'svg';
  const cssHash = hash(css);
  const logoHash = logoBody ? hash(logoBody) : '';
  b = {
    css,
    cssHash,
    ...(css ? { cssHref: `/brand.css?v=${cssHash}` } : {}),
    ...(logoBody ? { logo: { href: `/brand/logo.${logoType}?v=${logoHash}`, type: logoType, body: logoBody, hash: logoHash } } : {}),
    ...(colour ? { themeColor: colour } : {}),
  };
  byPack.set(pack, b);
  return b;
}

export async function brandRoutes(app: FastifyInstance, content: () => ContentPack): Promise<void> {
  const cacheFor = (v: unknown, current: string) => (v === current ? IMMUTABLE : ASSET_MAX_AGE);
  app.get('/brand.css', (req, reply) => {
    const b = brandOf(content());
    const v = (req.query as Record<string, unknown>)['v'];
    return reply
      .type('text/css; charset=utf-8')
      .header('cache-control', cacheFor(v, b.cssHash))
      .send(b.css);
  });
  app.get<{ Params: { ext: string } }>('/brand/logo.:ext', (req, reply) => {
    const { logo } = brandOf(content());
    if (!logo || req.params.ext !== logo.type) return reply.callNotFound();
    const v = (req.query as Record<string, unknown>)['v'];
    return (
      reply
        .type(logo.type === 'png' ? 'image/png' : 'image/svg+xml')
        .header('cache-control', cacheFor(v, logo.hash))
        // opened on its own, an SVG may run nothing and load nothing
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .send(logo.body)
    );
  });
}
