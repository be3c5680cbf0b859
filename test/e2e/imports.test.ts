// Settings → Import from CSV in a real browser: a file with a bad row is
// checked and its problem shown by row and column with nothing written; the
// fixed file is checked, then imported.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `CSV import page (skipped: ${skip})` : 'CSV import page', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Import & Sons Plumbing');
    const context = await web.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, owner.email);
  });
  afterAll(async () => {
    await web?.close();
  });

  const chooseFile = (csv: string) => page.getByLabel('CSV file').setInputFiles({ name: 'tasks.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

  it('shows the bad row by row and column and writes nothing, then imports the fixed file', async () => {
    await page.goto('/settings');
    const section = page.getByRole('region', { name: 'Import from CSV' });
    await section.waitFor(T);
    await section.getByLabel('What to import').selectOption('tasks');

    await chooseFile('title,priority,due\nCall Dana back,high,2026-03-05 14:30\nOrder the valve,sky-high,\n');
    await section.getByRole('button', { name: 'Check file' }).click();
    const problems = section.getByRole('table', { name: 'Problems in the file' });
    await problems.waitFor(T);
    const cells = await problems.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['3', 'priority']);
    expect(cells[2]).toContain('urgent');
    await screenshot(page, 'import-problems');
    expect((await owner.call('GET', '/api/v1/tasks?status=all')).body.items).toEqual([]);

    await chooseFile('title,priority,due\nCall Dana back,high,2026-03-05 14:30\nOrder the valve,low,\n');
    await section.getByRole('button', { name: 'Check file' }).click();
    await section.getByText('The file is fine: 2 tasks will be created.').waitFor(T);
    expect((await owner.call('GET', '/api/v1/tasks?status=all')).body.items).toEqual([]);
    await section.getByRole('button', { name: 'Import 2 tasks' }).click();
    await section.getByText('Imported 2 tasks.').waitFor(T);
    await screenshot(page, 'import-done');

    const titles = (await owner.call('GET', '/api/v1/tasks?status=all&sort=created')).body.items.map((t: any) => t.title);
    expect(titles).toEqual(['Call Dana back', 'Order the valve']);
    expect(errors).toEqual([]);
  });
});
