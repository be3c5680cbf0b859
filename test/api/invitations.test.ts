// Invitations by email through a real SMTP server: the link in the mail works
// once and for 7 days, can be revoked and sent again; without email the link is
// handed back to pass on. Links start with the configured public address only.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';
import { freePort, Mailbox } from '../support/mailbox.ts';

const PUBLIC_URL = 'https://finishline.example';
const mailbox = new Mailbox(await freePort());
beforeAll(() => mailbox.start());
afterAll(() => mailbox.stop());

let n = 0;
const newEmail = () => `invitee-${Date.now().toString(36)}-${n++}@example.test`;
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

forEachDatabase('invitations by email', (ctx) => {
  const emailed = async (email: string) => {
    await ctx.server.mail.idle();
    return mailbox.link(email, `${PUBLIC_URL}/accept-invitation?token=`);
  };

  it('emails a link that adds the person with the role and teams invited, signs them in, and works once', async () => {
    const org = await ctx.signup('Harbour Heating');
    const team = await org.api.post('/api/v1/teams', { name: 'Plumbers' });
    const email = newEmail();
    const invited = await org.api.post('/api/v1/invitations', { email: email.toUpperCase(), role: 'manager', teamIds: [team.body.id] });
    expect(invited.status, invited.text).toBe(201);
    expect(invited.body).toMatchObject({ email, role: 'manager', teamIds: [team.body.id], invitedBy: org.user.id });
    expect(invited.body.acceptUrl).toBeUndefined();
    expect(Date.parse(invited.body.expiresAt) - ctx.clock.now()).toBe(7 * 24 * 3600_000);

    const link = await emailed(email);
    const mail = mailbox.to(email).at(-1)!;
    expect(mail.subject).toBe('Olive Owner invited you to Harbour Heating on Finishline');
    expect(mail.body).toContain('Content-Type: text/plain');
    expect(mail.body).toContain('Content-Type: text/html');
    expect(mail.body).toContain('as a manager');

    const pending = await org.api.get('/api/v1/invitations');
    expect(pending.body.items.map((i: any) => i.email)).toEqual([email]);

    const accepted = await ctx.anonymous.post('/api/v1/invitations/accept', { token: tokenOf(link), name: 'Nia Patel', password: PASSWORD });
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body.user).toMatchObject({ email, name: 'Nia Patel', role: 'manager' });
    expect(accepted.headers.get('set-cookie')).toContain('fl_session=');
    const me = await ctx.client(accepted.body.token).get('/api/v1/me');
    expect(me.body.org.id).toBe(org.id);
    expect((await org.api.get(`/api/v1/teams/${team.body.id}`)).body.memberIds).toContain(accepted.body.user.id);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email, password: PASSWORD })).status).toBe(201);

    const again = await ctx.anonymous.post('/api/v1/invitations/accept', { token: tokenOf(link), name: 'Someone Else', password: PASSWORD });
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.errors).toEqual([{ path: 'token', message: expect.stringContaining('used already') }]);
    expect((await org.api.get('/api/v1/invitations')).body.items).toEqual([]);

    const audit = await org.api.get('/api/v1/audit');
    const actions = audit.body.items.map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.created', 'invitation.accepted']));
    expect(JSON.stringify(audit.body)).not.toContain(tokenOf(link));
  });

  it('lets a link lapse after 7 days, and stops a revoked or re-sent link', async () => {
    const org = await ctx.signup();
    const lapsing = newEmail();
    await org.api.post('/api/v1/invitations', { email: lapsing, role: 'member' });
    const lapsed = await emailed(lapsing);
    ctx.clock.advance(7 * 24 * 3600_000 + 1);
    expect((await ctx.anonymous.post('/api/v1/invitations/accept', { token: tokenOf(lapsed), name: 'Late Comer', password: PASSWORD })).status).toBe(400);
    expect((await org.api.get('/api/v1/invitations')).body.items).toEqual([]);

    const revoked = newEmail();
    const made = await org.api.post('/api/v1/invitations', { email: revoked, role: 'member' });
    const revokedLink = await emailed(revoked);
    expect((await org.api.delete(`/api/v1/invitations/${made.body.id}`)).status).toBe(204);
    expect((await org.api.delete(`/api/v1/invitations/${made.body.id}`)).status).toBe(404);
    expect((await ctx.anonymous.post('/api/v1/invitations/accept', { token: tokenOf(revokedLink), name: 'Rev Oked', password: PASSWORD })).status).toBe(400);

    const resent = newEmail();
    const first = await org.api.post('/api/v1/invitations', { email: resent, role: 'member' });
    const oldLink = await emailed(resent);
    ctx.clock.advance(3600_000);
    const again = await org.api.post(`/api/v1/invitations/${first.body.id}/resend`);
    expect(again.status, again.text).toBe(200);
    expect(Date.parse(again.body.expiresAt) - ctx.clock.now()).toBe(7 * 24 * 3600_000);
    const newLink = await emailed(resent);
    expect(newLink).not.toBe(oldLink);
    expect(mailbox.to(resent)).toHaveLength(2);
    expect((await ctx.anonymous.post('/api/v1/invitations/accept', { token: tokenOf(oldLink), name: 'Re Sent', password: PASSWORD })).status).toBe(400);
    expect((await ctx.anonymous.post('/api/v1/invitations/accept', { token: tokenOf(newLink), name: 'Re Sent', password: PASSWORD })).status).toBe(201);
    const actions = (await org.api.get('/api/v1/audit?action=invitation.revoked')).body.items;
    expect(actions).toHaveLength(1);
  });

  it('answers bad input with a problem naming the field, and keeps roles and other organisations apart', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const member = await ctx.addUser(org, 'member');
    const bad = await org.api.post('/api/v1/invitations', { email: 'not-an-email', role: 'boss', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['email', 'extra', 'role']);
    const noTeam = await org.api.post('/api/v1/invitations', { email: newEmail(), teamIds: ['nope'] });
    expect(noTeam.status).toBe(404);
    expect(noTeam.body.errors).toEqual([{ path: 'teamIds.0', message: 'no such team' }]);
    const taken = await org.api.post('/api/v1/invitations', { email: member.user.email });
    expect(taken.status).toBe(409);
    expect(taken.body.errors[0].path).toBe('email');
    const email = newEmail();
    expect((await org.api.post('/api/v1/invitations', { email })).status).toBe(201);
    const twice = await org.api.post('/api/v1/invitations', { email });
    expect(twice.status).toBe(409);
    expect(twice.body.errors[0].path).toBe('email');

    expect((await member.api.post('/api/v1/invitations', { email: newEmail() })).status).toBe(403);
    expect((await member.api.get('/api/v1/invitations')).status).toBe(403);
    const asAdmin = await admin.api.post('/api/v1/invitations', { email: newEmail(), role: 'admin' });
    expect(asAdmin.status).toBe(403);
    expect(asAdmin.body.errors[0].path).toBe('role');

    const acceptBad = await ctx.anonymous.post('/api/v1/invitations/accept', { token: 'x', name: '', password: 'short' });
    expect(acceptBad.status).toBe(400);
    expect(acceptBad.body.errors.map((e: any) => e.path).sort()).toEqual(['name', 'password', 'token']);

    const other = await ctx.signup('Other Org');
    const theirs = await other.api.post('/api/v1/invitations', { email: newEmail() });
    expect((await org.api.delete(`/api/v1/invitations/${theirs.body.id}`)).status).toBe(404);
    expect((await org.api.post(`/api/v1/invitations/${theirs.body.id}/resend`)).status).toBe(404);
    expect((await org.api.get('/api/v1/invitations')).body.items.map((i: any) => i.id)).not.toContain(theirs.body.id);
  });
}, { smtpUrl: mailbox.smtpUrl, mailFrom: 'Finishline <finishline@finishline.example>', publicUrl: PUBLIC_URL });

