import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import { createRedactor, redactorFor } from './redact.js';
import { cleanTyped, showable } from './text.js';

const pack = defaultPack();
const r = redactorFor(pack);

describe('a report note', () => {
  it('loses phone numbers, emails, postcodes, addresses, dates and NHS numbers, in any format', () => {
    const out = r.note('Call mum on 07700 900123 or 020 8227 3811, email jo.smith@example.com, lives at 4 Ripple Road, IG11 7NB, seen 3/4/2025 and on 12th March 2024 and 2025-06-30, NHS 943 476 5919');
    expect(out).toBe('Call mum on [phone] or [phone], email [email], lives at [address], [postcode], seen [date] and on [date] and [date], NHS [NHS number]');
  });

  it('loses emails and numbers written out, and numbers with dots, slashes or another script’s digits', () => {
    expect(r.note('email jo dot smith at example dot com')).toBe('email [email]');
    expect(r.note('ring oh seven seven double oh nine double oh one two three')).toBe('ring [phone]');
    expect(r.note('ring 07700.900.123 or 07700/900124 or ٠٧٧٠٠٩٠٠١٢٥')).toBe('ring [phone] or [phone] or [phone]');
  });

  it('loses names in any case and script, and names that are words where something marks them', () => {
    expect(r.note('a boy called jayden says dad hits him')).toBe('a boy called [name] says dad hits him');
    expect(r.note('JAYDEN SAYS DAD HITS HIM')).toBe('[…] SAYS DAD HITS HIM');
    expect(r.note('Does Tyler Brown need CAMHS or the LADO in Barking?')).toBe('Does [name] need CAMHS or the LADO in Barking?');
    expect(r.note('Grace disclosed, then Rose and Will did too')).toBe('[name] disclosed, then [name] and [name] did too');
    expect(r.note('grace disclosed that dad hits her')).toBe('[name] disclosed that dad hits her');
    expect(r.note('Олена Петренко arrived; Zoé and Łukasz too')).toBe('[name] arrived; [name] and [name] too');
  });

  it('keeps the names that are ordinary words where nothing marks them as names', () => {
    expect(r.note('dad will hurt him if we call, there is no hope')).toBe('dad will hurt him if we call, there is no hope');
    expect(r.note('The Young Carers service moved')).toBe('The Young Carers service moved');
  });

  it('keeps links, which the report form asks for in place of a new number, without their query or unknown words', () => {
    const text = 'The number changed, see https://www.lbbd.gov.uk/children-and-families/early-help-2024 and www.nelft.nhs.uk/camhs';
    expect(r.note(text)).toBe(text);
    expect(r.note('see https://example.org/people/jayden.smith?id=4471023 now')).toBe('see https://example.org/[…] now');
  });

  it('leaves a note with nothing personal as it was', () => {
    for (const text of ['The Dagenham food bank has closed. Their phone number is wrong on the card.', 'Open 24/7, level 3 and 4, ages 11 to 18, 9am to 5pm', 'The s47 page still says 2 working days'])
      expect(r.note(text)).toBe(text);
  });
});

describe('a chat question', () => {
  it('keeps only known words, so an unknown name never survives', () => {
    expect(r.question('how do i refer jayden to camhs')).toBe('how do i refer […] to camhs');
    expect(r.question('does zorblax tyler need a form?')).toBe('does […] need a form?');
    expect(r.question('how do I refer to CAMHS?')).toBe('how do I refer to CAMHS?');
  });

  it('keeps no given name even where it is also a word, nor a surname beside a name', () => {
    expect(r.question('is grace at risk')).toBe('is […] at risk');
    expect(r.question('tyler brown was hit')).toBe('[…] was hit');
    expect(r.question('the smith family needs food')).toBe('the […] family needs food');
  });

  it('keeps small numbers and words with them that identify no one, and nothing longer', () => {
    expect(r.question('is level 3 the same for a 15 year old in yr10 at 9am')).toBe('is level 3 the same for a 15 year old in yr10 at 9am');
    expect(r.question('born 2014 case 4471023')).toBe('born [year] case [number]');
  });
});

describe('typed text as it is kept and shown', () => {
  it('loses terminal escapes, control and format characters, and full-width forms', () => {
    expect(cleanTyped('\x1b[31mred\x1b[0m text\u200b here\u202e, ＩＧ１１\x07')).toBe('red text here, IG11');
    expect(r.note('\x1b]0;owned\x07Jay\u200bden is \u202emissing')).toBe('[name] is missing');
  });

  it('shows any control or format character that reached the store as its code', () => {
    expect(showable('a\x1b[2Jb\u202ec')).toBe('a\\u{1b}[2Jb\\u{202e}c');
  });
});

describe('a redactor built for other words', () => {
  it('knows a pack’s words and phrases only through what it is given', () => {
    const bare = createRedactor({ packWords: new Set(), packPhrases: new Set() });
    expect(bare.question('refer to kooth')).toBe('refer to […]');
    const withPack = createRedactor({ packWords: new Set(['kooth']), packPhrases: new Set() });
    expect(withPack.question('refer to kooth')).toBe('refer to kooth');
  });
});

describe('any text at all', () => {
  it('is redacted without an error, and nothing invisible is kept', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.array(fc.constantFrom('0', '7', ' ', '.', '@', 'at', 'dot', 'oh', 'May', 'Grace', '\u200b', '\x1b[', '[name]', '/', '-', 'Road', 'IG11'), { maxLength: 60 }).map((a) => a.join('')));
    fc.assert(
      fc.property(text, (t) => {
        for (const out of [r.note(t), r.question(t)]) {
          expect(typeof out).toBe('string');
          expect(out).not.toMatch(/[\p{Cc}\p{Cf}\p{Co}]/u);
        }
      }),
      { numRuns: 300 },
    );
  });
});
