import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContentPack } from '../content/schema.js';
import { answerParams, parseAnswers, toQuery, type Answers } from './answers.js';
import { assess } from './engine.js';
import { checkExample } from './examples.js';
import { journey } from './flow.js';
import { defaultPack } from '../../test/helpers/pack.js';
import { needsCheckContent as nc } from './content.js';

const pack = defaultPack();
const c = nc(pack);
const answersOf = (q: string): Answers => {
  const r = parseAnswers(c, q);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.answers;
};
const ctx = '&age=5-to-10&family=not-told&disclosure=no';
const level = (q: string) => assess(pack, answersOf(q)).level?.id;

describe('every example answer set in the content gives its expected outcome', () => {
  it.each(c.examples.map((e) => [e.id, e] as const))('%s', (_id, e) => {
    expect(checkExample(pack, e)).toEqual([]);
  });
});

describe('outcome rules', () => {
  it.each([
    ['an area is at its highest chosen indicator', 'area=neglect&ind=neglect-hygiene&ind=neglect-long-term', 'acute'],
    ['"none of these" gives the none level', 'area=send&none=send', c.rules.noneLevel],
    ['"not sure" alone gives the not-sure level', 'area=neglect&unsure=neglect', c.rules.notSure.level],
    ['"not sure" never lowers a higher indicator', 'area=abuse&ind=abuse-child-says-hurt&unsure=abuse', 'acute'],
    ['"not sure" raises a lower indicator to the not-sure level', 'area=send&ind=send-met&unsure=send', c.rules.notSure.level],
    ['the overall level is the highest area level', 'area=neglect&area=education&ind=neglect-often-without&ind=ed-occasional', 'complex-needs'],
    ['three early help areas raise the level (multiple needs)', 'area=housing-and-money&area=education&area=family-wellbeing&ind=hm-debt&ind=ed-occasional&ind=fw-parenting-help', 'complex-needs'],
    ['two early help areas do not', 'area=housing-and-money&area=education&ind=hm-debt&ind=ed-occasional', 'early-help'],
  ])('%s', (_name, q, expected) => {
    expect(level(`danger=no&route=none&${q}${ctx}`)).toBe(expected);
  });

  it('names the indicators that set each area level, and the rule that raised the overall level', () => {
    const o = assess(pack, answersOf(`danger=no&route=none&area=housing-and-money&area=education&area=family-wellbeing&ind=hm-debt&ind=hm-eviction&ind=ed-occasional&ind=fw-parenting-help${ctx}`));
    expect(o.areas.find((a) => a.id === 'housing-and-money')?.setBy.map((i) => i.id)).toEqual(['hm-eviction']);
    expect(o.raisedBy).toBeUndefined(); // already complex-needs through eviction
    const raised = assess(pack, answersOf(`danger=no&route=none&area=housing-and-money&area=education&area=family-wellbeing&ind=hm-debt&ind=ed-occasional&ind=fw-parenting-help${ctx}`));
    expect(raised.raisedBy?.rule.id).toBe('several-early-help-needs');
    expect(raised.raisedBy?.areas).toHaveLength(3);
    expect(raised.why.join(' ')).toMatch(/raised to Level 3/);
  });

  it('adds "discuss with your DSL or the front door" when unsure', () => {
    const o = assess(pack, answersOf(`danger=no&route=none&area=neglect&unsure=neglect${ctx}`));
    expect(o.unsure).toBe(true);
    expect(o.steps.map((s) => s.text)).toContain(c.rules.notSure.step.text);
    expect(assess(pack, answersOf(`danger=no&route=none&area=neglect&ind=neglect-hygiene${ctx}`)).steps.map((s) => s.text)).not.toContain(c.rules.notSure.step.text);
  });

  it('gives consent guidance from the level and from what the family knows', () => {
    const eh = assess(pack, answersOf('danger=no&route=none&area=neglect&ind=neglect-hygiene&age=5-to-10&family=disagrees&disclosure=no'));
    expect(eh.consent.required).toBe(true);
    expect(eh.consent.guidance).toContain(c.context.family.options.find((o) => o.id === 'disagrees')!.ifConsentNeeded);
    const cp = assess(pack, answersOf('danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&age=5-to-10&family=unsafe-to-tell&disclosure=yes'));
    expect(cp.consent.required).toBe(false);
    expect(cp.consent.guidance).toContain(c.context.family.options.find((o) => o.id === 'unsafe-to-tell')!.ifConsentNotNeeded);
  });

  it('adds the disclosure steps when the child told the member of staff', () => {
    const yes = c.context.disclosure.options.find((o) => o.id === 'yes')!;
    const o = assess(pack, answersOf('danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&age=5-to-10&family=not-told&disclosure=yes'));
    for (const s of yes.steps) expect(o.steps.map((x) => x.text)).toContain(s.text);
  });
});

