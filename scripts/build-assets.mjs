// Gathers every static asset the pages load into dist/static/, laid out as its URL (dist/static/public/app.css
// is /public/app.css), writes a brotli (.br) and a gzip (.gz) copy beside each text asset (CSS, JS, SVG,
// source maps, JSON), and records each asset's content hash in dist/asset-hashes.json. Pages link to
// `<url>?v=<hash>`, which the server caches as immutable. Runs after build-client.mjs (it takes app.js
// from dist/public/, and site.css from build-styles.mjs).
//
// A stylesheet that names a font or image by URL gets that URL's hash too, so the stylesheet's own
// hash changes whenever one of them does.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, 'dist', 'static');

/** URL folder → where its files come from (a folder, or single files) */
const sources = [
  { url: '/public/', dir: join(root, 'src', 'web', 'public') },
  // govuk-frontend compiled with the site's own additions (build-styles.mjs); none of GOV.UK's own
  // fonts, icons or images are served
  { url: '/public/', files: [join(root, 'dist', 'public', 'site.css')] },
  { url: '/public/js/', files: ['app.js', 'app.js.map'].map((f) => join(root, 'dist', 'public', f)) },
  { url: '/public/cards/', dir: join(root, 'src', 'cards', 'public') },
  { url: '/public/directory/', dir: join(root, 'src', 'directory', 'public') },
  { url: '/needs-check/', files: [join(root, 'src', 'needs-check', 'needs-check.css')] },
];

/** Text assets worth compressing; fonts (woff2 is compressed already) and images are sent as they are. */
const COMPRESSIBLE = /\.(css|js|svg|map|json|ico)$/;

const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const p = join(dir, name);
  return statSync(p).isDirectory() ? walk(p) : [p];
});

rmSync(out, { recursive: true, force: true });
/** URL → file in dist/static */
const copied = new Map();
for (const source of sources) {
  const files = source.dir ? walk(source.dir).map((f) => ({ from: f, name: relative(source.dir, f) })) : source.files.map((f) => ({ from: f, name: f.split('/').pop() }));
  for (const { from, name } of files) {
    if (!existsSync(from)) throw new Error(`asset missing: ${from} (does build-client.mjs run first?)`);
    const url = source.url + name.split('\\').join('/');
    const to = join(out, url);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    copied.set(url, to);
  }
}

const hashOf = (file) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
const hashes = {};
// fonts and images first: the stylesheets that name them are rewritten before they are hashed
for (const [url, file] of copied) if (!/\.css$/.test(url)) hashes[url] = hashOf(file);
for (const [url, file] of copied) {
  if (!/\.css$/.test(url)) continue;
  const css = readFileSync(file, 'utf8').replace(/url\((\/[^)?#"']+)\)/g, (whole, ref) => (hashes[ref] ? `url(${ref}?v=${hashes[ref]})` : whole));
  writeFileSync(file, css);
  hashes[url] = hashOf(file);
}

for (const [url, file] of copied) {
  if (!COMPRESSIBLE.test(url)) continue;
  const body = readFileSync(file);
  writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
}

writeFileSync(join(root, 'dist', 'asset-hashes.json'), `${JSON.stringify(hashes, null, 1)}\n`);
