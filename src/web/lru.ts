/** A Map used as a least-recently-used cache: the landscape's text, expansion and facet caches, and the CSRF tokens kept per browser. */

/** The cached value, moved to the back (most recently used) on a hit. */
export function lruGet<V>(map: Map<string, V>, key: string): V | undefined {
  const hit = map.get(key);
  if (hit !== undefined) {
    map.delete(key);
    map.set(key, hit);
  }
  return hit;
}

/** Adds a value, dropping the least recently used once the map holds more than `max`. */
export function lruSet<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}
