/**
 * What a tool is, and what its routes are given. The tools themselves, in their order on the start
 * page and in the navigation, are listed where the app is made (src/web/app.ts).
 *
 * Each tool's folder exports its `Tool`; its routes render its own views.
 */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import type { ContentPack } from '../content/schema.js';
import type { PublishedContent } from '../content/published.js';
import type { Site } from './site.js';
import type { Counters } from '../store/counters.js';
import type { Insights } from '../insights/insights.js';

export interface ToolDeps {
  store: Store;
  /** the published pack of the current content version: ask on every request, never keep it */
  content: () => ContentPack;
  /** the published content itself: its version, and a wait for a look at a new one under way */
  published: PublishedContent;
  /** production or not, the site's own address, and whether a request came from its own pages */
  site: Site;
  /** anonymous counts per day for the borough's insights (src/insights/insights.ts) */
  insights: Insights;
  limits: {
    /** unanswered questions kept and ratings recorded per address per day (see src/chat/routes.ts) */
    chatWritesPerDay?: number;
    /** request counts shared by every instance on the database (rate limits, the chat's daily cap) */
    counters: Counters;
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

/** A set of routes that is not a tool (the open data API): registered after the tools, with its footer link. */
export interface RoutePlugin {
  id: string;
  routes: Tool['routes'];
  footerLink?: { href: string; text: string };
}
