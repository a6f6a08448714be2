/**
 * Export of the published content: the pack folder as a .tar.gz (unpacked with the system's tar,
 * loaded with loadPack, published to a second database whose service pages match), the ORUK feed
 * (every service valid against the profile's schema, the same ids as the API), the command
 * `content:export`, and who may export.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, get, signIn } from '../../test/helpers/admin.js';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { copyDefaultPack, type TempPack } from '../../test/helpers/pack.js';
import { readFeed } from '../api/import.js';
import { serviceValidator } from '../api/schema.js';
import { chatContent } from '../chat/content.js';
import { loadPack } from '../content/load.js';
import { packSections } from '../sections.js';
import { projectRoot } from '../content/pack-dir.js';
import { publishContent } from '../publishing.js';
import { AuditLog } from './audit.js';

const exec = promisify(execFile);
let t: TestApp;
let second: TestApp | undefined;
let changed: TempPack;
let work: string;
const RENAMED = 'A guidance renamed before export';

beforeAll(async () => {
  t = await buildTestApp();
  await addUser(t.store, 'editor@example.org', 'editor');
  await addUser(t.store, 'reviewer@example.org', 'reviewer');
  await addUser(t.store, 'admin@example.org', 'admin');
  // the published content differs from the pack folder the app started with: the export must be the database's
  changed = copyDefaultPack();
  changed.editYaml<Record<string, unknown>>('pack.yaml', (m) => void (m['serviceName'] = RENAMED));
  await publishContent(t.store, changed.dir, packSections);
  await t.content.refresh();
  work = mkdtempSync(join(tmpdir(), 'isg-export-'));
}, 60_000);
afterAll(async () => {
  await second?.close();
  await t?.close();
  changed?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** the page as another instance would render it, without this response's form token */
const page = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');

describe('the content pack', () => {
  it('downloads as a .tar.gz that unpacks to a folder loadPack reads without error, and publishes to another database with the same service pages', async () => {
    const { jar } = await signIn(t.app, 'reviewer@example.org');
    const r = await get(t.app, jar, '/admin/export/pack.tar.gz');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/gzip');
    const name = /^attachment; filename="([a-z0-9-]+)\.tar\.gz"$/.exec(String(r.headers['content-disposition']))?.[1];
    expect(name).toBeDefined();
    const file = join(work, 'pack.tar.gz');
    writeFileSync(file, r.rawPayload);
    const out = join(work, 'unpacked');
    mkdirSync(out);
    await exec('tar', ['-xzf', file, '-C', out]);
    expect(readdirSync(out)).toEqual([name]);
    const dir = join(out, name!);

    const published = t.content.pack();
    const loaded = loadPack(dir, packSections);
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(loaded.pack).toBeDefined();
    expect(loaded.pack!.manifest.serviceName).toBe(RENAMED);
    expect(loaded.pack!.services.map((s) => s.slug).sort()).toEqual(published.services.map((s) => s.slug).sort());
    expect(chatContent(loaded.pack!).faqs.length).toBe(chatContent(published).faqs.length);
    expect(chatContent(loaded.pack!).faqs.length).toBeGreaterThan(0);
    // the same content, record for record
    expect(JSON.parse(JSON.stringify(loaded.pack))).toEqual(JSON.parse(JSON.stringify({ ...published, services: [...published.services].sort((a, b) => a.slug.localeCompare(b.slug)) })));

    // published to a second database, it serves the same pages
    second = await buildTestApp({ packDir: dir });
    expect(second.content.pack().manifest.serviceName).toBe(RENAMED);
    for (const s of published.services) {
      const [a, b] = [await t.app.inject(`/services/${s.slug}`), await second.app.inject(`/services/${s.slug}`)];
      expect(b.statusCode, s.slug).toBe(200);
      expect(page(b.body), s.slug).toBe(page(a.body));
    }
    const [a, b] = [await t.app.inject('/services/cards?need=abuse'), await second.app.inject('/services/cards?need=abuse')];
    expect(page(b.body)).toBe(page(a.body));

    const last = (await new AuditLog(t.store.db).page(1)).entries[0]!;
    expect(last).toMatchObject({ action: 'content-exported', actorEmail: 'reviewer@example.org', detail: { format: 'pack' } });
  }, 120_000);

  it('is written by npm run content:export from the configured database, and refuses a folder that is not empty', async () => {
    const cli = (folder: string) =>
      exec(process.execPath, ['--import', 'tsx', join(projectRoot(), 'src', 'content', 'export-cli.ts'), folder], { env: { ...process.env, ...t.env } }).then(
        (res) => ({ code: 0, out: res.stdout, err: res.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
    const folder = join(work, 'from-cli');
    const done = await cli(folder);
    expect(done.code, done.err).toBe(0);
    expect(done.out).toContain('content:check passes');
    const loaded = loadPack(folder, packSections);
    expect(loaded.pack?.manifest.serviceName).toBe(RENAMED);
    expect(loaded.pack?.services.length).toBe(t.content.pack().services.length);
    const again = await cli(folder);
    expect(again.code).toBe(2);
    expect(again.err).toContain('is not empty');
  }, 60_000);
});

describe('the Open Referral UK feed', () => {
  it('has every published service, fully nested and valid against the profile, with the API’s ids', async () => {
    const { jar } = await signIn(t.app, 'admin@example.org');
    const r = await get(t.app, jar, '/admin/export/oruk.json');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="[a-z0-9-]+\.json"$/);
    const feed = JSON.parse(r.body) as { total_items: number; contents: Array<Record<string, unknown>> };
    expect(feed.total_items).toBe(t.content.pack().services.length);
    expect(feed.contents).toHaveLength(feed.total_items);
    const validate = serviceValidator();
    for (const s of feed.contents) expect(validate(s), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    const api = JSON.parse((await t.app.inject('/api/v1/services?per_page=500')).body) as { contents: Array<{ id: string }> };
    expect(feed.contents.map((s) => s['id']).sort()).toEqual(api.contents.map((s) => s.id).sort());
    // the same record as the API's own
    // in the shape npm run import:oruk reads
    const file = join(work, 'oruk.json');
    writeFileSync(file, r.body);
    expect(await readFeed(file)).toHaveLength(feed.total_items);
    const first = feed.contents[0]!;
    expect(first).toEqual(JSON.parse((await t.app.inject(`/api/v1/services/${String(first['id'])}`)).body));
  });
});

describe('who may export', () => {
  it('reviewers and admins; an editor gets 403; no one signed out', async () => {
    const urls = ['/admin/export', '/admin/export/pack.tar.gz', '/admin/export/oruk.json'];
    for (const email of ['reviewer@example.org', 'admin@example.org']) {
      const { jar } = await signIn(t.app, email);
      for (const url of urls) expect((await get(t.app, jar, url)).statusCode, `${email} ${url}`).toBe(200);
      expect((await get(t.app, jar, '/admin')).body).toContain('href="/admin/export"');
    }
    const { jar } = await signIn(t.app, 'editor@example.org');
    for (const url of urls) {
      const r = await get(t.app, jar, url);
      expect(r.statusCode, url).toBe(403);
      expect(r.body).toContain('You cannot use this page');
    }
    expect((await get(t.app, jar, '/admin')).body).not.toContain('href="/admin/export"');
    for (const url of urls) {
      const r = await t.app.inject(url);
      expect(r.statusCode, url).toBe(303);
      expect(r.headers.location).toBe(`/admin/sign-in?returnTo=${encodeURIComponent(url)}`);
    }
  });
});
