/**
 * PostgreSQL (`DATABASE_URL=postgres://...`), for several app instances on one database. A publish
 * takes an advisory lock (one publisher at a time) and sends NOTIFY on commit; every instance
 * LISTENs and looks at the content version when told, and every few seconds in case a notification
 * was lost with a connection.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { assembleStore, migrateToLatest } from './base.js';
import type { Database } from './database.js';
import type { DialectColumns } from './migrations/index.js';
import type { Store } from './store.js';

export const postgresColumns: DialectColumns = {
  identity: (c) => c.primaryKey().generatedByDefaultAsIdentity(),
};

const CHANNEL = 'isg_content_published';
/** the advisory lock publishers take (any fixed number, the same in every instance) */
const PUBLISH_LOCK = 0x15a_c0de;
const FALLBACK_CHECK_MS = 10_000;
const RECONNECT_MS = 1_000;

export interface PostgresOptions {
  /** a schema of its own (created if missing) instead of `public`: tests give each app one */
  schema?: string;
  /** connections in the pool */
  max?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgresStore(url: string, opts: PostgresOptions = {}): Promise<Store> {
  const schema = opts.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`Not a schema name: "${schema}"`);
  const connection = { connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) };
  if (schema) {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query(`create schema if not exists ${schema}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({ ...connection, max: opts.max ?? 10 });
  // an idle connection dropped by the server must not take the process down
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    // the migrations' bookkeeping goes in the schema the connection works in (search_path)
    const current = (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
    if (!current) throw new Error('The PostgreSQL connection has no schema to work in: its search_path names no schema that exists');
    await migrateToLatest(db, postgresColumns, current);
  } catch (err) {
    await db.destroy();
    throw err;
  }

  const listeners = new Set<() => void>();
  const tell = () => {
    for (const l of listeners) l();
  };
  let listener: pg.Client | undefined;
  let closed = false;
  let fallback: NodeJS.Timeout | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  const listen = async (): Promise<void> => {
    if (closed || listener) return;
    const client = new pg.Client(connection);
    listener = client;
    const lost = () => {
      if (listener !== client) return;
      listener = undefined;
      void client.end().catch(() => {});
      if (!closed) {
        reconnect = setTimeout(() => void listen(), RECONNECT_MS);
        reconnect.unref();
      }
      // what was published while the connection was down is found by the version check
      tell();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      if ((n.payload ?? '') === (schema ?? '')) tell();
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch {
      lost();
    }
  };

  return assembleStore({
    dialect: 'postgres',
    db,
    async lockForPublish(trx) {
      await sql`select pg_advisory_xact_lock(${PUBLISH_LOCK})`.execute(trx);
    },
    async announce(trx) {
      // delivered when the transaction commits, and not at all when it rolls back
      await sql`select pg_notify(${CHANNEL}, ${schema ?? ''})`.execute(trx);
    },
    watchContent(l) {
      listeners.add(l);
      void listen();
      if (!fallback) {
        fallback = setInterval(tell, FALLBACK_CHECK_MS);
        fallback.unref();
      }
      return () => listeners.delete(l);
    },
    async close() {
      closed = true;
      if (fallback) clearInterval(fallback);
      if (reconnect) clearTimeout(reconnect);
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
      await db.destroy();
    },
  });
}
