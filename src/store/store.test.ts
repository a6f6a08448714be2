/**
 * The store's contract, on the database of the project that runs it: SQLite in the unit project,
 * the real PostgreSQL in the postgres project (test/helpers/database.ts). Both dialects must keep it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/helpers/app.js';
import { onPostgres, POSTGRES_SKIPPED, requirePostgres } from '../../test/helpers/database.js';
import { eventually } from '../../test/helpers/eventually.js';
import { loadPack } from '../content/load.js';
import { defaultPackDir } from '../content/pack-dir.js';
import { PublishedContent } from '../content/published.js';
import { ChatRepository } from '../chat/repository.js';
import { publishLoadedPack } from '../publishing.js';
import { openStore, type Store, type StoreConfig } from './store.js';
import { packSections } from '../sections.js';

const skip = onPostgres && !requirePostgres();
if (skip) console.warn(POSTGRES_SKIPPED);

const { pack, hash } = loadPack(defaultPackDir(), packSections);
if (!pack) throw new Error('the default pack does not load');

describe.skipIf(skip)(`the store on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  let dir: string;
  let database: StoreConfig & { drop(): Promise<void> };
  const opened: Store[] = [];
  const open = async () => {
    const s = await openStore(database);
    opened.push(s);
    return s;
  };
  const setUp = async () => {
    dir = mkdtempSync(join(tmpdir(), 'isg-store-'));
    database = testDatabase(dir);
    return open();
  };

  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the dialect the configuration chose, answers a ping, and migrates a database it already migrated', async () => {
    const store = await setUp();
    expect(store.dialect).toBe(onPostgres ? 'postgres' : 'sqlite');
    expect(await store.ping()).toBe(true);
    const again = await open();
    expect(await again.ping()).toBe(true);
    expect(await again.content.latestImport()).toBeUndefined();
  });

  it('starts at content version 0, and each publish writes the next version with its content', async () => {
    const store = await setUp();
    expect(await store.contentVersion()).toBe(0);
    const first = await publishLoadedPack(store, pack, hash);
    expect(first).toBeGreaterThan(0);
    expect(await store.contentVersion()).toBe(first);
    expect(await store.content.countServices()).toBe(pack.services.length);
    const second = await publishLoadedPack(store, { ...pack, services: pack.services.slice(1) }, `${hash}-2`);
    expect(second).toBeGreaterThan(first);
    expect(await store.contentVersion()).toBe(second);
    expect(await store.content.countServices()).toBe(pack.services.length - 1);
  });

  it('publishes all or nothing: a publish that fails leaves the content and the version as they were', async () => {
    const store = await setUp();
    const version = await publishLoadedPack(store, pack, hash);
    const failing = store.publish('pack', async (trx) => {
      await store.content.importPack(trx, { ...pack, services: pack.services.slice(0, 3) }, 'half');
      throw new Error('failed half way');
    });
    await expect(failing).rejects.toThrow('failed half way');
    expect(await store.contentVersion()).toBe(version);
    expect(await store.content.countServices()).toBe(pack.services.length);
    expect((await store.content.latestImport())?.contentHash).toBe(hash);
  });

  it('reads a whole published pack in one snapshot, as it was published', async () => {
    const store = await setUp();
    await publishLoadedPack(store, pack, hash);
    const read = await store.snapshot((trx) => store.content.loadPack(trx));
    expect(read?.manifest).toEqual(pack.manifest);
    expect(read?.services.map((s) => s.slug).sort()).toEqual(pack.services.map((s) => s.slug).sort());
    expect(read?.levels.map((l) => l.id)).toEqual([...pack.levels].sort((a, b) => a.rank - b.rank).map((l) => l.id));
  });

  it('gives generated ids in order', async () => {
    const store = await setUp();
    const chat = new ChatRepository(store);
    for (const q of ['first question', 'second question', 'third question']) await chat.recordUnanswered(q);
    const rows = await store.db.withTables<{ chat_unanswered: { id: number; question: string } }>().selectFrom('chat_unanswered').select(['id', 'question']).orderBy('id').execute();
    expect(rows.map((r) => r.question)).toEqual(['first question', 'second question', 'third question']);
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
  });

  it('tells a watcher in another connection of a publish within seconds, and its published content follows', async () => {
    const store = await setUp();
    await publishLoadedPack(store, pack, hash);
    const other = await open();
    const content = await PublishedContent.open(other);
    try {
      const target = pack.services[0]!;
      expect(content.pack().services.find((s) => s.slug === target.slug)?.name).toBe(target.name);
      let told = 0;
      const stop = other.watchContent(() => told++);
      const renamed = { ...pack, services: pack.services.map((s) => (s.slug === target.slug ? { ...s, name: 'Renamed by another instance' } : s)) };
      const version = await publishLoadedPack(store, renamed, `${hash}-renamed`);
      await eventually(async () => expect(content.version()).toBe(version));
      expect(content.pack().services.find((s) => s.slug === target.slug)?.name).toBe('Renamed by another instance');
      expect(told).toBeGreaterThan(0);
      stop();
    } finally {
      content.close();
    }
  });
});
