/** Copies the default pack to a temp folder so a test can break one thing in it. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadPack } from '../../src/content/load.js';
import { defaultPackDir } from '../../src/content/pack-dir.js';
import type { ContentProblem } from '../../src/content/problems.js';
import type { ContentPack } from '../../src/content/schema.js';
import { packSections } from '../../src/sections.js';

export interface TempPack {
  dir: string;
  /** reads a YAML file of the pack, lets `edit` change it, writes it back */
  editYaml<T = unknown>(rel: string, edit: (data: T) => T | void): void;
  write(rel: string, text: string): void;
  remove(rel: string): void;
  cleanup(): void;
}

export function copyDefaultPack(): TempPack {
  const dir = mkdtempSync(join(tmpdir(), 'isg-pack-'));
  cpSync(defaultPackDir(), dir, { recursive: true });
  return {
    dir,
    editYaml(rel, edit) {
      const file = join(dir, rel);
      const data = parse(readFileSync(file, 'utf8'));
      const out = edit(data);
      writeFileSync(file, stringify(out === undefined ? data : out));
    },
    write(rel, text) {
      writeFileSync(join(dir, rel), text);
    },
    remove(rel) {
      rmSync(join(dir, rel), { recursive: true, force: true });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The date tests judge review dates against, so they do not change with the calendar. */
export const TEST_TODAY = new Date('2026-12-01T12:00:00Z');

/** The problems loading finds in a copy of the default pack once `edit` has changed it. */
export function problemsAfter(edit: (p: TempPack) => void): ContentProblem[] {
  const temp = copyDefaultPack();
  try {
    edit(temp);
    return loadPack(temp.dir, packSections, { today: TEST_TODAY }).problems;
  } finally {
    temp.cleanup();
  }
}

let cached: ContentPack | undefined;

/** The default pack with every tool's section, loaded once per test file. */
export function defaultPack(): ContentPack {
  if (!cached) {
    const r = loadPack(defaultPackDir(), packSections, { today: TEST_TODAY });
    if (!r.pack) throw new Error(`the default pack does not load: ${JSON.stringify(r.problems.filter((p) => p.severity === 'error'))}`);
    cached = r.pack;
  }
  return cached;
}
