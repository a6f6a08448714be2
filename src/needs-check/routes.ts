/**
 * The needs check's pages. Answers travel in the query string (GET forms with the answers so far as
 * hidden fields), so the server keeps nothing and a journey can be shared or bookmarked. Each question
 * page validates its own answer, then redirects to the next unanswered page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ContentPack } from '../content/schema.js';
import type { ToolDeps } from '../web/tools.js';
import { directoryHref } from '../directory/query.js';
import { formatDate } from '../web/views.js';
import { answerParams, describeAnswerError, parseAnswers, toQuery, type AnswerError, type Answers } from './answers.js';
import type { NeedsCheckContent } from './content.js';
import { assess } from './engine.js';
import { NO_FIRST_ACTION, outcomeKindKey } from '../insights/insights.js';
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
/** "Something else" as it reads on this journey: after a special route, it can mean "nothing else" */
function otherOption(c: NeedsCheckContent, a: Answers): { id: string; text: string; hint?: string } {
  const o = c.areasQuestion.somethingElse;
  return (a.routes?.length ?? 0) > 0 && o.withRoutes ? { id: o.id, ...o.withRoutes } : o;
}

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
    case 'start': {
      if (values.length === 0) return err('Select who is using this check');
      const v = values[0]!;
      if (values.length > 1 || !c.asker.options.some((o) => o.id === v)) return tampered('answer', v);
      a.asker = v;
      return { ok: true, answers: a };
    }
    case 'danger': {
      if (values.length === 0) return err('Select yes if a child is in danger now, no, or not sure');
      const v = values[0]!;
      if (values.length > 1 || (v !== 'yes' && v !== 'no' && v !== 'not-sure')) return tampered('answer', v);
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
      if (values.length === 0) return err(`Select at least one thing you are worried about, or "${otherOption(c, a).text}"`);
      const order = [...c.areas.map((x) => x.id), c.areasQuestion.somethingElse.id];
      for (const v of values) if (!order.includes(v)) return tampered('answer', v);
      a.areas = order.filter((id) => values.includes(id));
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
    case 'child':
    case 'family': {
      const errors: ErrorItem[] = [];
      const radio = (field: string, options: Array<{ id: string }>, message: string): string | undefined | 'tampered' => {
        const v = params.get(`${field}-answer`);
        if (v === null) {
          errors.push({ text: message, href: `#${field}-answer` });
          return undefined;
        }
        return options.some((o) => o.id === v) ? v : 'tampered';
      };
      if (page.kind === 'child') {
        const got = {
          age: radio('age', c.child.age.options, 'Select how old the child is'),
          disclosure: radio('disclosure', c.child.disclosure.options, 'Select whether the child told you about this themselves'),
          voice: radio('voice', c.child.voice.options, 'Select what the child or young person wants'),
        };
        for (const [field, v] of Object.entries(got)) if (v === 'tampered') return tampered(`${field}-answer`, params.get(`${field}-answer`) ?? '');
        if (errors.length > 0) return { ok: false, errors };
        a.age = got.age;
        a.disclosure = got.disclosure;
        a.voice = got.voice;
        return { ok: true, answers: a };
      }
      const family = radio('family', c.family.view.options, 'Select what the family knows and whether they agree to help');
      if (family === 'tampered') return tampered('family-answer', params.get('family-answer') ?? '');
      const strengths = params.getAll('strength-answer');
      const known = new Set(c.family.strengths.options.map((o) => o.id));
      for (const v of strengths) if (v !== 'none' && v !== 'not-sure' && !known.has(v)) return tampered('strength-answer', v);
      if (strengths.length === 0) errors.push({ text: `Select what else is true of the family, or "${c.family.strengths.none}"`, href: '#strength-answer' });
      else if (strengths.includes('none') && strengths.length > 1) errors.push({ text: `Select what is true of the family, or "${c.family.strengths.none}" on its own`, href: '#strength-answer' });
      if (errors.length > 0) return { ok: false, errors };
      a.family = family;
      a.strengths = c.family.strengths.options.map((o) => o.id).filter((id) => strengths.includes(id));
      a.strengthsNotSure = strengths.includes('not-sure');
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

/** The directory, filtered as the outcome is: the first need area, the level and the child's age. */
function directoryLinkFor(c: NeedsCheckContent, answers: Answers, levelId: string | undefined): string {
  const need = answers.areas?.find((id) => id !== c.areasQuestion.somethingElse.id);
  const band = c.child.age.options.find((o) => o.id === answers.age);
  return directoryHref({ need, level: levelId, age: band?.min });
}

export async function needsCheckRoutes(app: FastifyInstance, { content, insights }: ToolDeps): Promise<void> {
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
      case 'start':
        return reply.render('needs-check/views/start.njk', { ...common, backHref: undefined, title: TOOL_NAME, value: answers.asker });
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
        return reply.render('needs-check/views/areas.njk', { ...common, title: c.areasQuestion.question, chosen: answers.areas ?? answers.worries ?? [], other: otherOption(c, answers) });
      case 'indicators': {
        const area = c.areas.find((x) => x.id === page.area)!;
        const a = answers.indicators[area.id];
        const chosen = a ? [...a.indicators, ...(a.none ? ['none'] : []), ...(a.notSure ? ['not-sure'] : [])] : [];
        return reply.render('needs-check/views/indicators.njk', { ...common, title: area.question, area, levelsById: Object.fromEntries(pack.levels.map((l) => [l.id, l])), chosen });
      }
      case 'child':
      case 'family': {
        const errorFor = (field: string) => errorList?.find((e) => e.href === `#${field}-answer`);
        return reply.render(`needs-check/views/${page.kind}.njk`, {
          ...common,
          title: page.kind === 'child' ? c.child.title : c.family.title,
          answers,
          strengthsChosen: [...(answers.strengths ?? []), ...(answers.strengthsNotSure ? ['not-sure'] : []), ...(answers.strengths && answers.strengths.length === 0 && !answers.strengthsNotSure ? ['none'] : [])],
          errorFor: Object.fromEntries(['age', 'disclosure', 'voice', 'family', 'strength'].map((f) => [f, errorFor(f)])),
        });
      }
      default:
        return reply.redirect(BASE, 303);
    }
  };

  app.get(pagePath({ kind: 'start' }), questionPage({ kind: 'start' }));
  app.get(pagePath({ kind: 'danger' }), questionPage({ kind: 'danger' }));
  app.get(pagePath({ kind: 'routes' }), questionPage({ kind: 'routes' }));
  app.get(pagePath({ kind: 'areas' }), questionPage({ kind: 'areas' }));
  app.get(pagePath({ kind: 'child' }), questionPage({ kind: 'child' }));
  app.get(pagePath({ kind: 'family' }), questionPage({ kind: 'family' }));
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
    const { c, answers } = found;
    const pages = journey(c, answers);
    const change = (p: Page) => href(p, answers, [['from', 'check']]);
    const rows = checkRows(c, answers, pages, change);
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
    // a service whose numbers the steps already give is not listed again
    const stepNumbers = new Set(outcome.steps.flatMap((s) => s.contact?.phones.map((p) => p.number) ?? []));
    outcome.services = outcome.services.filter((s) => s.phones.length === 0 || s.phones.some((p) => !stepNumbers.has(p.number)));
    const today = new Date().toISOString().slice(0, 10);
    countOutcome(insights, outcome);
    return reply.render('needs-check/views/outcome.njk', {
      title: outcome.kind === 'level' && outcome.level ? `${outcome.level.label}: ${outcome.level.name}` : (outcome.routes[0]?.title ?? 'Outcome'),
      c,
      outcome,
      summary: summaryText(outcome, { toolName: TOOL_NAME, date: formatDate(today) }),
      checkHref: next.kind === 'check' ? href({ kind: 'check' }, answers) : href({ kind: 'danger' }, answers),
      backHref: next.kind === 'check' ? href({ kind: 'check' }, answers) : href({ kind: 'danger' }, answers),
      startHref: BASE,
      directoryHref: directoryLinkFor(c, answers, outcome.kind === 'level' ? outcome.level?.id : undefined),
    });
  });
}

