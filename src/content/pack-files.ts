/**
 * A pack as the files of a pack folder, held in memory: the published pack written back out (each
 * file as JSON, which is YAML too), so that a pack with an editor's draft applied is validated by
 * exactly what `content:check` runs on a folder (`loadPack(memorySource(packFiles(pack)))`).
 */
import { loadPack, memorySource, type LoadOptions, type LoadResult } from './load.js';
import type { ContentPack } from './schema.js';
import { packSections } from '../sections.js';
import type { PackSection } from './sections.js';

export function packFiles(pack: ContentPack): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>();
  const json = (value: unknown) => JSON.stringify(value, null, 1);
  const { brand, ...manifest } = pack.manifest;
  const logo = brand.logo;
  files.set('pack.yaml', json({ ...manifest, brand: { ...brand, ...(logo ? { logo: { file: logo.file } } : {}) } }));
  if (logo?.data) files.set(logo.file, Buffer.from(logo.data, 'base64'));
  files.set('levels.yaml', json(pack.levels));
  files.set('need-areas.yaml', json(pack.needAreas));
  files.set('glossary.yaml', json(pack.glossary));
  for (const s of pack.services) files.set(`services/${s.slug}.yaml`, json(s));
  for (const section of packSections as PackSection<unknown>[]) {
    const value = pack.sections[section.name];
    if (value === undefined) continue;
    if (section.kind === 'file') files.set(section.path, json(value));
    else for (const item of value as Array<{ file: string; value: unknown }>) files.set(item.file, json(item.value));
  }
  return files;
}

/** Validates a pack held in memory as content:check validates a folder. */
export function checkPack(pack: ContentPack, options: LoadOptions = {}): LoadResult {
  return loadPack(memorySource(packFiles(pack)), packSections, options);
}
