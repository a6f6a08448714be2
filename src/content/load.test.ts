import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDefaultPack, problemsAfter, TEST_TODAY, type TempPack } from '../../test/helpers/pack.js';
import { loadPack } from './load.js';
import { defaultPackDir } from './pack-dir.js';
import type { ContentProblem } from './problems.js';
import { needsCheckSection } from '../needs-check/content.js';
import { packSections } from '../sections.js';

const FRONT_DOOR = 'services/childrens-front-door-mash.yaml';

let pack: TempPack | undefined;
afterEach(() => {
  pack?.cleanup();
  pack = undefined;
});


function errorsOf(problems: ContentProblem[]) {
  return problems.filter((p) => p.severity === 'error').map(({ file, record, field, message }) => ({ file, record, field, message }));
}

describe('the default content pack', () => {
  const result = loadPack(defaultPackDir(), packSections, { today: TEST_TODAY });

  it('loads with no errors', () => {
    expect(errorsOf(result.problems)).toEqual([]);
    expect(result.pack).toBeDefined();
  });

  it('has levels ordered by rank with a consent rule each, and a two-level need taxonomy', () => {
    const { levels, needAreas } = result.pack!;
    expect(levels.length).toBeGreaterThanOrEqual(2);
    expect([...levels].sort((a, b) => a.rank - b.rank).map((l) => l.id)).toEqual(levels.map((l) => l.id));
    expect(levels.some((l) => l.consent.required) && levels.some((l) => !l.consent.required)).toBe(true);
    expect(needAreas.some((a) => a.children.length > 0)).toBe(true);
  });

  it('gives every key contact role a source and a review date, and the emergency and front door a phone', () => {
    const c = result.pack!.manifest.contacts;
    for (const contact of Object.values(c)) {
      expect(contact.source.title).not.toBe('');
      expect(contact.reviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(c.emergency.phones.length).toBeGreaterThan(0);
    expect(c.frontDoor.phones.length).toBeGreaterThan(0);
  });

  it('gives the same hash for the same files', () => {
    expect(loadPack(defaultPackDir(), packSections, { today: TEST_TODAY }).hash).toBe(result.hash);
  });
});

describe('bad content gives a precise error (file, record, field)', () => {
  it('a missing field', () => {
    const problems = problemsAfter((p) =>
      p.editYaml<Record<string, unknown>>(FRONT_DOOR, (s) => {
        delete s['summary'];
      }),
    );
    expect(errorsOf(problems)).toContainEqual({ file: FRONT_DOOR, record: 'childrens-front-door-mash', field: 'summary', message: 'is missing' });
  });

  it('a missing expectation card part', () => {
    const problems = problemsAfter((p) =>
      p.editYaml<{ card: Record<string, unknown> }>(FRONT_DOOR, (s) => {
        s.card['cannotDo'] = [];
      }),
    );
    expect(errorsOf(problems)).toContainEqual({ file: FRONT_DOOR, record: 'childrens-front-door-mash', field: 'card.cannotDo', message: 'must have at least 1 item' });
  });

  it('an unknown need area', () => {
    const problems = problemsAfter((p) => p.editYaml<{ needAreas: string[] }>(FRONT_DOOR, (s) => void s.needAreas.push('astrology')));
    expect(errorsOf(problems)).toContainEqual(
      expect.objectContaining({ file: FRONT_DOOR, record: 'childrens-front-door-mash', field: expect.stringMatching(/^needAreas\[\d+\]$/), message: 'unknown need area "astrology"' }),
    );
  });

  it('an unknown level', () => {
    const problems = problemsAfter((p) => p.editYaml<{ levels: string[] }>(FRONT_DOOR, (s) => void (s.levels = ['level-nine'])));
    expect(errorsOf(problems)).toContainEqual({ file: FRONT_DOOR, record: 'childrens-front-door-mash', field: 'levels[0]', message: 'unknown level "level-nine"' });
  });

  it('a duplicate slug', () => {
    const problems = problemsAfter((p) => p.write('services/zz-copy.yaml', readFileSync(`${p.dir}/${FRONT_DOOR}`, 'utf8')));
    expect(errorsOf(problems)).toContainEqual(
      expect.objectContaining({ file: 'services/zz-copy.yaml', record: 'childrens-front-door-mash', field: 'slug', message: expect.stringContaining('duplicate slug "childrens-front-door-mash"') }),
    );
  });

  it('a malformed phone number, email and web address', () => {
    const problems = problemsAfter((p) =>
      p.editYaml<Record<string, unknown>>(FRONT_DOOR, (s) => {
        s['phones'] = [{ number: 'call us' }];
        s['email'] = 'not-an-email';
        s['url'] = 'lbbd.gov.uk/page';
      }),
    );
    const errors = errorsOf(problems);
    expect(errors).toContainEqual(expect.objectContaining({ file: FRONT_DOOR, field: 'phones[0].number', message: expect.stringContaining('phone number') }));
    expect(errors).toContainEqual(expect.objectContaining({ file: FRONT_DOOR, field: 'email', message: expect.stringContaining('email address') }));
    expect(errors).toContainEqual(expect.objectContaining({ file: FRONT_DOOR, field: 'url', message: expect.stringContaining('full web address') }));
  });

  it('a review date in the future is an error; one older than the review period is a warning', () => {
    const future = problemsAfter((p) => p.editYaml<Record<string, unknown>>(FRONT_DOOR, (s) => void (s['reviewed'] = '2027-01-01')));
    expect(errorsOf(future)).toContainEqual({ file: FRONT_DOOR, record: 'childrens-front-door-mash', field: 'reviewed', message: 'review date 2027-01-01 is in the future' });
    pack?.cleanup();
    const stale = problemsAfter((p) => p.editYaml<Record<string, unknown>>(FRONT_DOOR, (s) => void (s['reviewed'] = '2024-05-01')));
    expect(errorsOf(stale)).toEqual([]);
    expect(stale).toContainEqual(expect.objectContaining({ severity: 'warning', file: FRONT_DOOR, record: 'childrens-front-door-mash', field: 'reviewed', message: expect.stringContaining('due for review') }));
  });

  it('a date that is not a real date', () => {
    const problems = problemsAfter((p) => p.editYaml<Record<string, unknown>>(FRONT_DOOR, (s) => void (s['reviewed'] = '2025-02-30')));
    expect(errorsOf(problems)).toContainEqual(expect.objectContaining({ field: 'reviewed', message: 'is not a real calendar date' }));
  });

  it('a field the model does not know (a typo in a field name)', () => {
    const problems = problemsAfter((p) => p.editYaml<Record<string, unknown>>(FRONT_DOOR, (s) => void (s['sumary'] = 'typo')));
    expect(errorsOf(problems)).toContainEqual(expect.objectContaining({ file: FRONT_DOOR, record: 'childrens-front-door-mash', message: 'has unknown field "sumary"' }));
  });

  it('a level in levels.yaml with an unknown consent shape names the level', () => {
    const problems = problemsAfter((p) => p.editYaml<Array<Record<string, unknown>>>('levels.yaml', (ls) => void (ls[1]!['consent'] = { required: 'maybe', guidance: 'x' })));
    expect(errorsOf(problems)).toContainEqual({ file: 'levels.yaml', record: 'early-help', field: 'consent.required', message: 'must be a boolean' });
  });

  it('two levels with the same rank', () => {
    const problems = problemsAfter((p) => p.editYaml<Array<Record<string, unknown>>>('levels.yaml', (ls) => void (ls[1]!['rank'] = ls[0]!['rank'])));
    expect(errorsOf(problems)).toContainEqual(expect.objectContaining({ file: 'levels.yaml', field: 'rank', message: expect.stringContaining('is already used') }));
  });

  it('a contact without a phone where one is required', () => {
    const problems = problemsAfter((p) =>
      p.editYaml<{ contacts: { frontDoor: { phones: unknown[] } } }>('pack.yaml', (m) => void (m.contacts.frontDoor.phones = [])),
    );
    expect(errorsOf(problems)).toContainEqual({ file: 'pack.yaml', record: 'contacts.frontDoor', field: 'phones', message: 'the front door needs a phone number' });
  });

  it('a file that is not valid YAML names the line', () => {
    const problems = problemsAfter((p) => p.write(FRONT_DOOR, 'slug: x\nname: [unclosed\n'));
    expect(errorsOf(problems)).toContainEqual(expect.objectContaining({ file: FRONT_DOOR, message: expect.stringMatching(/is not valid YAML \(line \d+, column \d+\)/) }));
  });

  it('a service file whose name does not match its slug', () => {
    const problems = problemsAfter((p) => p.editYaml<Record<string, unknown>>(FRONT_DOOR, (s) => void (s['slug'] = 'front-door')));
    expect(errorsOf(problems)).toContainEqual(expect.objectContaining({ file: FRONT_DOOR, record: 'front-door', field: 'slug', message: expect.stringContaining('file name must match the slug') }));
  });

  it('a missing required file', () => {
    const problems = problemsAfter((p) => p.remove('levels.yaml'));
    expect(errorsOf(problems)).toContainEqual({ file: 'levels.yaml', record: undefined, field: undefined, message: 'file is missing' });
  });

  it('text with an unquoted ": " says how to fix it', () => {
    const problems = problemsAfter((p) =>
      p.write(FRONT_DOOR, readFileSync(`${p.dir}/${FRONT_DOOR}`, 'utf8').replace(/^ {2}canDo:\n {4}- .*$/m, '  canDo:\n    - Note: this breaks')),
    );
    expect(errorsOf(problems)).toContainEqual(expect.objectContaining({ field: 'card.canDo[0]', message: expect.stringContaining('needs quotes') }));
  });

  it('returns no pack at all when there is any error (never half a pack)', () => {
    pack = copyDefaultPack();
    pack.editYaml<{ levels: string[] }>(FRONT_DOOR, (s) => void (s.levels = ['nope']));
    expect(loadPack(pack.dir, packSections, { today: TEST_TODAY }).pack).toBeUndefined();
  });
});


describe('sources shown to staff', () => {
  it('name public documents and websites, never the team\u2019s own research notes', () => {
    const { pack } = loadPack(defaultPackDir(), packSections, { today: TEST_TODAY });
    const faqs = (pack!.sections['faqs'] as Array<{ value: { faqs: Array<{ id: string; source: { title: string } }> } }>).flatMap((t) => t.value.faqs);
    const titles = [...pack!.services.map((s) => [s.slug, s.source.title] as const), ...faqs.map((f) => [f.id, f.source.title] as const)];
    expect(titles.length).toBeGreaterThan(300);
    expect(titles.filter(([, title]) => /\bFACTS\b|§/.test(title))).toEqual([]);
  });
});

describe('the sections read', () => {
  it('are the ones given, in the order given, whatever modules were imported', () => {
    const sectionsRead = (sections: typeof packSections) => Object.keys(loadPack(defaultPackDir(), sections, { today: TEST_TODAY }).pack!.sections);
    expect(sectionsRead(packSections)).toEqual(['faqs', 'chat', 'dangerExamples', 'needsCheck']);
    expect(sectionsRead([needsCheckSection])).toEqual(['needsCheck']);
    expect(sectionsRead([])).toEqual([]);
  });
});
