/**
 * Walks the needs check in a real browser, JavaScript on and off, with axe on every page, and counts
 * the pages between the start page and the outcome.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { collectPageErrors, describeBrowser, expectNoAxeViolations, useLiveApp, newContext } from '../helpers/browser.js';

interface Journey {
  name: string;
  /** the answers, page by page: radio/checkbox values to choose on each question page */
  steps: Array<{ check?: string[]; radios?: Record<string, string> }>;
  outcome: { kind: string; level?: string };
  /** pages after the start page before the outcome, at most */
  maxPages: number;
}

const context = { radios: { 'age-answer': '5-to-10', 'family-answer': 'not-told', 'disclosure-answer': 'no' } };
const journeys: Journey[] = [
  { name: 'emergency', steps: [{ radios: { answer: 'yes' } }], outcome: { kind: 'emergency' }, maxPages: 1 },
  { name: 'LADO', steps: [{ radios: { answer: 'no' } }, { check: ['lado'] }], outcome: { kind: 'route' }, maxPages: 3 },
  {
    name: 'lowest level (no additional needs)',
    steps: [{ radios: { answer: 'no' } }, { check: ['none'] }, { check: ['send'] }, { check: ['none'] }, context],
    outcome: { kind: 'level', level: 'universal' },
    maxPages: 6,
  },
  {
    name: 'early help',
    steps: [{ radios: { answer: 'no' } }, { check: ['none'] }, { check: ['emotional-wellbeing'] }, { check: ['ew-low-mood'] }, context],
    outcome: { kind: 'level', level: 'early-help' },
    maxPages: 6,
  },
  {
    name: 'social care (complex needs)',
    steps: [{ radios: { answer: 'no' } }, { check: ['none'] }, { check: ['neglect'] }, { check: ['neglect-often-without'] }, context],
    outcome: { kind: 'level', level: 'complex-needs' },
    maxPages: 6,
  },
  {
    name: 'child protection (acute)',
    steps: [{ radios: { answer: 'no' } }, { check: ['none'] }, { check: ['abuse'] }, { check: ['abuse-child-says-hurt'] }, { radios: { 'age-answer': '11-to-15', 'family-answer': 'unsafe-to-tell', 'disclosure-answer': 'yes' } }],
    outcome: { kind: 'level', level: 'acute' },
    maxPages: 6,
  },
];

describeBrowser('needs check in a browser', () => {
  const live = useLiveApp();

  async function continueOn(page: Page) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('[data-qa="continue"]').click()]);
  }

  for (const js of [false, true]) {
    for (const j of journeys) {
      it(`${j.name}, JavaScript ${js ? 'on' : 'off'}`, async () => {
        const ctx = await newContext(live.browser, js);
        const page = await ctx.newPage();
        const errors = collectPageErrors(page);
        try {
          await page.goto(`${live.server.baseUrl}/needs-check`);
          await expectNoAxeViolations(page);
          expect(await page.locator('[data-qa="privacy-line"]').count()).toBe(1);
          await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('[data-qa="start"]').click()]);

          const visited: string[] = [];
          for (const step of j.steps) {
            visited.push(new URL(page.url()).pathname);
            await expectNoAxeViolations(page);
            expect(await page.locator('[data-qa="privacy-line"]').count()).toBe(1);
            for (const [name, value] of Object.entries(step.radios ?? {})) await page.locator(`input[name="${name}"][value="${value}"]`).check();
            for (const value of step.check ?? []) await page.locator(`input[name="answer"][value="${value}"]`).check();
            await continueOn(page);
          }
          if (new URL(page.url()).pathname === '/needs-check/check-answers') {
            visited.push('/needs-check/check-answers');
            await expectNoAxeViolations(page);
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('[data-qa="see-outcome"]').click()]);
          }
          expect(new URL(page.url()).pathname).toBe('/needs-check/outcome');
          expect(visited.length, `pages: ${visited.join(' → ')}`).toBeLessThanOrEqual(j.maxPages);

          const outcome = page.locator('[data-qa="outcome"]');
          expect(await outcome.getAttribute('data-outcome-kind')).toBe(j.outcome.kind);
          if (j.outcome.level) expect(await outcome.getAttribute('data-level')).toBe(j.outcome.level);
          expect(await page.locator('[data-qa="steps"] li').count()).toBeGreaterThan(0);
          expect(await page.locator('[data-qa="steps"] a[href^="tel:"]').count()).toBeGreaterThan(0);
          await expectNoAxeViolations(page);

          const summary = await page.locator('[data-nc-summary]').inputValue();
          expect(summary).toContain('no names');
          if (js) {
            await page.locator('[data-qa="copy-button"]').click();
            await expect.poll(() => page.locator('[data-qa="copy-status"]').textContent()).toMatch(/copied|copy it/i);
          } else {
            expect(await page.locator('[data-qa="copy-button"]').count()).toBe(0);
          }
          expect(errors).toEqual([]);
        } finally {
          await ctx.close();
        }
      });
    }
  }

  it('shows the error summary when nothing is chosen, and Back returns to the previous question (JavaScript off)', async () => {
    const ctx = await newContext(live.browser, false);
    const page = await ctx.newPage();
    try {
      await page.goto(`${live.server.baseUrl}/needs-check/worries?danger=no&route=none`);
      await continueOn(page);
      await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
      await expectNoAxeViolations(page);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('.govuk-back-link').click()]);
      expect(new URL(page.url()).pathname).toBe('/needs-check/special-routes');
      expect(await page.locator('input[name="answer"][value="none"]').isChecked()).toBe(true);
    } finally {
      await ctx.close();
    }
  });

  it('a tampered link gives a page offering to start again', async () => {
    const ctx = await newContext(live.browser, true);
    const page = await ctx.newPage();
    try {
      const r = await page.goto(`${live.server.baseUrl}/needs-check/outcome?danger=no&route=%3Cscript%3E`);
      expect(r?.status()).toBe(400);
      await expectNoAxeViolations(page);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('link', { name: 'Start the needs check again' }).click()]);
      expect(new URL(page.url()).pathname).toBe('/needs-check');
    } finally {
      await ctx.close();
    }
  });
});
