/**
 * `npm run eval:chat`: measures the chat bot on two labelled sets the project owns, side by side with
 * nlp.js (node-nlp) trained in the same run on the same phrasings:
 *   - test/chat/dev-set.yaml: the development set. The matcher is tuned on its errors only
 *     (`--verbose` lists them).
 *   - test/chat/eval-set.yaml: the evaluation set, for measuring only. Its misses are never printed,
 *     so nobody tunes on them; the goals are judged on it.
 * No question of either set may be an FAQ or generated phrasing, and no dev question may be an eval
 * question (same words, in any order). Prints the dev table, then the eval table, then the goals, and
 * exits non-zero when danger recall is below 100 % on either set or any goal is missed, so CI fails.
 *
 * Goals: off-topic rejection ≥ 90 %, danger recall 100 %, p99 latency per message < 10 ms (after a
 * warm-up, over many repetitions), and on the held-out set what users get at least
 * 10 points more often acceptable than from nlp.js. The held-out set's own goals (acceptable ≥ 95 %,
 * confidently wrong ≤ 2 %, ...) are reported, and gate only with --held-out-goals. Top-1 on the eval set
 * is reported, not a goal: it scores the rank of one labelled FAQ, not what a user is shown (issue 12).
 *
 * Held-out sets of messages, judged by what users get: test/chat/held-out-8.yaml is the one judged now
 * (written blind at the start of the tenth session, 2026-12-01, before that session's changes, with a
 * second annotator's keys beside it; held-out-7.yaml, judged in the ninth session and read three times, is
 * reported only);
 * test/chat/held-out.yaml, whose figures were read while tuning, held-out-3.yaml, read three times while
 * it was judged, and held-out-4.yaml, held-out-5.yaml and held-out-6.yaml, each read twice while judged,
 * are reported only (the fifth to eighth also with a second annotator's keys, beside them as
 * held-out-N-second.yaml). Conversations (a first message and its follow-ups, each asked with the context
 * the reply before gave back): conversations-dev.yaml to -dev-3.yaml are tuned on,
 * conversations-held-out.yaml is measured only;
 * test/chat/held-out-2.yaml, read three times while it was judged, is now a development set.
 * `--dev-only` measures the development sets alone, for tuning runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadPack } from '../src/content/load.js';
import { defaultPackDir, projectRoot } from '../src/content/pack-dir.js';
import { normalise } from '../src/content/vocabulary.js';
import { createChatEngine, type ChatEngine } from '../src/chat/engine.js';
import type { ContentPack } from '../src/content/schema.js';
import { conversation, evaluateConversations, heldOutItem, verdict, type Conversation, type ConversationMetrics, type HeldOutItem, type SeenReply, type Verdict } from './chat-replies.js';
import { packSections } from '../src/sections.js';

const evalItem = z.strictObject({
  q: z.string().min(1),
  expect: z.string().min(1).optional(),
  danger: z.boolean().optional(),
  /** a worry that cannot wait but is not 999 (FACTS 1b): the same-day guidance, or the emergency one, must lead */
  sameDay: z.boolean().optional(),
});
export type EvalItem = z.infer<typeof evalItem>;

export function readEvalSet(file = join(projectRoot(), 'test', 'chat', 'eval-set.yaml')): EvalItem[] {
  return z.array(evalItem).parse(parse(readFileSync(file, 'utf8')));
}

export function readDevSet(file = join(projectRoot(), 'test', 'chat', 'dev-set.yaml')): EvalItem[] {
  return readEvalSet(file);
}

/** Questions that are also phrasings: they would measure memory, not matching. */
export function leakedQuestions(engine: ChatEngine, items: EvalItem[]): string[] {
  const phrasings = new Set(engine.entries.flatMap((e) => e.phrasings.map(normalise)));
  return items.filter((i) => phrasings.has(normalise(i.q))).map((i) => i.q);
}

/** The same words in any order: "refer how do i" is "how do i refer". */
const wordKey = (q: string) => [...new Set(normalise(q).split(' '))].sort().join(' ');

/** Dev questions that are also eval questions (same words, any order): tuning on them would leak the eval. */
export function sharedQuestions(dev: EvalItem[], evalItems: EvalItem[]): string[] {
  const evalKeys = new Set(evalItems.map((i) => wordKey(i.q)));
  return dev.filter((i) => evalKeys.has(wordKey(i.q))).map((i) => i.q);
}

