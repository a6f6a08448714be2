/**
 * Progressive enhancement: everything works without this script. It starts govuk-frontend's
 * components and each tool's enhancements (each tool adds an import below).
 */
import { initAll } from 'govuk-frontend';
import '../../directory/client.js';

initAll();
import '../../needs-check/client.js';
import '../../chat/client.js';
import './embed.js';
import '../../admin/client.js';
