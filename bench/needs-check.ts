/**
 * The needs check: engine outcomes per second over every example answer set in the content, and the
 * outcome page under load beside the static route /public/site.css, on the same server in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { loadPack } from '../src/content/load.js';
import { packSections } from '../src/sections.js';
import { parseAnswers, type Answers } from '../src/needs-check/answers.js';
import type { NeedsCheckContent } from '../src/needs-check/content.js';
import { assess } from '../src/needs-check/engine.js';
import { loadUrl, startServerProcess, timeOperations } from './lib.js';
import type { BenchSection } from './run.js';

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-nc-'));
  const { pack } = loadPack(defaultPackDir(), packSections);
  if (!pack) throw new Error('the default pack does not load: run npm run content:check');
  const c = pack.sections['needsCheck'] as NeedsCheckContent;
  const sets: Answers[] = c.examples.flatMap((e) => {
    const r = parseAnswers(c, e.answers);
    return r.ok ? [r.answers] : [];
  });
  const iterations = 20_000;
  const engine = timeOperations('engine: assess()', `${sets.length} rule examples, ${iterations.toLocaleString('en-GB')} outcomes`, iterations, (i) => {
    assess(pack, sets[i % sets.length]!);
  });
  const parseAndAssess = timeOperations('engine: parse URL + assess()', `${sets.length} rule examples`, iterations, (i) => {
    const r = parseAnswers(c, c.examples[i % c.examples.length]!.answers);
    if (r.ok) assess(pack, r.answers);
  });
  const server = await startServerProcess(defaultPackDir(), join(dir, 'bench.sqlite'));
  const base = server.baseUrl;
  try {
    const outcomeQuery = 'danger=no&route=none&area=neglect&area=education&ind=neglect-often-without&ind=ed-occasional&age=5-to-10&family=not-told&disclosure=no';
    const rows = [
      engine,
      parseAndAssess,
      await loadUrl('static route (/public/site.css)', `${base}/public/site.css`),
      await loadUrl('outcome page (2 areas, Level 3)', `${base}/needs-check/outcome?${outcomeQuery}`),
      await loadUrl('question page (indicators)', `${base}/needs-check/worry/neglect?danger=no&route=none&area=neglect`),
    ];
    return { title: 'Needs check: engine, and the outcome page beside a static route', rows };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
