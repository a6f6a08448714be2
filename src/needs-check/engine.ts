/**
 * The needs check engine: a pure, deterministic function from the content pack and the answers to an
 * outcome. No I/O; nothing here names a level, a need area, a route or a service: all come from the
 * pack. Exported for the chat bot to reuse (with `parseAnswers` to read answers from a link).
 */
import type { ContactPoint, ContactRole, ContentPack, Level, Phone, Service } from '../content/schema.js';
import type { Answers } from './answers.js';
import type { Area, NeedsCheckContent, Route, RouteEffect, Step } from './content.js';

export { parseAnswers, toQuery, answerParams, describeAnswerError, type Answers, type AnswerError, type ParseResult } from './answers.js';

export interface ContactRef {
  role?: ContactRole;
  service?: string;
  name: string;
  phones: Phone[];
  url?: string;
  formUrl?: string;
  email?: string;
  unverifiedNote?: string;
}

export interface OutcomeStep {
  text: string;
  contact?: ContactRef;
  /** the response this step stands for, from the content (e.g. front-door-same-day) */
  kind?: string;
  /** the words before the contact's number, when calling it is not the step's first action */
  callWhen?: string;
}

export interface IndicatorChoice {
  id: string;
  text: string;
  level: Level;
}

export interface AreaOutcome {
  id: string;
  /** the answer staff chose, e.g. "Their basic care" */
  text: string;
  /** the need area's name in need-areas.yaml */
  needAreaName: string;
  level: Level;
  /** the chosen indicators at the area's level: the ones that set it */
  setBy: IndicatorChoice[];
  indicators: IndicatorChoice[];
  none: boolean;
  notSure: boolean;
}

export interface RouteOutcome {
  id: string;
  title: string;
  summary: string;
  effect: RouteEffect;
  contact: ContactRef;
  /** how the route was reached: chosen on the routes page, by the danger question, or by an indicator */
  reason: 'danger' | 'chosen' | 'indicator';
}

export interface ServiceMatch {
  slug: string;
  name: string;
  summary: string;
  coverage: Service['coverage'];
  phones: Phone[];
  /** a fact of the service could not be confirmed */
  unverified: boolean;
  canDo: string[];
  cannotDo: string[];
  howToRefer: string[];
  fit: number;
  /** plain words: why the service fits */
  reasons: string[];
}

export interface Outcome {
  /**
   * emergency: call 999; route: a route that replaces the level questions (LADO); level: a level of
   * need with its response; consult: only "something else" was chosen, so no level can be justified
   */
  kind: 'emergency' | 'route' | 'level' | 'consult';
  /** the overall level (kind "level" only) */
  level?: Level;
  /** the level the indicators alone gave, before the family's strengths were weighed */
  indicatedLevel?: Level;
  /** the strengths lowered needs without harm to this level */
  loweredBy?: { strengths: string[]; areas: string[]; to: Level };
  /** the rule that raised the overall level, if any (multiple needs, or a weighing rule) */
  raisedBy?: { rule: { id: string; description: string }; areas: string[] };
  /** a multiple-needs rule that would have raised the level, held by the family's strengths */
  heldBy?: string;
  /** routes whose minimum level raised the overall level */
  raisedByRoutes: string[];
  /** why a route puts the child at this level, shown in place of the level's meaning */
  levelNote?: string;
  /**
   * who responds at this level, when that is who acts next: with a referral at the level, or at the
   * lowest level; not when the need's own service or a route's contact acts instead
   */
  whoResponds?: string;
  areas: AreaOutcome[];
  routes: RouteOutcome[];
  /** some answer was "not sure": the outcome says to discuss with the DSL or the front door */
  unsure: boolean;
  /** the user was not sure the child is safe right now */
  dangerNotSure: boolean;
  /** a referral is made at this level (early help or the front door), so "what happens next" applies */
  referral: boolean;
  whatHappensNext?: string;
  steps: OutcomeStep[];
  /** the first step, as the response it stands for (e.g. front-door-same-day, own-service, tell-dsl) */
  firstAction?: { kind?: string; step: OutcomeStep };
  consent: { required?: boolean; guidance: string[] };
  services: ServiceMatch[];
  /** the answers that led here, in plain words */
  why: string[];
  context: {
    asker?: { id: string; text: string };
    age?: { id: string; text: string };
    disclosure?: { id: string; text: string };
    voice?: { id: string; text: string };
    family?: { id: string; text: string };
    strengths: Array<{ id: string; text: string }>;
  };
}

export const MAX_SERVICES = 8;