export interface Metrics {
  top1: number;
  answeredCorrect: number;
  wrongConfident: number;
  mrr: number;
  offTopicRejection: number;
  dangerRecall?: number;
  dangerFalseAlarm?: number;
  /** of the same-day items, the share led by the same-day (or the emergency) guidance */
  sameDayRecall?: number;
  sameDayCount?: number;
  p50?: number;
  p99?: number;
  inScope: number;
  offTopic: number;
  dangerCount: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** The in-scope and off-topic questions of a labelled set. */
function split(items: EvalItem[]): { inScope: EvalItem[]; offTopic: EvalItem[] } {
  return { inScope: items.filter((i) => i.expect && i.expect !== 'off-topic'), offTopic: items.filter((i) => i.expect === 'off-topic') };
}

/** What one matcher did with one in-scope question: its ranking, and the answer it gave outright, if any. */
interface Judged {
  expect: string;
  ranked: string[];
  answered: string | undefined;
}

/** Top-1, MRR over the top 10, answered-and-right and answered-and-wrong: the same scoring for every matcher. */
function scoreInScope(judged: Judged[]): Pick<Metrics, 'top1' | 'mrr' | 'answeredCorrect' | 'wrongConfident'> {
  let top1 = 0;
  let rr = 0;
  let answered = 0;
  let wrong = 0;
  for (const j of judged) {
    const rank = j.ranked.indexOf(j.expect);
    if (rank === 0) top1++;
    if (rank >= 0 && rank < 10) rr += 1 / (rank + 1);
    if (j.answered === j.expect) answered++;
    else if (j.answered !== undefined) wrong++;
  }
  const n = judged.length;
  return { top1: top1 / n, mrr: rr / n, answeredCorrect: answered / n, wrongConfident: wrong / n };
}

export function evaluateEngine(engine: ChatEngine, items: EvalItem[], rounds = 20): Metrics & { misses: string[] } {
  const { inScope, offTopic } = split(items);
  const dangerItems = items.filter((i) => i.danger);
  const misses: string[] = [];
  const judged = inScope.map((i): Judged => {
    const r = engine.respond(i.q);
    const rank = r.ranked.findIndex((x) => x.id === i.expect);
    if (rank !== 0) misses.push(`  "${i.q}" → ${r.ranked[0]?.id ?? '(nothing)'} ${r.ranked[0]?.score.toFixed(2) ?? ''} [${r.band}], expected ${i.expect}${rank > 0 ? ` at ${rank + 1}` : ''}`);
    return { expect: i.expect!, ranked: r.ranked.map((x) => x.id), answered: r.band === 'answer' ? (r.answerId ?? undefined) : undefined };
  });
  let rejected = 0;
  for (const i of offTopic) {
    const r = engine.respond(i.q);
    if (r.band === 'unsure') rejected++;
    else misses.push(`  off-topic "${i.q}" → ${r.band} ${r.ranked[0]?.id} ${r.ranked[0]?.score.toFixed(2)}`);
  }
  let caught = 0;
  for (const i of dangerItems) {
    if (engine.respond(i.q).danger) caught++;
    else misses.push(`  danger missed: "${i.q}"`);
  }
  const sameDayItems = items.filter((i) => i.sameDay);
  let sameDay = 0;
  for (const i of sameDayItems) {
    const r = engine.respond(i.q);
    if (r.sameDay || r.danger) sameDay++;
    else misses.push(`  same-day guidance missed: "${i.q}"`);
  }
  const calm = items.filter((i) => !i.danger && !i.sameDay);
  const falseAlarms = calm.filter((i) => engine.respond(i.q).danger);
  for (const f of falseAlarms) misses.push(`  danger false alarm: "${f.q}"`);

  // latency: a warm-up round first (JIT), then many rounds, so p99 is of the engine and not of start-up
  for (const i of items) engine.respond(i.q);
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const i of items) {
      const t0 = process.hrtime.bigint();
      engine.respond(i.q);
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  samples.sort((a, b) => a - b);
  return {
    ...scoreInScope(judged),
    offTopicRejection: rejected / offTopic.length,
    dangerRecall: caught / dangerItems.length,
    dangerFalseAlarm: falseAlarms.length / calm.length,
    sameDayRecall: sameDayItems.length > 0 ? sameDay / sameDayItems.length : 1,
    sameDayCount: sameDayItems.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    inScope: inScope.length,
    offTopic: offTopic.length,
    dangerCount: dangerItems.length,
    misses,
  };
}

interface NlpResult {
  intent: string;
  score: number;
  classifications?: Array<{ intent: string; score: number }>;
}
interface NlpManagerLike {
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, utterance: string): Promise<NlpResult>;
}

