/** The "Find services" tool: the service landscape (service pages carry their expectation cards). */
import type { Tool } from '../web/tools.js';
import { landscapeRoutes } from './routes.js';

export const findServicesTool: Tool = {
  id: 'services',
  name: 'Find services',
  href: '/services',
  description: 'Search the services for children and families by need, level of need, age and how to refer, with what each service can and cannot do.',
  routes: landscapeRoutes,
};