interface PackIndex {
  c: NeedsCheckContent;
  levels: Map<string, Level>;
  /** each level's place in order, from 0 for the lowest */
  place: Map<string, number>;
  lowest: Level;
  parentOf: Map<string, string>;
  childrenOf: Map<string, Set<string>>;
  needAreaName: Map<string, string>;
  routes: Map<string, Route>;
  areas: Map<string, Area>;
  indicators: Map<string, { text: string; level: string; route?: string; area: string; sameDay: boolean }>;
  /** services shown only with their route */
  exclusive: Map<string, string>;
}

const packIndexes = new WeakMap<object, PackIndex>();

function indexOf(pack: ContentPack): PackIndex {
  const c = pack.sections['needsCheck'] as NeedsCheckContent | undefined;
  if (!c) throw new Error('The content pack has no needs check section');
  let idx = packIndexes.get(c);
  if (idx) return idx;
  const levels = new Map(pack.levels.map((l) => [l.id, l]));
  const sorted = [...pack.levels].sort((a, b) => a.rank - b.rank);
  const parentOf = new Map<string, string>();
  const childrenOf = new Map<string, Set<string>>();
  const needAreaName = new Map<string, string>();
  for (const a of pack.needAreas) {
    needAreaName.set(a.id, a.name);
    childrenOf.set(a.id, new Set(a.children.map((ch) => ch.id)));
    for (const ch of a.children) {
      parentOf.set(ch.id, a.id);
      needAreaName.set(ch.id, ch.name);
    }
  }
  idx = {
    c,
    levels,
    place: new Map(sorted.map((l, i) => [l.id, i])),
    lowest: sorted[0]!,
    parentOf,
    childrenOf,
    needAreaName,
    routes: new Map(c.routes.map((r) => [r.id, r])),
    areas: new Map(c.areas.map((a) => [a.id, a])),
    indicators: new Map(c.areas.flatMap((a) => a.indicators.map((i) => [i.id, { text: i.text, level: i.level, route: i.route, area: a.id, sameDay: i.sameDay }] as const))),
    exclusive: new Map(c.routes.flatMap((r) => r.exclusiveServices.map((slug) => [slug, r.id] as const))),
  };
  packIndexes.set(c, idx);
  return idx;
}

const higher = (a: Level, b: Level) => (b.rank > a.rank ? b : a);

function contactRef(pack: ContentPack, step: Pick<Step, 'contact' | 'service'>): ContactRef | undefined {
  if (step.service) {
    const s = pack.services.find((x) => x.slug === step.service);
    if (s) return { service: s.slug, name: s.name, phones: s.phones, url: s.url, formUrl: s.referral.formUrl, email: s.referral.email ?? s.email, unverifiedNote: s.unverifiedNote };
  }
  if (step.contact) {
    const c: ContactPoint = pack.manifest.contacts[step.contact];
    return { role: step.contact, name: c.name, phones: c.phones, url: c.url, formUrl: c.formUrl, email: c.email, unverifiedNote: c.unverifiedNote };
  }
  return undefined;
}

function toStep(pack: ContentPack, s: Step): OutcomeStep {
  const contact = contactRef(pack, s);
  return { text: s.text, ...(contact ? { contact } : {}), ...(s.kind ? { kind: s.kind } : {}), ...(s.callWhen ? { callWhen: s.callWhen } : {}) };
}

