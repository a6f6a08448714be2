/**
 * The editors' workspace in Chromium, JavaScript on and off: signing in with the form, every page an
 * admin reaches passing axe (WCAG 2.2 AA) with the emergency route shown, and signing out.
 */
import { expect, it } from 'vitest';
import { addUser, PASSWORD } from '../helpers/admin.js';
import { collectPageErrors, describeBrowser, expectNoAxeViolations, newContext, useLiveApp } from '../helpers/browser.js';

describeBrowser("the editors' workspace in Chromium", () => {
  const live = useLiveApp();

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';
    it(`signs in, every page passes axe and shows the emergency route, and signs out, ${mode}`, async () => {
      const email = `admin.${javaScriptEnabled ? 'on' : 'off'}@example.org`;
      await addUser(live.server.store, email, 'admin');
      const context = await newContext(live.browser, javaScriptEnabled);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const base = live.server.baseUrl;

      await page.goto(`${base}/admin/users`);
      expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
      await expectNoAxeViolations(page);
      // a failed attempt shows the error summary, which must pass too
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill('not the right password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.locator('.govuk-error-summary').isVisible()).resolves.toBe(true);
      await expectNoAxeViolations(page);

      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // back to the page asked for
      expect(new URL(page.url()).pathname).toBe('/admin/users');
      // something counted, so that the insights draw their charts and tables
      await page.goto(`${base}/services?q=purple+elephant`);
      await page.goto(`${base}/services/${live.server.content.pack().services[0]!.slug}`);
      for (const path of ['/admin/users', '/admin', '/admin/audit', '/admin/insights', '/admin/export']) {
        await page.goto(base + path);
        await expect(page.locator('[data-qa="signed-in"]').textContent()).resolves.toContain(email);
        await expect(page.locator('[data-qa="emergency"]').isVisible()).resolves.toBe(true);
        await expectNoAxeViolations(page);
      }
      // the insights' date form, sent with an impossible date: its error summary passes too
      await page.goto(`${base}/admin/insights`);
      await expect(page.locator('[data-qa="chart-service-views"] svg[role="img"]').isVisible()).resolves.toBe(true);
      await page.getByRole('group', { name: 'Start date' }).getByLabel('Day').fill('31');
      await page.getByRole('group', { name: 'Start date' }).getByLabel('Month').fill('2');
      await page.getByRole('button', { name: 'Show these dates' }).click();
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('The start date must be a real date');
      await expectNoAxeViolations(page);

      await page.goto(`${base}/admin/users`);
      await page.getByLabel('Email address').fill(`new.${email}`);
      await page.getByRole('radio', { name: 'Editor', exact: true }).check();
      await page.getByRole('button', { name: 'Add user' }).click();
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('The user was added.');
      await expectNoAxeViolations(page);

      await page.getByRole('button', { name: 'Sign out' }).click();
      expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('You have signed out');
      await page.goto(`${base}/admin`);
      expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
