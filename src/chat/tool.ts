/** The chat bot as a tool: on the start page, in the navigation, with its routes. */
import type { Tool } from '../web/tools.js';
import { chatRoutes } from './routes.js';

export const askTool: Tool = {
  id: 'ask',
  name: 'Ask a question',
  href: '/ask',
  description: 'Ask in your own words about referrals, consent, levels of need or a service, and get a short answer with links to take you further.',
  routes: chatRoutes,
};
