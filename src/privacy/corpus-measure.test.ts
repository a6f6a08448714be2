import { describe, expect, it } from 'vitest';
import { digitRuns, loadCorpus, parseEntry, survives } from './corpus.js';

describe('the corpus', () => {
  it('holds at least 200 strings, with personal details of every kind', () => {
    const corpus = loadCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    const kinds = new Set(corpus.flatMap((e) => e.details.map((d) => d.kind)));
    expect([...kinds].sort()).toEqual(['address', 'date', 'email', 'name', 'nhs', 'phone', 'postcode', 'ref', 'year']);
  });

  it('reads marks as details and leaves the text as typed', () => {
    expect(parseEntry({ text: 'ring {{name:Jo}} on {{phone:07700 900123}}' })).toEqual({
      text: 'ring Jo on 07700 900123',
      details: [
        { kind: 'name', value: 'Jo' },
        { kind: 'phone', value: '07700 900123' },
      ],
      kept: {},
    });
  });
});

describe('what counts as surviving', () => {
  it('a name survives in any case, in part, or behind invisible characters', () => {
    const name = { kind: 'name', value: 'Tyler Brown' } as const;
    expect(survives(name, 'a boy called [name] says')).toBe(false);
    expect(survives(name, 'a boy called [name] brown says')).toBe(true);
    expect(survives(name, 'TYLER says')).toBe(true);
    expect(survives(name, 'Ty\u200bler says')).toBe(true);
    expect(survives({ kind: 'name', value: 'Zoé' }, 'zoe is')).toBe(true);
    expect(survives({ kind: 'name', value: '王小明' }, '[name]被爸爸打了')).toBe(false);
    expect(survives({ kind: 'name', value: '王小明' }, '王小明被爸爸打了')).toBe(true);
  });

  it('a number survives when four of its digits in a row can be read, spoken or in another script', () => {
    const phone = { kind: 'phone', value: '07700 900123' } as const;
    expect(survives(phone, 'call [phone]')).toBe(false);
    expect(survives(phone, 'call 07700 [phone]')).toBe(true);
    expect(survives(phone, 'call oh seven seven oh [phone]')).toBe(true);
    expect(survives(phone, 'call ٠٧٧٠')).toBe(true);
    expect(survives(phone, 'level 3 at 2pm')).toBe(false);
    expect(digitRuns('oh seven seven double oh 9-1')).toEqual(['0770091']);
  });

  it('an email survives by any part but its provider; an address by its street name', () => {
    expect(survives({ kind: 'email', value: 'jo dot smith at gmail dot com' }, 'email [email]')).toBe(false);
    expect(survives({ kind: 'email', value: 'jo dot smith at gmail dot com' }, 'email smith at [email]')).toBe(true);
    expect(survives({ kind: 'address', value: '12 Ripple Road' }, 'at 12 [address]')).toBe(false);
    expect(survives({ kind: 'address', value: '12 Ripple Road' }, 'at [number] ripple road')).toBe(true);
  });

  it('a date survives by its year, or by two of its parts together; a postcode by either half', () => {
    const dob = { kind: 'date', value: '3rd April 2015' } as const;
    expect(survives(dob, 'born [date]')).toBe(false);
    expect(survives(dob, 'born [date] 2015')).toBe(true);
    expect(survives(dob, 'born on the third of apr')).toBe(true);
    expect(survives(dob, 'born in April')).toBe(false);
    expect(survives({ kind: 'postcode', value: 'IG11 7NB' }, 'lives in ig11')).toBe(true);
    expect(survives({ kind: 'postcode', value: 'IG11 7NB' }, 'lives in [postcode]')).toBe(false);
  });
});
