// The dispatch board in a real browser: a dispatcher marks a technician away from Settings → People and sees
// them greyed out; drags an unscheduled job onto a technician at a time (the job is scheduled and assigned, and
// the job.scheduled rule's task appears); sees overlapping jobs flagged and clears the overlap from the
// Schedule dialog with the keyboard; another person's change shows without a reload; the board at 390 px
// scrolls inside itself. And the Jobs list's "mine / today".
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

const today = new Date();
const todayAt = (hours: number, minutes = 0, plusDays = 0) => new Date(today.getFullYear(), today.getMonth(), today.getDate() + plusDays, hours, minutes).toISOString();

describe.skipIf(skip !== null)(skip ? `dispatch board (skipped: ${skip})` : 'dispatch board', () => {
  let web: WebApp;
  let owner: ApiUser;
  let dee: ApiUser;
  let tom: ApiUser;
  let ann: ApiUser;
  let page: Page;
  const jobs: Record<string, { id: string }> = {};
  const errors: string[] = [];

  const api = async (who: ApiUser, method: string, path: string, body?: unknown) => {
    const res = await who.call(method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  const row = (name: string) => page.locator(`.dispatch-row[data-technician="${name}"]`);

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Brightwater Plumbing');
    dee = await addPerson(web.baseUrl, owner, 'Dee Dispatcher', 'manager');
    tom = await addPerson(web.baseUrl, owner, 'Tom Tech');
    ann = await addPerson(web.baseUrl, owner, 'Ann Fitter');
    await api(owner, 'POST', '/api/v1/rules', {
      name: 'Prepare booked jobs',
      trigger: { event: 'job.scheduled' },
      actions: [{ type: 'create_task', title: 'Prepare parts for {{record.title}}', assign: { strategy: 'user', userId: tom.user.id } }],
    });
    jobs.valve = await api(owner, 'POST', '/api/v1/jobs', { title: 'Replace boiler valve', address: '4 Mill Lane, York' });
    jobs.service = await api(owner, 'POST', '/api/v1/jobs', { title: 'Service boiler', scheduledStart: todayAt(10), scheduledEnd: todayAt(12), technicianIds: [tom.user.id] });
    jobs.tap = await api(owner, 'POST', '/api/v1/jobs', { title: 'Fix leaking tap', scheduledStart: todayAt(11), scheduledEnd: todayAt(12, 30), technicianIds: [tom.user.id] });
    jobs.tomorrow = await api(owner, 'POST', '/api/v1/jobs', { title: 'Fit new radiator', scheduledStart: todayAt(9, 0, 1), scheduledEnd: todayAt(11, 0, 1), technicianIds: [tom.user.id] });
    jobs.anns = await api(owner, 'POST', '/api/v1/jobs', { title: 'Unblock drain', scheduledStart: todayAt(8), scheduledEnd: todayAt(9), technicianIds: [ann.user.id] });
    const context = await web.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, dee.email);
  }, 120_000);
  afterAll(async () => {
    await web?.close();
  });

  it('a dispatcher marks a technician away from Settings → People, for today', async () => {
    await page.goto('/settings');
    const people = page.getByRole('region', { name: 'People' });
    await people.getByRole('button', { name: 'Time off for Ann Fitter' }).click();
    const dialog = page.getByRole('dialog', { name: 'Time off for Ann Fitter' });
    await dialog.getByLabel('First day away').fill(localDate());
    await dialog.getByLabel('Note').fill('Off sick');
    await dialog.getByRole('button', { name: 'Add time off' }).click();
    await dialog.getByRole('list', { name: 'Time off of Ann Fitter' }).getByText('Off sick').waitFor(T);
    await screenshot(page, 'dispatch-time-off-dialog-1440');
    await dialog.getByRole('button', { name: 'Done' }).click();
    const saved = await api(owner, 'GET', `/api/v1/users/${ann.user.id}`);
    expect(saved.timeOff).toEqual([{ from: todayAt(0), to: todayAt(0, 0, 1), note: 'Off sick' }]);
    await people.getByText('Away').waitFor(T);
  });

  it('shows each technician’s day: the one away greyed out, overlapping jobs flagged', async () => {
    await page.getByRole('link', { name: 'Dispatch', exact: true }).click();
    await page.getByRole('heading', { name: 'Dispatch' }).waitFor(T);
    await row('Tom Tech').locator('.dispatch-job', { hasText: 'Service boiler' }).waitFor(T);
    await expect.poll(() => row('Ann Fitter').evaluate((el) => el.classList.contains('has-away')), T).toBe(true);
    await row('Ann Fitter').locator('.dispatch-away').first().waitFor(T);
    expect(await row('Tom Tech').locator('.dispatch-away').count()).toBe(0);
    await row('Tom Tech').getByText('2 overlapping').waitFor(T);
    expect(await row('Tom Tech').locator('.dispatch-job.conflict').count()).toBe(2);
    await expect.poll(() => row('Ann Fitter').locator('.dispatch-job', { hasText: 'Unblock drain' }).getAttribute('aria-label'), T).toContain('technician away');
    await page.getByRole('region', { name: 'Unscheduled jobs' }).getByText('Replace boiler valve').waitFor(T);
    await screenshot(page, 'dispatch-day-1440');
  });

  it('dragging an unscheduled job onto a technician at 14:00 schedules and assigns it, and the job.scheduled rule makes its task', async () => {
    const card = page.getByRole('region', { name: 'Unscheduled jobs' }).locator('.dispatch-job', { hasText: 'Replace boiler valve' });
    const slot = row('Tom Tech').locator(`.dispatch-slot[data-slot="Tom Tech at ${hhmm(14)}"]`);
    await drag(page, card, slot);
    await row('Tom Tech').locator('.dispatch-job', { hasText: 'Replace boiler valve' }).waitFor(T);
    await expect.poll(async () => {
      const job = await api(owner, 'GET', `/api/v1/jobs/${jobs.valve!.id}`);
      return [job.technicianIds, job.scheduledStart, job.scheduledEnd];
    }, T).toEqual([[tom.user.id], todayAt(14), todayAt(15)]);
    await expect.poll(async () => (await api(owner, 'GET', `/api/v1/tasks?link=job:${jobs.valve!.id}`)).items.map((t: { title: string; assigneeId: string }) => [t.title, t.assigneeId]), T)
      .toEqual([['Prepare parts for Replace boiler valve', tom.user.id]]);
    expect(await page.getByRole('region', { name: 'Unscheduled jobs' }).locator('.dispatch-job').count()).toBe(0);
  });

  it('clears an overlap without dragging: the Schedule dialog from the keyboard', async () => {
    await row('Tom Tech').locator('.dispatch-job', { hasText: 'Fix leaking tap' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Schedule “Fix leaking tap”' });
    await dialog.getByLabel('Start').fill(hhmm(16));
    await screenshot(page, 'dispatch-schedule-dialog-1440');
    await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
    await expect.poll(async () => (await api(owner, 'GET', `/api/v1/jobs/${jobs.tap!.id}`)).scheduledStart, T).toBe(todayAt(16));
    expect((await api(owner, 'GET', `/api/v1/jobs/${jobs.tap!.id}`)).scheduledEnd).toBe(todayAt(17, 30));
    await expect.poll(() => row('Tom Tech').locator('.dispatch-job.conflict').count(), T).toBe(0);
  });

  it('shows the week, a column a day', async () => {
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await row('Tom Tech').locator('.dispatch-job', { hasText: 'Fit new radiator' }).waitFor(T);
    // The overlap marks sit on their cards, inside the grid.
    const grid = (await page.locator('.dispatch-scroll').boundingBox())!;
    for (const flag of await page.locator('.dispatch-job-flag').all()) {
      const box = (await flag.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(grid.y);
    }
    expect(await page.locator('.dispatch-scroll').evaluate((el) => el.scrollLeft)).toBe(0);
    await screenshot(page, 'dispatch-week-1440');
    await page.getByRole('button', { name: 'Day', exact: true }).click();
  });

  it('moves a job someone else reschedules, without a reload', async () => {
    await row('Tom Tech').locator('.dispatch-job', { hasText: 'Service boiler' }).waitFor(T);
    const radiator = await api(owner, 'GET', `/api/v1/jobs/${jobs.tomorrow!.id}`);
    await api(owner, 'PATCH', `/api/v1/jobs/${jobs.tomorrow!.id}`, { scheduledStart: todayAt(7), scheduledEnd: todayAt(8) });
    expect(radiator.scheduledStart).toBe(todayAt(9, 0, 1));
    await row('Tom Tech').locator('.dispatch-job', { hasText: 'Fit new radiator' }).waitFor(T);
  });

  it('at 390 px the board scrolls sideways inside itself, not the page', async () => {
    const context = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    reportPageErrors(phone, errors);
    await logIn(phone, dee.email);
    await phone.goto('/dispatch');
    await phone.locator('.dispatch-row[data-technician="Tom Tech"] .dispatch-job', { hasText: 'Service boiler' }).waitFor(T);
    const sizes = await phone.evaluate(() => {
      const grid = document.querySelector('.dispatch-scroll')!;
      return { page: document.documentElement.scrollWidth, grid: grid.scrollWidth, shown: grid.clientWidth };
    });
    expect(sizes.page).toBeLessThanOrEqual(390);
    expect(sizes.grid).toBeGreaterThan(sizes.shown);
    await screenshot(phone, 'dispatch-day-390');
    await phone.getByRole('combobox', { name: 'Technician', exact: true }).selectOption({ label: 'Tom Tech' });
    await phone.getByRole('button', { name: 'Week', exact: true }).click();
    await phone.locator('.dispatch-row[data-technician="Tom Tech"] .dispatch-job', { hasText: 'Fit new radiator' }).waitFor(T);
    expect(await phone.locator('.dispatch-row').count()).toBe(1);
    await screenshot(phone, 'dispatch-week-390');
    await context.close();
  });

  it('the Jobs list shows a technician their jobs of today', async () => {
    const context = await web.newContext({ viewport: { width: 390, height: 844 } });
    const phone = await context.newPage();
    reportPageErrors(phone, errors);
    await logIn(phone, tom.email);
    await phone.goto('/jobs');
    await phone.getByText('Unblock drain').waitFor(T);
    await phone.getByLabel('Which jobs').selectOption('today');
    await phone.getByLabel('Only mine').check();
    await phone.waitForURL(/when=today/, T);
    await phone.getByText('Replace boiler valve').waitFor(T);
    await expect.poll(() => phone.locator('.record-row-title').allTextContents(), T).toEqual(['Fit new radiator', 'Service boiler', 'Replace boiler valve', 'Fix leaking tap']);
    await screenshot(phone, 'jobs-mine-today-390');
    await context.close();
    expect(errors).toEqual([]);
  });
});

function localDate(): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
}

/** An hour as the page writes it (en-GB: 14:00). */
function hhmm(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** A drag as a person makes it: press, move past the sensor's threshold in steps, release over the target. */
async function drag(page: Page, from: ReturnType<Page['locator']>, to: ReturnType<Page['locator']>): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.move(b.x + b.width / 2 + 1, b.y + b.height / 2, { steps: 2 });
  await page.mouse.up();
}
