// Working hours in Settings: an owner sets a teammate's weekly hours, a member
// their own; what was saved is there after a reload, and a refused change is
// explained next to the day it is about.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addPerson, type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 20_000 };

describe.skipIf(skip !== null)(skip ? `working hours (skipped: ${skip})` : 'working hours', () => {
  let web: WebApp;
  let owner: ApiUser;
  let tom: ApiUser;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Evening Electrics');
    tom = await addPerson(web.baseUrl, owner, 'Tom Tech');
  }, 120_000);
  afterAll(async () => {
    await web?.close();
  });

  async function openAs(email: string, width = 1280): Promise<Page> {
    const context = await web.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, email);
    await page.goto('/settings');
    await page.getByRole('heading', { name: 'Working hours' }).waitFor(T);
    return page;
  }
  const section = (page: Page) => page.getByRole('region', { name: 'Working hours' });

  it("lets an owner set a teammate's hours, which are there after a reload", async () => {
    const page = await openAs(owner.email);
    await section(page).getByLabel('Whose working hours').selectOption({ label: 'Tom Tech' });
    await section(page).getByLabel('Hours of their own').check();
    await section(page).getByLabel('Monday starts').fill('07:00');
    await section(page).getByLabel('Monday ends').fill('12:00');
    await section(page).getByRole('button', { name: 'Add Monday hours' }).click();
    await section(page).getByLabel('Monday starts (2)').fill('13:00');
    await section(page).getByLabel('Monday ends (2)').fill('16:30');
    await section(page).getByRole('checkbox', { name: 'Friday' }).uncheck();
    await section(page).getByRole('button', { name: 'Save working hours' }).click();
    await page.locator('.toast', { hasText: 'Saved the working hours of Tom Tech' }).waitFor(T);

    const saved = await owner.call('GET', `/api/v1/users/${tom.user.id}`);
    expect(saved.body.workingHours).toEqual({
      mon: [['07:00', '12:00'], ['13:00', '16:30']],
      tue: [['08:00', '17:00']],
      wed: [['08:00', '17:00']],
      thu: [['08:00', '17:00']],
      fri: [],
      sat: [],
      sun: [],
    });

    await page.reload();
    await section(page).getByLabel('Whose working hours').selectOption({ label: 'Tom Tech' });
    await expect.poll(() => section(page).getByLabel('Monday starts (2)').inputValue(), T).toBe('13:00');
    expect(await section(page).getByLabel('Hours of their own').isChecked()).toBe(true);
    expect(await section(page).getByLabel('Monday starts', { exact: true }).inputValue()).toBe('07:00');
    expect(await section(page).getByRole('checkbox', { name: 'Friday' }).isChecked()).toBe(false);
    await section(page).scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-working-hours');

    // Back to the business hours: the person's own hours are cleared.
    await section(page).getByLabel('The business hours').check();
    await section(page).getByRole('button', { name: 'Save working hours' }).click();
    await expect.poll(async () => (await owner.call('GET', `/api/v1/users/${tom.user.id}`)).body.workingHours, T).toBeNull();
    await page.context().close();
  });

  it('shows a refused change next to the day it is about, and saves nothing (on a phone)', async () => {
    const page = await openAs(tom.email, 390);
    // A member edits only their own hours: there is nobody else to choose.
    expect(await section(page).getByLabel('Whose working hours').count()).toBe(0);
    await section(page).getByLabel('Hours of their own').check();
    await section(page).getByLabel('Wednesday starts').fill('18:00');
    await section(page).getByLabel('Wednesday ends').fill('09:00');
    await section(page).getByRole('button', { name: 'Save working hours' }).click();
    await section(page).getByRole('alert').filter({ hasText: 'Wednesday: the start must be before the end' }).waitFor(T);
    await section(page).getByLabel('Wednesday starts').scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-working-hours-phone');
    expect((await tom.call('GET', `/api/v1/users/${tom.user.id}`)).body.workingHours).toBeNull();

    await section(page).getByLabel('Wednesday ends').fill('22:00');
    await section(page).getByRole('button', { name: 'Save working hours' }).click();
    await page.locator('.toast', { hasText: 'Saved the working hours of Tom Tech' }).waitFor(T);
    expect((await tom.call('GET', `/api/v1/users/${tom.user.id}`)).body.workingHours.wed).toEqual([['18:00', '22:00']]);
    await page.reload();
    await expect.poll(() => section(page).getByLabel('Wednesday starts').inputValue(), T).toBe('18:00');
    expect(await section(page).getByLabel('Wednesday ends').inputValue()).toBe('22:00');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
