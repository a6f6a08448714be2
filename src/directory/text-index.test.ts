import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { generateServices } from '../../bench/directory.js';
import { loadPack } from '../content/load.js';
import { defaultPackDir } from '../content/pack-dir.js';
import type { ContentPack, Service } from '../content/schema.js';
import { tokenize } from '../content/vocabulary.js';
import { Bitset } from '../collections/bitset.js';
import { buildVocabulary } from '../content/vocabulary.js';
import { coversNeedArea } from '../content/coverage.js';
import { indexTerms, needAreaFinder, queryTerm, SEARCH_FIELDS, serviceFieldTexts, searchServices, TOPIC_BOOST } from './search.js';
import { boundedLevenshtein, FEW_MATCH_EVERY_WORD, TextIndex, topK } from './text-index.js';
import { packSections } from '../sections.js';

/** a tiny index over one-field documents */
function small(texts: string[], national: number[] = []): TextIndex {
  return TextIndex.of(
    texts.map((t) => [t]),
    { fields: [{ name: 'text', boost: 1 }], indexTerms, queryTerm, documentBoost: (i) => (national.includes(i) ? 0.8 : 1) },
  );
}

const ranked = (index: TextIndex, q: string, within?: Bitset) => {
  const m = index.match(q);
  return m ? [...index.rank(m, within ?? m.set, 0, 100)] : [];
};

describe('text index: which services a word meets', () => {
  const index = small(['Online counselling for young people', 'Housing advice when homeless', 'School nursing and wellbeing', 'Day centre in Dagenham', 'Support for families']);

  it('matches a known word exactly, without fanning out into other words', () => {
    expect(index.expand('support').termIds).toHaveLength(1);
    expect(ranked(index, 'support')).toEqual([4]);
  });

  it('treats an unknown word of three letters or more as the start of a word', () => {
    expect(ranked(index, 'counsel')).toEqual([0]);
    expect(ranked(index, 'homel')).toEqual([1]);
    expect(ranked(index, 'well')).toEqual([2]);
  });

  it('forgives one typo in a word of five letters or more, two from nine', () => {
    expect(ranked(index, 'housng')).toEqual([1]);
    expect(ranked(index, 'wellbeeing')).toEqual([2]);
    expect(ranked(index, 'counsellnig')).toEqual([0]);
    // four letters: too short for a typo to be safe
    expect(ranked(index, 'dau')).toEqual([]);
  });

  it('does not expand a two-letter word', () => {
    expect(index.match('da')!.set.isEmpty()).toBe(true);
  });

  it('matches plurals and other forms through the stem', () => {
    expect(ranked(index, 'nurses')).toEqual([2]);
    expect(ranked(index, 'family')).toEqual([4]);
  });

  it('needs every word, and falls back to any word when no service has them all', () => {
    const both = index.match('housing advice')!;
    expect(both.loosened).toBe(false);
    expect([...index.rank(both, both.set, 0, 10)]).toEqual([1]);
    const either = index.match('housing nursing')!;
    expect(either.loosened).toBe(true);
    expect([...index.rank(either, either.set, 0, 10)].sort()).toEqual([1, 2]);
    expect(index.match('zebra')!.loosened).toBe(false);
    expect(index.match('the and of')).toBeUndefined();
  });

  it('scores only the services it is given, and pages through them', () => {
    const wide = small(['help', 'help help', 'help with money', 'money', 'help']);
    const m = wide.match('help')!;
    expect([...wide.rank(m, Bitset.of(5, [2, 4]), 0, 10)]).toEqual([4, 2]);
    const order = [...wide.rank(m, m.set, 0, 10)];
    expect([...wide.rank(m, m.set, 1, 2)]).toEqual(order.slice(1, 3));
    expect(wide.rank(m, m.set, 10, 2)).toHaveLength(0);
  });

  it('ranks a few services among many as it ranks them among all (looked up, not scanned)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const words = ['help', 'support', 'family', 'money', 'advice', 'youth', 'club'];
    const texts = Array.from({ length: 3000 }, () => Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => words[Math.floor(rnd() * words.length)]).join(' '));
    const many = small(texts);
    for (const q of ['support', 'help family', 'youth club advice']) {
      const m = many.match(q)!;
      const all = [...many.rank(m, m.set, 0, 3000)];
      for (const size of [1, 5, 40, 400]) {
        const few = all.filter(() => rnd() < size / all.length);
        const within = Bitset.of(3000, few);
        expect([...many.rank(m, within, 0, 3000)]).toEqual(all.filter((d) => within.has(d)));
      }
    }
  });

  it('ranks a one-word search (sorted once per word) as the general ranking does', () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const words = ['help', 'support', 'family', 'money', 'advice'];
    const texts = Array.from({ length: 2000 }, () => Array.from({ length: 2 + Math.floor(rnd() * 8) }, () => words[Math.floor(rnd() * words.length)]).join(' '));
    // every tenth service national (boost 0.8): ties and boosts both in play
    const many = small(texts, Array.from({ length: 200 }, (_, i) => i * 10));
    for (const word of words) {
      const one = many.match(word)!;
      // the same word twice takes the general path (two words) and doubles every score: same order
      const twice = many.match(`${word} ${word}`)!;
      expect(twice.words).toHaveLength(2);
      for (const size of [5, 60, 2000]) {
        const within = Bitset.of(2000, [...one.set.slice(0, 2000)].filter(() => rnd() < size / 2000));
        for (const [skip, count] of [[0, 20], [20, 20], [0, 2000]] as const) {
          expect([...many.rank(one, within, skip, count)]).toEqual([...many.rank(twice, within, skip, count)]);
        }
      }
    }
  });

  it('puts a local service before a national one that says the same', () => {
    const twin = small(['Parenting advice line', 'Parenting advice line'], [0]);
    expect(ranked(twin, 'parenting')).toEqual([1, 0]);
  });
});

