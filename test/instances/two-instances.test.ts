/**
 * Two app instances on one PostgreSQL database serve one published content: a pack published by a
 * third process (as `npm run content:publish` does) reaches both within seconds, on every reader:
 * the service page, the directory's search, the chat, the open data API, and the layout's contacts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPackDir } from '../../src/content/pack-dir.js';
import { publishContent } from '../../src/publishing.js';
import { openStore } from '../../src/store/store.js';
import { buildApp, type App } from '../../src/web/app.js';
import { dropSchema, newSchemaName, POSTGRES_SKIPPED, requirePostgres } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { copyDefaultPack, type TempPack } from '../helpers/pack.js';
import { loadPack } from '../../src/content/load.js';
import { packSections } from '../../src/sections.js';

const url = requirePostgres();
if (!url) console.warn(POSTGRES_SKIPPED);

type Yaml = Record<string, unknown>;

describe.skipIf(!url)('two instances on one PostgreSQL', () => {
  const schema = newSchemaName();
  const database = { databaseFile: ':memory:', databaseUrl: url, postgres: { schema, max: 4 } };
  const instances: App[] = [];
  let pack: TempPack;
  const original = loadPack(defaultPackDir(), packSections).pack!;
  const service = original.services.find((s) => s.status === 'active' && s.phones.length > 0) ?? original.services[0]!;
  const oldFrontDoor = original.manifest.contacts.frontDoor.phones[0]!.number;
  // a number Ofcom keeps for drama, so never a real line
  const newFrontDoor = '020 7946 0321';
  const newName = 'Quince Tree Family Support';

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      instances.push(await buildApp({ packDir: defaultPackDir(), ...database, logLevel: 'silent', sessionSecret: undefined }));
    }
    pack = copyDefaultPack();
  });
  afterAll(async () => {
    for (const i of instances) await i.app.close();
    pack?.cleanup();
    if (url) await dropSchema(url, schema);
  });

  const page = async (i: App, path: string) => (await i.app.inject(path)).body;

  it('serve the same content, and both serve a pack published by another process within seconds', async () => {
    for (const i of instances) {
      expect(await page(i, `/services/${service.slug}`)).toContain(service.name);
      expect(await page(i, '/')).toContain(oldFrontDoor);
    }
    expect(instances[0]!.content.version()).toBe(instances[1]!.content.version());

    pack.editYaml<Yaml>(`services/${service.slug}.yaml`, (s) => void (s['name'] = newName));
    pack.editYaml<Yaml>('pack.yaml', (m) => {
      const front = (m['contacts'] as Record<string, Yaml>)['frontDoor']!;
      (front['phones'] as Yaml[])[0]!['number'] = newFrontDoor;
    });
    const publisher = await openStore(database);
    let version: number;
    const started = performance.now();
    try {
      version = (await publishContent(publisher, pack.dir, packSections)).version;
    } finally {
      await publisher.close();
    }

    for (const i of instances) {
      await eventually(async () => expect(i.content.version()).toBe(version));
    }
    const seenWithin = performance.now() - started;
    expect(seenWithin).toBeLessThan(5_000);
    for (const i of instances) {
      // the service page
      const servicePage = await page(i, `/services/${service.slug}`);
      expect(servicePage).toContain(newName);
      // the directory's search
      expect(await page(i, `/services?q=${encodeURIComponent('Quince Tree')}`)).toContain(newName);
      // the open data API, list and search
      const api = JSON.parse(await page(i, `/api/v1/services?search=quince`)) as { contents: Array<{ name: string }> };
      expect(api.contents.map((s) => s.name)).toEqual([newName]);
      // the layout's contacts, on every page
      for (const path of ['/', '/needs-check', `/services/${service.slug}`]) {
        const html = await page(i, path);
        expect(html, path).toContain(newFrontDoor);
        expect(html, path).not.toContain(oldFrontDoor);
      }
      // the chat: danger brings the front door's new number
      const chat = await i.app.inject({ method: 'POST', url: '/api/chat', payload: { message: 'hes got a knife' }, headers: { 'sec-fetch-site': 'same-origin' } });
      expect(chat.statusCode).toBe(200);
      expect(chat.body).toContain(newFrontDoor);
      expect(chat.body).not.toContain(oldFrontDoor);
    }
  });

  it('keep the published pack when an instance restarts with the default pack configured', async () => {
    const restarted = await buildApp({ packDir: defaultPackDir(), ...database, logLevel: 'silent' });
    try {
      expect(restarted.published.imported).toBe(false);
      expect(await page(restarted, `/services/${service.slug}`)).toContain(newName);
    } finally {
      await restarted.app.close();
    }
  });
});