export interface NlpJs {
  manager: NlpManagerLike;
  trainSeconds: number;
  documents: number;
}

/** nlp.js trained on exactly the phrasings our index holds (FAQ phrasings and generated ones). */
export async function trainNlpJs(engine: ChatEngine): Promise<NlpJs> {
  const require = createRequire(import.meta.url);
  const { NlpManager } = require('node-nlp') as { NlpManager: new (opts: unknown) => NlpManagerLike };
  const manager = new NlpManager({ languages: ['en'], forceNER: true, autoSave: false, nlu: { log: false, useNoneFeature: true } });
  let documents = 0;
  for (const e of engine.entries) {
    for (const p of e.phrasings) {
      manager.addDocument('en', p, e.id);
      documents++;
    }
  }
  const t0 = Date.now();
  await manager.train();
  return { manager, trainSeconds: (Date.now() - t0) / 1000, documents };
}

/** nlp.js on a labelled set, scored the same way as our engine. */
export async function evaluateNlpJs({ manager }: NlpJs, items: EvalItem[]): Promise<Metrics> {
  const { inScope, offTopic } = split(items);
  for (const i of items.slice(0, 20)) await manager.process('en', i.q);
  const samples: number[] = [];
  const run = async (q: string) => {
    const t = process.hrtime.bigint();
    const r = await manager.process('en', q);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    return r;
  };
  const judged: Judged[] = [];
  for (const i of inScope) {
    const r = await run(i.q);
    const ranked = (r.classifications ?? [{ intent: r.intent, score: r.score }]).map((c) => c.intent);
    // nlp.js answers when it picks an intent other than None (its own threshold)
    judged.push({ expect: i.expect!, ranked, answered: r.intent !== 'None' ? r.intent : undefined });
  }
  let rejected = 0;
  for (const i of offTopic) {
    const r = await run(i.q);
    if (r.intent === 'None') rejected++;
  }
  samples.sort((a, b) => a - b);
  return {
    ...scoreInScope(judged),
    offTopicRejection: rejected / offTopic.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    inScope: inScope.length,
    offTopic: offTopic.length,
    dangerCount: 0,
  };
}

export function readHeldOut(file = join(projectRoot(), 'test', 'chat', 'held-out.yaml')): HeldOutItem[] {
  return z.array(heldOutItem).parse(parse(readFileSync(file, 'utf8')));
}

/** The held-out set the goals are judged on now. */
const HELD_OUT_FILE = 'held-out-8.yaml';

export function readConversations(file: string): Conversation[] {
  return z.array(conversation).parse(parse(readFileSync(file, 'utf8')));
}

export interface HeldOutMetrics {
  inScope: number;
  share: Record<Verdict, number>;
  offTopic: number;
  offTopicRejection: number;
  dangerRecall: number;
  byArea: Map<string, { n: number; acceptable: number; wrong: number }>;
  p99: number;
  /** what each reply missed, for a development set only */
  misses: string[];
}

const secondKeys = z.array(
  z.strictObject({
    index: z.number().int().min(0),
    add: z.array(z.string().regex(/^(faq|service|need|route|level|text):.+$/)),
    wrong: z.array(z.string()).optional(),
    why: z.string().optional(),
  }),
);
export type SecondKeys = z.infer<typeof secondKeys>;

export function readSecondKeys(file: string): SecondKeys {
  return secondKeys.parse(parse(readFileSync(file, 'utf8')));
}

/**
 * A held-out set with a second annotator's keys: each listed message also accepts the keys added, and
 * no longer the keys the second annotator judged wrong. A change for an off-topic message, or for a
 * message that is not there, is an error: the two files no longer describe the same messages.
 */
