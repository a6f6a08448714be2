/**
 * Walks the needs check in a real browser, JavaScript on and off, with axe on every page, and counts
 * the pages between the start page and the outcome.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { collectPageErrors, describeBrowser, expectNoAxeViolations, useLiveApp, newContext } from '../helpers/browser.js';

interface Journey {
  name: string;
  asker: 'dsl' | 'staff';
  /** the answers, page by page: radio/checkbox values to choose on each question page */
  steps: Array<{ check?: string[]; checkNamed?: Record<string, string[]>; radios?: Record<string, string> }>;
  outcome: { kind: string; level?: string; firstAction: string };
  /** pages after the start page before the outcome, at most */
  maxPages: number;
}

const child = (age: string, disclosure = 'no', voice = 'too-young') => ({ radios: { 'age-answer': age, 'disclosure-answer': disclosure, 'voice-answer': voice } });
const family = (view: string, strengths: string[]) => ({ radios: { 'family-answer': view }, checkNamed: { 'strength-answer': strengths } });
const journeys: Journey[] = [
  { name: 'danger now', asker: 'staff', steps: [{ radios: { answer: 'yes' } }], outcome: { kind: 'emergency', firstAction: 'emergency-999' }, maxPages: 1 },
  { name: 'LADO', asker: 'dsl', steps: [{ radios: { answer: 'no' } }, { check: ['lado'] }], outcome: { kind: 'route', firstAction: 'lado' }, maxPages: 3 },
  {
    name: 'lowest level (no additional needs)',
    asker: 'dsl',
    steps: [{ radios: { answer: 'no' } }, { check: ['none'] }, { check: ['send'] }, { check: ['none'] }, child('5-to-12'), family('agrees', ['parents-engaged'])],
    outcome: { kind: 'level', level: 'universal', firstAction: 'school-support' },
    maxPages: 7,
  },
  {
    name: 'a need with engaged parents stays at early help, the need\u2019s own service first',
    asker: 'dsl',
    steps: [{ radios: { answer: 'no' } }, { check: ['none'] }, { check: ['housing-and-money'] }, { check: ['hm-temporary'] }, child('5-to-12'), family('agrees', ['parents-engaged', 'well-cared-for'])],
    outcome: { kind: 'level', level: 'early-help', firstAction: 'own-service' },
    maxPages: 7,
  },
  {
    name: 'social care (complex needs)',
    asker: 'dsl',
    steps: [{ radios: { answer: 'no' } }, { check: ['none'] }, { check: ['neglect'] }, { check: ['neglect-often-without'] }, child('5-to-12'), family('not-asked', ['none'])],
    outcome: { kind: 'level', level: 'complex-needs', firstAction: 'front-door-referral' },
    maxPages: 7,
  },
  {
    name: 'child protection (acute), asked by a teacher',
    asker: 'staff',
    steps: [{ radios: { answer: 'no' } }, { check: ['none'] }, { check: ['abuse'] }, { check: ['abuse-child-says-hurt'] }, child('13-to-15', 'yes', 'wants-help'), family('unsafe-to-tell', ['none'])],
    outcome: { kind: 'level', level: 'acute', firstAction: 'tell-dsl' },
    maxPages: 7,
  },
  {
    name: 'something else',
    asker: 'dsl',
    steps: [{ radios: { answer: 'no' } }, { check: ['none'] }, { check: ['something-else'] }, child('5-to-12'), family('not-sure', ['not-sure'])],
    outcome: { kind: 'consult', firstAction: 'front-door-consultation' },
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
          await page.locator(`input[name="answer"][value="${j.asker}"]`).check();
          await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('[data-qa="start"]').click()]);

          const visited: string[] = [];
          for (const step of j.steps) {
            visited.push(new URL(page.url()).pathname);
            await expectNoAxeViolations(page);
            expect(await page.locator('[data-qa="privacy-line"]').count(), page.url()).toBe(1);
            for (const [name, value] of Object.entries(step.radios ?? {})) await page.locator(`input[name="${name}"][value="${value}"]`).check();
            for (const value of step.check ?? []) await page.locator(`input[name="answer"][value="${value}"]`).check();
            for (const [name, values] of Object.entries(step.checkNamed ?? {})) for (const value of values) await page.locator(`input[name="${name}"][value="${value}"]`).check();
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
          expect(await outcome.getAttribute('data-first-action')).toBe(j.outcome.firstAction);
          expect(await page.locator('[data-qa="steps"] li').count()).toBeGreaterThan(0);
          expect(await page.locator('[data-qa="outcome"] a[href^="tel:"]').count()).toBeGreaterThan(0);
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
      await page.goto(`${live.server.baseUrl}/needs-check/worries?asker=dsl&danger=no&route=none`);
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

  it('on a phone (375 px) the first action and its phone link are on the first screen, and nothing covers the link', async () => {
    const ctx = await newContext(live.browser, true);
    const page = await ctx.newPage();
    try {
      await page.setViewportSize({ width: 375, height: 667 });
      // the DSL refers; another member of staff tells the DSL first, with the number for when they cannot be reached
      for (const asker of ['dsl', 'staff']) {
        await page.goto(`${live.server.baseUrl}/needs-check/outcome?asker=${asker}&danger=no&route=none&area=abuse&ind=abuse-child-says-hurt&age=5-to-12&disclosure=yes&voice=wants-help&family=not-asked&strength=none`);
        const link = page.locator('[data-qa="first-action"] a[href^="tel:"]').first();
        const box = await link.boundingBox();
        expect(box, asker).not.toBeNull();
        expect(box!.y + box!.height, asker).toBeLessThanOrEqual(667);
        const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('a')?.getAttribute('href') ?? null, [box!.x + box!.width / 2, box!.y + box!.height / 2]);
        expect(onTop).toBe(await link.getAttribute('href'));
        await expectNoAxeViolations(page);
      }
    } finally {
      await ctx.close();
    }
  });

  it('a tampered link gives a page offering to start again', async () => {
    const ctx = await newContext(live.browser, true);
    const page = await ctx.newPage();
    try {
      const r = await page.goto(`${live.server.baseUrl}/needs-check/outcome?asker=dsl&danger=no&route=%3Cscript%3E`);
      expect(r?.status()).toBe(400);
      await expectNoAxeViolations(page);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('link', { name: 'Start the needs check again' }).click()]);
      expect(new URL(page.url()).pathname).toBe('/needs-check');
    } finally {
      await ctx.close();
    }
  });
});
