/**
 * Browser tests run in Debian's Chromium through playwright-core, with axe (WCAG 2.2 AA tags).
 * Without Chromium they skip loudly, and only outside CI: in CI a missing browser is a failure.
 */
import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startTestServer, type TestApp } from './app.js';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

if (!chromiumAvailable && process.env['CI']) {
  throw new Error(`Browser tests need Chromium at ${CHROMIUM_PATH} in CI (apt-get install chromium).`);
}

/** describe() for browser tests: skips, with a loud warning, only when Chromium is absent outside CI. */
export const describeBrowser: typeof describe = (chromiumAvailable
  ? describe
  : ((name: string, ...rest: unknown[]) => {
      console.warn(`\n*** SKIPPING browser tests "${name}": no Chromium at ${CHROMIUM_PATH}. Install it (apt-get install chromium) to run them. ***\n`);
      return (describe.skip as (...a: unknown[]) => unknown)(name, ...rest);
    })) as typeof describe;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

const scriptlessContexts = new WeakSet<BrowserContext>();

/** A fresh context (no cookies, no storage) with JavaScript on or off, at a laptop's size unless given. */
export async function newContext(browser: Browser, javaScriptEnabled: boolean, viewport = { width: 1024, height: 800 }): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled, viewport });
  if (!javaScriptEnabled) scriptlessContexts.add(context);
  return context;
}

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe on the page and fails with a readable list of violations.
 *
 * axe runs as a script in the page, and hangs where scripts are off. For a JavaScript-off page we
 * take the DOM exactly as the script-less browser rendered it, strip its <script> elements, and serve
 * that same document (same URL, same stylesheets) to a scripted page in the same browser for axe.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  if (!scriptlessContexts.has(page.context())) return checkAxe(page, page.url());
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const url = page.url();
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser for the axe check');
  const context = await browser.newContext({ javaScriptEnabled: true, viewport: page.viewportSize() ?? undefined });
  try {
    const copy = await context.newPage();
    await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await copy.route('**/*.js', (route) => route.abort());
    await copy.goto(url);
    await checkAxe(copy, `${url} (JavaScript off)`);
  } finally {
    await context.close();
  }
}

async function checkAxe(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

/**
 * Collects script errors, CSP violations (console errors) and failed sub-resources (a missing
 * stylesheet, script or image). The page itself may be a 404 on purpose, so documents are not counted.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document' && res.request().resourceType() !== 'fetch') errors.push(`${res.status()} ${res.url()}`);
  });
  return errors;
}

export interface LiveApp {
  /** the app on a local port (set once the file's tests start) */
  server: TestApp & { baseUrl: string };
  /** one Chromium for the file's tests; each test opens its own fresh context */
  browser: Browser;
}

/** Starts the app on a port and a Chromium before a file's browser tests, and closes both after. */
export function useLiveApp(): LiveApp {
  const live = {} as LiveApp;
  beforeAll(async () => {
    live.server = await startTestServer();
    live.browser = await launchBrowser();
  });
  afterAll(async () => {
    await live.browser?.close();
    await live.server?.close();
  });
  return live;
}