describe('special routes', () => {
  it('immediate danger gives the emergency outcome first, with 999', () => {
    const o = assess(pack, answersOf('danger=yes'));
    expect(o.kind).toBe('emergency');
    expect(o.level).toBeUndefined();
    expect(o.steps[0]?.contact?.phones[0]?.number).toBe(pack.manifest.contacts.emergency.phones[0]!.number);
    expect(journey(c, answersOf('danger=yes')).map((p) => p.kind)).toEqual(['danger', 'outcome']);
  });

  it.each(c.routes.filter((r) => r.option).map((r) => [r.id, r] as const))('route %s shows its steps and contact', (id, r) => {
    const q = r.effect === 'instead' ? `danger=no&route=${id}` : `danger=no&route=${id}&area=education&ind=ed-occasional${ctx}`;
    const o = assess(pack, answersOf(q));
    expect(o.routes.map((x) => x.id)).toEqual([id]);
    expect(o.routes[0]!.contact.name).toBe(pack.manifest.contacts[r.contact].name);
    expect(o.steps[0]!.text).toBe(r.steps[0]!.text);
    expect(o.kind).toBe(r.effect === 'instead' ? 'route' : 'level');
    if (r.minimumLevel) expect(o.level?.id).toBe(r.minimumLevel);
    if (r.effect === 'instead') expect(journey(c, answersOf(q)).map((p) => p.kind)).toEqual(['danger', 'routes', 'check']);
  });

  it('a route that replaces the referral drops the level referral steps', () => {
    const o = assess(pack, answersOf(`danger=no&route=social-worker&area=neglect&ind=neglect-often-without${ctx}`));
    const referral = c.levelSteps.find((l) => l.level === 'complex-needs')!.steps.map((s) => s.text);
    for (const t of referral) expect(o.steps.map((s) => s.text)).not.toContain(t);
    expect(o.level?.id).toBe('complex-needs');
  });

  it('an indicator can take a route, so FGM cannot be missed', () => {
    const o = assess(pack, answersOf(`danger=no&route=none&area=harmful-practices&ind=hp-fgm-known${ctx}`));
    expect(o.routes.map((r) => r.id)).toEqual(['fgm-known']);
    expect(o.steps[0]!.contact?.phones.map((p) => p.number)).toContain('101');
  });
});

describe('matched services', () => {
  it('puts local services before national ones, and every match serves the area', () => {
    const o = assess(pack, answersOf(`danger=no&route=none&area=emotional-wellbeing&ind=ew-low-mood${ctx}`));
    expect(o.services.length).toBeGreaterThan(0);
    const coverage = o.services.map((s) => s.coverage);
    expect(coverage).toEqual([...coverage].sort((a, b) => (a === b ? 0 : a === 'local' ? -1 : 1)));
    for (const m of o.services) {
      const s = pack.services.find((x) => x.slug === m.slug)!;
      expect(s.levels.some((l) => l === 'early-help')).toBe(true);
    }
  });

  it('matches a service tagged with a child need area to its parent area', () => {
    const o = assess(pack, answersOf(`danger=no&route=none&area=emotional-wellbeing&ind=ew-low-mood${ctx}`));
    // services tagged only with e.g. anxiety-and-low-mood still fit "emotional wellbeing"
    const childOnly = o.services.find((m) => pack.services.find((s) => s.slug === m.slug)!.needAreas.every((id) => id !== 'emotional-wellbeing'));
    expect(childOnly?.reasons.join(' ')).toMatch(/part of/);
  });

  it('leaves out services for another age group', () => {
    const young = assess(pack, answersOf('danger=no&route=none&area=emotional-wellbeing&ind=ew-low-mood&age=under-5&family=agrees&disclosure=no'));
    for (const m of young.services) {
      const s = pack.services.find((x) => x.slug === m.slug)!;
      if (s.ages) expect(s.ages.min).toBeLessThanOrEqual(4);
    }
  });

  it('ranks within a group by fit, using an invented pack so the order is known', () => {
    const base = pack.services.find((s) => s.coverage === 'local')!;
    const mk = (slug: string, coverage: 'local' | 'national', needAreas: string[], levels: string[]) => ({ ...base, slug, name: slug, coverage, needAreas, levels, ages: undefined });
    const custom: ContentPack = {
      ...pack,
      services: [mk('national-exact', 'national', ['neglect'], ['early-help']), mk('local-other-level', 'local', ['neglect'], ['acute']), mk('local-exact', 'local', ['neglect'], ['early-help'])],
    };
    const o = assess(custom, answersOf(`danger=no&route=none&area=neglect&ind=neglect-hygiene${ctx}`));
    expect(o.services.map((s) => s.slug)).toEqual(['local-exact', 'national-exact']);
  });
});

