/**
 * The store: the database behind the product. Routes and engines see only this interface; the same
 * Kysely queries and migrations run on SQLite (sqlite.ts, the default) and PostgreSQL (postgres.ts).
 */
import type { Kysely, Transaction } from 'kysely';
import type { ContentRepository } from './content-repository.js';
import type { Database } from './database.js';
import { openPostgresStore, type PostgresOptions } from './postgres.js';
import { openSqliteStore } from './sqlite.js';

export type StoreDialect = 'sqlite' | 'postgres';

/**
 * What a publish changed: the content pack, imported by the app on start ('start') or published with
 * `npm run content:publish` ('pack'); a record changed in the editors' workspace ('edit'); or the
 * services imported from another directory's feed.
 */
export type PublishKind = 'start' | 'pack' | 'edit' | 'feed';

export interface Store {
  readonly dialect: StoreDialect;
  /** the query layer, for the repositories of tools that keep their own tables */
  readonly db: Kysely<Database>;
  readonly content: ContentRepository;
  /** true when the database answers a trivial query */
  ping(): Promise<boolean>;
  /** the latest published content version: one small indexed read */
  contentVersion(): Promise<number>;
  /**
   * Runs `work` as a publish: one transaction, one publisher at a time, ending with a new content
   * version row; other instances are told when it commits. All or nothing.
   */
  publish<T>(kind: PublishKind, work: (trx: Transaction<Database>) => Promise<T>): Promise<{ result: T; version: number }>;
  /** reads in one consistent snapshot (a publish committing meanwhile is wholly in or wholly out) */
  snapshot<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` whenever published content may have changed (told by another instance, or on a
   * timer): the listener reads `contentVersion()` to see. Returns a function that stops the calls.
   */
  watchContent(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface StoreConfig {
  /** postgres://... chooses PostgreSQL; otherwise `databaseFile` (SQLite) */
  databaseUrl?: string;
  databaseFile: string;
  postgres?: PostgresOptions;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(?:ql)?:\/\//i.test(url);
}

export async function openStore(config: StoreConfig): Promise<Store> {
  return isPostgresUrl(config.databaseUrl) ? openPostgresStore(config.databaseUrl, config.postgres) : openSqliteStore(config.databaseFile);
}

export { openPostgresStore, openSqliteStore };
