/**
 * The needs check's pack section (needs-check.yaml): questions, special routes, indicators, outcome
 * rules, next steps and the example answer sets that prove the rules. Validated with zod, then
 * cross-checked against the pack's levels, need areas, contacts and services, and finally every
 * example is run through the engine, so an editor sees a broken rule in `content:check`.
 */
import { z } from 'zod';
import { contactRoles, isoDate, slug, source, type ContentPack } from '../content/schema.js';
import { needAreaIds as needAreaIdsOf } from '../content/ids.js';
import { type PackSection, type SectionCheckContext, type SectionValue } from '../content/sections.js';
import { runExamples } from './examples.js';

export const NEEDS_CHECK_FILE = 'needs-check.yaml';
export const NEEDS_CHECK_SECTION = 'needsCheck';

const text = z.string().min(1);
const option = z.strictObject({ text, hint: text.optional() });

/**
 * One numbered next step; `contact` is a role in pack.yaml `contacts`, `service` a service slug.
 * `for` limits it to one answer of the "who is asking" question (the DSL does not tell the DSL).
 * `kind` names the response it stands for (e.g. front-door-same-day, own-service, lado), so the
 * outcome can say what the first action is, and an evaluation can judge it.
 */
export const step = z.strictObject({
  text,
  contact: z.enum(contactRoles).optional(),
  service: slug.optional(),
  for: slug.optional(),
  kind: slug.optional(),
  /**
   * the words before its contact's number when the step leads the outcome but the number is not the first
   * thing to do ("If your DSL cannot be reached, call"); without it, "Call"
   */
  callWhen: text.optional(),
  /** a step that contacts the family: left out when they must not be told (unsafe, or a route's own consent note) */
  tellsFamily: z.boolean().default(false),
  /** left out when a step of the same kind comes before it ("tell your DSL" once, the most urgent) */
  onceOfKind: z.boolean().default(false),
  /** left out when the outcome makes a referral: advice from the front door is part of the referral call */
  withoutReferral: z.boolean().default(false),
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
  /**
   * when this route alone sets the level (its minimumLevel), its own steps are the response and the
   * level's are not added: a private fostering notification is the council's check, not early help
   */
  answersItsLevel: z.boolean().default(false),
  /**
   * shown in place of the level's meaning when this route alone sets the level (why a looked-after child
   * sits at a level whose words speak of harm), or when it replaces the level's referral (who acts instead)
   */
  levelNote: text.optional(),
  /** the contact role this route sends to */
  contact: z.enum(contactRoles),
  /** need areas whose services fit this route */
  needAreas: z.array(slug).default([]),
  /** services shown first with this route */
  services: z.array(slug).default([]),
  steps: z.array(step).min(1),
  /** overrides the usual consent advice; unless `familyTold`, it also means the family is not told first */
  consentNote: text.optional(),
  /** the family is told (a notification the law requires whatever they think), so steps that tell them stay */
  familyTold: z.boolean().default(false),
  /** the route's steps come before anything else, even before telling the DSL (a duty on the person who knows) */
  actsFirst: z.boolean().default(false),
  /**
   * the route's steps come before the level's, even before a referral the level makes: the police first
   * when an adult abuses a child online. A staff member's own "tell your DSL" step, if the route has one, leads.
   */
  leadsLevel: z.boolean().default(false),
  /**
   * the referral is made today, whatever the level: the level's `sameDaySteps` replace its steps (a young
   * person with nowhere to stay tonight is a child in need, not always a child protection enquiry)
   */
  sameDay: z.boolean().default(false),
  /** services shown only when this route applies (999, the allocated social worker...) */
  exclusiveServices: z.array(slug).default([]),
});

/**
 * The need's own response: for needs without harm, up to `upTo`, the first route is the need's own
 * service with the family (the GP, the SENCO, a bereavement charity) rather than the level's referral.
 */
export const areaResponse = z.strictObject({
  upTo: slug,
  steps: z.array(step).min(1),
});

