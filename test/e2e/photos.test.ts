// A technician's phone without signal: photos taken from the task wait on the
// phone ("2 photos waiting"), a photo-required tick waits behind its photo, and
// once back online both photos are on the task and on the job's page.
// A comment carries a photo and a file, shown under it in the timeline.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { addPerson, type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';
import { photoWithGps } from '../support/files.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `photos on a phone (skipped: ${skip})` : 'photos on a phone', () => {
  let web: WebApp;
  let owner: ApiUser;
  let tech: ApiUser;
  let phone: BrowserContext;
  let page: Page;
  let task: any;
  let job: any;
  let customer: any;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Bright Boilers');
    tech = await addPerson(web.baseUrl, owner, 'Theo Technician');
    customer = (await owner.call('POST', '/api/v1/clients', { name: 'Oak Lane Household', address: '3 Oak Lane' })).body;
    job = (await owner.call('POST', '/api/v1/jobs', { title: 'Boiler install at 3 Oak Lane', address: '3 Oak Lane', clientId: customer.id })).body;
    task = (await owner.call('POST', '/api/v1/tasks', {
      title: 'Upload photos and notes: 3 Oak Lane',
      assigneeId: tech.user.id,
      links: [{ type: 'job', id: job.id }, { type: 'client', id: customer.id }],
      checklist: [{ text: 'Photo of the finished install', photoRequired: true }, 'Notes for the office'],
    })).body;
    phone = await web.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    page = await phone.newPage();
    reportPageErrors(page, errors);
  }, 300_000);
  afterAll(async () => {
    await web?.close();
  });

  it('takes two photos offline, ticks the photo-required item, and sends all of it in order once back online', async () => {
    const install = await photoWithGps(3000, 2000);
    const meter = await sharp({ create: { width: 1200, height: 1600, channels: 3, background: { r: 30, g: 90, b: 160 } } }).jpeg().toBuffer();
    await logIn(page, tech.email);
    await page.locator('.task-row', { hasText: 'Upload photos' }).click();
    const drawer = page.getByRole('complementary', { name: `Task ${task.key}` });
    await drawer.getByText('Photo of the finished install').first().waitFor(T);
    await drawer.getByRole('button', { name: 'Add photo' }).waitFor(T);
    expect(await drawer.locator('input[type=file][capture]').first().getAttribute('accept')).toBe('image/*');

    await phone.setOffline(true);
    await drawer.getByLabel('Photo for "Photo of the finished install"', { exact: true }).setInputFiles({ name: 'install.jpg', mimeType: 'image/jpeg', buffer: install });
    await drawer.getByLabel('Add photo', { exact: true }).setInputFiles({ name: 'meter.jpg', mimeType: 'image/jpeg', buffer: meter });
    await drawer.getByRole('status').filter({ hasText: '2 photos waiting' }).waitFor(T);
    await drawer.getByRole('checkbox').first().check();
    await screenshot(page, 'phone-photos-waiting');
    expect((await owner.call('GET', `/api/v1/tasks/${task.id}/attachments`)).body.items).toEqual([]);

    await phone.setOffline(false);
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${task.id}/attachments`)).body.items.length, T).toBe(2);
    await expect.poll(async () => (await owner.call('GET', `/api/v1/tasks/${task.id}`)).body.checklist[0].done, T).toBe(true);
    const files = (await owner.call('GET', `/api/v1/tasks/${task.id}/attachments`)).body.items;
    expect(files.map((f: any) => f.name)).toEqual(['install.jpg', 'meter.jpg']);
    expect(files[0].checklistItemId).toBe(task.checklist[0].id);
    // Made smaller on the phone before it travelled.
    expect(Math.max(files[0].width, files[0].height)).toBeLessThanOrEqual(2048);

    await drawer.getByRole('status').filter({ hasText: 'photos waiting' }).waitFor({ state: 'detached', ...T });
    await drawer.locator('.thumb img').nth(1).waitFor(T);
    await screenshot(page, 'phone-task-photos');
    await drawer.locator('.thumb').first().click();
    const viewer = page.getByRole('dialog', { name: 'install.jpg' });
    await viewer.locator('img').waitFor(T);
    await viewer.getByRole('button', { name: 'Next photo' }).click();
    await page.getByRole('dialog', { name: 'meter.jpg' }).waitFor(T);
    await page.getByRole('dialog', { name: 'meter.jpg' }).getByRole('button', { name: 'Close' }).click();
  });

  it('shows the photos on the job’s page, newest first', async () => {
    await page.goto(`/jobs/${job.id}`);
    const photos = page.getByRole('region', { name: 'Photos' });
    await photos.locator('.thumb img').nth(1).waitFor(T);
    expect(await photos.locator('.thumb img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')))).toEqual(['meter.jpg', 'install.jpg']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'phone-job-photos');
    expect(errors).toEqual([]);
  });

  it('shows them on the client’s page too, on the phone and at desktop width', async () => {
    await page.goto(`/clients/${customer.id}`);
    const photos = page.getByRole('region', { name: 'Photos' });
    await photos.locator('.thumb img').nth(1).waitFor(T);
    expect(await photos.locator('.thumb img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')))).toEqual(['meter.jpg', 'install.jpg']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'phone-client-photos');
    const desk = await (await web.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    reportPageErrors(desk, errors);
    await logIn(desk, owner.email);
    await desk.goto(`/clients/${customer.id}`);
    await desk.getByRole('region', { name: 'Photos' }).locator('.thumb img').nth(1).waitFor(T);
    await screenshot(desk, 'desktop-client-photos');
    // A record none of whose tasks has a photo says so.
    const contact = (await owner.call('POST', '/api/v1/contacts', { name: 'Pat Nophoto' })).body;
    await desk.goto(`/contacts/${contact.id}`);
    await desk.getByRole('region', { name: 'Photos' }).getByText('No photos yet').waitFor(T);
    expect(errors).toEqual([]);
  });

  it('attaches a photo and a file to a comment, and shows them under it in the timeline', async () => {
    await page.goto('/');
    await page.locator('.task-row', { hasText: 'Upload photos' }).click();
    const drawer = page.getByRole('complementary', { name: `Task ${task.key}` });
    const receipt = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
    const leak = await sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 40, g: 160, b: 90 } } }).jpeg().toBuffer();
    await drawer.getByLabel('Comment', { exact: true }).fill('Valve replaced, receipt attached');
    await drawer.getByLabel('Attach to comment', { exact: true }).setInputFiles([
      { name: 'valve.jpg', mimeType: 'image/jpeg', buffer: leak },
      { name: 'receipt.pdf', mimeType: 'application/pdf', buffer: receipt },
    ]);
    const attached = drawer.getByRole('list', { name: 'Attached to this comment' });
    await attached.getByText('receipt.pdf').waitFor(T);
    await drawer.getByRole('button', { name: 'Comment', exact: true }).click();
    await attached.waitFor({ state: 'detached', ...T });
    const comment = drawer.locator('.timeline-comment', { hasText: 'Valve replaced' });
    await comment.locator('.thumb img[alt="valve.jpg"]').waitFor(T);
    await comment.getByRole('link', { name: 'receipt.pdf' }).waitFor(T);
    const sent = (await owner.call('GET', `/api/v1/tasks/${task.id}/comments`)).body.items.at(-1);
    const files = (await owner.call('GET', `/api/v1/tasks/${task.id}/attachments`)).body.items;
    expect(sent.attachmentIds.map((id: string) => files.find((f: any) => f.id === id)?.name).sort()).toEqual(['receipt.pdf', 'valve.jpg']);
    await comment.scrollIntoViewIfNeeded();
    await screenshot(page, 'phone-comment-files');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await comment.locator('.thumb').click();
    await page.getByRole('dialog', { name: 'valve.jpg' }).getByRole('button', { name: 'Close' }).click();
    expect(errors).toEqual([]);
  });
});
