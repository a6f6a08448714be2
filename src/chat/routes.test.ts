import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withinOneWindow } from '../../test/helpers/clock.js';
import { buildTestApp, csrfFrom, type TestApp } from '../../test/helpers/app.js';
import { ChatRepository } from './repository.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

/** what a browser sends from one of the site's pages */
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };
const chat = (payload: unknown, headers: Record<string, string> = {}, app: TestApp = t, remoteAddress?: string) =>
  app.app.inject({
    method: 'POST',
    url: '/api/chat',
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...SAME_ORIGIN, ...headers },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
const feedback = (payload: unknown, headers: Record<string, string> = {}, app: TestApp = t, remoteAddress?: string) =>
  app.app.inject({
    method: 'POST',
    url: '/api/chat/feedback',
    payload: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...SAME_ORIGIN, ...headers },
    ...(remoteAddress ? { remoteAddress } : {}),
  });

async function pageForm() {
  const page = await t.app.inject({ method: 'GET', url: '/ask' });
  return csrfFrom(page.body, page.headers['set-cookie']);
}

async function postAsk(fields: Array<[string, string]>) {
  const { token, cookie } = await pageForm();
  const body = new URLSearchParams([['_csrf', token], ...fields]).toString();
  return t.app.inject({ method: 'POST', url: '/ask', payload: body, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
}

describe('POST /api/chat', () => {
  it('answers with reply, links, suggestions and context', async () => {
    const r = await chat({ message: 'whats kooth' });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ reply: expect.stringContaining('Kooth'), context: { service: 'kooth' }, band: 'answer', answerId: 'service-about:kooth' });
    expect(body.links).toContainEqual({ text: expect.any(String), href: '/services/kooth' });
    expect(Array.isArray(body.suggestions)).toBe(true);
  });

  it('keeps the context across a follow-up, held by the client', async () => {
    const first = (await chat({ message: 'whats kooth' })).json();
    const next = (await chat({ message: 'how do i refer to them?', context: first.context })).json();
    expect(next.answerId).toBe('service-refer:kooth');
  });

  it('keeps an emergency one message on: "police?" after a child in danger leads with the emergency guidance again', async () => {
    const first = (await chat({ message: 'a man is at the gate trying to grab a year 2 child right now' })).json();
    expect(first.danger).toBe(true);
    const next = (await chat({ message: 'police?', context: first.context })).json();
    expect(next.danger).toBe(true);
    expect((await chat({ message: 'police?' })).json().danger).toBe(false);
  });

  it('says when the same-day call leads instead of 999 (a child afraid to go home), and that it is not carried on', async () => {
    const first = (await chat({ message: 'y9 says her stepdad hits her and she is scared to go home' })).json();
    expect(first).toMatchObject({ danger: false, sameDay: true });
    expect(first.links[0].href).toMatch(/^tel:/);
    expect(first.links[0].text).toMatch(/front door/);
    const next = (await chat({ message: 'do I need consent?', context: first.context })).json();
    expect(next).toMatchObject({ danger: false, sameDay: false });
    expect((await chat({ message: 'whats kooth' })).json().sameDay).toBe(false);
  });

  it.each([
    ['an empty message', { message: '   ' }, 400],
    ['a missing message', { context: {} }, 400],
    ['a message that is not text', { message: 42 }, 400],
    ['10,000 characters', { message: 'a'.repeat(10_000) }, 400],
    ['a context that is not an object', { message: 'consent', context: 'x' }, 400],
  ])('refuses %s with a 4xx JSON error', async (_name, payload, status) => {
    const r = await chat(payload);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toMatchObject({ statusCode: status, message: expect.any(String) });
  });

  it('refuses a body that is not JSON', async () => {
    expect((await chat('message=hello', { 'content-type': 'application/x-www-form-urlencoded' })).statusCode).toBe(415);
    expect((await chat('{"message": ', {})).statusCode).toBe(400);
  });

  it('gives a clear reply, never a 500, for HTML and script, emoji and other languages', async () => {
    for (const message of ['<script>alert(1)</script><img src=x onerror=alert(1)>', '🙂🙂🙂 🚸', '¿Dónde está la biblioteca?', 'Где находится библиотека', '子供が危険です', 'a'.repeat(2000)]) {
      const r = await chat({ message });
      expect(r.statusCode, message).toBe(200);
      const body = r.json();
      expect(body.reply.length).toBeGreaterThan(0);
      expect(r.body).not.toContain('<script>');
      expect(r.body).not.toContain('<img');
    }
  });

  it('keeps an unanswered question for editors as its known words only', async () => {
    await chat({ message: 'my pupil jayden smith at RM10 9QH wants a trampoline, call 07700 900123' });
    await chat({ message: 'can oluwaseun zorblax \x1b[31mgrace\u202e' });
    const kept = (await new ChatRepository(t.store).unanswered()).map((k) => k.question);
    expect(kept).toContain('my pupil […] at [postcode] wants a trampoline call [phone]');
    expect(kept).toContain('can […]');
    expect(kept.join(' ')).not.toMatch(/jayden|smith|RM10|07700|oluwaseun|zorblax|grace|\u202e/i);
    expect(kept.join(' ')).not.toContain('\x1b');
  });

  it('keeps nothing of a question with no known word in it', async () => {
    const before = (await new ChatRepository(t.store).unanswered()).length;
    await chat({ message: 'Oluwaseun Adeyemi 07700 900123' });
    expect((await new ChatRepository(t.store).unanswered()).length).toBe(before);
  });

  it('counts "was this helpful" per answer, and refuses unknown answers', async () => {
    const send = (payload: unknown) => feedback(payload);
    expect((await send({ answerId: 'consent-early-help', helpful: true })).statusCode).toBe(202);
    expect((await send({ answerId: 'consent-early-help', helpful: false })).statusCode).toBe(202);
    expect((await send({ answerId: 'no-such-answer', helpful: true })).statusCode).toBe(400);
    expect((await send({ answerId: 'consent-early-help', helpful: 'yes' })).statusCode).toBe(400);
    expect(await new ChatRepository(t.store).feedback('consent-early-help')).toEqual({ helpful: 1, notHelpful: 1 });
  });
});