/** Works out the outcome for a set of answers. Unanswered questions are treated as not applying. */
export function assess(pack: ContentPack, answers: Answers): Outcome {
  const idx = indexOf(pack);
  const { c } = idx;
  const level = (id: string) => idx.levels.get(id) ?? idx.lowest;
  const why: string[] = [];
  const somethingElse = c.areasQuestion.somethingElse;
  // steps for the person asking: a step with `for` is shown only to that asker
  const actsAs = c.asker.options.find((o) => o.id === answers.asker)?.actsAs;
  const mine = (s: Step) => !s.for || s.for === answers.asker || s.for === actsAs;

  // Routes: the danger question, the routes page, and indicators that carry a route.
  const routeReasons = new Map<string, RouteOutcome['reason']>();
  if (answers.danger === 'yes') routeReasons.set(c.danger.route, 'danger');
  if (answers.danger !== 'yes') for (const r of answers.routes ?? []) routeReasons.set(r, 'chosen');
  const chosenAreas = answers.danger === 'yes' ? [] : (answers.areas ?? []);
  const areaIds = chosenAreas.filter((id) => id !== somethingElse.id);
  const other = chosenAreas.includes(somethingElse.id);
  for (const areaId of areaIds) {
    for (const i of answers.indicators[areaId]?.indicators ?? []) {
      const r = idx.indicators.get(i)?.route;
      if (r && !routeReasons.has(r)) routeReasons.set(r, 'indicator');
    }
  }
  const activeRoutes = c.routes.filter((r) => routeReasons.has(r.id));
  const routes: RouteOutcome[] = activeRoutes.map((r) => ({
    id: r.id,
    title: r.title,
    summary: r.summary,
    effect: r.effect,
    contact: contactRef(pack, { contact: r.contact })!,
    reason: routeReasons.get(r.id)!,
  }));
  // a special route with nothing else chosen, and no level of its own, is shown as the route only:
  // a level of "no additional needs" beside a Prevent referral would contradict it
  const routeOnly = areaIds.length === 0 && activeRoutes.length > 0 && !activeRoutes.some((r) => r.minimumLevel);
  const kind: Outcome['kind'] =
    answers.danger === 'yes' ? 'emergency' : activeRoutes.some((r) => r.effect === 'instead') || routeOnly ? 'route' : areaIds.length === 0 && other && activeRoutes.length === 0 ? 'consult' : 'level';

  for (const r of routes) {
    if (r.reason === 'danger') why.push(`You said the child is in danger now, in a way that cannot wait: ${r.title}.`);
    else if (r.reason === 'chosen') why.push(`You said this applies: ${idx.routes.get(r.id)?.option?.text ?? r.title}. ${r.summary}`);
    else why.push(`A sign you chose has its own route: ${r.title}. ${r.summary}`);
  }

  const context = contextOf(c, answers);
  const routeConsentNotes = activeRoutes.flatMap((r) => (r.consentNote ? [r.consentNote] : []));
  const first = activeRoutes.filter((r) => r.actsFirst).flatMap((r) => r.steps.filter(mine));
  const dangerNotSure = answers.danger === 'not-sure';
  const urgent = dangerNotSure ? c.danger.notSureSteps.filter(mine) : [];
  if (dangerNotSure) why.push('You were not sure whether the child is safe right now, so the first step is to talk to the front door now.');

  const familyAnswer = c.family.view.options.find((o) => o.id === answers.family);
  // the family is not to be told: by the user's answer, or by a route's own consent note
  const doNotTell = activeRoutes.some((r) => r.consentNote && !r.familyTold) || Boolean(familyAnswer?.doNotTell);
  const finish = (partial: Omit<Outcome, 'steps' | 'why' | 'context' | 'kind' | 'routes' | 'firstAction' | 'dangerNotSure'>, ordered: Step[]): Outcome => {
    const seen = new Set<string>();
    const kinds = new Set<string>();
    // each step once; a step marked onceOfKind only if no step of its kind came before
    const kept = [...ordered, ...c.finalSteps.filter(mine)].filter((s) => {
      if (seen.has(s.text) || (doNotTell && s.tellsFamily) || (s.onceOfKind && s.kind && kinds.has(s.kind))) return false;
      seen.add(s.text);
      if (s.kind) kinds.add(s.kind);
      return true;
    });
    const steps = kept.map((s) => toStep(pack, s));
    const firstStep = steps[0];
    return { kind, routes, ...partial, dangerNotSure, steps, firstAction: firstStep ? { kind: firstStep.kind, step: firstStep } : undefined, why, context };
  };

  if (kind !== 'level') {
    const ordered = [...first, ...urgent, ...activeRoutes.filter((r) => !r.actsFirst).flatMap((r) => r.steps.filter(mine)), ...(kind === 'consult' ? somethingElse.steps.filter(mine) : [])];
    const services = matchServices(pack, idx, answers, [], undefined, activeRoutes, ordered);
    return finish({ raisedByRoutes: [], areas: [], unsure: false, referral: false, consent: { guidance: routeConsentNotes }, services }, ordered);
  }

  // Each area's level: the highest indicator chosen; "none" gives the none level; "not sure" never lowers.
  const areas: AreaOutcome[] = [];
  const fixedAreas = new Set<string>();
  /** needs the family's strengths do not lower, still answered by their own service */
  const keptAreas = new Set<string>();
  const keptSigns: string[] = [];
  for (const areaId of areaIds) {
    const area = idx.areas.get(areaId);
    if (!area) continue;
    const a = answers.indicators[areaId] ?? { indicators: [], none: false, notSure: false };
    const chosenInd = area.indicators.filter((i) => a.indicators.includes(i.id));
    if (chosenInd.some((i) => i.fixed)) fixedAreas.add(areaId);
    if (chosenInd.some((i) => i.keepsLevel)) keptAreas.add(areaId);
    keptSigns.push(...chosenInd.filter((i) => i.keepsLevel).map((i) => `"${i.text}"`));
    const chosen: IndicatorChoice[] = chosenInd.map((i) => ({ id: i.id, text: i.text, level: level(i.level) }));
    let areaLevel = chosen.length > 0 ? chosen.reduce((m, i) => higher(m, i.level), chosen[0]!.level) : level(c.rules.noneLevel);
    const notSureLevel = level(area.notSureLevel ?? c.rules.notSure.level);
    if (a.notSure) areaLevel = higher(areaLevel, notSureLevel);
    // a possible sign of harm (an area with its own "not sure" level) is not lowered by strengths either
    if (a.notSure && area.notSureLevel) fixedAreas.add(areaId);
    const setBy = chosen.filter((i) => i.level.id === areaLevel.id);
    areas.push({ id: areaId, text: area.text, needAreaName: idx.needAreaName.get(areaId) ?? area.text, level: areaLevel, setBy, indicators: chosen, none: a.none, notSure: a.notSure });
    const lv = `${areaLevel.label} (${areaLevel.name})`;
    if (setBy.length > 0) why.push(`${area.text}: ${lv}, because you chose ${setBy.map((i) => `"${i.text}"`).join(' and ')}.`);
    else if (a.notSure) why.push(`${area.text}: ${lv}, because you were not sure. Needs that are unclear are treated as at least this level.`);
    else why.push(`${area.text}: ${lv}, because none of the signs listed fitted.`);
    // a "not sure" that raised the level is said above; beside a sign at or above its level it says nothing
  }
  // after a special route, "nothing else" needs no consultation of its own: the route's steps stand
  const otherAlone = other && activeRoutes.length === 0;
  if (otherAlone) why.push(`You chose "${somethingElse.text}": ${somethingElse.summary}`);

  const indicated = areas.reduce((m, a) => higher(m, a.level), idx.lowest);
  let overall = indicated;
  if (areas.length > 1) why.push(`The highest level of any area is ${overall.label} (${overall.name}).`);

  // Weighing with the family: needs without harm are lowered when the family's strengths say so.
  const w = c.rules.weighing;
  const strengths = answers.strengths ?? [];
  let loweredBy: Outcome['loweredBy'];
  let raisedBy: Outcome['raisedBy'];
  /** a multiple-needs rule that did not raise the level, because of the family's strengths */
  let heldBy: string | undefined;
  if (w) {
    const cap = level(w.capAt);
    const canLower = w.capWhen.every((id) => strengths.includes(id)) && !w.notWhen.some((id) => strengths.includes(id)) && !familyAnswer?.noLowering;
    const kept = areas.filter((a) => keptAreas.has(a.id) && !fixedAreas.has(a.id) && a.level.rank > idx.lowest.rank);
    const lowered = areas.filter((a) => !fixedAreas.has(a.id) && !keptAreas.has(a.id) && a.level.rank > cap.rank);
    if (canLower && lowered.length > 0) {
      for (const a of lowered) a.level = cap;
      overall = areas.reduce((m, a) => higher(m, a.level), idx.lowest);
      const names = w.capWhen.map((id) => c.family.strengths.options.find((o) => o.id === id)?.text ?? id);
      loweredBy = { strengths: w.capWhen, areas: lowered.map((a) => a.id), to: cap };
      why.push(`Lowered: ${names.map((n) => `"${n}"`).join(' and ')}. ${w.description} ${lowered.map((a) => a.text).join('; ')}: ${cap.label} (${cap.name}).`);
    } else if (lowered.length > 0 && familyAnswer?.noLowering) {
      why.push(`Not lowered: you said "${familyAnswer.text}", so the family's strengths cannot lower the level.`);
    }
    if (fixedAreas.size > 0 && canLower) why.push('Not lowered: signs of harm, and needs only the council can meet, set the level on their own, whatever the family\u2019s strengths.');
    if (kept.length > 0 && canLower) why.push(`Not lowered: ${keptSigns.join(' and ')} stays at this level whatever the family\u2019s strengths, and is met by its own service with the family.`);
    // one need, with everyday help already in place and a family that manages: lower still; never a
    // need the cap already brought down (specialist help, or getting worse), which everyday help is not meeting
    const further = w.lowerFurther;
    if (further && canLower && fixedAreas.size === 0 && keptAreas.size === 0 && areas.length > 0 && areas.length <= further.maxAreas && further.when.every((id) => strengths.includes(id)) && !loweredBy) {
      const to = level(further.to);
      const more = areas.filter((a) => a.level.rank > to.rank);
      if (more.length > 0) {
        for (const a of more) a.level = to;
        overall = areas.reduce((m, a) => higher(m, a.level), idx.lowest);
        const names = further.when.map((id) => c.family.strengths.options.find((o) => o.id === id)?.text ?? id);
        loweredBy = { strengths: further.when, areas: more.map((a) => a.id), to };
        why.push(`Lowered: ${names.map((n) => `"${n}"`).join(' and ')}. ${further.description} ${more.map((a) => a.text).join('; ')}: ${to.label} (${to.name}).`);
      }
    }
    for (const r of w.raise) {
      const at = level(r.atLevel);
      const to = level(r.raiseTo);
      const meeting = areas.filter((a) => a.level.rank >= at.rank);
      if (strengths.includes(r.strength) && meeting.length > 0 && to.rank > overall.rank) {
        overall = to;
        raisedBy = { rule: { id: r.id, description: r.description }, areas: meeting.map((a) => a.id) };
        why.push(`Raised: ${r.description} The level is ${to.label} (${to.name}).`);
      }
    }
  }

  for (const rule of c.rules.multipleNeeds) {
    const at = level(rule.atLevel);
    const to = level(rule.raiseTo);
    const meeting = areas.filter((a) => a.level.rank >= at.rank);
    if (meeting.length < rule.minAreas || to.rank <= overall.rank) continue;
    // several needs an engaged family is meeting together: held at this level, unless harm is among them
    const held = rule.unlessStrengths.length > 0 && fixedAreas.size === 0 && !familyAnswer?.noLowering && rule.unlessStrengths.every((id) => strengths.includes(id));
    if (held) {
      const names = rule.unlessStrengths.map((id) => c.family.strengths.options.find((o) => o.id === id)?.text ?? id);
      heldBy = rule.id;
      why.push(`Not raised: you have ${meeting.length} areas of need, but you said ${names.map((n) => `"${n}"`).join(' and ')}. Several needs that the family is meeting with help are worked on together, through one plan.`);
    } else {
      overall = to;
      raisedBy = { rule: { id: rule.id, description: rule.description }, areas: meeting.map((a) => a.id) };
      why.push(`Raised: ${rule.description} You have ${meeting.length} (${meeting.map((a) => a.text).join('; ')}), so the level is ${to.label} (${to.name}).`);
    }
  }
  const raisedByRoutes: string[] = [];
  for (const r of activeRoutes) {
    if (!r.minimumLevel) continue;
    const min = level(r.minimumLevel);
    if (min.rank > overall.rank) {
      overall = min;
      raisedByRoutes.push(r.id);
      why.push(`${r.title}: this is always at least ${min.label} (${min.name}).`);
    }
  }
  // the route that set the level last (the highest minimum) explains it, and may answer it with its own steps
  const settingRoute = raisedByRoutes.length > 0 ? activeRoutes.find((r) => r.id === raisedByRoutes[raisedByRoutes.length - 1]) : undefined;
  const routeAnswersLevel = Boolean(settingRoute?.answersItsLevel);
  // or a route whose own contact replaces the level's referral (the child's social worker) says who acts
  // or a route whose own signs alone set the level (a suicide plan: urgent help, not an enquiry into harm at home)
  const atLevel = areas.filter((a) => a.level.id === overall.id);
  const signsOwnLevel = (r: (typeof activeRoutes)[number]) =>
    r.minimumLevel === overall.id && atLevel.length > 0 && atLevel.every((a) => a.setBy.length > 0 && a.setBy.every((i) => idx.indicators.get(i.id)?.route === r.id));
  const levelNote =
    settingRoute?.levelNote ?? activeRoutes.find((r) => r.effect === 'replaces-referral' && r.levelNote)?.levelNote ?? activeRoutes.find((r) => r.levelNote && signsOwnLevel(r))?.levelNote;

  // The response. Needs without harm, all within their own response's reach, go to the need's own
  // service first; otherwise the level's referral. Urgent level steps come before alongside routes.
  const levelSteps = c.levelSteps.find((ls) => ls.level === overall.id);
  const replacesReferral = activeRoutes.some((r) => r.effect === 'replaces-referral');
  // areas above the lowest level, and any whose sign has its own response (a stranger's approach: tell the police)
  const signHasResponse = (a: AreaOutcome) => (idx.areas.get(a.id)?.indicators ?? []).some((i) => i.response && a.setBy.some((x) => x.id === i.id));
  const needAreas = areas.filter((a) => a.level.rank > idx.lowest.rank || signHasResponse(a));
  // each need's own response: the signs' own (those that set the area's level), or else the area's;
  // none for signs of harm, which are answered by their level (a parent's drug use that harms the
  // child's care is not a referral to the young people's drug service)
  const responsesOf = (a: AreaOutcome) => {
    // a worry the user was only "not sure" about, with no sign chosen, names no need yet for a service to meet
    if (a.indicators.length === 0) return [];
    const area = idx.areas.get(a.id);
    const setBy = (area?.indicators ?? []).filter((i) => a.setBy.some((x) => x.id === i.id));
    const own = setBy.filter((i) => i.response).map((i) => i.response!);
    if (own.length > 0) return own;
    if (setBy.length > 0 && setBy.every((i) => i.fixed)) return [];
    return area?.response ? [area.response] : [];
  };
  // a route or a sign that asks for the referral today (nowhere to stay tonight) takes the level's same-day steps
  const sameDayRoute = activeRoutes.find((r) => r.sameDay);
  const sameDaySign = areas.flatMap((a) => a.setBy).find((i) => idx.indicators.get(i.id)?.sameDay && i.level.id === overall.id);
  const sameDay = Boolean((sameDayRoute || sameDaySign) && levelSteps?.sameDaySteps);
  if (sameDay) why.push(`${sameDayRoute ? sameDayRoute.title : `"${sameDaySign!.text}"`}: the referral is made today.`);
  const ownResponse =
    !sameDay &&
    // a need's own service starts with the family's agreement: refused, it is the level's referral
    !familyAnswer?.refusesHelp &&
    // several needs held together at this level are early help's work: one plan, not a service each
    !heldBy &&
    fixedAreas.size === 0 &&
    needAreas.length > 0 &&
    needAreas.every((a) => {
      const responses = responsesOf(a);
      // each need is met at its own level (a need the family's strengths lowered, beside one that keeps
      // its level, is still its own service's work); a level raised above the needs is the level's work
      const reach = raisedBy || raisedByRoutes.length > 0 ? overall : a.level;
      return responses.length > 0 && responses.every((r) => reach.rank <= level(r.upTo).rank);
    });
  const responseSteps = needAreas.flatMap((a) => responsesOf(a).flatMap((r) => r.steps.filter(mine)));
  if (ownResponse) why.push(`The first step is the need's own service with the family: at this level it is usually the right route, with the family's agreement.`);
  // a level that needs the family's consent, which they refuse: its steps for a refusal
  const refused = !sameDay && Boolean(familyAnswer?.refusesHelp && overall.consent.required && levelSteps?.ifRefused);
  if (refused) why.push(`You said "${familyAnswer!.text}": help at this level needs their agreement, so the school keeps supporting the child and talking with the family.`);
  const levelStepList = refused ? levelSteps?.ifRefused : sameDay ? levelSteps?.sameDaySteps : levelSteps?.steps;
  const levelOwn = levelSteps && levelStepList && !(replacesReferral && levelSteps.referral) && !ownResponse && !routeAnswersLevel ? levelStepList.filter(mine) : [];
  const ownAfter = ownResponse ? [] : responseSteps.filter((s) => !levelOwn.includes(s));
  const leadingRoutes = activeRoutes.filter((r) => !r.actsFirst && r.leadsLevel).flatMap((r) => r.steps.filter(mine));
  const otherRoutes = activeRoutes.filter((r) => !r.actsFirst && !r.leadsLevel).flatMap((r) => r.steps.filter(mine));
  // what the chosen signs always add
  const signSteps = areaIds.flatMap((id) => (idx.areas.get(id)?.indicators ?? []).filter((i) => answers.indicators[id]?.indicators.includes(i.id)).flatMap((i) => i.alsoSteps.filter(mine)));
  const disclosure = c.child.disclosure.options.find((o) => o.id === answers.disclosure);
  const unsure = areas.some((a) => a.notSure);
  // only "not sure" and nothing seen: talk it through before anything else
  const unsureOnly = unsure && areas.every((a) => a.setBy.length === 0);
  const unsureSteps = unsure ? c.rules.notSure.steps.filter(mine) : [];
  // what the chosen signs add that cannot wait (medical help today): before the level's steps
  const soonSteps = areaIds.flatMap((id) => (idx.areas.get(id)?.indicators ?? []).filter((i) => answers.indicators[id]?.indicators.includes(i.id)).flatMap((i) => i.soonSteps.filter(mine)));
  const referral = Boolean(levelSteps?.referral) && !ownResponse && !replacesReferral && !refused && !routeAnswersLevel;
  const refers = referral && levelOwn.length > 0;
  const main = [...leadingRoutes, ...(levelSteps?.urgent || sameDay ? [...levelOwn, ...otherRoutes] : [...otherRoutes, ...(ownResponse ? responseSteps : levelOwn)])];
  const lead = [...first, ...urgent, ...(unsureOnly ? unsureSteps : [])];
  // a step marked withoutReferral (ask the front door for advice) says nothing more beside a referral,
  // unless talking it through comes first because every answer was "not sure"
  const besideReferral = (steps: Step[]) => (referral && !unsureOnly ? steps.filter((s) => !s.withoutReferral) : steps);
  const ordered: Step[] = besideReferral([
    ...lead,
    // first, unless the first step is a referral (a safeguarding concern as well): then straight after it
    ...(refers ? [...main.slice(0, 1), ...soonSteps, ...main.slice(1)] : [...soonSteps, ...main]),
    // what to do with what a child told you matters for a worry beyond everyday support, not for a request for help at school
    ...(overall.rank > idx.lowest.rank ? (disclosure?.steps ?? []).filter(mine) : []),
    ...signSteps,
    ...ownAfter,
    ...(otherAlone ? somethingElse.steps.filter(mine) : []),
    ...(unsureOnly ? [] : unsureSteps),
  ]);

  // Consent: one voice. A route's own note, or telling the family being unsafe, overrides the level's rule.
  const guidance: string[] = [...routeConsentNotes];
  const everyday = overall.rank === idx.lowest.rank;
  const voice = c.child.voice.options.find((o) => o.id === answers.voice);
  const band = c.child.age.options.find((o) => o.id === answers.age);
  // a young person old enough to agree for themselves, who wants help: their agreement is the consent
  const ownConsent = routeConsentNotes.length === 0 && overall.consent.required && voice?.ownConsent && band && band.min >= voice.ownConsent.fromAge ? voice.ownConsent.text : undefined;
  if (routeConsentNotes.length === 0) {
    if (ownConsent) guidance.push(ownConsent);
    else {
      guidance.push(overall.consent.guidance);
      // at the lowest level no help is asked for, so what the family agreed to has no advice of its own
      if (familyAnswer && !everyday) guidance.push(overall.consent.required ? familyAnswer.ifConsentNeeded : familyAnswer.ifConsentNotNeeded);
    }
    if (voice?.consent) guidance.push(voice.consent);
  }

  const services = matchServices(pack, idx, answers, areas, overall, activeRoutes, ordered);
  return finish(
    {
      level: overall,
      indicatedLevel: indicated,
      loweredBy,
      raisedBy,
      ...(heldBy ? { heldBy } : {}),
      raisedByRoutes,
      ...(levelNote ? { levelNote } : {}),
      ...((referral || everyday) && !levelNote ? { whoResponds: overall.whoResponds } : {}),
      areas,
      unsure,
      referral,
      whatHappensNext: referral ? levelSteps?.whatHappensNext : undefined,
      // no "consent is (not) needed" heading where the young person's own agreement, not the family's, is the answer
      consent: { required: doNotTell || ownConsent || everyday || routeConsentNotes.length > 0 ? undefined : overall.consent.required, guidance },
      services,
    },
    ordered,
  );
}

