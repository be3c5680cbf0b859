// "Export CSV" on the contacts, clients and leads lists in a real browser, at
// 1440 and 390 px: a click downloads the records the list shows, in the
// columns the import reads, and that file imported again changes nothing.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUser, browserSkipReason, ownerSignedIn, screenshot, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `record CSV export (skipped: ${skip})` : 'record CSV export', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    ({ web, owner, page, errors } = await ownerSignedIn('Export & Sons Plumbing', { viewport: { width: 1440, height: 900 }, acceptDownloads: true }));
  });
  afterAll(async () => {
    await web?.close();
  });

  /** Clicks Export CSV and answers the downloaded file's name and rows. */
  async function download(): Promise<{ name: string; rows: Record<string, string>[]; text: string }> {
    const link = page.getByRole('link', { name: 'Export CSV' });
    await link.waitFor(T);
    expect(await link.isVisible()).toBe(true);
    const box = await link.boundingBox();
    expect(box!.x + box!.width, 'the action fits the screen').toBeLessThanOrEqual(page.viewportSize()!.width);
    const [file] = await Promise.all([page.waitForEvent('download', T), link.click()]);
    const text = readFileSync((await file.path())!, 'utf8');
    return { name: file.suggestedFilename(), rows: parse(text, { columns: true }) as Record<string, string>[], text };
  }

  it('downloads contacts, clients and leads as CSV at 1440 and 390 px, and the file imports back unchanged', async () => {
    const dana = await owner.call('PUT', '/api/v1/contacts/external/hubspot/4711', { name: 'Dana Reyes', phone: '07700 900123', address: '12 Elm Road, Leeds' });
    expect(dana.status, JSON.stringify(dana.body)).toBe(201);
    await owner.call('POST', '/api/v1/contacts', { name: 'Sam Okafor', phone: '+44 113 496 0000' });
    await owner.call('POST', '/api/v1/clients', { name: 'Reyes household', contactIds: [dana.body.id], address: '12 Elm Road, Leeds' });
    await owner.call('POST', '/api/v1/leads', { title: 'Boiler quote', contactId: dana.body.id, value: 1250, source: 'website' });

    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await page.goto('/contacts');
      await page.getByRole('link', { name: /Dana Reyes/ }).waitFor(T);
      await screenshot(page, `record-export-contacts-${width}`);
      const contacts = await download();
      expect(contacts.name).toBe('contacts.csv');
      expect(contacts.rows.map((r) => r.name).sort()).toEqual(['Dana Reyes', 'Sam Okafor']);
      expect(contacts.rows.find((r) => r.name === 'Dana Reyes')).toMatchObject({ phone: '07700 900123', external_refs: 'hubspot:4711', owner: owner.email, id: dana.body.id });
      expect(contacts.rows.find((r) => r.name === 'Sam Okafor')!.phone, 'formula-looking text goes out with an apostrophe').toBe("'+44 113 496 0000");

      // The list's search is the export's: only what is shown.
      await page.getByRole('searchbox', { name: 'Search contacts' }).fill('Sam');
      await page.getByRole('link', { name: /Dana Reyes/ }).waitFor({ state: 'detached', ...T });
      expect((await download()).rows.map((r) => r.name)).toEqual(['Sam Okafor']);

      await page.goto('/clients');
      await page.getByRole('link', { name: /Reyes household/ }).waitFor(T);
      const clients = await download();
      expect(clients.name).toBe('clients.csv');
      expect(clients.rows).toEqual([expect.objectContaining({ name: 'Reyes household', contacts: dana.body.id })]);

      await page.goto('/leads');
      await page.getByText('Boiler quote').first().waitFor(T);
      await screenshot(page, `record-export-leads-${width}`);
      const leads = await download();
      expect(leads.name).toBe('leads.csv');
      expect(leads.rows).toEqual([expect.objectContaining({ title: 'Boiler quote', contact: dana.body.id, pipeline: 'Sales', value: '1250', source: 'website' })]);

      // What was downloaded goes back in through the import and changes nothing.
      const back = await fetch(`${web.baseUrl}/api/v1/imports/contacts`, { method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/csv' }, body: contacts.text });
      expect(await back.json()).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    }
    expect(errors).toEqual([]);
  });
});
