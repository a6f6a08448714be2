/**
 * Publishing content, as the app and `npm run content:publish` both do it: the pack, and what is
 * derived from it in the same transaction (the steps, listed here once).
 */
import { ensurePackApiIndex, writePackApiIndex } from './api/repository.js';
import { publishPack, type PublishResult, type PublishStep } from './content/publish.js';
import type { ContentPack } from './content/schema.js';
import type { Transaction } from 'kysely';
import type { Database } from './store/database.js';
import type { AnyPackSection } from './content/sections.js';
import type { Store } from './store/store.js';

/** What a pack publish writes besides the content: the open data API's index of the pack's services. */
export const publishSteps: readonly PublishStep[] = [writePackApiIndex];

/** `npm run content:publish`: validates the pack and publishes it as a new content version. */
export function publishContent(store: Store, packDir: string, sections: readonly AnyPackSection[], today?: Date): Promise<PublishResult> {
  return publishPack(store, packDir, sections, { today, steps: publishSteps, always: true });
}

/**
 * On start: the configured pack is imported into a new database, and again when it changed since
 * the app last imported it, unless content was published since with `content:publish` or by an
 * editor in the workspace (that content stays: another instance's start must not undo a publish, and
 * then the folder is not read at all). Derived indexes an older version of the
 * app left stale are written again. The app then reads the published content itself.
 */
export async function publishOnStart(store: Store, packDir: string, sections: readonly AnyPackSection[], today?: Date): Promise<Omit<PublishResult, 'pack'>> {
  const latest = await store.content.latestImport();
  const kind = await store.content.latestPackPublishKind();
  // content published since (a pack, or an editor's change) is never undone by a start, and the
  // folder, which will not be used, is not read: a start serves what is published without checking it
  if (latest && (kind === 'pack' || kind === 'edit')) {
    await ensurePackApiIndex(store);
    return { hash: latest.contentHash, imported: false, version: await store.contentVersion(), warnings: [] };
  }
  const result = await publishPack(store, packDir, sections, { today, steps: publishSteps, kind: 'start', readBack: false });
  await ensurePackApiIndex(store);
  return result;
}

/** Publishes a pack already loaded and validated (tests, the bench): the same writes as a publish. */
export async function publishLoadedPack(store: Store, pack: ContentPack, hash: string): Promise<number> {
  const { version } = await store.publish('pack', async (trx) => {
    const { id } = await store.content.importPack(trx, pack, hash);
    for (const step of publishSteps) await step(trx, pack, id);
  });
  return version;
}

/**
 * An editor's change, published as a new content version: `apply` is given the published pack as it
 * is inside the publish's transaction (one publisher at a time) and returns the whole pack to publish,
 * already validated, or throws to publish nothing; it may write its own rows in the same transaction
 * (the draft it publishes). The same writes as a pack publish follow.
 */
export async function publishEdit<T>(
  store: Store,
  apply: (current: ContentPack, trx: Transaction<Database>) => Promise<{ pack: ContentPack; hash: string; result: T }>,
): Promise<{ result: T; version: number }> {
  return store.publish('edit', async (trx) => {
    const current = await store.content.loadPack(trx);
    if (!current) throw new Error('No content has been published to the database yet');
    const { pack, hash, result } = await apply(current, trx);
    const { id } = await store.content.importPack(trx, pack, hash);
    for (const step of publishSteps) await step(trx, pack, id);
    return result;
  });
}