forEachDatabase('invitations without email', (ctx) => {
  it('hands the link back to pass on, built from the configured address and never the Host header', async () => {
    const org = await ctx.signup();
    const email = newEmail();
    const invited = await org.api.post('/api/v1/invitations', { email, role: 'member' }, { host: 'evil.example' });
    expect(invited.status, invited.text).toBe(201);
    expect(invited.body.sentAt).toBeNull();
    expect(invited.body.acceptUrl).toMatch(new RegExp(`^${PUBLIC_URL}/accept-invitation\\?token=fli_`));
    const resent = await org.api.post(`/api/v1/invitations/${invited.body.id}/resend`, undefined, { host: 'evil.example' });
    expect(resent.body.acceptUrl).toMatch(new RegExp(`^${PUBLIC_URL}/accept-invitation\\?token=fli_`));
    expect((await ctx.anonymous.post('/api/v1/invitations/accept', { token: tokenOf(invited.body.acceptUrl), name: 'Old Link', password: PASSWORD })).status).toBe(400);
    const accepted = await ctx.anonymous.post('/api/v1/invitations/accept', { token: tokenOf(resent.body.acceptUrl), name: 'New Link', password: PASSWORD });
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body.user.role).toBe('member');
  });
}, { publicUrl: PUBLIC_URL });
