/**
 * Every page type at the widths staff use (a small phone, a phone, a tablet, a laptop), with
 * JavaScript on and off: no sideways scrolling, the emergency route in view without scrolling, and
 * (at the smallest and largest widths) axe clean. The needs check's first action is on the first screen
 * of a phone, and the directory's first result is not three screens down.
 */
import { expect, it } from 'vitest';
import { describeBrowser, expectNoAxeViolations, newContext, useLiveApp } from '../helpers/browser.js';

const OUTCOME = '/needs-check/outcome?asker=dsl&danger=no&route=none&area=neglect&ind=neglect-often-without&age=5-to-12&disclosure=no&voice=too-young&family=not-asked&strength=none';
const PAGES = ['/', '/needs-check', '/needs-check/worries?asker=dsl&danger=no&route=none', OUTCOME, '/services', '/services?need=neglect&q=food', '/services/kooth', '/services/kooth/card', '/ask', '/privacy', '/embed', '/needs-check?embed=1'];
const WIDTHS = [320, 375, 768, 1280];

describeBrowser('pages at phone, tablet and laptop widths', () => {
  const live = useLiveApp();

  for (const javaScriptEnabled of [true, false]) {
    it(`no page scrolls sideways, and the emergency route shows on the first screen, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
      for (const width of WIDTHS) {
        const context = await newContext(live.browser, javaScriptEnabled, { width, height: 640 });
        const page = await context.newPage();
        for (const path of PAGES) {
          await page.goto(live.server.baseUrl + path);
          const fit = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
          expect(fit.scroll, `${path} at ${width}px`).toBeLessThanOrEqual(fit.inner);
          const emergency = await page.locator('[data-qa="emergency"]').boundingBox();
          expect(emergency, path).not.toBeNull();
          expect(emergency!.y + emergency!.height, `${path} at ${width}px: the emergency route on the first screen`).toBeLessThanOrEqual(640);
          if (width === 320 || width === 1280) await expectNoAxeViolations(page);
        }
        await context.close();
      }
    }, 240_000);
  }

  it('on a phone, the needs check outcome\u2019s first action is on the first screen', async () => {
    const context = await live.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(live.server.baseUrl + OUTCOME);
    const first = await page.locator('[data-qa="first-action"]').boundingBox();
    expect(first).not.toBeNull();
    expect(first!.y).toBeLessThan(640);
    await context.close();
  });

  it('on a phone with JavaScript, the directory\u2019s filters sit behind a "Filter" button with each applied filter removable, and the first result is on the first screens', async () => {
    const context = await live.browser.newContext({ viewport: { width: 375, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${live.server.baseUrl}/services?need=neglect&free=yes`);
    const toggle = page.locator('[data-qa="filter-toggle"]');
    await expect(toggle.textContent()).resolves.toBe('Filter (2 applied)');
    await expect(page.locator('#directory-filter-panel').isHidden()).resolves.toBe(true);
    const first = await page.locator('#directory-results .app-result').first().boundingBox();
    expect(first!.y, 'the first result within two screens').toBeLessThan(2 * 640);
    // open the filters, then take one off from the summary: the results and the address follow
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(page.locator('#need').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: /Remove filter: Free only/ }).click();
    await page.waitForURL((url) => !url.search.includes('free=yes'));
    await expect(toggle.textContent()).resolves.toBe('Hide filters (1 applied)');
    await expectNoAxeViolations(page);
    // a laptop shows the whole form, without the button
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(page.locator('#directory-filter-panel').isVisible()).resolves.toBe(true);
    await expect(toggle.isVisible()).resolves.toBe(false);
    await context.close();
  });
});
