/**
 * `npm run content:coverage [-- <pack folder>]`: prints, as a Markdown table, how many active services
 * serve each need area at each level, for the pack's README or an editor's review of gaps.
 */
import { resolve } from 'node:path';
import { coverageTable } from './coverage.js';
import { loadPack } from './load.js';
import { formatProblem } from './problems.js';
import { defaultPackDir } from './pack-dir.js';
import { packSections } from '../sections.js';

const dir = resolve(process.argv[2] ?? process.env['CONTENT_PACK'] ?? defaultPackDir());
const { pack, problems } = loadPack(dir, packSections);
if (!pack) {
  for (const p of problems.filter((x) => x.severity === 'error')) console.error(formatProblem(p));
  console.error(`\n${dir}: the pack has errors; run npm run content:check`);
  process.exitCode = 1;
} else {
  console.log(coverageTable(pack));
}
