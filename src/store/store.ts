/**
 * The store: the database behind the product. Routes and engines see only this interface, so a
 * PostgreSQL implementation can be added beside SQLite (same Kysely queries, same migrations).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';
import { ContentRepository } from './content-repository.js';

export interface Store {
  /** the query layer, for the repositories of tools that keep their own tables */
  readonly db: Kysely<Database>;
  readonly content: ContentRepository;
  /** true when the database answers a trivial query */
  ping(): Promise<boolean>;
  /**
   * A value that changes whenever data may have changed, committed by this process or another: a
   * cheap look (no query through the query layer) that lets an in-memory index skip its freshness
   * query while nothing was written. Writes of any table change it, so a change is a hint, not proof.
   */
  dataVersion(): string;
  close(): Promise<void>;
}

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

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
  await migrateToLatest(db);
  // data_version changes when another connection commits; total_changes() counts this connection's writes
  const otherConnections = sqlite.prepare('PRAGMA data_version').pluck();
  const thisConnection = sqlite.prepare('SELECT total_changes()').pluck();
  return {
    db,
    content: new ContentRepository(db),
    async ping() {
      try {
        const r = await sql<{ ok: number }>`select 1 as ok`.execute(db);
        return r.rows[0]?.ok === 1;
      } catch {
        return false;
      }
    },
    dataVersion() {
      return `${String(otherConnections.get())}.${String(thisConnection.get())}`;
    },
    async close() {
      await db.destroy();
    },
  };
}
