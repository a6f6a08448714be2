/**
 * `npm run editor:delete`: deletes, now, every report of a wrong service record and every unanswered
 * chat question, and the words of every search that found nothing (its count stays), from the database the server uses (DATABASE_URL, or the SQLite file in DATABASE_FILE). The anonymous "was this helpful"
 * counts stay, unless `-- --ratings` is given.
 */
import { existsSync } from 'node:fs';
import { ChatRepository } from '../chat/repository.js';
import { deleteAllSent } from '../privacy/retention.js';
import { openStore } from '../store/store.js';
import { readConfig } from '../web/config.js';

const args = process.argv.slice(2);
if (args.some((a) => a !== '--ratings')) {
  console.error('Usage: npm run editor:delete [-- --ratings]');
  process.exit(2);
}
const config = readConfig();
const { databaseFile } = config;
if (!config.databaseUrl && !existsSync(databaseFile)) {
  console.error(`No database at ${databaseFile}: nothing to delete.`);
  process.exit(1);
}
const store = await openStore(config);
try {
  const deleted = await deleteAllSent(store);
  const ratings = args.includes('--ratings') ? await new ChatRepository(store).deleteAllFeedback() : undefined;
  console.log(`Deleted ${deleted.reports} report(s) and ${deleted.questions} unanswered question(s)${ratings === undefined ? '' : ` and the ratings of ${ratings} answer(s)`}${deleted.searchWords ? `; forgot the words of ${deleted.searchWords} search(es) that found nothing (their counts stay)` : ''}.`);
} finally {
  await store.close();
}
