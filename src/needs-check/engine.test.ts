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
const ctx = '&age=5-to-12&disclosure=no&voice=too-young&family=not-asked&strength=none';
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
    expect(level(`asker=dsl&danger=no&route=none&${q}${ctx}`)).toBe(expected);
  });

  it('names the indicators that set each area level, and the rule that raised the overall level', () => {
    const o = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=housing-and-money&area=education&area=family-wellbeing&ind=hm-debt&ind=hm-eviction&ind=ed-occasional&ind=fw-parenting-help${ctx}`));
    expect(o.areas.find((a) => a.id === 'housing-and-money')?.setBy.map((i) => i.id)).toEqual(['hm-eviction']);
    expect(o.raisedBy).toBeUndefined(); // already complex-needs through eviction
    const raised = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=housing-and-money&area=education&area=family-wellbeing&ind=hm-debt&ind=ed-occasional&ind=fw-parenting-help${ctx}`));
    expect(raised.raisedBy?.rule.id).toBe('several-early-help-needs');
    expect(raised.raisedBy?.areas).toHaveLength(3);
    expect(raised.why.join(' ')).toMatch(/Raised: .*so the level is Level 3/);
  });

  it('adds "discuss with your DSL or the front door" when unsure', () => {
    const o = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=neglect&unsure=neglect${ctx}`));
    expect(o.unsure).toBe(true);
    for (const s of c.rules.notSure.steps.filter((x) => !x.for || x.for === 'dsl')) expect(o.steps.map((x) => x.text)).toContain(s.text);
    expect(assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=neglect&ind=neglect-hygiene${ctx}`)).steps.map((s) => s.text)).not.toContain(c.rules.notSure.steps.at(-1)!.text);
  });

  it('gives consent guidance from the level and from what the family knows, never both "needed" and "do not tell"', () => {
    const family = (id: string) => c.family.view.options.find((o) => o.id === id)!;
    const eh = assess(pack, answersOf('asker=dsl&danger=no&route=none&area=neglect&ind=neglect-hygiene&age=5-to-12&disclosure=no&voice=too-young&family=disagrees&strength=none'));
    expect(eh.consent.required).toBe(true);
    expect(eh.consent.guidance).toContain(family('disagrees').ifConsentNeeded);
    const cp = assess(pack, answersOf('asker=dsl&danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&age=5-to-12&disclosure=yes&voice=wants-help&family=not-asked&strength=none'));
    expect(cp.consent.required).toBe(false);
    expect(cp.consent.guidance).toContain(family('not-asked').ifConsentNotNeeded);
    const unsafe = assess(pack, answersOf('asker=dsl&danger=no&route=none&area=neglect&ind=neglect-hygiene&age=5-to-12&disclosure=no&voice=too-young&family=unsafe-to-tell&strength=none'));
    expect(unsafe.consent.required).toBeUndefined();
    const fm = assess(pack, answersOf('asker=dsl&danger=no&route=forced-marriage&area=education&ind=ed-occasional&age=16-to-17&disclosure=yes&voice=wants-help&family=agrees&strength=none'));
    expect(fm.consent.guidance).toEqual([c.routes.find((r) => r.id === 'forced-marriage')!.consentNote]);
  });

  it('lets a young person old enough to agree for themselves stand in for the family where consent is needed', () => {
    const wants = c.child.voice.options.find((o) => o.ownConsent)!;
    const family = c.family.view.options.find((o) => o.id === 'not-asked')!;
    const q = (age: string) => `asker=dsl&danger=no&route=none&area=sex-and-relationships&ind=sr-pregnant&age=${age}&disclosure=yes&voice=${wants.id}&family=not-asked&strength=none`;
    const older = assess(pack, answersOf(q('16-to-17')));
    expect(older.level?.consent.required).toBe(true);
    // one voice: no "the family's consent is needed" heading above the young person's own agreement
    expect(older.consent.required).toBeUndefined();
    expect(older.consent.guidance).toEqual([wants.ownConsent!.text]);
    const younger = assess(pack, answersOf(q('13-to-15')));
    expect(younger.consent.guidance).toContain(family.ifConsentNeeded);
    expect(younger.consent.guidance).not.toContain(wants.ownConsent!.text);
    // a child protection referral keeps its own advice: consent is not what decides it
    const harm = assess(pack, answersOf('asker=dsl&danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&age=16-to-17&disclosure=yes&voice=wants-help&family=not-asked&strength=none'));
    expect(harm.consent.guidance).not.toContain(wants.ownConsent!.text);
  });

  it("gives each answer about the child's own wishes its own advice, even on a child protection referral", () => {
    for (const v of c.child.voice.options.filter((o) => o.consent)) {
      const o = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&age=13-to-15&disclosure=yes&voice=${v.id}&family=not-asked&strength=none`));
      expect(o.consent.guidance, v.id).toContain(v.consent);
    }
  });

  it('gives no family consent advice where no help is asked for, and no consultation beside a referral', () => {
    const everyday = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=family-wellbeing&ind=fw-ordinary${ctx.replace('family=not-asked', 'family=agrees')}`));
    expect(everyday.level?.id).toBe(pack.levels[0]!.id);
    expect(everyday.consent.required).toBeUndefined();
    for (const f of c.family.view.options) expect(everyday.consent.guidance).not.toContain(f.ifConsentNeeded);
    const consult = (o: ReturnType<typeof assess>) => o.steps.filter((s) => s.kind === 'front-door-consultation');
    // "something else" beside a sign of harm: the referral call is where the front door advises
    const referred = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=abuse&area=${c.areasQuestion.somethingElse.id}&ind=abuse-child-says-hurt${ctx}`));
    expect(referred.referral).toBe(true);
    expect(consult(referred)).toEqual([]);
    // alone, "something else" is a consultation
    expect(consult(assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=${c.areasQuestion.somethingElse.id}${ctx}`))).length).toBe(1);
  });

  it('adds the disclosure steps when the child told the member of staff', () => {
    const yes = c.child.disclosure.options.find((o) => o.id === 'yes')!;
    const o = assess(pack, answersOf('asker=dsl&danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&age=5-to-12&disclosure=yes&voice=wants-help&family=not-asked&strength=none'));
    for (const s of yes.steps) expect(o.steps.map((x) => x.text)).toContain(s.text);
  });

  it('weighs needs with the family: engaged parents lower a need, never a sign of harm; refusal stops the lowering', () => {
    const q = (ind: string, family: string, strengths: string) => `asker=dsl&danger=no&route=none&area=${c.areas.find((a) => a.indicators.some((i) => i.id === ind))!.id}&ind=${ind}&age=13-to-15&disclosure=no&voice=wants-help&family=${family}&${strengths}`;
    for (const a of c.areas)
      for (const i of a.indicators) {
        const engaged = assess(pack, answersOf(q(i.id, 'agrees', 'strength=parents-engaged')));
        const alone = assess(pack, answersOf(q(i.id, 'agrees', 'strength=none')));
        const refused = assess(pack, answersOf(q(i.id, 'disagrees', 'strength=parents-engaged')));
        if (i.fixed) expect(engaged.level!.rank, i.id).toBe(alone.level!.rank);
        else expect(engaged.level!.rank, i.id).toBeLessThanOrEqual(Math.max(alone.level!.rank, 2));
        expect(refused.level!.rank, i.id).toBe(alone.level!.rank);
      }
  });

  it('the need\u2019s own service comes first for needs without harm, the level\u2019s referral otherwise', () => {
    const own = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=bereavement&ind=be-affecting${ctx}`));
    expect(own.firstAction?.kind).toBe('own-service');
    expect(own.referral).toBe(false);
    expect(own.whatHappensNext).toBeUndefined();
    const harm = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=bereavement&area=neglect&ind=be-affecting&ind=neglect-often-without${ctx}`));
    expect(harm.firstAction?.kind).toBe('front-door-referral');
    expect(harm.whatHappensNext).toBeTruthy();
  });

  it('a sign adds its own steps after the level\u2019s: a safety plan after an assault by a pupil, the NRM for trafficking', () => {
    for (const [area, ind] of [['abuse', 'abuse-peer-assault'], ['exploitation', 'ex-trafficking']] as const) {
      const sign = c.areas.find((x) => x.id === area)!.indicators.find((i) => i.id === ind)!;
      expect(sign.alsoSteps.length).toBeGreaterThan(0);
      const o = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=${area}&ind=${ind}${ctx}`));
      const texts = o.steps.map((s) => s.text);
      for (const s of sign.alsoSteps) expect(texts).toContain(s.text);
      // after the level's first step, never before it
      expect(texts.indexOf(sign.alsoSteps[0]!.text)).toBeGreaterThan(0);
    }
  });

  it('never tells the DSL to tell the DSL', () => {
    for (const e of c.examples) {
      const parsed = parseAnswers(c, e.answers.replace('asker=staff', 'asker=dsl'));
      if (!parsed.ok) continue;
      for (const s of assess(pack, parsed.answers).steps) expect(s.text, e.id).not.toMatch(/tell your DSL|talk to your DSL/i);
    }
  });
});

describe('special routes', () => {
  it('danger now gives the emergency outcome first, with 999', () => {
    const o = assess(pack, answersOf('asker=staff&danger=yes'));
    expect(o.kind).toBe('emergency');
    expect(o.level).toBeUndefined();
    expect(o.steps[0]?.contact?.phones[0]?.number).toBe(pack.manifest.contacts.emergency.phones[0]!.number);
    expect(journey(c, answersOf('asker=staff&danger=yes')).map((p) => p.kind)).toEqual(['start', 'danger', 'outcome']);
    // 999's own service card is shown only here
    expect(o.services.map((s) => s.slug)).toContain('police-emergency-999');
    expect(assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=abuse&ind=abuse-child-says-hurt${ctx}`)).services.map((s) => s.slug)).not.toContain('police-emergency-999');
  });

  it.each(c.routes.filter((r) => r.option).map((r) => [r.id, r] as const))('route %s shows its steps and contact', (id, r) => {
    const q = r.effect === 'instead' ? `asker=dsl&danger=no&route=${id}` : `asker=dsl&danger=no&route=${id}&area=education&ind=ed-occasional${ctx}`;
    const o = assess(pack, answersOf(q));
    expect(o.routes.map((x) => x.id)).toEqual([id]);
    expect(o.routes[0]!.contact.name).toBe(pack.manifest.contacts[r.contact].name);
    const dslSteps = r.steps.filter((s) => !s.for || s.for === 'dsl').map((s) => s.text);
    for (const t of dslSteps) expect(o.steps.map((s) => s.text)).toContain(t);
    expect(o.kind).toBe(r.effect === 'instead' ? 'route' : 'level');
    if (r.minimumLevel) expect(o.level?.id).toBe(r.minimumLevel);
    if (r.actsFirst) expect(o.steps[0]!.text).toBe(r.steps[0]!.text);
    if (r.effect === 'instead') expect(journey(c, answersOf(q)).map((p) => p.kind)).toEqual(['start', 'danger', 'routes', 'check']);
  });

  it('a route that leads the level puts its own steps before the level\u2019s referral, for the DSL and for staff', () => {
    const leading = c.routes.filter((r) => r.leadsLevel);
    expect(leading.length).toBeGreaterThan(0);
    for (const r of leading) {
      // reached through its sign where it has no option of its own, beside a sign of harm that makes a referral
      const sign = c.areas.flatMap((a) => a.indicators.map((i) => [a.id, i] as const)).find(([, i]) => i.route === r.id);
      const chosen = r.option ? `route=${r.id}&area=abuse&ind=abuse-child-says-hurt` : `route=none&area=${sign![0]}&ind=${sign![1].id}`;
      for (const asker of ['dsl', 'staff'] as const) {
        const o = assess(pack, answersOf(`asker=${asker}&danger=no&${chosen}&age=13-to-15&disclosure=yes&voice=wants-help&family=not-asked&strength=none`));
        const own = r.steps.find((s) => s.for === asker)!;
        expect(o.steps[0]!.text, `${r.id} ${asker}`).toBe(own.text);
        expect(o.referral, r.id).toBe(true);
        // the level's referral still follows for the DSL
        if (asker === 'dsl') expect(o.steps.slice(1).some((s) => s.kind?.startsWith('front-door')), r.id).toBe(true);
      }
    }
  });

  it('a route that replaces the referral drops the level referral steps', () => {
    const o = assess(pack, answersOf(`asker=dsl&danger=no&route=social-worker&area=neglect&ind=neglect-often-without${ctx}`));
    const referral = c.levelSteps.find((l) => l.level === 'complex-needs')!.steps.filter((s) => s.kind?.startsWith('front-door')).map((s) => s.text);
    expect(referral.length).toBeGreaterThan(0);
    for (const t of referral) expect(o.steps.map((s) => s.text)).not.toContain(t);
    expect(o.level?.id).toBe('complex-needs');
  });

  it('an indicator can take a route, so FGM cannot be missed', () => {
    const o = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=harmful-practices&ind=hp-fgm-known${ctx}`));
    expect(o.routes.map((r) => r.id)).toEqual(['fgm-known']);
    expect(o.steps[0]!.contact?.phones.map((p) => p.number)).toContain('101');
  });
});

describe('matched services', () => {
  it('every match serves the worry at the level, and a sign\u2019s own need area keeps unrelated lines out', () => {
    const o = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=emotional-wellbeing&ind=ew-low-mood${ctx}`));
    expect(o.services.length).toBeGreaterThan(0);
    for (const m of o.services) {
      const s = pack.services.find((x) => x.slug === m.slug)!;
      expect(s.levels.some((l) => l === 'early-help'), m.slug).toBe(true);
      // low mood does not bring suicide lines
      expect(s.needAreas.length === 1 && s.needAreas[0] === 'suicidal-thoughts', m.slug).toBe(false);
    }
  });

  it('matches a service tagged with a child need area to its parent area when no sign names a narrower one', () => {
    const o = assess(pack, answersOf(`asker=dsl&danger=no&route=none&area=emotional-wellbeing&unsure=emotional-wellbeing${ctx}`));
    const childOnly = o.services.find((m) => pack.services.find((s) => s.slug === m.slug)!.needAreas.every((id) => id !== 'emotional-wellbeing'));
    expect(childOnly?.reasons.join(' ')).toMatch(/part of/);
  });

  it('leaves out services for another age group', () => {
    const young = assess(pack, answersOf('asker=dsl&danger=no&route=none&area=emotional-wellbeing&ind=ew-low-mood&age=under-5&disclosure=no&voice=too-young&family=agrees&strength=none'));
    for (const m of young.services) {
      const s = pack.services.find((x) => x.slug === m.slug)!;
      if (s.ages) expect(s.ages.min).toBeLessThanOrEqual(4);
    }
  });

  it('offers a service people only contact themselves (a helpline), whatever ages its record gives, from the pack’s age only', () => {
    const from = c.child.age.selfReferralFrom!;
    const selfOnly = (slug: string) => {
      const s = pack.services.find((x) => x.slug === slug)!;
      return s.referral.self && !s.referral.professional && !s.referral.viaFrontDoor;
    };
    const q = (age: string) => `asker=dsl&danger=no&route=none&area=emotional-wellbeing&ind=ew-low-mood&ind=ew-low-level-self-harm&age=${age}&disclosure=no&voice=not-asked&family=agrees&strength=none`;
    for (const band of c.child.age.options) {
      const offered = assess(pack, answersOf(q(band.id))).services.filter((m) => selfOnly(m.slug));
      if (band.min < from) expect(offered, band.id).toEqual([]);
    }
    // the rule leaves such services in for older children
    const older = c.child.age.options.find((b) => b.min >= from)!;
    expect(assess(pack, answersOf(q(older.id))).services.some((m) => selfOnly(m.slug))).toBe(true);
  });

  it('ranks within a group by fit, using an invented pack so the order is known', () => {
    const base = pack.services.find((s) => s.coverage === 'local')!;
    const mk = (slug: string, coverage: 'local' | 'national', needAreas: string[], levels: string[]) => ({ ...base, slug, name: slug, coverage, needAreas, levels, ages: undefined });
    const custom: ContentPack = {
      ...pack,
      services: [mk('national-exact', 'national', ['neglect'], ['early-help']), mk('local-other-level', 'local', ['neglect'], ['acute']), mk('local-exact', 'local', ['neglect'], ['early-help'])],
    };
    const o = assess(custom, answersOf(`asker=dsl&danger=no&route=none&area=neglect&ind=neglect-hygiene${ctx}`));
    expect(o.services.map((s) => s.slug)).toEqual(['local-exact', 'national-exact']);
    // at equal fit, local before national
    const tie: ContentPack = { ...pack, services: [mk('national-exact', 'national', ['neglect'], ['early-help']), mk('local-exact', 'local', ['neglect'], ['early-help'])] };
    expect(assess(tie, answersOf(`asker=dsl&danger=no&route=none&area=neglect&ind=neglect-hygiene${ctx}`)).services.map((s) => s.slug)).toEqual(['local-exact', 'national-exact']);
  });
});

