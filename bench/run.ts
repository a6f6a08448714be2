/**
 * `npm run bench`: every speed goal of the project, each beside a baseline measured in the same run
 * (a static route on the same server). Prints one table per section. BENCH_SECONDS sets the load time.
 *
 * Sections are added by the tools: each exports `run(): Promise<{ title, rows }>`.
 */
import { printTable, type BenchRow } from './lib.js';

export interface BenchSection {
  title: string;
  rows: BenchRow[];
  /** a section whose measure is not a speed prints its own Markdown table instead of rows */
  table?: string;
}

const sections: Array<{ name: string; load: () => Promise<{ run: () => Promise<BenchSection> }> }> = [
  { name: 'foundation', load: () => import('./foundation.js') },
  { name: 'needs-check', load: () => import('./needs-check.js') },
  { name: 'directory', load: () => import('./directory.js') },
  { name: 'chat', load: () => import('./chat.js') },
  { name: 'instances', load: () => import('./instances.js') },
  { name: 'weight', load: () => import('./weight.js') },
  { name: 'lighthouse', load: () => import('./lighthouse.js') },
];

const only = process.argv[2];
for (const s of sections) {
  if (only && s.name !== only) continue;
  const mod = await s.load();
  const result = await mod.run();
  if (result.table) console.log(`\n## ${result.title}\n\n${result.table}\n`);
  else printTable(result.title, result.rows);
}
