/**
 * The chat bot's routes:
 *   GET  /ask                 the chat as a page (works without JavaScript)
 *   POST /ask                 a question from the page's form (CSRF); the conversation so far travels
 *                             in hidden fields and is replayed, so the server keeps nothing
 *   POST /ask/feedback        "was this helpful?" from the page (CSRF)
 *   POST /api/chat            {"message", "context"} → {"reply", "links", "suggestions", "context", ...}
 *   POST /api/chat/feedback   {"answerId", "helpful"} from the panel
 * Only redacted unanswered questions and anonymous helpfulness counts are stored. The two API
 * routes answer only the site's own pages (the browser's Sec-Fetch-Site or Origin says so; a page
 * form carries its CSRF token instead), and each address may write a limited number of questions and
 * ratings a day, so no one can fill the editors' queue or skew the ratings.
 */
import rateLimit from '@fastify/rate-limit';
import { sharedRateLimits } from '../web/rate-limits.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { normalise, tokenize } from '../content/vocabulary.js';
import type { ToolDeps } from '../web/tools.js';
import { ChatEngine, MAX_MESSAGE_LENGTH, type ChatContext, type ChatReply } from './engine.js';
import { redactorFor } from '../privacy/redact.js';
import { ALL } from '../insights/insights.js';
import { ChatRepository } from './repository.js';

/** How many earlier questions the page carries; older ones drop off. */
const MAX_TURNS = 8;

const apiRequest = z.object({
  message: z.string({ error: 'message must be text' }),
  context: z.record(z.string(), z.unknown(), { error: 'context must be an object' }).optional(),
});

const feedbackRequest = z.object({
  answerId: z.string().min(1).max(200),
  helpful: z.boolean(),
});

interface Turn {
  question: string;
  reply: ChatReply;
  paragraphs: string[];
}

function isJson(req: FastifyRequest): boolean {
  return /^application\/json\b/i.test(req.headers['content-type'] ?? '');
}

function badRequest(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ error: status === 415 ? 'Unsupported Media Type' : 'Bad Request', message, statusCode: status });
}

function asList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Writes (unanswered questions kept, ratings) per address per day, unless the app is given another number. */
export const CHAT_WRITES_PER_DAY = 100;

