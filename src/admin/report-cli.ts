/**
 * `npm run editor:report`: prints the editors' report from the database the server uses
 * (DATABASE_URL, or the SQLite file in DATABASE_FILE), after deleting what is past its retention period (RETENTION_DAYS).
 */
import { existsSync } from 'node:fs';
import { deleteExpired } from '../privacy/retention.js';
import { openStore } from '../store/store.js';
import { readConfig } from '../web/config.js';
import { editorReport } from './editor-report.js';

const config = readConfig();
const { databaseFile, retentionDays } = config;
if (!config.databaseUrl && !existsSync(databaseFile)) {
  console.error(`No database at ${databaseFile} yet: start the server once (npm start), or set DATABASE_FILE.`);
  process.exit(1);
}
const store = await openStore(config);
try {
  await deleteExpired(store, retentionDays);
  console.log(await editorReport(store, { retentionDays }));
} finally {
  await store.close();
}
