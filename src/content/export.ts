/**
 * The published content as a content pack folder: the same files `loadPack` reads (pack.yaml,
 * levels, need areas, the glossary, one file per service, and each tool's section in its own file
 * or folder), so a council can move its content between environments, keep it in git, or check it
 * with `content:check`. The brand's logo goes back to its own file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { ArchiveFile } from './tar.js';
import type { ContentPack } from './schema.js';
import { packSections } from '../sections.js';

const SAFE_PATH = /^[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)*$/i;

const yaml = (value: unknown, comment?: string) => Buffer.from(`${comment ? `# ${comment}\n` : ''}${stringify(value, { lineWidth: 0 })}`, 'utf8');

/** Every file of the pack folder, by its path relative to the folder. */
export function packFiles(pack: ContentPack, opts: { version?: number; exportedAt?: Date } = {}): ArchiveFile[] {
  const files: ArchiveFile[] = [];
  const add = (path: string, data: Buffer) => {
    if (!SAFE_PATH.test(path) || path.split('/').includes('..')) throw new Error(`The published content names a file that cannot be exported: ${path}`);
    if (files.some((f) => f.path === path)) throw new Error(`The published content names the file ${path} twice`);
    files.push({ path, data });
  };

  const manifest = structuredClone(pack.manifest);
  const logo = manifest.brand.logo;
  if (logo?.data !== undefined) {
    add(logo.file, Buffer.from(logo.data, 'base64'));
    delete logo.data;
  }
  const when = (opts.exportedAt ?? new Date()).toISOString().slice(0, 10);
  add('pack.yaml', yaml(manifest, `Exported from the published content${opts.version ? ` (version ${opts.version})` : ''} on ${when}.`));
  add('levels.yaml', yaml([...pack.levels].sort((a, b) => a.rank - b.rank)));
  add('need-areas.yaml', yaml(pack.needAreas));
  add('glossary.yaml', yaml(pack.glossary));
  for (const s of [...pack.services].sort((a, b) => a.slug.localeCompare(b.slug))) add(`services/${s.slug}.yaml`, yaml(s));

  for (const section of packSections) {
    const value = pack.sections[section.name];
    if (value === undefined) continue;
    if (section.kind === 'file') {
      add(section.path, yaml(value));
      continue;
    }
    for (const item of value as Array<{ file: string; value: unknown }>) {
      if (dirname(item.file) !== section.path) throw new Error(`The published content puts ${item.file} outside its folder ${section.path}`);
      add(item.file, yaml(item.value));
    }
  }
  return files;
}

/** Writes the files under `dir` (which should be empty or new). */
export function writePackFolder(dir: string, files: readonly ArchiveFile[]): void {
  for (const f of files) {
    const full = join(dir, ...f.path.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, f.data);
  }
}
