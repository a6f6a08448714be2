import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, csrfFrom, type TestApp } from '../../test/helpers/app.js';
import { ChatRepository } from '../chat/repository.js';
import { projectRoot } from '../content/pack-dir.js';
import { ReportRepository } from '../directory/reports.js';
import { deleteExpired } from '../privacy/retention.js';
import { editorReport } from './editor-report.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const runCli = (script: string, database: Record<string, string>, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(projectRoot(), 'src', 'admin', script), ...args], { env: { ...process.env, ...database } }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

describe("the editors' report", () => {
  it('shows what staff sent through the pages, redacted, and nothing else', async () => {
    // a report of a wrong record, sent as a browser would
    const page = await t.app.inject({ method: 'GET', url: '/services/childline/report' });
    expect(page.statusCode).toBe(200);
    const { token, cookie } = csrfFrom(page.body, page.headers['set-cookie']);
    const sent = await t.app.inject({
      method: 'POST',
      url: '/services/childline/report',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, reason: 'wrong-contact', details: 'Ring jo bloggs on 07700.900.123 instead\x1b[2J\u202e' }).toString(),
    });
    expect(sent.statusCode).toBeLessThan(400);
    // a question the bot cannot answer, and a rating, from the site's own pages
    const own = { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' };
    await t.app.inject({ method: 'POST', url: '/api/chat', headers: own, payload: JSON.stringify({ message: 'does tyler smith at IG11 7NB need a zorblax form' }) });
    await t.app.inject({ method: 'POST', url: '/api/chat/feedback', headers: own, payload: JSON.stringify({ answerId: 'consent-early-help', helpful: false }) });

    const report = await editorReport(t.store, { retentionDays: 90 });
    expect(report).toContain('Reports and questions are deleted 90 days after they were sent.');
    expect(report).toContain('/services/childline  A phone number, email or address is wrong: Ring [name] on [phone] instead');
    expect(report).toContain('does […] at [postcode] need a […] form');
    expect(report).toContain('- consent-early-help: 0 helpful, 1 not helpful');
    expect(report).not.toMatch(/bloggs|07700|tyler|smith|IG11|zorblax/i);
    // eslint-disable-next-line no-control-regex
    expect(report).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  });

  it('shows a control or format character that reached the store as its code, never as itself', async () => {
    await new ChatRepository(t.store).recordUnanswered('written by another tool \x1b]0;owned\x07 \u202edesrever');
    const report = await editorReport(t.store);
    expect(report).toContain('written by another tool \\u{1b}]0;owned\\u{7} \\u{202e}desrever');
    // eslint-disable-next-line no-control-regex
    expect(report).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  });
});

describe('retention', () => {
  it('deletes reports and questions older than the retention period, and keeps the rest', async () => {
    const app = await buildTestApp();
    const reports = new ReportRepository(app.store.db);
    const chat = new ChatRepository(app.store);
    const now = new Date('2026-11-26T12:00:00Z');
    await reports.add('childline', 'closed', 'old', new Date('2026-08-27T11:00:00Z'));
    await reports.add('childline', 'closed', 'recent', new Date('2026-08-28T13:00:00Z'));
    await chat.recordUnanswered('old question', new Date('2026-08-27T23:00:00Z'));
    await chat.recordUnanswered('recent question', new Date('2026-08-28T01:00:00Z'));
    expect(await deleteExpired(app.store, 90, now)).toEqual({ reports: 1, questions: 1, searchWords: 0 });
    expect((await reports.list()).map((r) => r.details)).toEqual(['recent']);
    expect((await chat.unanswered()).map((q) => q.question)).toEqual(['recent question']);
    await app.close();
  });

  it('redacts again, on start, what an older redaction stored', async () => {
    const first = await buildTestApp();
    // rows as the redaction before this one left them
    await first.store.db.withTables<{ chat_unanswered: { question: string; asked_on: string; redaction: number } }>().insertInto('chat_unanswered').values({ question: 'does [name] jayden need grace help', asked_on: '2026-11-20', redaction: 0 }).execute();
    await sql`insert into directory_report (service_slug, reason, details, created_at, redaction) values ('childline', 'other', ${'ask jayden on 07700.900.123'}, ${new Date().toISOString()}, 0)`.execute(first.store.db);
    await first.app.close();
    // the same database, opened again
    const again = await buildTestApp(first.database);
    expect((await new ChatRepository(again.store).unanswered()).map((q) => q.question)).toContain('does […] need […] help');
    expect((await new ReportRepository(again.store.db).list()).map((r) => r.details)).toContain('ask […] on [phone]');
    await again.close();
    await first.close();
  });

  it('`npm run editor:report` deletes what has expired and prints the rest; `npm run editor:delete` deletes everything sent', async () => {
    const app = await buildTestApp();
    const database = app.env;
    await new ReportRepository(app.store.db).add('childline', 'closed', 'long ago', new Date(Date.now() - 200 * 24 * 3600 * 1000));
    await new ReportRepository(app.store.db).add('childline', 'closed', 'this week');
    await new ChatRepository(app.store).recordUnanswered('what about trampolines');
    await new ChatRepository(app.store).recordFeedback('consent-early-help', true);
    await app.app.close();

    const printed = await runCli('report-cli.ts', database);
    expect(printed.code).toBe(0);
    expect(printed.out).toContain('this week');
    expect(printed.out).not.toContain('long ago');
    expect(printed.out).toContain('what about trampolines');

    const deleted = await runCli('delete-cli.ts', database);
    expect(deleted.code).toBe(0);
    expect(deleted.out).toContain('Deleted 1 report(s) and 1 unanswered question(s).');
    const after = await runCli('report-cli.ts', database);
    expect(after.out).toContain('Reports of something wrong with a service (0)');
    expect(after.out).toContain('Chat questions the bot could not answer (0)');
    expect(after.out).toContain('- consent-early-help: 1 helpful, 0 not helpful');
    expect((await runCli('delete-cli.ts', database, '--ratings')).out).toContain('the ratings of 1 answer(s)');
    expect((await runCli('delete-cli.ts', database, '--everything')).code).toBe(2);
    await app.close();
  }, 60_000);
});
