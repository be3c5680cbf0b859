// A record that also lives in another system, in a real browser: its page links
// back to it ("Open in HubSpot", opening that system's page in a new tab) and
// shows the ids of systems without a link, at 1440 and 390 px.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `records from other systems (skipped: ${skip})` : 'records from other systems', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  // Stands in for the other system's record page.
  let crm: Server;
  let crmBase: string;
  const errors: string[] = [];

  beforeAll(async () => {
    crm = createServer((request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(`<title>CRM record</title><h1>CRM page ${request.url}</h1>`));
    await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
    crmBase = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
    web = await startWebApp();
    owner = await signupOwner(web.baseUrl, 'Ridge Plumbing', 'Dee Dispatcher');
    const context = await web.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, owner.email);
  });
  afterAll(async () => {
    await web?.close();
    await new Promise<void>((resolve) => (crm ? crm.close(() => resolve()) : resolve()));
  });

  it("links a record to its page in the other system, and shows the other systems' ids", async () => {
    const url = `${crmBase}/contacts/1/company/4711`;
    const put = await owner.call('PUT', '/api/v1/clients/external/hubspot/4711', {
      name: 'Reyes household',
      address: '4 Elm Road, Leeds',
      externalRefs: [{ source: 'hubspot', id: '4711', url }, { source: 'housecall_pro', id: 'cus_8812' }],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    await owner.call('POST', '/api/v1/tasks', { title: 'Chase invoice 1042', priority: 'high', links: [{ type: 'client', id: put.body.id }] });

    await page.goto(`/clients/${put.body.id}`);
    const section = page.getByRole('region', { name: 'In other systems' });
    await section.waitFor(T);
    const link = section.getByRole('link', { name: 'Open in HubSpot' });
    expect(await link.getAttribute('href')).toBe(url);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await section.getByText('Housecall Pro:').waitFor(T);
    await section.getByText('cus_8812').waitFor(T);
    expect(await section.getByRole('link').count(), 'no link where the reference has none').toBe(1);
    await screenshot(page, 'record-external-refs-1440');

    const [opened] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await opened.waitForLoadState();
    expect(opened.url()).toBe(url);
    await opened.getByRole('heading', { name: 'CRM page /contacts/1/company/4711' }).waitFor(T);
    await opened.close();

    await page.setViewportSize({ width: 390, height: 844 });
    await section.scrollIntoViewIfNeeded();
    expect(await link.isVisible()).toBe(true);
    const box = await section.boundingBox();
    expect(box!.x + box!.width, 'the section fits the phone screen').toBeLessThanOrEqual(390);
    await screenshot(page, 'record-external-refs-390');
    expect(errors).toEqual([]);
  });
});
