/**
 * The labelled sets stay honest: the dev set (tuned on) and the eval set (measured only) share no
 * question, and neither holds an FAQ or generated phrasing, so the eval measures matching, not memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import type { ContentPack } from '../content/schema.js';
import { chatContent } from './content.js';
import { leakedQuestions, readDevSet, readEvalSet, sharedQuestions, type EvalItem } from '../../scripts/eval-chat.js';
import { createChatEngine, type ChatEngine } from './engine.js';

let pack: ContentPack;
let engine: ChatEngine;
let dev: EvalItem[];
let evalItems: EvalItem[];
beforeAll(() => {
  pack = defaultPack();
  engine = createChatEngine(pack);
  dev = readDevSet();
  evalItems = readEvalSet();
});

describe('the dev set', () => {
  it('has at least 120 questions with in-scope, off-topic and danger ones, each label a known answer', () => {
    expect(dev.length).toBeGreaterThanOrEqual(120);
    const ids = new Set(engine.entries.map((e) => e.id));
    for (const i of dev) if (i.expect && i.expect !== 'off-topic') expect(ids.has(i.expect), i.q).toBe(true);
    expect(dev.filter((i) => i.expect === 'off-topic').length).toBeGreaterThanOrEqual(10);
    expect(dev.filter((i) => i.danger).length).toBeGreaterThanOrEqual(10);
  });

  it('covers every FAQ topic and each kind of generated answer', () => {
    const kinds = new Set(dev.map((i) => engine.entry(i.expect ?? '')).filter((e) => e !== undefined).map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['faq', 'level', 'nav', 'need-services', 'service-about', 'service-phone', 'service-refer']);
    const topicOf = new Map(chatContent(pack).faqs.map((f) => [f.id, f.topic]));
    const covered = new Set(dev.map((i) => topicOf.get(i.expect ?? '')).filter(Boolean));
    expect([...covered].sort()).toEqual([...new Set(topicOf.values())].sort());
  });

  it('shares no question with the eval set (same words in any order) and holds no phrasing', () => {
    expect(sharedQuestions(dev, evalItems)).toEqual([]);
    expect(leakedQuestions(engine, dev)).toEqual([]);
    expect(leakedQuestions(engine, evalItems)).toEqual([]);
  });

  it('the leak checks catch a copied question, reworded order included', () => {
    const copy = { q: evalItems[0]!.q.split(' ').reverse().join(' ') };
    expect(sharedQuestions([copy], evalItems)).toEqual([copy.q]);
    expect(leakedQuestions(engine, [{ q: engine.entries[0]!.phrasings[1]! }])).toHaveLength(1);
  });
});
