/** The Open Referral UK API is not a start-page tool: routes and a footer link only. */
import type { RoutePlugin } from '../web/tools.js';
import { apiRoutes } from './routes.js';

export const openDataApi: RoutePlugin = {
  id: 'oruk-api',
  routes: apiRoutes,
  footerLink: { href: '/api/v1/', text: 'Open data (Open Referral UK API)' },
};
