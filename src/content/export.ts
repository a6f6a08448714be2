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
import type { AnyPackSection } from './sections.js';

const SAFE_PATH = /^[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)*$/i;

const yaml = (value: unknown, comment?: string) => Buffer.from(`${comment ? `# ${comment}\n` : ''}${stringify(value, { lineWidth: 0 })}`, 'utf8');

export interface PackFilesOptions {
  /** the published version, named in pack.yaml's first line */
  version?: number;
  exportedAt?: Date;
  /** each file as JSON (which is YAML too): quicker to write and read, to check a pack held in memory */
  json?: boolean;
}

/** A file the pack names where no pack folder may hold it (outside the folder, or twice). */
export class PackFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Every file of the pack folder, by its path relative to the folder: the core files and each of the
 * tools' `sections` (the app's list, in src/sections.ts).
 */
export function packFiles(pack: ContentPack, sections: readonly AnyPackSection[], opts: PackFilesOptions = {}): ArchiveFile[] {
  const encode = (value: unknown, comment?: string) => (opts.json ? Buffer.from(JSON.stringify(value, null, 1), 'utf8') : yaml(value, comment));
  const files: ArchiveFile[] = [];
  const paths = new Set<string>();
  const add = (path: string, data: Buffer) => {
    if (!SAFE_PATH.test(path) || path.split('/').includes('..')) throw new PackFileError(path, `The content names a file that no pack folder can hold: ${path}`);
    if (paths.has(path)) throw new PackFileError(path, `The content names the file ${path} twice`);
    paths.add(path);
    files.push({ path, data });
  };

  const manifest = structuredClone(pack.manifest);
  const logo = manifest.brand.logo;
  if (logo?.data !== undefined) {
    add(logo.file, Buffer.from(logo.data, 'base64'));
    delete logo.data;
  }
  const when = (opts.exportedAt ?? new Date()).toISOString().slice(0, 10);
  add('pack.yaml', encode(manifest, `Exported from the published content${opts.version ? ` (version ${opts.version})` : ''} on ${when}.`));
  add('levels.yaml', encode([...pack.levels].sort((a, b) => a.rank - b.rank)));
  add('need-areas.yaml', encode(pack.needAreas));
  add('glossary.yaml', encode(pack.glossary));
  for (const s of [...pack.services].sort((a, b) => a.slug.localeCompare(b.slug))) add(`services/${s.slug}.yaml`, encode(s));

  for (const section of sections) {
    const value = pack.sections[section.name];
    if (value === undefined) continue;
    if (section.kind === 'file') {
      add(section.path, encode(value));
      continue;
    }
    for (const item of value as Array<{ file: string; value: unknown }>) {
      if (dirname(item.file) !== section.path) throw new PackFileError(item.file, `The content puts ${item.file} outside its folder ${section.path}`);
      add(item.file, encode(item.value));
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
