/**
 * A bounded cache kept in two generations: entries used since the older generation began survive,
 * the rest are dropped together. Close to least recently used, without reordering a large map on
 * every hit. It holds at most `maxEntries`. Used for the directory's pages and their pieces, its
 * search engine's text, facet and term caches, and the CSRF tokens kept per browser.
 */
export class RecentCache<T> {
  private current = new Map<string, T>();
  private previous = new Map<string, T>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): T | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: T): void {
    this.current.set(key, value);
    if (this.current.size >= Math.ceil(this.maxEntries / 2)) {
      this.previous = this.current;
      this.current = new Map();
    }
  }
}
