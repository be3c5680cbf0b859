// "Select all matching" on the task list takes every task the filters match, not
// just the 200 a page shows: one bulk change by the filters themselves (no fetching
// of every id first), Undo for all of them, and a refusal when the set changed since.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 20_000 };
const MATCHING = 230;

async function createMany(owner: ApiUser, count: number, body: (i: number) => Record<string, unknown>): Promise<void> {
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, (_, j) => owner.call('POST', '/api/v1/tasks', body(i + j)));
    for (const res of await Promise.all(batch)) if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  }
}

describe.skipIf(skip !== null)(skip ? `select all matching (skipped: ${skip})` : 'select all matching', () => {
  let web: WebApp;
  let page: Page;
  let owner: ApiUser;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Gutter Masters');
    await createMany(owner, MATCHING, (i) => ({ title: `Clear gutters at house ${i + 1}`, priority: 'low' }));
    await createMany(owner, 5, (i) => ({ title: `Quote roof repair ${i + 1}`, priority: 'low' }));
    const context = await web.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, owner.email);
  }, 300_000);
  afterAll(async () => {
    await web?.close();
  });

  const count = async (query: string) => (await owner.call('GET', `/api/v1/tasks/counts?${query}`)).body.total as number;

  it('changes every matching task, beyond the 200 shown, in one bulk change, and undoes all of it', async () => {
    const listPages: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && new URL(r.url()).pathname === '/api/v1/tasks' && r.url().includes('cursor=')) listPages.push(r.url());
    });
    await page.goto('/tasks?q=gutters');
    await expect.poll(() => page.locator('.page-header').textContent(), T).toContain(`${MATCHING} matching`);
    await page.getByLabel('Select all shown').check();
    await page.getByRole('button', { name: `Select all ${MATCHING} matching` }).click();
    await page.getByText(`All ${MATCHING} matching tasks selected`).waitFor(T);
    await page.getByRole('toolbar', { name: 'Bulk edit' }).getByText(`${MATCHING} selected`).waitFor(T);
    await screenshot(page, 'list-select-all');
    const bulkCalls: Record<string, unknown>[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/tasks/bulk')) bulkCalls.push(JSON.parse(r.postData() ?? '{}'));
    });
    await page.getByLabel('Set priority').selectOption('urgent');
    await expect.poll(() => count('q=gutters&priority=urgent'), T).toBe(MATCHING);
    // All of them in one request, named by the filters and the number shown: one transaction, so all of them or none.
    await expect.poll(() => bulkCalls.length, T).toBe(1);
    expect(bulkCalls).toEqual([{ filter: { q: 'gutters' }, expected: MATCHING, set: { priority: 'urgent' } }]);
    expect(listPages).toEqual([]);
    expect(await count('q=roof&priority=low')).toBe(5);

    // Undo puts back what the server said each task was, by id.
    await page.locator('.toast', { hasText: 'Priority → Urgent' }).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => count('q=gutters&priority=low'), T).toBe(MATCHING);
    expect(await count('priority=urgent')).toBe(0);
    expect(bulkCalls.slice(1).map((call) => (call.ids as string[]).length)).toEqual([MATCHING]);
  });

  it('changes nothing when the matching tasks changed after they were selected, and says so', async () => {
    await page.goto('/tasks?q=gutters');
    await expect.poll(() => page.locator('.page-header').textContent(), T).toContain(`${MATCHING} matching`);
    await page.getByLabel('Select all shown').check();
    await page.getByRole('button', { name: `Select all ${MATCHING} matching` }).click();
    await page.getByText(`All ${MATCHING} matching tasks selected`).waitFor(T);
    // Someone else adds one more matching task meanwhile.
    const added = await owner.call('POST', '/api/v1/tasks', { title: 'Clear gutters at the school', priority: 'low' });
    expect(added.status).toBe(201);
    await page.getByLabel('Set priority').selectOption('high');
    await page.locator('.toast', { hasText: 'the matching tasks changed since you selected them' }).waitFor(T);
    expect(await count('q=gutters&priority=high')).toBe(0);
    expect(await count('q=gutters&priority=low')).toBe(MATCHING + 1);
  });

  it('deletes every matching task by the filters after the moment Undo has, and Undo keeps them all', async () => {
    const deletes: Record<string, unknown>[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/tasks/bulk') && r.postData()?.includes('"delete"')) deletes.push(JSON.parse(r.postData()!));
    });
    const selectAll = async () => {
      await page.goto('/tasks?q=gutters');
      await expect.poll(() => page.locator('.page-header').textContent(), T).toContain(`${MATCHING + 1} matching`);
      await page.getByLabel('Select all shown').check();
      await page.getByRole('button', { name: `Select all ${MATCHING + 1} matching` }).click();
      await page.getByRole('toolbar', { name: 'Bulk edit' }).getByText(`${MATCHING + 1} selected`).waitFor(T);
    };
    await selectAll();
    await page.getByRole('toolbar', { name: 'Bulk edit' }).getByRole('button', { name: 'Delete' }).click();
    await page.locator('.toast', { hasText: `Deleted ${MATCHING + 1} tasks` }).getByRole('button', { name: 'Undo' }).click();
    await selectAll();
    expect(deletes).toEqual([]);

    await page.getByRole('toolbar', { name: 'Bulk edit' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => count('q=gutters&status=all'), T).toBe(0);
    // The browser's request event can reach this process after the server has already answered.
    await expect.poll(() => deletes.length, T).toBe(1);
    expect(deletes).toEqual([{ filter: { q: 'gutters' }, expected: MATCHING + 1, delete: true }]);
    expect(await count('q=roof')).toBe(5);
    expect(errors).toEqual([]);
  });
});
