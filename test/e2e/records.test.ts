// The record pages in a real browser, on the demo business: the leads pipeline board (drag to change a stage),
// searchable lists, and a record's page with tap-to-call, a maps link, its open tasks and Add task.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/service.ts';
import { browserSkipReason, logIn, reportPageErrors, screenshot, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

/** Calls the API from the page, with its session cookie and CSRF header. */
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

/** Drags with the mouse in small steps, the way a person does (dnd-kit waits for movement before it starts). */
async function dragTo(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + 60, { steps: 12 });
  await page.mouse.up();
}

describe.skipIf(skip !== null)(skip ? `record pages (skipped: ${skip})` : 'record pages', () => {
  let web: WebApp;
  let login: { email: string; password: string };
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    ({ login } = await loadDemo(web.server.database, { seed: 7, scale: 0 }));
    const context = await web.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, login.email, login.password);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('moves a lead to "quoted" by dragging it on the pipeline board', async () => {
    await page.getByRole('link', { name: 'Records', exact: true }).click();
    await page.getByRole('heading', { name: 'Leads' }).waitFor(T);
    const contacted = await api(page, 'GET', '/api/v1/leads?stage=contacted&limit=1');
    const lead = contacted.items[0];
    const card = page.locator(`.card-slot[data-lead-id="${lead.id}"]`);
    await card.waitFor(T);
    const quotedBefore = Number(await page.getByTestId('stage-count-quoted').textContent());
    await screenshot(page, 'leads-1400');

    await dragTo(page, card, page.locator('section[data-stage="quoted"]'));
    await expect.poll(async () => (await api(page, 'GET', `/api/v1/leads/${lead.id}`)).stage, T).toBe('quoted');
    await page.locator(`section[data-stage="quoted"] .card-slot[data-lead-id="${lead.id}"]`).waitFor(T);
    await expect.poll(() => page.getByTestId('stage-count-quoted').textContent(), T).toBe(String(quotedBefore + 1));
    const history = await api(page, 'GET', `/api/v1/leads/${lead.id}/history`);
    expect(history.items.some((h: { field: string; to: unknown }) => h.field === 'stage' && h.to === 'quoted')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('shows a lead with its contact (tap to call, maps link), open tasks and counts, and adds a linked task in one go', async () => {
    const leads = await api(page, 'GET', '/api/v1/leads?limit=200');
    const lead = leads.items.find((l: { contactId: string | null }) => l.contactId);
    const contact = await api(page, 'GET', `/api/v1/contacts/${lead.contactId}`);
    await page.goto(`/leads/${lead.id}`);
    await page.getByRole('heading', { name: lead.title }).waitFor(T);
    const detail = await api(page, 'GET', `/api/v1/leads/${lead.id}`);
    await expect.poll(() => page.getByTestId('count-open').textContent(), T).toBe(`${detail.tasks.counts.open} open`);
    expect(await page.getByTestId('count-overdue').textContent()).toBe(`${detail.tasks.counts.overdue} overdue`);
    expect(await page.locator('.stage-step[aria-pressed="true"]').getAttribute('class')).toContain(`stage-${detail.stage}`);

    const call = page.getByRole('link', { name: `Call ${contact.phone}` });
    expect(await call.getAttribute('href')).toBe(`tel:${contact.phone.replace(/[^\d+]/g, '')}`);
    if (contact.address) {
      const map = page.getByRole('link', { name: `Open ${contact.address} in maps` }).first();
      expect(await map.getAttribute('href')).toContain('https://www.google.com/maps/search/?api=1&query=');
    }
    await screenshot(page, 'lead-detail-1400');

    await page.getByRole('button', { name: '+ Add task' }).click();
    await page.getByLabel('Task title').fill('Send the revised quote');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByTestId('count-open').textContent(), T).toBe(`${detail.tasks.counts.open + 1} open`);
    await page.locator('.record-task-list .task-row', { hasText: 'Send the revised quote' }).waitFor(T);
    const created = await api(page, 'GET', `/api/v1/tasks?link=lead:${lead.id}&q=revised`);
    expect(created.items).toHaveLength(1);
    expect(created.items[0].links).toMatchObject([{ type: 'lead', id: lead.id }]);

    // Its stage changes from the page too.
    await page.getByRole('button', { name: 'Won' }).click();
    await expect.poll(async () => (await api(page, 'GET', `/api/v1/leads/${lead.id}`)).stage, T).toBe('won');
    expect(errors).toEqual([]);
  });

  it('searches clients, jobs and services, and shows a job with its scheduled time', async () => {
    const clients = await api(page, 'GET', '/api/v1/clients?limit=200');
    const client = clients.items[3];
    await page.goto('/clients');
    await page.locator('.record-row').first().waitFor(T);
    await page.getByLabel('Search clients').fill(client.name);
    await expect.poll(() => page.locator('.record-row').count(), T).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.locator('.record-row').first().textContent(), T).toContain(client.name);
    await screenshot(page, 'clients-1400');

    await page.getByRole('link', { name: 'Services' }).click();
    await page.getByRole('heading', { name: 'Services' }).waitFor(T);
    await page.locator('.record-row').first().waitFor(T);

    const jobs = await api(page, 'GET', '/api/v1/jobs?limit=200&status=scheduled');
    const everyJob: { title: string }[] = (await api(page, 'GET', '/api/v1/jobs?limit=200')).items;
    // One whose title no other job has, so the search finds it alone.
    const job = jobs.items.find((j: { title: string; scheduledStart: string | null }) => j.scheduledStart && everyJob.filter((o) => o.title === j.title).length === 1);
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.getByLabel('Which jobs').selectOption('all');
    await page.getByLabel('Search jobs').fill(job.title);
    await page.locator('.record-row', { hasText: job.title }).first().click();
    await page.getByRole('heading', { name: job.title }).waitFor(T);
    const shown = await page.getByTestId('job-scheduled').textContent();
    const expected = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(job.scheduledStart));
    expect(shown).toContain(expected);
    await screenshot(page, 'job-detail-1400');
    expect(errors).toEqual([]);
  });

  it('fits a phone at 390 px', async () => {
    const context = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    reportPageErrors(phone, errors);
    await logIn(phone, login.email, login.password);
    await phone.goto('/leads');
    await phone.locator('.card-slot').first().waitFor(T);
    await screenshot(phone, 'leads-390');
    const leads = await api(phone, 'GET', '/api/v1/leads?limit=200');
    const lead = leads.items.find((l: { contactId: string | null }) => l.contactId);
    await phone.goto(`/leads/${lead.id}`);
    await phone.getByRole('heading', { name: lead.title }).waitFor(T);
    await phone.locator('a[href^="tel:"]').first().waitFor(T);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'lead-detail-390');
    await phone.goto('/jobs');
    await phone.locator('.record-row').first().waitFor(T);
    await screenshot(phone, 'jobs-390');
    expect(errors).toEqual([]);
    await context.close();
  });
});
