import { expect, it } from 'vitest';
import { eventsForSubject } from '../../src/platform/outbox.ts';
import { forEachDatabase } from '../support/harness.ts';

forEachDatabase('tasks API', (ctx) => {
  it('creates a task with every field and numbers it T-1, T-2… per organisation', async () => {
    const org = await ctx.signup();
    const other = await ctx.signup('Other Co');
    const tech = await ctx.addUser(org, 'member', 'Tom Tech');
    const lead = await ctx.createRecord(org.api, 'leads', { title: 'Boiler service for Dana' });
    const first = await ctx.createTask(org.api, {
      title: 'Call Dana back',
      description: 'She asked about **boiler** service',
      priority: 'high',
      dueAt: '2026-03-02T15:00:00+01:00',
      assigneeId: tech.id,
      links: [{ type: 'lead', id: lead.id }],
      checklist: ['Confirm the address', { text: 'Offer a slot', done: true }],
    });
    expect(first).toMatchObject({
      key: 'T-1',
      title: 'Call Dana back',
      status: 'open',
      overdue: false,
      priority: 'high',
      dueAt: '2026-03-02T14:00:00.000Z',
      assigneeId: tech.id,
      teamId: null,
      links: [{ type: 'lead', id: lead.id, name: 'Boiler service for Dana', archived: false }],
      source: { kind: 'manual' },
      createdById: org.user.id,
      completedAt: null,
      version: 1,
    });
    expect(first.checklist).toEqual([
      { id: expect.any(String), text: 'Confirm the address', done: false },
      { id: expect.any(String), text: 'Offer a slot', done: true },
    ]);
    expect((await ctx.createTask(org.api)).key).toBe('T-2');
    expect((await ctx.createTask(other.api)).key).toBe('T-1');
  });

  it('gives a task its creator as owner unless it names someone, a team, or explicitly nobody; team=none finds the unowned', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [member.id] })).body;
    const mine = await ctx.createTask(member.api, { title: 'Call Dana tomorrow' });
    expect(mine).toMatchObject({ assigneeId: member.id, teamId: null, createdById: member.id });
    const history = (await member.api.get(`/api/v1/tasks/${mine.key}/history`)).body.items;
    expect(history.find((h: { field: string }) => h.field === 'assigneeId')).toMatchObject({ from: null, to: member.id, actorId: member.id });
    expect((await member.api.get('/api/v1/tasks?assignee=me')).body.items.map((t: { key: string }) => t.key)).toEqual([mine.key]);
    expect(await ctx.createTask(org.api, { assigneeId: null })).toMatchObject({ assigneeId: null, teamId: null });
    expect(await ctx.createTask(org.api, { teamId: team.id })).toMatchObject({ assigneeId: null, teamId: team.id });
    expect(await ctx.createTask(org.api, { assigneeId: member.id })).toMatchObject({ assigneeId: member.id });
    const noPerson = (await org.api.get('/api/v1/tasks?assignee=none')).body.items;
    expect(noPerson.map((t: { teamId: string | null }) => t.teamId).sort()).toEqual([null, team.id].sort());
    // The unassigned queue: no person and no team.
    const queue = await org.api.get('/api/v1/tasks?assignee=none&team=none');
    expect(queue.body.items.map((t: { assigneeId: string | null; teamId: string | null }) => [t.assigneeId, t.teamId])).toEqual([[null, null]]);
    expect((await org.api.get('/api/v1/tasks/counts?assignee=none&team=none')).body.total).toBe(1);
  });

  it('reads a task by id or by key, with an ETag of its version', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api);
    const byId = await org.api.get(`/api/v1/tasks/${task.id}`);
    const byKey = await org.api.get(`/api/v1/tasks/${task.key}`);
    expect(byId.status).toBe(200);
    expect(byKey.body).toEqual(byId.body);
    expect(byId.headers.get('etag')).toBe('"1"');
  });

  it('lists every invalid field of a create in one 400', async () => {
    const org = await ctx.signup();
    const res = await org.api.post('/api/v1/tasks', { title: '', priority: 'asap', dueAt: 'tomorrow', status: 'doing', links: [{ type: 'invoice', id: 'x' }], colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['colour', 'dueAt', 'links.0.type', 'priority', 'status', 'title']);
  });

  it('requires a reason on entering waiting or blocked, and clears it on leaving', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api);
    const noReason = await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'waiting' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([{ path: 'waitingOn', message: 'is required when the status is waiting' }]);
    const waiting = await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'waiting', waitingOn: 'Customer to send photos' });
    expect(waiting.body).toMatchObject({ status: 'waiting', waitingOn: 'Customer to send photos', version: 2 });
    const blocked = await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'blocked' });
    expect(blocked.body.errors[0].path).toBe('blockedReason');
    const moved = await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'blocked', blockedReason: 'Part on back-order' });
    expect(moved.body).toMatchObject({ status: 'blocked', waitingOn: null, blockedReason: 'Part on back-order' });
  });

  it('completes, then reopens only to open, and records completedAt', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api);
    const done = await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'done' });
    expect(done.body.completedAt).toBe(new Date(ctx.clock.now()).toISOString());
    const sideways = await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'in_progress' });
    expect(sideways.status).toBe(409);
    const reopened = await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'open' });
    expect(reopened.body).toMatchObject({ status: 'open', completedAt: null });
  });

  it('derives overdue from the clock, never stores it, and filters by it', async () => {
    const org = await ctx.signup();
    const soon = await ctx.createTask(org.api, { title: 'Soon', dueAt: new Date(ctx.clock.now() + 3600_000).toISOString() });
    await ctx.createTask(org.api, { title: 'No date' });
    expect(soon.overdue).toBe(false);
    expect((await org.api.get('/api/v1/tasks?overdue=true')).body.items).toEqual([]);
    ctx.clock.advance(2 * 3600_000);
    try {
      const overdue = await org.api.get('/api/v1/tasks?overdue=true');
      expect(overdue.body.items.map((t: { title: string }) => t.title)).toEqual(['Soon']);
      expect(overdue.body.items[0].overdue).toBe(true);
      await org.api.patch(`/api/v1/tasks/${soon.key}`, { status: 'done' });
      expect((await org.api.get(`/api/v1/tasks/${soon.key}`)).body.overdue).toBe(false);
    } finally {
      ctx.clock.advance(-2 * 3600_000);
    }
  });

  it('keeps the history of status, assignee, team, due date and priority: who, when, from, to', async () => {
    const org = await ctx.signup();
    const tech = await ctx.addUser(org, 'member');
    const task = await ctx.createTask(org.api, { priority: 'low', assigneeId: null });
    await org.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: tech.id, priority: 'urgent', dueAt: '2026-03-05T10:00:00Z', title: 'Renamed' });
    await tech.api.patch(`/api/v1/tasks/${task.key}`, { status: 'in_progress' });
    const history = (await org.api.get(`/api/v1/tasks/${task.key}/history`)).body.items;
    const changes = history.map((h: any) => [h.field, h.from, h.to, h.actorId === tech.id ? 'tech' : 'owner']);
    expect(changes).toEqual([
      ['status', null, 'open', 'owner'],
      ['priority', null, 'low', 'owner'],
      ['assigneeId', null, tech.id, 'owner'],
      ['dueAt', null, '2026-03-05T10:00:00.000Z', 'owner'],
      ['priority', 'low', 'urgent', 'owner'],
      ['status', 'open', 'in_progress', 'tech'],
    ]);
    expect(history[0].at).toBe(new Date(ctx.clock.now()).toISOString());
  });

  it('appends typed domain events in the same transaction as the change', async () => {
    const org = await ctx.signup();
    const tech = await ctx.addUser(org, 'member');
    const task = await ctx.createTask(org.api, { assigneeId: null });
    await org.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: tech.id });
    await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'done' });
    const invalid = await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'blocked' });
    expect(invalid.status).toBe(409);
    const events = await eventsForSubject(ctx.server.deps.db, org.id, { type: 'task', id: task.id });
    expect(events.map((e) => e.type)).toEqual([
      'task.created',
      'task.assigned',
      'task.updated',
      'task.status_changed',
      'task.completed',
      'task.updated',
    ]);
    expect(events[1]!.data).toEqual({ fromAssigneeId: null, toAssigneeId: tech.id, fromTeamId: null, toTeamId: null });
    expect(events[3]!.data).toEqual({ key: task.key, from: 'open', to: 'done' });
    expect(events.every((e) => e.actorId === org.user.id && e.orgId === org.id)).toBe(true);
  });

  it('refuses a stale If-Match with 412 and the current ETag', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api);
    const first = await org.api.patch(`/api/v1/tasks/${task.key}`, { title: 'Mine' }, { 'if-match': '"1"' });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    const stale = await org.api.patch(`/api/v1/tasks/${task.key}`, { title: 'Theirs' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe('"2"');
    expect((await org.api.get(`/api/v1/tasks/${task.key}`)).body.title).toBe('Mine');
    const staleDelete = await org.api.delete(`/api/v1/tasks/${task.key}`, { 'if-match': '"1"' });
    expect(staleDelete.status).toBe(412);
    const badHeader = await org.api.patch(`/api/v1/tasks/${task.key}`, { title: 'x' }, { 'if-match': 'yesterday' });
    expect(badHeader.status).toBe(400);
    expect(badHeader.body.errors[0].path).toBe('If-Match');
  });

  it('replays an Idempotency-Key with the same body and refuses it with another', async () => {
    const org = await ctx.signup();
    const headers = { 'idempotency-key': 'create-call-dana' };
    const first = await org.api.post('/api/v1/tasks', { title: 'Call Dana' }, headers);
    const again = await org.api.post('/api/v1/tasks', { title: 'Call Dana' }, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const different = await org.api.post('/api/v1/tasks', { title: 'Call Sam' }, headers);
    expect(different.status).toBe(409);
    const list = await org.api.get('/api/v1/tasks');
    expect(list.body.items).toHaveLength(1);
  });

  it('deletes a task (creator or manager), and a member may not delete another’s', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const owners = await ctx.createTask(org.api);
    const mine = await ctx.createTask(member.api);
    expect((await member.api.delete(`/api/v1/tasks/${owners.key}`)).status).toBe(403);
    expect((await member.api.delete(`/api/v1/tasks/${mine.key}`)).status).toBe(204);
    expect((await org.api.delete(`/api/v1/tasks/${owners.key}`)).status).toBe(204);
    expect((await org.api.get(`/api/v1/tasks/${owners.key}`)).status).toBe(404);
  });

  it('lets a member take or give up a task but only a manager assign someone else', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const colleague = await ctx.addUser(org, 'member');
    const manager = await ctx.addUser(org, 'manager');
    const task = await ctx.createTask(org.api);
    expect((await member.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: colleague.id })).status).toBe(403);
    expect((await member.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: member.id })).status).toBe(200);
    expect((await member.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: null })).status).toBe(200);
    expect((await manager.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: colleague.id })).status).toBe(200);
    await manager.api.patch(`/api/v1/tasks/${task.key}`, { status: 'done' });
    expect((await member.api.patch(`/api/v1/tasks/${task.key}`, { status: 'open' })).status).toBe(403);
    expect((await colleague.api.patch(`/api/v1/tasks/${task.key}`, { status: 'open' })).status).toBe(200);
  });

  it('never shows another organisation’s task: read, change, delete, history, comment and assign all say 404', async () => {
    const org = await ctx.signup();
    const rival = await ctx.signup('Rival Plumbing');
    const rivalUser = await ctx.addUser(rival, 'member');
    const task = await ctx.createTask(org.api);
    for (const path of [`/api/v1/tasks/${task.id}`, `/api/v1/tasks/${task.key}`, `/api/v1/tasks/${task.id}/history`, `/api/v1/tasks/${task.id}/comments`]) {
      expect((await rival.api.get(path)).status, path).toBe(404);
    }
    expect((await rival.api.patch(`/api/v1/tasks/${task.id}`, { title: 'Mine now' })).status).toBe(404);
    expect((await rival.api.delete(`/api/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await rival.api.post(`/api/v1/tasks/${task.id}/comments`, { body: 'hi' })).status).toBe(404);
    expect((await rival.api.post('/api/v1/tasks/bulk', { ids: [task.id], set: { priority: 'low' } })).status).toBe(404);
    const assignAcross = await org.api.patch(`/api/v1/tasks/${task.id}`, { assigneeId: rivalUser.id });
    expect(assignAcross.status).toBe(404);
    expect(assignAcross.body.errors).toEqual([{ path: 'assigneeId', message: 'no such user' }]);
    expect((await rival.api.get('/api/v1/tasks?status=all')).body.items).toEqual([]);
    expect((await org.api.get(`/api/v1/tasks/${task.id}`)).body.title).toBe(task.title);
  });

  it('comments on a task, oldest first', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api);
    const empty = await org.api.post(`/api/v1/tasks/${task.key}/comments`, { body: '  ' });
    expect(empty.status).toBe(400);
    await org.api.post(`/api/v1/tasks/${task.key}/comments`, { body: 'Left a voicemail' });
    await org.api.post(`/api/v1/tasks/${task.key}/comments`, { body: 'She called back' });
    const comments = (await org.api.get(`/api/v1/tasks/${task.key}/comments`)).body.items;
    expect(comments.map((c: { body: string }) => c.body)).toEqual(['Left a voicemail', 'She called back']);
    expect(comments[0].authorId).toBe(org.user.id);
  });
});
