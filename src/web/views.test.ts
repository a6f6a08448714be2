import { describe, expect, it } from 'vitest';
import { midSentence } from '../content/vocabulary.js';

describe('midSentence', () => {
  it('lowers the first letter of a name put in a sentence, but not an abbreviation', () => {
    expect(midSentence('Anxiety and low mood')).toBe('anxiety and low mood');
    expect(midSentence('FGM, honour-based abuse and forced marriage')).toBe('FGM, honour-based abuse and forced marriage');
    expect(midSentence('SEN support')).toBe('SEN support');
    expect(midSentence('Find services')).toBe('find services');
    expect(midSentence('A parent’s drug or alcohol use')).toBe('a parent’s drug or alcohol use');
    expect(midSentence(undefined)).toBe('');
  });
});
