// Password reset by email through a real SMTP server: the same answer whatever
// the email, a link that works once and for an hour, every session and API token
// ended by using it, and limits per address and per email.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';
import { freePort, Mailbox } from '../support/mailbox.ts';

const PUBLIC_URL = 'https://finishline.example';
const NEW_PASSWORD = 'a different long passphrase';
const mailbox = new Mailbox(await freePort());
beforeAll(() => mailbox.start());
afterAll(() => mailbox.stop());

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

forEachDatabase('password reset', (ctx) => {
  // Each test starts in a new window of the per-address limit.
  beforeEach(() => ctx.clock.advance(2 * 3600_000));
  const resetLink = async (email: string) => {
    await ctx.server.mail.idle();
    return mailbox.link(email, `${PUBLIC_URL}/reset-password?token=`);
  };

  it('answers the same whatever the email, mails a link to a real person, and using it ends every session and token', async () => {
    const org = await ctx.signup('Harbour Heating');
    const dana = await ctx.addUser(org, 'admin', 'Dana Reyes');
    const apiToken = await dana.api.post('/api/v1/tokens', { name: 'Sync' });
    const known = await ctx.anonymous.post('/api/v1/password-reset', { email: dana.user.email.toUpperCase() });
    const unknown = await ctx.anonymous.post('/api/v1/password-reset', { email: 'nobody-here@example.test' });
    expect(known.status).toBe(202);
    expect([unknown.status, unknown.text, unknown.headers.get('content-type')]).toEqual([known.status, known.text, known.headers.get('content-type')]);
    const link = await resetLink(dana.user.email);
    expect(mailbox.to('nobody-here@example.test')).toEqual([]);
    const mail = mailbox.to(dana.user.email).at(-1)!;
    expect(mail.subject).toBe('Reset your Finishline password for Harbour Heating');
    expect(mail.body).toContain('Content-Type: text/plain');
    expect(mail.body).toContain('Hello Dana Reyes');

    const done = await ctx.anonymous.post('/api/v1/password-reset/confirm', { token: tokenOf(link), password: NEW_PASSWORD });
    expect(done.status, done.text).toBe(204);
    expect((await dana.api.get('/api/v1/me')).status).toBe(401);
    expect((await ctx.client(apiToken.body.token).get('/api/v1/me')).status).toBe(401);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: dana.user.email, password: PASSWORD })).status).toBe(401);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: dana.user.email, password: NEW_PASSWORD })).status).toBe(201);

    const again = await ctx.anonymous.post('/api/v1/password-reset/confirm', { token: tokenOf(link), password: PASSWORD });
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.errors).toEqual([{ path: 'token', message: expect.stringContaining('used already') }]);
    const actions = (await org.api.get('/api/v1/audit')).body.items.map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['password.reset_requested', 'password.reset']));
  });

  it('mails one link per business the email has an account in, each naming its business and resetting that account only', async () => {
    const email = `pat-${ctx.dialect}-${Date.now().toString(36)}@example.test`;
    const signup = (orgName: string) => ctx.anonymous.post('/api/v1/signup', { orgName, timezone: 'Europe/London', name: 'Pat Doyle', email, password: PASSWORD });
    const plumbing = await signup('Doyle Plumbing');
    const electric = await signup('Doyle Electric');
    expect((await ctx.anonymous.post('/api/v1/password-reset', { email })).status).toBe(202);
    await ctx.server.mail.idle();
    const mails = mailbox.to(email);
    expect(mails.map((m) => m.subject).sort()).toEqual(['Reset your Finishline password for Doyle Electric', 'Reset your Finishline password for Doyle Plumbing']);
    const linkIn = (orgName: string) => /https:\/\/finishline\.example\/reset-password\?token=[\w-]+/.exec(mails.find((m) => m.subject.endsWith(orgName))!.body)![0];
    const done = await ctx.anonymous.post('/api/v1/password-reset/confirm', { token: tokenOf(linkIn('Doyle Electric')), password: NEW_PASSWORD });
    expect(done.status, done.text).toBe(204);
    // Only the electric account has the new password; the plumbing one keeps its own, and its session.
    const electricIn = await ctx.anonymous.post('/api/v1/sessions', { email, password: NEW_PASSWORD });
    expect(electricIn.body.user.id).toBe(electric.body.user.id);
    const plumbingIn = await ctx.anonymous.post('/api/v1/sessions', { email, password: PASSWORD });
    expect(plumbingIn.body.user.id).toBe(plumbing.body.user.id);
    expect((await ctx.client(plumbing.body.token).get('/api/v1/me')).status).toBe(200);
    expect((await ctx.client(electric.body.token).get('/api/v1/me')).status).toBe(401);
  });

  it('lets a link lapse after an hour, and a newer reset closes the older links', async () => {
    const org = await ctx.signup();
    const sam = await ctx.addUser(org, 'member');
    await ctx.anonymous.post('/api/v1/password-reset', { email: sam.user.email });
    const lapsed = await resetLink(sam.user.email);
    ctx.clock.advance(3600_000);
    expect((await ctx.anonymous.post('/api/v1/password-reset/confirm', { token: tokenOf(lapsed), password: NEW_PASSWORD })).status).toBe(400);
    expect((await sam.api.get('/api/v1/me')).status).toBe(200);

    await ctx.anonymous.post('/api/v1/password-reset', { email: sam.user.email });
    const first = await resetLink(sam.user.email);
    await ctx.anonymous.post('/api/v1/password-reset', { email: sam.user.email });
    const second = await resetLink(sam.user.email);
    expect(second).not.toBe(first);
    expect((await ctx.anonymous.post('/api/v1/password-reset/confirm', { token: tokenOf(second), password: NEW_PASSWORD })).status).toBe(204);
    expect((await ctx.anonymous.post('/api/v1/password-reset/confirm', { token: tokenOf(first), password: PASSWORD })).status).toBe(400);
  });

  it('limits requests per email and per address with 429 and Retry-After, whether or not the email exists', async () => {
    for (let i = 0; i < 3; i++) expect((await ctx.anonymous.post('/api/v1/password-reset', { email: 'limited@example.test' })).status).toBe(202);
    const limited = await ctx.anonymous.post('/api/v1/password-reset', { email: 'limited@example.test' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 0; i < 6; i++) expect((await ctx.anonymous.post('/api/v1/password-reset', { email: `other-${i}@example.test` })).status).toBe(202);
    const fromAddress = await ctx.anonymous.post('/api/v1/password-reset', { email: 'fresh@example.test' });
    expect(fromAddress.status).toBe(429);
    expect(fromAddress.body.detail).toContain('address');
    ctx.clock.advance(3600_000);
    expect((await ctx.anonymous.post('/api/v1/password-reset', { email: 'limited@example.test' })).status).toBe(202);
  });

  it('answers bad input with a problem naming the field', async () => {
    const bad = await ctx.anonymous.post('/api/v1/password-reset', { email: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(['email']);
    const weak = await ctx.anonymous.post('/api/v1/password-reset/confirm', { token: 'flr_whatever-token', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors.map((e: any) => e.path)).toEqual(['password']);
    const unknown = await ctx.anonymous.post('/api/v1/password-reset/confirm', { token: 'flr_not-a-real-token', password: NEW_PASSWORD });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: any) => e.path)).toEqual(['token']);
  });
}, { smtpUrl: mailbox.smtpUrl, mailFrom: 'Finishline <finishline@finishline.example>', publicUrl: PUBLIC_URL });
