/**
 * The one source of published content for a running instance: the pack of the latest content
 * version, read from the store in one snapshot. Readers ask `pack()` on every request (a field read);
 * anything they derive from it is keyed by the pack object, so it is rebuilt when a new version
 * arrives. A new version is looked for whenever the store says content may have changed (NOTIFY on
 * PostgreSQL, a timer on SQLite), and at once after this process publishes.
 */
import type { Store } from '../store/store.js';
import type { ContentPack } from './schema.js';

export interface ContentSnapshot {
  version: number;
  pack: ContentPack;
}

export class PublishedContent {
  private current: ContentSnapshot;
  private checking: Promise<boolean> | undefined;
  private again = false;
  private readonly listeners = new Set<(s: ContentSnapshot) => void>();
  private stopWatching: (() => void) | undefined;

  private constructor(
    private readonly store: Store,
    first: ContentSnapshot,
  ) {
    this.current = first;
  }

  /** Reads the published content and starts watching for new versions. */
  static async open(store: Store): Promise<PublishedContent> {
    const first = await read(store);
    if (!first) throw new Error('No content has been published to the database yet');
    const published = new PublishedContent(store, first);
    published.stopWatching = store.watchContent(() => void published.refresh().catch(() => {}));
    return published;
  }

  pack(): ContentPack {
    return this.current.pack;
  }

  version(): number {
    return this.current.version;
  }

  /** Resolves when no look for a new version is under way (at once, nearly always). */
  async settled(): Promise<void> {
    if (this.checking) await this.checking.catch(() => false);
  }

  /** Called with the new snapshot whenever a new version is read. */
  onChange(listener: (s: ContentSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Looks at the store's content version and reads the new content when it changed; true when it
   * did. Calls made while a look is under way share it, then one more look follows, so a version
   * published meanwhile is never missed.
   */
  refresh(): Promise<boolean> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = (async () => {
      let changed = false;
      do {
        this.again = false;
        const version = await this.store.contentVersion();
        if (version !== this.current.version) {
          const next = await read(this.store);
          if (next && next.version !== this.current.version) {
            this.current = next;
            changed = true;
            for (const l of this.listeners) l(next);
          }
        }
      } while (this.again);
      return changed;
    })().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  close(): void {
    this.stopWatching?.();
    this.listeners.clear();
  }
}

async function read(store: Store): Promise<ContentSnapshot | undefined> {
  return store.snapshot(async (trx) => {
    const version = await store.content.version(trx);
    const pack = await store.content.loadPack(trx);
    return pack && { version, pack };
  });
}
