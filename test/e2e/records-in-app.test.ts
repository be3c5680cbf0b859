// Records made and changed in the app, in a real browser: a dispatcher adds a contact and a lead for them and sees
// the rule's follow-up task; a job is marked incomplete from its page and the rebook task appears; a visitor sends
// the public lead form; each form at 1440 and 390 px, with the API's messages beside the fields.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `records in the app (skipped: ${skip})` : 'records in the app', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  const errors: string[] = [];

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await owner.call(method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Ridge Plumbing', 'Dee Dispatcher');
    await api('POST', '/api/v1/rules', { name: 'Call new leads back', trigger: { event: 'lead.created' }, actions: [{ type: 'create_task', title: 'Call {{record.title}} back', priority: 'high' }] });
    await api('POST', '/api/v1/rules', {
      name: 'Rebook incomplete jobs',
      trigger: { event: 'job.status_changed', where: [{ field: 'data.to', op: 'eq', value: 'incomplete' }] },
      actions: [{ type: 'create_task', title: 'Rebook {{record.title}}', priority: 'urgent' }],
    });
    const context = await web.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, owner.email);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('a dispatcher adds a contact, then a lead for them, and sees the rule’s follow-up task on the lead', async () => {
    await page.getByRole('link', { name: 'Records', exact: true }).click();
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor(T);
    await page.getByRole('button', { name: '+ New contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.getByLabel('Phone').fill('07700 900123');
    await dialog.getByLabel('Email').fill('dana at example');
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    // The API's messages, each beside its field.
    await dialog.locator('.field.has-error', { has: page.getByLabel('Email') }).getByRole('alert').waitFor(T);
    await dialog.locator('.field.has-error', { has: page.getByLabel('Name') }).getByRole('alert').waitFor(T);
    await screenshot(page, 'record-form-errors-1440');
    await dialog.getByLabel('Name').fill('Dana Price');
    await dialog.getByLabel('Email').fill('dana@example.test');
    await dialog.getByLabel('Address').fill('4 Mill Lane, York');
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('heading', { name: 'Dana Price' }).waitFor(T);

    await page.getByRole('button', { name: '+ New lead' }).click();
    const leadForm = page.getByRole('dialog', { name: 'New lead' });
    await expect.poll(() => leadForm.getByLabel('Contact').locator('option:checked').textContent(), T).toBe('Dana Price');
    await leadForm.getByLabel('Title').fill('Boiler replacement');
    await leadForm.getByLabel('Value').fill('2400');
    await leadForm.getByLabel('Source').fill('phone');
    await screenshot(page, 'record-form-lead-1440');
    await leadForm.getByRole('button', { name: 'Add lead' }).click();
    await page.getByRole('heading', { name: 'Boiler replacement' }).waitFor(T);
    await page.locator('.record-task-list .task-title', { hasText: 'Call Boiler replacement back' }).waitFor(T);

    const leads = await api('GET', '/api/v1/leads');
    expect(leads.items).toHaveLength(1);
    const contacts = await api('GET', '/api/v1/contacts');
    expect(leads.items[0]).toMatchObject({ title: 'Boiler replacement', value: 2400, source: 'phone', contactId: contacts.items[0].id, ownerId: owner.user.id });
    expect(contacts.items[0]).toMatchObject({ name: 'Dana Price', phone: '07700 900123', email: 'dana@example.test' });
    expect(errors).toEqual([]);
  });

  it('edits a lead in place: a refused value shows beside its field, a good one is saved', async () => {
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit lead' });
    await form.getByLabel('Value').fill('-5');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.locator('.field.has-error', { has: page.getByLabel('Value') }).getByRole('alert').waitFor(T);
    await form.getByLabel('Value').fill('3100');
    await form.getByLabel('Stage').selectOption({ label: 'Quoted' });
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor(T);
    const lead = (await api('GET', '/api/v1/leads')).items[0];
    expect(lead).toMatchObject({ value: 3100, stage: 'quoted' });
    await page.locator('.facts-list', { hasText: '3,100' }).waitFor(T);
    expect(errors).toEqual([]);
  });

  it('marks a job incomplete from its page and the rebook task appears; the jobs list changes a status in place', async () => {
    const client = await api('POST', '/api/v1/clients', { name: 'Price household', address: '4 Mill Lane, York' });
    await page.goto(`/clients/${client.id}`);
    await page.getByRole('heading', { name: 'Price household' }).waitFor(T);
    await page.getByRole('button', { name: '+ New job' }).click();
    const form = page.getByRole('dialog', { name: 'New job' });
    await expect.poll(() => form.getByLabel('Address').inputValue(), T).toBe('4 Mill Lane, York');
    await form.getByLabel('Title').fill('Fit new boiler');
    await form.getByLabel('Starts').fill('2030-05-04T09:00');
    await form.getByLabel('Ends').fill('2030-05-04T08:00');
    await form.getByRole('checkbox', { name: 'Dee Dispatcher' }).check();
    await form.getByRole('button', { name: 'Add job' }).click();
    const endError = form.locator('.field.has-error', { has: page.getByLabel('Ends') }).getByRole('alert');
    await endError.waitFor(T);
    expect(await endError.textContent()).toBe('must not be before the start');
    await form.getByLabel('Ends').fill('2030-05-04T12:00');
    await form.getByRole('button', { name: 'Add job' }).click();
    await page.getByRole('heading', { name: 'Fit new boiler' }).waitFor(T);
    const job = (await api('GET', '/api/v1/jobs')).items[0];
    expect(job).toMatchObject({ clientId: client.id, technicianIds: [owner.user.id], status: 'scheduled', address: '4 Mill Lane, York' });
    expect(Date.parse(job.scheduledEnd) - Date.parse(job.scheduledStart)).toBe(3 * 3600_000);

    await page.getByLabel('Status of Fit new boiler').selectOption('incomplete');
    await page.locator('.record-task-list .task-title', { hasText: 'Rebook Fit new boiler' }).waitFor(T);
    expect((await api('GET', `/api/v1/jobs/${job.id}`)).status).toBe('incomplete');
    await screenshot(page, 'job-page-1440');

    await page.getByRole('link', { name: 'Jobs' }).first().click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor(T);
    await page.getByLabel('Which jobs').selectOption('all');
    await page.getByLabel('Status of Fit new boiler').selectOption('scheduled');
    await expect.poll(async () => (await api('GET', `/api/v1/jobs/${job.id}`)).status, T).toBe('scheduled');
    await screenshot(page, 'jobs-list-1440');
    expect(errors).toEqual([]);
  });

  it('shows the website form in Settings, and a visitor’s request through it becomes a contact and a website lead', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const section = page.getByRole('region', { name: 'Website request form' });
    await section.waitFor(T);
    const link = (await section.getByTestId('lead-form-link').textContent())!;
    const slug = (await api('GET', '/api/v1/org')).slug;
    expect(link).toBe(`${web.baseUrl}/f/${slug}`);
    expect(await section.getByLabel('Embed code').inputValue()).toContain(`<iframe src="${web.baseUrl}/f/${slug}"`);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-lead-form-1440');

    // Framed by another site, as the embed code does.
    const response = await fetch(link);
    expect(response.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(response.headers.get('x-frame-options')).toBeNull();
    expect((await fetch(`${web.baseUrl}/leads`)).headers.get('x-frame-options')).toBe('DENY');

    for (const [width, height] of [[1440, 900], [390, 844]] as const) {
      const visitor = await (await web.newContext({ viewport: { width, height } })).newPage();
      reportPageErrors(visitor, errors);
      await visitor.goto(`/f/${slug}`);
      await visitor.getByRole('heading', { name: 'Ask Ridge Plumbing for help' }).waitFor(T);
      await visitor.getByLabel('Your name').fill(`Sam Visitor ${width}`);
      await visitor.getByRole('button', { name: 'Send request' }).click();
      await visitor.locator('.field.has-error', { has: visitor.getByLabel('Phone') }).getByRole('alert').waitFor(T);
      await screenshot(visitor, `lead-form-errors-${width}`);
      await visitor.getByLabel('Phone').fill('0113 496 0000');
      await visitor.getByLabel('What do you need?').fill('Leaking radiator valve in the kitchen');
      await screenshot(visitor, `lead-form-${width}`);
      await visitor.getByRole('button', { name: 'Send request' }).click();
      await visitor.getByRole('heading', { name: 'Thank you' }).waitFor(T);
      await visitor.context().close();
    }
    const leads = (await api('GET', '/api/v1/leads?source=website')).items;
    expect(leads.map((l: any) => l.title).sort()).toEqual(['Sam Visitor 1440 — Leaking radiator valve in the kitchen', 'Sam Visitor 390 — Leaking radiator valve in the kitchen']);
    expect(errors).toEqual([]);
  });

  it('works at 390 px: New job from the list, and the job status control on the page', async () => {
    const phone = await (await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    reportPageErrors(phone, errors);
    await logIn(phone, owner.email);
    await phone.goto('/jobs');
    await phone.getByRole('heading', { name: 'Jobs' }).waitFor(T);
    await phone.getByRole('button', { name: '+ New job' }).click();
    const form = phone.getByRole('dialog', { name: 'New job' });
    await form.getByLabel('Title').fill('Service the boiler');
    await screenshot(phone, 'record-form-job-390');
    // Every field fits across the phone's screen.
    for (const box of await form.locator('input, select, textarea').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right))) expect(box).toBeLessThanOrEqual(390);
    await form.getByRole('button', { name: 'Add job' }).click();
    await phone.getByRole('heading', { name: 'Service the boiler' }).waitFor(T);
    await phone.getByLabel('Status of Service the boiler').selectOption('completed');
    await expect.poll(async () => (await api('GET', '/api/v1/jobs?q=Service')).items[0]?.status, T).toBe('completed');
    await screenshot(phone, 'job-page-390');
    await phone.getByRole('button', { name: 'Edit' }).click();
    await screenshot(phone, 'record-edit-390');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.goto('/settings');
    const section = phone.getByRole('region', { name: 'Website request form' });
    await section.scrollIntoViewIfNeeded(T);
    await screenshot(phone, 'settings-lead-form-390');
    expect((await section.boundingBox())!.width).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
  });
  it('starts a lead from quick add: "+lead …" opens the lead form with its title filled in, and the new lead opens', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'My work' }).waitFor(T);
    await page.keyboard.press('c');
    const quick = page.getByRole('dialog', { name: 'New task' });
    await quick.getByLabel('What needs doing?').fill('+lead Gas fire service for Mrs Kaur');
    await quick.getByText('New lead: Gas fire service for Mrs Kaur').waitFor(T);
    await quick.getByRole('button', { name: 'New lead…' }).click();
    const form = page.getByRole('dialog', { name: 'New lead' });
    expect(await form.getByLabel('Title').inputValue()).toBe('Gas fire service for Mrs Kaur');
    await form.getByLabel('Value').fill('180');
    await form.getByRole('button', { name: 'Add lead' }).click();
    await page.getByRole('heading', { name: 'Gas fire service for Mrs Kaur' }).waitFor(T);
    const leads = await api('GET', '/api/v1/leads?q=Gas%20fire');
    expect(leads.items).toHaveLength(1);
    expect(leads.items[0]).toMatchObject({ title: 'Gas fire service for Mrs Kaur', value: 180 });
    // No task was made of the line.
    expect((await api('GET', '/api/v1/tasks?q=lead%20Gas')).items).toEqual([]);
    expect(errors).toEqual([]);
  });
});
