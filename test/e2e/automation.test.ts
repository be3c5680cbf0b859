// The automation page in a real browser: a rule built through the form works on the next lead,
// its dry run shows what it would have created, it turns off, the run log shows its run, and a playbook installs.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `automation page (skipped: ${skip})` : 'automation page', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  let ruleId: string;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Sparkle Cleaning');
    const context = await web.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, owner.email);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('builds a rule through the form, and the rule makes a task for the next website lead', async () => {
    // A lead from before the rule, for the dry run to find.
    expect((await owner.call('POST', '/api/v1/leads', { title: 'Earlier — Patel', source: 'website' })).status).toBe(201);
    await page.getByRole('link', { name: 'Automation', exact: true }).click();
    await page.getByText('No rules yet').waitFor(T);
    await page.getByRole('button', { name: '+ New rule' }).click();

    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Rule name').fill('Call new website leads back');
    await form.getByLabel('Event', { exact: true }).selectOption('lead.created');
    await form.getByRole('button', { name: '+ Add condition' }).click();
    // Everything about the record is picked from menus in words: no field names, no braces.
    await form.getByLabel('Condition 1: what to look at').selectOption({ label: "the lead's source" });
    await form.getByLabel('Condition 1: how to compare').selectOption({ label: 'is' });
    await form.getByLabel('Condition 1: value').selectOption({ label: 'Website' });
    await form.getByRole('textbox', { name: 'Title' }).click();
    await page.keyboard.type('Call ');
    await form.getByRole('button', { name: '+ Insert a detail' }).click();
    await form.getByRole('menuitem', { name: "the lead's title" }).click();
    await page.keyboard.type(' back');
    await form.getByLabel('Priority').selectOption('high');
    await form.getByRole('group', { name: 'Create task 1' }).getByRole('spinbutton').fill('2');
    await form.getByLabel('in business hours').check();
    await form.getByLabel('Assign to').selectOption('record_owner');
    const item = form.getByLabel('Add a checklist item');
    await item.fill('Confirm the address');
    await item.press('Enter');
    await item.fill('Offer a visit slot');
    await item.press('Enter');
    // The form tries the rule on the last 30 days before it is saved: the earlier website lead.
    await expect.poll(() => form.getByTestId('dry-run-summary').textContent(), T).toContain('1 task would have been created');
    // The title reads with a real example from that lead, and the rule's summary has no braces or field names.
    await expect.poll(() => form.getByTestId('title-preview-0').textContent(), T).toContain('Call Earlier — Patel back');
    await screenshot(page, 'automation-builder-1400');
    await form.getByRole('button', { name: 'Create and turn on' }).click();
    await page.locator('.rule', { hasText: 'Call new website leads back' }).waitFor(T);
    const sentence = await page.locator('.rule', { hasText: 'Call new website leads back' }).locator('.rule-when').textContent();
    expect(sentence).toBe("When a lead comes in and the lead's source is Website: create “Call ‹the lead's title› back”");
    expect(await page.locator('main').textContent()).not.toMatch(/\{\{|record\.|data\./);

    const rules = (await owner.call('GET', '/api/v1/rules')).body.items;
    expect(rules).toHaveLength(1);
    ruleId = rules[0].id;
    expect(rules[0]).toMatchObject({
      name: 'Call new website leads back',
      enabled: true,
      trigger: { event: 'lead.created', where: [{ field: 'record.source', op: 'eq', value: 'website' }], delay: 'PT0S' },
      actions: [{ type: 'create_task', title: 'Call {{record.title}} back', priority: 'high', due: 'PT2H', businessHours: true, assign: { strategy: 'record_owner' }, checklist: ['Confirm the address', 'Offer a visit slot'] }],
    });

    const lead = (await owner.call('POST', '/api/v1/leads', { title: 'Boiler service — Reyes', source: 'website' })).body;
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks?link=lead:${lead.id}`)).body.items.map((t: { title: string }) => t.title), T).toEqual(['Call Boiler service — Reyes back']);
    const task = (await owner.call('GET', `/api/v1/tasks?link=lead:${lead.id}`)).body.items[0];
    expect(task).toMatchObject({ priority: 'high', assigneeId: owner.user.id, source: { kind: 'rule', ruleId } });
    expect(task.checklist.map((c: { text: string }) => c.text)).toEqual(['Confirm the address', 'Offer a visit slot']);
    // A phone lead is left alone.
    const phoneLead = (await owner.call('POST', '/api/v1/leads', { title: 'Gutter clean — Lee', source: 'phone' })).body;
    // Its miss is counted on the rule, not logged as a run.
    await expect.poll(async () => (await owner.call('GET', `/api/v1/rules/${ruleId}`)).body.stats.missed, T).toBeGreaterThanOrEqual(1);
    expect((await owner.call('GET', `/api/v1/tasks?link=lead:${phoneLead.id}`)).body.items).toEqual([]);
    expect((await owner.call('GET', `/api/v1/automation/runs?ruleId=${ruleId}`)).body.items.map((r: { outcome: string }) => r.outcome)).toEqual(['success']);
    await page.reload();
    await expect.poll(() => page.locator(`.rule[data-rule-id="${ruleId}"] .rule-stats`).textContent(), T).toMatch(/fired 1 \(\d+%\) · [1-9]\d* did not match/);
    expect(errors).toEqual([]);
  });

  it('shows in a dry run what the rule would have created from past events', async () => {
    const row = page.locator(`.rule[data-rule-id="${ruleId}"]`);
    await row.getByRole('button', { name: 'Dry run' }).click();
    const summary = row.getByTestId('dry-run-summary');
    await summary.waitFor(T);
    // Both website leads match; the live run already made one of the tasks, so the replay reports the rest as it would have.
    const api = (await owner.call('POST', `/api/v1/rules/${ruleId}/dry-run`, { days: 30 })).body;
    await expect.poll(() => summary.textContent(), T).toContain(`${api.wouldCreate} task`);
    expect(await summary.textContent()).toContain(`from ${api.eventsConsidered} event`);
    if (api.wouldCreate > 0) await row.locator('.dry-run-list li', { hasText: 'Call Earlier — Patel back' }).waitFor(T);
    await screenshot(page, 'automation-rules-1400');
    expect(errors).toEqual([]);
  });

  it('turns a rule off and on with its switch', async () => {
    const toggle = page.getByRole('switch', { name: 'Call new website leads back enabled' });
    // Clicked where a person clicks, the switch's track, once it holds still (the input over it is transparent).
    const track = page.locator(`.rule[data-rule-id="${ruleId}"] label.switch`);
    await track.click();
    await expect.poll(() => toggle.isChecked(), T).toBe(false);
    await expect.poll(async () => (await owner.call('GET', `/api/v1/rules/${ruleId}`)).body.enabled, T).toBe(false);
    await track.click();
    await expect.poll(() => toggle.isChecked(), T).toBe(true);
    await expect.poll(async () => (await owner.call('GET', `/api/v1/rules/${ruleId}`)).body.enabled, T).toBe(true);
  });

  it('edits a rule in the same form, keeping what it does not show', async () => {
    const row = page.locator(`.rule[data-rule-id="${ruleId}"]`);
    await row.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit Call new website leads back' });
    expect(await form.getByLabel('Condition 1: value').locator('option:checked').textContent()).toBe('Website');
    await form.getByLabel('Condition 1: how to compare').selectOption({ label: 'is one of' });
    const values = form.getByRole('group', { name: 'Condition 1: values' });
    expect(await values.getByLabel('Website').isChecked()).toBe(true);
    await values.getByLabel('Referral').check();
    // A source of the business's own, typed by hand into the list.
    await values.getByLabel('Condition 1: another value').fill('google_ads');
    await values.getByLabel('Condition 1: another value').press('Enter');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.locator('.rule', { hasText: "the lead's source is one of Website, Referral or Google ads" }).waitFor(T);
    const rule = (await owner.call('GET', `/api/v1/rules/${ruleId}`)).body;
    expect(rule.trigger.where).toEqual([{ field: 'record.source', op: 'in', value: ['website', 'referral', 'google_ads'] }]);
    expect(rule.actions[0].checklist).toEqual(['Confirm the address', 'Offer a visit slot']);
  });

  it('shows the API’s message beside the field it names when a rule is refused', async () => {
    await page.getByRole('button', { name: '+ New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Rule name').fill('Chase unpaid invoices');
    await form.getByLabel('Event', { exact: true }).selectOption('custom');
    await form.getByLabel('Custom event type').fill('Invoice overdue');
    await form.getByRole('textbox', { name: 'Title' }).click();
    await page.keyboard.type('Chase invoice ');
    // Another system's event: its details go by the names it gives them.
    await form.getByRole('button', { name: '+ Insert a detail' }).click();
    await form.getByRole('menuitem', { name: 'A detail the event comes with…' }).click();
    await form.getByLabel("The detail's name, as the other system sends it").fill('number');
    await form.getByRole('button', { name: 'Insert', exact: true }).click();
    await form.getByRole('button', { name: 'Create and turn on' }).click();
    await expect.poll(() => form.locator('.field-error').first().textContent(), T).toContain('namespace.name');
    await form.getByLabel('Custom event type').fill('invoice.overdue');
    await expect.poll(() => form.getByTestId('dry-run-summary').textContent(), T).toContain('0 tasks would have been created');
    await form.getByRole('button', { name: 'Create and turn on' }).click();
    await page.locator('.rule', { hasText: 'Chase unpaid invoices' }).waitFor(T);
    const chase = (await owner.call('GET', '/api/v1/rules')).body.items.find((r: { name: string }) => r.name === 'Chase unpaid invoices');
    expect(chase.trigger.event).toBe('invoice.overdue');
    expect(chase.actions[0].title).toBe('Chase invoice {{data.number}}');
  });

  it('lists each run in the run log', async () => {
    await page.getByRole('tab', { name: 'Run log' }).click();
    await page.locator('tr[data-run-outcome="success"]', { hasText: 'Call new website leads back' }).first().waitFor(T);
    await screenshot(page, 'automation-runs-1400');
  });

  it('installs a playbook with one click, and installing again adds nothing', async () => {
    await page.getByRole('tab', { name: 'Playbooks' }).click();
    const playbooks = (await owner.call('GET', '/api/v1/playbooks')).body.items;
    const first = playbooks[0];
    const card = page.getByRole('region', { name: first.name });
    await card.waitFor(T);
    await screenshot(page, 'automation-playbooks-1400');
    const before = (await owner.call('GET', '/api/v1/rules')).body.items.length;
    await card.getByRole('button', { name: /^Install/ }).click();
    await page.locator('.rule', { hasText: first.rules[0].name }).waitFor(T);
    expect((await owner.call('GET', '/api/v1/rules')).body.items.length).toBe(before + first.rules.length);
    await page.getByRole('tab', { name: 'Playbooks' }).click();
    await page.getByRole('region', { name: first.name }).getByRole('button', { name: /^Install/ }).click();
    await page.getByText('Already installed — nothing added').waitFor(T);
    expect((await owner.call('GET', '/api/v1/rules')).body.items.length).toBe(before + first.rules.length);
    expect(errors).toEqual([]);
  });

  it('saves a new rule as a draft with its dry run in the form, and asks before turning on one that would have made more than 20 tasks', async () => {
    const events = Array.from({ length: 24 }, (_, i) => ({ type: 'review.received', subject: { type: 'review', id: `r-${i}` }, data: { stars: 2 }, occurredAt: new Date(Date.now() - (i + 1) * 3600_000).toISOString() }));
    expect((await owner.call('POST', '/api/v1/events/batch', { events })).status).toBe(202);
    await page.getByRole('tab', { name: 'Rules' }).click();
    await page.getByRole('button', { name: '+ New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Rule name').fill('Answer poor reviews');
    await form.getByLabel('Event', { exact: true }).selectOption('custom');
    await form.getByLabel('Custom event type').fill('review.received');
    await form.getByLabel('Title').fill('Answer the review');
    await expect.poll(() => form.getByTestId('dry-run-summary').textContent(), T).toContain('24 tasks would have been created');
    await form.getByRole('button', { name: 'Save as draft' }).click();
    const row = page.locator('.rule', { hasText: 'Answer poor reviews' });
    await row.waitFor(T);
    const draft = (await owner.call('GET', '/api/v1/rules?limit=100')).body.items.find((r: { name: string }) => r.name === 'Answer poor reviews');
    expect(draft.enabled).toBe(false);

    const asked: string[] = [];
    const answer = (accept: boolean) => page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void (accept ? dialog.accept() : dialog.dismiss());
    });
    const toggle = page.getByRole('switch', { name: 'Answer poor reviews enabled' });
    answer(false);
    await toggle.click({ force: true });
    await expect.poll(() => asked.length, T).toBe(1);
    expect(asked[0]).toBe('This rule would have created 24 tasks in the last 30 days. Turn it on?');
    expect((await owner.call('GET', `/api/v1/rules/${draft.id}`)).body.enabled).toBe(false);
    answer(true);
    await toggle.click({ force: true });
    await expect.poll(async () => (await owner.call('GET', `/api/v1/rules/${draft.id}`)).body.enabled, T).toBe(true);
    expect(asked).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('fits a phone at 390 px', async () => {
    const context = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    reportPageErrors(phone, errors);
    await logIn(phone, owner.email);
    await phone.goto('/automation');
    await phone.locator('.rule').first().waitFor(T);
    await screenshot(phone, 'automation-rules-390');
    await phone.getByRole('button', { name: '+ New rule' }).click();
    await phone.getByRole('button', { name: '+ Add condition' }).click();
    await phone.getByLabel('Title').fill('Call back');
    await phone.getByTestId('dry-run-summary').waitFor(T);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'automation-builder-390');
    expect(errors).toEqual([]);
    await context.close();
  });
});
