/**
 * The needs check's pack section (needs-check.yaml): questions, special routes, indicators, outcome
 * rules, next steps and the example answer sets that prove the rules. Validated with zod, then
 * cross-checked against the pack's levels, need areas, contacts and services, and finally every
 * example is run through the engine, so an editor sees a broken rule in `content:check`.
 */
import { z } from 'zod';
import { contactRoles, isoDate, slug, source, type ContentPack } from '../content/schema.js';
import { packSections, type PackSection, type SectionCheckContext, type SectionValue } from '../content/sections.js';
import { runExamples } from './examples.js';

export const NEEDS_CHECK_FILE = 'needs-check.yaml';
export const NEEDS_CHECK_SECTION = 'needsCheck';

const text = z.string().min(1);
const option = z.strictObject({ text, hint: text.optional() });

/** One numbered next step; `contact` is a role in pack.yaml `contacts`, `service` a service slug. */
export const step = z.strictObject({
  text,
  contact: z.enum(contactRoles).optional(),
  service: slug.optional(),
});

export const routeEffects = ['instead', 'alongside', 'replaces-referral'] as const;
export type RouteEffect = (typeof routeEffects)[number];

export const route = z.strictObject({
  id: slug,
  /** present when the route is offered on the "Do any of these apply?" page */
  option: option.optional(),
  title: text,
  summary: text,
  effect: z.enum(routeEffects),
  /** the overall level is raised to at least this level */
  minimumLevel: slug.optional(),
  /** the contact role this route sends to */
  contact: z.enum(contactRoles),
  /** need areas whose services fit this route */
  needAreas: z.array(slug).default([]),
  /** services shown first with this route */
  services: z.array(slug).default([]),
  steps: z.array(step).min(1),
  /** overrides the usual "tell the family" advice */
  consentNote: text.optional(),
});

export const indicator = z.strictObject({
  id: slug,
  text,
  level: slug,
  /** choosing this indicator also takes the special route */
  route: slug.optional(),
});

export const area = z.strictObject({
  /** a need area id from need-areas.yaml */
  id: slug,
  /** the option on "What are you worried about?", in staff's words */
  text,
  hint: text,
  /** the heading of this area's indicator page */
  question: text,
  indicators: z.array(indicator).min(4).max(8),
});

const ageBand = z.strictObject({ id: slug, text, min: z.number().int().min(0).max(25), max: z.number().int().min(0).max(25) });
const familyAnswer = z.strictObject({ id: slug, text, ifConsentNeeded: text, ifConsentNotNeeded: text });
const disclosureAnswer = z.strictObject({ id: slug, text, steps: z.array(step).default([]) });

export const multipleNeedsRule = z.strictObject({
  id: slug,
  description: text,
  /** how many areas must be at `atLevel` or above */
  minAreas: z.number().int().min(2),
  atLevel: slug,
  raiseTo: slug,
});

export const example = z.strictObject({
  id: slug,
  rules: z.array(z.string().regex(/^[a-z-]+(:[a-z0-9-]+)?$/, 'must be a rule name such as route:lado or not-sure')).min(1),
  /** the outcome page's query string */
  answers: z.string().min(1).max(2000),
  expect: z.strictObject({
    outcome: z.enum(['emergency', 'route', 'level']),
    level: slug.optional(),
    routes: z.array(slug).optional(),
    areaLevels: z.record(slug, slug).optional(),
    unsure: z.boolean().optional(),
    raisedBy: slug.optional(),
  }),
});

