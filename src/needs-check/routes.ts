/**
 * The needs check's pages. Answers travel in the query string (GET forms with the answers so far as
 * hidden fields), so the server keeps nothing and a journey can be shared or bookmarked. Each question
 * page validates its own answer, then redirects to the next unanswered page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { projectRoot } from '../content/pack-dir.js';
import type { ContentPack } from '../content/schema.js';
import type { ToolDeps } from '../web/tools.js';
import { formatDate } from '../web/views.js';
import { answerParams, describeAnswerError, parseAnswers, toQuery, type AnswerError, type Answers } from './answers.js';
import type { NeedsCheckContent } from './content.js';
import { assess } from './engine.js';
import { BASE, journey, nextPage, onJourney, pagePath, previousPage, type Page } from './flow.js';
import { summaryText } from './summary.js';

export const TOOL_NAME = 'Presenting needs check';

type ErrorItem = { text: string; href: string };
type Apply = { ok: true; answers: Answers } | { ok: false; errors: ErrorItem[] } | { ok: false; tampered: AnswerError };

const section = (pack: ContentPack) => pack.sections['needsCheck'] as NeedsCheckContent;
const rawQuery = (req: FastifyRequest) => {
  const i = req.url.indexOf('?');
  return i < 0 ? '' : req.url.slice(i + 1);
};
const href = (p: Page, a: Answers, extra: Array<[string, string]> = []) => {
  const q = toQuery(a, extra);
  return q ? `${pagePath(p)}?${q}` : pagePath(p);
};

/** Applies one page's submitted answer to the answers so far. */
function applyAnswer(c: NeedsCheckContent, page: Page, base: Answers, params: URLSearchParams): Apply {
  const values = params.getAll('answer');
  const a: Answers = { ...base, indicators: { ...base.indicators } };
  const tampered = (param: string, value: string): Apply => ({ ok: false, tampered: { kind: 'unknown-id', param, value } });
  const err = (text: string, id = 'answer'): Apply => ({ ok: false, errors: [{ text, href: `#${id}` }] });
  switch (page.kind) {
    case 'danger': {
      if (values.length === 0) return err('Select yes if the child is in immediate danger or at risk of immediate harm');
      const v = values[0]!;
      if (values.length > 1 || (v !== 'yes' && v !== 'no')) return tampered('answer', v);
      a.danger = v;
      return { ok: true, answers: a };
    }
    case 'routes': {
      if (values.length === 0) return err(`Select all that apply, or select "${c.routesQuestion.none}"`);
      const allowed = new Set(c.routes.filter((r) => r.option).map((r) => r.id));
      for (const v of values) if (v !== 'none' && !allowed.has(v)) return tampered('answer', v);
      if (values.includes('none') && values.length > 1) return err(`Select the routes that apply, or select "${c.routesQuestion.none}" on its own`);
      a.routes = values.filter((v) => v !== 'none');
      return { ok: true, answers: a };
    }
    case 'areas': {
      if (values.length === 0) return err('Select at least one thing you are worried about');
      const allowed = new Set(c.areas.map((x) => x.id));
      for (const v of values) if (!allowed.has(v)) return tampered('answer', v);
      a.areas = c.areas.map((x) => x.id).filter((id) => values.includes(id));
      // answers for areas no longer chosen are dropped
      for (const id of Object.keys(a.indicators)) if (!a.areas.includes(id)) delete a.indicators[id];
      return { ok: true, answers: a };
    }
    case 'indicators': {
      const area = c.areas.find((x) => x.id === page.area)!;
      if (values.length === 0) return err(`Select the signs that fit, or select "${c.indicatorAnswers.none}"`);
      const ids = new Set(area.indicators.map((i) => i.id));
      for (const v of values) if (v !== 'none' && v !== 'not-sure' && !ids.has(v)) return tampered('answer', v);
      if (values.includes('none') && values.length > 1) return err(`Select the signs that fit, or select "${c.indicatorAnswers.none}" on its own`);
      a.indicators[area.id] = {
        indicators: area.indicators.map((i) => i.id).filter((id) => values.includes(id)),
        none: values.includes('none'),
        notSure: values.includes('not-sure'),
      };
      return { ok: true, answers: a };
    }
    case 'context': {
      const errors: ErrorItem[] = [];
      const pick = (field: 'age' | 'family' | 'disclosure', options: Array<{ id: string }>, message: string): string | undefined | 'tampered' => {
        const v = params.get(`${field}-answer`);
        if (v === null) {
          errors.push({ text: message, href: `#${field}-answer` });
          return undefined;
        }
        return options.some((o) => o.id === v) ? v : 'tampered';
      };
      const age = pick('age', c.context.age.options, 'Select how old the child is');
      const family = pick('family', c.context.family.options, 'Select what the family knows about your worry');
      const disclosure = pick('disclosure', c.context.disclosure.options, 'Select whether the child told you about this themselves');
      for (const [field, v] of [['age', age], ['family', family], ['disclosure', disclosure]] as const)
        if (v === 'tampered') return tampered(`${field}-answer`, params.get(`${field}-answer`) ?? '');
      if (errors.length > 0) return { ok: false, errors };
      a.age = age as string;
      a.family = family as string;
      a.disclosure = disclosure as string;
      return { ok: true, answers: a };
    }
    default:
      return { ok: true, answers: a };
  }
}

