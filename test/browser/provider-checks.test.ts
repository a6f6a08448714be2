/**
 * Provider checks in Chromium, JavaScript on and off, every page passing axe (WCAG 2.2 AA): an editor
 * makes a link on the service's page and copies it (a button with JavaScript, selectable text
 * without); the provider, in a browser of their own, answers the question (with an error first),
 * proposes changes (with an error first) and is thanked; a second link is confirmed; a used and a
 * tampered link get their pages; the editor sees the used links with the provider's draft, and
 * cancels a link.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { addUser, PASSWORD } from '../helpers/admin.js';
import { collectPageErrors, describeBrowser, expectNoAxeViolations, newContext, useLiveApp } from '../helpers/browser.js';

describeBrowser('provider checks in Chromium', () => {
  const live = useLiveApp();

  const signInAs = async (page: Page, email: string, path: string) => {
    await page.goto(`${live.server.baseUrl}${path}`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe(path);
  };

  /** makes a link on the service's links page (open in `page`) and gives its address, copied as the editor would */
  const makeLink = async (page: Page, context: BrowserContext, javaScriptEnabled: boolean): Promise<string> => {
    await page.getByRole('button', { name: 'Make a new link' }).click();
    await expect(page.locator('[data-qa="link-made"]').textContent()).resolves.toContain('A new link was made');
    const newest = page.locator('.app-provider-link--new');
    const url = ((await newest.locator('[data-qa="link-url"]').textContent()) ?? '').trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/provider-check\/pc1\./);
    const copy = newest.getByRole('button', { name: 'Copy the link' });
    if (javaScriptEnabled) {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: live.server.baseUrl });
      await copy.click();
      // the clipboard answers a moment later
      await newest.locator('[role="status"]', { hasText: 'The link was copied' }).waitFor({ timeout: 5_000 });
      await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(url);
    } else {
      // no button without JavaScript: the link is plain text on the page, to select and copy
      await expect(copy.isVisible()).resolves.toBe(false);
      await expect(newest.locator('[data-qa="link-url"]').isVisible()).resolves.toBe(true);
    }
    return url;
  };

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';
    it(`an editor makes links, the provider proposes changes and confirms, every page passing axe, ${mode}`, async () => {
      const suffix = javaScriptEnabled ? 'on' : 'off';
      const email = `links.${suffix}@example.org`;
      await addUser(live.server.store, email, 'editor');
      const active = live.server.content.pack().services.filter((s) => s.status === 'active');
      const [proposed, confirmed] = javaScriptEnabled ? [active[2]!, active[3]!] : [active[4]!, active[5]!];
      const base = live.server.baseUrl;

      const editorContext = await newContext(live.browser, javaScriptEnabled);
      const page = await editorContext.newPage();
      const errors = collectPageErrors(page);
      await signInAs(page, email, `/admin/records/service/${proposed.slug}`);
      await page.getByRole('link', { name: /Ask the provider to check it/ }).click();
      expect(new URL(page.url()).pathname).toBe(`/admin/records/service/${proposed.slug}/provider-links`);
      await expectNoAxeViolations(page);
      const proposeUrl = await makeLink(page, editorContext, javaScriptEnabled);
      await expectNoAxeViolations(page);

      // the provider: a browser of their own, no account
      const providerContext = await newContext(live.browser, javaScriptEnabled);
      const provider = await providerContext.newPage();
      const providerErrors = collectPageErrors(provider);
      const first = await provider.goto(proposeUrl);
      expect(first?.status()).toBe(200);
      expect(first?.headers()['referrer-policy']).toBe('no-referrer');
      await expect(provider.locator('h1').textContent()).resolves.toBe(proposed.name);
      await expect(provider.locator('[data-qa="card"]').isVisible()).resolves.toBe(true);
      await expectNoAxeViolations(provider);
      await provider.getByRole('button', { name: 'Continue' }).click();
      await expect(provider.locator('.govuk-error-summary').textContent()).resolves.toContain('Select whether the details are still right');
      await expectNoAxeViolations(provider);
      await provider.getByRole('radio', { name: 'No, something needs changing' }).check();
      await provider.getByRole('button', { name: 'Continue' }).click();
      await expect(provider.locator('h1').textContent()).resolves.toBe('Propose changes');
      await expect(provider.locator('[data-qa="no-personal-data"]').textContent()).resolves.toContain('Do not write anything about a child');
      await expectNoAxeViolations(provider);
      // a mistake first
      await provider.locator('#card-canDo').fill('');
      await provider.getByRole('button', { name: 'Send the changes for review' }).click();
      await expect(provider.locator('.govuk-error-summary').textContent()).resolves.toContain('What the service can do');
      await expectNoAxeViolations(provider);
      await provider.locator('#card-canDo').fill(proposed.card.canDo.join('\n'));
      await provider.locator('#description').fill(`${proposed.description} Open on Saturdays from next term (${suffix}).`);
      await provider.getByRole('button', { name: 'Send the changes for review' }).click();
      await expect(provider.locator('[data-qa="provider-done"]').textContent()).resolves.toContain('Your changes were sent');
      await expectNoAxeViolations(provider);
      // used: its page says so
      const used = await provider.goto(proposeUrl);
      expect(used?.status()).toBe(410);
      await expect(provider.locator('h1').textContent()).resolves.toBe('This link has already been used');
      await expectNoAxeViolations(provider);
      const tampered = await provider.goto(proposeUrl.replace(`.${proposed.slug}.`, `.${confirmed.slug}.`));
      expect(tampered?.status()).toBe(400);
      await expect(provider.locator('h1').textContent()).resolves.toBe('This link is not valid');
      await expectNoAxeViolations(provider);

      // the editor sees the used link and the provider's draft
      await page.goto(`${base}/admin/records/service/${proposed.slug}/provider-links`);
      await expect(page.locator('[data-qa="used-links"]').textContent()).resolves.toContain('Proposed changes');
      await expectNoAxeViolations(page);
      await page.locator('[data-qa="used-links"]').getByRole('link', { name: 'their draft' }).click();
      await expect(page.locator('main').textContent()).resolves.toContain(`provider via link for ${proposed.name}`);
      await expectNoAxeViolations(page);

      // a second service: a link confirmed, another cancelled
      await page.goto(`${base}/admin/records/service/${confirmed.slug}/provider-links`);
      const confirmUrl = await makeLink(page, editorContext, javaScriptEnabled);
      await makeLink(page, editorContext, javaScriptEnabled);
      await page.locator('.app-provider-link--new').getByRole('button', { name: 'Cancel this link' }).click();
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('The link was cancelled');
      await expectNoAxeViolations(page);
      await provider.goto(confirmUrl);
      await provider.getByRole('radio', { name: 'Yes, they are all still right' }).check();
      await provider.getByRole('button', { name: 'Continue' }).click();
      await expect(provider.locator('[data-qa="provider-done"]').textContent()).resolves.toContain('You confirmed the service’s details');
      await expectNoAxeViolations(provider);
      await page.goto(`${base}/admin/provider-checks`);
      await expect(page.locator('[data-qa="overview-used"]').textContent()).resolves.toContain(confirmed.name);
      await expectNoAxeViolations(page);

      expect(errors).toEqual([]);
      expect(providerErrors).toEqual([]);
      await editorContext.close();
      await providerContext.close();
    });
  }
});
