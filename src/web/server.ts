/** Starts the server: `npm start`. Configuration comes from environment variables (README). */
import { InvalidContentError, formatProblem } from '../content/problems.js';
import { buildApp } from './app.js';
import { readConfig } from './config.js';

try {
  const config = readConfig();
  const { app, published, store } = await buildApp({
    packDir: config.packDir,
    databaseFile: config.databaseFile,
    databaseUrl: config.databaseUrl,
    logLevel: config.logLevel,
    sessionSecret: config.sessionSecret,
    frameAncestors: config.frameAncestors,
    phase: config.phase,
    secure: config.production,
    trustProxy: config.trustProxy,
    publicUrl: config.publicUrl,
    retentionDays: config.retentionDays,
    admin: config.admin,
  });
  if (config.production && !config.publicUrl) app.log.warn('PUBLIC_URL is not set: absolute links use the Host header each request came with');
  app.log.info(
    { database: store.dialect, pack: published.pack.manifest.id, services: published.pack.services.length, version: published.version, imported: published.imported, warnings: published.warnings.length },
    published.imported ? 'content pack imported into the database' : 'serving the content published in the database',
  );
  for (const w of published.warnings) app.log.warn(formatProblem(w));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
      void app.close().then(() => process.exit(0));
    });
  }
  await app.listen({ port: config.port, host: config.host });
} catch (err) {
  if (err instanceof InvalidContentError) {
    console.error(`The server did not start: the content pack is not valid.\n\n${err.problems.map(formatProblem).join('\n')}\n\nRun "npm run content:check" after fixing.`);
  } else {
    console.error(err);
  }
  process.exit(1);
}
