/* eslint-disable @typescript-eslint/no-explicit-any -- these tests edit raw YAML documents, whose shape is the point of the test */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { defaultPackDir } from '../content/pack-dir.js';
import { loadPack } from '../content/load.js';
import type { ContentProblem } from '../content/problems.js';
import { defaultPack, TEST_TODAY } from '../../test/helpers/pack.js';
import { NEEDS_CHECK_FILE, needsCheckContent as nc } from './content.js';
import { packSections } from '../sections.js';

const today = TEST_TODAY;
let dir: string;
let original: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'isg-nc-'));
  cpSync(defaultPackDir(), dir, { recursive: true });
  original = readFileSync(join(dir, NEEDS_CHECK_FILE), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads the pack with needs-check.yaml changed by `edit`; returns its errors. */
function errorsAfter(edit: (doc: Record<string, any>) => void): ContentProblem[] {
  const doc = parse(original) as Record<string, any>;
  edit(doc);
  writeFileSync(join(dir, NEEDS_CHECK_FILE), stringify(doc));
  try {
    return loadPack(dir, packSections, { today }).problems.filter((p) => p.severity === 'error');
  } finally {
    writeFileSync(join(dir, NEEDS_CHECK_FILE), original);
  }
}

const area = (doc: Record<string, any>, id: string) => (doc['areas'] as Array<Record<string, any>>).find((a) => a['id'] === id)!;
const route = (doc: Record<string, any>, id: string) => (doc['routes'] as Array<Record<string, any>>).find((r) => r['id'] === id)!;

describe('the default needs check content', () => {
  it('loads without errors or warnings, with every area from need-areas.yaml ids', () => {
    const r = loadPack(defaultPackDir(), packSections, { today });
    expect(r.problems.filter((p) => p.file === NEEDS_CHECK_FILE)).toEqual([]);
    const c = nc(defaultPack());
    const ids = new Set(defaultPack().needAreas.flatMap((a) => [a.id, ...a.children.map((ch) => ch.id)]));
    for (const a of c.areas) expect(ids.has(a.id)).toBe(true);
  });

  it('covers every level in the indicators, 3 to 12 indicators per area, and every top-level need area but the route-only ones', () => {
    const pack = defaultPack();
    const c = nc(pack);
    const used = new Set(c.areas.flatMap((a) => a.indicators.map((i) => i.level)));
    expect([...used].sort()).toEqual(pack.levels.map((l) => l.id).sort());
    for (const a of c.areas) expect(a.indicators.length).toBeGreaterThanOrEqual(3);
    // a worry staff can name has an area, or a route of its own on the routes page
    const routed = new Set(c.routes.filter((r) => r.option).flatMap((r) => r.needAreas));
    const missing = pack.needAreas.filter((a) => !c.areas.some((x) => x.id === a.id) && !routed.has(a.id)).map((a) => a.id);
    expect(missing).toEqual([]);
  });
});

describe('a broken needs-check file gives a precise error', () => {
  it('an indicator with an unknown level', () => {
    expect(errorsAfter((d) => (area(d, 'neglect')['indicators'][0]['level'] = 'level-9'))).toContainEqual(
      expect.objectContaining({ file: NEEDS_CHECK_FILE, record: 'areas[neglect].indicators[neglect-hygiene]', field: 'level', message: expect.stringMatching(/unknown level "level-9"/) }),
    );
  });

  it('an indicator with no text (schema error named by record)', () => {
    expect(errorsAfter((d) => {
        delete area(d, 'abuse')['indicators'][1]['text'];
      }),
    ).toContainEqual(
      expect.objectContaining({ file: NEEDS_CHECK_FILE, record: 'areas[abuse].indicators[abuse-child-says-hurt]', field: 'text', message: 'is missing' }),
    );
  });

  it('an area that is not a need area', () => {
    expect(errorsAfter((d) => (area(d, 'send')['id'] = 'sen'))).toContainEqual(
      expect.objectContaining({ record: 'areas[sen]', field: 'id', message: expect.stringMatching(/unknown need area "sen"/) }),
    );
  });

  it('a route sending to a contact role pack.yaml does not have', () => {
    expect(errorsAfter((d) => (route(d, 'lado')['contact'] = 'headteacher'))).toContainEqual(
      expect.objectContaining({ record: 'routes[lado]', field: 'contact', message: expect.stringMatching(/must be one of/) }),
    );
  });

  it('a step naming a service that does not exist', () => {
    expect(errorsAfter((d) => (route(d, 'fgm-known')['steps'][0]['service'] = 'no-such-service'))).toContainEqual(
      expect.objectContaining({ record: 'routes[fgm-known]', field: 'steps[0].service', message: expect.stringMatching(/unknown service "no-such-service"/) }),
    );
  });

  it('a multiple-needs rule that would lower the level', () => {
    expect(errorsAfter((d) => (d['rules']['multipleNeeds'][0]['raiseTo'] = 'universal'))).toContainEqual(
      expect.objectContaining({ record: 'rules.multipleNeeds[several-early-help-needs]', field: 'raiseTo', message: expect.stringMatching(/higher level/) }),
    );
  });

  it('a rule with no example', () => {
    expect(errorsAfter((d) => (d['examples'] = (d['examples'] as Array<Record<string, any>>).filter((e) => !(e['rules'] as string[]).includes('route:lado'))))).toContainEqual(
      expect.objectContaining({ record: 'examples', message: 'rule "route:lado" has no example answer set' }),
    );
  });

  it('an example whose expected outcome the rules do not give', () => {
    expect(
      errorsAfter((d) => ((d['examples'] as Array<Record<string, any>>).find((e) => e['id'] === 'own-response-emotional-wellbeing')!['expect']['level'] = 'acute')),
    ).toContainEqual(expect.objectContaining({ record: 'examples[own-response-emotional-wellbeing]', field: 'expect.level', message: 'the rules give level "early-help", not "acute"' }));
    expect(
      errorsAfter((d) => ((d['examples'] as Array<Record<string, any>>).find((e) => e['id'] === 'own-response-emotional-wellbeing')!['expect']['firstAction'] = 'front-door-same-day')),
    ).toContainEqual(expect.objectContaining({ record: 'examples[own-response-emotional-wellbeing]', field: 'expect.firstAction', message: expect.stringMatching(/^the first step is "own-service"/) }));
  });

  it('an example with an answer the content does not have', () => {
    expect(errorsAfter((d) => ((d['examples'] as Array<Record<string, any>>)[0]!['answers'] = 'danger=perhaps'))).toContainEqual(
      expect.objectContaining({ record: 'examples[immediate-danger]', field: 'answers', message: expect.stringMatching(/danger=perhaps/) }),
    );
  });

  it('a route that answers or explains a level it does not set, and a fixed sign marked as keeping its level', () => {
    expect(errorsAfter((d) => (route(d, 'lado')['answersItsLevel'] = true))).toContainEqual(
      expect.objectContaining({ record: 'routes[lado]', field: 'answersItsLevel', message: 'a route answers its level only when it has a minimumLevel' }),
    );
    expect(errorsAfter((d) => (route(d, 'prevent')['levelNote'] = 'Why this level.'))).toContainEqual(expect.objectContaining({ record: 'routes[prevent]', field: 'levelNote' }));
    expect(errorsAfter((d) => (area(d, 'abuse')['indicators'][1]['keepsLevel'] = true))).toContainEqual(
      expect.objectContaining({ record: 'areas[abuse].indicators[abuse-child-says-hurt]', field: 'keepsLevel' }),
    );
  });

  it('a step that cannot wait, with no kind to name it as the first action', () => {
    const eating = (d: Record<string, any>) => (area(d, 'health')['indicators'] as Array<Record<string, any>>).find((i) => i['id'] === 'he-eating-red-flags')!;
    expect(errorsAfter((d) => delete eating(d)['soonSteps'][0]['kind'])).toContainEqual(
      expect.objectContaining({ record: 'areas[health].indicators[he-eating-red-flags]', field: 'soonSteps[0].kind' }),
    );
  });

  it('a level with no next steps', () => {
    expect(errorsAfter((d) => (d['levelSteps'] = (d['levelSteps'] as Array<Record<string, any>>).filter((l) => l['level'] !== 'acute')))).toContainEqual(
      expect.objectContaining({ record: 'levelSteps', message: 'no next steps for level "acute"' }),
    );
  });

  it('a final step without a contact phone', () => {
    expect(errorsAfter((d) => ((d['finalSteps'] as Array<Record<string, any>>).forEach((s) => (s['contact'] = 'earlyHelp'))))).toContainEqual(
      expect.objectContaining({ record: 'finalSteps', message: expect.stringMatching(/no final step for "dsl" names a contact with a phone number/) }),
    );
  });

  it('a step for someone the asker question does not have', () => {
    expect(errorsAfter((d) => ((d['finalSteps'] as Array<Record<string, any>>)[0]!['for'] = 'governor'))).toContainEqual(
      expect.objectContaining({ record: 'finalSteps', field: '[0].for', message: expect.stringMatching(/"governor" is not an answer of the asker question/) }),
    );
  });

  it('a weighing rule naming a strength the family page does not offer', () => {
    expect(errorsAfter((d) => (d['rules']['weighing']['capWhen'] = ['rich-parents']))).toContainEqual(
      expect.objectContaining({ record: 'rules.weighing', message: 'unknown strengths answer "rich-parents"' }),
    );
  });

  it('a duplicate indicator id across areas', () => {
    expect(errorsAfter((d) => (area(d, 'education')['indicators'][0]['id'] = 'neglect-hygiene'))).toContainEqual(
      expect.objectContaining({ record: 'areas[education].indicators[neglect-hygiene]', field: 'id', message: expect.stringMatching(/duplicate indicator id/) }),
    );
  });

  it('the pack is refused while there is an error', () => {
    const doc = parse(original) as Record<string, any>;
    area(doc, 'neglect')['indicators'][0]['level'] = 'level-9';
    writeFileSync(join(dir, NEEDS_CHECK_FILE), stringify(doc));
    try {
      expect(loadPack(dir, packSections, { today }).pack).toBeUndefined();
    } finally {
      writeFileSync(join(dir, NEEDS_CHECK_FILE), original);
    }
  });
});
