import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDefaultPack, TEST_TODAY, type TempPack } from '../../test/helpers/pack.js';
import { openSqliteStore, type Store } from '../store/store.js';
import { InvalidContentError } from './problems.js';
import { publishPack } from './publish.js';
import { packSections } from '../sections.js';

const TODAY = TEST_TODAY;
let pack: TempPack;
let dir: string;
let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
  pack?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function setUp() {
  pack = copyDefaultPack();
  dir = mkdtempSync(join(tmpdir(), 'isg-db-'));
  return join(dir, 'db.sqlite');
}

describe('publishing the pack into the database', () => {
  it('imports a new database, then skips the import while the pack is unchanged', async () => {
    const file = setUp();
    store = await openSqliteStore(file);
    const first = await publishPack(store, pack.dir, packSections, { today: TODAY });
    expect(first.imported).toBe(true);
    expect(await store.content.countServices()).toBe(first.pack.services.length);
    await store.close();

    store = await openSqliteStore(file);
    const second = await publishPack(store, pack.dir, packSections, { today: TODAY });
    expect(second.imported).toBe(false);
    expect(second.pack.services.map((s) => s.slug).sort()).toEqual(first.pack.services.map((s) => s.slug).sort());
  });

  it('re-imports when the pack changes, keeping modified dates of unchanged services', async () => {
    const file = setUp();
    store = await openSqliteStore(file);
    await publishPack(store, pack.dir, packSections, { today: TODAY });
    const untouched = first(await store.content.loadPack()).services.find((s) => s.slug !== 'childrens-front-door-mash')!.slug;
    const before = await store.content.getService(untouched);
    const frontBefore = await store.content.getService('childrens-front-door-mash');
    await new Promise((r) => setTimeout(r, 5));

    pack.editYaml<Record<string, unknown>>('services/childrens-front-door-mash.yaml', (s) => void (s['summary'] = 'A changed summary.'));
    const again = await publishPack(store, pack.dir, packSections, { today: TODAY });
    expect(again.imported).toBe(true);
    expect((await store.content.getService('childrens-front-door-mash'))!.service.summary).toBe('A changed summary.');
    expect((await store.content.getService('childrens-front-door-mash'))!.modifiedAt > frontBefore!.modifiedAt).toBe(true);
    expect((await store.content.getService(untouched))!.modifiedAt).toBe(before!.modifiedAt);
    expect((await store.content.getService(untouched))!.orukId).toBe(before!.orukId);
  });

  it('refuses an invalid pack with the full report and leaves the published content as it was', async () => {
    const file = setUp();
    store = await openSqliteStore(file);
    const good = await publishPack(store, pack.dir, packSections, { today: TODAY });
    pack.editYaml<{ levels: string[] }>('services/childrens-front-door-mash.yaml', (s) => void (s.levels = ['not-a-level']));
    const err = await publishPack(store, pack.dir, packSections, { today: TODAY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidContentError);
    expect((err as InvalidContentError).message).toContain('services/childrens-front-door-mash.yaml › childrens-front-door-mash › levels[0]: unknown level "not-a-level"');
    expect(await store.content.countServices()).toBe(good.pack.services.length);
    expect((await store.content.latestImport())!.contentHash).toBe(good.hash);
  });
});

function first<T>(x: T | undefined): T {
  if (x === undefined) throw new Error('expected a value');
  return x;
}
