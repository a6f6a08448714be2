/**
 * Nunjucks with govuk-frontend's templates. Templates are found in src/web/views (layout, shared
 * pages), in src/ (a tool's views as "<tool>/views/<name>.njk") and in govuk-frontend's dist folder.
 */
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import nunjucks from 'nunjucks';
import { projectRoot } from '../content/pack-dir.js';
import type { ContentPack, Level } from '../content/schema.js';
import type { Tool } from './tools.js';
import { brandOf } from './brand.js';
import { splitPhoneNumbers, telHref } from '../content/phones.js';
import { midSentence } from '../content/vocabulary.js';
import { escapeHtml } from '../directory/page-cache.js';
import { assetUrl, type AssetHashes } from './assets.js';

declare module 'fastify' {
  interface FastifyReply {
    /** renders a template with the layout's globals (pack, contacts, navigation) */
    render(template: string, context?: Record<string, unknown>): FastifyReply;
    /** the same page as `render`, as a string (for a tool that caches what it renders) */
    renderToString(template: string, context?: Record<string, unknown>): string;
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 2026-11-26 → 26 November 2026 (GOV.UK date style) */
export function formatDate(iso: unknown): string {
  if (typeof iso !== 'string') return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? ''} ${m[1]}`;
}

/** Running text, escaped, with every phone number in it a `tel:` link. */
export function telLinks(text: unknown): nunjucks.runtime.SafeString {
  const html = splitPhoneNumbers(text === null || text === undefined ? '' : String(text))
    .map((p) => (typeof p === 'string' ? escapeHtml(p) : `<a class="govuk-link" href="${escapeHtml(p.href)}">${escapeHtml(p.text)}</a>`))
    .join('');
  return new nunjucks.runtime.SafeString(html);
}

export function createViewEnvironment(): nunjucks.Environment {
  const root = projectRoot();
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([join(root, 'src', 'web', 'views'), join(root, 'src'), join(root, 'node_modules', 'govuk-frontend', 'dist')], {
      noCache: process.env['NODE_ENV'] === 'development',
    }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  env.addFilter('govukDate', formatDate);
  env.addFilter('tel', (number: unknown) => telHref(String(number ?? '')));
  env.addFilter('telLinks', telLinks);
  env.addFilter('midSentence', midSentence);
  return env;
}

export interface ViewGlobals {
  content: () => ContentPack;
  tools: Tool[];
  footerLinks: Array<{ href: string; text: string }>;
  phase: string;
  /** the static assets' content hashes, for their fingerprinted addresses (`asset('/public/app.css')`) */
  assets: AssetHashes;
}

/** The tool a page belongs to: the one whose address is the longest prefix of the page's. */
export function activeTool(tools: Tool[], path: string): Tool | undefined {
  return tools
    .filter((t) => path === t.href || path.startsWith(`${t.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0];
}

/** each pack's levels by id, built once per pack rather than on every render */
const levelIndexes = new WeakMap<ContentPack, Record<string, Level>>();
function levelsByIdOf(pack: ContentPack): Record<string, Level> {
  let byId = levelIndexes.get(pack);
  if (!byId) levelIndexes.set(pack, (byId = Object.fromEntries(pack.levels.map((l) => [l.id, l]))));
  return byId;
}

/** Renders a page outside a request's reply (the answer to a request Fastify refuses before routing). */
export type RenderPage = (template: string, context: Record<string, unknown>, page: { path: string }) => string;

export function setUpViews(app: FastifyInstance, globals: ViewGlobals): RenderPage {
  const env = createViewEnvironment();
  env.addGlobal('asset', assetUrl(globals.assets));
  const renderPage: RenderPage = (template, context, page) => {
    const pack = globals.content();
    return env.render(template, {
      pack: pack.manifest,
      brand: brandOf(pack),
      contacts: pack.manifest.contacts,
      levels: pack.levels,
      levelsById: levelsByIdOf(pack),
      tools: globals.tools,
      footerLinks: globals.footerLinks,
      phase: globals.phase,
      currentPath: page.path,
      activeTool: activeTool(globals.tools, page.path)?.id,
      ...context,
    });
  };
  app.decorateReply('renderToString', function renderToString(this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    return renderPage(template, context, { path: this.request.url.split('?')[0] ?? '/' });
  });
  app.decorateReply('render', function render(this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    return this.type('text/html; charset=utf-8').send(this.renderToString(template, context));
  });
  return renderPage;
}