export const needsCheckContentSchema = z.strictObject({
  intro: text,
  privacyLine: text,
  judgementReminder: text,
  source,
  reviewed: isoDate,
  danger: z.strictObject({ question: text, hint: text.optional(), yes: text, no: text, route: slug }),
  routesQuestion: z.strictObject({ question: text, hint: text.optional(), none: text }),
  routes: z.array(route).min(1),
  areasQuestion: z.strictObject({ question: text, hint: text.optional() }),
  areas: z.array(area).min(1),
  indicatorAnswers: z.strictObject({ none: text, notSure: text, notSureHint: text.optional() }),
  context: z.strictObject({
    title: text,
    age: z.strictObject({ question: text, options: z.array(ageBand).min(2) }),
    family: z.strictObject({ question: text, options: z.array(familyAnswer).min(2) }),
    disclosure: z.strictObject({ question: text, options: z.array(disclosureAnswer).min(2) }),
  }),
  rules: z.strictObject({
    noneLevel: slug,
    notSure: z.strictObject({ level: slug, step }),
    multipleNeeds: z.array(multipleNeedsRule).default([]),
  }),
  levelSteps: z.array(z.strictObject({ level: slug, referral: z.boolean().default(false), steps: z.array(step).min(1) })).min(1),
  finalStep: step,
  examples: z.array(example).min(1),
});

export type NeedsCheckContent = z.infer<typeof needsCheckContentSchema>;
export type Route = z.infer<typeof route>;
export type Area = z.infer<typeof area>;
export type Indicator = z.infer<typeof indicator>;
export type Step = z.infer<typeof step>;
export type Example = z.infer<typeof example>;
export type MultipleNeedsRule = z.infer<typeof multipleNeedsRule>;

/** The section, typed, from a published pack. */
export function needsCheckContent(pack: Pick<ContentPack, 'sections'>): NeedsCheckContent {
  const value = pack.sections[NEEDS_CHECK_SECTION];
  if (!value) throw new Error(`The content pack has no ${NEEDS_CHECK_FILE}`);
  return value as NeedsCheckContent;
}

/**
 * Names the record in a zod issue path, e.g. ["areas", 2, "indicators", 1, "level"] →
 * record "areas[neglect].indicators[neglect-often-without]", field "level".
 */
export function needsCheckRecordOf(value: unknown, path: readonly PropertyKey[]): { record?: string; rest: readonly PropertyKey[] } {
  let last = -1;
  path.forEach((key, i) => {
    if (typeof key === 'number' && typeof path[i - 1] === 'string') last = i;
  });
  if (last < 0) return { record: undefined, rest: path };
  return { record: buildRecord(path, last, value), rest: path.slice(last + 1) };
}

/** "areas[neglect].indicators[neglect-hygiene]" for the list items up to and including path[upTo] */
function buildRecord(path: readonly PropertyKey[], upTo: number, root: unknown): string {
  const parts: string[] = [];
  let node: unknown = root;
  let pending: string[] = [];
  for (let i = 0; i <= upTo; i++) {
    const key = path[i]!;
    const next: unknown = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key as string] : undefined;
    if (typeof key === 'number') {
      const id = next && typeof next === 'object' ? (next as Record<string, unknown>)['id'] : undefined;
      const label = `${pending.join('.')}[${typeof id === 'string' ? id : `#${key + 1}`}]`;
      parts.push(label);
      pending = [];
    } else pending.push(String(key));
    node = next;
  }
  return parts.join('.');
}

type CheckPack = SectionCheckContext['pack'];

