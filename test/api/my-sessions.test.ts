// Sessions you can see: your sessions and API tokens with where they came from
// and when they were last used; ending one, or every other session; changing
// your own password, which needs the current one and ends every other sign-in.
import { expect, it } from 'vitest';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148';

forEachDatabase('my sessions', (ctx) => {
  it('lists your own sessions and API tokens, where each came from, and which one is this', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const phone = await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD }, { 'user-agent': PHONE });
    const token = await admin.api.post('/api/v1/tokens', { name: 'Accounting sync' });
    ctx.clock.advance(5 * 60_000);
    expect((await ctx.client(phone.body.token).get('/api/v1/me')).status).toBe(200);

    const list = await ctx.client(phone.body.token).get('/api/v1/me/sessions');
    expect(list.status, list.text).toBe(200);
    const byId = new Map(list.body.items.map((s: any) => [s.id, s]));
    expect(list.body.items).toHaveLength(3);
    const current = list.body.items.find((s: any) => s.current);
    expect(current).toMatchObject({ kind: 'session', userAgent: PHONE, address: '127.0.0.1' });
    expect(current.lastUsedAt).toBe(new Date(ctx.clock.now()).toISOString());
    expect(byId.get(token.body.id)).toMatchObject({ kind: 'api', name: 'Accounting sync', current: false });
    // Nobody else's: not the owner's, not another organisation's.
    expect(list.text).not.toContain(org.token);
    const owners = await org.api.get('/api/v1/me/sessions');
    expect(owners.body.items.map((s: any) => s.id)).not.toContain(current.id);
  });

  it('ends one of your sessions or tokens, and answers 404 for anyone else’s', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const token = await admin.api.post('/api/v1/tokens', { name: 'Sync' });
    expect((await org.api.delete(`/api/v1/me/sessions/${token.body.id}`)).status).toBe(404);
    const rival = await ctx.signup('Rival');
    expect((await rival.api.delete(`/api/v1/me/sessions/${token.body.id}`)).status).toBe(404);
    expect((await ctx.client(token.body.token).get('/api/v1/me')).status).toBe(200);
    expect((await admin.api.delete(`/api/v1/me/sessions/${token.body.id}`)).status).toBe(204);
    expect((await ctx.client(token.body.token).get('/api/v1/me')).status).toBe(401);
    expect((await admin.api.delete(`/api/v1/me/sessions/${token.body.id}`)).status).toBe(404);
    const audit = await org.api.get('/api/v1/audit?action=session.ended');
    expect(audit.body.items.map((e: any) => e.subject.id)).toContain(token.body.id);
  });

  it('signs you out everywhere else: other sessions end, this one and API tokens stay', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const other = await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD });
    const token = await admin.api.post('/api/v1/tokens', { name: 'Sync' });
    expect((await admin.api.delete('/api/v1/me/sessions')).status).toBe(204);
    expect((await admin.api.get('/api/v1/me')).status).toBe(200);
    expect((await ctx.client(other.body.token).get('/api/v1/me')).status).toBe(401);
    expect((await ctx.client(token.body.token).get('/api/v1/me')).status).toBe(200);
    expect((await admin.api.get('/api/v1/me/sessions')).body.items.map((s: any) => s.kind).sort()).toEqual(['api', 'session']);
  });

  it('changes your own password only with the current one, and ends every other session and token', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const other = await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: PASSWORD });
    const token = await admin.api.post('/api/v1/tokens', { name: 'Sync' });
    const missing = await admin.api.patch(`/api/v1/users/${admin.id}`, { password: 'a new long passphrase' });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.errors).toEqual([{ path: 'currentPassword', message: 'is required to change your own password' }]);
    const wrong = await admin.api.patch(`/api/v1/users/${admin.id}`, { password: 'a new long passphrase', currentPassword: 'wrong wrong wrong' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.errors).toEqual([{ path: 'currentPassword', message: 'is not your current password' }]);
    expect((await ctx.client(other.body.token).get('/api/v1/me')).status).toBe(200);

    const changed = await admin.api.patch(`/api/v1/users/${admin.id}`, { password: 'a new long passphrase', currentPassword: PASSWORD });
    expect(changed.status, changed.text).toBe(200);
    expect((await admin.api.get('/api/v1/me')).status).toBe(200);
    expect((await ctx.client(other.body.token).get('/api/v1/me')).status).toBe(401);
    expect((await ctx.client(token.body.token).get('/api/v1/me')).status).toBe(401);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: admin.user.email, password: 'a new long passphrase' })).status).toBe(201);

    // An admin setting someone else's password needs no current password; currentPassword for someone else is refused.
    const member = await ctx.addUser(org, 'member');
    expect((await org.api.patch(`/api/v1/users/${member.id}`, { password: 'set by the owner here' })).status).toBe(200);
    expect((await member.api.get('/api/v1/me')).status).toBe(401);
    const stray = await org.api.patch(`/api/v1/users/${member.id}`, { password: 'set by the owner again', currentPassword: PASSWORD });
    expect(stray.status).toBe(400);
    expect(stray.body.errors[0].path).toBe('currentPassword');
  });
});
