// Single sign-on with OpenID Connect, end to end against a real OpenID provider
// (oidc-provider) on a local port: the admin's settings (the secret sealed and
// never returned), the authorization code flow with PKCE, state and nonce, a
// first-time person added (or matched to their invitation), other domains and
// bad states refused, password sign-in turned off for the organisation, and
// providers at private or special addresses refused (the tests' own local
// provider passes by a server option for tests alone).
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDatabase, type Org, PASSWORD, type TestContext } from '../support/harness.ts';
import { freePort, Mailbox } from '../support/mailbox.ts';
import { NAMES, startProvider, type TestProvider } from '../support/oidc.ts';

const PUBLIC_URL = 'http://finishline.example.test';
const CALLBACK = `${PUBLIC_URL}/sso/callback`;
let provider: TestProvider;
const mailbox = new Mailbox(await freePort());

/** A local server answering every request with `answer`, counting what it is asked. */
async function stub(answer: (base: string, path: string) => { status: number; headers?: Record<string, string>; body?: unknown }) {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    const reply = answer(base, request.url ?? '');
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stubs.push(server);
  return { base, hits };
}
const stubs: Server[] = [];

beforeAll(async () => {
  provider = await startProvider([CALLBACK]);
  await mailbox.start();
});
afterAll(async () => {
  await provider?.close();
  await mailbox.stop();
  for (const server of stubs) server.close();
});

function settings(overrides: Record<string, unknown> = {}) {
  return { name: 'Acme Login', issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, allowedDomains: ['acme.test'], ...overrides };
}

