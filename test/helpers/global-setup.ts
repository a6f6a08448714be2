// Builds the client script and gathers the static assets once before any test, so pages under test load
// the same bundle and the same compressed assets as production.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-client.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-styles.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-assets.mjs'], { stdio: 'inherit' });
}
