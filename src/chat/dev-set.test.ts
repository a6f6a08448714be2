/**
 * The labelled sets stay honest: the dev set (tuned on) and the eval set (measured only) share no
 * question, and neither holds an FAQ or generated phrasing, so the eval measures matching, not memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import type { ContentPack } from '../content/schema.js';
import { chatContent } from './content.js';
import { join } from 'node:path';
import { leakedQuestions, readDevSet, readEvalSet, readHeldOut, readSecondKeys, sharedQuestions, withSecondKeys, type EvalItem } from '../../scripts/eval-chat.js';
import { projectRoot } from '../content/pack-dir.js';
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

describe("a second annotator's keys for the held-out set", () => {
  const items = [
    { q: 'a', kind: 'question', area: 'general', accept: ['faq:x', 'route:slow'] },
    { q: 'b', kind: 'off-topic', area: 'none' },
  ] as const satisfies ReadonlyArray<Parameters<typeof withSecondKeys>[0][number]>;

  it('adds the keys it names and drops the ones it judged wrong, leaving the first set as it was', () => {
    const out = withSecondKeys(items, [{ index: 0, add: ['faq:y'], wrong: ['route:slow'] }]);
    expect(out[0]!.accept).toEqual(['faq:x', 'faq:y']);
    expect(items[0].accept).toEqual(['faq:x', 'route:slow']);
  });

  it('refuses a change to an off-topic message, to a message not in the set, or one that leaves nothing to accept', () => {
    expect(() => withSecondKeys(items, [{ index: 1, add: ['faq:y'] }])).toThrow(/off-topic/);
    expect(() => withSecondKeys(items, [{ index: 9, add: ['faq:y'] }])).toThrow(/not in the set/);
    expect(() => withSecondKeys(items, [{ index: 0, add: [], wrong: ['faq:x', 'route:slow'] }])).toThrow(/nothing/);
  });

  it('fits the held-out set it annotates, with keys the bot knows', () => {
    const heldOut = readHeldOut(join(projectRoot(), 'test', 'chat', 'held-out-5.yaml'));
    const changes = readSecondKeys(join(projectRoot(), 'test', 'chat', 'held-out-5-second.yaml'));
    expect(() => withSecondKeys(heldOut, changes)).not.toThrow();
    const ids = new Set(engine.entries.map((e) => e.id));
    const unknownFaqs = changes.flatMap((c) => c.add).filter((k) => k.startsWith('faq:') && !ids.has(k.slice(4)));
    expect(unknownFaqs).toEqual([]);
  });
});
