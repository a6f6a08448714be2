import { expect, it } from 'vitest';
import { collectPageErrors, describeBrowser, expectNoAxeViolations, useLiveApp, newContext } from '../helpers/browser.js';

describeBrowser('chat bot in Chromium', () => {
  const live = useLiveApp();

  it('/ask works without JavaScript: a question posts, the answer shows, a follow-up keeps the subject', async () => {
    const context = await newContext(live.browser, false);
    const page = await context.newPage();
    await page.goto(`${live.server.baseUrl}/ask`);
    await expect(page.locator('[data-qa="privacy-line"]').textContent()).resolves.toContain('Do not type names');
    await expectNoAxeViolations(page);

    await page.getByLabel('Your question').fill('whats kooth');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect(page.locator('[data-qa="answer"]').first().textContent()).resolves.toContain('Kooth');
    await expectNoAxeViolations(page);

    await page.getByLabel('Ask another question').fill('how do i refer to them');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect(page.locator('[data-qa="answer"]').last().textContent()).resolves.toContain('How to refer to Kooth');
    await expect(page.locator('[data-qa="answer"]').count()).resolves.toBe(2);
    // the page opens at the new answer, not at the empty question box below it, so it is read first
    await expect(page.evaluate(() => document.querySelector(':target')?.querySelector('[data-qa="answer"]')?.textContent ?? '')).resolves.toContain('How to refer to Kooth');

    await page.getByRole('button', { name: 'Yes' }).click();
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Thank you');
    await expectNoAxeViolations(page);

    await page.getByLabel('Ask another question').fill('');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Enter your question');
    // a refused question adds no answer to open at: the page stays at the top, on the error summary
    await expect(page.evaluate(() => document.querySelector(':target'))).resolves.toBeNull();
    await expectNoAxeViolations(page);
    await context.close();
  });

  it('/ask with JavaScript on: suggestion buttons answer, danger comes first, no script errors', async () => {
    const context = await newContext(live.browser, true);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${live.server.baseUrl}/ask`);
    await page.getByLabel('Your question').fill('consent');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect(page.locator('[data-qa="answer"]').getAttribute('data-band')).resolves.toBe('clarify');
    await expectNoAxeViolations(page);
    await page.locator('.app-chat-suggestion').first().click();
    await expect(page.locator('[data-qa="answer"]').last().getAttribute('data-band')).resolves.toBe('answer');

    await page.getByLabel('Ask another question').fill('child being hit right now in the playground');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect(page.locator('[data-qa="answer"] p').last().textContent()).resolves.toBeTruthy();
    const danger = page.locator('.app-chat-turn__answer--danger p').first();
    await expect(danger.textContent()).resolves.toMatch(/^If a child is in immediate danger, call 999/);
    await expectNoAxeViolations(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens from the navigation\u2019s link, so nothing floats over the page at 320, 375, 768 or 1280 px; on a phone it shows the start of each answer', async () => {
    for (const width of [320, 375, 768, 1280]) {
      const ctx = await live.browser.newContext({ viewport: { width, height: 700 } });
      try {
        const page = await ctx.newPage();
        await page.goto(`${live.server.baseUrl}/services?q=food`);
        const launcher = page.locator('[data-qa="chat-launcher"]');
        await launcher.waitFor({ state: 'attached' });
        // the launcher is the navigation's own link to the chat page, and nothing is fixed over the page
        await expect(launcher.getAttribute('href')).resolves.toBe('/ask');
        const fixed = await page.evaluate(() =>
          [...document.querySelectorAll('body *')].filter((e) => {
            const style = getComputedStyle(e);
            return (style.position === 'fixed' || style.position === 'sticky') && style.display !== 'none' && e.getBoundingClientRect().height > 0;
          }).length,
        );
        expect(fixed, `${width}px`).toBe(0);
        if (width > 375) continue;
        // on a phone: the panel opens across the width, and a long answer is shown from its start
        if (!(await launcher.isVisible())) await page.locator('.govuk-service-navigation__toggle').click();
        await launcher.click();
        const panel = page.locator('#app-chat-panel');
        const box = (await panel.boundingBox())!;
        expect(box.x, `${width}px`).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, `${width}px`).toBeLessThanOrEqual(width);
        await page.locator('#app-chat-panel-input').fill('what should i do if a child tells me they are being abused at home');
        await page.keyboard.press('Enter');
        await page.locator('[data-qa="chat-reply"]').first().waitFor();
        const seen = await page.evaluate(() => {
          const log = document.querySelector('#app-chat-panel [role="log"]')!;
          const question = log.querySelector('.app-chat-panel__question')!;
          const l = log.getBoundingClientRect();
          const q = question.getBoundingClientRect();
          return q.top >= l.top - 1 && q.top < l.bottom;
        });
        expect(seen, `${width}px: the question and the start of its answer are in view`).toBe(true);
      } finally {
        await ctx.close();
      }
    }
  });

  it('the panel opens from another page with the keyboard only: open, type, Enter, reply announced, Escape closes', async () => {
    const context = await newContext(live.browser, true);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${live.server.baseUrl}/`);
    const launcher = page.locator('[data-qa="chat-launcher"]');
    await expect(launcher.isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page);

    await launcher.focus();
    await page.keyboard.press('Enter');
    await expect(launcher.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('app-chat-panel-input');
    await expectNoAxeViolations(page);

    await page.keyboard.type('whats kooth');
    await page.keyboard.press('Enter');
    const reply = page.locator('[data-qa="chat-reply"]').first();
    await reply.waitFor();
    await expect(reply.textContent()).resolves.toContain('Kooth');
    // replies are added inside the live region, so screen readers announce them
    await expect(page.locator('#app-chat-panel [role="log"]').getAttribute('aria-live')).resolves.toBe('polite');
    await expect(page.locator('#app-chat-panel [role="log"] [data-qa="chat-reply"]').count()).resolves.toBe(1);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('app-chat-panel-input');

    // the follow-up uses the context the panel holds
    await page.keyboard.type('how do i refer to them');
    await page.keyboard.press('Enter');
    await page.locator('[data-qa="chat-reply"]').nth(1).waitFor();
    await expect(page.locator('[data-qa="chat-reply"]').nth(1).textContent()).resolves.toContain('How to refer to Kooth');
    await expect(page.getByRole('button', { name: 'Yes, this answer was helpful' }).count()).resolves.toBe(2);
    await expectNoAxeViolations(page);

    // a worry, then a general follow-up: the panel's context carries the worry to its services
    await page.keyboard.type('year 4 keeps coming in hungry and his uniform is filthy');
    await page.keyboard.press('Enter');
    await page.locator('[data-qa="chat-reply"]').nth(2).waitFor();
    await page.keyboard.type('what level would that be?');
    await page.keyboard.press('Enter');
    const level = page.locator('[data-qa="chat-reply"]').nth(3);
    await level.waitFor();
    await expect(level.locator('a[href^="/services?need="]').count()).resolves.toBeGreaterThan(0);
    await expect(level.locator('a[href^="/needs-check?worry="]').count()).resolves.toBeGreaterThan(0);

    await page.keyboard.press('Escape');
    await expect(page.locator('#app-chat-panel').isHidden()).resolves.toBe(true);
    await expect(launcher.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-qa'))).resolves.toBe('chat-launcher');
    await expectNoAxeViolations(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the panel shows the emergency guidance first and renders hostile text as text', async () => {
    const context = await newContext(live.browser, true);
    const page = await context.newPage();
    await page.goto(`${live.server.baseUrl}/`);
    await page.locator('[data-qa="chat-launcher"]').click();
    await page.locator('#app-chat-panel-input').fill('<img src=x onerror="document.title=1"> boy has a knife in his bag');
    await page.keyboard.press('Enter');
    const reply = page.locator('[data-qa="chat-reply"]').first();
    await reply.waitFor();
    await expect(reply.locator('p').first().textContent()).resolves.toMatch(/^If a child is in immediate danger, call 999/);
    // the phone number in the reply's text is a tel: link, built as a DOM node, not parsed HTML
    await expect(reply.locator('p').first().locator('a[href="tel:999"]').first().textContent()).resolves.toBe('999');
    await expect(page.locator('#app-chat-panel img').count()).resolves.toBe(0);
    await expect(page.title()).resolves.not.toBe('1');
    await context.close();
  });
  it('a child afraid to go home gets the same-day call first, not 999, on /ask without JavaScript and in the panel with it', async () => {
    const message = 'y9 says her stepdad hits her and she is scared to go home tonight';
    const off = await newContext(live.browser, false);
    const page = await off.newPage();
    await page.goto(`${live.server.baseUrl}/ask`);
    await page.getByLabel('Your question').fill(message);
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const answer = page.locator('.app-chat-turn__answer--same-day');
    await expect(answer.count()).resolves.toBe(1);
    await expect(page.locator('.app-chat-turn__answer--danger').count()).resolves.toBe(0);
    await expect(answer.locator('p').first().textContent()).resolves.toMatch(/^Call the .+ today, before the child goes home/);
    await expectNoAxeViolations(page);
    await off.close();

    const on = await newContext(live.browser, true);
    const panel = await on.newPage();
    const errors = collectPageErrors(panel);
    await panel.goto(`${live.server.baseUrl}/`);
    await panel.locator('[data-qa="chat-launcher"]').click();
    await panel.locator('#app-chat-panel-input').fill(message);
    await panel.keyboard.press('Enter');
    const reply = panel.locator('[data-qa="chat-reply"]').first();
    await reply.waitFor();
    await expect(reply.getAttribute('class')).resolves.toContain('app-chat-panel__reply--same-day');
    await expect(reply.locator('p').first().textContent()).resolves.toMatch(/^Call the .+ today, before the child goes home/);
    await expectNoAxeViolations(panel);
    expect(errors).toEqual([]);
    await on.close();
  });
});
