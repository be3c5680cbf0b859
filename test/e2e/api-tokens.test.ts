// Settings → API tokens in a real browser: the owner makes a token that expires in 30 days, sees it
// once with a copy button, the token works against the API, and the list shows its last use and
// expiry at phone width; revoking it stops it. A member is not offered the section.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, type ApiUser, browserSkipReason, logIn, ownerSignedIn, screenshot, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `API token settings (skipped: ${skip})` : 'API token settings', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    ({ web, owner, page, errors } = await ownerSignedIn('Token & Daughters Electric', { viewport: { width: 1440, height: 1000 }, permissions: ['clipboard-read', 'clipboard-write'] }));
  });
  afterAll(async () => {
    await web?.close();
  });

  it('makes a 30-day token shown once, which works, then lists its last use and expiry at 390 px, and revokes it', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const section = page.getByRole('region', { name: 'API tokens' });
    await section.getByText('No API tokens yet.').waitFor(T);
    const form = section.getByRole('form', { name: 'New API token' });
    await form.getByRole('button', { name: 'Create token' }).click();
    await form.getByRole('alert').waitFor(T);

    await form.getByLabel('Name').fill('Accounting sync');
    await form.getByLabel('Expires after').selectOption({ label: '30 days' });
    await form.getByRole('button', { name: 'Create token' }).click();
    const box = section.getByRole('textbox', { name: 'New API token' });
    await box.waitFor(T);
    const token = await box.inputValue();
    expect(token).toMatch(/^fla_/);
    await section.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await screenshot(page, 'api-tokens-created-1440');
    await section.getByRole('button', { name: 'Done' }).click();
    await box.waitFor({ state: 'detached', ...T });

    // The API agrees: a 30-day expiry, and the token works.
    const [listed] = (await owner.call('GET', '/api/v1/tokens')).body.items;
    const days = (Date.parse(listed.expiresAt) - Date.parse(listed.createdAt)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    const used = await fetch(`${web.baseUrl}/api/v1/tasks`, { headers: { authorization: `Bearer ${token}` } });
    expect(used.status).toBe(200);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const row = page.getByRole('listitem', { name: 'API token Accounting sync' });
    await row.getByText(/^Last used /).waitFor(T);
    await row.getByText(/^Expires /).waitFor(T);
    await row.getByRole('button', { name: 'Revoke Accounting sync' }).scrollIntoViewIfNeeded();
    const box390 = await row.boundingBox();
    expect(box390!.x + box390!.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'api-tokens-list-390');

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke Accounting sync' }).click();
    await row.waitFor({ state: 'detached', ...T });
    await page.getByRole('region', { name: 'API tokens' }).getByText('No API tokens yet.').waitFor(T);
    expect((await fetch(`${web.baseUrl}/api/v1/tasks`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect(errors).toEqual([]);
  });

  it('does not offer API tokens to a member', async () => {
    const member = await addPerson(web.baseUrl, owner, 'Mia Member');
    const context = await web.newContext({ viewport: { width: 1440, height: 1000 } });
    const memberPage = await context.newPage();
    await logIn(memberPage, member.email);
    await memberPage.getByRole('link', { name: 'Settings', exact: true }).click();
    await memberPage.getByRole('region', { name: 'Security' }).waitFor(T);
    expect(await memberPage.getByRole('region', { name: 'API tokens' }).count()).toBe(0);
    await context.close();
  });
});
