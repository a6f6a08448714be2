// Bundles the client script (progressive enhancement) with esbuild into dist/public/app.js.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/web/client/main.ts'],
  bundle: true,
  format: 'esm',
  target: ['es2020'],
  minify: true,
  sourcemap: true,
  outfile: 'dist/public/app.js',
  logLevel: 'warning',
});
