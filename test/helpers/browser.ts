/**
 * Browser tests run in Debian's Chromium through playwright-core, with axe (WCAG 2.2 AA tags).
 * Without Chromium they skip loudly, and only outside CI: in CI a missing browser is a failure.
 */
import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';

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

/** A fresh context (no cookies, no storage) with JavaScript on or off. */
export async function newContext(browser: Browser, javaScriptEnabled: boolean): Promise<BrowserContext> {
  return browser.newContext({ javaScriptEnabled, viewport: { width: 1024, height: 800 } });
}

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe on the page and fails with a readable list of violations. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/** Fails the test on any console error or CSP violation in the page. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}