/**
 * The outcome shown, counted for the borough's insights: its level (or kind, when it has none), each
 * need area worried about, and the kind of its first action. Never the answers themselves.
 */
function countOutcome(insights: ToolDeps['insights'], outcome: ReturnType<typeof assess>): void {
  insights.count('needs-check-level', outcome.kind === 'level' && outcome.level ? outcome.level.id : outcomeKindKey(outcome.kind));
  for (const a of outcome.areas) insights.count('needs-check-need-area', a.id);
  insights.count('needs-check-first-action', outcome.firstAction?.kind ?? NO_FIRST_ACTION);
}

interface Row {
  key: { text: string };
  value: { text?: string; html?: string };
  actions: { items: Array<{ href: string; text: string; visuallyHiddenText: string }> };
}

/** Check-your-answers rows; values are plain text (escaped by the govuk macros). */
function checkRows(c: NeedsCheckContent, a: Answers, pages: Page[], change: (p: Page) => string): Array<Row & { lines: string[] }> {
  const rows: Array<Row & { lines: string[] }> = [];
  const row = (key: string, lines: string[], p: Page) =>
    rows.push({ key: { text: key }, value: {}, lines, actions: { items: [{ href: change(p), text: 'Change', visuallyHiddenText: key.toLowerCase() }] } });
  const text = (options: Array<{ id: string; text: string }>, id: string | undefined) => options.find((o) => o.id === id)?.text ?? '';
  for (const p of pages) {
    switch (p.kind) {
      case 'start':
        row(c.asker.question, [text(c.asker.options, a.asker)], p);
        break;
      case 'danger':
        row('In danger now', [a.danger === 'yes' ? c.danger.yes : a.danger === 'not-sure' ? c.danger.notSure : c.danger.no], p);
        break;
      case 'routes':
        row('Special routes', a.routes?.length ? a.routes.map((id) => c.routes.find((r) => r.id === id)?.option?.text ?? id) : [c.routesQuestion.none], p);
        break;
      case 'areas':
        row('What you are worried about', (a.areas ?? []).map((id) => (id === c.areasQuestion.somethingElse.id ? otherOption(c, a).text : (c.areas.find((x) => x.id === id)?.text ?? id))), p);
        break;
      case 'indicators': {
        const area = c.areas.find((x) => x.id === p.area)!;
        const ans = a.indicators[p.area];
        // the answers as given, without the levels they set: the outcome explains those
        const lines = area.indicators.filter((i) => ans?.indicators.includes(i.id)).map((i) => i.text);
        if (ans?.none) lines.push(c.indicatorAnswers.none);
        if (ans?.notSure) lines.push(c.indicatorAnswers.notSure);
        row(area.text, lines, p);
        break;
      }
      case 'child':
        row(c.child.age.question, [text(c.child.age.options, a.age)], p);
        row(c.child.disclosure.question, [text(c.child.disclosure.options, a.disclosure)], p);
        row(c.child.voice.question, [text(c.child.voice.options, a.voice)], p);
        break;
      case 'family': {
        row(c.family.view.question, [text(c.family.view.options, a.family)], p);
        const chosen = c.family.strengths.options.filter((o) => a.strengths?.includes(o.id)).map((o) => o.text);
        if (a.strengthsNotSure) chosen.push(c.family.strengths.notSure);
        row(c.family.strengths.question, chosen.length ? chosen : [c.family.strengths.none], p);
        break;
      }
      default:
        break;
    }
  }
  return rows;
}
