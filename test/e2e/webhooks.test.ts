// Settings → Webhooks in a real browser: an admin adds a webhook for a local
// receiver, sees its secret once, sends a test and finds it in the delivery log;
// on a server that keeps webhooks off private networks (the default), the form
// shows why a local address is refused next to the URL field.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/webhooks/signature.ts';
import { type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };

describe.skipIf(skip !== null)(skip ? `webhook settings (skipped: ${skip})` : 'webhook settings', () => {
  let web: WebApp;
  let owner: ApiUser;
  let page: Page;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; raw: string }[] = [];
  const errors: string[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, raw: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/finishline`;
    // The receiver is on 127.0.0.1: this server allows private targets, as an on-premises install would.
    web = await startWebApp({ webhooks: { allowPrivate: true } });
    owner = await signupOwner(web.baseUrl, 'Hook & Sons Plumbing');
    const context = await web.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    reportPageErrors(page, errors);
    await logIn(page, owner.email);
  });
  afterAll(async () => {
    await web?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('adds a webhook, shows its secret once, and sends a signed test to the receiver', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.getByText('No webhooks yet.').waitFor(T);

    const form = section.getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('URL').fill('ftp://not-a-web-address');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await form.getByRole('alert').getByText(/http:\/\/ or https:\/\//).waitFor(T);

    await form.getByLabel('URL').fill(receiverUrl);
    await form.getByLabel('All events').uncheck();
    await form.getByLabel(/A job is created/).check();
    await form.getByLabel(/A task is completed/).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secretBox = section.getByRole('textbox', { name: 'Signing secret' });
    await secretBox.waitFor(T);
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expect(section.getByRole('button', { name: 'Copy' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'webhooks-added-1400');
    await section.getByRole('button', { name: 'Done' }).click();
    await secretBox.waitFor({ state: 'detached', ...T });

    const row = section.getByRole('listitem', { name: `Webhook ${receiverUrl}` });
    await row.getByText('job.created, task.completed').waitFor(T);
    await row.getByRole('button', { name: 'Send test' }).click();
    const log = row.getByRole('table', { name: 'Recent deliveries' });
    await log.getByRole('cell', { name: 'succeeded' }).waitFor(T);
    await log.getByRole('cell', { name: 'webhook.test' }).waitFor(T);
    await log.getByRole('cell', { name: '204' }).waitFor(T);
    await screenshot(page, 'webhooks-test-sent-1400');

    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got!.headers['finishline-event']).toBe('webhook.test');
    expect(verifyWebhookSignature(secret, got!.headers['finishline-signature'] as string, got!.raw)).toEqual({ valid: true });
    expect(JSON.parse(got!.raw)).toMatchObject({ type: 'webhook.test' });

    // Turned off from the list, it says so.
    await row.getByRole('button', { name: 'Turn off' }).click();
    await row.getByText('Off', { exact: true }).waitFor(T);
    await row.getByRole('button', { name: 'Turn on' }).waitFor(T);
    const listed = (await owner.call('GET', '/api/v1/webhooks')).body.items;
    expect(listed).toMatchObject([{ url: receiverUrl, active: false, events: ['job.created', 'task.completed'] }]);
    expect(errors).toEqual([]);
  });

  it('adds a webhook step to a rule in the rule builder', async () => {
    const [hook] = (await owner.call('GET', '/api/v1/webhooks')).body.items;
    expect((await owner.call('PATCH', `/api/v1/webhooks/${hook.id}`, { active: true })).status).toBe(200);
    await page.getByRole('link', { name: 'Automation', exact: true }).click();
    await page.getByRole('button', { name: '+ New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Rule name').fill('Tell the office system about new jobs');
    await form.getByLabel('Event', { exact: true }).selectOption('job.created');
    await form.getByRole('textbox', { name: 'Title' }).click();
    await page.keyboard.type('Prepare ');
    await form.getByRole('button', { name: '+ Insert a detail' }).click();
    await form.getByRole('menuitem', { name: "the job's title" }).click();
    await form.getByLabel('Also send the event to a webhook').selectOption(hook.id);
    await form.getByText('Also: send it to another system').waitFor(T);
    await form.getByRole('button', { name: 'Create and turn on' }).click();
    await page.locator('.rule', { hasText: 'Tell the office system about new jobs' }).waitFor(T);
    const [rule] = (await owner.call('GET', '/api/v1/rules')).body.items;
    expect(rule.actions).toContainEqual({ type: 'webhook', webhookId: hook.id });
    expect(rule.actions[0].title).toBe('Prepare {{record.title}}');
    expect(errors).toEqual([]);
  });

  it('shows, next to the URL, why a private address is refused on a server with the default setting', async () => {
    const guarded = await web.anotherServer();
    const guardedOwner = await signupOwner(guarded.baseUrl, 'Guarded Plumbing');
    const context = await web.newContext({ baseURL: guarded.baseUrl, viewport: { width: 1400, height: 1000 } });
    const guardedPage = await context.newPage();
    reportPageErrors(guardedPage, errors);
    await logIn(guardedPage, guardedOwner.email);
    await guardedPage.getByRole('link', { name: 'Settings', exact: true }).click();
    const form = guardedPage.getByRole('region', { name: 'Webhooks' }).getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('URL').fill('http://169.254.169.254/latest/meta-data/');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const message = guardedPage.locator('#webhook-url-error');
    await message.getByText(/must not point at 169\.254\.169\.254, a link-local address/).waitFor(T);
    await expect(form.getByLabel('URL').getAttribute('aria-invalid')).resolves.toBe('true');
    await screenshot(guardedPage, 'webhooks-private-refused-1400');
    expect((await guardedOwner.call('GET', '/api/v1/webhooks')).body.items).toEqual([]);
    await context.close();
    expect(errors).toEqual([]);
  });
});
