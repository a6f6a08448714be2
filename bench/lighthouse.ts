/**
 * Lighthouse (12.2.3, pinned: it runs on Node 20) on the built app in Debian's Chromium (CHROMIUM_PATH
 * or /usr/bin/chromium), with its default mobile settings (simulated slow 4G and a slower CPU): the
 * performance and accessibility scores of the start page, the directory, a needs check outcome and
 * the chat page. Goals (issue 15): performance at least 95, accessibility 100.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { startServerProcess } from './lib.js';
import type { BenchSection } from './run.js';

const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const pages: Array<[string, string]> = [
  ['start page', '/'],
  ['the directory', '/services?need=neglect'],
  ['a needs check outcome', '/needs-check/outcome?asker=dsl&danger=no&route=none&area=neglect&ind=neglect-often-without&age=5-to-12&disclosure=no&voice=too-young&family=not-asked&strength=none'],
  ['ask a question', '/ask'],
];

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-'));
  const server = await startServerProcess(defaultPackDir(), join(dir, 'bench.sqlite'));
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM_PATH,
    chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const lines = ['| page | performance | accessibility | largest contentful paint | total blocking time | goal | met |', '|---|---:|---:|---:|---:|---|---|'];
  try {
    for (const [name, path] of pages) {
      const result = await lighthouse(`${server.baseUrl}${path}`, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] });
      const lhr = result?.lhr;
      if (!lhr) throw new Error(`Lighthouse gave no result for ${path}`);
      const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
      const audit = (id: string) => lhr.audits[id]?.displayValue ?? '–';
      const [perf, a11y] = [score('performance'), score('accessibility')];
      lines.push(`| ${name} (\`${path.split('?')[0]!}\`) | ${perf} | ${a11y} | ${audit('largest-contentful-paint')} | ${audit('total-blocking-time')} | performance ≥ 95, accessibility 100 | ${perf >= 95 && a11y === 100 ? 'yes' : 'no'} |`);
    }
  } finally {
    await chrome.kill();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: 'Lighthouse (mobile defaults, Debian Chromium)', rows: [], table: lines.join('\n') };
}
