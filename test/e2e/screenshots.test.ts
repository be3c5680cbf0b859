// The main pages on the demo business, at a desktop's width and a phone's (390 px):
// each page loads without errors and never scrolls sideways on the phone, and a
// screenshot of each is saved to test-artifacts/, and one of the task drawer with
// a photo on a demo task. With FINISHLINE_SCREENSHOTS=docs
// those the README shows are also written to docs/screenshots/:
//   FINISHLINE_SCREENSHOTS=docs npx vitest run test/e2e/screenshots.test.ts
// and only a technician's Today (at both widths) with -t Today.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import sharp from 'sharp';
import { installPlaybook } from '../../src/automation/playbookInstall.ts';
import { runByHand } from '../../src/automation/runner.ts';
import { eventConsumers } from '../../src/consumers.ts';
import { loadDemo } from '../../src/demo/service.ts';
import { upload } from '../support/files.ts';
import { ARTIFACTS, browserSkipReason, logIn, reportPageErrors, screenshot, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
const T = { timeout: 20_000 };
const DOCS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const TO_DOCS = process.env.FINISHLINE_SCREENSHOTS === 'docs';
/** The pictures the README shows or links to. */
const IN_DOCS = new Set(['my-work', 'board', 'tasks', 'reports', 'dispatch', 'my-work-phone', 'board-phone', 'dispatch-phone', 'today-phone', 'task-drawer-photo']);

/** Each page, its heading (null: the month, for the calendar), and what shows that its data is on screen (not only its frame). */
const PAGES: { name: string; path: string; heading: string | null; ready: (page: Page) => Promise<void> }[] = [
  { name: 'my-work', path: '/', heading: 'My work', ready: (page) => page.locator('.task-list li').first().waitFor(T) },
  { name: 'board', path: '/board', heading: 'Board', ready: (page) => page.locator('.card').first().waitFor(T) },
  { name: 'tasks', path: '/tasks', heading: 'Tasks', ready: (page) => page.locator('.task-list li').first().waitFor(T) },
  { name: 'calendar', path: '/calendar', heading: null, ready: (page) => page.locator('.calendar').first().waitFor(T) },
  { name: 'reports', path: '/reports', heading: 'Reports', ready: (page) => page.locator('canvas').first().waitFor(T) },
  { name: 'leads', path: '/leads', heading: 'Leads', ready: (page) => page.getByRole('main').locator('a[href^="/leads/"]').first().waitFor(T) },
  {
    name: 'dispatch',
    path: '/dispatch',
    heading: 'Dispatch',
    // The week: the demo's jobs spread over it.
    ready: async (page) => {
      await page.getByRole('button', { name: 'Week', exact: true }).click();
      await page.locator('.dispatch-week .dispatch-row').first().waitFor(T);
    },
  },
  { name: 'automation', path: '/automation', heading: 'Automation', ready: (page) => page.getByRole('main').waitFor(T) },
  { name: 'settings', path: '/settings', heading: 'Settings', ready: (page) => page.getByRole('heading', { name: 'Working hours' }).waitFor(T) },
];

const SCREENS: { suffix: string; options: BrowserContextOptions }[] = [
  { suffix: '', options: { viewport: { width: 1440, height: 860 } } },
  { suffix: '-phone', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
];

describe.skipIf(skip !== null)(skip ? `screenshots (skipped: ${skip})` : 'screenshots of the main pages', () => {
  let web: WebApp;
  let login: { email: string; password: string };

  beforeAll(async () => {
    web = await startWebApp();
    // As `finishline demo` does: the trade's playbook is installed before the month is replayed, and its rules run as it is.
    ({ login } = await loadDemo(web.server.database, {
      seed: 7,
      scale: 0,
      installPlaybook: async (deps, owner, trade) => void (await installPlaybook(deps, owner, { key: trade })),
      runAutomation: runByHand(eventConsumers({})),
    }));
    if (TO_DOCS) mkdirSync(DOCS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await web?.close();
  });

  it('shows the task drawer with a photo from the field', async () => {
    const session = await (await fetch(`${web.baseUrl}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login) })).json();
    const { id } = await web.server.database.db.selectFrom('tasks').select('id').where('title', 'like', 'Upload photos and notes%').where('status', '!=', 'done').orderBy('due_at').executeTakeFirstOrThrow();
    // A boiler's data plate, drawn for the picture.
    const plate = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"><rect width="1600" height="1200" fill="#6b7280"/><rect x="260" y="220" width="1080" height="760" rx="36" fill="#d1d5db" stroke="#374151" stroke-width="14"/>
      <text x="800" y="380" font-family="sans-serif" font-size="96" font-weight="bold" text-anchor="middle" fill="#111827">COMBI 30 kW</text>
      <text x="360" y="540" font-family="sans-serif" font-size="60" fill="#1f2937">Serial  GC-47-260-31</text><text x="360" y="660" font-family="sans-serif" font-size="60" fill="#1f2937">Gas  G20 · 20 mbar</text>
      <text x="360" y="780" font-family="sans-serif" font-size="60" fill="#1f2937">Installed  03/2019</text><circle cx="330" cy="290" r="22" fill="#9ca3af"/><circle cx="1270" cy="290" r="22" fill="#9ca3af"/></svg>`;
    const photo = await sharp(Buffer.from(plate)).jpeg({ quality: 85 }).toBuffer();
    const added = await upload(web.baseUrl, session.token, `/api/v1/tasks/${id}/attachments`, { bytes: photo, name: 'data-plate.jpg', type: 'image/jpeg' });
    expect(added.status).toBe(201);
    const task = await (await fetch(`${web.baseUrl}/api/v1/tasks/${id}`, { headers: { authorization: `Bearer ${session.token}` } })).json();
    const context = await web.newContext(SCREENS[0]!.options);
    const page = await context.newPage();
    const errors: string[] = [];
    reportPageErrors(page, errors);
    await logIn(page, login.email, login.password);
    await page.goto(`/tasks?task=${task.key}`);
    const drawer = page.getByRole('complementary', { name: `Task ${task.key}` });
    await drawer.locator('.thumb img').first().waitFor(T);
    await drawer.locator('.thumb img').first().evaluate((img: HTMLImageElement) => img.decode());
    await drawer.getByRole('region', { name: 'Photos and files' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'task-drawer-photo');
    if (TO_DOCS) copyFileSync(join(ARTIFACTS, 'task-drawer-photo.png'), join(DOCS, 'task-drawer-photo.png'));
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  for (const screen of SCREENS) {
    it(`shows every main page of the demo business${screen.suffix ? ' on a 390 px phone, never scrolling sideways' : ' on a desktop'}`, async () => {
      const context = await web.newContext(screen.options);
      const page = await context.newPage();
      const errors: string[] = [];
      reportPageErrors(page, errors);
      await logIn(page, login.email, login.password);
      const wide: string[] = [];
      for (const { name, path, heading, ready } of PAGES) {
        await page.goto(path);
        await (heading ? page.getByRole('heading', { name: heading, exact: true, level: 1 }) : page.locator('h1')).waitFor(T);
        await ready(page);
        // Fonts and charts settle after the data arrives: a pause before the picture, not a timing check.
        await page.waitForTimeout(400);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (screen.suffix && width > 390) wide.push(`${path} is ${width} px wide`);
        const file = `${name}${screen.suffix}`;
        await screenshot(page, file);
        if (TO_DOCS && IN_DOCS.has(file)) copyFileSync(join(ARTIFACTS, `${file}.png`), join(DOCS, `${file}.png`));
      }
      expect(wide).toEqual([]);
      // Every page of the navigation can be reached, on a phone by scrolling its bar sideways: its end comes fully on screen.
      const last = page.getByRole('navigation', { name: 'Main' }).getByRole('link').last();
      await last.scrollIntoViewIfNeeded();
      const box = (await last.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(screen.options.viewport!.width);
      for (const name of ['Settings', 'Reports', 'My work']) {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
        await page.waitForURL((url) => url.pathname === PAGES.find((p) => p.heading === name)!.path, T);
      }
      expect(errors).toEqual([]);
      await context.close();
    }, 180_000);
  }

  for (const screen of SCREENS) {
    it(`shows a technician's Today${screen.suffix ? ' on a 390 px phone' : ' on a desktop'}`, async () => {
      const tech = await busiestTechnicianToday(web.baseUrl, login);
      const context = await web.newContext(screen.options);
      const page = await context.newPage();
      const errors: string[] = [];
      reportPageErrors(page, errors);
      await logIn(page, tech, login.password);
      await page.goto('/today');
      await page.getByRole('heading', { name: 'Today', exact: true, level: 1 }).waitFor(T);
      await page.locator('.job-card .job-client').first().waitFor(T);
      await page.waitForTimeout(400);
      if (screen.suffix) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const file = `today${screen.suffix}`;
      await screenshot(page, file);
      if (TO_DOCS && IN_DOCS.has(file)) copyFileSync(join(ARTIFACTS, `${file}.png`), join(DOCS, `${file}.png`));
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  }
});

/** The email of the demo's field technician with the most jobs today (on this machine's calendar, as the browser's). */
async function busiestTechnicianToday(baseUrl: string, owner: { email: string; password: string }): Promise<string> {
  const session = (await (await fetch(`${baseUrl}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) })).json()) as { token: string };
  const get = async (path: string) => (await (await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as { items: any[] };
  const now = new Date();
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString();
  const to = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).toISOString();
  const jobs = await get(`/api/v1/jobs?scheduledFrom=${encodeURIComponent(from)}&scheduledTo=${encodeURIComponent(to)}&limit=200`);
  const count = new Map<string, number>();
  for (const job of jobs.items) for (const id of job.technicianIds as string[]) count.set(id, (count.get(id) ?? 0) + 1);
  const [busiest] = [...count].sort((a, b) => b[1] - a[1]);
  expect(busiest, 'the demo has jobs today').toBeDefined();
  return (await get('/api/v1/users?limit=200')).items.find((u) => u.id === busiest![0]).email as string;
}
