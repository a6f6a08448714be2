/**
 * Page weight: every page type loaded in Chromium (Debian's, at CHROMIUM_PATH or /usr/bin/chromium)
 * from the built app, counting every request the page makes (HTML, CSS, JS, fonts, images, icons) and
 * the bytes each brought over the wire (compressed body, as Chromium reports it; headers left out).
 * The browser asks for brotli and gzip, as it does over HTTPS.
 *
 * First load: a fresh browser profile. Repeat visit: what the first load fetched that was not sent
 * `immutable` (the page itself, and any asset without its fingerprint), counted at its full size as
 * if its cache had expired. Goals (issue 15): the start page's first load under 100 KB, every page's
 * under 150 KB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { defaultPackDir } from '../src/content/pack-dir.js';
import { startServerProcess } from './lib.js';
import type { BenchSection } from './run.js';

const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const KB = 1024;
const START_GOAL = 100 * KB;
const PAGE_GOAL = 150 * KB;

const pageTypes = (slug: string): Array<[string, string]> => [
  ['start page', '/'],
  ['needs check start', '/needs-check'],
  ['a question', '/needs-check/worries?asker=dsl&danger=no&route=none'],
  ['an outcome', '/needs-check/outcome?asker=dsl&danger=no&route=none&area=neglect&ind=neglect-often-without&age=5-to-12&disclosure=no&voice=too-young&family=not-asked&strength=none'],
  ['the directory', '/services'],
  ['a service page', `/services/${slug}`],
  ['a card', `/services/${slug}/card`],
  ['ask a question', '/ask'],
  ['API root', '/api/v1/'],
];

interface Fetched {
  url: string;
  bytes: number;
  immutable: boolean;
  encoding: string;
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

export async function run(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-'));
  const server = await startServerProcess(defaultPackDir(), join(dir, 'bench.sqlite'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const lines = [
    '| page | first load: requests | first load: bytes | repeat visit: requests | repeat visit: bytes | goal | met |',
    '|---|---|---|---|---|---|---|',
  ];
  const detail: string[] = [];
  try {
    for (const [name, path] of pageTypes('kooth')) {
      const context = await browser.newContext({ extraHTTPHeaders: { 'accept-encoding': 'br, gzip' } });
      const page = await context.newPage();
      const fetched: Fetched[] = [];
      page.on('requestfinished', (request) => {
        void (async () => {
          const response = await request.response();
          const sizes = await request.sizes();
          const headers = response ? await response.allHeaders() : {};
          fetched.push({ url: request.url(), bytes: sizes.responseBodySize, immutable: /\bimmutable\b/.test(headers['cache-control'] ?? ''), encoding: headers['content-encoding'] ?? 'none' });
        })();
      });
      await page.goto(`${server.baseUrl}${path}`, { waitUntil: 'networkidle' });
      await page.waitForTimeout(200);
      await context.close();
      const total = fetched.reduce((n, f) => n + f.bytes, 0);
      const repeat = fetched.filter((f) => !f.immutable);
      const repeatBytes = repeat.reduce((n, f) => n + f.bytes, 0);
      const goal = path === '/' ? START_GOAL : PAGE_GOAL;
      lines.push(`| ${name} (\`${path.split('?')[0]!}\`) | ${fetched.length} | ${kb(total)} | ${repeat.length} | ${kb(repeatBytes)} | < ${goal / KB} KB | ${total < goal ? 'yes' : 'no'} |`);
      if (path === '/') {
        for (const f of fetched.sort((a, b) => b.bytes - a.bytes)) detail.push(`| ${new URL(f.url).pathname} | ${f.encoding} | ${kb(f.bytes)} | ${f.immutable ? 'immutable' : 'fetched again'} |`);
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const table = [...lines, '', 'Start page, request by request:', '', '| request | encoding | bytes | cache |', '|---|---|---|---|', ...detail].join('\n');
  return { title: 'Page weight: compressed bytes and requests per page type (Chromium, first load and repeat visit)', rows: [], table };
}
