// Accounts in the browser, with email through a real SMTP server: an admin
// invites someone from Settings, who follows the emailed link on a phone, joins
// and lands in My work; someone who forgot their password gets a link by email,
// chooses a new one and logs in with it; Settings → Security lists where you are
// signed in. The emailed links point at the configured public address: the test
// opens the same path and query on the server under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addPerson, type ApiUser, browserSkipReason, logIn, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';
import { freePort, Mailbox } from '../support/mailbox.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };
const PUBLIC_URL = 'https://finishline.example';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe.skipIf(skip !== null)(skip ? `accounts in the web app (skipped: ${skip})` : 'accounts in the web app', () => {
  const mailbox = new Mailbox(0);
  let web: WebApp;
  let olive: ApiUser;
  let office: Page;
  const errors: string[] = [];
  /** The emailed link's path and query, opened on the server under test. */
  const follow = async (page: Page, email: string, path: string) => {
    await web.server.mail.idle();
    const link = mailbox.link(email, `${PUBLIC_URL}${path}?token=`);
    const url = new URL(link);
    await page.goto(`${url.pathname}${url.search}`);
  };

  beforeAll(async () => {
    Object.assign(mailbox, { port: await freePort() });
    await mailbox.start();
    web = await startWebApp({ smtpUrl: mailbox.smtpUrl, mailFrom: 'Finishline <finishline@finishline.example>', publicUrl: PUBLIC_URL });
    olive = await signupOwner(web.baseUrl, 'Acme Plumbing');
    office = await (await web.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    reportPageErrors(office, errors);
    await logIn(office, olive.email);
  });
  afterAll(async () => {
    await web?.close();
    await mailbox.stop();
  });

  it('invites from Settings; the invitee follows the emailed link on a phone, joins and lands in My work', async () => {
    await office.getByRole('link', { name: 'Settings', exact: true }).click();
    const form = office.getByRole('form', { name: 'Invite by email' });
    await form.getByLabel('Email to invite').fill('not-an-email');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await form.getByRole('alert').waitFor(T);
    await form.getByLabel('Email to invite').fill('nia@acme.test');
    await form.getByLabel('Their role').selectOption('manager');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    const invitations = office.getByRole('region', { name: 'Invitations' });
    await invitations.getByRole('cell', { name: 'nia@acme.test', exact: true }).waitFor(T);
    await screenshot(office, 'invitations');

    const phone = await (await web.newContext(PHONE)).newPage();
    reportPageErrors(phone, errors);
    await follow(phone, 'nia@acme.test', '/accept-invitation');
    await phone.getByRole('heading', { name: 'Join Acme Plumbing' }).waitFor(T);
    await phone.getByText('You will sign in as nia@acme.test.').waitFor(T);
    await phone.getByLabel('Your name').fill('Nia Patel');
    await phone.getByLabel('Password').fill('short');
    await phone.getByRole('button', { name: 'Join' }).click();
    await phone.getByRole('alert').first().waitFor(T);
    await screenshot(phone, 'accept-invitation-phone');
    await phone.getByLabel('Password').fill('a long enough password for nia');
    await phone.getByRole('button', { name: 'Join' }).click();
    await phone.getByRole('heading', { name: 'My work' }).waitFor(T);
    const me = await phone.evaluate(async () => (await (await fetch('/api/v1/me')).json()) as { user: { name: string; role: string } });
    expect(me.user).toMatchObject({ name: 'Nia Patel', role: 'manager' });
    await office.reload();
    await office.getByRole('region', { name: 'Invitations' }).getByText('No open invitations.').waitFor(T);
    await phone.context().close();
  });

  it('resets a forgotten password from the emailed link at 390 px, and logs in with the new one', async () => {
    const tom = await addPerson(web.baseUrl, olive, 'Tom Tech');
    const phone = await (await web.newContext(PHONE)).newPage();
    reportPageErrors(phone, errors);
    await phone.goto('/login');
    await phone.getByRole('link', { name: 'Forgot password?' }).click();
    await phone.getByLabel('Email').fill(tom.email);
    await phone.getByRole('button', { name: 'Email me a link' }).click();
    await phone.getByText(/a link is on its way/).waitFor(T);
    await follow(phone, tom.email, '/reset-password');
    await phone.getByRole('heading', { name: 'Choose a new password' }).waitFor(T);
    await phone.getByLabel('New password', { exact: true }).fill('a fresh long passphrase');
    await phone.getByRole('button', { name: 'Set password' }).click();
    await phone.getByText('Your password is changed.').waitFor(T);
    await screenshot(phone, 'reset-password-phone');
    expect((await tom.call('GET', '/api/v1/me')).status).toBe(401);
    await logIn(phone, tom.email, 'a fresh long passphrase');
    await phone.context().close();
  });

  it('lists where you are signed in under Settings → Security, and signs you out everywhere else', async () => {
    const other = await (await web.newContext(PHONE)).newPage();
    await logIn(other, olive.email);
    await office.getByRole('link', { name: 'Settings', exact: true }).click();
    const security = office.getByRole('region', { name: 'Security' });
    await security.getByText('This device').waitFor(T);
    await expect.poll(() => security.getByRole('button', { name: /^End / }).count(), T).toBeGreaterThan(0);
    await screenshot(office, 'security');
    await security.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await expect.poll(() => security.getByRole('button', { name: /^End / }).count(), T).toBe(0);
    expect(await other.evaluate(async () => (await fetch('/api/v1/me')).status)).toBe(401);
    expect(await office.evaluate(async () => (await fetch('/api/v1/me')).status)).toBe(200);
    expect(errors).toEqual([]);
  });
});