export const indicator = z.strictObject({
  id: slug,
  text,
  hint: text.optional(),
  level: slug,
  /**
   * the level stands on its own, whatever the family's strengths: an indicator of harm, or a need only
   * a statutory service can meet (destitution). Any other indicator is a need, weighed with the
   * family's strengths (see rules.weighing).
   */
  fixed: z.boolean().default(false),
  /**
   * the family's strengths do not lower this need, but it is still answered by its own service (a need
   * at the level of an education, health and care plan: the SENCO with the family, at that level)
   */
  keepsLevel: z.boolean().default(false),
  /** the narrower need area this sign is about, for matching services (e.g. suicidal-thoughts) */
  needArea: slug.optional(),
  /** choosing this indicator also takes the special route */
  route: slug.optional(),
  /** this sign's own first response, in place of its area's (see areaResponse) */
  response: areaResponse.optional(),
  /** steps this sign always adds, after the level's (a safety plan after a sexual assault by a pupil) */
  alsoSteps: z.array(step).default([]),
  /** steps this sign adds before the level's steps, as they cannot wait (medical help today); each has a kind */
  soonSteps: z.array(step).default([]),
  /**
   * the referral is made today, as with a same-day route: a family with nowhere to live tonight needs the
   * council today, though it is a child in need, not always a child protection enquiry
   */
  sameDay: z.boolean().default(false),
});


export const area = z.strictObject({
  /** a need area id from need-areas.yaml */
  id: slug,
  /** the option on "What are you worried about?", in staff's words */
  text,
  hint: text,
  /** the heading of this area's indicator page */
  question: text,
  /** one page of checkboxes: long enough for the signs staff meet, short enough to read */
  indicators: z.array(indicator).min(3).max(12),
  response: areaResponse.optional(),
  /** "not sure" in this area gives at least this level (e.g. a possible sign of abuse), else rules.notSure.level */
  notSureLevel: slug.optional(),
});

const ageBand = z.strictObject({ id: slug, text, hint: text.optional(), min: z.number().int().min(0).max(25), max: z.number().int().min(0).max(25) });
const familyAnswer = z.strictObject({
  id: slug,
  text,
  hint: text.optional(),
  ifConsentNeeded: text,
  ifConsentNotNeeded: text,
  /** with this answer, strengths never lower the level (help refused, or telling the family is unsafe) */
  noLowering: z.boolean().default(false),
  /** with this answer the family is not told or asked by the school before the front door decides */
  doNotTell: z.boolean().default(false),
  /** the family has said no to help: a level that needs their consent takes its `ifRefused` steps */
  refusesHelp: z.boolean().default(false),
});
const disclosureAnswer = z.strictObject({ id: slug, text, steps: z.array(step).default([]) });
const voiceAnswer = z.strictObject({
  id: slug,
  text,
  hint: text.optional(),
  consent: text.optional(),
  /**
   * with this answer a young person of at least `fromAge` agrees to help for themselves: where the level
   * needs consent, `text` stands in for the family's consent advice (a 16-year-old asking for sexual health
   * advice is not told to get their parents' agreement)
   */
  ownConsent: z.strictObject({ fromAge: z.number().int().min(0).max(25), text }).optional(),
});
const strength = z.strictObject({ id: slug, text, hint: text.optional() });

/**
 * How the needs are weighed with the family (Working Together: impact, capacity and willingness,
 * cumulative needs). Needs without harm are lowered to `capAt` when every `capWhen` strength is chosen,
 * none of `notWhen`, and the family's answer does not forbid it; `raise` rules lift the level.
 */
export const weighing = z.strictObject({
  capAt: slug,
  capWhen: z.array(slug).min(1),
  notWhen: z.array(slug).default([]),
  description: text,
  /**
   * a single need without harm, already lowered to `capAt`, goes lower still (to `to`) when every
   * `when` strength is chosen: help from everyday services is already in place and the family manages
   */
  lowerFurther: z
    .strictObject({
      to: slug,
      when: z.array(slug).min(1),
      /** at most this many areas of worry (several needs together are not met by everyday help alone) */
      maxAreas: z.number().int().min(1).default(1),
      description: text,
    })
    .optional(),
  raise: z
    .array(
      z.strictObject({
        id: slug,
        description: text,
        /** a strengths answer (e.g. the parents cannot meet the needs even with support) */
        strength: slug,
        /** only when some need is at this level or above */
        atLevel: slug,
        raiseTo: slug,
      }),
    )
    .default([]),
});

export const multipleNeedsRule = z.strictObject({
  id: slug,
  description: text,
  /** how many areas must be at `atLevel` or above */
  minAreas: z.number().int().min(2),
  atLevel: slug,
  raiseTo: slug,
  /**
   * not raised when every one of these strengths is chosen and the family's answer allows lowering:
   * several needs that an engaged family is meeting together are early help's own work (one plan, one
   * lead professional), not a reason for a referral to the council
   */
  unlessStrengths: z.array(slug).default([]),
});

