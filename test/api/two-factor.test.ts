// Two-factor sign-in (TOTP): turning it on with a code, the recovery codes,
// signing in with a code as a second step, wrong and replayed codes, recovery
// codes used once, turning it off, and the organisation requiring it of
// managers and above, who set it up at their next sign-in; renewing the recovery
// codes, and an admin resetting the two-factor of someone who lost phone and codes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/accounts/twoFactor.ts';
import { resetTwoFactorFromCommandLine } from '../../src/accounts/twoFactorRecovery.ts';
import { forEachDatabase, PASSWORD, type TestContext } from '../support/harness.ts';
import { freePort, Mailbox } from '../support/mailbox.ts';

const PUBLIC_URL = 'https://finishline.example';
const mailbox = new Mailbox(await freePort());
beforeAll(() => mailbox.start());
afterAll(() => mailbox.stop());

const TYPE = 'https://finishline.dev/problems/';

async function turnOn(ctx: TestContext, api: ReturnType<TestContext['client']>) {
  const setup = await api.post('/api/v1/me/two-factor');
  expect(setup.status, setup.text).toBe(201);
  const confirmed = await api.post('/api/v1/me/two-factor/confirm', { code: totpCodeAt(setup.body.secret, ctx.clock.now()) });
  expect(confirmed.status, confirmed.text).toBe(200);
  return { secret: setup.body.secret as string, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

forEachDatabase('two-factor sign-in', (ctx) => {
  it('is set up with a QR code and the secret as text, confirmed with a code, and gives ten recovery codes once', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    expect((await admin.api.get('/api/v1/me/two-factor')).body).toEqual({ enabled: false, required: false, recoveryCodesLeft: 0 });

    const setup = await admin.api.post('/api/v1/me/two-factor');
    expect(setup.status, setup.text).toBe(201);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(setup.body.otpauthUrl).toContain(`secret=${setup.body.secret}`);
    expect(setup.body.qrCode).toMatch(/^data:image\/png;base64,/);
    // Not on until confirmed: signing in needs no code yet.
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD })).status).toBe(201);

    // The secret is kept sealed, not as the text the person typed.
    const row = await ctx.server.deps.db.selectFrom('two_factor').selectAll().where('user_id', '=', admin.id).executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(setup.body.secret);
    expect(row.secret).toMatch(/^v1\./);

    const bad = await admin.api.post('/api/v1/me/two-factor/confirm', { code: 'abcdef' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors[0].path).toBe('code');
    const wrong = await admin.api.post('/api/v1/me/two-factor/confirm', { code: totpCodeAt(setup.body.secret, ctx.clock.now() + 5 * 60_000) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ path: 'code', message: 'is not the code the authenticator app shows now' }]);

    const confirmed = await admin.api.post('/api/v1/me/two-factor/confirm', { code: totpCodeAt(setup.body.secret, ctx.clock.now()) });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    const stored = await ctx.server.deps.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', admin.id).execute();
    expect(stored).toHaveLength(10);
    for (const code of confirmed.body.recoveryCodes) expect(JSON.stringify(stored)).not.toContain(code.replace('-', ''));
    expect((await admin.api.get('/api/v1/me/two-factor')).body).toEqual({ enabled: true, required: false, recoveryCodesLeft: 10 });
    // A new setup is refused while it is on.
    expect((await admin.api.post('/api/v1/me/two-factor')).status).toBe(409);
    const audit = await org.api.get('/api/v1/audit?action=two_factor.enabled');
    expect(audit.body.items.map((e: any) => e.subject.id)).toEqual([admin.id]);
  });

  it('asks for a code as a second step, with a pending token that is not a session; a wrong code is refused and a used code is never taken again', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const { secret } = await turnOn(ctx, member.api);
    ctx.clock.advance(30_000);

    const first = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD });
    expect(first.status).toBe(401);
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    expect(first.body.type).toBe(`${TYPE}two-factor-required`);
    expect(first.body.token).toBeUndefined();
    expect(first.headers.get('set-cookie')).toBeNull();
    const pendingToken = first.body.pendingToken;
    expect(pendingToken).toEqual(expect.any(String));
    expect((await ctx.client(pendingToken).get('/api/v1/me')).status).toBe(401);
    // A wrong password is the same 401 as ever, with no pending token.
    const wrongPassword = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: 'not the password at all' });
    expect(wrongPassword.body.pendingToken).toBeUndefined();

    const wrong = await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken, code: totpCodeAt(secret, ctx.clock.now() + 120_000) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors).toEqual([{ path: 'code', message: 'is not the code the authenticator app shows now' }]);
    const malformed = await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken, code: '12' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].path).toBe('code');

    const code = totpCodeAt(secret, ctx.clock.now());
    const done = await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken, code });
    expect(done.status, done.text).toBe(201);
    expect(done.headers.get('set-cookie')).toContain('fl_session=');
    expect((await ctx.client(done.body.token).get('/api/v1/me')).body.user.id).toBe(member.id);
    // The pending token is spent.
    expect((await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken, code })).body.errors).toEqual([{ path: 'pendingToken', message: 'has expired or was used; sign in again' }]);

    // The same code again (same 30 seconds), through either way in: refused.
    const again = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD });
    expect((await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken: again.body.pendingToken, code })).status).toBe(401);
    const inline = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD, code });
    expect(inline.status).toBe(401);
    expect(inline.body.type).toBe(`${TYPE}two-factor-required`);
    expect(inline.body.errors[0].path).toBe('code');

    // One step (30 s) early or late is accepted; the next step's code works once.
    ctx.clock.advance(30_000);
    const next = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD, code: totpCodeAt(secret, ctx.clock.now() + 30_000) });
    expect(next.status, next.text).toBe(201);
  });

  it('takes a recovery code instead, each once, and says so in the audit log', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const { recoveryCodes } = await turnOn(ctx, admin.api);
    const pending = await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD });
    const used = await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken: pending.body.pendingToken, recoveryCode: recoveryCodes[3]!.toUpperCase() });
    expect(used.status, used.text).toBe(201);
    const again = await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD, recoveryCode: recoveryCodes[3] });
    expect(again.status).toBe(401);
    expect(again.body.errors).toEqual([{ path: 'recoveryCode', message: 'is not an unused recovery code' }]);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD, recoveryCode: recoveryCodes[4] })).status).toBe(201);
    expect((await admin.api.get('/api/v1/me/two-factor')).body.recoveryCodesLeft).toBe(8);
    const audit = await admin.api.get('/api/v1/audit?action=two_factor.recovery_code_used');
    expect(audit.body.items.map((e: any) => e.data.left).sort()).toEqual([8, 9]);
  });

  it('ends a pending sign-in after 10 minutes or 5 wrong codes', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const { secret } = await turnOn(ctx, member.api);
    const late = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD });
    ctx.clock.advance(10 * 60_000 + 1);
    const expired = await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken: late.body.pendingToken, code: totpCodeAt(secret, ctx.clock.now()) });
    expect(expired.status).toBe(401);
    expect(expired.body.errors[0].path).toBe('pendingToken');

    const pending = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD });
    for (let i = 0; i < 5; i++) expect((await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken: pending.body.pendingToken, code: '000000' })).body.errors[0].path).toBe('code');
    const sixth = await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken: pending.body.pendingToken, code: totpCodeAt(secret, ctx.clock.now()) });
    expect(sixth.status).toBe(401);
    expect(sixth.body.errors).toEqual([{ path: 'pendingToken', message: 'has had too many wrong codes; sign in again' }]);
  });

  it('is turned off with a code, not without one', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const { secret } = await turnOn(ctx, member.api);
    ctx.clock.advance(30_000);
    const missing = await member.api.request('DELETE', '/api/v1/me/two-factor', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].path).toBe('code');
    const wrong = await member.api.request('DELETE', '/api/v1/me/two-factor', { body: { code: '123 456' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('code');
    const off = await member.api.request('DELETE', '/api/v1/me/two-factor', { body: { code: totpCodeAt(secret, ctx.clock.now()) } });
    expect(off.status, off.text).toBe(204);
    expect((await member.api.get('/api/v1/me/two-factor')).body.enabled).toBe(false);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD })).status).toBe(201);
    expect((await org.api.get('/api/v1/audit?action=two_factor.disabled')).body.items).toHaveLength(1);
  });

  it('when the organisation requires it, managers and above set it up at their next sign-in; members do not', async () => {
    const org = await ctx.signup();
    const manager = await ctx.addUser(org, 'manager');
    const member = await ctx.addUser(org, 'member');
    const admin = await ctx.addUser(org, 'admin');
    expect((await manager.api.patch('/api/v1/org', { requireTwoFactor: 'managers' })).status).toBe(403);
    const bad = await org.api.patch('/api/v1/org', { requireTwoFactor: 'everyone' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('requireTwoFactor');
    const set = await admin.api.patch('/api/v1/org', { requireTwoFactor: 'managers' });
    expect(set.status, set.text).toBe(200);
    expect(set.body.requireTwoFactor).toBe('managers');
    const audit = await org.api.get('/api/v1/audit?action=org.sign_in_policy_changed');
    expect(audit.body.items[0].data).toEqual({ requireTwoFactor: { from: 'none', to: 'managers' } });
    expect((await manager.api.get('/api/v1/me/two-factor')).body.required).toBe(true);

    expect((await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD })).status).toBe(201);
    const asked = await ctx.anonymous.post('/api/v1/sessions', { email: manager.user.email, password: PASSWORD });
    expect(asked.status).toBe(401);
    expect(asked.body.type).toBe(`${TYPE}two-factor-setup-required`);
    const pendingToken = asked.body.pendingToken;
    // A setup token is not a code token, nor a session.
    expect((await ctx.anonymous.post('/api/v1/sessions/two-factor', { pendingToken, code: '123456' })).body.errors[0].path).toBe('pendingToken');
    expect((await ctx.client(pendingToken).post('/api/v1/me/two-factor')).status).toBe(401);

    const setup = await ctx.anonymous.post('/api/v1/sessions/two-factor/setup', { pendingToken });
    expect(setup.status, setup.text).toBe(201);
    expect(setup.body.qrCode).toMatch(/^data:image\/png;base64,/);
    const wrong = await ctx.anonymous.post('/api/v1/sessions/two-factor/setup/confirm', { pendingToken, code: totpCodeAt(setup.body.secret, ctx.clock.now() - 120_000) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('code');
    const done = await ctx.anonymous.post('/api/v1/sessions/two-factor/setup/confirm', { pendingToken, code: totpCodeAt(setup.body.secret, ctx.clock.now()) });
    expect(done.status, done.text).toBe(201);
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect((await ctx.client(done.body.token).get('/api/v1/me')).body.user.id).toBe(manager.id);

    ctx.clock.advance(30_000);
    const next = await ctx.anonymous.post('/api/v1/sessions', { email: manager.user.email, password: PASSWORD });
    expect(next.body.type).toBe(`${TYPE}two-factor-required`);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: manager.user.email, password: PASSWORD, code: totpCodeAt(setup.body.secret, ctx.clock.now()) })).status).toBe(201);
  });

  it('renews the recovery codes with a current code or the password: ten new ones, shown once, and the old ones stop working', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    expect((await member.api.post('/api/v1/me/two-factor/recovery-codes', { password: PASSWORD })).status).toBe(409);
    const { secret, recoveryCodes: old } = await turnOn(ctx, member.api);
    ctx.clock.advance(30_000);

    const neither = await member.api.post('/api/v1/me/two-factor/recovery-codes', {});
    expect(neither.status).toBe(400);
    expect(neither.body.errors[0].path).toBe('code');
    const wrongPassword = await member.api.post('/api/v1/me/two-factor/recovery-codes', { password: 'not my password at all' });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.body.errors).toEqual([{ path: 'password', message: 'is not your password' }]);
    const wrongCode = await member.api.post('/api/v1/me/two-factor/recovery-codes', { code: totpCodeAt(secret, ctx.clock.now() + 300_000) });
    expect(wrongCode.status).toBe(400);
    expect(wrongCode.body.errors[0].path).toBe('code');
    // A recovery code is not proof enough to make new ones.
    expect((await member.api.post('/api/v1/me/two-factor/recovery-codes', { code: old[0] })).body.errors[0].path).toBe('code');

    const renewed = await member.api.post('/api/v1/me/two-factor/recovery-codes', { code: totpCodeAt(secret, ctx.clock.now()) });
    expect(renewed.status, renewed.text).toBe(200);
    expect(renewed.body.recoveryCodes).toHaveLength(10);
    expect(renewed.body.recoveryCodes.filter((c: string) => old.includes(c))).toEqual([]);
    expect((await member.api.get('/api/v1/me/two-factor')).body).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const stale = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD, recoveryCode: old[1] });
    expect(stale.status).toBe(401);
    expect(stale.body.errors[0].path).toBe('recoveryCode');

    const byPassword = await member.api.post('/api/v1/me/two-factor/recovery-codes', { password: PASSWORD });
    expect(byPassword.status, byPassword.text).toBe(200);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD, recoveryCode: renewed.body.recoveryCodes[0] })).status).toBe(401);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD, recoveryCode: byPassword.body.recoveryCodes[0] })).status).toBe(201);
    const audit = await org.api.get('/api/v1/audit?action=two_factor.recovery_codes_renewed');
    expect(audit.body.items.map((e: any) => e.data.with)).toEqual(['password', 'code']);
    expect(audit.text).not.toContain(byPassword.body.recoveryCodes[1]);
  });

  it('lets an admin reset the two-factor of someone who lost phone and codes: their sessions end, they are told by email, and they sign in with the password again', async () => {
    const org = await ctx.signup('Harbour Heating');
    const admin = await ctx.addUser(org, 'admin', 'Ada Admin');
    const member = await ctx.addUser(org, 'member', 'Mo Member');
    // An admin's API token, to show that a reset (here by the owner) leaves API tokens working.
    const tokenHolder = await ctx.addUser(org, 'admin', 'Tom Tokens');
    const apiToken = await tokenHolder.api.post('/api/v1/tokens', { name: 'Sync' });
    expect(apiToken.status, apiToken.text).toBe(201);
    await turnOn(ctx, tokenHolder.api);
    expect((await org.api.delete(`/api/v1/users/${tokenHolder.id}/two-factor`)).status).toBe(204);
    expect((await tokenHolder.api.get('/api/v1/me')).status).toBe(401);
    expect((await ctx.client(apiToken.body.token).get('/api/v1/me')).status).toBe(200);
    await turnOn(ctx, member.api);
    expect((await admin.api.get('/api/v1/two-factor/users')).body.items.map((i: any) => i.userId)).toEqual([member.id]);

    const reset = await admin.api.delete(`/api/v1/users/${member.id}/two-factor`);
    expect(reset.status, reset.text).toBe(204);
    expect((await member.api.get('/api/v1/me')).status).toBe(401);
    expect((await admin.api.get('/api/v1/two-factor/users')).body.items).toEqual([]);
    const signIn = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD });
    expect(signIn.status, signIn.text).toBe(201);
    expect((await ctx.client(signIn.body.token).get('/api/v1/me/two-factor')).body).toEqual({ enabled: false, required: false, recoveryCodesLeft: 0 });

    await ctx.server.mail.idle();
    const mail = mailbox.to(member.user.email).at(-1)!;
    expect(mail.subject).toBe('Your two-factor sign-in for Harbour Heating was reset');
    expect(mail.body).toContain('Content-Type: text/plain');
    expect(mail.body).toContain('Ada Admin reset your two-factor sign-in');
    expect(mail.body).toContain(`${PUBLIC_URL}/login`);

    const audit = await org.api.get(`/api/v1/audit?action=two_factor.reset&actorId=${admin.id}`);
    expect(audit.body.items.map((e: any) => [e.actorId, e.subject.id, e.data.sessionsEnded])).toEqual([[admin.id, member.id, 1]]);
    // Nothing left to reset.
    expect((await admin.api.delete(`/api/v1/users/${member.id}/two-factor`)).status).toBe(409);
  });

  it('when the business requires two-factor, the person whose two-factor was reset sets it up again at their next sign-in', async () => {
    const org = await ctx.signup();
    const manager = await ctx.addUser(org, 'manager');
    await turnOn(ctx, manager.api);
    expect((await org.api.patch('/api/v1/org', { requireTwoFactor: 'managers' })).status).toBe(200);
    expect((await org.api.delete(`/api/v1/users/${manager.id}/two-factor`)).status).toBe(204);
    const next = await ctx.anonymous.post('/api/v1/sessions', { email: manager.user.email, password: PASSWORD });
    expect(next.status).toBe(401);
    expect(next.body.type).toBe(`${TYPE}two-factor-setup-required`);
    await ctx.server.mail.idle();
    expect(mailbox.to(manager.user.email).at(-1)!.body).toContain('you will set it up again');
  });

  it('lets only admins reset, never their own, an admin\'s or the owner\'s only by the owner, and another business\'s person is not found', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const otherAdmin = await ctx.addUser(org, 'admin');
    const manager = await ctx.addUser(org, 'manager');
    const member = await ctx.addUser(org, 'member');
    for (const who of [org, admin, otherAdmin, manager, member]) await turnOn(ctx, who.api);

    expect((await manager.api.delete(`/api/v1/users/${member.id}/two-factor`)).status).toBe(403);
    expect((await manager.api.get('/api/v1/two-factor/users')).status).toBe(403);
    const own = await admin.api.delete(`/api/v1/users/${admin.id}/two-factor`);
    expect(own.status).toBe(403);
    expect(own.body.detail).toContain('Settings');
    expect((await admin.api.delete(`/api/v1/users/${org.user.id}/two-factor`)).status).toBe(403);
    const peer = await admin.api.delete(`/api/v1/users/${otherAdmin.id}/two-factor`);
    expect(peer.status).toBe(403);
    expect(peer.body.detail).toBe('Only the owner may reset the two-factor sign-in of an admin');
    expect((await org.api.delete(`/api/v1/users/${org.user.id}/two-factor`)).status).toBe(403);
    expect((await admin.api.delete(`/api/v1/users/${manager.id}/two-factor`)).status).toBe(204);
    expect((await org.api.delete(`/api/v1/users/${otherAdmin.id}/two-factor`)).status).toBe(204);

    const elsewhere = await ctx.signup('Another Business');
    expect((await elsewhere.api.delete(`/api/v1/users/${member.id}/two-factor`)).status).toBe(404);
    expect((await elsewhere.api.get('/api/v1/two-factor/users')).body.items).toEqual([]);
    expect((await org.api.delete('/api/v1/users/no-such-person/two-factor')).status).toBe(404);
    expect((await member.api.get('/api/v1/me/two-factor')).body.enabled).toBe(true);
    expect((await org.api.get('/api/v1/two-factor/users')).body.items.map((i: any) => i.userId).sort()).toEqual([org.user.id, admin.id, member.id].sort());
  });

  it("is reset from the server's command line when nobody in the business may: the owner's own, sessions ended, the password alone after, audited as the command line's", async () => {
    const org = await ctx.signup('Lone Owner Plumbing');
    await turnOn(ctx, org.api);
    await expect(resetTwoFactorFromCommandLine(ctx.server.deps, 'nobody@example.test')).rejects.toThrow('User not found');

    const done = await resetTwoFactorFromCommandLine(ctx.server.deps, org.user.email.toUpperCase());
    expect(done).toEqual({ name: 'Olive Owner', orgName: 'Lone Owner Plumbing', sessionsEnded: 1, setUpAgain: false });
    expect((await org.api.get('/api/v1/me')).status).toBe(401);
    const signIn = await ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password: PASSWORD });
    expect(signIn.status, signIn.text).toBe(201);
    const owner = ctx.client(signIn.body.token);
    expect((await owner.get('/api/v1/me/two-factor')).body.enabled).toBe(false);
    const audit = await owner.get('/api/v1/audit?action=two_factor.reset');
    expect(audit.body.items.map((e: any) => [e.actorId, e.subject.id, e.data])).toEqual([[null, org.user.id, { sessionsEnded: 1, by: 'command line' }]]);
    // Nothing left to reset, and nothing was written by the refusal.
    await expect(resetTwoFactorFromCommandLine(ctx.server.deps, org.user.email)).rejects.toThrow('has not turned two-factor sign-in on');
    expect((await owner.get('/api/v1/audit?action=two_factor.reset')).body.items).toHaveLength(1);
  });
}, { smtpUrl: mailbox.smtpUrl, mailFrom: 'Finishline <finishline@finishline.example>', publicUrl: PUBLIC_URL });
