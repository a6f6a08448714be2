import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The repository root (the nearest folder with package.json), whether running from src/ (tsx) or dist/src/ (built). */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the code');
    dir = up;
  }
  root = dir;
  return root;
}

/**
 * The content pack served when CONTENT_PACK is not set: `config.contentPack` in package.json, so
 * that the code names no borough.
 */
export function defaultPackDir(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { config?: { contentPack?: string } };
  const pack = pkg.config?.contentPack;
  if (!pack) throw new Error('package.json has no config.contentPack: set it, or set CONTENT_PACK');
  return join(projectRoot(), pack);
}
