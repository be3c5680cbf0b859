import { expect, it } from 'vitest';
import { forEachDatabase, type Org } from '../support/harness.ts';

forEachDatabase('recurring tasks and maintenance plans', (ctx) => {
  const drain = () => ctx.server.automation.drain();
  const allTasks = async (org: Org, status = 'all') => (await org.api.get(`/api/v1/tasks?status=${status}&limit=200`)).body.items as any[];
  const complete = async (org: Org, key: string) => {
    const res = await org.api.patch(`/api/v1/tasks/${key}`, { status: 'done' });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  it('makes exactly one next occurrence when a repeating task is done, with the same work and the next due date', async () => {
    const org = await ctx.signup();
    const tech = await ctx.addUser(org, 'member');
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [tech.id] })).body;
    const client = await ctx.createRecord(org.api, 'clients');
    // Monday 2 March 2026, 09:00 in London; every Monday.
    const first = await ctx.createTask(org.api, {
      title: 'Check the van',
      description: 'Tyres, oil, stock',
      priority: 'high',
      dueAt: '2026-03-02T09:00:00Z',
      assigneeId: tech.id,
      teamId: team.id,
      links: [{ type: 'client', id: client.id }],
      checklist: ['Tyres', { text: 'Oil', done: true }],
      recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=MO',
    });
    expect(first).toMatchObject({ recurrence: 'FREQ=WEEKLY;BYDAY=MO', series: { id: first.id, previousTaskId: null, nextDueAt: '2026-03-09T09:00:00.000Z' } });

    // The assignee (a member) completes it.
    const done = await complete(tech as unknown as Org, first.key);
    expect(done.status).toBe('done');
    const tasks = await allTasks(org);
    expect(tasks).toHaveLength(2);
    const next = tasks.find((t) => t.id !== first.id);
    expect(next).toMatchObject({
      title: 'Check the van',
      description: 'Tyres, oil, stock',
      priority: 'high',
      status: 'open',
      dueAt: '2026-03-09T09:00:00.000Z',
      assigneeId: tech.id,
      teamId: team.id,
      recurrence: 'FREQ=WEEKLY;BYDAY=MO',
      source: { kind: 'recurrence', previousTaskId: first.id },
      series: { id: first.id, previousTaskId: first.id, nextDueAt: '2026-03-16T09:00:00.000Z' },
    });
    expect(next.links.map((l: any) => l.id)).toEqual([client.id]);
    for (const listed of tasks) expect(listed).toEqual((await org.api.get(`/api/v1/tasks/${listed.id}`)).body);
    expect(next.checklist.map((i: any) => [i.text, i.done])).toEqual([['Tyres', false], ['Oil', false]]);
    const history = (await org.api.get(`/api/v1/tasks/${next.key}/history`)).body.items;
    expect(history.map((h: any) => h.field)).toContain('status');

    // Reopen and complete again: still one next occurrence.
    expect((await org.api.patch(`/api/v1/tasks/${first.key}`, { status: 'open' })).status).toBe(200);
    await complete(org, first.key);
    expect(await allTasks(org)).toHaveLength(2);

    // The new one announced itself like any task.
    await drain();
    const created = (await org.api.get(`/api/v1/tasks/${next.key}`)).body;
    expect(created.id).toBe(next.id);
  });

  it('keeps 09:00 local across the clocks going forward, and stops when the rule has no occurrence left', async () => {
    const org = await ctx.signup();
    // Monday 23 March 09:00 GMT; British summer time starts on the 29th.
    const first = await ctx.createTask(org.api, { title: 'Weekly safety check', dueAt: '2026-03-23T09:00:00Z', recurrence: 'FREQ=WEEKLY;COUNT=2' });
    await complete(org, first.key);
    const second = (await allTasks(org, 'open'))[0];
    expect(second.dueAt).toBe('2026-03-30T08:00:00.000Z');
    // COUNT=2 is reached: allowed, and said so.
    expect(second.series.nextDueAt).toBeNull();
    await complete(org, second.key);
    expect(await allTasks(org, 'open')).toEqual([]);
  });

  it('makes no next occurrence when a repeating task is cancelled, or once its rule is removed', async () => {
    const org = await ctx.signup();
    const cancelled = await ctx.createTask(org.api, { title: 'Stock take', dueAt: '2026-03-02T17:00:00Z', recurrence: 'FREQ=DAILY' });
    expect((await org.api.patch(`/api/v1/tasks/${cancelled.key}`, { status: 'cancelled' })).status).toBe(200);
    const stopped = await ctx.createTask(org.api, { title: 'Water the plants', dueAt: '2026-03-02T17:00:00Z', recurrence: 'FREQ=DAILY' });
    const cleared = await org.api.patch(`/api/v1/tasks/${stopped.key}`, { recurrence: null });
    expect(cleared.body).toMatchObject({ recurrence: null, series: null });
    await complete(org, stopped.key);
    expect(await allTasks(org)).toHaveLength(2);
    // The list shows each task as reading it alone does: no place in a series once its rule is gone.
    for (const listed of await allTasks(org)) expect(listed).toEqual((await org.api.get(`/api/v1/tasks/${listed.id}`)).body);
  });

  it('starts repeating when a rule is set later, from the task’s due date', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api, { title: 'Invoice run', dueAt: '2026-01-31T10:00:00Z' });
    const set = await org.api.patch(`/api/v1/tasks/${task.key}`, { recurrence: 'FREQ=MONTHLY;BYMONTHDAY=-1' });
    expect(set.status, set.text).toBe(200);
    expect(set.body.series).toEqual({ id: task.id, previousTaskId: null, nextDueAt: '2026-02-28T10:00:00.000Z' });
    await complete(org, task.key);
    expect((await allTasks(org, 'open'))[0].dueAt).toBe('2026-02-28T10:00:00.000Z');
  });

  it('refuses a rule that never occurs with a 400 naming recurrence, on create and on change, at once', async () => {
    const org = await ctx.signup();
    const never = [
      'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31;BYHOUR=1,2,3,4,5,6,7,8,9,10,11,12',
      'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
      'FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31',
      'FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=31;COUNT=3',
      'FREQ=MONTHLY;BYMONTH=6;BYMONTHDAY=31;UNTIL=20990101',
    ];
    for (const recurrence of never) {
      const res = await org.api.post('/api/v1/tasks', { title: 'rr', dueAt: '2030-01-01T09:00:00Z', recurrence });
      expect(res.status, recurrence).toBe(400);
      expect(res.body.errors.map((e: any) => e.path), recurrence).toEqual(['recurrence']);
    }
    const task = await ctx.createTask(org.api, { dueAt: '2030-01-01T09:00:00Z' });
    const changed = await org.api.patch(`/api/v1/tasks/${task.id}`, { recurrence: never[0] });
    expect(changed.status).toBe(400);
    expect(changed.body.errors[0].path).toBe('recurrence');
    // Rare but real rules still go through: 29 February, and once a decade.
    for (const recurrence of ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', 'FREQ=YEARLY;INTERVAL=10']) {
      expect((await org.api.post('/api/v1/tasks', { title: 'rare', dueAt: '2030-01-01T09:00:00Z', recurrence })).status, recurrence).toBe(201);
    }
  });

  it('refuses a rule that is not an RRULE with a 400 naming recurrence', async () => {
    const org = await ctx.signup();
    for (const recurrence of ['every monday', 'FREQ=FORTNIGHTLY', 'FREQ=DAILY;COUNT=0', 42]) {
      const res = await org.api.post('/api/v1/tasks', { title: 'Bad rule', recurrence });
      expect(res.status, String(recurrence)).toBe(400);
      expect(res.body.errors.map((e: any) => e.path)).toContain('recurrence');
    }
    const task = await ctx.createTask(org.api, { title: 'Fine' });
    const res = await org.api.patch(`/api/v1/tasks/${task.key}`, { recurrence: 'FREQ=WEEKLY;BYDAY=XX' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('recurrence');
  });
  it('makes a service plan’s task once, lead time before the due date, and moves the date on when it is done', async () => {
    const signedUp = await ctx.signup();
    // Time moves on by a year here: an API token outlives the sessions.
    const token = (await signedUp.api.post('/api/v1/tokens', { name: 'Plan test' })).body.token;
    const org = { ...signedUp, api: ctx.client(token) };
    const tech = await ctx.addUser(org, 'member');
    const client = await ctx.createRecord(org.api, 'clients');
    // Due 1 April 2026 at 10:00 London time (BST): its task is made 14 days before, 18 March 10:00 GMT.
    const service = await ctx.createRecord(org.api, 'services', { title: 'Annual boiler service', kind: 'maintenance_plan', clientId: client.id, nextDueAt: '2026-04-01T09:00:00Z' });
    const put = (body: unknown) => org.api.request('PUT', `/api/v1/services/${service.id}/plan`, { body });
    const set = await put({ recurrence: 'FREQ=YEARLY', assigneeId: tech.id });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ serviceId: service.id, recurrence: 'FREQ=YEARLY', taskLeadTime: 'P14D', taskTitle: 'Maintenance plan: Annual boiler service', nextDueAt: '2026-04-01T09:00:00.000Z', nextTaskAt: '2026-03-18T10:00:00.000Z', lastTaskId: null });
    expect((await org.api.get(`/api/v1/services/${service.id}/plan`)).body).toEqual(set.body);

    await drain();
    ctx.clock.set(Date.parse('2026-03-18T09:59:00Z'));
    await drain();
    expect(await allTasks(org)).toEqual([]);

    ctx.clock.set(Date.parse('2026-03-18T10:00:01Z'));
    await drain();
    await drain();
    const made = await allTasks(org);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ title: 'Maintenance plan: Annual boiler service', dueAt: '2026-04-01T09:00:00.000Z', assigneeId: tech.id, status: 'open', source: { kind: 'recurrence' } });
    expect(made[0].links.map((l: any) => `${l.type}:${l.id}`)).toEqual([`service:${service.id}`, `client:${client.id}`]);

    // Setting the same plan again (or a drain later) makes no second task for that date.
    expect((await put({ recurrence: 'FREQ=YEARLY', assigneeId: tech.id })).status).toBe(200);
    await drain();
    expect(await allTasks(org)).toHaveLength(1);

    await complete(org, made[0].key);
    await drain();
    expect((await org.api.get(`/api/v1/services/${service.id}`)).body.nextDueAt).toBe('2027-04-01T09:00:00.000Z');
    // Reopened and completed again, the date does not move twice.
    await org.api.patch(`/api/v1/tasks/${made[0].key}`, { status: 'open' });
    await complete(org, made[0].key);
    await drain();
    expect((await org.api.get(`/api/v1/services/${service.id}`)).body.nextDueAt).toBe('2027-04-01T09:00:00.000Z');
    const plan = (await org.api.get(`/api/v1/services/${service.id}/plan`)).body;
    expect(plan).toMatchObject({ nextDueAt: '2027-04-01T09:00:00.000Z', nextTaskAt: '2027-03-18T10:00:00.000Z', lastTaskId: made[0].id });

    // The next year's task appears in time.
    ctx.clock.set(Date.parse('2027-03-18T10:00:01Z'));
    await drain();
    await drain();
    expect((await allTasks(org, 'open')).map((t) => t.dueAt)).toEqual(['2027-04-01T09:00:00.000Z']);
  });

  it('refuses a plan without a rule or a due date to start from, and answers 404 for another organisation’s service', async () => {
    const org = await ctx.signup();
    const undated = await ctx.createRecord(org.api, 'services', { title: 'Gutter clean' });
    const put = (id: string, body: unknown, api = org.api) => api.request('PUT', `/api/v1/services/${id}/plan`, { body });
    const noDate = await put(undated.id, { recurrence: 'FREQ=YEARLY' });
    expect(noDate.status).toBe(400);
    expect(noDate.body.errors[0].path).toBe('recurrence');
    const dated = await ctx.createRecord(org.api, 'services', { title: 'Gutter clean', nextDueAt: '2026-06-01T09:00:00Z' });
    const bad = await put(dated.id, { recurrence: 'yearly', taskLeadTime: '2 weeks' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['recurrence', 'taskLeadTime']);
    expect((await org.api.get(`/api/v1/services/${dated.id}/plan`)).status).toBe(404);
    const rival = await ctx.signup('Rival Co');
    expect((await put(dated.id, { recurrence: 'FREQ=YEARLY' }, rival.api)).status).toBe(404);
    expect((await put(dated.id, { recurrence: 'FREQ=YEARLY' })).status).toBe(200);
    expect((await org.api.delete(`/api/v1/services/${dated.id}/plan`)).status).toBe(204);
    expect((await org.api.get(`/api/v1/services/${dated.id}/plan`)).status).toBe(404);
  });
});