export function withSecondKeys(items: readonly HeldOutItem[], changes: SecondKeys): HeldOutItem[] {
  const out = items.map((i) => ({ ...i }));
  for (const c of changes) {
    const item = out[c.index];
    if (!item?.accept) throw new Error(`second keys: message ${c.index} is ${item ? 'off-topic' : 'not in the set'}`);
    const wrong = new Set(c.wrong ?? []);
    const accept = [...new Set([...item.accept.filter((k) => !wrong.has(k)), ...c.add])];
    if (accept.length === 0) throw new Error(`second keys: message ${c.index} would accept nothing`);
    item.accept = accept;
  }
  return out;
}

/** What users get on the held-out set: each reply judged by its content, never by a rank. */
export async function evaluateReplies(pack: ContentPack, items: HeldOutItem[], reply: (q: string) => Promise<SeenReply & { danger?: boolean }> | (SeenReply & { danger?: boolean }), questionOf: (id: string) => string | undefined): Promise<HeldOutMetrics> {
  const counts: Record<Verdict, number> = { acceptable: 0, clarified: 0, wrong: 0, unsure: 0 };
  const byArea = new Map<string, { n: number; acceptable: number; wrong: number }>();
  let inScope = 0;
  let offTopic = 0;
  let rejected = 0;
  let danger = 0;
  let caught = 0;
  const samples: number[] = [];
  const misses: string[] = [];
  for (const i of items) {
    const t0 = process.hrtime.bigint();
    const r = await reply(i.q);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (i.danger) {
      danger++;
      if (r.danger) caught++;
      else misses.push(`  danger missed: "${i.q}"`);
    }
    if (!i.accept) {
      offTopic++;
      if (r.band === 'unsure') rejected++;
      else misses.push(`  off-topic "${i.q}" → ${r.band} ${r.answerId ?? ''}`);
      continue;
    }
    inScope++;
    const v = verdict(pack, r, i.accept, questionOf);
    if (v !== 'acceptable') misses.push(`  ${v} "${i.q}" → ${r.band} ${r.answerId ?? ''}; wanted ${i.accept.join(' or ')}`);
    counts[v]++;
    const a = byArea.get(i.area) ?? { n: 0, acceptable: 0, wrong: 0 };
    a.n++;
    if (v === 'acceptable') a.acceptable++;
    if (v === 'wrong') a.wrong++;
    byArea.set(i.area, a);
  }
  samples.sort((x, y) => x - y);
  const share = Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, inScope ? n / inScope : 0])) as Record<Verdict, number>;
  return { inScope, share, offTopic, offTopicRejection: offTopic ? rejected / offTopic : 1, dangerRecall: danger ? caught / danger : 1, byArea, p99: percentile(samples, 99), misses };
}

function printTable(title: string, count: number, ours: Metrics, theirs: Metrics | undefined, trainSeconds?: number): void {
  console.log(`\n## ${title}: ${count} questions (${ours.inScope} in scope, ${ours.offTopic} off-topic, ${ours.dangerCount} danger)\n`);
  console.log('| measure | this bot | nlp.js | goal |');
  console.log('|---|---:|---:|---|');
  const row = (name: string, a: string, b: string, goal = '') => console.log(`| ${name} | ${a} | ${b} | ${goal} |`);
  row('top-1 accuracy', pct(ours.top1), theirs ? pct(theirs.top1) : '–', 'reported, not a goal');
  row('MRR (top 10)', ours.mrr.toFixed(3), theirs ? theirs.mrr.toFixed(3) : '–');
  row('answered and right', pct(ours.answeredCorrect), theirs ? pct(theirs.answeredCorrect) : '–');
  row('answered and wrong (confident mistakes)', pct(ours.wrongConfident), theirs ? pct(theirs.wrongConfident) : '–', 'as low as possible');
  row('off-topic rejection', pct(ours.offTopicRejection), theirs ? pct(theirs.offTopicRejection) : '–', '≥ 90 %');
  row('danger recall', pct(ours.dangerRecall ?? 0), 'no danger layer', '100 %');
  row('danger false alarms (non-danger questions)', pct(ours.dangerFalseAlarm ?? 0), '–');
  if (ours.sameDayCount) row(`same-day guidance first (${ours.sameDayCount} same-day worries, FACTS 1b)`, pct(ours.sameDayRecall ?? 0), 'no danger layer', '100 %');
  row('latency p50 per message', `${ours.p50?.toFixed(3)} ms`, theirs ? `${theirs.p50?.toFixed(3)} ms` : '–');
  row('latency p99 per message', `${ours.p99?.toFixed(3)} ms`, theirs ? `${theirs.p99?.toFixed(3)} ms` : '–', '< 10 ms');
  if (trainSeconds !== undefined) row('nlp.js training time', '–', `${trainSeconds.toFixed(1)} s`);
}

