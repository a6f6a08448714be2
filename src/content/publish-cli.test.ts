/** `npm run content:publish -- <pack folder>`: a valid pack becomes a new content version; an invalid one changes nothing. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseEnv, testDatabase } from '../../test/helpers/app.js';
import { copyDefaultPack, type TempPack } from '../../test/helpers/pack.js';
import { openStore } from '../store/store.js';
import { projectRoot } from './pack-dir.js';

const run = (packDir: string, env: Record<string, string>) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(projectRoot(), 'src', 'content', 'publish-cli.ts'), packDir], { env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

describe('npm run content:publish', () => {
  let pack: TempPack;
  let dir: string;
  let drop: () => Promise<void>;
  afterEach(async () => {
    pack?.cleanup();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a valid pack as a new version, and refuses an invalid one, publishing nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'isg-publish-cli-'));
    const database = testDatabase(dir);
    drop = database.drop;
    pack = copyDefaultPack();
    const env = databaseEnv(database);
    // the database exists before the command runs, as it does when instances are serving it
    await (await openStore(database)).close();

    const first = await run(pack.dir, env);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/as content version 1\./);

    pack.editYaml<Record<string, unknown>>('pack.yaml', (m) => void (m['serviceName'] = 'A renamed guidance'));
    const second = await run(pack.dir, env);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/as content version 2\./);

    pack.write('levels.yaml', 'not: [a list of levels\n');
    const bad = await run(pack.dir, env);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('Nothing was published');

    const store = await openStore(database);
    try {
      expect(await store.contentVersion()).toBe(2);
      expect((await store.content.loadPack())?.manifest.serviceName).toBe('A renamed guidance');
    } finally {
      await store.close();
    }
  }, 60_000);
});
