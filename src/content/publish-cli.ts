/**
 * `npm run content:publish -- <pack folder>`: validates the pack and publishes it to the configured
 * database (DATABASE_URL, or the SQLite file in DATABASE_FILE) as a new content version, all or
 * nothing. Running instances serve it within seconds, without a restart.
 */
import { resolve } from 'node:path';
import { publishContent } from '../publishing.js';
import { packSections } from '../sections.js';
import { openStore } from '../store/store.js';
import { readConfig } from '../web/config.js';
import { InvalidContentError, formatProblem } from './problems.js';

const args = process.argv.slice(2);
if (args.length !== 1 || args[0]!.startsWith('-')) {
  console.error('Usage: npm run content:publish -- <pack folder>');
  process.exit(2);
}
const packDir = resolve(args[0]!);
const config = readConfig();
const store = await openStore(config);
try {
  const result = await publishContent(store, packDir, packSections);
  for (const w of result.warnings) console.warn(formatProblem(w));
  console.log(`Published ${result.pack.manifest.id} (${result.pack.services.length} services) from ${packDir} to the ${store.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} database as content version ${result.version}.`);
} catch (err) {
  if (err instanceof InvalidContentError) {
    console.error(`Nothing was published: the content pack is not valid.\n\n${err.problems.map(formatProblem).join('\n')}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
} finally {
  await store.close();
}
