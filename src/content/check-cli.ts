/**
 * `npm run content:check [-- <pack folder>]`: validates a content pack and prints every problem with
 * its file, record and field. Exits 1 when there is any error (warnings alone do not fail).
 */
import { resolve } from 'node:path';
import { loadPack } from './load.js';
import { formatProblem } from './problems.js';
import { defaultPackDir } from './pack-dir.js';
import { packSections } from '../sections.js';

const dir = resolve(process.argv[2] ?? process.env['CONTENT_PACK'] ?? defaultPackDir());
const { pack, problems } = loadPack(dir, packSections);
for (const p of problems) console.log(formatProblem(p));
const errors = problems.filter((p) => p.severity === 'error').length;
const warnings = problems.length - errors;
if (pack) {
  console.log(
    `\n${dir}: OK. ${pack.services.length} services, ${pack.levels.length} levels, ${pack.needAreas.length} need areas` +
      `${Object.keys(pack.sections).length ? `, sections: ${Object.keys(pack.sections).join(', ')}` : ''}; ${warnings} warning${warnings === 1 ? '' : 's'}.`,
  );
} else {
  console.log(`\n${dir}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}. Fix the errors above.`);
  process.exitCode = 1;
}