function printConversations(title: string, ours: ConversationMetrics, theirs: ConversationMetrics | undefined): void {
  const total = (v: Record<Verdict, number>) => Object.values(v).reduce((a, b) => a + b, 0);
  const share = (v: Record<Verdict, number>, k: Verdict) => pct(total(v) ? v[k] / total(v) : 0);
  console.log(`\n## ${title}: ${total(ours.first)} conversations, ${total(ours.followUps)} follow-ups\n`);
  console.log('| measure | this bot | nlp.js (each message alone) |');
  console.log('|---|---:|---:|');
  for (const k of ['acceptable', 'clarified', 'wrong', 'unsure'] as const) {
    console.log(`| follow-ups ${k === 'wrong' ? 'confidently wrong' : k} | ${share(ours.followUps, k)} | ${theirs ? share(theirs.followUps, k) : '–'} |`);
  }
  console.log(`| first messages acceptable | ${share(ours.first, 'acceptable')} | ${theirs ? share(theirs.first, 'acceptable') : '–'} |`);
  console.log(`| danger recall (any turn) | ${ours.danger ? `${ours.caught}/${ours.danger}` : '–'} | no danger layer |`);
}

function printHeldOut(count: number, ours: HeldOutMetrics, theirs: HeldOutMetrics | undefined, title = 'Held-out set (what users get; never tuned on)', byArea = true): void {
  console.log(`\n## ${title}: ${count} messages (${ours.inScope} in scope, ${ours.offTopic} off-topic)\n`);
  console.log('| measure | this bot | nlp.js | goal |');
  console.log('|---|---:|---:|---|');
  const row = (name: string, a: string, b: string, goal = '') => console.log(`| ${name} | ${a} | ${b} | ${goal} |`);
  row('acceptable (the reply holds the expected answer)', pct(ours.share.acceptable), theirs ? pct(theirs.share.acceptable) : '–', '≥ 95 %');
  row('clarified (asked back, the right answer offered)', pct(ours.share.clarified), theirs ? pct(theirs.share.clarified) : '–');
  row('confidently wrong', pct(ours.share.wrong), theirs ? pct(theirs.share.wrong) : '–', '≤ 2 %');
  row('unsure', pct(ours.share.unsure), theirs ? pct(theirs.share.unsure) : '–');
  row('off-topic rejection', pct(ours.offTopicRejection), theirs ? pct(theirs.offTopicRejection) : '–', '≥ 90 %');
  row('danger recall', pct(ours.dangerRecall), 'no danger layer', '100 %');
  row('latency p99 per message', `${ours.p99.toFixed(3)} ms`, theirs ? `${theirs.p99.toFixed(3)} ms` : '–', '< 10 ms');
  if (!byArea) return;
  console.log('\n| need area | messages | acceptable (this bot) | wrong (this bot) | acceptable (nlp.js) |\n|---|---:|---:|---:|---:|');
  for (const [area, a] of [...ours.byArea].sort(([x], [y]) => x.localeCompare(y))) {
    const t = theirs?.byArea.get(area);
    console.log(`| ${area} | ${a.n} | ${pct(a.acceptable / a.n)} | ${a.wrong} | ${t ? pct(t.acceptable / t.n) : '–'} |`);
  }
}

/**
 * The danger layer on lists written to validate it (test/chat/danger-validation*.yaml): messages about
 * danger now and look-alikes, by people who had seen neither the rules nor the development lists.
 * Measured only: their misses are never printed.
 */
