/** Configuration from environment variables (see README "Configuration"). */
import { join } from 'node:path';
import { defaultPackDir, projectRoot } from '../content/pack-dir.js';

export interface Config {
  port: number;
  host: string;
  packDir: string;
  databaseFile: string;
  logLevel: string;
  /** secret for signing cookies; generated and kept under data/ when not set */
  sessionSecret?: string;
  /** origins allowed to frame the guidance (the council website), for CSP frame-ancestors */
  frameAncestors: string[];
  /** the phase shown in the phase banner */
  phase: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a whole number from 0 to 65535, not "${env['PORT']}"`);
  return {
    port,
    host: env['HOST'] ?? '0.0.0.0',
    packDir: env['CONTENT_PACK'] ?? defaultPackDir(),
    databaseFile: env['DATABASE_FILE'] ?? join(projectRoot(), 'data', 'guidance.sqlite'),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    sessionSecret: env['SESSION_SECRET'] || undefined,
    frameAncestors: (env['FRAME_ANCESTORS'] ?? "'self'").split(/\s+/).filter(Boolean),
    phase: env['PHASE'] ?? 'Beta',
  };
}
