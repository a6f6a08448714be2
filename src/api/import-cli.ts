/**
 * `npm run import:oruk -- <file or URL>`: imports another directory's Open Referral UK feed into the
 * database the app uses (DATABASE_URL, or the SQLite file in DATABASE_FILE), reporting problems per record. Exit code 1 when nothing was
 * imported.
 */
import { readConfig } from '../web/config.js';
import { openStore } from '../store/store.js';
import { importOrukFeed } from './import.js';

const source = process.argv[2];
if (!source || process.argv.length > 3) {
  console.error('Usage: npm run import:oruk -- <feed.json | https://example.org/api/services>');
  process.exit(2);
}

const store = await openStore(readConfig());
try {
  const result = await importOrukFeed(store, source);
  if (!result.ok) {
    console.error(`Nothing was imported from ${result.source}: ${result.problems.length} problem(s).`);
    for (const p of result.problems) console.error(`  ${p.record}  ${p.field}: ${p.message}`);
    process.exitCode = 1;
  } else {
    console.log(
      `Imported ${result.read} service(s) from ${result.source}: ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged, ${result.removed} removed.`,
    );
  }
} finally {
  await store.close();
}
