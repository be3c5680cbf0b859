// Two people at once: what one does appears for the other without a reload; a
// write that lost the race is refused (412) and said so; bulk edits undo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addPerson, type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 10_000 };

describe.skipIf(skip !== null)(skip ? `live web app (skipped: ${skip})` : 'live web app', () => {
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

  it('shows a task assigned in one browser in the other’s My work, without a reload', async () => {
    await office.getByRole('link', { name: 'Tasks', exact: true }).click();
    await office.keyboard.press('c');
    // Tomorrow morning is upcoming whatever the time of day the test runs at ("today 23:30" was overdue from 23:30 on).
    await office.getByLabel('What needs doing?').fill('Fix the boiler tomorrow 9am @tom');
    await office.keyboard.press('Enter');
    const row = field.locator('.work-upcoming .task-row', { hasText: 'Fix the boiler' });
    await row.waitFor(T);
    await expect.poll(() => field.getByTestId('count-upcoming').textContent(), T).toBe('1');
  });

  it('shows a completion in the other browser, without a reload', async () => {
    const officeRow = office.locator('.task-row', { hasText: 'Fix the boiler' });
    await officeRow.waitFor(T);
    await field.getByRole('button', { name: 'Complete T-1' }).click();
    await officeRow.waitFor({ state: 'detached', ...T });
    expect((await olive.call('GET', '/api/v1/tasks/T-1')).body.status).toBe('done');
  });

  it('refuses a change made over someone else’s newer one (412), says so, and shows their version', async () => {
    const task = (await olive.call('POST', '/api/v1/tasks', { title: 'Chase the Hendersons invoice', assigneeId: tom.user.id })).body;
    await office.goto(`/tasks?task=${task.key}`);
    const drawer = office.getByRole('complementary', { name: `Task ${task.key}` });
    await drawer.getByLabel('Priority').waitFor();
    // Tom changes the task just before Olive's change reaches the server.
    let raced = false;
    await office.route('**/api/v1/tasks/*', async (route) => {
      if (route.request().method() === 'PATCH' && !raced) {
        raced = true;
        expect((await tom.call('PATCH', `/api/v1/tasks/${task.id}`, { status: 'in_progress' })).status).toBe(200);
      }
      await route.continue();
    });
    await drawer.getByLabel('Priority').selectOption('urgent');
    await drawer.getByRole('alert').filter({ hasText: 'Someone else changed this task' }).waitFor(T);
    await office.locator('.toast', { hasText: 'changed by someone else' }).waitFor(T);
    await expect.poll(() => drawer.getByLabel('Status').inputValue(), T).toBe('in_progress');
    await expect.poll(() => drawer.getByLabel('Priority').inputValue(), T).toBe('normal');
    const stored = (await olive.call('GET', `/api/v1/tasks/${task.id}`)).body;
    expect(stored).toMatchObject({ status: 'in_progress', priority: 'normal' });
    await screenshot(office, 'task-drawer-412');
    await office.unroute('**/api/v1/tasks/*');
    await drawer.getByRole('button', { name: 'Close' }).click();
  });

  it('bulk-edits a shift-click range in one call, then undoes it', async () => {
    for (const title of ['Order copper pipe', 'Book scaffold', 'Send safety certificate']) {
      await olive.call('POST', '/api/v1/tasks', { title, priority: 'low' });
    }
    await office.goto('/tasks?sort=-created');
    const rows = office.locator('.task-row');
    await office.locator('.task-row', { hasText: 'Order copper pipe' }).waitFor(T);
    await rows.nth(0).getByRole('checkbox').click();
    await rows.nth(2).getByRole('checkbox').click({ modifiers: ['Shift'] });
    await office.getByRole('toolbar', { name: 'Bulk edit' }).getByText('3 selected').waitFor(T);
    await screenshot(office, 'list-bulk');
    await office.getByLabel('Set priority').selectOption('urgent');
    const urgent = async () => (await olive.call('GET', '/api/v1/tasks?priority=urgent')).body.items.map((t: any) => t.title).sort();
    await expect.poll(urgent, T).toEqual(['Book scaffold', 'Order copper pipe', 'Send safety certificate']);
    await office.locator('.toast', { hasText: 'Priority → Urgent' }).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(urgent, T).toEqual([]);
    const low = (await olive.call('GET', '/api/v1/tasks?priority=low')).body.items.length;
    expect(low).toBe(3);
  });

  it('deletes in bulk with Undo that brings back the very same tasks', async () => {
    const rows = office.locator('.task-row');
    await rows.nth(0).getByRole('checkbox').click();
    await rows.nth(1).getByRole('checkbox').click();
    const keys = await Promise.all([0, 1].map(async (i) => (await rows.nth(i).getAttribute('data-task-key'))!));
    await office.getByRole('toolbar', { name: 'Bulk edit' }).getByRole('button', { name: 'Delete' }).click();
    await office.locator(`.task-row[data-task-key="${keys[0]}"]`).waitFor({ state: 'detached', ...T });
    await office.locator('.toast', { hasText: 'Deleted 2 tasks' }).getByRole('button', { name: 'Undo' }).click();
    await office.locator(`.task-row[data-task-key="${keys[0]}"]`).waitFor(T);
    for (const key of keys) expect((await olive.call('GET', `/api/v1/tasks/${key}`)).status).toBe(200);
  });

  it('keeps filters in the address and saves them as a view', async () => {
    await office.getByLabel('Priority', { exact: true }).selectOption('low');
    await expect.poll(() => office.url(), T).toContain('priority=low');
    await office.getByRole('button', { name: '+ Save view' }).click();
    await office.getByLabel('View name').fill('Low priority');
    await office.keyboard.press('Enter');
    await office.getByRole('button', { name: 'All open' }).click();
    await expect.poll(() => office.url(), T).not.toContain('priority=low');
    await office.getByRole('button', { name: 'Low priority', exact: true }).click();
    await expect.poll(() => office.url(), T).toContain('priority=low');
    await expect.poll(() => office.locator('.task-row').count(), T).toBe(3);
    await screenshot(office, 'list');
  });

  it('invites a person and adds a team in Settings, with the API’s message next to a bad field', async () => {
    await office.getByRole('link', { name: 'Settings', exact: true }).click();
    // People join by invitation: there is no form that gives someone a password.
    expect(await office.getByRole('form', { name: 'Add a person' }).count()).toBe(0);
    const invite = office.getByRole('form', { name: 'Invite by email' });
    await invite.getByLabel('Email to invite').fill('not-an-email');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByRole('alert').waitFor(T);
    await invite.getByLabel('Email to invite').fill('dana@acme.test');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await office.getByRole('region', { name: 'Invitations' }).getByRole('cell', { name: 'dana@acme.test', exact: true }).waitFor(T);
    await office.getByLabel('Team name').fill('Field');
    await office.getByRole('button', { name: 'Create team' }).click();
    await office.getByText('Field', { exact: true }).waitFor(T);
    await office.getByLabel('Holiday').fill('2026-12-25');
    await office.getByRole('button', { name: 'Add holiday' }).click();
    await expect.poll(async () => (await olive.call('GET', '/api/v1/org')).body.holidays, T).toEqual(['2026-12-25']);
    const invited = (await olive.call('GET', '/api/v1/invitations')).body.items.map((i: any) => i.email);
    expect(invited).toContain('dana@acme.test');
    await screenshot(office, 'settings');
    expect(errors).toEqual([]);
  });
});