describe('/ask without JavaScript', () => {
  it('shows the form, the privacy line and a CSRF token', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/ask' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('data-qa="privacy-line"');
    expect(r.body).toMatch(/Do not type names/);
    expect(r.body).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('answers a posted question and carries the conversation in hidden fields', async () => {
    const r = await postAsk([['message', 'whats kooth']]);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('data-band="answer"');
    expect(r.body).toContain('<input type="hidden" name="q" value="whats kooth">');
    // the follow-up replays the history to know what "them" means
    const next = await postAsk([['q', 'whats kooth'], ['message', 'how do i refer to them']]);
    expect(next.body).toContain('How to refer to Kooth');
    // the page without JavaScript replays the history, so an emergency is carried one message on there too
    const answers = (body: string) => [...body.matchAll(/class="app-chat-turn__answer([^"]*)"/g)].map((m) => m[1]!.includes('--danger'));
    expect(answers((await postAsk([['q', 'a man is at the gate trying to grab a year 2 child right now'], ['message', 'police?']])).body)).toEqual([true, true]);
    expect(answers((await postAsk([['q', 'whats kooth'], ['message', 'police?']])).body)).toEqual([false, false]);
  });

  it('escapes HTML in questions', async () => {
    const r = await postAsk([['message', '<script>alert("x")</script>']]);
    expect(r.statusCode).toBe(200);
    expect(r.body).not.toContain('<script>alert');
    expect(r.body).toContain('&lt;script&gt;');
  });

  it('shows an error summary for an empty question, and refuses a post without CSRF', async () => {
    const r = await postAsk([['message', '  ']]);
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('govuk-error-summary');
    expect(r.body).toContain('Enter your question');
    const noToken = await t.app.inject({ method: 'POST', url: '/ask', payload: 'message=hello', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(noToken.statusCode).toBe(403);
  });

  it('records "was this helpful" from the page form', async () => {
    const { token, cookie } = await pageForm();
    const body = new URLSearchParams([['_csrf', token], ['answerId', 'who-can-refer'], ['helpful', 'yes'], ['q', 'whats kooth']]).toString();
    const r = await t.app.inject({ method: 'POST', url: '/ask/feedback', payload: body, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Thank you');
    expect((await new ChatRepository(t.store).feedback('who-can-refer')).helpful).toBe(1);
  });
});

describe('rate limit', () => {
  it('limits questions per client to 120 a minute with a clear 429, but never reading the page', async () => {
    await withinOneWindow(async () => {
      const app = await buildTestApp();
      const ask = (address: string) => chat({ message: 'what is early help' }, {}, app, address);
      for (let i = 0; i < 120; i++) expect((await ask('203.0.113.9')).statusCode).toBe(200);
      const limited = await ask('203.0.113.9');
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ statusCode: 429 });
      const page = await app.app.inject({ method: 'GET', url: '/ask', remoteAddress: '203.0.113.9' });
      expect(page.statusCode).toBe(200);
      expect((await ask('203.0.113.10')).statusCode).toBe(200);
      await app.close();
    });
  });

  it('is not reset by a made-up X-Forwarded-For, unless TRUST_PROXY says to believe the proxy that sends it', async () => {
    await withinOneWindow(async () => {
      const app = await buildTestApp();
      const rotating = (i: number) => chat({ message: 'what is early help' }, { 'x-forwarded-for': `198.51.100.${i % 250}` }, app, '203.0.113.20');
      for (let i = 0; i < 120; i++) await rotating(i);
      expect((await rotating(121)).statusCode).toBe(429);
      await app.close();

      // behind one proxy that the app is told to believe, each client is known by the address it reports
      const proxied = await buildTestApp({ trustProxy: 1 });
      const viaProxy = (client: string) => chat({ message: 'what is early help' }, { 'x-forwarded-for': client }, proxied, '10.0.0.2');
      for (let i = 0; i < 120; i++) await viaProxy('198.51.100.7');
      expect((await viaProxy('198.51.100.7')).statusCode).toBe(429);
      expect((await viaProxy('198.51.100.8')).statusCode).toBe(200);
      await proxied.close();
    });
  });
});

describe('chat writes', () => {
  it('answer the site’s own pages only: Sec-Fetch-Site or Origin must say so', async () => {
    const message = { message: 'zorblax trampoline question' };
    const host = { host: 'localhost:80' };
    const ratedBefore = await new ChatRepository(t.store).feedback('who-can-refer');
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': '' }, { origin: 'https://evil.example' }, { origin: 'null' }]) {
      const r = await t.app.inject({ method: 'POST', url: '/api/chat', payload: JSON.stringify(message), headers: { 'content-type': 'application/json', ...host, ...headers } });
      expect(r.statusCode, JSON.stringify(headers)).toBe(403);
      expect(r.json()).toMatchObject({ statusCode: 403 });
      const f = await t.app.inject({ method: 'POST', url: '/api/chat/feedback', payload: JSON.stringify({ answerId: 'who-can-refer', helpful: false }), headers: { 'content-type': 'application/json', ...host, ...headers } });
      expect(f.statusCode).toBe(403);
    }
    // with neither header (a script, not a browser) nothing is answered or written either
    expect((await t.app.inject({ method: 'POST', url: '/api/chat', payload: JSON.stringify(message), headers: { 'content-type': 'application/json' } })).statusCode).toBe(403);
    expect((await new ChatRepository(t.store).unanswered()).some((q) => q.question.includes('trampoline question'))).toBe(false);
    expect(await new ChatRepository(t.store).feedback('who-can-refer')).toEqual(ratedBefore);
    // an older browser's Origin of this very site is enough
    const own = await t.app.inject({ method: 'POST', url: '/api/chat', payload: JSON.stringify({ message: 'whats kooth' }), headers: { 'content-type': 'application/json', ...host, origin: 'http://localhost:80' } });
    expect(own.statusCode).toBe(200);
    expect(own.headers['cache-control']).toBe('no-store');
  });

  it('are capped per address per day: questions are still answered but no longer kept, ratings refused', async () => {
    const app = await buildTestApp({ chatWritesPerDay: 3 });
    const repo = new ChatRepository(app.store);
    for (let i = 0; i < 5; i++) expect((await chat({ message: `zorblax trampoline number ${i}` }, {}, app, '203.0.113.30')).statusCode).toBe(200);
    expect((await repo.unanswered()).length).toBe(3);
    const refused = await feedback({ answerId: 'who-can-refer', helpful: false }, {}, app, '203.0.113.30');
    expect(refused.statusCode).toBe(429);
    expect(await repo.feedback('who-can-refer')).toEqual({ helpful: 0, notHelpful: 0 });
    expect((await feedback({ answerId: 'who-can-refer', helpful: false }, {}, app, '203.0.113.31')).statusCode).toBe(202);
    await chat({ message: 'zorblax trampoline from elsewhere' }, {}, app, '203.0.113.31');
    expect((await repo.unanswered()).length).toBe(4);
    await app.close();
  });
});
