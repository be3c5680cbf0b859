// Two-factor sign-in and single sign-on in the browser: turning two-factor on
// in Settings → Security and signing in with a code computed from the secret the
// page shows; a manager walked through setting it up at sign-in when the business
// requires it; and "Sign in with <provider>" through a real OpenID provider's own
// login page (oidc-provider on a local port). The provider sends the browser to
// the configured public address, which the test routes to the server under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { totpCodeAt } from '../../src/accounts/twoFactor.ts';
import { addPerson, type ApiUser, browserSkipReason, logIn, PASSWORD, reportPageErrors, screenshot, signupOwner, startWebApp, type WebApp } from '../support/browser.ts';
import { startProvider, type TestProvider } from '../support/oidc.ts';

const skip = browserSkipReason();
/** How long to wait for the page to show something (a wait, not a timing assertion). */
const T = { timeout: 15_000 };
const PUBLIC_URL = 'http://finishline.example.test';
const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe.skipIf(skip !== null)(skip ? `two-factor and single sign-on in the web app (skipped: ${skip})` : 'two-factor and single sign-on in the web app', () => {
  let web: WebApp;
  let provider: TestProvider;
  let olive: ApiUser;
  /** Tom turns two-factor on in the first test; an admin resets it in the second. */
  let tom: ApiUser;
  const errors: string[] = [];

  /** A browser that reaches the server under test at its public address, as people behind the real domain would. */
  const open = async (options: object): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await web.newContext(options);
    await context.route(`${PUBLIC_URL}/**`, (route) => {
      const url = new URL(route.request().url());
      return route.fulfill({ status: 302, headers: { location: `${web.baseUrl}${url.pathname}${url.search}` } });
    });
    const page = await context.newPage();
    reportPageErrors(page, errors);
    return { context, page };
  };

  beforeAll(async () => {
    provider = await startProvider([`${PUBLIC_URL}/sso/callback`]);
    web = await startWebApp({ publicUrl: PUBLIC_URL, ssoAllowLocalIssuers: true });
    olive = await signupOwner(web.baseUrl, 'Acme Plumbing');
  });
  afterAll(async () => {
    await web?.close();
    await provider?.close();
  });

  it('turns two-factor on in Settings → Security, then signs in with the code on a phone', async () => {
    tom = await addPerson(web.baseUrl, olive, 'Tom Tech');
    const { context, page } = await open(DESKTOP);
    await logIn(page, tom.email);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const section = page.getByRole('group', { name: 'Two-factor sign-in' });
    await section.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const key = section.getByLabel('Setup key');
    await key.waitFor(T);
    await section.getByRole('img', { name: 'QR code to scan with your authenticator app' }).waitFor(T);
    const secret = (await key.textContent())!.replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await section.getByLabel('Code from the app').fill('000000');
    await section.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await section.getByRole('alert').waitFor(T);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'two-factor-setup');
    await section.getByLabel('Code from the app').fill(totpCodeAt(secret, Date.now()));
    await section.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    const codes = page.getByLabel('Recovery codes', { exact: true });
    await codes.waitFor(T);
    expect(await codes.locator('li').count()).toBe(10);
    await section.getByText('On. 10 recovery codes left.').waitFor(T);
    await screenshot(page, 'two-factor-recovery-codes');

    // New recovery codes, with the password (a code from the app would do too); the old ones stop working.
    const first = await codes.locator('li').allTextContents();
    const renew = section.getByRole('form', { name: 'Make new recovery codes' });
    await renew.getByLabel('Code from the app, or your password').fill('not my password at all');
    await renew.getByRole('button', { name: 'Make new recovery codes' }).click();
    await renew.getByRole('alert').waitFor(T);
    expect(await renew.getByRole('alert').textContent()).toBe('That is not your password.');
    await renew.getByLabel('Code from the app, or your password').fill(PASSWORD);
    await renew.getByRole('button', { name: 'Make new recovery codes' }).click();
    await expect.poll(async () => (await codes.locator('li').allTextContents()).join(), T).not.toBe(first.join());
    const second = await codes.locator('li').allTextContents();
    expect(second).toHaveLength(10);
    expect(second.filter((code) => first.includes(code))).toEqual([]);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'two-factor-new-recovery-codes');
    await page.setViewportSize(PHONE.viewport);
    await renew.scrollIntoViewIfNeeded();
    await screenshot(page, 'two-factor-new-recovery-codes-phone');
    expect((await tom.call('POST', '/api/v1/sessions', { email: tom.email, password: PASSWORD, recoveryCode: first[0] })).status).toBe(401);
    await context.close();

    const phone = await open(PHONE);
    await phone.page.goto('/login');
    await phone.page.getByLabel('Email').fill(tom.email);
    await phone.page.getByLabel('Password').fill(PASSWORD);
    await phone.page.getByRole('button', { name: 'Log in' }).click();
    await phone.page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor(T);
    await phone.page.getByLabel('Code', { exact: true }).fill('123456');
    await phone.page.getByRole('button', { name: 'Verify' }).click();
    await phone.page.getByRole('alert').waitFor(T);
    await screenshot(phone.page, 'two-factor-code-phone');
    // The next step's code: the one that turned it on is never taken again.
    await phone.page.getByLabel('Code', { exact: true }).fill(totpCodeAt(secret, Date.now() + 30_000));
    await phone.page.getByRole('button', { name: 'Verify' }).click();
    await phone.page.getByRole('heading', { name: 'My work' }).waitFor(T);
    const me = await phone.page.evaluate(async () => (await (await fetch('/api/v1/me')).json()) as { user: { email: string } });
    expect(me.user.email).toBe(tom.email);
    await phone.context.close();
  });

  it('lets an admin reset the two-factor of someone who lost their phone, from Settings → People after a confirmation', async () => {
    const { context, page } = await open(DESKTOP);
    await logIn(page, olive.email);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const people = page.getByRole('region', { name: 'People' });
    const reset = people.getByRole('button', { name: 'Reset two-factor sign-in of Tom Tech' });
    await reset.waitFor(T);
    // Nobody resets their own here: the owner's row has no reset.
    expect(await people.getByRole('button', { name: 'Reset two-factor sign-in of Olive Owner' }).count()).toBe(0);
    await reset.click();
    const dialog = page.getByRole('dialog', { name: 'Reset two-factor sign-in of Tom Tech?' });
    await dialog.getByText('They are signed out everywhere, and told by email.').waitFor(T);
    await screenshot(page, 'two-factor-reset-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', ...T });
    expect((await tom.call('GET', '/api/v1/me/two-factor')).body.enabled).toBe(true);

    await page.setViewportSize(PHONE.viewport);
    await reset.scrollIntoViewIfNeeded();
    await reset.click();
    await dialog.waitFor(T);
    await screenshot(page, 'two-factor-reset-confirm-phone');
    await dialog.getByRole('button', { name: 'Reset two-factor sign-in' }).click();
    await dialog.waitFor({ state: 'detached', ...T });
    await reset.waitFor({ state: 'detached', ...T });
    await context.close();
    expect((await tom.call('GET', '/api/v1/me')).status).toBe(401);

    // Tom signs in with the password alone, and may turn two-factor on again.
    const phone = await open(PHONE);
    await logIn(phone.page, tom.email);
    await phone.page.getByRole('link', { name: 'Settings', exact: true }).click();
    await phone.page.getByRole('group', { name: 'Two-factor sign-in' }).getByRole('button', { name: 'Set up two-factor sign-in' }).waitFor(T);
    await phone.context.close();
  });

  it('walks a manager through setting two-factor up at sign-in when the business requires it', async () => {
    const mia = await addPerson(web.baseUrl, olive, 'Mia Manager', 'manager');
    const org = await olive.call('GET', '/api/v1/org');
    expect((await olive.call('PATCH', '/api/v1/org', { requireTwoFactor: 'managers' }, { 'if-match': `"${org.body.version}"` })).status).toBe(200);
    const { context, page } = await open(PHONE);
    await page.goto('/login');
    await page.getByLabel('Email').fill(mia.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Set up two-factor sign-in' }).waitFor(T);
    const secret = (await page.getByLabel('Setup key').textContent())!.replace(/\s+/g, '');
    await screenshot(page, 'two-factor-required-setup-phone');
    await page.getByLabel('Code from the app').fill(totpCodeAt(secret, Date.now()));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByRole('heading', { name: 'Two-factor sign-in is on' }).waitFor(T);
    expect(await page.getByLabel('Recovery codes', { exact: true }).locator('li').count()).toBe(10);
    await page.getByRole('button', { name: 'Continue to My work' }).click();
    await page.getByRole('heading', { name: 'My work' }).waitFor(T);
    await context.close();
    const back = await olive.call('GET', '/api/v1/org');
    expect((await olive.call('PATCH', '/api/v1/org', { requireTwoFactor: 'none' }, { 'if-match': `"${back.body.version}"` })).status).toBe(200);
  });

  it('sets up single sign-on in Settings, and signs a new colleague in through the provider’s login page', async () => {
    const { context, page } = await open(DESKTOP);
    await logIn(page, olive.email);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const form = page.getByRole('form', { name: 'Single sign-on' });
    await form.getByLabel('Button name').fill('Acme Login');
    await form.getByLabel('Issuer address').fill(provider.issuer);
    await form.getByLabel('Client ID').fill(provider.clientId);
    await form.getByLabel('Allowed email domains').fill('acme.test');
    await form.getByRole('button', { name: 'Turn on single sign-on' }).click();
    await form.getByRole('alert').waitFor(T); // the secret is needed the first time
    await form.getByLabel('Client secret').fill(provider.clientSecret);
    await form.getByRole('button', { name: 'Turn on single sign-on' }).click();
    const link = page.getByLabel('Your sign-in page, to share with your team');
    await link.waitFor(T);
    const signInPage = new URL(await link.inputValue());
    expect(await page.getByLabel('Redirect address to register at your provider').inputValue()).toBe(`${PUBLIC_URL}/sso/callback`);
    await page.getByRole('region', { name: 'Sign-in' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'sign-in-settings');
    await page.setViewportSize(PHONE.viewport);
    await page.getByRole('form', { name: 'Single sign-on' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'sign-in-settings-phone');
    await context.close();

    const phone = await open(PHONE);
    await phone.page.goto(`${signInPage.pathname}${signInPage.search}`);
    const button = phone.page.getByRole('link', { name: 'Sign in with Acme Login' });
    await button.waitFor(T);
    await screenshot(phone.page, 'sso-login-phone');
    await button.click();
    await phone.page.locator('input[name="login"]').fill('sam@acme.test');
    await phone.page.locator('input[name="password"]').fill('whatever the provider asks');
    await phone.page.getByRole('button', { name: 'Sign-in' }).click();
    await phone.page.getByRole('button', { name: 'Continue' }).click();
    await phone.page.getByRole('heading', { name: 'My work' }).waitFor(T);
    const me = await phone.page.evaluate(async () => (await (await fetch('/api/v1/me')).json()) as { user: { email: string; role: string } });
    expect(me.user).toMatchObject({ email: 'sam@acme.test', role: 'member' });
    await phone.context.close();

    const desktop = await open(DESKTOP);
    await desktop.page.goto(`${signInPage.pathname}${signInPage.search}`);
    await desktop.page.getByRole('link', { name: 'Sign in with Acme Login' }).waitFor(T);
    await screenshot(desktop.page, 'sso-login');
    await desktop.context.close();
    const audit = await olive.call('GET', '/api/v1/audit?action=sso.signed_in');
    expect(audit.body.items[0].data).toMatchObject({ email: 'sam@acme.test', created: true });
  });

  it('with password sign-in off, the invitation page asks for no password and sends the invitee through single sign-on', async () => {
    const invited = await olive.call('POST', '/api/v1/invitations', { email: 'ivy@acme.test', role: 'manager' });
    expect(invited.status).toBe(201);
    const org = await olive.call('GET', '/api/v1/org');
    expect((await olive.call('PATCH', '/api/v1/org', { passwordSignIn: false }, { 'if-match': `"${org.body.version}"` })).status).toBe(200);
    const link = new URL(invited.body.acceptUrl);

    const desktop = await open(DESKTOP);
    await desktop.page.goto(`${link.pathname}${link.search}`);
    await desktop.page.getByRole('heading', { name: 'Join Acme Plumbing' }).waitFor(T);
    await desktop.page.getByRole('link', { name: 'Sign in with Acme Login' }).waitFor(T);
    await screenshot(desktop.page, 'accept-invitation-sso');
    await desktop.context.close();

    const { context, page } = await open(PHONE);
    await page.goto(`${link.pathname}${link.search}`);
    await page.getByText('Sign in with your ivy@acme.test account and you are in.').waitFor(T);
    expect(await page.getByLabel('Password').count()).toBe(0);
    await screenshot(page, 'accept-invitation-sso-phone');
    await page.getByRole('link', { name: 'Sign in with Acme Login' }).click();
    await page.locator('input[name="login"]').fill('ivy@acme.test');
    await page.locator('input[name="password"]').fill('whatever the provider asks');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'My work' }).waitFor(T);
    const me = await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()) as { user: { email: string; role: string } });
    expect(me.user).toMatchObject({ email: 'ivy@acme.test', role: 'manager' });
    await context.close();
    const back = await olive.call('GET', '/api/v1/org');
    expect((await olive.call('PATCH', '/api/v1/org', { passwordSignIn: true }, { 'if-match': `"${back.body.version}"` })).status).toBe(200);
    expect(errors).toEqual([]);
  });
});
