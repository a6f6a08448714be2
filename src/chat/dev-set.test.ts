/**
 * The labelled sets stay honest: the dev set (tuned on) and the eval set (measured only) share no
 * question, and neither holds an FAQ or generated phrasing, so the eval measures matching, not memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPack } from '../../test/helpers/pack.js';
import type { ContentPack } from '../content/schema.js';
import { chatContent } from './content.js';
import { join } from 'node:path';
import { leakedQuestions, readConversations, readDevSet, readEvalSet, readHeldOut, readSecondKeys, sharedQuestions, withSecondKeys, type EvalItem } from '../../scripts/eval-chat.js';
import { evaluateConversations } from '../../scripts/chat-replies.js';
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
    for (const n of ['5', '6', '7', '8']) {
      const heldOut = readHeldOut(join(projectRoot(), 'test', 'chat', `held-out-${n}.yaml`));
      const changes = readSecondKeys(join(projectRoot(), 'test', 'chat', `held-out-${n}-second.yaml`));
      expect(() => withSecondKeys(heldOut, changes)).not.toThrow();
      const ids = new Set(engine.entries.map((e) => e.id));
      const unknownFaqs = changes.flatMap((c) => c.add).filter((k) => k.startsWith('faq:') && !ids.has(k.slice(4)));
      expect(unknownFaqs).toEqual([]);
    }
  });
});

describe('the conversation sets', () => {
  const file = (name: string) => join(projectRoot(), 'test', 'chat', name);

  it('each holds conversations of a first message and follow-ups, with keys the pack has', () => {
    const known = (key: string) => {
      const [kind, id] = key.split(':') as [string, string];
      if (kind === 'faq') return engine.entry(id) !== undefined;
      if (kind === 'service') return pack.services.some((s) => s.slug === id);
      if (kind === 'need') return pack.needAreas.flatMap((a) => [a, ...a.children]).some((a) => a.id === id);
      if (kind === 'level') return pack.levels.some((l) => l.id === id);
      if (kind === 'route') return ((pack.sections['needsCheck'] as { routes: Array<{ id: string }> }).routes ?? []).some((r) => r.id === id);
      return kind === 'text';
    };
    for (const name of ['conversations-dev.yaml', 'conversations-dev-2.yaml', 'conversations-dev-3.yaml', 'conversations-held-out.yaml']) {
      const convs = readConversations(file(name));
      expect(convs.length, name).toBeGreaterThanOrEqual(60);
      for (const c of convs) expect(c.turns.map((t) => t.kind), name).toEqual(['first', ...c.turns.slice(1).map(() => 'follow-up')]);
      expect(convs.flatMap((c) => c.turns.flatMap((t) => t.accept)).filter((k) => !known(k)), name).toEqual([]);
    }
    const dev = readConversations(file('conversations-dev.yaml')).map((c) => ({ q: c.turns[0]!.q }));
    expect(sharedQuestions(dev, readConversations(file('conversations-held-out.yaml')).map((c) => ({ q: c.turns[0]!.q })))).toEqual([]);
  });

  it('asks each follow-up with the context the reply before gave back, and counts follow-ups apart from first messages', async () => {
    const reply = (q: string, context: object) => {
      const follows = (context as { subject?: string }).subject === 'set';
      return { band: 'answer' as const, reply: q, links: [], suggestions: [], answerId: follows ? 'right' : q === 'first' ? 'start' : 'lost', context: { subject: 'set' } };
    };
    const m = await evaluateConversations(pack, [{ area: 'general', turns: [{ q: 'first', kind: 'first', accept: ['faq:start'] }, { q: 'next', kind: 'follow-up', accept: ['faq:right'] }] }], reply, () => undefined);
    expect(m.first.acceptable).toBe(1);
    expect(m.followUps.acceptable).toBe(1);
    // a matcher that keeps no context is asked the follow-up on its own
    const forgetful = await evaluateConversations(pack, [{ area: 'general', turns: [{ q: 'first', kind: 'first', accept: ['faq:start'] }, { q: 'next', kind: 'follow-up', accept: ['faq:right'] }] }], (q, c) => ({ ...reply(q, c), context: {} }), () => undefined);
    expect(forgetful.followUps.wrong).toBe(1);
  });
});
