/**
 * The matcher's scoring: close FAQ pairs it must tell apart, keywords, synonyms, service names in any
 * order, and the confidence rules. Examples are written in the style of the dev set; none is an eval
 * question (test/chat/eval-set.yaml is for measuring only).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import type { ContentPack } from '../content/schema.js';
import { chatContent } from './content.js';
import { ChatEngine, createChatEngine } from './engine.js';
import { PhraseIndex, TypoIndex } from './text.js';

let pack: ContentPack;
let engine: ChatEngine;
beforeAll(() => {
  pack = defaultPack();
  engine = createChatEngine(pack);
});

const top = (q: string) => engine.respond(q).ranked[0]?.id;

describe('close FAQ pairs', () => {
  it.each([
    // what happens after a referral, not how to make one
    ['what happens to a referral after its sent', 'after-referral'],
    // how long, not what happens
    ['how long until mash make a decision', 'how-long-decision'],
    // a written referral after phoning, not what the MARF is
    ['called the front door this morning, do i need to write it up as well', 'written-referral-after-call'],
    // the family said no, not whether consent is needed
    ['family declined support what next', 'family-refuses-consent'],
    ['can early help go ahead without mum agreeing', 'consent-early-help'],
    // an FGM that has happened, not a risk of it
    ['fgm reporting duty for teachers', 'fgm-known'],
    ['worried a girl will have fgm over the summer', 'fgm-risk'],
    // telling the council about private fostering, not what it is
    ['how to notify the council about private fostering', 'private-fostering-notify'],
    ['what counts as private fostering', 'private-fostering'],
    // the head, not any member of staff
    ['allegation involving our headteacher', 'allegation-about-head'],
    ['allegation about a teaching assistant', 'allegation-against-staff'],
  ])('"%s" → %s', (q, id) => {
    expect(top(q)).toBe(id);
  });

  it('answers a "services for" question with the list, and a "what do I do" question with the FAQ', () => {
    expect(top('support services for parents drinking')).toBe('need-services:parental-substance-use');
    expect(top('parent seems drunk at collection')).toBe('parent-drugs-alcohol');
  });
});

describe('words staff use', () => {
  it('folds the chat synonyms into one term ("social services" meets "social care")', () => {
    const r = engine.respond('steps to refer a family to social services');
    expect(r.ranked[0]?.id).toBe('how-to-refer-social-care');
  });

  it('reads "level one" as Level 1, and "whos" as who', () => {
    expect(top('level one meaning')).toBe('level:universal');
    expect(top('whos the allocated worker for a child')).toBe('find-social-worker');
  });

  it('finds a service named with its words in another order ("food bank dagenham")', () => {
    const r = engine.respond('food bank dagenham');
    expect(r.answerId).toBe('service-about:dagenham-food-bank');
  });
});

describe('keywords', () => {
  it('a keyword phrase moves its FAQ above a neighbour with the same topic words', () => {
    const without = new ChatEngine(pack, { ...chatContent(pack), faqs: chatContent(pack).faqs.map((f) => ({ ...f, keywords: [] })) });
    const q = 'mash closed it with nfa';
    expect(top(q)).toBe('referral-not-accepted');
    expect(without.respond(q).ranked[0]?.id).not.toBe('referral-not-accepted');
  });
});

describe('confidence', () => {
  it('answers outright when the message is one of an entry\'s phrasings', () => {
    const r = engine.respond('what does the lado do');
    expect(r.band).toBe('answer');
    // the LADO's own answer, or the FAQ that says what the LADO is: not a question back
    expect(['service-about:lado-allegations-against-staff', 'what-is-the-lado']).toContain(r.answerId);
  });

  it('does not let a service\'s own other answers (refer, phone) cast doubt: they are offered as suggestions', () => {
    const r = engine.respond('samaritans what do they do');
    expect(r.band).toBe('answer');
    expect(r.answerId).toBe('service-about:samaritans');
    expect(r.suggestions).toEqual(expect.arrayContaining([expect.stringMatching(/refer/i)]));
  });

  it('clarifies rather than guesses between two close FAQs', () => {
    const r = engine.respond('consent');
    expect(r.band).toBe('clarify');
  });

  it('matches a 2,000-character message in bounded time and still answers its first words', () => {
    const long = `do i need consent for early help ${'blah '.repeat(400)}`.slice(0, 2000);
    const r = engine.respond(long);
    expect(r.ranked[0]?.id).toBe('consent-early-help');
  });
});

describe('text helpers', () => {
  it('corrects a typo to the nearest known word, preferring the most used', () => {
    const t = new TypoIndex(new Map([['marriage', 5], ['carriage', 1], ['referral', 9]]));
    expect(t.correct('marrige')).toBe('marriage');
    expect(t.correct('refferal')).toBe('referral');
    expect(t.correct('xyzzy')).toBeUndefined();
  });

  it('finds multi-word phrases only as whole word sequences', () => {
    const p = new PhraseIndex<string>();
    p.add('what happens next', 'next');
    p.add('how long', 'long');
    const found: string[] = [];
    p.find(['so', 'what', 'happens', 'next'], (v) => found.push(v));
    p.find(['long', 'how'], (v) => found.push(v));
    expect(found).toEqual(['next']);
  });
});

describe('when unsure', () => {
  it('still offers the closest questions as suggestions, beside the way to a person', () => {
    const r = engine.respond('teacher accused of hitting a kid who do i call');
    expect(r.band === 'answer' || r.suggestions.length > 0).toBe(true);
    if (r.band !== 'answer') expect(r.suggestions).toContain(chatContent(pack).faqs.find((f) => f.id === 'allegation-against-staff')!.question);
  });

  it('offers nothing for a question from another world', () => {
    const r = engine.respond('what is the capital of peru');
    expect(r.band).toBe('unsure');
    expect(r.suggestions).toEqual([]);
    expect(r.links.map((l) => l.href)).toContain('/needs-check');
  });
});
