// Settings → Organisation → Automation timing in a real browser: an owner sets
// the due-soon warning and the missed-appointment grace, sees a refused value
// explained next to its field, and empties a field to go back to the server's
// default.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUser, browserSkipReason, ownerSignedIn, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 20_000 };

describe.skipIf(skip !== null)(skip ? `automation timing settings (skipped: ${skip})` : 'automation timing settings', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    ({ web, owner, page, errors } = await ownerSignedIn('Punctual Plumbing', { viewport: { width: 1280, height: 900 } }));
    await page.goto('/settings');
  }, 120_000);
  afterAll(async () => {
    await web?.close();
  });

  const section = () => page.getByRole('region', { name: 'Organisation' });
  const timing = async () => (await owner.call('GET', '/api/v1/org')).body as { dueSoonMinutes: number | null; missedGraceMinutes: number | null };

  it('saves both fields, explains a refused value next to its field, and empties back to the default', async () => {
    const dueSoon = section().getByLabel('Due-soon warning, minutes before the due date');
    const grace = section().getByLabel('Missed-appointment grace, minutes after the start');
    await dueSoon.waitFor(T);
    expect(await dueSoon.inputValue()).toBe('');

    await dueSoon.fill('180');
    await dueSoon.blur();
    await page.locator('.toast', { hasText: 'Saved' }).first().waitFor(T);
    await expect.poll(async () => (await timing()).dueSoonMinutes, T).toBe(180);

    await grace.fill('2000');
    await grace.blur();
    await section().getByRole('alert').waitFor(T);
    expect((await timing()).missedGraceMinutes).toBeNull();

    await grace.fill('10');
    await grace.blur();
    await expect.poll(async () => (await timing()).missedGraceMinutes, T).toBe(10);

    await page.reload();
    await expect.poll(() => section().getByLabel('Due-soon warning, minutes before the due date').inputValue(), T).toBe('180');
    await section().getByLabel('Due-soon warning, minutes before the due date').fill('');
    await section().getByLabel('Due-soon warning, minutes before the due date').blur();
    await expect.poll(async () => (await timing()).dueSoonMinutes, T).toBeNull();
    expect((await timing()).missedGraceMinutes).toBe(10);
    expect(errors).toEqual([]);
  }, 120_000);
});
