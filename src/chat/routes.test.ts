import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, csrfFrom, type TestApp } from '../../test/helpers/app.js';
import { ChatRepository } from './repository.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const chat = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/chat', payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers } });

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

  it('keeps an unanswered question for editors, redacted', async () => {
    await chat({ message: 'my pupil Jayden Smith at RM10 9QH wants a trampoline, call 07700 900123' });
    const kept = await new ChatRepository(t.store).unanswered();
    const q = kept.find((k) => k.question.includes('trampoline'));
    expect(q).toBeDefined();
    expect(q!.question).not.toMatch(/Jayden|Smith|RM10|07700/);
  });

  it('counts "was this helpful" per answer, and refuses unknown answers', async () => {
    const send = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/chat/feedback', payload: payload as object, headers: { 'content-type': 'application/json' } });
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
    const app = await buildTestApp();
    const ask = () =>
      app.app.inject({ method: 'POST', url: '/api/chat', payload: JSON.stringify({ message: 'what is early help' }), headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' } });
    for (let i = 0; i < 120; i++) expect((await ask()).statusCode).toBe(200);
    const limited = await ask();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ statusCode: 429 });
    const page = await app.app.inject({ method: 'GET', url: '/ask', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(page.statusCode).toBe(200);
    const other = await app.app.inject({ method: 'POST', url: '/api/chat', payload: JSON.stringify({ message: 'what is early help' }), headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.10' } });
    expect(other.statusCode).toBe(200);
    await app.close();
  });
});
