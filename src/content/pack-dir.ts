import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whether running from src/ (tsx) or dist/src/ (built). */
export function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${'/dist/'}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
}

/** The default content pack shipped with the product. */
export function defaultPackDir(): string {
  return join(projectRoot(), 'content', 'barking-and-dagenham');
}
