// My work in a real browser: overdue whatever the status (as Reports counts it),
// no date on its own, the unassigned queue for managers and its board filter,
// a member's start list, and only the actions a member may take.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addPerson, type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
const T = { timeout: 10_000 };
const HOUR = 3600_000;

describe.skipIf(skip !== null)(skip ? `my work (skipped: ${skip})` : 'my work', () => {
  let web: WebApp;
  let owner: ApiUser;
  let member: ApiUser;
  const keys: Record<string, string> = {};
  const errors: string[] = [];

  const make = async (who: ApiUser, name: string, body: Record<string, unknown>) => {
    const res = await who.call('POST', '/api/v1/tasks', { title: name, ...body });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    keys[name] = res.body.key;
  };

  async function open(width: number): Promise<Page> {
    const context = await web.newContext({ viewport: { width, height: width > 500 ? 900 : 844 } });
    const page = await context.newPage();
    reportPageErrors(page, errors);
    return page;
  }

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Reyes Plumbing', 'Rosa Reyes');
    member = await addPerson(web.baseUrl, owner, 'Tom Tech');
    const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
    await make(owner, 'Chase the boiler part', { dueAt: at(-26), status: 'blocked', blockedReason: 'Supplier has no stock' });
    await make(owner, 'Quote the loft insulation', { dueAt: at(-3), status: 'waiting', waitingOn: 'Photos from the customer' });
    await make(owner, 'Call Mrs Patel back', { dueAt: at(-1) });
    await make(owner, 'Send the invoice', { dueAt: at(30) });
    await make(owner, 'Tidy the van', {});
    await make(owner, 'Pick up the new hire’s tools', { assigneeId: null });
    await make(owner, 'Survey at 12 Elm Road', { assigneeId: null, dueAt: at(48) });
    await make(member, 'Order my own fittings', {});
  }, 300_000);
  afterAll(async () => {
    await web?.close();
    expect(errors).toEqual([]);
  });

  it('counts overdue whatever the status, as Reports does, lists undated work under No date, and shows managers the unassigned queue', async () => {
    for (const width of [1440, 390]) {
      const page = await open(width);
      await logIn(page, owner.email);
      const overdue = page.getByRole('region', { name: 'Overdue' });
      await expect.poll(() => page.getByTestId('count-overdue').textContent(), T).toBe('3');
      await expect.poll(() => overdue.textContent(), T).toContain('Blocked: Supplier has no stock');
      await expect.poll(() => overdue.textContent(), T).toContain('Waiting: Photos from the customer');
      const report = await owner.call('GET', '/api/v1/reports/overdue');
      expect(report.body.byPerson.find((p: { assigneeId: string }) => p.assigneeId === owner.user.id)?.count).toBe(3);
      await expect.poll(() => page.getByRole('region', { name: 'No date' }).textContent(), T).toContain('Tidy the van');
      expect(await page.getByRole('region', { name: 'Upcoming' }).textContent()).not.toContain('Tidy the van');
      expect(await page.getByTestId('count-waiting').textContent()).toBe('0');
      const unassigned = page.getByRole('region', { name: 'Unassigned' });
      await expect.poll(() => page.getByTestId('count-unassigned').textContent(), T).toBe('2');
      await expect.poll(() => unassigned.textContent(), T).toContain('Survey at 12 Elm Road');
      await screenshot(page, `my-work-manager-${width}`);
      if (width === 1440) {
        // The board's Unassigned filter: the same two tasks, nobody else's.
        await page.getByRole('link', { name: 'Board', exact: true }).click();
        await page.getByLabel('Owner').selectOption('unassigned');
        await expect.poll(() => page.getByTestId('column-count-open').textContent(), T).toBe('2');
        await expect.poll(() => page.locator('.card-slot').count(), T).toBe(2);
        await screenshot(page, 'board-unassigned-1440');
      }
      await page.context().close();
    }
  });

  it('shows a member the start list, and no Delete on someone else’s task but Delete on their own', async () => {
    for (const width of [1440, 390]) {
      const page = await open(width);
      await logIn(page, member.email);
      const start = page.getByRole('region', { name: 'Getting started' });
      await expect.poll(() => start.locator('.start-step').count(), T).toBe(4);
      // The team has two people and tasks exist; no playbook and no lead yet.
      await expect.poll(() => start.locator('.start-step.done').count(), T).toBe(2);
      await expect.poll(() => start.textContent(), T).toContain('A manager installs one under Automation');
      await expect.poll(() => page.getByRole('region', { name: 'No date' }).textContent(), T).toContain('Order my own fittings');
      expect(await page.getByRole('region', { name: 'Unassigned' }).count()).toBe(0);
      await screenshot(page, `my-work-member-${width}`);
      if (width === 1440) {
        await page.goto(`/tasks?task=${keys['Call Mrs Patel back']}`);
        const others = page.getByRole('complementary', { name: `Task ${keys['Call Mrs Patel back']}` });
        await others.getByLabel('Title').waitFor();
        await expect.poll(() => others.getByTestId('delete-not-allowed').textContent(), T).toContain('Only a manager or the task');
        expect(await others.getByRole('button', { name: 'Delete' }).count()).toBe(0);
        // Members may not give someone else's task to a third person: those choices are disabled.
        expect(await others.getByLabel('Assignee').locator(`option[value="${owner.user.id}"]`).isDisabled()).toBe(false);
        expect(await others.getByLabel('Assignee').locator('option[value=""]').isDisabled()).toBe(true);
        await screenshot(page, 'drawer-member-others-1440');

        await page.goto(`/tasks?task=${keys['Order my own fittings']}`);
        const mine = page.getByRole('complementary', { name: `Task ${keys['Order my own fittings']}` });
        await mine.getByLabel('Title').waitFor();
        await mine.getByRole('button', { name: 'Delete' }).waitFor();
        expect(await mine.getByTestId('delete-not-allowed').count()).toBe(0);
      }
      await page.context().close();
    }
  });
});
