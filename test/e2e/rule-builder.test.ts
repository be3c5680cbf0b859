// The rule builder in words, in a real browser: a condition and a title with a record's detail are built only by
// picking from menus (the detail a pill, taken out with Backspace or Delete), saved, and read back after a reload;
// nowhere on the page, in its text or its inputs, is there a field path or a template brace. Playbook rules open
// and save unchanged when nothing is edited. Screenshots at 1440 and 390 px go to /tmp/builder/.
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUser, browserSkipReason, logIn, ownerSignedIn, reportPageErrors, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };
const SHOTS = '/tmp/builder';
const RAW = /\{\{|\}\}|record\.|data\./;

/** Everything a person can read on the page: its text, what each box holds, and the option each list shows. */
async function everythingShown(page: Page): Promise<string> {
  return page.evaluate(() => {
    const values = [...document.querySelectorAll('input, textarea')].map((el) => (el as HTMLInputElement).value);
    const chosen = [...document.querySelectorAll('select')].map((el) => el.selectedOptions[0]?.textContent ?? '');
    return [document.body.innerText, ...values, ...chosen].join('\n');
  });
}

/** The title editor's text as it reads, without the invisible places the caret stands. */
const titleText = async (title: Locator) => ((await title.textContent()) ?? '').replaceAll('\u200B', '');