describe('boundedLevenshtein and topK', () => {
  it('measures edits, stopping once past the bound', () => {
    expect(boundedLevenshtein('housing', 'housng', 1)).toBe(1);
    expect(boundedLevenshtein('kitten', 'sitting', 3)).toBe(3);
    expect(boundedLevenshtein('kitten', 'sitting', 1)).toBe(2);
    expect(boundedLevenshtein('abc', 'abc', 1)).toBe(0);
  });

  it('takes the same page as a full sort, equal scores in position order', () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const docs = Int32Array.from({ length: 500 }, (_, i) => i * 3);
    const scores = Float64Array.from(docs, () => Math.floor(rnd() * 40));
    const full = [...docs.keys()].sort((a, b) => scores[b]! - scores[a]! || docs[a]! - docs[b]!).map((i) => docs[i]!);
    expect([...topK(docs, scores, 500, 0, 20)]).toEqual(full.slice(0, 20));
    expect([...topK(docs, scores, 500, 20, 20)]).toEqual(full.slice(20, 40));
    expect([...topK(docs, scores, 30, 20, 20)]).toEqual([...docs.subarray(0, 30).keys()].sort((a, b) => scores[b]! - scores[a]! || docs[a]! - docs[b]!).map((i) => docs[i]!).slice(20, 40));
    expect([...topK(docs, scores, 500, 60, 40)]).toEqual(full.slice(60, 100));
    expect([...topK(docs, scores, 500, 480, 40)]).toEqual(full.slice(480));
    expect([...topK(docs, scores, 500, 0, 1000)]).toEqual(full);
  });
});

/**
 * The engine this index replaced, configured as it was: filter-first scoring must give the same
 * pages, in the same order, as scoring every match and filtering afterwards.
 */
