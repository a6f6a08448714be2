/**
 * What both dialects share: migrations, the content version, and the parts of a store that are the
 * same Kysely queries on SQLite and PostgreSQL. Dialect differences live only in sqlite.ts and
 * postgres.ts, which pass them in here.
 */
import { Migrator, sql, type Kysely, type MigrationProvider, type Transaction } from 'kysely';
import { ContentRepository } from './content-repository.js';
import type { Database } from './database.js';
import { migrations, type DialectColumns } from './migrations/index.js';
import type { Store, StoreDialect } from './store.js';

/** `schema`: where the migrations' own bookkeeping tables are, when not the default one */
export async function migrateToLatest(db: Kysely<Database>, columns: DialectColumns, schema?: string): Promise<void> {
  const all = migrations(columns);
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(all) };
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface DialectParts {
  dialect: StoreDialect;
  db: Kysely<Database>;
  /** inside a publish's transaction, before anything is written: one publisher at a time */
  lockForPublish(trx: Transaction<Database>): Promise<void>;
  /** inside a publish's transaction, after the version row: tell other instances on commit */
  announce(trx: Transaction<Database>, version: number): Promise<void>;
  watchContent(listener: () => void): () => void;
  close(): Promise<void>;
}

export function assembleStore(parts: DialectParts): Store {
  const { db } = parts;
  const content = new ContentRepository(db);
  // this process's own publishes are looked at as soon as they commit
  const local = new Set<() => void>();
  return {
    dialect: parts.dialect,
    db,
    content,
    async ping() {
      try {
        const r = await sql<{ ok: number }>`select 1 as ok`.execute(db);
        return Number(r.rows[0]?.ok) === 1;
      } catch {
        return false;
      }
    },
    contentVersion: () => content.version(),
    async publish(kind, work) {
      const published = await db.transaction().execute(async (trx) => {
        await parts.lockForPublish(trx);
        const result = await work(trx);
        const row = await trx
          .insertInto('content_version')
          .values({ kind, published_at: new Date().toISOString() })
          .returning('id')
          .executeTakeFirstOrThrow();
        await parts.announce(trx, row.id);
        return { result, version: row.id };
      });
      for (const l of local) l();
      return published;
    },
    snapshot: (work) => db.transaction().setIsolationLevel('repeatable read').execute(work),
    watchContent(listener) {
      local.add(listener);
      const stop = parts.watchContent(listener);
      return () => {
        local.delete(listener);
        stop();
      };
    },
    close: () => parts.close(),
  };
}
