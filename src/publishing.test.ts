/**
 * The app's start never undoes a publish: once an editor has published a change in the workspace, a
 * restart (of this instance or another, with a pack folder that has changed or not) keeps it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDefaultPack, TEST_TODAY } from '../test/helpers/pack.js';
import { testDatabase } from '../test/helpers/app.js';
import { publishEdit, publishOnStart } from './publishing.js';
import { packSections } from './sections.js';
import { openStore, type Store } from './store/store.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function freshStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-start-'));
  const { drop, ...config } = testDatabase(dir);
  const store = await openStore(config);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), drop, () => store.close());
  return store;
}

describe('a start after an editor has published', () => {
  it('keeps the editor\u2019s change, and does not import a pack folder that changed since', async () => {
    const store = await freshStore();
    const pack = copyDefaultPack();
    cleanups.push(() => pack.cleanup());
    await publishOnStart(store, pack.dir, packSections, TEST_TODAY);
    const slug = (await store.content.loadPack())!.services[0]!.slug;

    await publishEdit(store, async (current) => {
      const services = current.services.map((s) => (s.slug === slug ? { ...s, name: 'Renamed by an editor' } : s));
      const next = { ...current, services };
      return { pack: next, hash: 'an-editor-s-change', result: undefined };
    });
    expect((await store.content.getService(slug))?.service.name).toBe('Renamed by an editor');

    // the folder changes too (another service's summary), then the app restarts
    pack.editYaml<{ summary: string }>(`services/${slug}.yaml`, (s) => {
      s.summary = 'Changed in the folder after the edit';
    });
    await publishOnStart(store, pack.dir, packSections, TEST_TODAY);
    const after = await store.content.getService(slug);
    expect(after?.service.name).toBe('Renamed by an editor');
    expect(after?.service.summary).not.toBe('Changed in the folder after the edit');
  });
});
