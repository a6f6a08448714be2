/**
 * `npm run eval:needs-check`: measures the presenting needs check on written school cases the project
 * owns, scoring what a user gets: the level suggested and the first action on the outcome page.
 *   - test/needs-check/cases-dev.yaml with answers-dev.yaml: the development set, answers chosen by a
 *     developer; the rules are tuned on its misses only (printed).
 *   - test/needs-check/cases-held-out-15.yaml with answers-held-out-15.yaml: the held-out set, answers as
 *     a first-time user chose them on the pages, reading only the case text. Measured only: its misses
 *     are never printed. The goals are judged here.
 *   - test/needs-check/cases-held-out.yaml, -2 to -14, with their answers: earlier held-out sets, walked the
 *     same way; their walks informed fixes, so they are reported but no longer judged.
 * A case is appropriate when the level is one of its acceptable levels and the first action is its
 * right first route (or one also right); it is wrong-first when the first action is one of the routes
 * the case names as wrong. An outcome that suggests no level (danger now, a route instead of the
 * levels, or "something else", which by design never claims a level) is judged on its first action
 * alone, as is a case that lists no level. Pages are counted from the start page to the outcome,
 * check answers included; the page goal is for journeys with one worry.
 *
 * Exits 1 when an answer set cannot be read, a case has no answers, or (with --strict) a goal is missed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadPack } from '../src/content/load.js';
import { defaultPackDir, projectRoot } from '../src/content/pack-dir.js';
import { describeAnswerError, parseAnswers } from '../src/needs-check/answers.js';
import { needsCheckContent } from '../src/needs-check/content.js';
import { assess } from '../src/needs-check/engine.js';
import { journey } from '../src/needs-check/flow.js';
import { packSections } from '../src/sections.js';

const caseSchema = z.strictObject({
  id: z.string().min(1),
  asker: z.enum(['dsl', 'staff']),
  text: z.string().min(1),
  levels: z.array(z.string()),
  firstRoute: z.string().min(1),
  alsoRight: z.array(z.string()).optional(),
  wrongRoutes: z.array(z.string()).min(1),
  why: z.string().min(1),
});
export type NeedsCase = z.infer<typeof caseSchema>;
/** case id → the outcome page's query string, as chosen on the pages */
const answersSchema = z.record(z.string(), z.string().min(1));

const dir = join(projectRoot(), 'test', 'needs-check');
export const readCases = (file: string) => z.array(caseSchema).parse(parse(readFileSync(join(dir, file), 'utf8')));
export const readAnswers = (file: string) => answersSchema.parse(parse(readFileSync(join(dir, file), 'utf8')) ?? {});

export interface CaseResult {
  id: string;
  appropriate: boolean;
  levelOk: boolean;
  firstOk: boolean;
  wrongFirst: boolean;
  pages: number;
  /** the journey had at most one worry's page of signs */
  oneWorry: boolean;
  got: string;
}

