// Compiles the site's stylesheet (src/web/styles/site.scss: govuk-frontend from its Sass, with the
// council's font stack, only the components the pages use, and the site's own additions) into
// dist/public/site.css, which build-assets.mjs then fingerprints and compresses.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as sass from 'sass';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, 'dist', 'public', 'site.css');
const result = sass.compile(join(root, 'src', 'web', 'styles', 'site.scss'), {
  loadPaths: [join(root, 'node_modules')],
  style: 'compressed',
  // govuk-frontend's own deprecation notices are its to fix, not ours
  quietDeps: true,
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, result.css);
