/**
 * "Find services" ranks what a topic is about: for every need area of the default pack, everyday
 * phrases staff type (test/search/topic-phrases.yaml, written before the search was tuned on them)
 * find one of the area's own services in the first five results, and common words added to a phrase
 * (school, family, parent, child, support, help) do not push them out.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allNeedAreas, coversNeedArea } from '../content/coverage.js';
import { defaultPack } from '../../test/helpers/pack.js';
import { serviceIndexFor } from './search.js';

const phrases = parse(readFileSync(new URL('../../test/search/topic-phrases.yaml', import.meta.url), 'utf8')) as Record<string, string[]>;
const pack = defaultPack();
const index = serviceIndexFor(pack);
const childrenOf = new Map(pack.needAreas.map((a) => [a.id, a.children.map((c) => c.id)]));

/** the services meant for an area: tagged with it, or with one of its children */
const servicesOf = (areaId: string) => new Set(pack.services.filter((s) => coversNeedArea(s, areaId, childrenOf.get(areaId) ?? [])).map((s) => s.slug));
const firstFive = (q: string) => index.search({ q, perPage: 5 }).services.map((s) => s.slug);

/** the phrases whose first five results hold none of the area's services, with what they showed */
function misses(areaId: string, qs: string[]): string[] {
  const own = servicesOf(areaId);
  return qs.filter((q) => !firstFive(q).some((slug) => own.has(slug))).map((q) => `"${q}" → ${firstFive(q).join(', ') || 'nothing'}`);
}

describe('topic phrases find the need area’s services in the first five results', () => {
  it('has at least three phrases for every need area of the pack, and none for an area it lacks', () => {
    const ids = allNeedAreas(pack).map((a) => a.id);
    expect(ids.filter((id) => (phrases[id]?.length ?? 0) < 3)).toEqual([]);
    expect(Object.keys(phrases).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it.each(Object.entries(phrases))('%s', (areaId, qs) => {
    expect(misses(areaId, qs)).toEqual([]);
  });

  it('keeps them there when common words are added to the phrase', () => {
    const padded = Object.entries(phrases).flatMap(([areaId, qs]) => misses(areaId, [`${qs[0]} support for the child and family at school`, `help for a parent: ${qs[1]}`]).map((m) => `${areaId}: ${m}`));
    expect(padded).toEqual([]);
  });
});
