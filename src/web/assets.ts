/** Static assets: govuk-frontend's precompiled CSS, JS, fonts and images, and our own, served locally. */
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../content/pack-dir.js';

export async function setUpStaticAssets(app: FastifyInstance): Promise<void> {
  const root = projectRoot();
  const govuk = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
  const cache = { maxAge: '1d', immutable: false };
  await app.register(fastifyStatic, { root: join(govuk, 'assets'), prefix: '/assets/', decorateReply: false, ...cache });
  await app.register(fastifyStatic, {
    root: govuk,
    prefix: '/govuk/',
    decorateReply: false,
    allowedPath: (path) => /^\/govuk-frontend\.min\.(css|js)(\.map)?$/.test(path),
    ...cache,
  });
  await app.register(fastifyStatic, { root: join(root, 'src', 'web', 'public'), prefix: '/public/', decorateReply: false, ...cache });
  await app.register(fastifyStatic, { root: join(root, 'dist', 'public'), prefix: '/public/js/', decorateReply: false, ...cache });
}
