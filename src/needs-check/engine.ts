/**
 * The needs check engine: a pure, deterministic function from the content pack and the answers to an
 * outcome. No I/O; nothing here names a level, a need area, a route or a service: all come from the
 * pack. Exported for the chat bot to reuse (with `parseAnswers` to read answers from a link).
 */
import type { ContactPoint, ContactRole, ContentPack, Level, Phone, Service } from '../content/schema.js';
import type { Answers } from './answers.js';
import type { Area, MultipleNeedsRule, NeedsCheckContent, Route, RouteEffect, Step } from './content.js';

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
  canDo: string[];
  cannotDo: string[];
  howToRefer: string[];
  fit: number;
  /** plain words: why the service fits */
  reasons: string[];
}

export interface Outcome {
  kind: 'emergency' | 'route' | 'level';
  /** the overall level (kind "level" only) */
  level?: Level;
  /** the multiple-needs rule that raised the overall level, if any */
  raisedBy?: { rule: MultipleNeedsRule; areas: string[] };
  /** routes whose minimum level raised the overall level */
  raisedByRoutes: string[];
  areas: AreaOutcome[];
  routes: RouteOutcome[];
  /** some answer was "not sure": the outcome says to discuss with the DSL or the front door */
  unsure: boolean;
  steps: OutcomeStep[];
  consent: { required?: boolean; guidance: string[] };
  services: ServiceMatch[];
  /** the answers that led here, in plain words */
  why: string[];
  context: { age?: { id: string; text: string }; family?: { id: string; text: string }; disclosure?: { id: string; text: string } };
}

export const MAX_SERVICES = 8;

interface PackIndex {
  c: NeedsCheckContent;
  levels: Map<string, Level>;
  lowest: Level;
  parentOf: Map<string, string>;
  childrenOf: Map<string, Set<string>>;
  needAreaName: Map<string, string>;
  routes: Map<string, Route>;
  areas: Map<string, Area>;
  indicators: Map<string, { text: string; level: string; route?: string; area: string }>;
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
    lowest: sorted[0]!,
    parentOf,
    childrenOf,
    needAreaName,
    routes: new Map(c.routes.map((r) => [r.id, r])),
    areas: new Map(c.areas.map((a) => [a.id, a])),
    indicators: new Map(c.areas.flatMap((a) => a.indicators.map((i) => [i.id, { text: i.text, level: i.level, route: i.route, area: a.id }] as const))),
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
  return contact ? { text: s.text, contact } : { text: s.text };
}

