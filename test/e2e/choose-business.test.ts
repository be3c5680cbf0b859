// Log in with an email that has an account in two businesses with the same password: the page
// asks which business (naming only those two), and signs in to the one chosen. At 1440 and 390 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, PASSWORD, reportPageErrors, screenshot, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `choosing the business at log-in (skipped: ${skip})` : 'choosing the business at log-in', () => {
  let web: WebApp;
  const email = `pat-${Math.random().toString(36).slice(2, 8)}@example.test`;

  beforeAll(async () => {
    web = await startWebApp();
    const signup = async (orgName: string, password: string) => {
      const response = await fetch(`${web.baseUrl}/api/v1/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orgName, timezone: 'Europe/London', name: 'Pat Doyle', email, password }),
      });
      expect(response.status).toBe(201);
    };
    await signup('Doyle Plumbing', PASSWORD);
    await signup('Doyle Electric & Gas Services of the North West', PASSWORD);
    await signup('Doyle Roofing', 'a password for roofing only');
  });
  afterAll(async () => {
    await web?.close();
  });

  for (const [width, height] of [[1440, 1000], [390, 844]] as const) {
    it(`asks which business, lists only those the password opens, and signs in to the one chosen (${width} px)`, async () => {
      const context = await web.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      const errors: string[] = [];
      reportPageErrors(page, errors);
      await page.goto('/login');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Choose a business' }).waitFor(T);
      const choices = page.getByRole('list', { name: 'Your businesses' }).getByRole('button');
      expect(await choices.allTextContents()).toEqual(['Doyle Plumbing', 'Doyle Electric & Gas Services of the North West']);
      expect(await page.getByText('Doyle Roofing').count()).toBe(0);
      const last = await choices.last().boundingBox();
      expect(last!.x + last!.width).toBeLessThanOrEqual(width);
      await screenshot(page, `choose-business-${width}`);
      await choices.last().click();
      await page.getByRole('heading', { name: 'My work' }).waitFor(T);
      const me = await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()) as { org: { name: string } });
      expect(me.org.name).toBe('Doyle Electric & Gas Services of the North West');
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
