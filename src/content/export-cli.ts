/**
 * `npm run content:export -- <folder>`: writes the content published in the configured database
 * (DATABASE_URL, or the SQLite file in DATABASE_FILE) as a content pack folder, then checks the
 * folder as `content:check` does. For moving content between environments: export from one, then
 * `npm run content:publish -- <folder>` into the other. The folder must be new or empty.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import '../sections.js';
import { openStore } from '../store/store.js';
import { readConfig } from '../web/config.js';
import { packFiles, writePackFolder } from './export.js';
import { loadPack } from './load.js';
import { packSections } from '../sections.js';
import { formatProblem } from './problems.js';

const args = process.argv.slice(2);
if (args.length !== 1 || args[0]!.startsWith('-')) {
  console.error('Usage: npm run content:export -- <folder>');
  process.exit(2);
}
const dir = resolve(args[0]!);
if (existsSync(dir) && readdirSync(dir).length > 0) {
  console.error(`${dir} is not empty: choose a new folder, so that no file of another pack is mixed in.`);
  process.exit(2);
}
const config = readConfig();
if (!config.databaseUrl && !existsSync(config.databaseFile)) {
  console.error(`No database at ${config.databaseFile}: nothing to export.`);
  process.exit(1);
}
const store = await openStore(config);
try {
  const { pack, version } = await store.snapshot(async (trx) => ({ pack: await store.content.loadPack(trx), version: await store.content.version(trx) }));
  if (!pack) {
    console.error('No content has been published to this database yet: nothing to export.');
    process.exitCode = 1;
  } else {
    const files = packFiles(pack, packSections, { version });
    writePackFolder(dir, files);
    const check = loadPack(dir, packSections);
    const errors = check.problems.filter((p) => p.severity === 'error');
    for (const p of errors) console.error(formatProblem(p));
    if (!check.pack) {
      console.error(`Wrote ${files.length} files to ${dir}, but the folder does not pass content:check (see above).`);
      process.exitCode = 1;
    } else {
      console.log(`Exported ${pack.manifest.id} (content version ${version}: ${pack.services.length} services) from the ${store.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} database to ${dir}: ${files.length} files; content:check passes.`);
    }
  }
} finally {
  await store.close();
}