export function judge(pack: NonNullable<ReturnType<typeof loadPack>['pack']>, c: NeedsCase, query: string): CaseResult | { id: string; error: string } {
  const content = needsCheckContent(pack);
  const parsed = parseAnswers(content, query);
  if (!parsed.ok) return { id: c.id, error: describeAnswerError(parsed.error) };
  const o = assess(pack, parsed.answers);
  const kind = o.firstAction?.kind ?? 'none';
  const levelOk = c.levels.length === 0 || o.kind !== 'level' || (o.level !== undefined && c.levels.includes(o.level.id));
  const firstOk = kind === c.firstRoute || (c.alsoRight ?? []).includes(kind);
  const path = journey(content, parsed.answers);
  const pages = path.filter((p) => p.kind !== 'start' && p.kind !== 'outcome').length;
  const oneWorry = path.filter((p) => p.kind === 'indicators').length <= 1;
  return { id: c.id, appropriate: levelOk && firstOk, levelOk, firstOk, wrongFirst: c.wrongRoutes.includes(kind), pages, oneWorry, got: `${o.kind}${o.level ? ` ${o.level.id}` : ''}, first ${kind}` };
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)} %`);

function measure(name: string, casesFile: string, answersFile: string, showMisses: boolean) {
  const { pack } = loadPack(defaultPackDir(), packSections);
  if (!pack) throw new Error('the default pack does not load: run npm run content:check');
  const cases = readCases(casesFile);
  const answers = readAnswers(answersFile);
  const problems: string[] = [];
  const results: CaseResult[] = [];
  for (const c of cases) {
    const q = answers[c.id];
    if (!q) {
      problems.push(`${answersFile}: no answers for case "${c.id}"`);
      continue;
    }
    const r = judge(pack, c, q);
    if ('error' in r) problems.push(`${answersFile} › ${c.id}: ${r.error}`);
    else results.push(r);
  }
  for (const id of Object.keys(answers)) if (!cases.some((c) => c.id === id)) problems.push(`${answersFile}: answers for an unknown case "${id}"`);
  const n = results.length;
  const pages = results.map((r) => r.pages).sort((a, b) => a - b);
  const onePages = results.filter((r) => r.oneWorry).map((r) => r.pages);
  const row = (label: string, value: string, goal = '') => console.log(`| ${label} | ${value} | ${goal} |`);
  console.log(`\n## ${name}: ${cases.length} cases, ${n} with answers\n`);
  console.log('| measure | result | goal |\n|---|---:|---|');
  row('routed appropriately (acceptable level and right first action)', pct(results.filter((r) => r.appropriate).length, n), '≥ 95 %');
  row('acceptable level', pct(results.filter((r) => r.levelOk).length, n));
  row('right first action', pct(results.filter((r) => r.firstOk).length, n));
  row('wrong route first', String(results.filter((r) => r.wrongFirst).length), '0');
  row('pages from the start page to the outcome (median / most)', n ? `${pages[Math.floor(n / 2)]} / ${pages[n - 1]}` : '–');
  row('pages with one worry (most)', onePages.length ? String(Math.max(...onePages)) : '–', '≤ 8');
  if (showMisses) for (const r of results.filter((x) => !x.appropriate || x.wrongFirst)) console.log(`  miss ${r.id}: ${r.got}${r.wrongFirst ? ' (WRONG FIRST)' : ''}`);
  return { problems, results };
}

/** The held-out sets already walked and spent, in order; the next one is judged. */
const SPENT_ORDINALS = ['First', 'Second', 'Third', 'Fourth', 'Fifth', 'Sixth', 'Seventh', 'Eighth', 'Ninth', 'Tenth', 'Eleventh', 'Twelfth', 'Thirteenth', 'Fourteenth'];

function main() {
  const dev = measure('Development set (tuned on)', 'cases-dev.yaml', 'answers-dev.yaml', true);
  // earlier held-out sets informed fixes after their walks, so they are reported but no longer judged;
  // the newest walked set is the one the goals are judged on
  const suffix = (n: number) => (n === 1 ? '' : `-${n}`);
  const spent = SPENT_ORDINALS.map((ordinal, i) =>
    measure(`${ordinal} held-out set (spent: its walk informed fixes; reported only)`, `cases-held-out${suffix(i + 1)}.yaml`, `answers-held-out${suffix(i + 1)}.yaml`, false),
  );
  const judged = SPENT_ORDINALS.length + 1;
  const held = measure('Held-out set (measured only; goals judged here)', `cases-held-out${suffix(judged)}.yaml`, `answers-held-out${suffix(judged)}.yaml`, false);
  const problems = [dev, ...spent, held].flatMap((m) => m.problems);
  for (const p of problems) console.log(`ERROR ${p}`);
  const r = held.results;
  const goals = [
    ['routed appropriately ≥ 95 %', r.length > 0 && r.filter((x) => x.appropriate).length / r.length >= 0.95],
    ['no case with a wrong route first', r.length > 0 && r.every((x) => !x.wrongFirst)],
    ['at most 8 pages for one worry', r.length > 0 && r.every((x) => !x.oneWorry || x.pages <= 8)],
  ] as const;
  console.log('');
  for (const [goal, met] of goals) console.log(`${met ? 'met   ' : 'MISSED'} ${goal}`);
  if (problems.length > 0 || (process.argv.includes('--strict') && goals.some(([, met]) => !met))) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/scripts\//, 'scripts/'))) main();
