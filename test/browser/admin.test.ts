/**
 * The editors' workspace in Chromium, JavaScript on and off: signing in with the form, every page an
 * admin reaches passing axe (WCAG 2.2 AA) with the emergency route shown, and signing out; and an
 * edit from the records list to the public page: an editor's draft (with its errors, preview and
 * submit) approved by a reviewer, every page on the way passing axe; keeping the guidance fresh: the
 * dashboard, a report marked as dealt with, a question turned into an FAQ draft, and a draft withdrawn.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { ChatRepository } from '../../src/chat/repository.js';
import { ReportRepository } from '../../src/directory/reports.js';
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

  const signInAs = async (page: Page, email: string, path: string) => {
    await page.goto(`${live.server.baseUrl}${path}`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe(path.split('?')[0]);
  };

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';
    it(`edits a service, submits it, and a reviewer publishes it, every page passing axe, ${mode}`, async () => {
      const suffix = javaScriptEnabled ? 'on' : 'off';
      const editorEmail = `editor.${suffix}@example.org`;
      const reviewerEmail = `reviewer.${suffix}@example.org`;
      await addUser(live.server.store, editorEmail, 'editor');
      await addUser(live.server.store, reviewerEmail, 'reviewer');
      const base = live.server.baseUrl;
      const services = live.server.content.pack().services.filter((s) => s.status === 'active' && s.phones.length === 1);
      const s = services[javaScriptEnabled ? 0 : 1]!;
      const newPhone = javaScriptEnabled ? '020 7946 0111' : '020 7946 0222';

      const editorContext = await newContext(live.browser, javaScriptEnabled);
      const page = await editorContext.newPage();
      const errors = collectPageErrors(page);
      await signInAs(page, editorEmail, '/admin/records?type=service');
      await expectNoAxeViolations(page);
      await page.getByLabel('Search services').fill(s.name);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: s.name, exact: true }).click();
      await expectNoAxeViolations(page);
      await page.getByRole('link', { name: 'Edit this service' }).click();
      await expectNoAxeViolations(page);
      // a mistake first: the error summary and the field's error must pass too
      await page.locator('#phones-0-number').fill('call us');
      await page.getByRole('button', { name: 'Save draft' }).click();
      await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('must be a phone number');
      await expectNoAxeViolations(page);
      await page.locator('#phones-0-number').fill(newPhone);
      await page.getByRole('button', { name: 'Save draft' }).click();
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Your draft was saved');
      await expectNoAxeViolations(page);
      const draftUrl = page.url().split('?')[0]!;
      await page.getByRole('link', { name: 'Preview the draft as staff would see it' }).click();
      await expect(page.locator('[data-qa="preview-banner"]').textContent()).resolves.toContain('Preview – not published');
      await expectNoAxeViolations(page);
      await page.goto(draftUrl);
      await page.getByRole('button', { name: 'Submit for review' }).click();
      await expectNoAxeViolations(page);
      await page.goto(`${base}/admin/drafts`);
      await expectNoAxeViolations(page);

      const reviewerContext = await newContext(live.browser, javaScriptEnabled);
      const review = await reviewerContext.newPage();
      const reviewErrors = collectPageErrors(review);
      await signInAs(review, reviewerEmail, '/admin/drafts');
      await expectNoAxeViolations(review);
      await review.goto(draftUrl);
      await expectNoAxeViolations(review);
      await review.getByRole('button', { name: 'Approve and publish' }).click();
      await expect(review.locator('.govuk-notification-banner').textContent()).resolves.toContain('approved and published');
      await review.goto(`${base}/admin/records/service/${s.slug}/history`);
      await expectNoAxeViolations(review);
      await review.goto(`${base}/services/${s.slug}`);
      await expect(review.locator('main').textContent()).resolves.toContain(newPhone);

      expect(errors).toEqual([]);
      expect(reviewErrors).toEqual([]);
      await editorContext.close();
      await reviewerContext.close();
    });
  }

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';
    it(`keeps the guidance fresh: dashboard, reports, questions into an FAQ draft, and withdrawing it, every page passing axe, ${mode}`, async () => {
      const suffix = javaScriptEnabled ? 'on' : 'off';
      const email = `fresh.${suffix}@example.org`;
      await addUser(live.server.store, email, 'editor');
      const slug = live.server.content.pack().services[0]!.slug;
      await new ReportRepository(live.server.store.db).add(slug, 'wrong-contact', `the number rings out ${suffix}`);
      await new ChatRepository(live.server.store).recordUnanswered(`where is the trampoline club ${suffix}`);
      const context = await newContext(live.browser, javaScriptEnabled);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await signInAs(page, email, '/admin');
      await page.getByRole('link', { name: 'Keeping the guidance fresh' }).click();
      expect(new URL(page.url()).pathname).toBe('/admin/fresh');
      await expectNoAxeViolations(page);

      await page.getByRole('link', { name: 'Read the reports' }).click();
      await expectNoAxeViolations(page);
      await page.locator('tr', { hasText: `the number rings out ${suffix}` }).getByRole('button', { name: /Mark as dealt with/ }).click();
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('marked as dealt with');
      await expect(page.locator('main').textContent()).resolves.not.toContain(`the number rings out ${suffix}`);
      await expectNoAxeViolations(page);

      await page.goto(`${live.server.baseUrl}/admin/questions`);
      await expectNoAxeViolations(page);
      await page.locator('tr', { hasText: `trampoline club ${suffix}` }).getByRole('button', { name: /Turn this into an FAQ draft/ }).click();
      expect(new URL(page.url()).pathname).toMatch(/^\/admin\/drafts\/\d+\/edit$/);
      await expect(page.getByLabel('Question', { exact: true }).inputValue()).resolves.toContain('trampoline club');
      await expectNoAxeViolations(page);
      await page.goto(page.url().replace(/\/edit$/, ''));
      await page.getByRole('button', { name: 'Withdraw draft' }).click();
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('The draft was withdrawn');
      await expectNoAxeViolations(page);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