function contextOf(c: NeedsCheckContent, answers: Answers): Outcome['context'] {
  const pick = (options: Array<{ id: string; text: string }>, id: string | undefined) => {
    const o = options.find((x) => x.id === id);
    return o ? { id: o.id, text: o.text } : undefined;
  };
  return {
    asker: pick(c.asker.options, answers.asker),
    age: pick(c.child.age.options, answers.age),
    disclosure: pick(c.child.disclosure.options, answers.disclosure),
    voice: pick(c.child.voice.options, answers.voice),
    family: pick(c.family.view.options, answers.family),
    strengths: c.family.strengths.options.filter((o) => answers.strengths?.includes(o.id)).map((o) => ({ id: o.id, text: o.text })),
  };
}

/**
 * Services ranked by fit: need area (exact, or through the parent/child relation; the sign's own
 * narrower area where the content names one), level served, age; local services before national ones.
 * A route's own services come first; a route's exclusive services (999, the allocated social worker)
 * only with that route; a service for ages the child is not, never.
 */
function matchServices(pack: ContentPack, idx: PackIndex, answers: Answers, areas: AreaOutcome[], overall: Level | undefined, routes: Route[], steps: readonly Step[]): ServiceMatch[] {
  const band = idx.c.child.age.options.find((o) => o.id === answers.age);
  // a service people only contact themselves, for ages its record does not give, is not offered for a
  // child younger than selfReferralFrom
  const selfFrom = idx.c.child.age.selfReferralFrom;
  const tooYoungForSelfContact = band !== undefined && selfFrom !== undefined && band.min < selfFrom;
  const active = new Set(routes.map((r) => r.id));
  const targets: Array<{ needArea: string; level?: Level; label: string; specific: boolean }> = [];
  for (const a of areas) {
    const area = idx.areas.get(a.id);
    const specific = [...new Set((area?.indicators ?? []).filter((i) => a.indicators.some((x) => x.id === i.id) && i.needArea).map((i) => i.needArea!))];
    if (specific.length > 0) for (const n of specific) targets.push({ needArea: n, level: a.level, label: idx.needAreaName.get(n) ?? n, specific: true });
    else targets.push({ needArea: a.id, level: a.level, label: a.needAreaName, specific: false });
  }
  for (const r of routes) for (const n of r.needAreas) targets.push({ needArea: n, label: idx.needAreaName.get(n) ?? n, specific: true });
  const named = new Map<string, string>();
  for (const r of routes) for (const s of [...r.exclusiveServices, ...r.services]) if (!named.has(s)) named.set(s, r.title);
  // a service the outcome's own steps name is among the services that fit, whatever its tags say
  const inSteps = new Set(steps.flatMap((s) => (s.service ? [s.service] : [])));

  const matches: ServiceMatch[] = [];
  for (const s of pack.services) {
    if (s.status !== 'active') continue;
    const onlyWith = idx.exclusive.get(s.slug);
    if (onlyWith && !active.has(onlyWith)) continue;
    if (band && s.ages && (s.ages.max < band.min || s.ages.min > band.max)) continue;
    // a helpline a child contacts themselves is not for a small child, whatever ages its record gives
    // (unless the steps name it: then an adult makes the contact, as the step says)
    if (tooYoungForSelfContact && !inSteps.has(s.slug) && s.referral.self && !s.referral.professional && !s.referral.viaFrontDoor) continue;
    const route = named.get(s.slug);
    // a service working only well below the outcome's level is not the next step (a route's own always is)
    const gap = idx.c.rules.serviceLevelsBelow;
    if (!route && !inSteps.has(s.slug) && overall && gap !== undefined && s.levels.length > 0) {
      const top = Math.max(...s.levels.map((id) => idx.place.get(id) ?? 0));
      if (top < (idx.place.get(overall.id) ?? 0) - gap) continue;
    }
    let fit = 0;
    const reasons: string[] = [];
    if (route) {
      fit += 100;
      reasons.push(`Part of the route: ${route}`);
    } else if (inSteps.has(s.slug)) {
      fit += 50;
      reasons.push('Named in the steps above');
    }
    for (const t of targets) {
      const relation = relationTo(idx, s.needAreas, t.needArea);
      if (!relation || (relation === 'narrower' && t.specific)) continue;
      let levelFit = 2;
      if (t.level) {
        if (s.levels.includes(t.level.id)) levelFit = 2;
        else if (overall && s.levels.includes(overall.id)) levelFit = 1;
        else continue;
      }
      fit += (relation === 'exact' ? 3 : 2) + levelFit;
      reasons.push(relation === 'narrower' ? `Helps with part of: ${t.label}` : `Helps with: ${t.label}`);
    }
    if (fit === 0) continue;
    // a service for the whole age band fits better than one that covers part of it
    if (band && (!s.ages || (s.ages.min <= band.min && s.ages.max >= band.max))) fit += 1;
    matches.push({
      slug: s.slug,
      name: s.name,
      summary: s.summary,
      coverage: s.coverage,
      phones: s.phones,
      unverified: Boolean(s.unverifiedNote) || s.phones.some((p) => !p.verified),
      canDo: s.card.canDo,
      cannotDo: s.card.cannotDo,
      howToRefer: s.card.howToRefer,
      fit,
      reasons: [...new Set(reasons)],
    });
  }
  matches.sort((a, b) => b.fit - a.fit || (a.coverage === b.coverage ? 0 : a.coverage === 'local' ? -1 : 1) || a.name.localeCompare(b.name, 'en'));
  return matches.slice(0, MAX_SERVICES);
}

/** exact: tagged with the area; broader: tagged with its parent (serves all its children); narrower: tagged with one of its children */
function relationTo(idx: PackIndex, tags: string[], needArea: string): 'exact' | 'broader' | 'narrower' | undefined {
  if (tags.includes(needArea)) return 'exact';
  const parent = idx.parentOf.get(needArea);
  if (parent && tags.includes(parent)) return 'broader';
  const children = idx.childrenOf.get(needArea);
  if (children && tags.some((t) => children.has(t))) return 'narrower';
  return undefined;
}
