import type { Tool } from '../web/tools.js';
import { needsCheckRoutes, TOOL_NAME } from './routes.js';

export const needsCheckTool: Tool = {
  id: 'needs-check',
  name: TOOL_NAME,
  href: '/needs-check',
  description: 'Answer a few questions about a worry to see the level of need, why, what to do now and which services fit.',
  routes: needsCheckRoutes,
};
