/** The embedded default: an SQLite file (better-sqlite3), with no set-up. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { assembleStore, migrateToLatest } from './base.js';
import type { Database } from './database.js';
import type { DialectColumns } from './migrations/index.js';
import type { Store } from './store.js';

/** SQLite's own ids: AUTOINCREMENT never reuses the id of a deleted row. */
export const sqliteColumns: DialectColumns = {
  identity: (c) => c.primaryKey().autoIncrement(),
};

/** How often a running instance looks for content published by another process (a cheap indexed read). */
const VERSION_CHECK_MS = 500;

/**
 * Opens (creating if needed) an SQLite database file, or ':memory:' for a throwaway one, and brings
 * its schema up to date.
 */
export async function openSqliteStore(file: string): Promise<Store> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db, sqliteColumns);
  const timers = new Set<NodeJS.Timeout>();
  return assembleStore({
    dialect: 'sqlite',
    db,
    // SQLite lets one writer at a time commit; the transaction is the lock
    lockForPublish: async () => {},
    // other processes see the version row on their next check
    announce: async () => {},
    watchContent(listener) {
      const timer = setInterval(listener, VERSION_CHECK_MS);
      timer.unref();
      timers.add(timer);
      return () => {
        clearInterval(timer);
        timers.delete(timer);
      };
    },
    async close() {
      for (const t of timers) clearInterval(t);
      timers.clear();
      await db.destroy();
    },
  });
}
