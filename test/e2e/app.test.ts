// The web app in a real browser against a real server: from sign-up to a
// completed task, through quick add, My work, the board and the task drawer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, reportPageErrors, screenshot, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
const PASSWORD = 'a long enough password';
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 10_000 };

describe.skipIf(skip !== null)(skip ? `web app (skipped: ${skip})` : 'web app', () => {
  let web: WebApp;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    context = await web.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('greets a signed-out visitor with Log in, and its link leads to Sign up with the time zone chosen from a searchable list', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
    await page.getByRole('link', { name: 'Sign up your business' }).click();
    await page.getByRole('heading', { name: 'Start with Finishline' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/signup');
    // Preset from the browser's zone (the test browser's zone, whatever it is).
    const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe(browserZone);
    // "London" finds Europe/London, which a free-text box used to refuse.
    await page.getByLabel('Search time zones').fill('london');
    await expect.poll(() => page.getByLabel('Time zone', { exact: true }).inputValue(), T).toBe('Europe/London');
    await page.getByLabel('Search time zones').fill('new york');
    await expect.poll(() => page.getByLabel('Time zone', { exact: true }).inputValue(), T).toBe('America/New_York');
    await page.getByLabel('Search time zones').fill('');
  });

  it('shows the API’s message next to the field it names when sign-up is refused', async () => {
    await page.getByLabel('Business name').fill('Acme Plumbing');
    await page.getByLabel('Your name').fill('Olive Owner');
    await page.getByLabel('Work email').fill('olive@acme.test');
    await page.getByLabel('Password').fill('short');
    await screenshot(page, 'sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    const passwordField = page.locator('.field', { has: page.locator('input[name="password"]') });
    await expect.poll(() => passwordField.locator('.field-error').textContent(), T).toBe('must be at least 12 characters');
    await expect.poll(() => page.locator('input[name="password"]').getAttribute('aria-invalid'), T).toBe('true');
    // Only the field the API named is marked.
    await expect.poll(() => page.locator('.field-error').count(), T).toBe(1);
    await screenshot(page, 'sign-up-error');
  });

  it('signs up and lands on an empty My work', async () => {
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'My work' }).waitFor();
    await page.getByText('All clear').waitFor();
    expect((await api(page, 'GET', '/api/v1/me')).org.timezone).toBe('America/New_York');
    // A new business's first steps, none done yet: each ticks itself from the business's data.
    const start = page.getByRole('region', { name: 'Getting started' });
    await expect.poll(() => start.locator('.start-step').count(), T).toBe(4);
    await expect.poll(() => start.locator('.start-step.done').count(), T).toBe(0);
    await screenshot(page, 'my-work-start');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'fl_session')?.httpOnly).toBe(true);
  });

  it('quick-adds a task in natural language (c), given to nobody by name, and it lands in my own My work under its day', async () => {
    const lead = await api(page, 'POST', '/api/v1/leads', { title: 'Dana Jones' });
    const start = page.getByRole('region', { name: 'Getting started' });
    await expect.poll(() => start.locator('.start-step.done').textContent(), T).toContain('Add a lead');
    await page.keyboard.press('c');
    const input = page.getByLabel('What needs doing?');
    await input.fill('Call Dana tomorrow 9am !high #lead-dana');
    await expect.poll(() => page.locator('.quick-add-preview').textContent(), T).toContain('Call Dana');
    await expect.poll(() => page.locator('.quick-add-preview').textContent(), T).toContain('Tomorrow');
    await screenshot(page, 'quick-add');
    await input.press('Enter');
    const row = page.locator('.work-upcoming .task-row', { hasText: 'Call Dana' });
    await row.waitFor();
    await expect.poll(() => row.textContent(), T).toContain('Tomorrow 9:00');
    await expect.poll(() => page.getByTestId('count-upcoming').textContent(), T).toBe('1');
    await expect.poll(() => page.getByTestId('count-overdue').textContent(), T).toBe('0');

    const task = await api(page, 'GET', '/api/v1/tasks/T-1');
    const tomorrow9 = new Date();
    tomorrow9.setDate(tomorrow9.getDate() + 1);
    tomorrow9.setHours(9, 0, 0, 0);
    expect(task).toMatchObject({ title: 'Call Dana', priority: 'high', dueAt: tomorrow9.toISOString(), links: [{ type: 'lead', id: lead.id, name: 'Dana Jones' }], status: 'open' });
    expect(task.assigneeId).toBe((await api(page, 'GET', '/api/v1/me')).user.id);
    await expect.poll(() => start.locator('.start-step.done').count(), T).toBe(2);
    await screenshot(page, 'my-work');
  });

  it('drags the task across the board, then completes it there', async () => {
    await page.getByRole('link', { name: 'Board', exact: true }).click();
    const card = page.locator('.card-slot[data-task-key="T-1"]');
    await card.waitFor();
    await expect.poll(() => page.getByTestId('column-count-open').textContent(), T).toBe('1');
    const target = page.locator('section.column[data-status="in_progress"]');
    await dragTo(page, card, target);
    await expect.poll(() => page.getByTestId('column-count-in_progress').textContent(), T).toBe('1');
    await expect.poll(() => page.getByTestId('column-count-open').textContent(), T).toBe('0');
    await expect.poll(async () => (await api(page, 'GET', '/api/v1/tasks/T-1')).status, T).toBe('in_progress');
    await screenshot(page, 'board');

    await card.getByRole('button', { name: 'Complete T-1' }).click();
    await expect.poll(() => page.getByTestId('column-count-done').textContent(), T).toBe('1');
    await expect.poll(() => page.locator('.toast').textContent(), T).toContain('Completed T-1');
    await expect.poll(async () => (await api(page, 'GET', '/api/v1/tasks/T-1')).status, T).toBe('done');
  });

  it('opens the task drawer with its history, and undoes a completion', async () => {
    await page.locator('.card-slot[data-task-key="T-1"]').click();
    const drawer = page.getByRole('complementary', { name: 'Task T-1' });
    await drawer.getByLabel('Title').waitFor();
    await expect.poll(() => drawer.locator('.timeline').textContent(), T).toContain('changed status from Open to In progress');
    await expect.poll(() => drawer.locator('.timeline').textContent(), T).toContain('changed status from In progress to Done');
    await drawer.getByLabel('Comment', { exact: true }).fill('Dana wants a morning slot');
    await drawer.getByRole('button', { name: 'Comment' }).click();
    await expect.poll(() => drawer.locator('.comment-body').textContent(), T).toBe('Dana wants a morning slot');
    await screenshot(page, 'task-drawer');
    await drawer.getByRole('button', { name: 'Close' }).click();
  });

  it('moves through My work with j/k and completes with x, with Undo', async () => {
    await page.getByRole('link', { name: 'My work', exact: true }).click();
    for (const title of ['Order a valve friday', 'Send the quote today 23:59']) {
      await page.keyboard.press('c');
      await page.getByLabel('What needs doing?').fill(`${title} @olive`);
      await page.keyboard.press('Enter');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    }
    // Both rows must be on the page before j: a list that still holds only the
    // first task would focus it, and the second would then arrive above it.
    await page.locator('.task-row', { hasText: 'Order a valve' }).waitFor();
    await page.locator('.task-row', { hasText: 'Send the quote' }).waitFor();
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('.task-row.focused').textContent(), T).toContain('Send the quote');
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('.task-row.focused').textContent(), T).toContain('Order a valve');
    await page.keyboard.press('x');
    await expect.poll(() => page.locator('.toast', { hasText: 'Completed' }).textContent(), T).toContain('Order a valve');
    await page.locator('.toast', { hasText: 'Completed' }).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(async () => (await api(page, 'GET', '/api/v1/tasks/T-2')).status, T).toBe('open');
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('.task-row.focused').textContent(), T).toContain('Send the quote');
    await page.keyboard.press('Enter');
    await page.getByRole('complementary', { name: 'Task T-3' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('complementary').waitFor({ state: 'detached' });
  });

  it('shows due dates on the calendar, and moves one by dragging it to another day', async () => {
    await page.getByRole('link', { name: 'Calendar', exact: true }).click();
    const chip = page.locator('.calendar-task[data-task-key="T-3"]');
    await chip.waitFor(T);
    const cells = page.locator('.calendar-day');
    const days = await cells.evaluateAll((els) => els.map((el) => el.getAttribute('data-day')!));
    const fromDay = (await chip.evaluate((el) => el.closest('.calendar-day')!.getAttribute('data-day')))!;
    const at = days.indexOf(fromDay);
    const toDay = days[at + 1 < days.length ? at + 1 : at - 1]!;
    const before = (await api(page, 'GET', '/api/v1/tasks/T-3')).dueAt as string;
    await dragTo(page, chip, page.locator(`.calendar-day[data-day="${toDay}"]`));
    await page.locator(`.calendar-day[data-day="${toDay}"] .calendar-task[data-task-key="T-3"]`).waitFor(T);
    await expect.poll(async () => (await api(page, 'GET', '/api/v1/tasks/T-3')).dueAt, T).not.toBe(before);
    const moved = new Date((await api(page, 'GET', '/api/v1/tasks/T-3')).dueAt);
    expect([moved.getHours(), moved.getMinutes()]).toEqual([new Date(before).getHours(), new Date(before).getMinutes()]);
    expect(Math.abs(moved.getTime() - Date.parse(before))).toBeGreaterThanOrEqual(23 * 3600_000);
    await screenshot(page, 'calendar');
  });

  it('renders without console errors and under the Content-Security-Policy', async () => {
    const response = await page.request.get('/');
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(errors).toEqual([]);
  });
});

/** Drags with the mouse in small steps, the way a person does (dnd-kit waits for movement before it starts). */
async function dragTo(page: Page, from: ReturnType<Page['locator']>, to: ReturnType<Page['locator']>): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + 80, { steps: 12 });
  await page.mouse.up();
}

/** Calls the API as the signed-in browser user (its cookies, its CSRF token). */
async function api(page: Page, method: string, path: string, body?: unknown): Promise<any> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = /(?:^|;\s*)fl_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const response = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) }, body: body === undefined ? undefined : JSON.stringify(body) });
      return response.status === 204 ? null : response.json();
    },
    { method, path, body },
  );
}
