/** The default pack with the needs check section, loaded once for the unit tests. */
import { defaultPackDir } from '../content/pack-dir.js';
import { loadPack } from '../content/load.js';
import type { ContentPack } from '../content/schema.js';
import './content.js';
import type { NeedsCheckContent } from './content.js';

let cached: ContentPack | undefined;

export function defaultPack(): ContentPack {
  if (!cached) {
    const r = loadPack(defaultPackDir(), { today: new Date('2026-11-26T12:00:00Z') });
    if (!r.pack) throw new Error(`default pack invalid: ${JSON.stringify(r.problems.filter((p) => p.severity === 'error'))}`);
    cached = r.pack;
  }
  return cached;
}

export const nc = (pack: ContentPack = defaultPack()) => pack.sections['needsCheck'] as NeedsCheckContent;
