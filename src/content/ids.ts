import { createHash } from 'node:crypto';

/**
 * A name-based UUID (version 5 layout, SHA-1): the same pack and slug always give the same id, so
 * Open Referral UK consumers see stable ids across imports and restarts.
 */
export function stableUuid(namespace: string, name: string): string {
  const h = createHash('sha1').update(namespace).update('\0').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function serviceOrukId(packId: string, slug: string): string {
  return stableUuid(`${packId}/service`, slug);
}

/** Every need area id of a pack, top-level and sub-areas, for checking references to them. */
export function needAreaIds(pack: { needAreas: ReadonlyArray<{ id: string; children: ReadonlyArray<{ id: string }> }> }): Set<string> {
  return new Set(pack.needAreas.flatMap((a) => [a.id, ...a.children.map((c) => c.id)]));
}