/** Cross-references against the rest of the pack; `runExamples` also runs every example through the engine. */
export function checkNeedsCheck(c: NeedsCheckContent, ctx: SectionCheckContext, runExamples?: (pack: ContentPack) => ExampleFailure[]): void {
  const F = NEEDS_CHECK_FILE;
  const pack: CheckPack = ctx.pack;
  const levelIds = new Set(pack.levels.map((l) => l.id));
  const needAreaIds = new Set(pack.needAreas.flatMap((a) => [a.id, ...a.children.map((ch) => ch.id)]));
  const serviceSlugs = new Set(pack.services.map((s) => s.slug));
  const routeIds = new Set<string>();
  const rank = new Map(pack.levels.map((l) => [l.id, l.rank]));

  ctx.checkReviewed(F, undefined, 'reviewed', c.reviewed);

  const checkLevel = (record: string | undefined, field: string, id: string) => {
    if (!levelIds.has(id)) ctx.error(F, record, field, `unknown level "${id}" (levels.yaml has ${[...levelIds].join(', ')})`);
  };
  const checkStep = (record: string, field: string, s: z.infer<typeof step>) => {
    if (s.service && !serviceSlugs.has(s.service)) ctx.error(F, record, `${field}.service`, `unknown service "${s.service}" (no services/${s.service}.yaml)`);
  };

  c.routes.forEach((r) => {
    const rec = `routes[${r.id}]`;
    if (routeIds.has(r.id)) ctx.error(F, rec, 'id', `duplicate route id "${r.id}"`);
    routeIds.add(r.id);
    if (r.minimumLevel) checkLevel(rec, 'minimumLevel', r.minimumLevel);
    r.needAreas.forEach((id, i) => {
      if (!needAreaIds.has(id)) ctx.error(F, rec, `needAreas[${i}]`, `unknown need area "${id}"`);
    });
    r.services.forEach((s, i) => {
      if (!serviceSlugs.has(s)) ctx.error(F, rec, `services[${i}]`, `unknown service "${s}" (no services/${s}.yaml)`);
    });
    r.steps.forEach((s, i) => checkStep(rec, `steps[${i}]`, s));
    if (r.id === c.danger.route && r.option) ctx.error(F, rec, 'option', 'the immediate danger route is asked by the danger question, not on the routes page');
    if (r.id !== c.danger.route && !r.option && !c.areas.some((a) => a.indicators.some((ind) => ind.route === r.id)))
      ctx.error(F, rec, 'option', 'the route is never offered: give it an option, or name it from an indicator');
  });
  if (!routeIds.has(c.danger.route)) ctx.error(F, 'danger', 'route', `unknown route "${c.danger.route}"`);

  const areaIds = new Set<string>();
  const indicatorIds = new Set<string>();
  c.areas.forEach((a) => {
    const rec = `areas[${a.id}]`;
    if (!needAreaIds.has(a.id)) ctx.error(F, rec, 'id', `unknown need area "${a.id}" (need-areas.yaml has no such id)`);
    if (areaIds.has(a.id)) ctx.error(F, rec, 'id', `duplicate area "${a.id}"`);
    areaIds.add(a.id);
    a.indicators.forEach((ind) => {
      const irec = `${rec}.indicators[${ind.id}]`;
      if (indicatorIds.has(ind.id)) ctx.error(F, irec, 'id', `duplicate indicator id "${ind.id}" (indicator ids must be unique across areas)`);
      indicatorIds.add(ind.id);
      checkLevel(irec, 'level', ind.level);
      if (ind.route && !routeIds.has(ind.route)) ctx.error(F, irec, 'route', `unknown route "${ind.route}"`);
    });
  });

  const checkUnique = (rec: string, ids: string[]) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) ctx.error(F, rec, `options[${i}].id`, `duplicate answer id "${id}"`);
      seen.add(id);
    });
  };
  checkUnique('context.age', c.context.age.options.map((o) => o.id));
  checkUnique('context.family', c.context.family.options.map((o) => o.id));
  checkUnique('context.disclosure', c.context.disclosure.options.map((o) => o.id));
  c.context.age.options.forEach((o, i) => {
    if (o.min > o.max) ctx.error(F, 'context.age', `options[${i}]`, `minimum age ${o.min} is above maximum age ${o.max}`);
  });
  c.context.disclosure.options.forEach((o, i) => o.steps.forEach((s, j) => checkStep('context.disclosure', `options[${i}].steps[${j}]`, s)));

  checkLevel('rules', 'noneLevel', c.rules.noneLevel);
  checkLevel('rules', 'notSure.level', c.rules.notSure.level);
  checkStep('rules', 'notSure.step', c.rules.notSure.step);
  const ruleIds = new Set<string>();
  c.rules.multipleNeeds.forEach((r) => {
    const rec = `rules.multipleNeeds[${r.id}]`;
    if (ruleIds.has(r.id)) ctx.error(F, rec, 'id', `duplicate rule id "${r.id}"`);
    ruleIds.add(r.id);
    checkLevel(rec, 'atLevel', r.atLevel);
    checkLevel(rec, 'raiseTo', r.raiseTo);
    const from = rank.get(r.atLevel);
    const to = rank.get(r.raiseTo);
    if (from !== undefined && to !== undefined && to <= from) ctx.error(F, rec, 'raiseTo', `must be a higher level than atLevel "${r.atLevel}"`);
  });

  const stepLevels = new Set<string>();
  c.levelSteps.forEach((ls, i) => {
    const rec = `levelSteps[${ls.level}]`;
    checkLevel(`levelSteps[#${i + 1}]`, 'level', ls.level);
    if (stepLevels.has(ls.level)) ctx.error(F, rec, 'level', `next steps for level "${ls.level}" are given twice`);
    stepLevels.add(ls.level);
    ls.steps.forEach((s, j) => checkStep(rec, `steps[${j}]`, s));
  });
  for (const l of pack.levels) if (!stepLevels.has(l.id)) ctx.error(F, 'levelSteps', undefined, `no next steps for level "${l.id}"`);

  checkStep('finalStep', 'finalStep', c.finalStep);
  const finalContact = c.finalStep.contact ? pack.manifest.contacts[c.finalStep.contact] : undefined;
  if (!finalContact || finalContact.phones.length === 0)
    ctx.error(F, 'finalStep', 'contact', 'the final step must name a contact with a phone number, so every outcome has one');

  // every rule carries at least one example
  const required = [
    ...c.routes.map((r) => `route:${r.id}`),
    ...c.rules.multipleNeeds.map((r) => `multiple-needs:${r.id}`),
    ...c.areas.flatMap((a) => a.indicators.filter((i) => i.route).map((i) => `indicator-route:${i.id}`)),
    'not-sure',
    'none-of-these',
    'highest-indicator',
    'highest-area',
    ...pack.levels.map((l) => `level:${l.id}`),
  ];
  const exampleIds = new Set<string>();
  const covered = new Set<string>();
  c.examples.forEach((e) => {
    if (exampleIds.has(e.id)) ctx.error(F, `examples[${e.id}]`, 'id', `duplicate example id "${e.id}"`);
    exampleIds.add(e.id);
    e.rules.forEach((r, i) => {
      if (!required.includes(r)) ctx.error(F, `examples[${e.id}]`, `rules[${i}]`, `unknown rule "${r}"`);
      covered.add(r);
    });
    if (e.expect.level) checkLevel(`examples[${e.id}]`, 'expect.level', e.expect.level);
  });
  for (const r of required) if (!covered.has(r)) ctx.error(F, 'examples', undefined, `rule "${r}" has no example answer set`);

  if (runExamples) {
    for (const f of runExamples({ ...pack, sections: { [NEEDS_CHECK_SECTION]: c } })) ctx.error(F, `examples[${f.example}]`, f.field, f.message);
  }
}

export interface ExampleFailure {
  example: string;
  field: string;
  message: string;
}

export const needsCheckSection: PackSection<NeedsCheckContent> = {
  name: NEEDS_CHECK_SECTION,
  kind: 'file',
  path: NEEDS_CHECK_FILE,
  schema: needsCheckContentSchema,
  required: true,
  recordOf: needsCheckRecordOf,
  check(value: SectionValue<NeedsCheckContent>, ctx: SectionCheckContext) {
    if (!Array.isArray(value)) checkNeedsCheck(value, ctx, runExamples);
  },
};
packSections.push(needsCheckSection);
