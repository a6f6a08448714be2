import { afterEach, describe, expect, it } from 'vitest';
import { copyDefaultPack, defaultPack, problemsAfter, TEST_TODAY, type TempPack } from '../../test/helpers/pack.js';
import { chatContent } from '../chat/content.js';
import { allNeedAreas, coverageTable, needAreaCoverage } from './coverage.js';
import { loadPack } from './load.js';
import type { ContentProblem } from './problems.js';
import { packSections } from '../sections.js';

let temp: TempPack | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

const withSeverity = (problems: ContentProblem[], severity: ContentProblem['severity']) =>
  problems.filter((p) => p.severity === severity).map(({ file, record, field, message }) => ({ file, record, field, message }));

type Yaml = Record<string, unknown>;

describe('the default pack keeps its coverage promise', () => {
  const pack = defaultPack();

  it('promises at least two services and three FAQs for every need area, and an answer for every glossary term', () => {
    expect(pack.manifest.coverage).toMatchObject({ servicesPerNeedArea: 2, faqsPerNeedArea: 3, glossaryAnswered: true });
  });

  it('gives every need area two or more active services of its own, and every level some', () => {
    const thin = needAreaCoverage(pack).filter((c) => c.services.length < 2).map((c) => c.id);
    expect(thin).toEqual([]);
    for (const l of pack.levels) expect(pack.services.some((s) => s.status === 'active' && s.levels.includes(l.id)), l.id).toBe(true);
  });

  it('holds at least 90 services, 200 FAQs and every topic of the specific safeguarding issues', () => {
    expect(pack.services.length).toBeGreaterThanOrEqual(90);
    expect(chatContent(pack).faqs.length).toBeGreaterThanOrEqual(200);
    const names = allNeedAreas(pack).map((a) => `${a.name} ${a.synonyms.join(' ')}`.toLowerCase());
    for (const topic of ['bereave', 'bullying', 'eating disorder', 'prison', 'pregnan', 'knife', 'county lines', 'trafficking', 'homeless', 'no recourse', 'asylum', 'looked-after', 'care leaver', 'autism', 'learning disability', 'child-on-child', 'nudes', 'sextortion', 'hacking', 'missing education', 'separation', 'behaviour at home'])
      expect(names.some((n) => n.includes(topic)), topic).toBe(true);
  });

  it('prints a coverage table with a row per need area and a column per level', () => {
    const table = coverageTable(pack).split('\n');
    expect(table).toHaveLength(2 + allNeedAreas(pack).length);
    expect(table[0]!.split('|').length - 2).toBe(2 + pack.levels.length);
    const front = needAreaCoverage(pack).find((c) => c.id === pack.needAreas[0]!.id)!;
    expect(table[2]).toContain(`| ${front.services.length} |`);
  });
});

describe('coverage gaps are reported as file › record › field', () => {
  it('a need area whose services are withdrawn: an error naming the area and the services left', () => {
    const pack = defaultPack();
    const target = needAreaCoverage(pack).find((c) => !pack.needAreas.some((a) => a.id === c.id) && c.services.length >= 2)!;
    const [kept, ...dropped] = target.services;
    const problems = problemsAfter((p) => {
      for (const slug of dropped) p.editYaml<Yaml>(`services/${slug}.yaml`, (s) => void (s['status'] = 'inactive'));
    });
    expect(withSeverity(problems, 'error')).toContainEqual({
      file: 'need-areas.yaml',
      record: target.id,
      field: 'services',
      message: `only 1 active service is tagged with this need area (${kept}); pack.yaml coverage asks for at least 2`,
    });
  });

  it('a new need area no service is tagged with, and a level with no service', () => {
    const problems = problemsAfter((p) => {
      p.editYaml<Yaml[]>('need-areas.yaml', (areas) => void areas.push({ id: 'brand-new-worry', name: 'A brand new worry', hint: 'h' }));
      p.editYaml<Yaml[]>('levels.yaml', (levels) => void levels.push({ ...levels[levels.length - 1], id: 'beyond', rank: 99 }));
    });
    const errors = withSeverity(problems, 'error');
    expect(errors).toContainEqual({ file: 'need-areas.yaml', record: 'brand-new-worry', field: 'services', message: 'no active service is tagged with this need area; pack.yaml coverage asks for at least 2' });
    expect(errors).toContainEqual({ file: 'levels.yaml', record: 'beyond', field: 'services', message: 'no active service is tagged with this level' });
    expect(errors).toContainEqual(expect.objectContaining({ file: 'need-areas.yaml', record: 'brand-new-worry', field: 'faqs' }));
  });

  it('without a coverage promise in pack.yaml, the same gaps are warnings and the pack still loads', () => {
    temp = copyDefaultPack();
    temp.editYaml<Yaml>('pack.yaml', (m) => void delete m['coverage']);
    temp.editYaml<Yaml[]>('need-areas.yaml', (areas) => void areas.push({ id: 'brand-new-worry', name: 'A brand new worry', hint: 'h' }));
    const result = loadPack(temp.dir, packSections, { today: TEST_TODAY });
    expect(result.pack).toBeDefined();
    expect(withSeverity(result.problems, 'warning')).toContainEqual({ file: 'need-areas.yaml', record: 'brand-new-worry', field: 'services', message: 'no active service is tagged with this need area; a worry staff can name should lead to a service' });
  });

  it('a glossary term no FAQ names: an error on the term', () => {
    const problems = problemsAfter((p) => p.editYaml<Yaml[]>('glossary.yaml', (terms) => void terms.push({ term: 'Quokka protocol', abbreviations: ['QKP'], definition: 'Made up for this test.' })));
    expect(withSeverity(problems, 'error')).toContainEqual({
      file: 'glossary.yaml',
      record: 'Quokka protocol',
      field: 'term',
      message: 'no FAQ answers "Quokka protocol": add a "What is ...?" FAQ whose question or phrasings name the term or one of its abbreviations',
    });
  });
});
