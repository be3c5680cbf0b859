import { expect, it } from 'vitest';
import { forEachDatabase, PASSWORD } from '../support/harness.ts';

forEachDatabase('people API', (ctx) => {
  it('signs up an organisation and its owner, and never returns the password', async () => {
    const res = await ctx.anonymous.post('/api/v1/signup', { orgName: 'Sparkle Cleaning', timezone: 'America/New_York', name: 'Sam Owner', email: 'Sam@Sparkle.test', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.org).toMatchObject({ name: 'Sparkle Cleaning', timezone: 'America/New_York', businessHours: { mon: [['08:00', '17:00']], sat: [] } });
    expect(res.body.user).toMatchObject({ email: 'sam@sparkle.test', role: 'owner', active: true });
    expect(res.body.token).toMatch(/^fls_/);
    expect(res.text).not.toContain(PASSWORD);
    // No password or hash under any name (the organisation's passwordSignIn policy is not one).
    expect(res.text.replaceAll('"passwordSignIn"', '')).not.toMatch(/scrypt|password/i);
    const me = await ctx.client(res.body.token).get('/api/v1/me');
    expect(me.body.user.id).toBe(res.body.user.id);
    expect(me.body.org.id).toBe(res.body.org.id);
  });

  it('gives organisations, people and teams short keys, rising as they are made (every task and history row holds some)', async () => {
    const org = await ctx.signup();
    const ann = await ctx.addUser(org, 'member', 'Ann');
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [ann.id] })).body;
    const KEY = /^[0-9a-hjkmnp-tv-z]{14}$/;
    for (const id of [org.id, org.user.id, ann.id, team.id]) expect(id).toMatch(KEY);
    expect(org.user.id < ann.id).toBe(true);
    // A task's own id is still a ULID.
    expect((await ctx.createTask(org.api, { assigneeId: ann.id })).id).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('says in /me what the person\'s role allows, and the API refuses what a right says they may not do', async () => {
    const org = await ctx.signup();
    const manager = await ctx.addUser(org, 'manager');
    const member = await ctx.addUser(org, 'member');
    const rights = async (api: typeof org.api) => (await api.get('/api/v1/me')).body.rights;
    expect(await rights(org.api)).toMatchObject({ deleteOthersTasks: true, assignOthers: true, managePeople: true, manageAutomation: true, manageAdmins: true });
    expect(await rights(manager.api)).toMatchObject({ deleteOthersTasks: true, assignOthers: true, managePeople: false, manageAutomation: true, seeReports: true, manageAdmins: false });
    const memberRights = await rights(member.api);
    expect(Object.entries(memberRights).filter(([, allowed]) => allowed)).toEqual([]);
    // What the rights say is what the API does.
    const othersTask = await ctx.createTask(org.api, { title: 'Owner’s call' });
    expect((await member.api.delete(`/api/v1/tasks/${othersTask.key}`)).status).toBe(403);
    expect((await member.api.patch(`/api/v1/tasks/${othersTask.key}`, { assigneeId: manager.id })).status).toBe(403);
    expect((await member.api.get('/api/v1/reports/summary')).status).toBe(403);
    expect((await member.api.post('/api/v1/users', { name: 'X', email: 'x@example.test', role: 'member', password: PASSWORD })).status).toBe(403);
    expect((await manager.api.post('/api/v1/users', { name: 'Y', email: 'y@example.test', role: 'member', password: PASSWORD })).status).toBe(403);
    expect((await manager.api.get('/api/v1/reports/summary')).status).toBe(200);
  });

  it('names every invalid sign-up field', async () => {
    const res = await ctx.anonymous.post('/api/v1/signup', { orgName: '', timezone: 'Mars/Olympus', name: 'x', email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'orgName', 'password', 'timezone']);
    const missing = await ctx.anonymous.post('/api/v1/signup', {});
    expect(missing.body.errors).toContainEqual({ path: 'orgName', message: 'is required' });
  });

  it('signs up a new business with an email that has an account in another one, in any case (test/api/email-per-org.test.ts has the rest)', async () => {
    const org = await ctx.signup();
    const res = await ctx.anonymous.post('/api/v1/signup', { orgName: 'Copy', timezone: 'Europe/London', name: 'Copy', email: org.user.email.toUpperCase(), password: PASSWORD });
    expect(res.status, res.text).toBe(201);
    expect(res.body.org.id).not.toBe(org.id);
    expect(res.body.user.email).toBe(org.user.email);
  });

  it('logs in with the right password only, and logs out', async () => {
    const org = await ctx.signup();
    const wrong = await ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    const unknown = await ctx.anonymous.post('/api/v1/sessions', { email: 'nobody@example.test', password: PASSWORD });
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
    const login = await ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password: PASSWORD });
    expect(login.status).toBe(201);
    const session = ctx.client(login.body.token);
    expect((await session.get('/api/v1/me')).status).toBe(200);
    expect((await session.delete('/api/v1/sessions/current')).status).toBe(204);
    expect((await session.get('/api/v1/me')).status).toBe(401);
    expect((await org.api.get('/api/v1/me')).status).toBe(200);
  });

  it('logs out everywhere', async () => {
    const org = await ctx.signup();
    const second = await ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password: PASSWORD });
    expect((await org.api.delete('/api/v1/sessions')).status).toBe(204);
    expect((await org.api.get('/api/v1/me')).status).toBe(401);
    expect((await ctx.client(second.body.token).get('/api/v1/me')).status).toBe(401);
  });

  it('expires a session after its lifetime', async () => {
    const org = await ctx.signup();
    ctx.clock.advance(15 * 24 * 3600_000);
    try {
      expect((await org.api.get('/api/v1/me')).status).toBe(401);
    } finally {
      ctx.clock.advance(-15 * 24 * 3600_000);
    }
  });

  it('answers 401 problem+json without credentials or with a bad token', async () => {
    const none = await ctx.anonymous.get('/api/v1/tasks');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect((await ctx.client('fls_forged').get('/api/v1/tasks')).status).toBe(401);
    expect((await ctx.anonymous.get('/api/v1/tasks', { authorization: 'Basic abc' })).status).toBe(401);
  });

  it('lets admins add people and the owner alone make admins', async () => {
    const org = await ctx.signup();
    const admin = await ctx.addUser(org, 'admin');
    const manager = await ctx.addUser(org, 'manager');
    const member = await ctx.addUser(org, 'member');
    const person = (role: string) => ({ name: 'New Person', email: `${role}-${Math.random().toString(36).slice(2)}@example.test`, role, password: PASSWORD });
    expect((await member.api.post('/api/v1/users', person('member'))).status).toBe(403);
    expect((await manager.api.post('/api/v1/users', person('member'))).status).toBe(403);
    expect((await admin.api.post('/api/v1/users', person('manager'))).status).toBe(201);
    expect((await admin.api.post('/api/v1/users', person('admin'))).status).toBe(403);
    expect((await org.api.post('/api/v1/users', person('admin'))).status).toBe(201);
    expect((await admin.api.patch(`/api/v1/users/${manager.id}`, { role: 'admin' })).status).toBe(403);
    expect((await admin.api.patch(`/api/v1/users/${member.id}`, { role: 'manager' })).status).toBe(200);
    expect((await admin.api.patch(`/api/v1/users/${org.user.id}`, { name: 'Renamed' })).status).toBe(403);
    expect((await org.api.patch(`/api/v1/users/${manager.id}`, { role: 'admin' })).status).toBe(200);
    expect((await org.api.patch(`/api/v1/users/${org.user.id}`, { role: 'member' })).status).toBe(403);
  });

  it('lets anyone edit their own name, password and hours but not their role', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const hours = { mon: [['07:00', '15:00']], tue: [['07:00', '15:00']], wed: [], thu: [], fri: [], sat: [], sun: [] };
    const own = await member.api.patch(`/api/v1/users/${member.id}`, { name: 'Tom Tech', workingHours: hours, timeOff: [{ from: '2026-04-01T00:00:00Z', to: '2026-04-08T00:00:00Z', note: 'Holiday' }] });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ name: 'Tom Tech', workingHours: hours, version: 2 });
    expect((await member.api.patch(`/api/v1/users/${member.id}`, { role: 'admin' })).status).toBe(403);
    const badHours = await member.api.patch(`/api/v1/users/${member.id}`, { workingHours: { ...hours, mon: [['15:00', '07:00']] } });
    expect(badHours.status).toBe(400);
    expect(badHours.body.errors[0].path).toBe('workingHours.mon.0');
    const withoutCurrent = await member.api.patch(`/api/v1/users/${member.id}`, { password: 'another long password' });
    expect(withoutCurrent.status).toBe(400);
    expect(withoutCurrent.body.errors).toEqual([{ path: 'currentPassword', message: 'is required to change your own password' }]);
    const wrongCurrent = await member.api.patch(`/api/v1/users/${member.id}`, { password: 'another long password', currentPassword: 'not my password' });
    expect(wrongCurrent.status).toBe(403);
    expect(wrongCurrent.body.errors[0].path).toBe('currentPassword');
    const elsewhere = await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD });
    const newPassword = await member.api.patch(`/api/v1/users/${member.id}`, { password: 'another long password', currentPassword: PASSWORD });
    expect(newPassword.status).toBe(200);
    // The session that changed it stays; every other one ends.
    expect((await member.api.get('/api/v1/me')).status).toBe(200);
    expect((await ctx.client(elsewhere.body.token).get('/api/v1/me')).status).toBe(401);
  });

  it('deactivates a person: their sessions end and they can no longer log in', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    expect((await org.api.patch(`/api/v1/users/${member.id}`, { active: false })).status).toBe(200);
    expect((await member.api.get('/api/v1/me')).status).toBe(401);
    expect((await ctx.anonymous.post('/api/v1/sessions', { email: member.user.email, password: PASSWORD })).status).toBe(401);
  });

  it('lists people with cursor pages', async () => {
    const org = await ctx.signup();
    for (let i = 0; i < 4; i++) await ctx.addUser(org, 'member');
    const first = await org.api.get('/api/v1/users?limit=3');
    expect(first.body.items).toHaveLength(3);
    const second = await org.api.get(`/api/v1/users?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(5);
    expect((await org.api.get('/api/v1/users?cursor=garbage')).body.errors[0].path).toBe('cursor');
  });

  it('manages teams with members and a manager (admins), readable by everyone', async () => {
    const org = await ctx.signup();
    const manager = await ctx.addUser(org, 'manager');
    const tech = await ctx.addUser(org, 'member');
    expect((await manager.api.post('/api/v1/teams', { name: 'Field' })).status).toBe(403);
    const team = await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [tech.id, manager.id], managerId: manager.id });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({ name: 'Field', managerId: manager.id });
    expect(team.body.memberIds.sort()).toEqual([tech.id, manager.id].sort());
    expect((await org.api.post('/api/v1/teams', { name: 'Field' })).status).toBe(409);
    const ghost = await org.api.post('/api/v1/teams', { name: 'Office', memberIds: ['nobody'] });
    expect(ghost.status).toBe(404);
    expect(ghost.body.errors).toEqual([{ path: 'memberIds.0', message: 'no such user' }]);
    const renamed = await org.api.patch(`/api/v1/teams/${team.body.id}`, { name: 'Field crew', memberIds: [tech.id] }, { 'if-match': '"1"' });
    expect(renamed.body).toMatchObject({ name: 'Field crew', memberIds: [tech.id], version: 2 });
    expect((await org.api.patch(`/api/v1/teams/${team.body.id}`, { name: 'Stale' }, { 'if-match': '"1"' })).status).toBe(412);
    const list = await tech.api.get('/api/v1/teams');
    expect(list.body.items.map((t: { name: string }) => t.name)).toEqual(['Field crew']);
    const task = await ctx.createTask(org.api, { teamId: team.body.id });
    expect(task.teamId).toBe(team.body.id);
  });

  it('issues API tokens shown once and stored hashed, usable and revocable', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    expect((await member.api.post('/api/v1/tokens', { name: 'Accounting sync' })).status).toBe(403);
    const created = await org.api.post('/api/v1/tokens', { name: 'Accounting sync' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^fla_/);
    const listed = await org.api.get('/api/v1/tokens');
    expect(listed.body.items).toEqual([{ id: created.body.id, name: 'Accounting sync', createdAt: expect.any(String), expiresAt: null, lastUsedAt: null, revokedAt: null }]);
    expect(listed.text).not.toContain(created.body.token);
    const integration = ctx.client(created.body.token);
    const task = await integration.post('/api/v1/tasks', { title: 'Chase invoice 1042' });
    expect(task.body.source).toEqual({ kind: 'api' });
    expect((await org.api.delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect((await integration.get('/api/v1/tasks')).status).toBe(401);
    expect((await org.api.delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(404);
  });

  it('changes the organisation’s settings (admins only)', async () => {
    const org = await ctx.signup();
    const manager = await ctx.addUser(org, 'manager');
    const settings = { timezone: 'Australia/Sydney', holidays: ['2026-12-25', '2026-12-26'], businessHours: { mon: [['07:30', '12:00'], ['13:00', '16:30']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } };
    expect((await manager.api.patch('/api/v1/org', settings)).status).toBe(403);
    const res = await org.api.patch('/api/v1/org', settings);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(settings);
    const bad = await org.api.patch('/api/v1/org', { timezone: 'Nowhere/City', holidays: ['2026-13-45'] });
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['holidays.0', 'timezone']);
  });

  it('hides other organisations’ people, teams and tokens (404)', async () => {
    const org = await ctx.signup();
    const rival = await ctx.signup('Rival');
    const member = await ctx.addUser(org, 'member');
    const team = await org.api.post('/api/v1/teams', { name: 'Office' });
    const token = await org.api.post('/api/v1/tokens', { name: 'Sync' });
    expect((await rival.api.get(`/api/v1/users/${member.id}`)).status).toBe(404);
    expect((await rival.api.patch(`/api/v1/users/${member.id}`, { name: 'x' })).status).toBe(404);
    expect((await rival.api.get(`/api/v1/teams/${team.body.id}`)).status).toBe(404);
    expect((await rival.api.patch(`/api/v1/teams/${team.body.id}`, { name: 'x' })).status).toBe(404);
    expect((await rival.api.delete(`/api/v1/tokens/${token.body.id}`)).status).toBe(404);
    const crossTeam = await rival.api.post('/api/v1/teams', { name: 'Poach', memberIds: [member.id] });
    expect(crossTeam.status).toBe(404);
    const users = await rival.api.get('/api/v1/users');
    expect(users.body.items.map((u: { id: string }) => u.id)).toEqual([rival.user.id]);
  });
});

forEachDatabase('login rate limit', (ctx) => {
  it('answers 429 after too many login attempts from one address', async () => {
    const org = await ctx.signup();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password: 'wrong password here' })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const limited = await ctx.anonymous.post('/api/v1/sessions', { email: org.user.email, password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });
}, { loginRateLimit: { max: 3, timeWindow: 60_000 } });
