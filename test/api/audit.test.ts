import { expect, it } from 'vitest';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';

forEachDatabase('audit log', (ctx) => {
  const actions = async (api: any, query = '') => (await api.get(`/api/v1/audit?limit=200${query}`)).body.items.map((e: any) => e.action);

  it('records logins, failed logins, role changes, users, settings and tokens, newest first', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: 'not the password at all' });
    await org.api.patch(`/api/v1/users/${member.id}`, { role: 'manager' });
    await org.api.patch('/api/v1/org', { timezone: 'Europe/Paris' });
    const token = await org.api.post('/api/v1/tokens', { name: 'Accounting sync' });
    await org.api.delete(`/api/v1/tokens/${token.body.id}`);
    await member.api.patch(`/api/v1/users/${member.id}`, { password: 'a brand new long passphrase', currentPassword: PASSWORD });

    const res = await org.api.get('/api/v1/audit?limit=200');
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: any) => e.action)).toEqual([
      'user.password_changed',
      'token.revoked',
      'token.created',
      'org.settings_changed',
      'user.role_changed',
      'session.login_failed',
      'session.created',
      'user.created',
      'org.created',
    ]);
    const byAction = Object.fromEntries(res.body.items.map((e: any) => [e.action, e]));
    expect(byAction['user.role_changed']).toMatchObject({ actorId: org.user.id, subject: { type: 'user', id: member.id }, data: { from: 'member', to: 'manager' } });
    expect(byAction['session.login_failed']).toMatchObject({ actorId: null, subject: { type: 'user', id: member.id }, ip: '127.0.0.1' });
    expect(byAction['token.created']).toMatchObject({ subject: { type: 'token', id: token.body.id }, data: { name: 'Accounting sync' } });
    expect(res.text).not.toContain(PASSWORD);
    expect(res.text).not.toContain(token.body.token);
    expect(res.text).not.toContain('brand new');
  });

  it('is for admins and owners only, and each organisation sees its own', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const manager = await ctx.addUser(org, 'manager');
    const member = await ctx.addUser(org, 'member');
    const rival = await ctx.signup('Rival Heating');
    expect((await admin.api.get('/api/v1/audit')).status).toBe(200);
    expect((await manager.api.get('/api/v1/audit')).status).toBe(403);
    expect((await member.api.get('/api/v1/audit')).status).toBe(403);
    const rivals = await rival.api.get('/api/v1/audit?limit=200');
    expect(rivals.body.items.every((e: any) => e.actorId === rival.user.id || e.actorId === null)).toBe(true);
    expect(rivals.text).not.toContain(org.user.id);
  });

  it('writes no entry when the action fails, as it shares the action’s transaction', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const member = await ctx.addUser(org, 'member');
    const before = await actions(org.api);
    expect((await admin.api.patch(`/api/v1/users/${member.id}`, { role: 'admin' })).status).toBe(403);
    expect((await org.api.patch(`/api/v1/users/${member.id}`, { role: 'manager' }, { 'if-match': '"99"' })).status).toBe(412);
    expect((await org.api.delete('/api/v1/tokens/no-such-token')).status).toBe(404);
    expect(await actions(org.api)).toEqual(before);
  });

  it('pages with a cursor and filters by action', async () => {
    const org = await ctx.signup();
    for (let i = 0; i < 5; i++) await org.api.post('/api/v1/tokens', { name: `Sync ${i}` });
    const first = await org.api.get('/api/v1/audit?limit=4');
    expect(first.body.items).toHaveLength(4);
    const second = await org.api.get(`/api/v1/audit?limit=4&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.items, ...second.body.items].map((e: any) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.body.nextCursor).toBeNull();
    expect(await actions(org.api, '&action=token.created')).toEqual(Array(5).fill('token.created'));
    expect((await org.api.get('/api/v1/audit?action=nonsense')).status).toBe(400);
  });
});

forEachDatabase('audit log of exports and automation', (ctx) => {
  it('records every CSV export, and rule changes, with who did them', async () => {
    const org = await ctx.signup();
    const manager = await ctx.addUser(org, 'manager');
    await ctx.createTask(org.api, { title: 'Exported task' });
    const tasksCsv = await manager.api.get('/api/v1/tasks?format=csv&status=all');
    expect(tasksCsv.status).toBe(200);
    const reportCsv = await manager.api.get('/api/v1/reports/overdue?format=csv');
    expect(reportCsv.status).toBe(200);
    const rule = await manager.api.post('/api/v1/rules', { name: 'Chase invoices', trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase {{data.amount}}' }] });
    expect(rule.status).toBe(201);
    expect((await manager.api.patch(`/api/v1/rules/${rule.body.id}`, { enabled: false })).status).toBe(200);
    expect((await manager.api.delete(`/api/v1/rules/${rule.body.id}`)).status).toBeLessThan(300);

    const log = (await org.api.get('/api/v1/audit?limit=200')).body.items.filter((e: any) => e.actorId === manager.id);
    expect(log.map((e: any) => e.action)).toEqual(['rule.deleted', 'rule.changed', 'rule.created', 'data.exported', 'data.exported', 'session.created']);
    expect(log[4]).toMatchObject({ subject: { type: 'export', id: '/api/v1/tasks' }, data: { query: { format: 'csv', status: 'all' } } });
    expect(log[3].subject.id).toBe('/api/v1/reports/overdue');
    expect(log[1]).toMatchObject({ subject: { type: 'rule', id: rule.body.id }, data: { name: 'Chase invoices', fields: ['enabled'] } });
    // Reading JSON is not an export.
    await manager.api.get('/api/v1/tasks');
    expect((await org.api.get('/api/v1/audit?action=data.exported')).body.items).toHaveLength(2);
  });
});
