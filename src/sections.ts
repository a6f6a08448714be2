/**
 * Imports every tool whose content lives in the pack, so that each registers its pack section
 * (see src/content/sections.ts). Loaded by the server and by `content:check`.
 */
export {};
import './chat/content.js';
import './needs-check/content.js';
