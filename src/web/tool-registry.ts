/**
 * Registers each tool whose pages exist. A tool's module pushes itself onto `tools` (src/web/tools.ts);
 * importing it here is what puts it on the start page and in the navigation.
 */
// not a tool: the open data API registers routes and a footer link only
import '../api/register.js';
import '../needs-check/tool.js';
import '../landscape/tool.js';
import '../cards/tool.js';
import '../chat/tool.js';

export {};
