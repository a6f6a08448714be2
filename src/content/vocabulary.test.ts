import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import { buildVocabulary, normalise, normaliseAnyText, stem, tokenize } from './vocabulary.js';

describe('stem', () => {
  it('makes plurals and common endings meet, so staff find what they mean in their own words', () => {
    const groups = [
      ['refer', 'refers', 'referring', 'referred', 'referral', 'referrals'],
      ['hit', 'hits', 'hitting'],
      ['service', 'services'],
      ['parent', 'parents', 'parenting'],
      ['fall', 'falling'],
      ['abuse', 'abused', 'abusing'],
    ];
    for (const words of groups) expect(new Set(words.map(stem)), words.join(', ')).toHaveProperty('size', 1);
  });

  it('leaves short words and numbers alone', () => {
    expect(stem('dsl')).toBe('dsl');
    expect(stem('2023')).toBe('2023');
  });
});

describe('normalise and tokenize', () => {
  it('folds case, accents, apostrophes and punctuation', () => {
    expect(normalise("Children's  Café & MASH!")).toBe('childrens cafe and mash');
    expect(tokenize('  ')).toEqual([]);
  });
});

describe('the vocabulary from the pack', () => {
  const vocabulary = buildVocabulary(defaultPack());

  it('expands an abbreviation to its term and synonyms, and names the need area it stands for', () => {
    const { added, needAreaIds } = vocabulary.expand('CAMHS referral');
    expect(added).toContain('child and adolescent mental health services');
    expect(needAreaIds).toContain('emotional-wellbeing');
  });

  it('treats a food bank and a food club as the same thing', () => {
    expect(vocabulary.expand('food bank near me').added).toContain('food club');
  });

  it('reads a phrase as a whole: "self-harm" is self-harm, not a mention of harm (abuse), unless harm stands alone too', () => {
    const selfHarm = vocabulary.expand('self-harm');
    expect(selfHarm.needAreaIds).toContain('self-harm');
    expect(selfHarm.added).not.toContain('child abuse');
    expect(vocabulary.expand('harm at home').added).toContain('child abuse');
    expect(vocabulary.expand('self harm and harm at home').added).toContain('child abuse');
  });

  it('adds nothing for words it does not know', () => {
    expect(vocabulary.expand('weather tomorrow')).toEqual({ text: 'weather tomorrow', added: [], needAreaIds: [] });
  });
});

describe('the quicker path for plain text', () => {
  const reference = (text: string) => {
    const n = normaliseAnyText(text);
    return n ? n.split(' ') : [];
  };

  it('gives the same words as the definition, for any text', () => {
    // ASCII with apostrophes, ampersands and the characters either side of the quick path's limits
    const chars = fc.constantFrom(...'aZ09 &\'’-._!\t\n"é\u0301İK\u00a0ß'.split(''), 'x', 'Y', '7');
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(chars, { maxLength: 30 }).map((cs) => cs.join('')));
    fc.assert(
      fc.property(text, (t) => {
        expect(tokenize(t)).toEqual(reference(t));
        expect(normalise(t)).toBe(normaliseAnyText(t));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the same words for every text of the default pack', () => {
    const seen = new Set<string>();
    const walk = (value: unknown): void => {
      if (typeof value === 'string') {
        if (!seen.has(value)) expect(tokenize(value), value).toEqual(reference(value));
        seen.add(value);
      } else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
    };
    walk(defaultPack());
    expect(seen.size).toBeGreaterThan(1000);
  });
});