/** Starts at /sso/start, signs in at the provider, and hands what it sent back to /sso/callback, with this browser's state cookie. */
async function signInWithSso(ctx: TestContext, slug: string, email: string, tamper: (back: { state: string; code: string; iss?: string; cookie: string }) => void = () => {}) {
  const start = await fetch(`${ctx.baseUrl}/api/v1/sso/start?org=${slug}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = start.headers.getSetCookie().find((c) => c.startsWith('fl_sso='))!.split(';')[0]!;
  const authorization = new URL(start.headers.get('location')!);
  const back = await provider.signIn(authorization.toString(), email);
  const sent = { state: back.searchParams.get('state')!, code: back.searchParams.get('code')!, iss: back.searchParams.get('iss') ?? undefined, cookie };
  tamper(sent);
  const { cookie: sentCookie, ...body } = sent;
  return { authorization, response: await ctx.anonymous.post('/api/v1/sso/callback', body, { cookie: sentCookie }) };
}

async function withSso(ctx: TestContext): Promise<{ org: Org; slug: string }> {
  const org = await ctx.signup('Acme Heating');
  const saved = await org.api.put('/api/v1/sso/settings', settings());
  expect(saved.status, saved.text).toBe(200);
  return { org, slug: (await org.api.get('/api/v1/org')).body.slug };
}

forEachDatabase('single sign-on', (ctx) => {
  it('is set up by an admin: the issuer is checked, the secret is sealed and never shown', async () => {
    const org = await ctx.signup('Acme Heating');
    const member = await ctx.addUser(org, 'member');
    expect((await member.api.put('/api/v1/sso/settings', settings())).status).toBe(403);
    const none = await org.api.get('/api/v1/sso/settings');
    expect([none.status, none.body]).toEqual([200, null]);

    const noSecret = await org.api.put('/api/v1/sso/settings', settings({ clientSecret: undefined }));
    expect(noSecret.status).toBe(400);
    expect(noSecret.body.errors).toEqual([{ path: 'clientSecret', message: 'is required the first time' }]);
    const badDomain = await org.api.put('/api/v1/sso/settings', settings({ allowedDomains: ['not a domain'] }));
    expect(badDomain.status).toBe(400);
    expect(badDomain.body.errors[0].path).toBe('allowedDomains.0');
    const nowhere = await org.api.put('/api/v1/sso/settings', settings({ issuer: 'http://127.0.0.1:9/nothing' }));
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.errors[0].path).toBe('issuer');

    const saved = await org.api.put('/api/v1/sso/settings', settings());
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ name: 'Acme Login', issuer: provider.issuer, clientId: 'finishline', allowedDomains: ['acme.test'], redirectUri: CALLBACK });
    expect(saved.text).not.toContain(provider.clientSecret);
    expect((await org.api.get('/api/v1/sso/settings')).text).not.toContain(provider.clientSecret);
    const row = await ctx.server.deps.db.selectFrom('sso_providers').selectAll().where('org_id', '=', org.id).executeTakeFirstOrThrow();
    expect(row.client_secret).not.toContain(provider.clientSecret);
    // Changed without a secret: the saved one stays.
    const renamed = await org.api.put('/api/v1/sso/settings', settings({ name: 'Acme Google', clientSecret: undefined }));
    expect(renamed.status, renamed.text).toBe(200);
    const audit = await org.api.get('/api/v1/audit?action=sso.settings_changed');
    expect(audit.body.items.map((e: any) => [e.data.name, e.data.secretChanged])).toEqual([['Acme Google', false], ['Acme Login', true]]);
    expect(audit.text).not.toContain(provider.clientSecret);

    const slug = (await org.api.get('/api/v1/org')).body.slug;
    expect((await ctx.anonymous.get(`/api/v1/sso/orgs/${slug}`)).body).toEqual({ name: 'Acme Heating', slug, sso: { name: 'Acme Google' }, passwordSignIn: true });
    expect((await ctx.anonymous.get('/api/v1/sso/orgs/no-such-business')).status).toBe(404);
  });

  it('signs a first-time person from an allowed domain in as a member through the provider, with PKCE, state and nonce', async () => {
    const { org, slug } = await withSso(ctx);
    const email = `dana-${ctx.dialect}@acme.test`;
    NAMES[email] = 'Dana Reyes';
    const { authorization, response } = await signInWithSso(ctx, slug, email);
    expect(authorization.origin).toBe(provider.issuer);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorization.searchParams.get('nonce')).toBeTruthy();
    expect(authorization.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(response.status, response.text).toBe(201);
    expect(response.body.user).toMatchObject({ email, name: 'Dana Reyes', role: 'member' });
    expect(response.headers.get('set-cookie')).toContain('fl_session=');
    const me = await ctx.client(response.body.token).get('/api/v1/me');
    expect(me.body.org.id).toBe(org.id);

    // The next time, the same person.
    const again = await signInWithSso(ctx, slug, email);
    expect(again.response.status).toBe(201);
    expect(again.response.body.user.id).toBe(response.body.user.id);
    const audit = await org.api.get('/api/v1/audit?action=sso.signed_in');
    expect(audit.body.items.map((e: any) => e.data.created)).toEqual([false, true]);
  });

  it('matches by this business only: someone with an account in another business becomes a member here, and the other account stays apart', async () => {
    const { org, slug } = await withSso(ctx);
    const email = `ola-${ctx.dialect}@acme.test`;
    const elsewhere = await ctx.anonymous.post('/api/v1/signup', { orgName: 'Ola Consulting', timezone: 'Europe/London', name: 'Ola Owner', email, password: PASSWORD });
    expect(elsewhere.status, elsewhere.text).toBe(201);
    const { response } = await signInWithSso(ctx, slug, email);
    expect(response.status, response.text).toBe(201);
    expect(response.body.user).toMatchObject({ email, role: 'member' });
    expect(response.body.user.id).not.toBe(elsewhere.body.user.id);
    expect((await ctx.client(response.body.token).get('/api/v1/me')).body.org.id).toBe(org.id);
    // The password still signs in to the other business only (the member here has none).
    const password = await ctx.anonymous.post('/api/v1/sessions', { email, password: PASSWORD });
    expect(password.status, password.text).toBe(201);
    expect(password.body.user.id).toBe(elsewhere.body.user.id);
  });

  it('matches a first-time person to their open invitation', async () => {
    const { org, slug } = await withSso(ctx);
    const email = `manny-${ctx.dialect}@acme.test`;
    const invited = await org.api.post('/api/v1/invitations', { email, role: 'manager', name: 'Manny Invited' });
    expect(invited.status, invited.text).toBe(201);
    const { response } = await signInWithSso(ctx, slug, email);
    expect(response.status, response.text).toBe(201);
    expect(response.body.user).toMatchObject({ email, role: 'manager' });
    expect((await org.api.get('/api/v1/invitations')).body.items).toEqual([]);
  });

  it('refuses a person from another domain, an unverified email, and adds nobody', async () => {
    const { org, slug } = await withSso(ctx);
    const outsider = await signInWithSso(ctx, slug, 'eve@elsewhere.test');
    expect(outsider.response.status).toBe(403);
    expect(outsider.response.body.errors).toEqual([{ path: 'email', message: 'is not at an allowed domain (acme.test)' }]);
    const unverified = await signInWithSso(ctx, slug, 'unverified@acme.test');
    expect(unverified.response.status).toBe(403);
    expect(unverified.response.body.errors[0].path).toBe('email');
    const users = await org.api.get('/api/v1/users');
    expect(users.text).not.toContain('elsewhere.test');
    expect(users.text).not.toContain('unverified@');
  });

  it('refuses a state this browser did not start, an unknown state, and the same state twice', async () => {
    const { slug } = await withSso(ctx);
    const email = `sam-${ctx.dialect}@acme.test`;
    const otherBrowser = await signInWithSso(ctx, slug, email, (back) => {
      back.cookie = 'fl_sso=somebody-elses-state';
    });
    expect(otherBrowser.response.status).toBe(400);
    expect(otherBrowser.response.body.errors).toEqual([{ path: 'state', message: 'does not belong to a sign-in started in this browser' }]);
    const unknown = await signInWithSso(ctx, slug, email, (back) => {
      back.state = 'made-up-state';
      back.cookie = 'fl_sso=made-up-state';
    });
    expect(unknown.response.status).toBe(400);
    expect(unknown.response.body.errors[0].path).toBe('state');

    let replay: { state: string; code: string; iss?: string; cookie: string } | undefined;
    const first = await signInWithSso(ctx, slug, email, (back) => {
      replay = { ...back };
    });
    expect(first.response.status, first.response.text).toBe(201);
    const { cookie, ...body } = replay!;
    const second = await ctx.anonymous.post('/api/v1/sso/callback', body, { cookie });
    expect(second.status).toBe(400);
    expect(second.body.errors[0].path).toBe('state');
    const missing = await ctx.anonymous.post('/api/v1/sso/callback', { code: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].path).toBe('state');
  });

  it('lets an admin turn password sign-in off once single sign-on is set up; then only the owner signs in with a password', async () => {
    const plain = await ctx.signup('No SSO Yet');
    const refused = await plain.api.patch('/api/v1/org', { passwordSignIn: false });
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([{ path: 'passwordSignIn', message: 'can be turned off only once single sign-on is set up' }]);
    expect((await plain.api.patch('/api/v1/org', { passwordSignIn: 'no' })).body.errors[0].path).toBe('passwordSignIn');

    const { org, slug } = await withSso(ctx);
    const admin = await ctx.addUser(org, 'admin');
    const off = await admin.api.patch('/api/v1/org', { passwordSignIn: false });
    expect(off.status, off.text).toBe(200);
    expect(off.body.passwordSignIn).toBe(false);
    const audit = await org.api.get('/api/v1/audit?action=org.sign_in_policy_changed');
    expect(audit.body.items[0].data).toEqual({ passwordSignIn: { from: true, to: false } });
    expect((await ctx.anonymous.get(`/api/v1/sso/orgs/${slug}`)).body.passwordSignIn).toBe(false);

    const denied = await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD });
    expect(denied.status).toBe(403);
    expect(denied.body.type).toBe('https://finishline.dev/problems/password-sign-in-off');
    expect(denied.body.token).toBeUndefined();
    // A wrong password still says only that.
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: 'not the right one at all' })).status).toBe(401);
    // The owner keeps a way in if the provider is down.
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password: PASSWORD })).status).toBe(201);
    // Single sign-on cannot be removed while it is the only way in.
    expect((await org.api.delete('/api/v1/sso/settings')).status).toBe(409);
    expect((await org.api.patch('/api/v1/org', { passwordSignIn: true })).status).toBe(200);
    expect((await org.api.delete('/api/v1/sso/settings')).status).toBe(204);
    expect((await org.api.get('/api/v1/audit?action=sso.settings_removed')).body.items).toHaveLength(1);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD })).status).toBe(201);
  });

  it('with password sign-in off, sends no password reset link but to the owner, answering the same as for an unknown email', async () => {
    const { org } = await withSso(ctx);
    const member = await ctx.addUser(org, 'member');
    expect((await org.api.patch('/api/v1/org', { passwordSignIn: false })).status).toBe(200);
    const asked = await ctx.anonymous.post('/api/v1/password-reset', { email: member.user.email });
    const unknown = await ctx.anonymous.post('/api/v1/password-reset', { email: `nobody-${ctx.dialect}@acme.test` });
    expect([asked.status, asked.text, asked.headers.get('content-type')]).toEqual([unknown.status, unknown.text, unknown.headers.get('content-type')]);
    expect(asked.status).toBe(202);
    const owner = await ctx.anonymous.post('/api/v1/password-reset', { email: org.user.email });
    expect(owner.status).toBe(202);
    await ctx.server.mail.idle();
    expect(mailbox.to(member.user.email)).toEqual([]);
    expect(mailbox.to(org.user.email).map((m) => m.subject)).toEqual(['Reset your Finishline password for Acme Heating']);
    expect((await org.api.get('/api/v1/audit?action=password.reset_requested')).body.items.map((e: any) => e.subject.id)).toEqual([org.user.id]);
  });

  it('with password sign-in off, an invitation is accepted by signing in with the provider, never with a password', async () => {
    const { org, slug } = await withSso(ctx);
    const email = `ivy-${ctx.dialect}@acme.test`;
    expect((await org.api.post('/api/v1/invitations', { email, role: 'manager' })).status).toBe(201);
    await ctx.server.mail.idle();
    const token = new URL(mailbox.link(email, `${PUBLIC_URL}/accept-invitation?token=`)).searchParams.get('token');
    const before = await ctx.anonymous.post('/api/v1/invitations/lookup', { token });
    expect(before.status, before.text).toBe(200);
    expect(before.body).toEqual({ email, name: null, role: 'manager', org: { name: 'Acme Heating', slug }, passwordSignIn: true, sso: { name: 'Acme Login' } });

    expect((await org.api.patch('/api/v1/org', { passwordSignIn: false })).status).toBe(200);
    expect((await ctx.anonymous.post('/api/v1/invitations/lookup', { token })).body.passwordSignIn).toBe(false);
    const withPassword = await ctx.anonymous.post('/api/v1/invitations/accept', { token, name: 'Ivy', password: PASSWORD });
    expect(withPassword.status).toBe(403);
    expect(withPassword.body.type).toBe('https://finishline.dev/problems/password-sign-in-off');
    expect(withPassword.body.errors).toEqual([{ path: 'password', message: 'is not used here: this business signs in with single sign-on' }]);
    expect((await org.api.get('/api/v1/invitations')).body.items).toHaveLength(1);

    const { response } = await signInWithSso(ctx, slug, email);
    expect(response.status, response.text).toBe(201);
    expect(response.body.user).toMatchObject({ email, role: 'manager' });
    const used = await ctx.anonymous.post('/api/v1/invitations/lookup', { token });
    expect(used.status).toBe(400);
    expect(used.body.errors[0].path).toBe('token');
    expect((await ctx.anonymous.post('/api/v1/invitations/lookup', { token: 'fli_not-a-real-one' })).body.errors[0].path).toBe('token');
  });

  it('refuses an issuer at a private or special address, a discovery that redirects, and a provider whose own addresses are private, naming the issuer', async () => {
    const org = await ctx.signup('Acme Heating');
    const privateNetwork = await org.api.put('/api/v1/sso/settings', settings({ issuer: 'http://10.0.0.1/realms/acme' }));
    expect(privateNetwork.status).toBe(400);
    expect(privateNetwork.body.errors).toEqual([{ path: 'issuer', message: expect.stringContaining('must not point at 10.0.0.1, a private network address') }]);
    const metadata = await org.api.put('/api/v1/sso/settings', settings({ issuer: 'http://169.254.169.254/latest' }));
    expect(metadata.status).toBe(400);
    expect(metadata.body.errors[0]).toEqual({ path: 'issuer', message: expect.stringContaining('link-local') });

    // Discovery answered by a redirect: it is not followed, so where it points is never reached.
    const target = await stub(() => ({ status: 200, body: {} }));
    const redirecting = await stub(() => ({ status: 302, headers: { location: `${target.base}/.well-known/openid-configuration` } }));
    const redirected = await org.api.put('/api/v1/sso/settings', settings({ issuer: redirecting.base }));
    expect(redirected.status).toBe(400);
    expect(redirected.body.errors[0]).toEqual({ path: 'issuer', message: expect.stringContaining('redirects are not followed') });
    expect(redirecting.hits).toEqual(['/.well-known/openid-configuration']);
    expect(target.hits).toEqual([]);

    // A provider whose token endpoint (called by the server) is at a private address.
    const sly = await stub((base) => ({
      status: 200,
      body: { issuer: base, authorization_endpoint: `${base}/auth`, token_endpoint: 'http://10.1.2.3/token', jwks_uri: `${base}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] },
    }));
    const slyAnswer = await org.api.put('/api/v1/sso/settings', settings({ issuer: sly.base }));
    expect(slyAnswer.status).toBe(400);
    expect(slyAnswer.body.errors[0]).toEqual({ path: 'issuer', message: expect.stringContaining('whose token endpoint (http://10.1.2.3/token) points at 10.1.2.3, a private network address') });
    expect((await org.api.get('/api/v1/sso/settings')).body).toBeNull();
  });
}, { publicUrl: PUBLIC_URL, ssoAllowLocalIssuers: true, smtpUrl: mailbox.smtpUrl, mailFrom: 'Finishline <finishline@finishline.example>' });

