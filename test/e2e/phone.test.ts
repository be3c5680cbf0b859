// A technician's phone, 390 px wide: the app fits, installs (manifest and
// service worker), and a checklist tick and a completion made without signal
// are kept and sent once the phone is back online — or, when the office
// changed the task meanwhile, shown beside the office's version to choose from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { addPerson, type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 10_000 };

describe.skipIf(skip !== null)(skip ? `web app on a phone (skipped: ${skip})` : 'web app on a phone', () => {
  let web: WebApp;
  let owner: ApiUser;
  let tech: ApiUser;
  let phone: BrowserContext;
  let page: Page;
  let task: any;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Sparkle Cleaning');
    tech = await addPerson(web.baseUrl, owner, 'Tina Technician');
    const today = new Date();
    today.setHours(23, 0, 0, 0);
    task = (await owner.call('POST', '/api/v1/tasks', {
      title: 'Deep clean at 14 Elm Street',
      assigneeId: tech.user.id,
      dueAt: today.toISOString(),
      priority: 'high',
      checklist: ['Photos before', 'Kitchen degrease', 'Photos after'],
    })).body;
    await owner.call('POST', '/api/v1/tasks', { title: 'Restock the van', assigneeId: tech.user.id });
    phone = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    page = await phone.newPage();
    reportPageErrors(page, errors);
  }, 300_000);
  afterAll(async () => {
    await web?.close();
  });

  it('fits a 390 px screen: My work with no sideways scrolling and the navigation at the bottom', async () => {
    await logIn(page, tech.email);
    await page.locator('.task-row', { hasText: 'Deep clean' }).waitFor(T);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const nav = (await page.getByRole('navigation', { name: 'Main' }).boundingBox())!;
    expect(nav.y + nav.height).toBeGreaterThan(800);
    await page.getByRole('button', { name: 'New task' }).waitFor();
    await screenshot(page, 'phone-my-work');
  });

  it('is installable: a manifest with icons and an active service worker', async () => {
    const manifest = await (await page.request.get('/manifest.webmanifest')).json();
    expect(manifest).toMatchObject({ name: 'Finishline', display: 'standalone', start_url: '/' });
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) expect((await page.request.get(icon.src)).status()).toBe(200);
    const active = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
    expect(['activating', 'activated']).toContain(active);
  });

  it('ticks a checklist item and completes the task offline, then syncs when back online', async () => {
    await page.locator('.task-row', { hasText: 'Deep clean' }).click();
    const drawer = page.getByRole('complementary', { name: `Task ${task.key}` });
    await drawer.getByText('Kitchen degrease').waitFor(T);
    await phone.setOffline(true);
    await drawer.getByText('Photos before').click();
    await drawer.getByText('Kitchen degrease').click();
    await drawer.getByRole('button', { name: 'Complete' }).click();
    await page.getByRole('status').filter({ hasText: '1 change will sync' }).waitFor(T);
    await screenshot(page, 'phone-offline');
    // Nothing has reached the server yet.
    const before = (await owner.call('GET', `/api/v1/tasks/${task.id}`)).body;
    expect(before.status).toBe('open');
    expect(before.checklist.map((i: { done: boolean }) => i.done)).toEqual([false, false, false]);

    await phone.setOffline(false);
    await page.locator('.toast', { hasText: 'Back online' }).waitFor(T);
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${task.id}`)).body.status, T).toBe('done');
    const after = (await owner.call('GET', `/api/v1/tasks/${task.id}`)).body;
    expect(after.checklist.map((i: { done: boolean }) => i.done)).toEqual([true, true, false]);
    await page.getByRole('status').filter({ hasText: 'will sync' }).waitFor({ state: 'detached', ...T });
    await drawer.getByRole('button', { name: 'Close' }).click();
  });

  it('opens without signal after a reload, with the last work on screen', async () => {
    // Wait until the service worker holds the page and every script it loaded.
    const kept = () =>
      page.evaluate(async () => {
        const keys = await (await caches.open('finishline-shell-v1')).keys();
        return keys.map((r) => new URL(r.url).pathname).filter((p) => p === '/' || /^\/assets\/(index|Board|QuickAdd)-/.test(p)).length;
      });
    await expect.poll(kept, T).toBeGreaterThanOrEqual(5);
    // …and until this browser holds a copy of My work.
    const saved = () => page.evaluate(() => JSON.parse(localStorage.getItem('finishline.query-cache') ?? '{"state":{"queries":[]}}').state.queries.some((q: { queryKey: unknown[] }) => q.queryKey[0] === 'tasks'));
    await expect.poll(saved, T).toBe(true);
    await phone.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'My work' }).waitFor(T);
    await page.locator('.task-row', { hasText: 'Restock the van' }).waitFor(T);
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor(T);
    await screenshot(page, 'phone-offline-start');
    await phone.setOffline(false);
  });

  it('shows the board one column at a time and the task drawer full screen', async () => {
    await page.getByRole('link', { name: 'Board', exact: true }).click();
    await page.locator('section.column[data-status="open"] .card-slot').first().waitFor(T);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'phone-board');
    await page.locator('.card-slot', { hasText: 'Restock the van' }).click();
    const drawer = page.getByRole('complementary');
    await drawer.getByLabel('Title').waitFor(T);
    expect((await drawer.boundingBox())!.width).toBe(390);
    await screenshot(page, 'phone-task');
    expect(errors).toEqual([]);
    await drawer.getByRole('button', { name: 'Close' }).click();
  });

  it('sends an offline change with the version it was made on; when the office changed the task meanwhile, shows both and keeps the one chosen', async () => {
    const clashes = page.getByRole('region', { name: 'Changes that clashed' });
    /** The technician completes the task without signal while the office puts it on hold; then the signal returns. */
    const clash = async (title: string) => {
      const task = (await owner.call('POST', '/api/v1/tasks', { title, assigneeId: tech.user.id })).body;
      await page.goto(`/?task=${task.key}`);
      const drawer = page.getByRole('complementary', { name: `Task ${task.key}` });
      await drawer.getByRole('button', { name: 'Complete' }).waitFor(T);
      await phone.setOffline(true);
      await drawer.getByRole('button', { name: 'Complete' }).click();
      await page.getByRole('status').filter({ hasText: '1 change will sync' }).waitFor(T);
      const held = await owner.call('PATCH', `/api/v1/tasks/${task.id}`, { status: 'waiting', waitingOn: 'Customer away until Friday' });
      expect(held.status).toBe(200);
      await phone.setOffline(false);
      const card = clashes.getByRole('article', { name: `Conflict on ${task.key}` });
      await card.waitFor(T);
      // Yours beside the server's, in words; nothing was overwritten.
      await expect.poll(() => card.getByRole('row', { name: /Status/ }).textContent(), T).toBe('StatusDoneWaiting');
      expect((await owner.call('GET', `/api/v1/tasks/${task.id}`)).body.status).toBe('waiting');
      return { task, card };
    };

    const porch = await clash('Fix the porch light');
    await screenshot(page, 'phone-sync-conflict');
    await porch.card.getByRole('button', { name: 'Keep mine' }).click();
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${porch.task.id}`)).body.status, T).toBe('done');
    await clashes.waitFor({ state: 'detached', ...T });

    const gate = await clash('Oil the gate hinge');
    await gate.card.getByRole('button', { name: 'Take the server’s' }).click();
    await clashes.waitFor({ state: 'detached', ...T });
    expect((await owner.call('GET', `/api/v1/tasks/${gate.task.id}`)).body).toMatchObject({ status: 'waiting', waitingOn: 'Customer away until Friday' });
    expect(await page.evaluate(() => localStorage.getItem('finishline.offline-conflicts'))).toBe('[]');
    expect(errors).toEqual([]);
  });

  it('keeps a manager\'s page in the bottom bar clear of its faded end, with the next page beside it', async () => {
    const managerPhone = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const manager = await managerPhone.newPage();
    await logIn(manager, owner.email);
    for (const [path, name] of [['/reports', 'Reports'], ['/dispatch', 'Dispatch'], ['/tasks', 'Tasks']] as const) {
      await manager.goto(`${web.baseUrl}${path}`);
      const bar = manager.getByRole('navigation', { name: 'Main' }).getByRole('list');
      const shown = bar.getByRole('link', { name, exact: true });
      await expect.poll(() => shown.getAttribute('aria-current'), T).toBe('page');
      const [box, link, next] = await shown.evaluate((a) => {
        const list = a.closest('ul')!.getBoundingClientRect();
        const li = a.closest('li')!;
        let after = li.nextElementSibling as HTMLElement | null;
        while (after && after.offsetWidth === 0) after = after.nextElementSibling as HTMLElement | null;
        return [list, li.getBoundingClientRect(), after?.getBoundingClientRect() ?? null].map((r) => (r ? { left: r.left, right: r.right } : null));
      });
      // Inside the bar, and short of its last 6 % where it fades while more pages lie to the right.
      expect(link!.left).toBeGreaterThanOrEqual(box!.left - 1);
      expect(link!.right).toBeLessThanOrEqual(box!.right - (box!.right - box!.left) * 0.06);
      if (next) expect(next.left).toBeLessThan(box!.right);
    }
    await managerPhone.close();
  });
});