export const example = z.strictObject({
  id: slug,
  rules: z.array(z.string().regex(/^[a-z-]+(:[a-z0-9-]+)?$/, 'must be a rule name such as route:lado or not-sure')).min(1),
  /** the outcome page's query string */
  answers: z.string().min(1).max(2000),
  expect: z.strictObject({
    outcome: z.enum(['emergency', 'route', 'level', 'consult']),
    /** the kind of the outcome's first step (see step.kind) */
    firstAction: slug.optional(),
    /** the strengths lowered the level (true), or did not (false) */
    lowered: z.boolean().optional(),
    level: slug.optional(),
    routes: z.array(slug).optional(),
    areaLevels: z.record(slug, slug).optional(),
    unsure: z.boolean().optional(),
    raisedBy: slug.optional(),
    /** a multiple-needs rule held back by the family's strengths */
    heldBy: slug.optional(),
    /** the outcome makes a referral at its level (early help or the front door) */
    referral: z.boolean().optional(),
  }),
});

export const needsCheckContentSchema = z.strictObject({
  intro: text,
  privacyLine: text,
  judgementReminder: text,
  source,
  reviewed: isoDate,
  asker: z.strictObject({
    question: text,
    hint: text.optional(),
    options: z
      .array(
        z.strictObject({
          id: slug,
          text,
          hint: text.optional(),
          /** this asker also takes the steps meant for that one (a teacher who cannot reach the DSL refers) */
          actsAs: slug.optional(),
        }),
      )
      .min(2),
  }),
  danger: z.strictObject({
    question: text,
    hint: text.optional(),
    /** examples that are NOT 999, shown with the question */
    notThis: z.array(text).default([]),
    yes: text,
    no: text,
    notSure: text,
    /** the first steps when the user is not sure the child is safe now */
    notSureSteps: z.array(step).min(1),
    route: slug,
  }),
  routesQuestion: z.strictObject({ question: text, hint: text.optional(), none: text }),
  routes: z.array(route).min(1),
  areasQuestion: z.strictObject({
    question: text,
    hint: text.optional(),
    /** "something else": a worry none of the areas fits; it leads to a consultation, never a level */
    somethingElse: z.strictObject({
      id: slug,
      text,
      hint: text.optional(),
      /**
       * how the option reads after a special route was chosen: nothing else to add, or a worry none of
       * the areas fits; the route's own steps then stand for it, so its steps are not added
       */
      withRoutes: z.strictObject({ text, hint: text.optional() }).optional(),
      title: text,
      summary: text,
      steps: z.array(step).min(1),
    }),
  }),
  areas: z.array(area).min(1),
  indicatorAnswers: z.strictObject({ none: text, notSure: text, notSureHint: text.optional() }),
  child: z.strictObject({
    title: text,
    age: z.strictObject({
      question: text,
      hint: text.optional(),
      options: z.array(ageBand).min(2),
      /**
       * services people only contact themselves (no professional referral), whose records give no ages,
       * are offered only for age bands from this age: a helpline or online counselling is not for a small child
       */
      selfReferralFrom: z.number().int().min(0).max(25).optional(),
    }),
    disclosure: z.strictObject({ question: text, options: z.array(disclosureAnswer).min(2) }),
    /** the young person's own view (16-17, or a younger child who understands) */
    voice: z.strictObject({ question: text, hint: text.optional(), options: z.array(voiceAnswer).min(2) }),
  }),
  family: z.strictObject({
    title: text,
    view: z.strictObject({ question: text, hint: text.optional(), options: z.array(familyAnswer).min(2) }),
    strengths: z.strictObject({ question: text, hint: text.optional(), options: z.array(strength).min(1), none: text, notSure: text }),
  }),
  rules: z.strictObject({
    noneLevel: slug,
    notSure: z.strictObject({ level: slug, steps: z.array(step).min(1) }),
    weighing: weighing.optional(),
    multipleNeeds: z.array(multipleNeedsRule).default([]),
    /**
     * a service offered on an outcome works at the outcome's level or at most this many levels below it:
     * a family support service that works only at the lowest levels is not the next step on a child
     * protection referral (a route's own services are always shown)
     */
    serviceLevelsBelow: z.number().int().min(0).max(10).optional(),
  }),
  levelSteps: z
    .array(
      z.strictObject({
        level: slug,
        referral: z.boolean().default(false),
        /** the level's steps come before alongside routes' steps (a same-day referral) */
        urgent: z.boolean().default(false),
        steps: z.array(step).min(1),
        /** in place of `steps` when the level needs the family's consent and they refuse help */
        ifRefused: z.array(step).optional(),
        /** in place of `steps` when a route asks for the referral today (route.sameDay) */
        sameDaySteps: z.array(step).optional(),
        /** shown when a referral is made at this level */
        whatHappensNext: text.optional(),
      }),
    )
    .min(1),
  /** the last step of every outcome, per asker where `for` is set */
  finalSteps: z.array(step).min(1),
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
  const needAreaIds = needAreaIdsOf(pack);
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
    if (!r.minimumLevel && r.answersItsLevel) ctx.error(F, rec, 'answersItsLevel', 'a route answers its level only when it has a minimumLevel');
    if (!r.minimumLevel && r.effect !== 'replaces-referral' && r.levelNote) ctx.error(F, rec, 'levelNote', 'a level note explains a minimumLevel or a route that replaces the referral, and this route is neither');
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
  checkUnique('asker', c.asker.options.map((o) => o.id));
  checkUnique('child.age', c.child.age.options.map((o) => o.id));
  checkUnique('child.disclosure', c.child.disclosure.options.map((o) => o.id));
  checkUnique('child.voice', c.child.voice.options.map((o) => o.id));
  checkUnique('family.view', c.family.view.options.map((o) => o.id));
  checkUnique('family.strengths', c.family.strengths.options.map((o) => o.id));
  c.child.age.options.forEach((o, i) => {
    if (o.min > o.max) ctx.error(F, 'child.age', `options[${i}]`, `minimum age ${o.min} is above maximum age ${o.max}`);
  });
  c.child.disclosure.options.forEach((o, i) => o.steps.forEach((s, j) => checkStep('child.disclosure', `options[${i}].steps[${j}]`, s)));
  c.danger.notSureSteps.forEach((s, i) => checkStep('danger', `notSureSteps[${i}]`, s));
  c.areasQuestion.somethingElse.steps.forEach((s, i) => checkStep('areasQuestion.somethingElse', `steps[${i}]`, s));
  if (c.areas.some((a) => a.id === c.areasQuestion.somethingElse.id)) ctx.error(F, 'areasQuestion.somethingElse', 'id', `"${c.areasQuestion.somethingElse.id}" is also a need area of the check`);
  c.areas.forEach((a) => {
    if (a.notSureLevel) checkLevel(`areas[${a.id}]`, 'notSureLevel', a.notSureLevel);
    if (!a.response) return;
    checkLevel(`areas[${a.id}]`, 'response.upTo', a.response.upTo);
    a.response.steps.forEach((s, i) => checkStep(`areas[${a.id}]`, `response.steps[${i}]`, s));
  });
  c.areas.forEach((a) =>
    a.indicators.forEach((ind) => {
      const rec = `areas[${a.id}].indicators[${ind.id}]`;
      if (ind.needArea && !needAreaIds.has(ind.needArea)) ctx.error(F, rec, 'needArea', `unknown need area "${ind.needArea}"`);
      ind.alsoSteps.forEach((s, i) => checkStep(rec, `alsoSteps[${i}]`, s));
      ind.soonSteps.forEach((s, i) => {
        checkStep(rec, `soonSteps[${i}]`, s);
        // it can come before everything else, so the outcome must be able to say what its first action is
        if (!s.kind) ctx.error(F, rec, `soonSteps[${i}].kind`, 'a step that cannot wait may be the first action, so it needs a kind (the response it stands for)');
      });
      if (ind.response) {
        checkLevel(rec, 'response.upTo', ind.response.upTo);
        ind.response.steps.forEach((s, i) => checkStep(rec, `response.steps[${i}]`, s));
        if (ind.fixed) ctx.error(F, rec, 'response', 'a fixed sign (harm) is answered by its level, not by a response of its own');
      }
      if (ind.fixed && ind.keepsLevel) ctx.error(F, rec, 'keepsLevel', 'a fixed sign already keeps its level; keepsLevel is for needs answered by their own service');
    }),
  );
  c.asker.options.forEach((o, i) => {
    if (o.actsAs && (o.actsAs === o.id || !c.asker.options.some((x) => x.id === o.actsAs))) ctx.error(F, 'asker', `options[${i}].actsAs`, `"${o.actsAs}" is not another answer of the asker question`);
  });
  const askerIds = new Set(c.asker.options.map((o) => o.id));
  const allSteps = (): Array<[string, string, z.infer<typeof step>]> => [
    ...c.routes.flatMap((r) => r.steps.map((s, i) => [`routes[${r.id}]`, `steps[${i}]`, s] as [string, string, z.infer<typeof step>])),
    ...c.levelSteps.flatMap((ls) => ls.steps.map((s, i) => [`levelSteps[${ls.level}]`, `steps[${i}]`, s] as [string, string, z.infer<typeof step>])),
    ...c.levelSteps.flatMap((ls) => (ls.ifRefused ?? []).map((s, i) => [`levelSteps[${ls.level}]`, `ifRefused[${i}]`, s] as [string, string, z.infer<typeof step>])),
    ...c.levelSteps.flatMap((ls) => (ls.sameDaySteps ?? []).map((s, i) => [`levelSteps[${ls.level}]`, `sameDaySteps[${i}]`, s] as [string, string, z.infer<typeof step>])),
    ...c.areas.flatMap((a) => a.indicators.flatMap((ind) => ind.soonSteps.map((s, i) => [`areas[${a.id}].indicators[${ind.id}]`, `soonSteps[${i}]`, s] as [string, string, z.infer<typeof step>]))),
    ...c.areas.flatMap((a) => a.indicators.flatMap((ind) => (ind.response?.steps ?? []).map((s, i) => [`areas[${a.id}].indicators[${ind.id}]`, `response.steps[${i}]`, s] as [string, string, z.infer<typeof step>]))),
    ...c.areas.flatMap((a) => (a.response?.steps ?? []).map((s, i) => [`areas[${a.id}]`, `response.steps[${i}]`, s] as [string, string, z.infer<typeof step>])),
    ...c.finalSteps.map((s, i) => ['finalSteps', `[${i}]`, s] as [string, string, z.infer<typeof step>]),
    ...c.danger.notSureSteps.map((s, i) => ['danger', `notSureSteps[${i}]`, s] as [string, string, z.infer<typeof step>]),
    ...c.rules.notSure.steps.map((s, i) => ['rules', `notSure.steps[${i}]`, s] as [string, string, z.infer<typeof step>]),
  ];
  for (const [rec, field, s] of allSteps()) if (s.for && !askerIds.has(s.for)) ctx.error(F, rec, `${field}.for`, `"${s.for}" is not an answer of the asker question (${[...askerIds].join(', ')})`);
  const strengthIds = new Set(c.family.strengths.options.map((o) => o.id));
  const w = c.rules.weighing;
  if (w) {
    checkLevel('rules.weighing', 'capAt', w.capAt);
    if (w.lowerFurther) checkLevel('rules.weighing.lowerFurther', 'to', w.lowerFurther.to);
    [...w.capWhen, ...w.notWhen, ...(w.lowerFurther?.when ?? [])].forEach((id) => {
      if (!strengthIds.has(id)) ctx.error(F, 'rules.weighing', 'capWhen', `unknown strengths answer "${id}"`);
    });
    w.raise.forEach((r) => {
      if (!strengthIds.has(r.strength)) ctx.error(F, `rules.weighing.raise[${r.id}]`, 'strength', `unknown strengths answer "${r.strength}"`);
      checkLevel(`rules.weighing.raise[${r.id}]`, 'atLevel', r.atLevel);
      checkLevel(`rules.weighing.raise[${r.id}]`, 'raiseTo', r.raiseTo);
    });
  }
  c.routes.forEach((r) =>
    r.exclusiveServices.forEach((s, i) => {
      if (!serviceSlugs.has(s)) ctx.error(F, `routes[${r.id}]`, `exclusiveServices[${i}]`, `unknown service "${s}" (no services/${s}.yaml)`);
    }),
  );

  checkLevel('rules', 'noneLevel', c.rules.noneLevel);
  checkLevel('rules', 'notSure.level', c.rules.notSure.level);
  c.rules.notSure.steps.forEach((s, i) => checkStep('rules', `notSure.steps[${i}]`, s));
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
    r.unlessStrengths.forEach((id, i) => {
      if (!strengthIds.has(id)) ctx.error(F, rec, `unlessStrengths[${i}]`, `unknown strengths answer "${id}"`);
    });
  });

  const stepLevels = new Set<string>();
  c.levelSteps.forEach((ls, i) => {
    const rec = `levelSteps[${ls.level}]`;
    checkLevel(`levelSteps[#${i + 1}]`, 'level', ls.level);
    if (stepLevels.has(ls.level)) ctx.error(F, rec, 'level', `next steps for level "${ls.level}" are given twice`);
    stepLevels.add(ls.level);
    ls.steps.forEach((s, j) => checkStep(rec, `steps[${j}]`, s));
    (ls.ifRefused ?? []).forEach((s, j) => checkStep(rec, `ifRefused[${j}]`, s));
    (ls.sameDaySteps ?? []).forEach((s, j) => checkStep(rec, `sameDaySteps[${j}]`, s));
  });
  // a same-day sign must set a level that can refer today
  c.areas.forEach((a) =>
    a.indicators.forEach((ind) => {
      if (!ind.sameDay) return;
      const ls = c.levelSteps.find((x) => x.level === ind.level);
      if (ls && !ls.urgent && !ls.sameDaySteps) ctx.error(F, `areas[${a.id}].indicators[${ind.id}]`, 'sameDay', `the next steps for level "${ind.level}" have no sameDaySteps and are not urgent`);
    }),
  );
  // a same-day route must reach a level that can refer today
  c.routes.forEach((r) => {
    if (!r.sameDay) return;
    const ls = c.levelSteps.find((x) => x.level === r.minimumLevel);
    if (!r.minimumLevel) ctx.error(F, `routes[${r.id}]`, 'sameDay', 'a same-day route needs a minimumLevel, whose next steps refer today');
    else if (ls && !ls.urgent && !ls.sameDaySteps) ctx.error(F, `routes[${r.id}]`, 'sameDay', `the next steps for level "${r.minimumLevel}" have no sameDaySteps and are not urgent`);
  });
  for (const l of pack.levels) if (!stepLevels.has(l.id)) ctx.error(F, 'levelSteps', undefined, `no next steps for level "${l.id}"`);

  c.finalSteps.forEach((s, i) => checkStep('finalSteps', `[${i}]`, s));
  for (const asker of c.asker.options) {
    const finals = c.finalSteps.filter((s) => !s.for || s.for === asker.id || s.for === asker.actsAs);
    if (!finals.some((s) => s.contact && pack.manifest.contacts[s.contact].phones.length > 0))
      ctx.error(F, 'finalSteps', undefined, `no final step for "${asker.id}" names a contact with a phone number: every outcome must have one`);
  }

  // every rule carries at least one example
  const required = [
    ...c.routes.map((r) => `route:${r.id}`),
    ...c.rules.multipleNeeds.map((r) => `multiple-needs:${r.id}`),
    ...c.rules.multipleNeeds.filter((r) => r.unlessStrengths.length > 0).map((r) => `multiple-needs-held:${r.id}`),
    ...c.areas.flatMap((a) => a.indicators.filter((i) => i.route).map((i) => `indicator-route:${i.id}`)),
    ...c.areas.flatMap((a) => a.indicators.filter((i) => i.keepsLevel).map((i) => `keeps-level:${i.id}`)),
    ...c.routes.filter((r) => r.answersItsLevel).map((r) => `route-answers-level:${r.id}`),
    'not-sure',
    'none-of-these',
    'highest-indicator',
    'highest-area',
    'danger-not-sure',
    'something-else',
    ...(c.areasQuestion.somethingElse.withRoutes ? ['route-only'] : []),
    ...(c.rules.weighing ? ['strengths-lower', 'harm-not-lowered', 'help-refused', ...c.rules.weighing.raise.map((r) => `weighing-raise:${r.id}`)] : []),
    ...(c.rules.weighing?.lowerFurther ? ['strengths-lower-further'] : []),
    ...c.areas.filter((a) => a.response).map((a) => `own-response:${a.id}`),
    ...c.areas.flatMap((a) => a.indicators.filter((i) => i.response).map((i) => `own-response:${i.id}`)),
    ...(c.levelSteps.some((ls) => ls.ifRefused) ? ['help-refused-steps'] : []),
    'not-sure-only',
    ...c.asker.options.map((o) => `asker:${o.id}`),
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
