/**
 * The tools the product offers. A tool is listed on the start page and in the navigation only once
 * it is registered here, so there are never links to pages that do not exist.
 *
 * Each tool's folder exports a Fastify plugin taking `ToolDeps`; its routes render its own views.
 */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import type { ContentPack } from '../content/schema.js';
import type { Site } from './site.js';

export interface ToolDeps {
  store: Store;
  /** the published pack (read from the database on start) */
  content: () => ContentPack;
  /** production or not, the site's own address, and whether a request came from its own pages */
  site: Site;
  limits: {
    /** unanswered questions kept and ratings recorded per address per day (see src/chat/routes.ts) */
    chatWritesPerDay?: number;
  };
}

export interface Tool {
  id: string;
  /** the name on the start page and in the navigation */
  name: string;
  href: string;
  /** plain words on the start page: what it is for */
  description: string;
  routes: (app: FastifyInstance, deps: ToolDeps) => Promise<void>;
}

export const tools: Tool[] = [];

/** Extra footer links (e.g. the open data API), added by the module that serves them. */
export const footerLinks: Array<{ href: string; text: string }> = [];

/**
 * Route plugins that are not tools (e.g. the open data API): registered like tools, after them, but
 * listed nowhere.
 */
export const plugins: Array<{ id: string; routes: Tool['routes'] }> = [];
