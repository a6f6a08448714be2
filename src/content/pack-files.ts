/**
 * A pack held in memory, checked as its folder would be: the pack written back out as the files of a
 * pack folder (src/content/export.ts, each file as JSON), and read by exactly what `content:check`
 * runs on a folder. So a pack with an editor's draft applied is validated like any pack.
 */
import { packFiles, PackFileError } from './export.js';
import { loadPack, memorySource, type LoadOptions, type LoadResult } from './load.js';
import type { ContentPack } from './schema.js';
import type { AnyPackSection } from './sections.js';

/** Validates a pack held in memory, with the tools' `sections`, as content:check validates a folder. */
export function checkPack(pack: ContentPack, sections: readonly AnyPackSection[], options: LoadOptions = {}): LoadResult {
  let files;
  try {
    files = packFiles(pack, sections, { json: true });
  } catch (e) {
    // a record that names a file no folder can hold (a bad slug) is a problem with that record, not a crash
    if (e instanceof PackFileError) return { problems: [{ severity: 'error', file: e.path, message: e.message }], hash: '' };
    throw e;
  }
  return loadPack(memorySource(new Map(files.map((f) => [f.path, f.data]))), sections, options);
}
