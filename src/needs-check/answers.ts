/**
 * The answers to the needs check, as they travel in the URL query string (never stored). Parsing
 * checks every id against the content: an unknown or tampered value gives a typed error, never an
 * exception. Pure.
 *
 *   asker=<asker answer id>
 *   danger=yes|no|not-sure
 *   route=<route id> (repeated) or route=none
 *   area=<area id or the "something else" id> (repeated)
 *   ind=<indicator id> (repeated), none=<area id>, unsure=<area id>
 *   age=<band id>, disclosure=<answer id>, voice=<answer id>
 *   family=<answer id>, strength=<strength id> (repeated), strength=none or strength=not-sure
 *   worry=<area id> (repeated): a worry chosen in advance (a link from the chat), ticked on the worries
 *   page until that page is answered
 */
import type { NeedsCheckContent } from './content.js';

export interface AreaAnswer {
  indicators: string[];
  none: boolean;
  notSure: boolean;
}

export type DangerAnswer = 'yes' | 'no' | 'not-sure';
const DANGER_ANSWERS: readonly string[] = ['yes', 'no', 'not-sure'];

export interface Answers {
  asker?: string;
  danger?: DangerAnswer;
  /** undefined: not answered yet; []: "none of these" */
  routes?: string[];
  areas?: string[];
  /** answered areas only, keyed by area id */
  indicators: Record<string, AreaAnswer>;
  age?: string;
  disclosure?: string;
  voice?: string;
  family?: string;
  /** undefined: not answered yet; []: "none of these" (or only "not sure") */
  strengths?: string[];
  /** worries chosen in advance, shown ticked on the worries page */
  worries?: string[];
  strengthsNotSure?: boolean;
}

export type AnswerError =
  | { kind: 'unknown-id'; param: string; value: string }
  | { kind: 'inconsistent'; param: string; value: string; reason: string }
  | { kind: 'too-long'; reason: string };

export type ParseResult = { ok: true; answers: Answers } | { ok: false; error: AnswerError };

/** parameters the pages use for their own workings, not answers */
export const CONTROL_PARAMS = new Set(['step', 'answer', 'from']);
export const ANSWER_PARAMS = ['asker', 'danger', 'route', 'area', 'ind', 'none', 'unsure', 'age', 'disclosure', 'voice', 'family', 'strength', 'worry'] as const;

const MAX_QUERY = 4000;
const MAX_VALUES = 200;

export function emptyAnswers(): Answers {
  return { indicators: {} };
}

/** Index of ids used by parsing; build once per pack. */
export interface AnswerIndex {
  askerIds: Set<string>;
  routeIds: Set<string>;
  /** the areas with indicators */
  areaIds: Set<string>;
  somethingElse: string;
  indicatorArea: Map<string, string>;
  ageIds: Set<string>;
  familyIds: Set<string>;
  disclosureIds: Set<string>;
  voiceIds: Set<string>;
  strengthIds: Set<string>;
}

const indexes = new WeakMap<NeedsCheckContent, AnswerIndex>();

export function answerIndex(c: NeedsCheckContent): AnswerIndex {
  let idx = indexes.get(c);
  if (!idx) {
    idx = {
      askerIds: new Set(c.asker.options.map((o) => o.id)),
      routeIds: new Set(c.routes.filter((r) => r.option).map((r) => r.id)),
      areaIds: new Set(c.areas.map((a) => a.id)),
      somethingElse: c.areasQuestion.somethingElse.id,
      indicatorArea: new Map(c.areas.flatMap((a) => a.indicators.map((i) => [i.id, a.id] as const))),
      ageIds: new Set(c.child.age.options.map((o) => o.id)),
      familyIds: new Set(c.family.view.options.map((o) => o.id)),
      disclosureIds: new Set(c.child.disclosure.options.map((o) => o.id)),
      voiceIds: new Set(c.child.voice.options.map((o) => o.id)),
      strengthIds: new Set(c.family.strengths.options.map((o) => o.id)),
    };
    indexes.set(c, idx);
  }
  return idx;
}

