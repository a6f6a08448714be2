import { expect, it } from 'vitest';
import { tools } from '../../src/web/app.js';
import { collectPageErrors, describeBrowser, expectNoAxeViolations, useLiveApp, newContext } from '../helpers/browser.js';

// the service's own pages, and the first page of every tool (each tool's tests cover the rest)
const PAGES = ['/', '/accessibility', '/privacy', '/sources', '/not-a-page', ...tools.map((t) => t.href)];

describeBrowser('foundation pages in Chromium', () => {
  const live = useLiveApp();

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';
    it(`every page passes axe (WCAG 2.2 AA) and shows the emergency route, ${mode}`, async () => {
      const context = await newContext(live.browser, javaScriptEnabled);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      for (const path of PAGES) {
        await page.goto(live.server.baseUrl + path);
        const emergency = page.locator('[data-qa="emergency"]');
        await expect(emergency.isVisible()).resolves.toBe(true);
        await expect(emergency.getByRole('link', { name: '999' }).getAttribute('href')).resolves.toBe('tel:999');
        await expectNoAxeViolations(page);
      }
      // a CSP violation or a script error shows up as a console error
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('with JavaScript on, govuk-frontend starts under the strict CSP', async () => {
    const context = await newContext(live.browser, true);
    const page = await context.newPage();
    await page.goto(live.server.baseUrl + '/');
    await expect(page.evaluate(() => document.body.classList.contains('govuk-frontend-supported'))).resolves.toBe(true);
    await context.close();
  });

  it('the skip link takes keyboard users to the main content', async () => {
    const context = await newContext(live.browser, true);
    const page = await context.newPage();
    await page.goto(live.server.baseUrl + '/');
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    await expect(focused.textContent()).resolves.toContain('Skip to main content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main-content');
    await context.close();
  });
});