describe.skipIf(skip !== null)(skip ? `rule builder in words (skipped: ${skip})` : 'rule builder in words', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ web, owner, page, errors } = await ownerSignedIn('Reyes Plumbing', { viewport: { width: 1440, height: 1000 } }));
  });
  afterAll(async () => {
    await web?.close();
  });

  it('builds a condition and a title with a detail from menus only, and reads them back after a reload', async () => {
    // A lead from before the rule, for the form's preview to show the title it would have made.
    expect((await owner.call('POST', '/api/v1/leads', { title: 'Leaking tap — Patel', source: 'website' })).status).toBe(201);
    await page.goto('/automation');
    await page.getByRole('button', { name: '+ New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Rule name').fill('Call website leads back');
    await form.getByLabel('Event', { exact: true }).selectOption({ label: 'A lead comes in' });

    await form.getByRole('button', { name: '+ Add condition' }).click();
    const field = form.getByLabel('Condition 1: what to look at');
    expect(await field.locator('option').allTextContents()).toEqual(['Choose…', "the lead's title", "the lead's source", "the lead's stage", "the lead's value", "the lead's owner"]);
    await field.selectOption({ label: "the lead's source" });
    expect(await form.getByLabel('Condition 1: how to compare').locator('option').allTextContents()).toEqual(['is', 'is not', 'is one of', 'is set', 'is not set']);
    await form.getByLabel('Condition 1: how to compare').selectOption({ label: 'is' });
    await form.getByLabel('Condition 1: value').selectOption({ label: 'Website' });
    await form.getByText("Reads: the lead's source is Website").waitFor(T);

    // The title: typed text, then the lead's title from the menu, by keyboard, where the caret is.
    const title = form.getByRole('textbox', { name: 'Title' });
    await title.click();
    await page.keyboard.type('Call ');
    const insert = form.getByRole('button', { name: '+ Insert a detail' });
    await insert.focus();
    await page.keyboard.press('Enter');
    const focused = () => page.evaluate(() => document.activeElement?.textContent);
    await expect.poll(focused, T).toBe("the lead's title");
    expect(await insert.getAttribute('aria-expanded')).toBe('true');
    expect(await form.getByRole('menu', { name: 'Details to insert' }).getByRole('menuitem').allTextContents()).toEqual(["the lead's title", "the lead's source", "the lead's value"]);
    // Arrow keys move through the menu, Escape closes it back onto its button.
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe("the lead's source");
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Escape');
    expect(await insert.getAttribute('aria-expanded')).toBe('false');
    expect(await focused()).toBe('+ Insert a detail');
    await page.keyboard.press('Enter');
    await expect.poll(focused, T).toBe("the lead's title");
    await page.keyboard.press('Enter');
    await page.keyboard.type(' back');
    expect(await titleText(title)).toBe("Call the lead's title back");
    expect(await title.locator('.token-pill').allTextContents()).toEqual(["the lead's title"]);

    // Another detail put in and taken out again with Backspace; the first taken out with Delete and put back.
    await insert.click();
    await form.getByRole('menuitem', { name: "the lead's source" }).click();
    expect(await title.locator('.token-pill').allTextContents()).toEqual(["the lead's title", "the lead's source"]);
    await page.keyboard.press('Backspace');
    expect(await title.locator('.token-pill').allTextContents()).toEqual(["the lead's title"]);
    await page.keyboard.press('Home');
    for (let i = 0; i < 'Call '.length; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Delete');
    expect(await title.locator('.token-pill').count()).toBe(0);
    expect(await titleText(title)).toBe('Call  back');
    await insert.click();
    await form.getByRole('menuitem', { name: "the lead's title" }).click();
    expect(await titleText(title)).toBe("Call the lead's title back");

    // The preview fills the detail in from the recent lead.
    await expect.poll(() => form.getByTestId('title-preview-0').textContent(), T).toContain('Call Leaking tap — Patel back');
    expect(await everythingShown(page)).not.toMatch(RAW);
    await page.screenshot({ path: `${SHOTS}/builder-new-1440.png`, fullPage: true });

    await form.getByRole('button', { name: 'Create and turn on' }).click();
    await page.locator('.rule', { hasText: 'Call website leads back' }).waitFor(T);
    const [rule] = (await owner.call('GET', '/api/v1/rules')).body.items;
    expect(rule).toMatchObject({
      name: 'Call website leads back',
      enabled: true,
      trigger: { event: 'lead.created', where: [{ field: 'record.source', op: 'eq', value: 'website' }] },
      actions: [{ type: 'create_task', title: 'Call {{record.title}} back' }],
    });

    await page.reload();
    const row = page.locator(`.rule[data-rule-id="${rule.id}"]`);
    await row.waitFor(T);
    expect(await row.locator('.rule-when').textContent()).toBe("When a lead comes in and the lead's source is Website: create “Call ‹the lead's title› back”");
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit Call website leads back' });
    expect(await edit.getByLabel('Condition 1: what to look at').locator('option:checked').textContent()).toBe("the lead's source");
    expect(await edit.getByLabel('Condition 1: how to compare').locator('option:checked').textContent()).toBe('is');
    expect(await edit.getByLabel('Condition 1: value').locator('option:checked').textContent()).toBe('Website');
    const reread = edit.getByRole('textbox', { name: 'Title' });
    expect(await titleText(reread)).toBe("Call the lead's title back");
    expect(await reread.locator('.token-pill').allTextContents()).toEqual(["the lead's title"]);
    await expect.poll(() => edit.getByTestId('title-preview-0').textContent(), T).toContain('Call Leaking tap — Patel back');
    expect(await everythingShown(page)).not.toMatch(RAW);
    await page.screenshot({ path: `${SHOTS}/builder-edit-1440.png`, fullPage: true });
    await edit.getByRole('button', { name: 'Cancel' }).click();
    expect(errors).toEqual([]);
  });

  it('opens every playbook rule in words and saves it unchanged when nothing is edited', async () => {
    const installed = [];
    for (const key of ['plumbing', 'hvac', 'cleaning', 'electrical']) installed.push(...(await owner.call('POST', `/api/v1/playbooks/${key}/install`, {})).body.installed);
    expect(installed.length).toBeGreaterThan(12);
    await page.reload();
    for (const before of installed) {
      const row = page.locator(`.rule[data-rule-id="${before.id}"]`);
      await row.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('form', { name: `Edit ${before.name}` });
      await form.waitFor(T);
      expect(await everythingShown(page), before.name).not.toMatch(RAW);
      if (before.name === 'Review documentation once the assessment is sent') {
        // A chain on another rule's task names that rule.
        expect(await form.getByLabel('Condition 1: what to look at').locator('option:checked').textContent()).toBe("the task's rule that made it");
        expect(await form.getByLabel('Condition 1: value').locator('option:checked').textContent()).toBe('Follow up equipment assessments');
      }
      if (before.name.startsWith('Call back missed emergency calls')) await page.screenshot({ path: `${SHOTS}/builder-playbook-1440.png`, fullPage: true });
      await form.getByRole('button', { name: /^(Save rule|Save, still off)$/ }).click();
      await form.waitFor({ state: 'detached', ...T });
      const after = (await owner.call('GET', `/api/v1/rules/${before.id}`)).body;
      expect(after.version, before.name).toBe(before.version + 1);
      expect({ trigger: after.trigger, actions: after.actions, enabled: after.enabled }, before.name).toEqual({ trigger: before.trigger, actions: before.actions, enabled: before.enabled });
    }
    // The list reads the same rules in words, naming the rule a chain follows.
    const review = installed.find((r: { name: string }) => r.name === 'Review documentation once the assessment is sent');
    expect(await page.locator(`.rule[data-rule-id="${review.id}"] .rule-when`).textContent()).toContain("the task's rule that made it is Follow up equipment assessments");
    expect(await everythingShown(page)).not.toMatch(RAW);
    expect(errors).toEqual([]);
  });

  it('fits a phone at 390 px, with the same menus', async () => {
    const context = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    reportPageErrors(phone, errors);
    await logIn(phone, owner.email);
    await phone.goto('/automation');
    await phone.getByRole('button', { name: '+ New rule' }).click();
    const form = phone.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Event', { exact: true }).selectOption({ label: 'A job changes status' });
    await form.getByRole('button', { name: '+ Add condition' }).click();
    await form.getByLabel('Condition 1: what to look at').selectOption({ label: "the job's new status" });
    await form.getByLabel('Condition 1: value').selectOption({ label: 'Incomplete' });
    await form.getByRole('textbox', { name: 'Title' }).tap();
    await phone.keyboard.type('Order parts for ');
    await form.getByRole('button', { name: '+ Insert a detail' }).tap();
    await phone.screenshot({ path: `${SHOTS}/builder-390-menu.png` });
    await form.getByRole('menuitem', { name: "the job's title" }).tap();
    await form.getByText("Reads: the job's new status is Incomplete").waitFor(T);
    expect(await titleText(form.getByRole('textbox', { name: 'Title' }))).toBe("Order parts for the job's title");
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await everythingShown(phone)).not.toMatch(RAW);
    await form.getByRole('textbox', { name: 'Title' }).scrollIntoViewIfNeeded();
    await phone.screenshot({ path: `${SHOTS}/builder-390.png` });
    await phone.screenshot({ path: `${SHOTS}/builder-390-full.png`, fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
