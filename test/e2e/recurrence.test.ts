// Repeating tasks and the calendar feed in a real browser: a weekly repeat set
// in the task drawer makes the next week's task when this one is completed;
// Settings makes a calendar feed address that a calendar app can read.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };
const WEEK = 7 * 24 * 3600_000;

describe.skipIf(skip !== null)(skip ? `repeating tasks (skipped: ${skip})` : 'repeating tasks', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Weekly Cleaning Co');
    const context = await web.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, owner.email);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('sets a weekly repeat in the drawer, reads it in words, and completing the task makes next week’s', async () => {
    const due = new Date(Date.now() + 2 * 24 * 3600_000);
    due.setHours(9, 0, 0, 0);
    const created = await owner.call('POST', '/api/v1/tasks', { title: 'Restock the van', dueAt: due.toISOString(), assigneeId: owner.user.id });
    expect(created.status).toBe(201);
    const key = created.body.key as string;

    await page.goto(`/tasks?task=${key}`);
    const drawer = page.getByRole('complementary', { name: `Task ${key}` });
    const repeat = drawer.getByLabel('Repeat', { exact: true });
    await repeat.waitFor(T);
    await repeat.selectOption('weekly');
    const weekday = due.toLocaleDateString('en-GB', { weekday: 'long' });
    await expect.poll(() => drawer.locator('.repeat-words').textContent(), T).toContain(`every week on ${weekday}`);
    await screenshot(page, 'repeat-weekly');

    // A rule the API refuses is shown next to the control, in words.
    await repeat.selectOption('custom');
    await drawer.getByLabel('Custom repeat rule (RRULE)').fill('FREQ=FORTNIGHTLY');
    await drawer.getByRole('button', { name: 'Set' }).click();
    await expect.poll(() => drawer.locator('.repeat-control .field-error').textContent(), T).toContain('FREQ must be');
    await drawer.getByLabel('Repeat', { exact: true }).selectOption('weekly');
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${key}`)).body.recurrence, T).toMatch(/^FREQ=WEEKLY;BYDAY=/);

    await drawer.getByRole('button', { name: 'Complete' }).click();
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${key}`)).body.status, T).toBe('done');
    const open = await owner.call('GET', '/api/v1/tasks?status=open');
    expect(open.body.items.map((t: any) => [t.title, t.dueAt])).toEqual([['Restock the van', new Date(due.getTime() + WEEK).toISOString()]]);
    const nextKey = open.body.items[0].key as string;

    // The next one is on the list, and its drawer says where it came from.
    await page.goto('/tasks');
    await page.getByText('Restock the van').first().waitFor(T);
    await page.goto(`/tasks?task=${nextKey}`);
    const nextDrawer = page.getByRole('complementary', { name: `Task ${nextKey}` });
    await nextDrawer.getByText('Created as the next occurrence of a recurring task').waitFor(T);
    await expect.poll(() => nextDrawer.locator('.repeat-words').textContent(), T).toContain(`every week on ${weekday}`);
    await screenshot(page, 'repeat-next-occurrence');
    expect(errors).toEqual([]);
  });

  it('creates a calendar feed address in Settings that serves the task as an event', async () => {
    await page.goto('/settings');
    const section = page.getByRole('region', { name: 'Calendar feed' });
    await section.getByRole('button', { name: 'Create feed address' }).click();
    const address = section.getByLabel('Calendar feed address');
    await address.waitFor(T);
    const url = await address.inputValue();
    expect(url).toMatch(/\/api\/v1\/calendar\/[A-Za-z0-9_-]+\.ics$/);
    await screenshot(page, 'calendar-feed-settings');
    const feed = await fetch(`${web.baseUrl}${new URL(url).pathname}`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('Restock the van');

    await section.getByRole('button', { name: 'Revoke' }).click();
    await section.getByRole('button', { name: 'Create feed address' }).waitFor(T);
    expect((await fetch(`${web.baseUrl}${new URL(url).pathname}`)).status).toBe(404);
    expect(errors).toEqual([]);
  });
});