/** Works out the outcome for a set of answers. Unanswered questions are treated as not applying. */
export function assess(pack: ContentPack, answers: Answers): Outcome {
  const idx = indexOf(pack);
  const { c } = idx;
  const level = (id: string) => idx.levels.get(id) ?? idx.lowest;
  const why: string[] = [];

  // Routes: the danger question, the routes page, and indicators that carry a route.
  const routeReasons = new Map<string, RouteOutcome['reason']>();
  if (answers.danger === 'yes') routeReasons.set(c.danger.route, 'danger');
  if (answers.danger !== 'yes') for (const r of answers.routes ?? []) routeReasons.set(r, 'chosen');
  const areaIds = answers.danger === 'yes' ? [] : (answers.areas ?? []);
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
  const kind: Outcome['kind'] = answers.danger === 'yes' ? 'emergency' : activeRoutes.some((r) => r.effect === 'instead') ? 'route' : 'level';

  for (const r of routes) {
    if (r.reason === 'danger') why.push(`You said the child is in immediate danger or at risk of immediate harm: ${r.title}.`);
    else if (r.reason === 'chosen') why.push(`You said this applies: ${idx.routes.get(r.id)?.option?.text ?? r.title}. ${r.summary}`);
    else why.push(`An indicator you chose has its own route: ${r.title}. ${r.summary}`);
  }

  const steps: OutcomeStep[] = [];
  const context = contextOf(c, answers);
  const finish = (partial: Omit<Outcome, 'steps' | 'why' | 'context' | 'kind' | 'routes'>): Outcome => {
    steps.push(toStep(pack, c.finalStep));
    const seen = new Set<string>();
    const unique = steps.filter((s) => !seen.has(s.text) && (seen.add(s.text), true));
    return { kind, routes, ...partial, steps: unique, why, context };
  };
  const routeConsentNotes = activeRoutes.flatMap((r) => (r.consentNote ? [r.consentNote] : []));

  if (kind !== 'level') {
    for (const r of activeRoutes) for (const s of r.steps) steps.push(toStep(pack, s));
    const services = matchServices(pack, idx, answers, [], undefined, activeRoutes);
    return finish({ raisedByRoutes: [], areas: [], unsure: false, consent: { guidance: routeConsentNotes }, services });
  }

  // Each area's level: the highest indicator chosen; "none" gives the none level; "not sure" never lowers.
  const areas: AreaOutcome[] = [];
  for (const areaId of areaIds) {
    const area = idx.areas.get(areaId);
    if (!area) continue;
    const a = answers.indicators[areaId] ?? { indicators: [], none: false, notSure: false };
    const chosen: IndicatorChoice[] = area.indicators.filter((i) => a.indicators.includes(i.id)).map((i) => ({ id: i.id, text: i.text, level: level(i.level) }));
    let areaLevel = chosen.length > 0 ? chosen.reduce((m, i) => higher(m, i.level), chosen[0]!.level) : level(c.rules.noneLevel);
    if (a.notSure) areaLevel = higher(areaLevel, level(c.rules.notSure.level));
    const setBy = chosen.filter((i) => i.level.id === areaLevel.id);
    areas.push({ id: areaId, text: area.text, needAreaName: idx.needAreaName.get(areaId) ?? area.text, level: areaLevel, setBy, indicators: chosen, none: a.none, notSure: a.notSure });
    const lv = `${areaLevel.label} (${areaLevel.name})`;
    if (setBy.length > 0) why.push(`${area.text}: ${lv}, because you chose ${setBy.map((i) => `"${i.text}"`).join(' and ')}.`);
    else if (a.notSure) why.push(`${area.text}: ${lv}, because you were not sure. Needs that are unclear are treated as at least this level.`);
    else why.push(`${area.text}: ${lv}, because none of the signs listed fitted.`);
    if (a.notSure && setBy.length > 0) why.push(`You were also not sure about part of this worry, so it is at least ${level(c.rules.notSure.level).label}.`);
  }

  let overall = areas.reduce((m, a) => higher(m, a.level), idx.lowest);
  if (areas.length > 1) why.push(`The overall level is the highest level of any area: ${overall.label} (${overall.name}).`);

  let raisedBy: Outcome['raisedBy'];
  for (const rule of c.rules.multipleNeeds) {
    const at = level(rule.atLevel);
    const to = level(rule.raiseTo);
    const meeting = areas.filter((a) => a.level.rank >= at.rank);
    if (meeting.length >= rule.minAreas && to.rank > overall.rank) {
      overall = to;
      raisedBy = { rule, areas: meeting.map((a) => a.id) };
      why.push(`${rule.description} You have ${meeting.length} (${meeting.map((a) => a.text).join('; ')}), so the level is raised to ${to.label} (${to.name}).`);
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

  // Next steps: routes first, then what a disclosure needs, then the level's own steps.
  const replacesReferral = activeRoutes.some((r) => r.effect === 'replaces-referral');
  for (const r of activeRoutes) for (const s of r.steps) steps.push(toStep(pack, s));
  const disclosure = c.context.disclosure.options.find((o) => o.id === answers.disclosure);
  for (const s of disclosure?.steps ?? []) steps.push(toStep(pack, s));
  const levelSteps = c.levelSteps.find((ls) => ls.level === overall.id);
  if (levelSteps && !(replacesReferral && levelSteps.referral)) for (const s of levelSteps.steps) steps.push(toStep(pack, s));
  const unsure = areas.some((a) => a.notSure);
  if (unsure) steps.push(toStep(pack, c.rules.notSure.step));

  // Consent: the level's rule, what the family knows, and any route that overrides telling the family.
  const guidance = [...routeConsentNotes, overall.consent.guidance];
  const family = c.context.family.options.find((o) => o.id === answers.family);
  if (family && levelSteps?.referral && routeConsentNotes.length === 0) guidance.push(overall.consent.required ? family.ifConsentNeeded : family.ifConsentNotNeeded);

  const services = matchServices(pack, idx, answers, areas, overall, activeRoutes);
  return finish({ level: overall, raisedBy, raisedByRoutes, areas, unsure, consent: { required: overall.consent.required, guidance }, services });
}

function contextOf(c: NeedsCheckContent, answers: Answers): Outcome['context'] {
  const pick = (options: Array<{ id: string; text: string }>, id: string | undefined) => {
    const o = options.find((x) => x.id === id);
    return o ? { id: o.id, text: o.text } : undefined;
  };
  return {
    age: pick(c.context.age.options, answers.age),
    family: pick(c.context.family.options, answers.family),
    disclosure: pick(c.context.disclosure.options, answers.disclosure),
  };
}

/**
 * Services ranked by fit: need area (exact, or through the parent/child relation), level served, age;
 * local services before national ones. A route's own services come first within their group.
 */
function matchServices(pack: ContentPack, idx: PackIndex, answers: Answers, areas: AreaOutcome[], overall: Level | undefined, routes: Route[]): ServiceMatch[] {
  const band = idx.c.context.age.options.find((o) => o.id === answers.age);
  const targets: Array<{ needArea: string; level?: Level; label: string }> = [
    ...areas.map((a) => ({ needArea: a.id, level: a.level, label: a.needAreaName })),
    ...routes.flatMap((r) => r.needAreas.map((n) => ({ needArea: n, label: idx.needAreaName.get(n) ?? n }))),
  ];
  const named = new Map<string, string>();
  for (const r of routes) for (const s of r.services) if (!named.has(s)) named.set(s, r.title);

  const matches: ServiceMatch[] = [];
  for (const s of pack.services) {
    if (s.status !== 'active') continue;
    if (band && s.ages && (s.ages.max < band.min || s.ages.min > band.max)) continue;
    let fit = 0;
    const reasons: string[] = [];
    const route = named.get(s.slug);
    if (route) {
      fit += 100;
      reasons.push(`Part of the route: ${route}`);
    }
    for (const t of targets) {
      const relation = relationTo(idx, s.needAreas, t.needArea);
      if (!relation) continue;
      let levelFit = 2;
      if (t.level) {
        if (s.levels.includes(t.level.id)) levelFit = 2;
        else if (overall && s.levels.includes(overall.id)) levelFit = 1;
        else continue;
      }
      fit += (relation === 'narrower' ? 2 : 3) + levelFit;
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
      canDo: s.card.canDo,
      cannotDo: s.card.cannotDo,
      howToRefer: s.card.howToRefer,
      fit,
      reasons: [...new Set(reasons)],
    });
  }
  matches.sort((a, b) => (a.coverage === b.coverage ? 0 : a.coverage === 'local' ? -1 : 1) || b.fit - a.fit || a.name.localeCompare(b.name, 'en'));
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