forEachDatabase('single sign-on outside tests', (ctx) => {
  it('refuses a provider at http://, at a loopback address, or at a name that resolves to one, naming the issuer', async () => {
    const org = await ctx.signup('Acme Heating');
    const plain = await org.api.put('/api/v1/sso/settings', settings());
    expect(plain.status).toBe(400);
    expect(plain.body.errors).toEqual([{ path: 'issuer', message: 'must be an https:// address' }]);
    const loopback = await org.api.put('/api/v1/sso/settings', settings({ issuer: 'https://127.0.0.1:8443/realms/acme' }));
    expect(loopback.status).toBe(400);
    expect(loopback.body.errors[0]).toEqual({ path: 'issuer', message: expect.stringContaining('must not point at 127.0.0.1, a loopback address') });
    const mapped = await org.api.put('/api/v1/sso/settings', settings({ issuer: 'https://[::ffff:192.168.1.20]/' }));
    expect(mapped.body.errors[0]).toEqual({ path: 'issuer', message: expect.stringContaining('a private network address') });
    // The name is resolved when the server connects, and refused before it does.
    const named = await org.api.put('/api/v1/sso/settings', settings({ issuer: `https://localhost:${new URL(provider.issuer).port}/` }));
    expect(named.status).toBe(400);
    expect(named.body.errors[0]).toEqual({ path: 'issuer', message: expect.stringMatching(/localhost resolves to .+, a loopback address/) });
  });
});

