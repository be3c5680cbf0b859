// Notifications in the browser: a task assigned in one browser raises the
// other person's bell without a reload; they open the list, follow it to the
// task and mark it read; their choices live in Settings → Notifications, with
// the weekly summary for owners and managers and each person's own time zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addPerson, type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 10_000 };

describe.skipIf(skip !== null)(skip ? `notifications in the web app (skipped: ${skip})` : 'notifications in the web app', () => {
  let web: WebApp;
  let olive: ApiUser;
  let tom: ApiUser;
  let office: Page;
  let field: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    olive = await signupOwner(web.baseUrl, 'Acme Plumbing');
    tom = await addPerson(web.baseUrl, olive, 'Tom Tech');
    office = await (await web.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    field = await (await web.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    reportPageErrors(office, errors);
    reportPageErrors(field, errors);
    await logIn(office, olive.email);
    await logIn(field, tom.email);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('raises the assignee’s bell live when someone else assigns them a task, and only theirs', async () => {
    await field.getByRole('link', { name: 'Notifications, none unread' }).waitFor(T);
    await office.keyboard.press('c');
    await office.getByLabel('What needs doing?').fill('Fix the boiler tomorrow 9am @tom');
    await office.keyboard.press('Enter');
    await field.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor(T);
    expect(await field.getByTestId('unread-count').textContent()).toBe('1');
    await screenshot(field, 'notifications-bell');
    // The one who assigned it is not told.
    await office.getByRole('link', { name: 'Notifications, none unread' }).waitFor(T);
  });

  it('lists the notification with a link to the task, and marks it read', async () => {
    await field.getByRole('link', { name: 'Notifications, 1 unread' }).click();
    await field.getByRole('heading', { name: 'Notifications' }).waitFor(T);
    const item = field.getByRole('listitem', { name: /^Unread: Olive Owner assigned you T-1 Fix the boiler/ });
    await item.waitFor(T);
    expect(await item.getByRole('link', { name: 'Open T-1' }).getAttribute('href')).toBe('/tasks?task=T-1');
    await screenshot(field, 'notifications-list');
    await item.getByRole('button', { name: /^Mark read/ }).click();
    await field.getByRole('link', { name: 'Notifications, none unread' }).waitFor(T);
    await field.getByRole('listitem', { name: /^Olive Owner assigned you T-1/ }).waitFor(T);
    expect((await tom.call('GET', '/api/v1/notifications/unread-count')).body).toEqual({ unread: 0 });
  });

  it('shows the bell in the bottom bar on a phone', async () => {
    await olive.call('POST', '/api/v1/tasks', { title: 'Check the radiator', assigneeId: tom.user.id });
    const phone = await (await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    reportPageErrors(phone, errors);
    await logIn(phone, tom.email);
    const bell = phone.getByRole('link', { name: 'Notifications, 1 unread' });
    await bell.waitFor(T);
    const box = (await bell.boundingBox())!;
    expect(box.y).toBeGreaterThan(844 / 2);
    await screenshot(phone, 'notifications-phone');
    await phone.close();
  });

  it('keeps each person’s choices in Settings → Notifications', async () => {
    await field.getByRole('link', { name: 'Settings', exact: true }).click();
    const email = field.getByRole('checkbox', { name: 'My task is overdue: email' });
    await email.waitFor(T);
    expect(await email.isChecked()).toBe(false);
    // A click, not check(): the box is drawn from the query cache, which React may redraw a moment after the click.
    await email.click();
    await expect.poll(() => email.isChecked(), T).toBe(true);
    await expect.poll(async () => (await tom.call('GET', '/api/v1/notifications/preferences')).body.overdue, T).toEqual({ inApp: true, email: true });
    await screenshot(field, 'notifications-settings');
    // The weekly summary is for owners, admins and managers: a member is not offered it.
    expect(await field.getByText('Weekly summary (Monday 07:00)').count()).toBe(0);
  });

  it('offers owners the weekly summary in words, email only, and a time zone of their own from the sign-up page’s list', async () => {
    await office.getByRole('link', { name: 'Settings', exact: true }).click();
    const weekly = office.getByRole('checkbox', { name: 'Weekly summary (Monday 07:00): email' });
    await weekly.waitFor(T);
    expect(await weekly.isChecked()).toBe(true);
    expect(await office.getByRole('checkbox', { name: 'Weekly summary (Monday 07:00): in the app' }).count()).toBe(0);
    await weekly.click();
    await expect.poll(async () => (await olive.call('GET', '/api/v1/notifications/preferences')).body.weekly, T).toEqual({ inApp: false, email: false });

    const zone = office.getByRole('region', { name: 'My time zone' });
    await zone.getByText('Your morning digest comes at 07:00 in this time zone, and your weekly summary on Monday at 07:00.').waitFor(T);
    const business = ((await olive.call('GET', '/api/v1/org')).body.timezone as string).replaceAll('_', ' ').replaceAll('/', ' / ');
    expect(await zone.getByRole('radio', { name: `The business’s time zone (${business})`, exact: true }).isChecked()).toBe(true);
    await zone.getByRole('radio', { name: 'My own time zone' }).click();
    await zone.getByRole('searchbox', { name: 'Search time zones' }).fill('tokyo');
    await zone.getByText('Chosen: Asia / Tokyo').waitFor(T);
    await zone.getByRole('button', { name: 'Save time zone' }).click();
    await zone.getByRole('status').filter({ hasText: 'Saved: Asia / Tokyo' }).waitFor(T);
    expect((await olive.call('GET', '/api/v1/me')).body.user.timezone).toBe('Asia/Tokyo');
    await screenshot(office, 'settings-my-time-zone');

    // Back to the business's zone.
    await zone.getByRole('radio', { name: /^The business’s time zone/ }).click();
    await zone.getByRole('button', { name: 'Save time zone' }).click();
    await expect.poll(async () => (await olive.call('GET', '/api/v1/me')).body.user.timezone, T).toBeNull();
    expect(errors).toEqual([]);
  });
});