export async function chatRoutes(app: FastifyInstance, { store, content, site, limits, insights }: ToolDeps): Promise<void> {
  const repo = new ChatRepository(store);
  const writesPerDay = limits.chatWritesPerDay ?? CHAT_WRITES_PER_DAY;
  /** whether this address may write once more today (and counts the write), on every instance */
  const mayWrite = async (req: FastifyRequest): Promise<boolean> => {
    const { count } = await limits.counters.increment(limits.counters.key('chat-writes', req.ip), 24 * 60 * 60 * 1000);
    return count <= writesPerDay;
  };
  const forbidden = (reply: FastifyReply) =>
    reply.code(403).send({ error: 'Forbidden', message: 'The chat answers its own pages only: ask from the guidance.', statusCode: 403 });
  // The engine for the published pack, built in the background a slice at a time (on a large
  // directory it takes seconds, and the other tools serve meanwhile): from when the app is ready, and
  // again on the first question after a new version. A question asked before it is ready waits for it.
  let building: { pack: unknown; engine: Promise<ChatEngine> } | undefined;
  const bot = (): Promise<ChatEngine> => {
    const pack = content();
    if (building?.pack !== pack) {
      const engine = ChatEngine.build(pack);
      const current = { pack, engine };
      building = current;
      // a failed build is tried again by the next question
      engine.catch((err: unknown) => {
        if (building === current) building = undefined;
        app.log.error({ err }, 'the chat engine could not be built');
      });
    }
    return building.engine;
  };
  app.addHook('onReady', async () => {
    void bot();
  });

  // questions and feedback are limited per client; reading the page is not (a school shares one address)
  await app.register(rateLimit, sharedRateLimits(limits.counters));
  const limited = { rateLimit: { max: 120, timeWindow: '1 minute' } };

  /**
   * Asks the engine and keeps the question for editors when it could not be answered: its known
   * words only, and only when some are left.
   */
  async function ask(req: FastifyRequest, message: string, context: unknown): Promise<ChatReply> {
    const r = (await bot()).respond(message, context);
    if (r.band === 'unsure' && tokenize(message).length > 0) {
      // counted whether or not any words of it are kept: a count per day, nothing of the question
      insights.count('chat-unanswered', ALL);
      const kept = redactorFor(content()).question(message);
      if (kept.replace(/\[[^\]]*\]/g, '').match(/[\p{L}\p{N}]/u) && (await mayWrite(req))) await repo.recordUnanswered(kept);
    }
    return r;
  }

  /** Replays the earlier questions of a page conversation to rebuild the replies and the context. */
  async function replay(questions: string[]): Promise<{ turns: Turn[]; context: ChatContext }> {
    const engine = await bot();
    const turns: Turn[] = [];
    let context: ChatContext = {};
    for (const q of questions.slice(-MAX_TURNS)) {
      const text = q.slice(0, MAX_MESSAGE_LENGTH);
      if (!normalise(text)) continue;
      const reply = engine.respond(text, context);
      context = reply.context;
      turns.push({ question: text, reply, paragraphs: reply.reply.split(/\n\n+/) });
    }
    return { turns, context };
  }

  const renderPage = (reply: FastifyReply, view: { turns: Turn[]; errorList?: unknown[]; error?: string; value?: string; thanks?: boolean; status?: number }) => {
    const csrfToken = reply.csrfToken();
    return reply.code(view.status ?? 200).render('chat/views/ask.njk', {
      title: 'Ask a question',
      csrfToken,
      turns: view.turns,
      history: view.turns.map((t) => t.question),
      errorList: view.errorList ?? [],
      error: view.error,
      value: view.value ?? '',
      thanks: view.thanks ?? false,
      maxLength: MAX_MESSAGE_LENGTH,
      maxTurns: MAX_TURNS,
    });
  };

  app.get('/ask', (_req, reply) => renderPage(reply, { turns: [] }));

  app.post('/ask', { preHandler: app.csrfProtection, config: limited }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { turns, context } = await replay(asList(body['q']));
    const suggestion = asList(body['suggestion'])[0];
    const message = suggestion ?? asList(body['message'])[0] ?? '';
    if (!message.trim()) {
      const error = 'Enter your question';
      return renderPage(reply, { turns, error, errorList: [{ text: error, href: '#message' }], value: message, status: 400 });
    }
    if (message.length > MAX_MESSAGE_LENGTH) {
      const error = `Your question must be ${MAX_MESSAGE_LENGTH.toLocaleString('en-GB')} characters or fewer`;
      return renderPage(reply, { turns, error, errorList: [{ text: error, href: '#message' }], value: message.slice(0, MAX_MESSAGE_LENGTH), status: 400 });
    }
    const r = await ask(req, message, context);
    return renderPage(reply, { turns: [...turns, { question: message, reply: r, paragraphs: r.reply.split(/\n\n+/) }].slice(-MAX_TURNS) });
  });

  app.post('/ask/feedback', { preHandler: app.csrfProtection, config: limited }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const answerId = asList(body['answerId'])[0] ?? '';
    const helpful = asList(body['helpful'])[0];
    if ((await bot()).entry(answerId) && (helpful === 'yes' || helpful === 'no') && (await mayWrite(req))) await repo.recordFeedback(answerId, helpful === 'yes');
    const { turns } = await replay(asList(body['q']));
    return renderPage(reply, { turns, thanks: true });
  });

  app.post('/api/chat', { config: limited }, async (req, reply) => {
    if (!site.sameOrigin(req)) return forbidden(reply);
    void reply.header('cache-control', 'no-store');
    if (!isJson(req)) return badRequest(reply, 415, 'Send the request as JSON with content-type application/json.');
    const parsed = apiRequest.safeParse(req.body);
    if (!parsed.success) return badRequest(reply, 400, parsed.error.issues[0]?.message ?? 'The request could not be understood.');
    const { message, context } = parsed.data;
    // only an empty request is malformed; emoji or punctuation alone get a reply asking for a question
    if (!message.trim()) return badRequest(reply, 400, 'message must not be empty.');
    if (message.length > MAX_MESSAGE_LENGTH) return badRequest(reply, 400, `message must be at most ${MAX_MESSAGE_LENGTH} characters.`);
    const r = await ask(req, message, context ?? {});
    return reply.send({
      reply: r.reply,
      links: r.links,
      suggestions: r.suggestions,
      context: r.context,
      band: r.band,
      danger: r.danger,
      sameDay: r.sameDay === true,
      answerId: r.answerId ?? null,
    });
  });

  app.post('/api/chat/feedback', { config: limited }, async (req, reply) => {
    if (!site.sameOrigin(req)) return forbidden(reply);
    if (!isJson(req)) return badRequest(reply, 415, 'Send the request as JSON with content-type application/json.');
    const parsed = feedbackRequest.safeParse(req.body);
    if (!parsed.success) return badRequest(reply, 400, 'Send {"answerId": "...", "helpful": true or false}.');
    if (!(await bot()).entry(parsed.data.answerId)) return badRequest(reply, 400, 'There is no answer with that id.');
    if (!(await mayWrite(req))) return reply.code(429).send({ error: 'Too Many Requests', message: 'This address has sent as many ratings as it may today.', statusCode: 429 });
    await repo.recordFeedback(parsed.data.answerId, parsed.data.helpful);
    return reply.code(202).send({ recorded: true });
  });
}
