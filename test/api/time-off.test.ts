import { expect, it } from 'vitest';
import { forEachDatabase } from '../support/harness.ts';

const AWAY = [{ from: '2026-03-02T00:00:00Z', to: '2026-03-06T00:00:00Z', note: 'Off sick' }];

forEachDatabase('time off for others', (ctx) => {
  it('lets admins and managers set anyone’s time off, and refuses members', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const manager = await ctx.addUser(org, 'manager');
    const tech = await ctx.addUser(org, 'member', 'Tom Tech');
    const other = await ctx.addUser(org, 'member');

    const byAdmin = await admin.api.put(`/api/v1/users/${tech.id}/time-off`, { timeOff: AWAY });
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(byAdmin.body).toMatchObject({ id: tech.id, timeOff: AWAY, version: 2 });
    expect(byAdmin.headers.get('etag')).toBe('"2"');

    const byManager = await manager.api.put(`/api/v1/users/${org.user.id}/time-off`, { timeOff: AWAY });
    expect(byManager.status, byManager.text).toBe(200);

    const byMember = await other.api.put(`/api/v1/users/${tech.id}/time-off`, { timeOff: [] });
    expect(byMember.status).toBe(403);
    expect(byMember.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await org.api.get(`/api/v1/users/${tech.id}`)).body.timeOff).toEqual(AWAY);

    const own = await tech.api.put(`/api/v1/users/${tech.id}/time-off`, { timeOff: [] });
    expect(own.status, own.text).toBe(200);
    expect(own.body.timeOff).toEqual([]);
  });

  it('lets a member who manages a team set its members’ time off, and nobody else’s', async () => {
    const org = await ctx.signup();
    const lead = await ctx.addUser(org, 'member', 'Lena Lead');
    const crew = await ctx.addUser(org, 'member');
    const outsider = await ctx.addUser(org, 'member');
    const team = await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [crew.id], managerId: lead.id });
    expect(team.status, team.text).toBe(201);
    expect((await lead.api.put(`/api/v1/users/${crew.id}/time-off`, { timeOff: AWAY })).status).toBe(200);
    expect((await lead.api.put(`/api/v1/users/${outsider.id}/time-off`, { timeOff: AWAY })).status).toBe(403);
  });

  it('answers 404 for another organisation’s person, 412 for a stale version and 400 naming a stretch that ends before it starts', async () => {
    const org = await ctx.signup();
    const rival = await ctx.signup('Rival Heating');
    expect((await org.api.put(`/api/v1/users/${rival.user.id}/time-off`, { timeOff: AWAY })).status).toBe(404);
    expect((await rival.api.get('/api/v1/me')).body.user.timeOff).toEqual([]);
    expect((await org.api.put('/api/v1/users/nobody/time-off', { timeOff: AWAY })).status).toBe(404);

    const tech = await ctx.addUser(org, 'member');
    const stale = await org.api.put(`/api/v1/users/${tech.id}/time-off`, { timeOff: AWAY }, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);

    const backwards = await org.api.put(`/api/v1/users/${tech.id}/time-off`, { timeOff: [{ from: '2026-03-06T00:00:00Z', to: '2026-03-02T00:00:00Z' }] });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([{ path: 'timeOff.0.to', message: 'must be after from' }]);
    const missing = await org.api.put(`/api/v1/users/${tech.id}/time-off`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(['timeOff']);
  });

  it('round-robin skips a person from the moment their manager marks them away', async () => {
    const org = await ctx.signup();
    const manager = await ctx.addUser(org, 'manager');
    const [a, b] = [await ctx.addUser(org, 'member', 'Ann'), await ctx.addUser(org, 'member', 'Ben')];
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [a.id, b.id] })).body;
    const rule = await org.api.post('/api/v1/rules', {
      name: 'Call back',
      trigger: { event: 'web.enquiry' },
      actions: [{ type: 'create_task', title: 'Call', allowDuplicates: true, assign: { strategy: 'round_robin', teamId: team.id } }],
    });
    expect(rule.status, rule.text).toBe(201);
    const away = await manager.api.put(`/api/v1/users/${b.id}/time-off`, { timeOff: AWAY });
    expect(away.status, away.text).toBe(200);
    for (let i = 0; i < 4; i++) await org.api.post('/api/v1/events', { type: 'web.enquiry', subject: { type: 'web', id: `w${i}` } });
    await ctx.server.automation.drain();
    const tasks = (await org.api.get('/api/v1/tasks?limit=50')).body.items;
    expect(tasks.map((t: { assigneeId: string }) => t.assigneeId)).toEqual([a.id, a.id, a.id, a.id]);
  });
});
