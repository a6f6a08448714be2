/**
 * `npx tsx scripts/tune-chat.ts`: searches the matcher's weights and confidence bands on the
 * DEVELOPMENT set only (test/chat/dev-set.yaml). It never reads the evaluation set: that one is for
 * measuring (npm run eval:chat). Prints the best settings found; the chosen ones are the defaults in
 * src/chat/engine.ts.
 *
 * The objective rewards the right answer first, then penalises confident wrong answers (a wrong
 * confident answer is worse than "I'm not sure") and off-topic questions not rejected.
 */
import { loadPack } from '../src/content/load.js';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { chatContent } from '../src/chat/content.js';
import { ChatEngine, type EngineOptions } from '../src/chat/engine.js';
import { packSections } from '../src/sections.js';
import { readDevSet } from './eval-chat.js';

const { pack } = loadPack(defaultPackDir(), packSections);
if (!pack) throw new Error('default pack does not load');
const chat = chatContent(pack);
const dev = readDevSet();
const inScope = dev.filter((i) => i.expect && i.expect !== 'off-topic');
const offTopic = dev.filter((i) => i.expect === 'off-topic');

// one engine, its weights swapped per candidate: building the index per candidate would take minutes
const engine = new ChatEngine(pack, chat);
const base = { ...(engine as unknown as { o: Required<EngineOptions> }).o };

function score(options: EngineOptions) {
  Object.assign((engine as unknown as { o: EngineOptions }).o, base, options);
  let top1 = 0;
  let wrong = 0;
  let rejected = 0;
  let answered = 0;
  for (const i of inScope) {
    const r = engine.respond(i.q);
    if (r.ranked[0]?.id === i.expect) top1++;
    if (r.band === 'answer' && r.answerId === i.expect) answered++;
    if (r.band === 'answer' && r.answerId !== i.expect) wrong++;
  }
  for (const i of offTopic) if (engine.respond(i.q).band === 'unsure') rejected++;
  const t = top1 / inScope.length;
  const w = wrong / inScope.length;
  const rej = rejected / offTopic.length;
  // weights are chosen for ranking alone; the bands then trade answers against confident mistakes
  const right = answered / inScope.length;
  // bands: the most right answers while confident mistakes stay at or under 2.5 % and off-topic rejection at 90 % or more
  return { top1: t, right, wrong: w, rejection: rej, objective: stage === 'bands' ? right - (w > 0.025 ? 1 : 0) - (rej < 0.9 ? 1 : 0) : t };
}

const stage = process.argv[2] ?? 'weights';
const grid = (values: Record<string, number[]>): EngineOptions[] => {
  let out: Array<Record<string, number>> = [{}];
  for (const [k, vs] of Object.entries(values)) out = out.flatMap((o) => vs.map((v) => ({ ...o, [k]: v })));
  return out as EngineOptions[];
};

const results: Array<{ options: EngineOptions; top1: number; right: number; wrong: number; rejection: number; objective: number }> = [];
const candidates =
  stage === 'bands'
    ? grid({ answerAt: [0.35, 0.4, 0.45, 0.5, 0.55, 0.6], clarifyAt: [0.35, 0.4, 0.45, 0.5], margin: [0.02, 0.04, 0.06, 0.08, 0.1, 0.12], sureAt: [0.8, 0.9, 1.0] })
    : grid({
        phrasingWeight: [0.3, 0.5, 0.7],
        coverageWeight: [0.15, 0.25, 0.4],
        keywordWeight: [0.3, 0.5, 0.7],
        pairWeight: [0, 0.15, 0.25, 0.4],
        answerWeight: [0, 0.05, 0.1],
        recallWeight: [2.5, 4],
      });
for (const options of candidates) results.push({ options, ...score(options) });
results.sort((a, b) => b.objective - a.objective || b.top1 - a.top1);
for (const r of results.slice(0, 12)) {
  console.log(`top-1 ${(r.top1 * 100).toFixed(1)} %, answered right ${(r.right * 100).toFixed(1)} %, wrong ${(r.wrong * 100).toFixed(1)} %, off-topic ${(r.rejection * 100).toFixed(1)} %  ${JSON.stringify(r.options)}`);
}
