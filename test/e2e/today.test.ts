// A technician's Today on a 390 px phone: today's jobs in time order with the
// client, a tap to call and a tap for directions, and each job's open tasks;
// then their other tasks due today or late. Every open task of theirs and
// today's jobs are kept on the phone without being opened first, so Today and
// My work open with no signal; a comment and a tick made there wait and reach
// the server once the signal is back. The task drawer's records carry the same
// call and directions links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { addPerson, type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

/** Today at hh:mm on this machine's calendar (the browser runs in the same zone). */
function todayAt(hours: number, minutes = 0, plusDays = 0): string {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + plusDays, hours, minutes).toISOString();
}

const mapsHref = (address: string) => `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(address)}`;

describe.skipIf(skip !== null)(skip ? `a technician's Today (skipped: ${skip})` : "a technician's Today", () => {
  let web: WebApp;
  let owner: ApiUser;
  let tech: ApiUser;
  let phone: BrowserContext;
  let page: Page;
  const ids: Record<string, any> = {};
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Harbour Plumbing');
    tech = await addPerson(web.baseUrl, owner, 'Tom Technician');
    const other = await addPerson(web.baseUrl, owner, 'Pat Plumber');
    const post = async (path: string, body: unknown) => {
      const reply = await owner.call('POST', path, body);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return reply.body;
    };
    const dana = await post('/api/v1/contacts', { name: 'Dana Cole', phone: '+44 7700 900123', address: '2 Quay Road, Bristol' });
    const cafe = await post('/api/v1/clients', { name: 'Harbour Café', contactIds: [dana.id], address: '2 Quay Road, Bristol' });
    const lee = await post('/api/v1/contacts', { name: 'Lee Park', phone: '0117 496 0000' });
    const school = await post('/api/v1/clients', { name: 'Elm School', contactIds: [lee.id], address: '9 Elm Street, Bristol BS1 4DJ' });
    const tech1 = [tech.user.id];
    // Booked out of order, so the page must sort them.
    ids.tap = await post('/api/v1/jobs', { title: 'Fix leaking tap', clientId: school.id, scheduledStart: todayAt(14), scheduledEnd: todayAt(15), technicianIds: tech1 });
    ids.boiler = await post('/api/v1/jobs', { title: 'Service boiler', clientId: cafe.id, address: 'Unit 4, 2 Quay Road, Bristol', scheduledStart: todayAt(9), scheduledEnd: todayAt(10, 30), technicianIds: tech1 });
    await post('/api/v1/jobs', { title: 'Not mine today', clientId: cafe.id, scheduledStart: todayAt(11), technicianIds: [other.user.id] });
    await post('/api/v1/jobs', { title: 'Mine tomorrow', clientId: cafe.id, scheduledStart: todayAt(9, 0, 1), technicianIds: tech1 });
    // The jobs' tasks — one is the office's, still shown under the job — and the technician's own.
    ids.descaler = await post('/api/v1/tasks', { title: 'Bring descaler', assigneeId: tech.user.id, links: [{ type: 'job', id: ids.boiler.id }, { type: 'contact', id: dana.id }], checklist: ['Descaler in the van', 'Spare seals'] });
    await post('/api/v1/tasks', { title: 'Confirm parking with the café', assigneeId: owner.user.id, links: [{ type: 'job', id: ids.boiler.id }] });
    await post('/api/v1/tasks', { title: 'Take the washer kit', assigneeId: tech.user.id, links: [{ type: 'job', id: ids.tap.id }] });
    await post('/api/v1/tasks', { title: 'Order valves', assigneeId: tech.user.id, dueAt: todayAt(23, 59) });
    await post('/api/v1/tasks', { title: 'Send invoice photos', assigneeId: tech.user.id, dueAt: todayAt(9, 0, -2) });
    await post('/api/v1/tasks', { title: 'Van MOT', assigneeId: tech.user.id, dueAt: todayAt(9, 0, 6) });
    phone = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    page = await phone.newPage();
    reportPageErrors(page, errors);
  }, 300_000);
  afterAll(async () => {
    await web?.close();
  });

  const cards = () => page.getByRole('region', { name: 'Jobs today' }).locator('.job-card');
  const card = (title: string) => page.locator('.job-card', { has: page.getByRole('heading', { name: title }) });

  it("shows today's jobs in time order with client, call and directions, each with its open tasks, then the other tasks due today", async () => {
    await logIn(page, tech.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Today' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor(T);
    await expect.poll(() => cards().locator('.job-title').allTextContents(), T).toEqual(['Service boiler', 'Fix leaking tap']);
    const boiler = card('Service boiler');
    expect(await boiler.locator('.job-time').textContent()).toBe('9:00–10:30');
    await boiler.getByText('Harbour Café').waitFor(T);
    expect(await boiler.getByRole('link', { name: 'Call Harbour Café' }).getAttribute('href')).toBe('tel:+447700900123');
    // The job's own address wins over the client's.
    expect(await boiler.getByRole('link', { name: /^Directions to/ }).getAttribute('href')).toBe(mapsHref('Unit 4, 2 Quay Road, Bristol'));
    await boiler.locator('.task-row', { hasText: 'Bring descaler' }).waitFor(T);
    await boiler.locator('.task-row', { hasText: 'Confirm parking with the café' }).waitFor(T);
    const tap = card('Fix leaking tap');
    expect(await tap.locator('.job-time').textContent()).toBe('14:00–15:00');
    expect(await tap.getByRole('link', { name: 'Call Elm School' }).getAttribute('href')).toBe('tel:01174960000');
    // No address on the job: the client's.
    expect(await tap.getByRole('link', { name: /^Directions to/ }).getAttribute('href')).toBe(mapsHref('9 Elm Street, Bristol BS1 4DJ'));
    await tap.locator('.task-row', { hasText: 'Take the washer kit' }).waitFor(T);

    const others = page.getByRole('region', { name: 'Other tasks for today' });
    await expect.poll(async () => (await others.locator('.task-title').allTextContents()).sort(), T).toEqual(['Order valves', 'Send invoice photos']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'today-phone');
  });

  it('offers call and directions on the task drawer’s linked records', async () => {
    await card('Service boiler').locator('.task-row', { hasText: 'Bring descaler' }).click();
    const drawer = page.getByRole('complementary', { name: `Task ${ids.descaler.key}` });
    const records = drawer.getByRole('region', { name: 'Linked records' });
    await records.waitFor(T);
    expect(await records.getByRole('link', { name: 'Call Dana Cole', exact: true }).getAttribute('href')).toBe('tel:+447700900123');
    expect(await records.getByRole('link', { name: 'Directions to Unit 4, 2 Quay Road, Bristol', exact: true }).getAttribute('href')).toBe(mapsHref('Unit 4, 2 Quay Road, Bristol'));
    expect(await records.getByRole('link', { name: 'Directions to 2 Quay Road, Bristol', exact: true }).getAttribute('href')).toBe(mapsHref('2 Quay Road, Bristol'));
    await screenshot(page, 'today-drawer-phone');
    await drawer.getByRole('button', { name: 'Close' }).click();
  });

  it('opens Today and My work with no signal — never opened before — and queues a comment and a tick until the signal is back', async () => {
    // Another phone that signs in and stays on My work: Today, its jobs and their tasks are never opened here.
    phone = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    page = await phone.newPage();
    reportPageErrors(page, errors);
    await logIn(page, tech.email);
    // Wait until the service worker holds the app and this browser a copy of the day: today's jobs and each one's tasks.
    const kept = () =>
      page.evaluate(async () => {
        const keys = await (await caches.open('finishline-shell-v1')).keys();
        return keys.some((r) => new URL(r.url).pathname === '/');
      });
    await expect.poll(kept, T).toBe(true);
    const saved = () =>
      page.evaluate(() => {
        const queries: { queryKey: unknown[] }[] = JSON.parse(localStorage.getItem('finishline.query-cache') ?? '{"state":{"queries":[]}}').state.queries;
        const keys = queries.map((q) => JSON.stringify(q.queryKey));
        const count = (part: string) => keys.filter((k) => k.includes(part)).length;
        // Today's jobs, my open tasks, and the open tasks of each of the two jobs.
        return count('"today"') >= 1 && count('"assignee":"me"') >= 1 && count('"link":"job:') >= 2;
      });
    await expect.poll(saved, T).toBe(true);

    await phone.setOffline(true);
    // The app opens where a technician starts: Today, from the copy on the phone.
    await page.goto('/');
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor(T);
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor(T);
    await expect.poll(() => cards().locator('.job-title').allTextContents(), T).toEqual(['Service boiler', 'Fix leaking tap']);
    await card('Fix leaking tap').locator('.task-row', { hasText: 'Take the washer kit' }).waitFor(T);
    // My work too.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My work' }).click();
    await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor(T);
    await page.locator('.task-row', { hasText: 'Van MOT' }).waitFor(T);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Today' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor(T);

    // A task never opened on this phone opens from the copy; tick an item and write a comment.
    await card('Service boiler').locator('.task-row', { hasText: 'Bring descaler' }).click();
    const drawer = page.getByRole('complementary', { name: `Task ${ids.descaler.key}` });
    await drawer.getByText('Descaler in the van').click();
    await drawer.getByLabel('Comment', { exact: true }).fill('Descaler loaded, seals on order');
    await drawer.getByRole('button', { name: 'Comment' }).click();
    await drawer.locator('.timeline-waiting', { hasText: 'Descaler loaded, seals on order' }).getByText('Waiting for signal to send').waitFor(T);
    await page.getByRole('status').filter({ hasText: '2 changes will sync' }).waitFor(T);
    await screenshot(page, 'today-offline-phone');
    // Nothing has reached the server yet.
    expect((await owner.call('GET', `/api/v1/tasks/${ids.descaler.id}/comments`)).body.items).toEqual([]);
    expect((await owner.call('GET', `/api/v1/tasks/${ids.descaler.id}`)).body.checklist.map((i: { done: boolean }) => i.done)).toEqual([false, false]);

    await phone.setOffline(false);
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${ids.descaler.id}/comments`)).body.items.map((c: { body: string }) => c.body), T).toEqual(['Descaler loaded, seals on order']);
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${ids.descaler.id}`)).body.checklist.map((i: { done: boolean }) => i.done), T).toEqual([true, false]);
    // The waiting mark gives way to the comment as the server has it, once.
    await drawer.locator('.timeline-comment', { hasText: 'Descaler loaded' }).first().waitFor(T);
    await drawer.locator('.timeline-waiting').waitFor({ state: 'detached', ...T });
    await expect.poll(() => drawer.locator('.timeline-comment', { hasText: 'Descaler loaded' }).count(), T).toBe(1);
    await page.getByRole('status').filter({ hasText: 'will sync' }).waitFor({ state: 'detached', ...T });
    expect(errors).toEqual([]);
  });

  it('reads well on a desktop too', async () => {
    const desk = await web.newContext({ viewport: { width: 1440, height: 900 } });
    const wide = await desk.newPage();
    reportPageErrors(wide, errors);
    await logIn(wide, tech.email);
    await wide.goto('/today');
    await wide.locator('.job-card').nth(1).locator('.task-row').first().waitFor(T);
    await screenshot(wide, 'today-desktop');
    await desk.close();
    expect(errors).toEqual([]);
  });
});
