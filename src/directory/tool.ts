/** The "Find services" tool: the directory (service pages carry their expectation cards). */
import type { Tool } from '../web/tools.js';
import { directoryRoutes } from './routes.js';

export const findServicesTool: Tool = {
  id: 'services',
  name: 'Find services',
  href: '/services',
  description: 'Search the services for children and families by need, level of need, age and how to refer, with what each service can and cannot do.',
  routes: directoryRoutes,
};
