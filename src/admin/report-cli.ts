/** `npm run editor:report`: prints the editors' report from the database the server uses (DATABASE_FILE). */
import { existsSync } from 'node:fs';
import { openSqliteStore } from '../store/store.js';
import { readConfig } from '../web/config.js';
import { editorReport } from './editor-report.js';

const { databaseFile } = readConfig();
if (!existsSync(databaseFile)) {
  console.error(`No database at ${databaseFile} yet: start the server once (npm start), or set DATABASE_FILE.`);
  process.exit(1);
}
const store = await openSqliteStore(databaseFile);
try {
  console.log(await editorReport(store));
} finally {
  await store.close();
}