function previousEngine(pack: ContentPack) {
  const known = new Set<string>();
  const mini = new MiniSearch<{ id: number }>({
    fields: SEARCH_FIELDS.map((f) => f.name),
    tokenize,
    processTerm: (term) => {
      const terms = indexTerms(term);
      for (const t of terms) known.add(t);
      return terms.length === 0 ? null : [...terms];
    },
    searchOptions: {
      boost: Object.fromEntries(SEARCH_FIELDS.map((f) => [f.name, f.boost])),
      prefix: (term) => term.length >= 3 && !known.has(term),
      fuzzy: (term) => (known.has(term) ? false : term.length >= 9 ? 2 : term.length >= 5 ? 1 : false),
      weights: { fuzzy: 0.3, prefix: 0.5 },
      processTerm: queryTerm,
      tokenize,
      boostDocument: (id: number) => (pack.services[id]!.coverage === 'national' ? 0.8 : 1),
    },
  });
  mini.addAll(pack.services.map(serviceFieldTexts(pack)).map((fields, id) => ({ id, ...Object.fromEntries(SEARCH_FIELDS.map((f, i) => [f.name, fields[i]])) })));
  const vocabulary = buildVocabulary(pack);
  const named = needAreaFinder(vocabulary);
  const childrenOf = new Map(pack.needAreas.map((a) => [a.id, a.children.map((c) => c.id)]));
  const n = pack.services.length;
  const idf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  return (q: string, keep: (s: Service) => boolean) => {
    let hits = mini.search(q, { combineWith: 'AND' });
    let loosened = false;
    const words = new Set(tokenize(vocabulary.expand(q).text).map(queryTerm).filter((t): t is string => t !== null));
    // too few services have every word: those with any word are ranked too
    if (hits.length < FEW_MATCH_EVERY_WORD && words.size > 1) {
      const any = mini.search(q, { combineWith: 'OR' });
      loosened = any.length > hits.length;
      hits = any;
    }
    // the services meant for a need area the words name are found too, and count TOPIC_BOOST times
    const areas = named(vocabulary.expand(q).text);
    const topic = new Set(pack.services.flatMap((s, i) => (areas.some((a) => coversNeedArea(s, a, childrenOf.get(a) ?? [])) ? [i] : [])));
    const found = new Set(hits.map((h) => h.id as number));
    const partial = [...topic].some((i) => !found.has(i));
    const byWords = new Map<string, number>();
    const dfOf = (term: string) => byWords.get(term) ?? byWords.set(term, mini.search(term).length).get(term)!;
    const scored = hits.map((h) => {
      // MiniSearch multiplies by the number of query words matched; ours, once words are missing, by how telling they are
      let score = h.score;
      if (loosened || partial) score = (score / h.queryTerms.length) * h.queryTerms.reduce((sum, t) => sum + idf(dfOf(t)), 0);
      return { id: h.id as number, score: topic.has(h.id as number) ? score * TOPIC_BOOST : score };
    });
    // a topic service without every word is scored by the words it has
    if (partial) {
      const any = new Map(mini.search(q, { combineWith: 'OR' }).map((h) => [h.id as number, h]));
      for (const i of topic) {
        if (found.has(i)) continue;
        const h = any.get(i);
        scored.push({ id: i, score: h ? (h.score / h.queryTerms.length) * h.queryTerms.reduce((sum, t) => sum + idf(dfOf(t)), 0) * TOPIC_BOOST : 0 });
      }
    }
    const kept = scored.filter((h) => keep(pack.services[h.id]!));
    // the two engines add the same terms in a different order: compare scores to 9 places
    kept.sort((a, b) => Number(b.score.toFixed(9)) - Number(a.score.toFixed(9)) || a.id - b.id);
    return { slugs: kept.map((h) => pack.services[h.id]!.slug), loosened };
  };
}

describe('filter-first scoring ranks as the previous engine did', () => {
  const { pack: base } = loadPack(defaultPackDir(), packSections);
  if (!base) throw new Error('default pack does not load');
  const pack: ContentPack = { ...base, services: [...base.services, ...generateServices(base, 1500, 3)] };
  const previous = previousEngine(pack);
  const child = pack.needAreas.find((a) => a.children.length > 0)!;
  const inNeed = (id: string) => (s: Service) => {
    const parent = pack.needAreas.find((a) => a.id === id || a.children.some((c) => c.id === id))!;
    return parent.id === id ? s.needAreas.some((n) => n === id || parent.children.some((c) => c.id === n)) : s.needAreas.some((n) => n === id || n === parent.id);
  };
  const level = pack.levels[1]!.id;
  const cases: Array<[string, { need?: string; level?: string }]> = [
    ['support', {}],
    ['support', { need: child.id, level }],
    ['family project', { need: child.children[0]!.id, level }],
    ['parenting programme', { level }],
    ['food bank', {}],
    ['CAMHS', {}],
    ['DSL', {}],
    ['mentorng', { level }],
    ['outre', {}],
    ['helplines', { need: child.id }],
    ['riverside zebra', { level }],
    ['wellbeing hub', { need: child.id, level }],
  ];

  it.each(cases)('"%s" with %o', (q, filters) => {
    const keep = (s: Service) => (!filters.level || s.levels.includes(filters.level)) && (!filters.need || inNeed(filters.need)(s));
    const expected = previous(q, keep);
    const page1 = searchServices(pack, { q, ...filters });
    const page2 = searchServices(pack, { q, ...filters, page: 2 });
    expect(page1.total).toBe(expected.slugs.length);
    expect(page1.loosened).toBe(expected.loosened);
    expect(page1.services.map((s) => s.slug)).toEqual(expected.slugs.slice(0, 20));
    expect(page2.services.map((s) => s.slug)).toEqual(page1.pageCount > 1 ? expected.slugs.slice(20, 40) : expected.slugs.slice(0, 20));
  });
});
