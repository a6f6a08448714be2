/** The "Find services" tool: the service landscape with its expectation cards. */
import { cardRoutes } from '../cards/routes.js';
import { tools } from '../web/tools.js';
import { landscapeRoutes } from './routes.js';

tools.push({
  id: 'services',
  name: 'Find services',
  href: '/services',
  description: 'Search the services for children and families by need, level of need, age and how to refer, with what each service can and cannot do.',
  routes: async (app, deps) => {
    await cardRoutes(app, deps);
    await landscapeRoutes(app, deps);
  },
});
