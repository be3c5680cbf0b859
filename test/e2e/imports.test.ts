// Settings → Import from CSV in a real browser: a file with a bad row is
// checked and its problem shown by row and column with nothing written; the
// fixed file is checked, then imported.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUser, browserSkipReason, ownerSignedIn, screenshot, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `CSV import page (skipped: ${skip})` : 'CSV import page', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    ({ web, owner, page, errors } = await ownerSignedIn('Import & Sons Plumbing', { viewport: { width: 1400, height: 1000 } }));
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

  it('imports contacts by their ids in another system: the same file again is already up to date', async () => {
    await page.goto('/settings');
    const section = page.getByRole('region', { name: 'Import from CSV' });
    await section.waitFor(T);
    await section.getByLabel('What to import').selectOption('contacts');
    await section.getByText(/external refs/).waitFor(T);
    const file = 'name,phone,external_refs\nDana Price,07700 900123,hubspot:4711\nSam Okafor,,hubspot:4712\n';
    await chooseFile(file);
    await section.getByRole('button', { name: 'Check file' }).click();
    await section.getByText('The file is fine: 2 contacts will be created.').waitFor(T);
    await section.getByRole('button', { name: 'Import 2 contacts' }).click();
    await section.getByText('Imported 2 contacts.').waitFor(T);

    await chooseFile(file.replace('07700 900123', '07700 900999'));
    await section.getByRole('button', { name: 'Check file' }).click();
    await section.getByText('The file is fine: 0 contacts will be created, 1 updated, 1 is already up to date.').waitFor(T);
    await section.getByRole('button', { name: 'Import 2 contacts' }).click();
    await section.getByText('Imported 2 contacts: 0 new, 1 updated, 1 already up to date.').waitFor(T);
    await screenshot(page, 'import-again-1440');
    const contacts = (await owner.call('GET', '/api/v1/contacts')).body.items;
    expect(contacts.map((c: any) => [c.name, c.phone, c.version]).sort()).toEqual([['Dana Price', '07700 900999', 2], ['Sam Okafor', null, 1]]);
    expect(errors).toEqual([]);
  });
});