describe('answers from the URL', () => {
  it.each([
    ['danger=maybe', 'unknown-id', 'danger'],
    ['danger=no&route=not-a-route', 'unknown-id', 'route'],
    ['danger=no&route=none&area=neglect&ind=<script>', 'unknown-id', 'ind'],
    ['danger=no&route=none&area=neglect&ind=abuse-child-says-hurt', 'inconsistent', 'area'],
    ['danger=no&route=none&route=lado', 'inconsistent', 'route'],
    ['danger=no&danger=yes', 'inconsistent', 'danger'],
    ['danger=no&route=none&area=neglect&none=neglect&ind=neglect-hygiene', 'inconsistent', 'none'],
  ])('%s gives a typed %s error', (q, kind, param) => {
    const r = parseAnswers(c, q);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe(kind);
      if (r.error.kind !== 'too-long') expect(r.error.param).toBe(param);
    }
  });

  it('never throws on any query string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (q) => {
        const r = parseAnswers(c, q);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });

  it('reads back what it writes', () => {
    const a = answersOf(`danger=no&route=prevent&area=neglect&area=abuse&ind=neglect-hygiene&unsure=neglect&none=abuse${ctx}`);
    expect(answersOf(toQuery(a))).toEqual(a);
    expect(answerParams(a)[0]).toEqual(['danger', 'no']);
  });
});

describe('properties', () => {
  const areaIds = c.areas.map((a) => a.id);
  const optionRoutes = c.routes.filter((r) => r.option && r.effect !== 'instead').map((r) => r.id);
  const arbAnswers: fc.Arbitrary<Answers> = fc
    .record({
      areas: fc.uniqueArray(fc.constantFrom(...areaIds), { minLength: 1, maxLength: 5 }),
      routes: fc.uniqueArray(fc.constantFrom(...optionRoutes), { maxLength: 2 }),
      picks: fc.array(fc.nat(), { maxLength: 12 }),
      unsure: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      age: fc.constantFrom(...c.context.age.options.map((o) => o.id)),
      family: fc.constantFrom(...c.context.family.options.map((o) => o.id)),
      disclosure: fc.constantFrom(...c.context.disclosure.options.map((o) => o.id)),
    })
    .map(({ areas, routes, picks, unsure, age, family, disclosure }) => {
      const indicators: Answers['indicators'] = {};
      areas.forEach((id, i) => {
        const area = c.areas.find((a) => a.id === id)!;
        const chosen = [...new Set(picks.filter((_, j) => j % areas.length === i).map((n) => area.indicators[n % area.indicators.length]!.id))];
        indicators[id] = { indicators: chosen, none: chosen.length === 0 && !unsure[i], notSure: Boolean(unsure[i]) };
      });
      return { danger: 'no' as const, routes, areas, indicators, age, family, disclosure };
    });

  it('adding an indicator never lowers any level', () => {
    fc.assert(
      fc.property(arbAnswers, fc.nat(), (a, n) => {
        const before = assess(pack, a);
        const areaId = a.areas![n % a.areas!.length]!;
        const area = c.areas.find((x) => x.id === areaId)!;
        const extra = area.indicators[n % area.indicators.length]!.id;
        const prev = a.indicators[areaId]!;
        const more: Answers = { ...a, indicators: { ...a.indicators, [areaId]: { ...prev, none: false, indicators: [...new Set([...prev.indicators, extra])] } } };
        const after = assess(pack, more);
        expect(after.level!.rank).toBeGreaterThanOrEqual(before.level!.rank);
        for (const b of before.areas) expect(after.areas.find((x) => x.id === b.id)!.level.rank).toBeGreaterThanOrEqual(b.level.rank);
      }),
      { numRuns: 300 },
    );
  });

  it('"not sure" never lowers any level', () => {
    fc.assert(
      fc.property(arbAnswers, fc.nat(), (a, n) => {
        const areaId = a.areas![n % a.areas!.length]!;
        const prev = a.indicators[areaId]!;
        const unsure: Answers = { ...a, indicators: { ...a.indicators, [areaId]: { ...prev, none: false, notSure: true } } };
        expect(assess(pack, unsure).level!.rank).toBeGreaterThanOrEqual(assess(pack, a).level!.rank);
      }),
      { numRuns: 200 },
    );
  });

  it('every outcome names at least one next step and one contact with a phone', () => {
    const anyAnswers = fc.oneof(arbAnswers, fc.constant<Answers>({ danger: 'yes', indicators: {} }), fc.constantFrom(...c.routes.filter((r) => r.effect === 'instead' && r.option).map((r): Answers => ({ danger: 'no', routes: [r.id], indicators: {} }))));
    fc.assert(
      fc.property(anyAnswers, (a) => {
        const o = assess(pack, a);
        expect(o.steps.length).toBeGreaterThan(0);
        expect(o.steps.some((s) => (s.contact?.phones.length ?? 0) > 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    fc.assert(fc.property(arbAnswers, (a) => {
        expect(assess(pack, a)).toEqual(assess(pack, structuredClone(a)));
      }), { numRuns: 50 });
  });
});