function badAnswers(reply: FastifyReply, error: AnswerError) {
  return reply.code(400).render('bad-request.njk', {
    heading: 'We could not read the answers in that link',
    message: `${describeAnswerError(error)} The link may have been changed or be out of date. Nothing has been stored, so you can start the check again.`,
    startAgainHref: BASE,
    startAgainText: 'Start the needs check again',
  });
}

const stepId = (p: Page) => (p.kind === 'indicators' ? `worry-${p.area}` : p.kind);

export async function needsCheckRoutes(app: FastifyInstance, { content }: ToolDeps): Promise<void> {
  const css = readFileSync(join(projectRoot(), 'src', 'needs-check', 'needs-check.css'), 'utf8');
  app.get(`${BASE}/needs-check.css`, (_req, reply) => reply.header('cache-control', 'public, max-age=86400').type('text/css; charset=utf-8').send(css));

  app.get(BASE, (_req, reply) => {
    const c = section(content());
    return reply.render('needs-check/views/start.njk', { title: TOOL_NAME, c, firstHref: pagePath({ kind: 'danger' }) });
  });

  const questionPage = (page: Page) => (req: FastifyRequest, reply: FastifyReply) => {
    const pack = content();
    const c = section(pack);
    const params = new URLSearchParams(rawQuery(req));
    const parsed = parseAnswers(c, params);
    if (!parsed.ok) return badAnswers(reply, parsed.error);
    const answers = parsed.answers;
    const fromCheck = params.get('from') === 'check';
    let errorList: ErrorItem[] | undefined;

    if (params.get('step') === stepId(page)) {
      const applied = applyAnswer(c, page, answers, params);
      if (!applied.ok && 'tampered' in applied) return badAnswers(reply, applied.tampered);
      if (applied.ok) return reply.redirect(href(nextPage(c, applied.answers), applied.answers), 303);
      errorList = applied.errors;
    }
    if (!onJourney(c, answers, page)) return reply.redirect(href(nextPage(c, answers), answers), 303);

    const prev = previousPage(c, answers, page);
    const backHref = fromCheck ? href({ kind: 'check' }, answers) : prev ? href(prev, answers) : BASE;
    const hidden: Array<[string, string]> = [...answerParams(answers), ['step', stepId(page)], ...(fromCheck ? ([['from', 'check']] as Array<[string, string]>) : [])];
    const common = { c, errorList, backHref, hidden, action: pagePath(page), submittedError: Boolean(errorList) };

    switch (page.kind) {
      case 'danger':
        return reply.render('needs-check/views/danger.njk', { ...common, title: c.danger.question, value: answers.danger });
      case 'routes':
        return reply.render('needs-check/views/routes.njk', {
          ...common,
          title: c.routesQuestion.question,
          options: c.routes.filter((r) => r.option),
          chosen: answers.routes === undefined ? [] : answers.routes.length === 0 ? ['none'] : answers.routes,
        });
      case 'areas':
        return reply.render('needs-check/views/areas.njk', { ...common, title: c.areasQuestion.question, chosen: answers.areas ?? [] });
      case 'indicators': {
        const area = c.areas.find((x) => x.id === page.area)!;
        const a = answers.indicators[area.id];
        const chosen = a ? [...a.indicators, ...(a.none ? ['none'] : []), ...(a.notSure ? ['not-sure'] : [])] : [];
        return reply.render('needs-check/views/indicators.njk', { ...common, title: area.question, area, levelsById: Object.fromEntries(pack.levels.map((l) => [l.id, l])), chosen });
      }
      case 'context': {
        const errorFor = (field: string) => errorList?.find((e) => e.href === `#${field}-answer`);
        return reply.render('needs-check/views/context.njk', {
          ...common,
          title: c.context.title,
          answers,
          ageError: errorFor('age'),
          familyError: errorFor('family'),
          disclosureError: errorFor('disclosure'),
        });
      }
      default:
        return reply.redirect(BASE, 303);
    }
  };

  app.get(pagePath({ kind: 'danger' }), questionPage({ kind: 'danger' }));
  app.get(pagePath({ kind: 'routes' }), questionPage({ kind: 'routes' }));
  app.get(pagePath({ kind: 'areas' }), questionPage({ kind: 'areas' }));
  app.get(pagePath({ kind: 'context' }), questionPage({ kind: 'context' }));
  app.get<{ Params: { area: string } }>(`${BASE}/worry/:area`, (req, reply) => {
    const c = section(content());
    if (!c.areas.some((a) => a.id === req.params.area)) return badAnswers(reply, { kind: 'unknown-id', param: 'area', value: req.params.area });
    return questionPage({ kind: 'indicators', area: req.params.area })(req, reply);
  });

  /**
   * The answers in the address for a page that needs them all (check your answers, the outcome):
   * a clear error for answers that cannot be read, the next question for a journey not yet done.
   */
  const answersFor = (req: FastifyRequest, reply: FastifyReply, pages: ReadonlyArray<Page['kind']>) => {
    const pack = content();
    const c = section(pack);
    const parsed = parseAnswers(c, rawQuery(req));
    if (!parsed.ok) return { sent: badAnswers(reply, parsed.error) };
    const answers = parsed.answers;
    const next = nextPage(c, answers);
    if (!pages.includes(next.kind)) return { sent: reply.redirect(href(next, answers), 303) };
    return { pack, c, answers, next };
  };

  app.get(pagePath({ kind: 'check' }), (req, reply) => {
    const found = answersFor(req, reply, ['check']);
    if ('sent' in found) return found.sent;
    const { pack, c, answers } = found;
    const pages = journey(c, answers);
    const change = (p: Page) => href(p, answers, [['from', 'check']]);
    const rows = checkRows(pack, c, answers, pages, change);
    const prev = pages[pages.length - 2];
    return reply.render('needs-check/views/check.njk', {
      title: 'Check your answers',
      rows,
      backHref: prev ? href(prev, answers) : BASE,
      outcomeHref: href({ kind: 'outcome' }, answers),
    });
  });

  app.get(pagePath({ kind: 'outcome' }), (req, reply) => {
    const found = answersFor(req, reply, ['check', 'outcome']);
    if ('sent' in found) return found.sent;
    const { pack, c, answers, next } = found;
    const outcome = assess(pack, answers);
    const today = new Date().toISOString().slice(0, 10);
    return reply.render('needs-check/views/outcome.njk', {
      title: outcome.kind === 'level' && outcome.level ? `${outcome.level.label}: ${outcome.level.name}` : (outcome.routes[0]?.title ?? 'Outcome'),
      c,
      outcome,
      summary: summaryText(outcome, { toolName: TOOL_NAME, date: formatDate(today) }),
      checkHref: next.kind === 'check' ? href({ kind: 'check' }, answers) : href({ kind: 'danger' }, answers),
      backHref: next.kind === 'check' ? href({ kind: 'check' }, answers) : href({ kind: 'danger' }, answers),
      startHref: BASE,
    });
  });
}