forEachDatabase('single sign-on with private providers allowed', (ctx) => {
  it('reaches a provider on the private network or this machine, by address or by name, still over https only', async () => {
    // A listener that only counts connections: the server reaching it is what the setting allows (it speaks no TLS, so discovery then fails).
    let connections = 0;
    const listener = createTcpServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as AddressInfo).port;
    try {
      const org = await ctx.signup('Acme Heating');
      const plain = await org.api.put('/api/v1/sso/settings', settings({ issuer: `http://127.0.0.1:${port}/` }));
      expect(plain.body.errors).toEqual([{ path: 'issuer', message: 'must be an https:// address' }]);
      expect(connections).toBe(0);

      for (const host of ['127.0.0.1', 'localhost']) {
        const before = connections;
        const answer = await org.api.put('/api/v1/sso/settings', settings({ issuer: `https://${host}:${port}/realms/acme` }));
        expect(answer.status).toBe(400);
        expect(answer.body.errors[0]).toEqual({ path: 'issuer', message: expect.stringContaining('is not an OpenID provider that answers discovery') });
        expect(answer.body.errors[0].message).not.toContain('public addresses only');
        expect(connections).toBeGreaterThan(before);
      }
    } finally {
      listener.close();
    }
  });
}, { publicUrl: PUBLIC_URL, ssoAllowPrivate: true });
