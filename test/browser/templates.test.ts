/**
 * Stakeholder templates in Chromium, JavaScript on and off: the templates page, a download, an upload
 * with a mistake (the errors page), the same file fixed (the preview) and its confirmation (the
 * templates page with its banner), each page passing axe (WCAG 2.2 AA); and a refused file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { addUser, PASSWORD } from '../helpers/admin.js';
import { collectPageErrors, describeBrowser, expectNoAxeViolations, newContext, useLiveApp } from '../helpers/browser.js';

describeBrowser('stakeholder templates in Chromium', () => {
  const live = useLiveApp();

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';
    it(`downloads a template, uploads it with a mistake, fixes it, previews and confirms, every page passing axe, ${mode}`, async () => {
      const suffix = javaScriptEnabled ? 'on' : 'off';
      const email = `templates.${suffix}@example.org`;
      await addUser(live.server.store, email, 'editor');
      const base = live.server.baseUrl;
      const dir = mkdtempSync(join(tmpdir(), 'isg-templates-'));
      const context = await newContext(live.browser, javaScriptEnabled);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      try {
        await page.goto(`${base}/admin/templates`);
        await page.getByLabel('Email address').fill(email);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        expect(new URL(page.url()).pathname).toBe('/admin/templates');
        await expectNoAxeViolations(page);

        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Services template (.xlsx)' }).click()]);
        const file = join(dir, 'services.xlsx');
        await download.saveAs(file);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(readFileSync(file) as unknown as ExcelJS.Buffer);
        const sheet = workbook.getWorksheet('Services')!;
        let summary = 0;
        sheet.getRow(1).eachCell((c, n) => {
          if (c.value === 'Summary') summary = n;
        });
        const target = sheet.getRow(javaScriptEnabled ? 2 : 3);
        target.getCell(summary).value = `${String(target.getCell(summary).value).slice(0, 150)} Checked in the browser, ${suffix}.`;
        const goodBytes = Buffer.from(await workbook.xlsx.writeBuffer());
        target.getCell(summary).value = null;
        writeFileSync(file, Buffer.from(await workbook.xlsx.writeBuffer()));

        // a mistake: the errors page, with the problem by row and column
        await page.locator('#file').setInputFiles(file);
        await page.getByRole('button', { name: 'Upload and check' }).click();
        await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Nothing was saved');
        await expect(page.locator('[data-qa="problem"]').first().textContent()).resolves.toMatch(/Services\s*\d+\s*[A-Z]+ ‘Summary’\s*is missing/);
        await expectNoAxeViolations(page);

        // fixed: the preview, then the drafts
        writeFileSync(file, goodBytes);
        await page.locator('#file').setInputFiles(file);
        await page.getByRole('button', { name: 'Upload and check' }).click();
        expect(new URL(page.url()).pathname).toMatch(/^\/admin\/templates\/uploads\//);
        await expect(page.locator('[data-qa="count-changed"]').textContent()).resolves.toBe('1 changed');
        await expectNoAxeViolations(page);
        await page.getByRole('button', { name: 'Make 1 draft and submit for review' }).click();
        await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('1 draft was made from your upload and submitted for review');
        await expectNoAxeViolations(page);

        // a file that is not a spreadsheet: the templates page with its error
        const notes = join(dir, 'notes.xlsx');
        writeFileSync(notes, 'these are notes, not a spreadsheet');
        await page.locator('#file').setInputFiles(notes);
        await page.getByRole('button', { name: 'Upload and check' }).click();
        await expect(page.locator('#file-error').textContent()).resolves.toContain('not an Excel workbook');
        await expectNoAxeViolations(page);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
