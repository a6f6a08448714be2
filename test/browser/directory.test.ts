/**
 * The directory, a service page, its card, the report form and the shortlist in a real
 * browser, with axe on every page, JavaScript off and on; and live filtering with JavaScript on.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestApp } from '../helpers/app.js';
import { collectPageErrors, describeBrowser, expectNoAxeViolations, launchBrowser, newContext } from '../helpers/browser.js';

let server: TestApp & { baseUrl: string };
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** pages in a PDF made by Chromium */
const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;

async function open(js: boolean): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await newContext(browser, js);
  const page = await context.newPage();
  return { page, errors: collectPageErrors(page), close: () => context.close() };
}

for (const js of [false, true]) {
  describeBrowser(`Find services (the directory), JavaScript ${js ? 'on' : 'off'}`, () => {
    it('filters by need and level from the form, and shows no results helpfully', async () => {
      const { page, errors, close } = await open(js);
      try {
        await page.goto(`${server.baseUrl}/services`);
        await expectNoAxeViolations(page);
        await page.selectOption('#need', 'housing-and-money');
        await page.selectOption('#level', 'early-help');
        if (!js) await page.click('[data-qa="apply-filters"]');
        await page.waitForURL(/need=housing-and-money.*level=early-help/);
        await expect.poll(() => page.locator('[data-qa="result"]').count()).toBeGreaterThan(0);
        expect(await page.locator('[data-qa="result"]').count()).toBeLessThan(20);
        await expectNoAxeViolations(page);

        await page.goto(`${server.baseUrl}/services?q=zzqqxx&level=acute`);
        await expect.poll(() => page.locator('[data-qa="no-results"]').isVisible()).toBe(true);
        expect(await page.locator('[data-qa="loosen"] a').count()).toBe(1);
        await expectNoAxeViolations(page);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });

    it('shows a service with its card, and the card alone', async () => {
      const { page, errors, close } = await open(js);
      try {
        await page.goto(`${server.baseUrl}/services/lado-allegations-against-staff`);
        await expect.poll(() => page.locator('[data-qa="unverified-note"]').isVisible()).toBe(true);
        expect(await page.getByRole('heading', { name: 'What they cannot do' }).count()).toBe(1);
        await expectNoAxeViolations(page);
        await page.click('text=Open the card on its own, to print');
        await page.waitForURL(/\/card$/);
        expect(await page.locator('[data-qa="card"]').count()).toBe(1);
        await expectNoAxeViolations(page);
        // the print button exists only where it works
        expect(await page.locator('[data-print]').isVisible()).toBe(js);
        await page.emulateMedia({ media: 'print' });
        expect(await page.locator('.govuk-header').isVisible()).toBe(false);
        // one of the longest cards in the pack still prints on one A4 page
        expect(pdfPages(await page.pdf({ preferCSSPageSize: true }))).toBe(1);

        await page.emulateMedia({ media: null });
        await page.goto(`${server.baseUrl}/services/cards?need=domestic-abuse`);
        const cards = await page.locator('[data-qa="pack-card"]').count();
        expect(cards).toBeGreaterThan(1);
        await expectNoAxeViolations(page);
        expect(pdfPages(await page.pdf({ preferCSSPageSize: true }))).toBe(cards);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });

    it('reports something wrong, with errors first and a thank-you page', async () => {
      const { page, errors, close } = await open(js);
      try {
        await page.goto(`${server.baseUrl}/services/kooth`);
        await page.click('summary:has-text("Report something wrong with this page")');
        await expectNoAxeViolations(page);
        // sent without a reason: the form's own page with the error
        await page.click('[data-qa="report"] button:has-text("Send report")');
        await page.waitForURL(/\/report$/);
        await expect.poll(() => page.locator('.govuk-error-summary').isVisible()).toBe(true);
        expect(await page.title()).toMatch(/^Error: /);
        await expectNoAxeViolations(page);
        await page.check('input[value="out-of-date"]');
        await page.fill('#details', 'The opening times changed last month.');
        await page.click('button:has-text("Send report")');
        await page.waitForURL(/\/report\/thank-you$/);
        expect(await page.locator('h1').textContent()).toContain('Report sent');
        await expectNoAxeViolations(page);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });

    it('adds a service to the shortlist, then views and copies the list', async () => {
      const { page, errors, close } = await open(js);
      try {
        await page.goto(`${server.baseUrl}/services/childline`);
        await page.click('button:has-text("Add to shortlist")');
        await expect.poll(() => page.locator('button:has-text("Remove from shortlist")').count()).toBe(1);
        if (js) expect(await page.locator('#app-shortlist-status').textContent()).toContain('Added to your shortlist');
        await page.goto(`${server.baseUrl}/services/shortlist`);
        expect(await page.locator('[data-qa="shortlist"] a[href="/services/childline"]').count()).toBe(1);
        expect(await page.inputValue('[data-qa="shortlist-text"]')).toContain('Childline');
        expect(await page.locator('[data-copy]').isVisible()).toBe(js);
        await expectNoAxeViolations(page);
        await page.click('button:has-text("Remove")');
        await expect.poll(() => page.locator('[data-qa="empty"]').isVisible()).toBe(true);
        await expectNoAxeViolations(page);
        // from a page of results: the second result's button adds that service, and the page stays on the search
        await page.goto(`${server.baseUrl}/services?q=food`);
        const second = page.locator('[data-qa="result"]').nth(1);
        const slug = await second.getAttribute('data-slug');
        await second.locator('button:has-text("Add to shortlist")').click();
        await expect.poll(() => second.locator('button:has-text("Remove from shortlist")').count()).toBe(1);
        expect(new URL(page.url()).search).toBe('?q=food');
        expect(await page.locator('[data-qa="result"] button:has-text("Remove from shortlist")').count()).toBe(1);
        if (js) expect(await page.locator('#app-shortlist-status').textContent()).toContain('It has 1 service');
        await expectNoAxeViolations(page);
        await page.goto(`${server.baseUrl}/services/shortlist`);
        expect(await page.locator(`[data-qa="shortlist"] a[href="/services/${slug}"]`).count()).toBe(1);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });
  });
}

describeBrowser('live filtering, JavaScript on', () => {
  it('updates the results in place, keeps the address and announces the count', async () => {
    const { page, errors, close } = await open(true);
    try {
      await page.goto(`${server.baseUrl}/services`);
      // a marker that a full page load would wipe out
      await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
      const before = await page.locator('[data-qa="results-heading"]').textContent();
      await page.check('#route-front-door');
      await page.waitForURL(/route=front-door/);
      await expect.poll(() => page.locator('[data-qa="results-heading"]').textContent()).not.toBe(before);
      expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
      const heading = (await page.locator('[data-qa="results-heading"]').textContent()) ?? '';
      await expect.poll(() => page.locator('[data-qa="live-status"]').textContent()).toContain(heading.trim());
      // the counts beside the other options follow the new results
      const freeCount = await page.locator('#count-free').textContent();
      const fresh = await (await fetch(`${server.baseUrl}/services?route=front-door`)).text();
      expect(fresh).toContain(`id="count-free">${freeCount}<`);
      await page.goBack();
      await expect.poll(() => page.locator('[data-qa="results-heading"]').textContent()).toBe(before);
      expect(await page.isChecked('#route-front-door')).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('adds a service once when its button is pressed twice quickly, and shows the true state', async () => {
    const { page, errors, close } = await open(true);
    try {
      await page.goto(`${server.baseUrl}/services?q=food`);
      const third = page.locator('[data-qa="result"]').nth(2);
      const slug = await third.getAttribute('data-slug');
      await third.locator('button').dblclick();
      await expect.poll(() => page.locator('#app-shortlist-status').textContent()).toContain('Added to your shortlist. It has 1 service.');
      expect(await third.locator('button').textContent()).toContain('Remove from shortlist');
      await page.goto(`${server.baseUrl}/services/shortlist`);
      expect(await page.locator('[data-qa="shortlist"] li').count()).toBe(1);
      expect(await page.locator(`[data-qa="shortlist"] a[href="/services/${slug}"]`).count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('keeps the message about the address true as filters change, and makes one history step for words typed in one go', async () => {
    const { page, errors, close } = await open(true);
    try {
      await page.goto(`${server.baseUrl}/services?need=no-such-area`);
      await expect.poll(() => page.locator('[data-qa="notices"]').count()).toBe(1);
      await page.selectOption('#need', 'neglect');
      await page.waitForURL(/need=neglect/);
      await expect.poll(() => page.locator('[data-qa="notices"]').count()).toBe(0);
      // an age out of range is not used, and now the page says so
      await page.fill('#age', '30');
      await expect.poll(() => page.locator('[data-qa="notices"]').textContent()).toMatch(/age/i);

      await page.goto(`${server.baseUrl}/services`);
      const steps = await page.evaluate(() => history.length);
      for (const word of ['c', 'ca', 'cam', 'camh', 'camhs']) {
        await page.fill('#q', word);
        await page.waitForURL(new RegExp(`q=${word}(&|$)`));
      }
      expect(await page.evaluate(() => history.length)).toBe(steps + 1);
      await page.goBack();
      await page.waitForURL((url) => !url.search.includes('q='));
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
