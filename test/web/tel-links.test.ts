/**
 * Phone numbers in running text (service pages, cards, results, the no-JavaScript chat) are tel:
 * links, and content text around them stays escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telLinks } from '../../src/web/views.js';
import { buildTestApp, csrfFrom, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

const get = async (url: string) => (await t.app.inject(url)).body;

describe('tel: links in running text', () => {
  it('links a number written in a service’s own text, on its page and its card', async () => {
    for (const url of ['/services/adult-social-care', '/services/adult-social-care/card']) {
      // "The out-of-hours line (020 8594 8356) is for adult safeguarding only" is a line of the card, not a contact field
      expect(await get(url), url).toMatch(/The out-of-hours line \(<a class="govuk-link" href="tel:02085948356">020 8594 8356<\/a>\)/);
    }
    expect(await get('/services/childline')).toContain('Give the child the number <a class="govuk-link" href="tel:08001111">0800 1111</a>');
  });

  it('links 999 in a result’s summary in the directory', async () => {
    expect(await get('/services?q=fgm')).toContain('call <a class="govuk-link" href="tel:999">999</a> if she is in danger');
  });

  it('links the numbers in a chat answer on /ask, without JavaScript', async () => {
    const page = await t.app.inject('/ask');
    const { token, cookie } = csrfFrom(page.body, page.headers['set-cookie']);
    const r = await t.app.inject({
      method: 'POST',
      url: '/ask',
      payload: new URLSearchParams([['_csrf', token], ['message', 'boy has a knife in his bag']]).toString(),
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.body).toMatch(/<p class="govuk-body">If a child is in immediate danger, call <a class="govuk-link" href="tel:999">999<\/a>/);
  });

  it('escapes the text around a number', () => {
    expect(String(telLinks('<b>call</b> 999 & "run"'))).toBe('&lt;b&gt;call&lt;/b&gt; <a class="govuk-link" href="tel:999">999</a> &amp; &quot;run&quot;');
    expect(String(telLinks(undefined))).toBe('');
  });
});
