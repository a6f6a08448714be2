/**
 * Publishing a content pack: validate it, then write it to the store as a new content version, all
 * or nothing, with whatever is derived from it (`steps`, such as the open data API's index) in the
 * same transaction. Running instances see the new version within seconds (content/published.ts).
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';
import { loadPack } from './load.js';
import { InvalidContentError, type ContentProblem } from './problems.js';
import type { ContentPack } from './schema.js';
import type { AnyPackSection } from './sections.js';

/** Something kept beside the content and derived from it, written in the publish's transaction. */
export type PublishStep = (trx: Transaction<Database>, pack: ContentPack, importId: number) => Promise<void>;

export interface PublishResult {
  /** the published pack, as read back from the store */
  pack: ContentPack;
  hash: string;
  /** false when the store already held this pack (same id and content hash) */
  imported: boolean;
  /** the content version now published */
  version: number;
  warnings: ContentProblem[];
}

export interface PublishOptions {
  today?: Date;
  steps?: readonly PublishStep[];
  /** publish even when the store holds the same pack (a new version all the same) */
  always?: boolean;
  /** validate the pack, but leave the store's content as it is */
  validateOnly?: boolean;
  /** read the published pack back from the store (true unless false): the app reads it itself */
  readBack?: boolean;
  /** 'start' for the app's own import on start; 'pack' (the default) for a publish */
  kind?: 'start' | 'pack';
}

/**
 * Validates the pack at `packDir` (throwing InvalidContentError with every problem) and publishes it
 * when the store holds no pack yet, another pack, or another version of this one.
 */
export async function publishPack(store: Store, packDir: string, sections: readonly AnyPackSection[], opts: PublishOptions & { readBack: false }): Promise<Omit<PublishResult, 'pack'>>;
export async function publishPack(store: Store, packDir: string, sections: readonly AnyPackSection[], opts?: PublishOptions): Promise<PublishResult>;
export async function publishPack(store: Store, packDir: string, sections: readonly AnyPackSection[], opts: PublishOptions = {}): Promise<Omit<PublishResult, 'pack'> & { pack?: ContentPack }> {
  const { pack, problems, hash } = loadPack(packDir, sections, { today: opts.today });
  if (!pack) throw new InvalidContentError(packDir, problems);
  const same = (latest: { contentHash: string; packId: string } | undefined) => latest !== undefined && latest.contentHash === hash && latest.packId === pack.manifest.id;
  let imported = false;
  if (!opts.validateOnly && (opts.always || !same(await store.content.latestImport()))) {
    await store.publish(opts.kind ?? 'pack', async (trx) => {
      // another instance may have published this pack while this one waited for the lock
      if (!opts.always && same(await store.content.latestImport(trx))) return;
      const { id } = await store.content.importPack(trx, pack, hash);
      for (const step of opts.steps ?? []) await step(trx, pack, id);
      imported = true;
    });
  }
  const warnings = problems.filter((p) => p.severity === 'warning');
  if (opts.readBack === false) return { hash, imported, version: await store.contentVersion(), warnings };
  const { published, version } = await store.snapshot(async (trx) => ({ published: await store.content.loadPack(trx), version: await store.content.version(trx) }));
  if (!published) throw new Error('The content pack was imported but could not be read back from the database');
  return { pack: published, hash, imported, version, warnings };
}
