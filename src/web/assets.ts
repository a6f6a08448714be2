/**
 * Static assets: govuk-frontend's precompiled CSS, JS, fonts and images, and our own, served locally
 * from what `npm run build` gathered into dist/static (see scripts/build-assets.mjs): each text asset
 * has a brotli and a gzip copy beside it, sent to a browser that accepts one. Pages link to an asset
 * with its content hash (`/public/app.css?v=<hash>`); a request with the current hash may be kept for
 * a year without asking again, as a new version of the file has a new address. Any other request for
 * an asset (an old hash, or none: a bookmark, a font named by an old stylesheet) is kept for a day.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../content/pack-dir.js';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const ASSET_MAX_AGE = 'public, max-age=86400';

/** Each asset's URL path and its content hash, as the build recorded them. */
export type AssetHashes = ReadonlyMap<string, string>;

export function readAssetHashes(root = projectRoot()): AssetHashes {
  const file = join(root, 'dist', 'asset-hashes.json');
  if (!existsSync(file)) throw new Error(`no ${file}: run "npm run build" first (it gathers and compresses the static assets)`);
  return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>));
}

/** The address a page links an asset by: its path with its content hash. */
export const assetUrl = (hashes: AssetHashes) => (path: string): string => {
  const hash = hashes.get(path);
  if (!hash) throw new Error(`no asset ${path} in dist/static: is it listed in scripts/build-assets.mjs?`);
  return `${path}?v=${hash}`;
};

export async function setUpStaticAssets(app: FastifyInstance, hashes: AssetHashes): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply, payload) => {
      const [path, query = ''] = request.url.split('?', 2) as [string, string?];
      const fingerprinted = reply.statusCode < 400 && hashes.get(path) === new URLSearchParams(query).get('v');
      void reply.header('cache-control', fingerprinted ? IMMUTABLE : ASSET_MAX_AGE);
      return payload;
    });
    await scope.register(fastifyStatic, {
      root: join(projectRoot(), 'dist', 'static'),
      prefix: '/',
      // a route per file the build gathered, so every other address reaches the site's own pages
      wildcard: false,
      globIgnore: ['**/*.br', '**/*.gz'],
      preCompressed: true,
      cacheControl: false,
      decorateReply: false,
    });
  });
}