/** Parses a raw query string (with or without "?") or URLSearchParams. */
export function parseAnswers(c: NeedsCheckContent, query: string | URLSearchParams): ParseResult {
  if (typeof query === 'string' && query.length > MAX_QUERY) return { ok: false, error: { kind: 'too-long', reason: 'the address is too long' } };
  const params = typeof query === 'string' ? new URLSearchParams(query.startsWith('?') ? query.slice(1) : query) : query;
  const idx = answerIndex(c);
  const answers = emptyAnswers();
  let count = 0;
  const unknown = (param: string, value: string): ParseResult => ({ ok: false, error: { kind: 'unknown-id', param, value } });
  const inconsistent = (param: string, value: string, reason: string): ParseResult => ({ ok: false, error: { kind: 'inconsistent', param, value, reason } });
  const single = new Map<string, string>();

  for (const [param, value] of params) {
    if (++count > MAX_VALUES) return { ok: false, error: { kind: 'too-long', reason: 'there are too many answers' } };
    switch (param) {
      case 'asker':
      case 'danger':
      case 'age':
      case 'family':
      case 'disclosure':
      case 'voice': {
        const prev = single.get(param);
        if (prev !== undefined && prev !== value) return inconsistent(param, value, 'given twice with different values');
        single.set(param, value);
        break;
      }
      case 'route':
        if (value === 'none') {
          answers.routes ??= [];
          single.set('route:none', value);
        } else if (!idx.routeIds.has(value)) return unknown(param, value);
        else if (!(answers.routes ??= []).includes(value)) answers.routes.push(value);
        break;
      case 'area':
        if (!idx.areaIds.has(value) && value !== idx.somethingElse) return unknown(param, value);
        if (!(answers.areas ??= []).includes(value)) answers.areas.push(value);
        break;
      case 'worry':
        if (!idx.areaIds.has(value) && value !== idx.somethingElse) return unknown(param, value);
        if (!(answers.worries ??= []).includes(value)) answers.worries.push(value);
        break;
      case 'strength':
        if (value === 'none') single.set('strength:none', value);
        else if (value === 'not-sure') answers.strengthsNotSure = true;
        else if (!idx.strengthIds.has(value)) return unknown(param, value);
        else if (!(answers.strengths ??= []).includes(value)) answers.strengths.push(value);
        answers.strengths ??= [];
        break;
      case 'ind': {
        const areaId = idx.indicatorArea.get(value);
        if (!areaId) return unknown(param, value);
        const a = (answers.indicators[areaId] ??= { indicators: [], none: false, notSure: false });
        if (!a.indicators.includes(value)) a.indicators.push(value);
        break;
      }
      case 'none':
      case 'unsure': {
        if (!idx.areaIds.has(value)) return unknown(param, value);
        const a = (answers.indicators[value] ??= { indicators: [], none: false, notSure: false });
        if (param === 'none') a.none = true;
        else a.notSure = true;
        break;
      }
      default:
        // control parameters and anything else (e.g. a campaign tag added by a link) are not answers
        break;
    }
  }

  const danger = single.get('danger');
  if (danger !== undefined) {
    if (!DANGER_ANSWERS.includes(danger)) return unknown('danger', danger);
    answers.danger = danger as DangerAnswer;
  }
  for (const [param, ids, key] of [
    ['asker', idx.askerIds, 'asker'],
    ['age', idx.ageIds, 'age'],
    ['family', idx.familyIds, 'family'],
    ['disclosure', idx.disclosureIds, 'disclosure'],
    ['voice', idx.voiceIds, 'voice'],
  ] as const) {
    const v = single.get(param);
    if (v === undefined) continue;
    if (!ids.has(v)) return unknown(param, v);
    answers[key] = v;
  }
  if (single.has('route:none') && answers.routes && answers.routes.length > 0) return inconsistent('route', 'none', '"none of these" was chosen with a route');
  if (single.has('strength:none') && (answers.strengths?.length || answers.strengthsNotSure)) return inconsistent('strength', 'none', '"none of these" was chosen with other answers');
  for (const [areaId, a] of Object.entries(answers.indicators)) {
    if (!answers.areas?.includes(areaId)) return inconsistent('area', areaId, 'answers were given for an area that was not chosen');
    if (a.none && (a.indicators.length > 0 || a.notSure)) return inconsistent('none', areaId, '"none of these" was chosen with other answers');
  }
  // order areas and indicators as the content does, so the same answers always give the same URL
  if (answers.areas) answers.areas = [...c.areas.map((a) => a.id), idx.somethingElse].filter((id) => answers.areas!.includes(id));
  // a worry chosen in advance only matters until the worries page is answered
  if (answers.areas) delete answers.worries;
  else if (answers.worries) answers.worries = [...c.areas.map((a) => a.id), idx.somethingElse].filter((id) => answers.worries!.includes(id));
  if (answers.strengths) answers.strengths = c.family.strengths.options.map((o) => o.id).filter((id) => answers.strengths!.includes(id));
  if (answers.routes) answers.routes = c.routes.map((r) => r.id).filter((id) => answers.routes!.includes(id));
  for (const area of c.areas) {
    const a = answers.indicators[area.id];
    if (a) a.indicators = area.indicators.map((i) => i.id).filter((id) => a.indicators.includes(id));
  }
  return { ok: true, answers };
}

/** The answers as query parameters, in a stable order. */
export function answerParams(answers: Answers): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (answers.asker) out.push(['asker', answers.asker]);
  if (answers.danger) out.push(['danger', answers.danger]);
  if (answers.routes) {
    if (answers.routes.length === 0) out.push(['route', 'none']);
    for (const r of answers.routes) out.push(['route', r]);
  }
  for (const a of answers.areas ?? []) out.push(['area', a]);
  if (!answers.areas) for (const w of answers.worries ?? []) out.push(['worry', w]);
  for (const a of answers.areas ?? []) {
    const ans = answers.indicators[a];
    if (!ans) continue;
    for (const i of ans.indicators) out.push(['ind', i]);
    if (ans.none) out.push(['none', a]);
    if (ans.notSure) out.push(['unsure', a]);
  }
  if (answers.age) out.push(['age', answers.age]);
  if (answers.disclosure) out.push(['disclosure', answers.disclosure]);
  if (answers.voice) out.push(['voice', answers.voice]);
  if (answers.family) out.push(['family', answers.family]);
  if (answers.strengths) {
    for (const st of answers.strengths) out.push(['strength', st]);
    if (answers.strengthsNotSure) out.push(['strength', 'not-sure']);
    if (answers.strengths.length === 0 && !answers.strengthsNotSure) out.push(['strength', 'none']);
  }
  return out;
}

export function toQuery(answers: Answers, extra: Array<[string, string]> = []): string {
  return new URLSearchParams([...answerParams(answers), ...extra]).toString();
}

/** Describes a parse error in plain words for the "start again" page (values are escaped by the view). */
export function describeAnswerError(e: AnswerError): string {
  if (e.kind === 'unknown-id') return `The link has an answer we do not recognise (${e.param}=${e.value.slice(0, 60)}).`;
  if (e.kind === 'inconsistent') return `The answers in the link do not fit together: ${e.reason}.`;
  return `The link is too long: ${e.reason}.`;
}
