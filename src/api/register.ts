/**
 * The Open Referral UK API is not a start-page tool: it registers as a plugin (routes only) and adds
 * its footer link. Imported by src/web/tool-registry.ts.
 */
import { footerLinks, plugins } from '../web/tools.js';
import { apiRoutes } from './routes.js';

plugins.push({ id: 'oruk-api', routes: apiRoutes });
footerLinks.push({ href: '/api/v1/', text: 'Open data (Open Referral UK API)' });