function printDangerValidation(engine: ChatEngine): void {
  const dir = join(projectRoot(), 'test', 'chat');
  const files = readdirSync(dir).filter((f) => /^danger-validation.*\.yaml$/.test(f)).sort();
  if (files.length === 0) return;
  console.log('\n## Danger validation lists (never learned from; the third to eleventh were read while tuning, so are spent; danger-validation-12.yaml, written blind in the tenth session, is the one that measures that session\'s danger changes)\n\n| list | danger recall | false alarms |\n|---|---:|---:|');
  for (const f of files) {
    const items = z.array(evalItem.required({ danger: true })).parse(parse(readFileSync(join(dir, f), 'utf8')));
    const danger = items.filter((i) => i.danger);
    const calm = items.filter((i) => !i.danger);
    const caught = danger.filter((i) => engine.respond(i.q).danger).length;
    const alarms = calm.filter((i) => engine.respond(i.q).danger).length;
    console.log(`| ${f} | ${caught} / ${danger.length} (${pct(caught / Math.max(1, danger.length))}) | ${alarms} / ${calm.length} (${pct(alarms / Math.max(1, calm.length))}) |`);
  }
}

async function main(): Promise<void> {
  const { pack, problems } = loadPack(process.env['CONTENT_PACK'] ?? defaultPackDir(), packSections);
  if (!pack) {
    console.error(problems.filter((p) => p.severity === 'error'));
    process.exit(2);
  }
  const engine = createChatEngine(pack);
  const dev = readDevSet();
  const items = readEvalSet();
  const leaked = [...leakedQuestions(engine, dev), ...leakedQuestions(engine, items)];
  if (leaked.length > 0) {
    console.error(`These dev or eval questions are also FAQ or generated phrasings; rewrite them:\n${leaked.map((q) => `  ${q}`).join('\n')}`);
    process.exit(1);
  }
  const shared = sharedQuestions(dev, items);
  if (shared.length > 0) {
    console.error(`These dev questions are also eval questions; rewrite them:\n${shared.map((q) => `  ${q}`).join('\n')}`);
    process.exit(1);
  }
  const oursDev = evaluateEngine(engine, dev);
  const ours = evaluateEngine(engine, items);
  const skipNlp = process.argv.includes('--no-nlpjs');
  const nlp = skipNlp ? undefined : await trainNlpJs(engine);
  const theirsDev = nlp ? await evaluateNlpJs(nlp, dev) : undefined;
  const theirs = nlp ? await evaluateNlpJs(nlp, items) : undefined;

  const goals: Array<[string, boolean]> = [
    ['off-topic rejection ≥ 90 %', ours.offTopicRejection >= 0.9],
    ['danger recall 100 % (eval)', ours.dangerRecall === 1],
    ['danger recall 100 % (dev)', oursDev.dangerRecall === 1],
    ['same-day guidance first 100 % (eval)', ours.sameDayRecall === 1],
    ['same-day guidance first 100 % (dev)', oursDev.sameDayRecall === 1],
    ['p99 < 10 ms', (ours.p99 ?? Infinity) < 10],
  ];

  console.log(`\n${engine.entries.length} answers; nlp.js ${nlp ? `trained on the same ${nlp.documents} phrasings in this run` : 'skipped'}.`);
  printTable('Development set (tuned on)', dev.length, oursDev, theirsDev);
  // a tuning run (--dev-only) is told only whether the evaluation set's goals are met, never its figures
  if (!process.argv.includes('--dev-only')) printTable('Evaluation set (measured only; goals judged here)', items.length, ours, theirs, nlp?.trainSeconds);
  const questionOf = (id: string) => engine.entry(id)?.question;
  // a development set scored as the held-out set is, to tune on (its misses are shown with --verbose)
  for (const [file, title] of [
    ['dev-replies.yaml', 'Development set, what users get (tuned on)'],
    ['dev-replies-2.yaml', 'Second development set, what users get (written blind like the held-out set; tuned on)'],
    ['held-out-2.yaml', 'Second held-out set, spent: read three times while judged, now tuned on'],
    ['dev-replies-3.yaml', 'Third development set, what users get (written blind like the held-out sets; tuned on)'],
    ['dev-replies-4.yaml', 'Fourth development set, what users get (written blind like the held-out sets; tuned on)'],
    ['dev-replies-5.yaml', 'Fifth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-6.yaml', 'Sixth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-7.yaml', 'Seventh development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-8.yaml', 'Eighth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-9.yaml', 'Ninth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-10.yaml', 'Tenth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-11.yaml', 'Eleventh development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-12.yaml', 'Twelfth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-13.yaml', 'Thirteenth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-14.yaml', 'Fourteenth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-15.yaml', 'Fifteenth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-16.yaml', 'Sixteenth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-17.yaml', 'Seventeenth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-18.yaml', 'Eighteenth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-19.yaml', 'Nineteenth development set, what users get (written blind, with every key that answers; tuned on)'],
    ['dev-replies-20.yaml', 'Twentieth development set, what users get (written blind at the start of the tenth session with the held-out-8 brief; first read 91.6 % acceptable; tuned on)'],
  ] as const) {
    const devRepliesFile = join(projectRoot(), 'test', 'chat', file);
    if (!existsSync(devRepliesFile)) continue;
    const devReplies = readHeldOut(devRepliesFile);
    const d = await evaluateReplies(pack, devReplies, (q) => engine.respond(q), questionOf);
    printHeldOut(devReplies.length, d, undefined, title, false);
    if (process.argv.includes('--verbose')) console.log(`\n${file} misses:\n${d.misses.join('\n')}`);
  }
  // follow-ups in conversations, each asked with the context the reply before it gave back
  const converse = (q: string, context: object) => engine.respond(q, context);
  for (const [file, title] of [
    ['conversations-dev.yaml', 'Development conversations (written blind; tuned on)'],
    ['conversations-dev-2.yaml', 'Second development conversations (written blind; tuned on)'],
    ['conversations-dev-3.yaml', 'Third development conversations (written blind; tuned on)'],
  ] as const) {
    const devConversations = join(projectRoot(), 'test', 'chat', file);
    if (!existsSync(devConversations)) continue;
    const d = await evaluateConversations(pack, readConversations(devConversations), converse, questionOf);
    printConversations(title, d, undefined);
    if (process.argv.includes('--verbose')) console.log(`\n${file} misses:\n${d.misses.join('\n')}`);
  }
  // --dev-only: the development sets alone, for tuning runs that must not look at any held-out figure
  if (process.argv.includes('--dev-only')) {
    for (const [name, ok] of goals) console.log(`${ok ? 'met   ' : 'MISSED'} ${name}`);
    if (process.argv.includes('--verbose')) console.log(`\nDev set misses:\n${oursDev.misses.join('\n')}`);
    if (goals.some(([, ok]) => !ok)) process.exitCode = 1;
    return;
  }
  // the first held-out set: its figures were read in ten tuning sessions, so it is reported, no longer judged
  const firstHeldOut = readHeldOut();
  const heldOut = readHeldOut(join(projectRoot(), 'test', 'chat', HELD_OUT_FILE));
  const heldConversations = join(projectRoot(), 'test', 'chat', 'conversations-held-out.yaml');
  const heldTurns = existsSync(heldConversations) ? readConversations(heldConversations).flatMap((c) => c.turns) : [];
  const leakedHeld = leakedQuestions(engine, [...heldOut, ...heldTurns]);
  if (leakedHeld.length > 0) {
    console.error(`These held-out messages are also FAQ or generated phrasings, so they measure memory; reword the phrasings:\n${leakedHeld.map((q) => `  ${q}`).join('\n')}`);
    process.exit(1);
  }
  const oursFirst = await evaluateReplies(pack, firstHeldOut, (q) => engine.respond(q), questionOf);
  printHeldOut(firstHeldOut.length, oursFirst, undefined, 'First held-out set (its figures were read in ten sessions of tuning; reported only)', false);
  const leakedFirst = leakedQuestions(engine, firstHeldOut).length;
  if (leakedFirst > 0) console.log(`\n${leakedFirst} of its messages are now also phrasings the bot holds, so it measures some memory too.`);
  // a held-out set again with a second annotator's keys (written blind to the bot's replies), when it has
  // them: how much of what is judged a miss is an answer the first annotator left out
  const withSecondAnnotator = async (items: HeldOutItem[], file: string, title: string) => {
    const second = join(projectRoot(), 'test', 'chat', file.replace(/\.yaml$/, '-second.yaml'));
    if (!existsSync(second)) return;
    const ours = await evaluateReplies(pack, withSecondKeys(items, readSecondKeys(second)), (q) => engine.respond(q), questionOf);
    printHeldOut(items.length, ours, undefined, `${title}, with a second annotator's keys added (reported only)`, false);
  };
  // the third to sixth held-out sets: read while they were judged, never tuned on; reported only
  for (const [file, title] of [
    ['held-out-3.yaml', 'Third held-out set (read three times while judged, never tuned on; reported only)'],
    ['held-out-4.yaml', 'Fourth held-out set (read twice while judged, never tuned on; reported only)'],
    ['held-out-5.yaml', 'Fifth held-out set (read twice while judged, never tuned on; reported only)'],
    ['held-out-6.yaml', 'Sixth held-out set (read twice while judged, never tuned on; reported only)'],
    ['held-out-7.yaml', 'Seventh held-out set (read three times while judged, never tuned on; reported only)'],
  ] as const) {
    const items = readHeldOut(join(projectRoot(), 'test', 'chat', file));
    printHeldOut(items.length, await evaluateReplies(pack, items, (q) => engine.respond(q), questionOf), undefined, title, false);
    await withSecondAnnotator(items, file, title.split(' (')[0]!);
  }
  // the held-out set judged now: written blind, what users get, judged by each reply's content; its misses are never shown
  const oursHeld = await evaluateReplies(pack, heldOut, (q) => engine.respond(q), questionOf);
  const nlpReply = async (q: string): Promise<SeenReply> => {
    const r = await nlp!.manager.process('en', q);
    const e = r.intent !== 'None' ? engine.entry(r.intent) : undefined;
    return e ? { band: 'answer', reply: e.answer, links: e.links, answerId: e.id, suggestions: [] } : { band: 'unsure', reply: '', links: [], suggestions: [] };
  };
  const theirsHeld = nlp ? await evaluateReplies(pack, heldOut, nlpReply, questionOf) : undefined;
  // beside the same content in an off-the-shelf matcher, judged by what users get (the top-1 rank
  // comparison on the eval set is printed above, but a rank is not what a user sees)
  if (theirsHeld) goals.push(['held-out acceptable ≥ nlp.js + 10 points', oursHeld.share.acceptable - theirsHeld.share.acceptable >= 0.1]);
  else goals.push(['held-out acceptable ≥ nlp.js + 10 points (not measured: --no-nlpjs)', false]);
  printHeldOut(heldOut.length, oursHeld, theirsHeld);
  // (the goals are judged on the first annotator's keys)
  await withSecondAnnotator(heldOut, HELD_OUT_FILE, 'Held-out set judged now');
  // held-out conversations: written blind, never tuned on; their misses are never shown
  if (existsSync(heldConversations)) {
    const convs = readConversations(heldConversations);
    const theirsConv = nlp ? await evaluateConversations(pack, convs, nlpReply, questionOf) : undefined;
    printConversations('Held-out conversations (written blind; never tuned on)', await evaluateConversations(pack, convs, converse, questionOf), theirsConv);
  }
  printDangerValidation(engine);
  const heldGoals: Array<[string, boolean]> = [
    ['held-out: acceptable ≥ 95 %', oursHeld.share.acceptable >= 0.95],
    ['held-out: confidently wrong ≤ 2 %', oursHeld.share.wrong <= 0.02],
    ['held-out: danger recall 100 %', oursHeld.dangerRecall === 1],
    ['held-out: off-topic rejection ≥ 90 %', oursHeld.offTopicRejection >= 0.9],
    ['held-out: p99 < 10 ms', oursHeld.p99 < 10],
  ];
  // CI is judged on the held-out goals only with --held-out-goals, until the bot meets them
  if (process.argv.includes('--held-out-goals')) goals.push(...heldGoals);
  console.log('');
  for (const [name, ok] of goals) console.log(`${ok ? 'met   ' : 'MISSED'} ${name}`);
  if (!process.argv.includes('--held-out-goals')) for (const [name, ok] of heldGoals) console.log(`${ok ? 'met   ' : 'missed'} ${name} (reported, not yet a CI goal)`);
  // only the dev set's misses are ever shown: the eval set stays a measurement
  if (process.argv.includes('--verbose')) console.log(`\nDev set misses:\n${oursDev.misses.join('\n')}`);
  if (goals.some(([, ok]) => !ok)) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/scripts\//, 'scripts/'))) await main();
