import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, csrfFrom, type TestApp } from '../../test/helpers/app.js';
import { editorReport } from './editor-report.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

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
      payload: new URLSearchParams({ _csrf: token, reason: 'wrong-contact', details: 'Ring Jo Bloggs on 07700 900123 instead' }).toString(),
    });
    expect(sent.statusCode).toBeLessThan(400);
    // a question the bot cannot answer, and a rating
    await t.app.inject({ method: 'POST', url: '/api/chat', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ message: 'does Tyler Smith at IG11 7NB need a zorblax form' }) });
    await t.app.inject({ method: 'POST', url: '/api/chat/feedback', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ answerId: 'consent-early-help', helpful: false }) });

    const report = await editorReport(t.store);
    expect(report).toContain('/services/childline  A phone number, email or address is wrong: Ring [name] on [phone] instead');
    expect(report).toMatch(/does \[name\] at \[postcode\] need a zorblax form/);
    expect(report).toContain('- consent-early-help: 0 helpful, 1 not helpful');
    expect(report).not.toMatch(/Bloggs|07700|Tyler|IG11/);
  });
});
