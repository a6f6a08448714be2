// Builds the client script once before any test, so pages under test load the same bundle as production.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-client.mjs'], { stdio: 'inherit' });
}
