/**
 * On start: validate the pack, import it into the store when the database is new or the pack has
 * changed (by content hash), then read the published pack back from the store.
 */
import type { Store } from '../store/store.js';
import { loadPack } from './load.js';
import { InvalidContentError, type ContentProblem } from './problems.js';
import type { ContentPack } from './schema.js';

export interface PublishedContent {
  pack: ContentPack;
  hash: string;
  imported: boolean;
  warnings: ContentProblem[];
}

export async function publishPack(store: Store, packDir: string, today = new Date()): Promise<PublishedContent> {
  const { pack, problems, hash } = loadPack(packDir, { today });
  if (!pack) throw new InvalidContentError(packDir, problems);
  const latest = await store.content.latestImport();
  let imported = false;
  if (!latest || latest.contentHash !== hash || latest.packId !== pack.manifest.id) {
    await store.content.importPack(pack, hash);
    imported = true;
  }
  const published = await store.content.loadPack();
  if (!published) throw new Error('The content pack was imported but could not be read back from the database');
  return { pack: published, hash, imported, warnings: problems.filter((p) => p.severity === 'warning') };
}
