/**
 * Embed mode in a real iframe on another origin: the council's page frames a tool, the frame shows no
 * site header or footer but the emergency route, links keep the user in the frame, and the frame grows
 * to its page's height through the message the page sends.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestApp } from '../helpers/app.js';
import { describeBrowser, expectNoAxeViolations, launchBrowser, newContext } from '../helpers/browser.js';

describeBrowser('embed mode in an iframe on another origin', () => {
  let app: TestApp & { baseUrl: string };
  let parent: Server;
  let parentUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    // the council's page, on another origin (localhost, where the guidance is on 127.0.0.1)
    parent = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Council page</title></head><body><h1>Council page</h1>
<iframe id="guidance" src="${app.baseUrl}/needs-check?embed=1" title="Presenting needs check" style="width: 100%; border: 0; height: 200px"></iframe>
<script>window.addEventListener('message', function (e) {
  if (e.origin !== '${app.baseUrl}' || !e.data || e.data.type !== 'isg:height') return;
  document.getElementById('guidance').style.height = e.data.height + 'px';
});</script></body></html>`);
    });
    await new Promise<void>((resolve) => parent.listen(0, '127.0.0.1', resolve));
    const port = (parent.address() as AddressInfo).port;
    parentUrl = `http://localhost:${port}`;
    app = await startTestServer({ frameAncestors: ["'self'", parentUrl] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((resolve) => parent?.close(resolve));
  });

  it('shows the tool framed, without the site\u2019s header and footer, growing to its height, and keeps the user in the frame', async () => {
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await page.goto(`${parentUrl}/`);
    const frame = page.frameLocator('#guidance');
    await frame.locator('[data-qa="emergency"]').waitFor();
    await expect(frame.locator('.govuk-service-navigation').count()).resolves.toBe(0);
    await expect(frame.locator('footer').count()).resolves.toBe(0);
    // the frame grows from its first 200 px to the page's own height
    await expect
      .poll(async () => (await page.locator('#guidance').boundingBox())!.height, { timeout: 5000 })
      .toBeGreaterThan(400);
    // the start page's form keeps the user inside the frame, in embed mode
    await frame.locator('button[type="submit"]').first().click();
    const inner = page.frames().find((f) => f.url().startsWith(app.baseUrl))!;
    await expect.poll(() => inner.url(), { timeout: 5000 }).toMatch(/[?&]embed=1/);
    await expect(inner.locator('.govuk-service-navigation').count()).resolves.toBe(0);
    await context.close();
  });

  it('the embedded page passes axe, and /embed gives the snippet for this origin', async () => {
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/services?embed=1`);
    await expectNoAxeViolations(page);
    await page.goto(`${app.baseUrl}/embed`);
    await expect(page.locator('[data-qa="embed-snippet"]').textContent()).resolves.toContain(`${app.baseUrl}/needs-check?embed=1`);
    await expectNoAxeViolations(page);
    await context.close();
  });
});
