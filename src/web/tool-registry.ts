/**
 * Registers each tool whose pages exist. A tool's module pushes itself onto `tools` (src/web/tools.ts);
 * importing it here is what puts it on the start page and in the navigation.
 */
export {};
import '../needs-check/tool.js';
import '../chat/tool.js';
