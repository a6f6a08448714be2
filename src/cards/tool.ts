/** Expectation cards: each service's card on its page and alone for print, and printable packs by need area. */
import type { Tool } from '../web/tools.js';
import { cardRoutes } from './routes.js';

export const expectationCardsTool: Tool = {
  id: 'cards',
  name: 'Expectation cards',
  href: '/services/cards',
  description:
    'See what a service can and cannot do, what to do before you refer, what to have ready and what happens next, on a card you can print for one service or for every service for a need.',
  routes: cardRoutes,
};
