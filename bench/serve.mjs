/**
 * Serves the app for a bench in its own process, so that the load generator (autocannon, in the
 * bench's process) does not share the server's event loop: the server gets one core, the load the
 * other. Prints "listening <url>" when ready; stops on SIGTERM.
 *
 * Plain JavaScript over the built app (`dist/`, from `npm run build`, which `npm run bench` runs
 * first): the code `npm start` runs, not the sources through tsx, which wraps every function.
 */
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/web/app.js', import.meta.url);
if (!existsSync(built)) throw new Error('no built app in dist/: run "npm run build" first (npm run bench does)');
const { buildApp } = await import(built.href);

const packDir = process.env['BENCH_PACK'];
const databaseFile = process.env['BENCH_DB'];
if (!packDir || !databaseFile) throw new Error('BENCH_PACK and BENCH_DB must be set');
// PostgreSQL instead of the SQLite file: its URL and the bench's own schema
const databaseUrl = process.env['BENCH_DATABASE_URL'] || undefined;
const schema = process.env['BENCH_DATABASE_SCHEMA'] || undefined;
// the load generator stands in for one proxy in front of many staff: the chat bench gives each request
// its own X-Forwarded-For, which the app believes only from a proxy it is told to trust
const { app } = await buildApp({ packDir, databaseFile, databaseUrl, postgres: schema ? { schema } : undefined, logLevel: 'silent', sessionSecret: 'bench-secret-bench-secret-bench-secret', trustProxy: 1 });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
