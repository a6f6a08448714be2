import { describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import { packWords } from '../content/vocabulary.js';
import { redact } from './redact.js';

const known = (w: string) => ['lado', 'camhs', 'barking', 'dagenham', 'early', 'help', 'what', 'how', 'my', 'the', 'is', 'do', 'does'].includes(w);

describe('redact', () => {
  it('removes phone numbers, emails, postcodes and dates', () => {
    const out = redact('Call mum on 07700 900123 or 020 8227 3811, email jo.smith@example.com, lives at IG11 7NB, seen 3/4/2025 and on 12th March 2024 and 2025-06-30', known);
    expect(out).not.toMatch(/07700|3811|example\.com|IG11|7NB|3\/4\/2025|12th March|2025-06-30/);
    expect(out).toContain('[phone]');
    expect(out).toContain('[email]');
    expect(out).toContain('[postcode]');
    expect(out).toContain('[date]');
  });

  it('removes names after "called" or "named", even in lower case', () => {
    expect(redact('a boy called jayden says dad hits him', known)).toBe('a boy called [name] says dad hits him');
    expect(redact('girl named priya', known)).toBe('girl named [name]');
  });

  it('removes capitalised words the guidance does not know, and keeps the ones it does', () => {
    const out = redact('Does Tyler Brown need CAMHS or the LADO in Barking?', known);
    expect(out).not.toMatch(/Tyler|Brown/);
    expect(out).toContain('CAMHS');
    expect(out).toContain('LADO');
    expect(out).toContain('Barking');
  });

  it('keeps links, which the report form asks for in place of a new number', () => {
    const text = 'The number changed, see https://www.lbbd.gov.uk/children-and-families/early-help-2024 and www.nelft.nhs.uk/camhs';
    expect(redact(text, known)).toBe(text);
  });

  it('leaves a question with nothing personal as it was', () => {
    expect(redact('how do i refer to camhs', known)).toBe('how do i refer to camhs');
    expect(redact('is level 3 the same everywhere', known)).toBe('is level 3 the same everywhere');
  });
});

describe('redact with the words of the default pack', () => {
  const words = packWords(defaultPack());
  const known = (w: string) => words.has(w);

  it('keeps the guidance\'s own words, service and place names, and sentence starts', () => {
    const text = 'The Dagenham food bank has closed. Their phone number is wrong on the card.';
    expect(redact(text, known)).toBe(text);
  });

  it('removes a name the pack does not use', () => {
    expect(redact('Mrs Okonkwo told me the service has closed', known)).not.toContain('Okonkwo');
  });
});