describe('answers from the URL', () => {
  it.each([
    ['danger=maybe', 'unknown-id', 'danger'],
    ['asker=governor', 'unknown-id', 'asker'],
    ['danger=no&route=none&area=neglect&strength=rich', 'unknown-id', 'strength'],
    ['danger=no&route=none&area=neglect&strength=none&strength=parents-engaged', 'inconsistent', 'strength'],
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
    const a = answersOf(`asker=dsl&danger=no&route=prevent&area=neglect&area=abuse&area=something-else&ind=neglect-hygiene&unsure=neglect&none=abuse${ctx}`);
    expect(answersOf(toQuery(a))).toEqual(a);
    expect(answerParams(a)[0]).toEqual(['asker', 'dsl']);
    const b = answersOf(`asker=staff&danger=not-sure&route=none&area=neglect&ind=neglect-hygiene&age=5-to-12&disclosure=no&voice=too-young&family=agrees&strength=parents-engaged&strength=not-sure`);
    expect(answersOf(toQuery(b))).toEqual(b);
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
      age: fc.constantFrom(...c.child.age.options.map((o) => o.id)),
      family: fc.constantFrom(...c.family.view.options.map((o) => o.id)),
      disclosure: fc.constantFrom(...c.child.disclosure.options.map((o) => o.id)),
      voice: fc.constantFrom(...c.child.voice.options.map((o) => o.id)),
      strengths: fc.uniqueArray(fc.constantFrom(...c.family.strengths.options.map((o) => o.id)), { maxLength: 3 }),
      asker: fc.constantFrom(...c.asker.options.map((o) => o.id)),
    })
    .map(({ areas, routes, picks, unsure, age, family, disclosure, voice, strengths, asker }) => {
      const indicators: Answers['indicators'] = {};
      areas.forEach((id, i) => {
        const area = c.areas.find((a) => a.id === id)!;
        const chosen = [...new Set(picks.filter((_, j) => j % areas.length === i).map((n) => area.indicators[n % area.indicators.length]!.id))];
        indicators[id] = { indicators: chosen, none: chosen.length === 0 && !unsure[i], notSure: Boolean(unsure[i]) };
      });
      return { asker, danger: 'no' as const, routes, areas, indicators, age, family, disclosure, voice, strengths };
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
    const anyAnswers = fc.oneof(
      arbAnswers,
      fc.constantFrom(...c.asker.options.map((o): Answers => ({ asker: o.id, danger: 'yes', indicators: {} }))),
      fc.constantFrom(...c.routes.filter((r) => r.effect === 'instead' && r.option).flatMap((r) => c.asker.options.map((o): Answers => ({ asker: o.id, danger: 'no', routes: [r.id], indicators: {} })))),
    );
    fc.assert(
      fc.property(anyAnswers, (a) => {
        const o = assess(pack, a);
        expect(o.steps.length).toBeGreaterThan(0);
        expect(o.steps.some((s) => (s.contact?.phones.length ?? 0) > 0)).toBe(true);
        expect(o.firstAction?.kind).toBeTruthy();
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

describe('weighing several needs, same-day routes and signs that cannot wait', () => {
  const dsl = 'asker=dsl&danger=no&route=none';
  const threeNeeds = 'area=housing-and-money&area=education&area=family-wellbeing&ind=hm-debt&ind=ed-occasional&ind=fw-parenting-help&age=5-to-12&disclosure=no&voice=too-young&family=agrees';

  it('holds several needs at early help when the family is engaged and accepts help, and says so', () => {
    const held = assess(pack, answersOf(`${dsl}&${threeNeeds}&strength=parents-engaged`));
    expect(held.level?.id).toBe('early-help');
    expect(held.heldBy).toBe('several-early-help-needs');
    expect(held.why.join(' ')).toMatch(/Not raised: you have 3 areas of need/);
    // without an engaged family it rises, and a family that is not to be told does not hold it either
    expect(assess(pack, answersOf(`${dsl}&${threeNeeds}&strength=well-cared-for`)).level?.id).toBe('complex-needs');
    const unsafe = assess(pack, answersOf(`${dsl}&${threeNeeds.replace('family=agrees', 'family=unsafe-to-tell')}&strength=parents-engaged&strength=well-cared-for`));
    expect(unsafe.heldBy).toBeUndefined();
  });

  it('refers a young person with nowhere safe to stay today, at the level the threshold table gives homelessness, and says why', () => {
    const q = 'asker=dsl&danger=no&route=nowhere-to-stay&area=housing-and-money&none=housing-and-money&age=16-to-17&disclosure=yes&voice=wants-help';
    const route = c.routes.find((r) => r.id === 'nowhere-to-stay')!;
    for (const family of ['agrees', 'disagrees', 'unsafe-to-tell']) {
      const o = assess(pack, answersOf(`${q}&family=${family}&strength=none`));
      expect(o.level?.id).toBe(route.minimumLevel);
      expect(o.levelNote).toBe(route.levelNote);
      expect(o.firstAction?.kind).toBe('front-door-same-day');
      expect(o.firstAction?.step.text).toMatch(/today|now/);
      expect(o.steps.map((s) => s.text).join(' ')).not.toMatch(/section 47|child protection enquiry/i);
    }
    // harm at home as well still sets the acute level and its same-day referral
    const harm = assess(pack, answersOf(`asker=dsl&danger=no&route=nowhere-to-stay&area=abuse&ind=abuse-child-says-hurt&age=16-to-17&disclosure=yes&voice=wants-help&family=unsafe-to-tell&strength=none`));
    expect(harm.level?.id).toBe('acute');
    expect(harm.firstAction?.kind).toBe('front-door-same-day');
  });

  it('puts same-day medical help first when an eating disorder has red flags, whatever else is chosen', () => {
    for (const asker of ['dsl', 'staff']) {
      const o = assess(pack, answersOf(`asker=${asker}&danger=no&route=none&area=emotional-wellbeing&area=health&ind=ew-specialist&ind=he-eating-red-flags&age=13-to-15&disclosure=no&voice=not-asked&family=agrees&strength=parents-engaged&strength=help-in-place`));
      expect(o.steps[0]?.text).toMatch(/medical help today/);
      expect(o.firstAction?.kind).toBe(asker === 'dsl' ? 'own-service' : 'tell-dsl');
    }
    // help refused: the need's own service cannot start, so the referral comes first, medical help straight after
    const refused = assess(pack, answersOf(`${dsl}&area=emotional-wellbeing&area=health&ind=ew-specialist&ind=he-eating-red-flags&age=13-to-15&disclosure=no&voice=not-asked&family=disagrees&strength=none`));
    expect(refused.firstAction?.kind).toBe('front-door-referral');
    expect(refused.steps[1]?.text).toMatch(/medical help today/);
    // parents who fail to meet the medical need as well: the referral first, medical help straight after
    const neglect = assess(pack, answersOf(`${dsl}&area=health&ind=he-eating-red-flags&ind=he-medical-neglect&age=13-to-15&disclosure=no&voice=not-asked&family=disagrees&strength=none`));
    expect(neglect.firstAction?.kind).toBe('front-door-referral');
    expect(neglect.steps[1]?.text).toMatch(/medical help today/);
  });

  it("does not lower a need the family's strengths already brought down, however much help is in place", () => {
    const strengths = 'strength=parents-engaged&strength=well-cared-for&strength=help-in-place';
    const worse = assess(pack, answersOf(`${dsl}&area=health&ind=he-eating&age=13-to-15&disclosure=no&voice=wants-help&family=agrees&${strengths}`));
    expect(worse.level?.id).toBe('early-help');
    const everyday = assess(pack, answersOf(`${dsl}&area=emotional-wellbeing&ind=ew-low-mood&age=13-to-15&disclosure=no&voice=wants-help&family=agrees&${strengths}`));
    expect(everyday.level?.id).toBe(pack.levels.reduce((a, b) => (b.rank < a.rank ? b : a)).id);
  });

  it("sends several needs held at early help to early help's one plan, not to each need's own service", () => {
    const held = assess(pack, answersOf(`${dsl}&area=emotional-wellbeing&area=housing-and-money&area=family-wellbeing&ind=ew-low-mood&ind=hm-low-income&ind=fw-parent-ill&age=5-to-12&disclosure=no&voice=not-asked&family=agrees&strength=parents-engaged&strength=well-cared-for`));
    expect(held.heldBy).toBeDefined();
    expect(held.firstAction?.kind).toBe('early-help');
  });

  it('sends a stranger approaching a child, who is safe now, to the police with the parents told, without a referral', () => {
    const q = 'danger=no&route=none&area=abuse&ind=abuse-stranger-approach&age=5-to-12&disclosure=yes&voice=wants-help&family=agrees&strength=parents-engaged';
    const d = assess(pack, answersOf(`asker=dsl&${q}`));
    expect(d.level?.id).toBe(pack.levels.reduce((a, b) => (b.rank < a.rank ? b : a)).id);
    expect(d.firstAction?.kind).toBe('police');
    expect(d.referral).toBe(false);
    expect(assess(pack, answersOf(`asker=staff&${q}`)).firstAction?.kind).toBe('tell-dsl');
  });

  it("answers a sign of harm by its level, not by its area's own service (a parent's drug use is not the young people's drug service)", () => {
    const area = c.areas.find((a) => a.id === 'substance-misuse')!;
    const areaSteps = (area.response?.steps ?? []).map((s) => s.text);
    expect(areaSteps.length).toBeGreaterThan(0);
    const o = assess(pack, answersOf(`${dsl}&area=substance-misuse&ind=sm-parent-affects-care&age=5-to-12&disclosure=no&voice=too-young&family=agrees&strength=none`));
    expect(o.steps.map((s) => s.text).filter((t) => areaSteps.includes(t))).toEqual([]);
    // a young person's own use keeps the area's service
    const own = assess(pack, answersOf(`${dsl}&area=substance-misuse&ind=sm-regular&age=13-to-15&disclosure=no&voice=wants-help&family=agrees&strength=none`));
    expect(own.steps.some((s) => areaSteps.includes(s.text))).toBe(true);
  });

  it('refers a family with nowhere to live tonight today, whatever their strengths', () => {
    const o = assess(pack, answersOf(`${dsl}&area=housing-and-money&ind=hm-homeless&age=5-to-12&disclosure=no&voice=too-young&family=agrees&strength=parents-engaged&strength=well-cared-for`));
    expect(o.level?.id).toBe(c.areas.find((a) => a.id === 'housing-and-money')!.indicators.find((i) => i.id === 'hm-homeless')!.level);
    expect(o.loweredBy).toBeUndefined();
    expect(o.firstAction?.kind).toBe('front-door-same-day');
  });

  it('asks the DSL to name every child in the household when referring', () => {
    const o = assess(pack, answersOf(`${dsl}&area=abuse&ind=abuse-child-says-hurt&age=5-to-12&disclosure=yes&voice=wants-help&family=unsafe-to-tell&strength=none`));
    expect(o.steps.map((s) => s.text).join(' ')).toMatch(/every child in the household/);
  });
});

describe('needs that keep their level, routes that answer theirs, and services near the level', () => {
  const dsl = 'asker=dsl&danger=no';
  const engaged = '&age=5-to-12&disclosure=no&voice=too-young&family=agrees&strength=parents-engaged&strength=well-cared-for';

  it("keeps a need the family's strengths cannot lower at its level, and still sends it to its own service first", () => {
    const kept = c.areas.flatMap((a) => a.indicators.filter((i) => i.keepsLevel).map((i) => [a.id, i] as const));
    expect(kept.length).toBeGreaterThan(0);
    for (const [areaId, ind] of kept) {
      const o = assess(pack, answersOf(`${dsl}&route=none&area=${areaId}&ind=${ind.id}${engaged}`));
      expect(o.level?.id, ind.id).toBe(ind.level);
      expect(o.loweredBy, ind.id).toBeUndefined();
      expect(o.referral, ind.id).toBe(false);
      // its own response, or its route's contact, acts first: never a referral at the level
      expect(o.firstAction?.kind, ind.id).not.toMatch(/^front-door-(referral|same-day)$/);
      const own = (ind.response ?? c.areas.find((x) => x.id === areaId)!.response)!.steps.find((st) => !st.for || st.for === 'dsl')!;
      if (!ind.route) expect(o.firstAction?.step.text, ind.id).toBe(own.text);
      expect(o.why.join(' '), ind.id).toMatch(/Not lowered: .* stays at this level/);
    }
  });

  it('sends a kept need and another need the family lowered each to its own service, with no referral at the kept level', () => {
    // specialist mental health help (kept at its level) beside persistent absence (lowered by the family's strengths)
    const o = assess(pack, answersOf(`${dsl}&route=none&area=emotional-wellbeing&area=education&ind=ew-specialist&ind=ed-persistent${engaged}`));
    expect(o.level?.id).toBe('complex-needs');
    expect(o.referral).toBe(false);
    expect(o.firstAction?.kind).toBe('own-service');
    expect(o.steps.map((s) => s.kind)).toContain('school-support');
    // the same needs with no strengths to weigh: both at the level, and the level's referral answers them
    const none = assess(pack, answersOf(`${dsl}&route=none&area=emotional-wellbeing&area=education&ind=ew-specialist&ind=ed-persistent&age=5-to-12&disclosure=no&voice=too-young&family=agrees&strength=none`));
    expect(none.referral).toBe(true);
    expect(none.firstAction?.kind).toBe('front-door-referral');
  });

  it("sends no one to a need's own service for a worry the user was only not sure about", () => {
    const drugService = c.areas.find((a) => a.id === 'substance-misuse')!.response!.steps.find((st) => st.for === 'dsl')!;
    const unsure = assess(pack, answersOf(`${dsl}&route=none&area=substance-misuse&area=education&unsure=substance-misuse&ind=ed-behaviour-managed${engaged}`));
    expect(unsure.steps.map((st) => st.text)).not.toContain(drugService.text);
    // with a sign chosen in the same worry, its service is the first step again
    const named = assess(pack, answersOf(`${dsl}&route=none&area=substance-misuse&area=education&ind=sm-low-level&ind=ed-behaviour-managed${engaged}`));
    expect(named.firstAction?.step.text).toBe(drugService.text);
  });

  it('a route that answers its level gives its own steps, not the level\u2019s, when it alone sets the level; other needs bring the level\u2019s back', () => {
    const r = c.routes.find((x) => x.answersItsLevel && x.minimumLevel)!;
    const levelTexts = c.levelSteps.find((l) => l.level === r.minimumLevel)!.steps.filter((s) => !s.for || s.for === 'dsl').map((s) => s.text);
    const alone = assess(pack, answersOf(`${dsl}&route=${r.id}&area=family-wellbeing&ind=fw-ordinary${engaged}`));
    expect(alone.level?.id).toBe(r.minimumLevel);
    expect(alone.raisedByRoutes).toEqual([r.id]);
    expect(alone.referral).toBe(false);
    expect(alone.steps.map((s) => s.text).filter((t) => levelTexts.includes(t))).toEqual([]);
    expect(alone.levelNote).toBe(r.levelNote);
    // a need of its own at a higher level: the level's referral is back, and the level speaks for itself
    const more = assess(pack, answersOf(`${dsl}&route=${r.id}&area=neglect&ind=neglect-often-without&age=5-to-12&disclosure=no&voice=too-young&family=agrees&strength=none`));
    expect(more.raisedByRoutes).toEqual([]);
    expect(more.referral).toBe(true);
    expect(more.levelNote).toBeUndefined();
  });

  it("says why a route's own sign puts a child at its level, in place of the level's words, unless harm sets it too", () => {
    const r = c.routes.find((x) => x.id === 'suicide-plan')!;
    const sign = c.areas.flatMap((a) => a.indicators.map((i) => [a.id, i] as const)).find(([, i]) => i.route === r.id && i.level === r.minimumLevel)!;
    const alone = assess(pack, answersOf(`${dsl}&route=none&area=${sign[0]}&ind=${sign[1].id}${engaged}`));
    expect(alone.levelNote).toBe(r.levelNote);
    expect(alone.whoResponds).toBeUndefined();
    // beside a sign of harm at the same level, the level's own words and who responds are back
    const harm = assess(pack, answersOf(`${dsl}&route=none&area=${sign[0]}&area=abuse&ind=${sign[1].id}&ind=abuse-child-says-hurt${engaged}`));
    expect(harm.levelNote).toBeUndefined();
    expect(harm.whoResponds).toBeDefined();
  });

  it('offers no service that works only two or more levels below a child protection outcome', () => {
    const gap = c.rules.serviceLevelsBelow!;
    const place = new Map([...pack.levels].sort((a, b) => a.rank - b.rank).map((l, i) => [l.id, i]));
    const o = assess(pack, answersOf(`${dsl}&route=none&area=abuse&area=housing-and-money&area=family-wellbeing&ind=abuse-child-says-hurt&ind=hm-low-income&ind=fw-parenting-help&age=5-to-12&disclosure=yes&voice=wants-help&family=not-asked&strength=none`));
    expect(o.services.length).toBeGreaterThan(0);
    for (const m of o.services) {
      const s = pack.services.find((x) => x.slug === m.slug)!;
      const top = Math.max(...s.levels.map((id) => place.get(id)!));
      expect(top, m.slug).toBeGreaterThanOrEqual(place.get(o.level!.id)! - gap);
    }
    // the same worries at early help still offer those services
    const low = assess(pack, answersOf(`${dsl}&route=none&area=housing-and-money&area=family-wellbeing&ind=hm-low-income&ind=fw-parenting-help${engaged}`));
    const lowOnly = low.services.filter((m) => pack.services.find((x) => x.slug === m.slug)!.levels.every((id) => place.get(id)! < place.get(o.level!.id)! - gap));
    expect(lowOnly.length).toBeGreaterThan(0);
  });
});

describe('the services on an outcome', () => {
  it('lists every service its steps name (for the age given), so "Do this first" is never missing from "Services that fit"', () => {
    const queries = c.examples.map((e) => e.answers);
    let checked = 0;
    for (const q of queries) {
      const o = assess(pack, answersOf(q));
      const band = c.child.age.options.find((b) => b.id === answersOf(q).age);
      for (const step of o.steps) {
        if (!step.contact?.service) continue;
        const s = pack.services.find((x) => x.slug === step.contact!.service)!;
        if (s.status !== 'active' || (band && s.ages && (s.ages.max < band.min || s.ages.min > band.max))) continue;
        checked++;
        expect(o.services.map((m) => m.slug), `${q}: ${s.slug}`).toContain(s.slug);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
