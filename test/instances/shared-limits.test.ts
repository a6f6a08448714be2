/**
 * Limits that hold across instances: two app instances on one PostgreSQL count one client's requests
 * together, so a load balancer cannot multiply a limit by the number of instances, and no address is
 * stored (only a keyed hash, deleted after its window).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { defaultPackDir } from '../../src/content/pack-dir.js';
import { buildApp, type App } from '../../src/web/app.js';
import { dropSchema, newSchemaName, POSTGRES_SKIPPED, requirePostgres } from '../helpers/database.js';

const url = requirePostgres();
if (!url) console.warn(POSTGRES_SKIPPED);

describe.skipIf(!url)('limits shared by two instances on one PostgreSQL', () => {
  const schema = newSchemaName();
  const database = { databaseFile: ':memory:', databaseUrl: url, postgres: { schema, max: 4 } };
  const instances: App[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      instances.push(await buildApp({ packDir: defaultPackDir(), ...database, logLevel: 'silent', sessionSecret: undefined, chatWritesPerDay: 3 }));
    }
  });
  afterAll(async () => {
    for (const i of instances) await i.app.close();
    if (url) await dropSchema(url, schema);
  });

  const rate = (i: App, remoteAddress: string) =>
    i.app.inject({
      method: 'POST',
      url: '/api/chat/feedback',
      payload: JSON.stringify({ answerId: 'who-can-refer', helpful: true }),
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      remoteAddress,
    });

  it('count a client\u2019s chat ratings together: the day\u2019s cap is reached across both', async () => {
    const [a, b] = instances as [App, App];
    expect((await rate(a, '203.0.113.7')).statusCode).toBe(202);
    expect((await rate(b, '203.0.113.7')).statusCode).toBe(202);
    expect((await rate(a, '203.0.113.7')).statusCode).toBe(202);
    expect((await rate(b, '203.0.113.7')).statusCode).toBe(429);
    expect((await rate(a, '203.0.113.7')).statusCode).toBe(429);
    // another client is counted on its own
    expect((await rate(b, '198.51.100.23')).statusCode).toBe(202);
  });

  it('keep no address: the counts are under a keyed hash', async () => {
    const rows = await sql<{ key: string }>`select key from rate_count`.execute(instances[0]!.store.db);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) {
      expect(r.key).not.toContain('203.0.113.7');
      expect(r.key).not.toContain('198.51.100.23');
    }
  });
});