interface Row {
  key: { text: string };
  value: { text?: string; html?: string };
  actions: { items: Array<{ href: string; text: string; visuallyHiddenText: string }> };
}

/** Check-your-answers rows; values are plain text (escaped by the govuk macros). */
function checkRows(pack: ContentPack, c: NeedsCheckContent, a: Answers, pages: Page[], change: (p: Page) => string): Array<Row & { lines: string[] }> {
  const rows: Array<Row & { lines: string[] }> = [];
  const row = (key: string, lines: string[], p: Page) =>
    rows.push({ key: { text: key }, value: {}, lines, actions: { items: [{ href: change(p), text: 'Change', visuallyHiddenText: key.toLowerCase() }] } });
  const levels = new Map(pack.levels.map((l) => [l.id, l]));
  for (const p of pages) {
    switch (p.kind) {
      case 'danger':
        row('Immediate danger', [a.danger === 'yes' ? c.danger.yes : c.danger.no], p);
        break;
      case 'routes':
        row('Special routes', a.routes?.length ? a.routes.map((id) => c.routes.find((r) => r.id === id)?.option?.text ?? id) : [c.routesQuestion.none], p);
        break;
      case 'areas':
        row('What you are worried about', (a.areas ?? []).map((id) => c.areas.find((x) => x.id === id)?.text ?? id), p);
        break;
      case 'indicators': {
        const area = c.areas.find((x) => x.id === p.area)!;
        const ans = a.indicators[p.area];
        const lines = area.indicators.filter((i) => ans?.indicators.includes(i.id)).map((i) => `${i.text} (${levels.get(i.level)?.label ?? ''})`);
        if (ans?.none) lines.push(c.indicatorAnswers.none);
        if (ans?.notSure) lines.push(c.indicatorAnswers.notSure);
        row(area.text, lines, p);
        break;
      }
      case 'context':
        row(c.context.age.question, [c.context.age.options.find((o) => o.id === a.age)?.text ?? ''], p);
        row(c.context.family.question, [c.context.family.options.find((o) => o.id === a.family)?.text ?? ''], p);
        row(c.context.disclosure.question, [c.context.disclosure.options.find((o) => o.id === a.disclosure)?.text ?? ''], p);
        break;
      default:
        break;
    }
  }
  return rows;
}
