// The board with more work than one page holds: exact counts per column, columns
// that page in as they scroll and draw only the cards in view, and drag and drop
// into a column whose cards are not all loaded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };
const OPEN = 260;

async function createMany(owner: ApiUser, count: number, body: (i: number) => Record<string, unknown>): Promise<void> {
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, (_, j) => owner.call('POST', '/api/v1/tasks', body(i + j)));
    for (const res of await Promise.all(batch)) if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  }
}

describe.skipIf(skip !== null)(skip ? `board (skipped: ${skip})` : 'board', () => {
  let web: WebApp;
  let page: Page;
  let owner: ApiUser;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Busy Plumbing');
    // Urgent ones first in the open column; the one low-priority task sorts last of all.
    await createMany(owner, OPEN - 1, (i) => ({ title: `Call customer ${i + 1}`, priority: 'urgent' }));
    await createMany(owner, 1, () => ({ title: 'The very last open task', priority: 'low' }));
    await createMany(owner, 3, (i) => ({ title: `Fitting ${i + 1}`, status: 'in_progress' }));
    const context = await web.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, owner.email);
  }, 300_000);
  afterAll(async () => {
    await web?.close();
  });

  const openColumn = () => page.locator('section.column[data-status="open"]');

  it('shows the exact count of every column, more than it loads', async () => {
    await page.getByRole('link', { name: 'Board', exact: true }).click();
    await expect.poll(() => page.getByTestId('column-count-open').textContent(), T).toBe(String(OPEN));
    await expect.poll(() => page.getByTestId('column-count-in_progress').textContent(), T).toBe('3');
    await expect.poll(() => page.getByTestId('column-count-done').textContent(), T).toBe('0');
    // Only the cards in view (and a few either side) are in the page, not all 260.
    await openColumn().locator('.card-slot').first().waitFor();
    expect(await openColumn().locator('.card-slot').count()).toBeLessThan(40);
    await screenshot(page, 'board-many');
  });

  it('pages the column in as it scrolls, down to its last task', async () => {
    const scroller = page.getByTestId('column-scroll-open');
    const last = openColumn().locator('.card-slot', { hasText: 'The very last open task' });
    await expect
      .poll(async () => {
        await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
        return last.count();
      }, { timeout: 30_000, interval: 200 })
      .toBe(1);
    expect(await openColumn().locator('.card-slot').count()).toBeLessThan(40);
    await expect.poll(() => page.getByTestId('column-count-open').textContent(), T).toBe(String(OPEN));
    expect(errors).toEqual([]);
  });

  it('drops a card into a column whose cards are not all loaded, and both counts follow', async () => {
    await page.getByTestId('column-scroll-open').evaluate((el) => el.scrollTo(0, 0));
    const card = page.locator('section.column[data-status="in_progress"] .card-slot', { hasText: 'Fitting 1' });
    await card.waitFor();
    const key = await card.getAttribute('data-task-key');
    await dragTo(page, card, openColumn());
    await expect.poll(() => page.getByTestId('column-count-open').textContent(), T).toBe(String(OPEN + 1));
    await expect.poll(() => page.getByTestId('column-count-in_progress').textContent(), T).toBe('2');
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${key}`)).body.status, T).toBe('open');
    // Once the server has it, the card takes its place in the column's order (normal priority: after the urgent ones).
    await expect.poll(() => openColumn().locator('.card-slot').first().getAttribute('data-task-key'), T).not.toBe(key);

    // And out again, from the open column to one that is loaded whole.
    const deepKey = await openColumn().locator('.card-slot').nth(3).getAttribute('data-task-key');
    const deep = openColumn().locator(`.card-slot[data-task-key="${deepKey}"]`);
    await dragTo(page, deep, page.locator('section.column[data-status="in_progress"]'));
    await expect.poll(() => page.getByTestId('column-count-in_progress').textContent(), T).toBe('3');
    await expect.poll(() => page.getByTestId('column-count-open').textContent(), T).toBe(String(OPEN));
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${deepKey}`)).body.status, T).toBe('in_progress');
    expect(errors).toEqual([]);
  });

  it('keeps the counts live when someone else changes the work', async () => {
    await owner.call('POST', '/api/v1/tasks', { title: 'Phoned in', status: 'blocked', blockedReason: 'Parts' });
    await expect.poll(() => page.getByTestId('column-count-blocked').textContent(), T).toBe('1');
  });
});

async function dragTo(page: Page, from: ReturnType<Page['locator']>, to: ReturnType<Page['locator']>): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + 80, { steps: 12 });
  await page.mouse.up();
}
