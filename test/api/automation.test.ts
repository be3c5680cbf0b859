import { expect, it } from 'vitest';
import { explainDueScan } from '../../src/automation/store.ts';
import { OrgCache } from '../../src/automation/ruleIndex.ts';
import { handleEvent } from '../../src/automation/worker.ts';
import { eventsForSubject, findEvent } from '../../src/platform/outbox.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

const HOUR = 3600_000;

forEachDatabase('automation', (ctx) => {
  const drain = () => ctx.server.automation.drain();
  const addRule = async (api: Client, body: Record<string, unknown>) => {
    const res = await api.post('/api/v1/rules', { name: 'A rule', ...body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const postEvent = async (api: Client, body: Record<string, unknown>) => {
    const res = await api.post('/api/v1/events', { data: {}, ...body });
    expect(res.status, res.text).toBe(202);
    return res.body;
  };
  const tasksOf = async (org: Org, query = 'status=all') => (await org.api.get(`/api/v1/tasks?${query}&limit=200`)).body.items as any[];
  const runsOf = async (org: Org, query = '') => (await org.api.get(`/api/v1/automation/runs?limit=200${query}`)).body.items as any[];

  it('creates, reads, lists, changes (If-Match) and deletes rules, for managers and above', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const manager = await ctx.addUser(org, 'manager');
    const rule = await addRule(manager.api, { trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase {{data.number}}' }] });
    expect(rule).toMatchObject({ enabled: true, trigger: { event: 'invoice.overdue', where: [], delay: 'PT0S' }, playbook: null, createdById: manager.id, version: 1 });
    const read = await org.api.get(`/api/v1/rules/${rule.id}`);
    expect(read.headers.get('etag')).toBe('"1"');
    expect((await org.api.get('/api/v1/rules')).body.items.map((r: any) => r.id)).toEqual([rule.id]);
    expect((await member.api.get('/api/v1/rules')).status).toBe(403);
    expect((await member.api.post('/api/v1/rules', { name: 'x', trigger: { event: 'a.b' }, actions: [{ type: 'notify', to: 'assignee', message: 'm' }] })).status).toBe(403);
    const changed = await org.api.patch(`/api/v1/rules/${rule.id}`, { enabled: false }, { 'if-match': '"1"' });
    expect(changed.body).toMatchObject({ enabled: false, version: 2 });
    expect((await org.api.patch(`/api/v1/rules/${rule.id}`, { enabled: true }, { 'if-match': '"1"' })).status).toBe(412);
    const other = await ctx.signup('Other Co');
    expect((await other.api.get(`/api/v1/rules/${rule.id}`)).status).toBe(404);
    expect((await org.api.delete(`/api/v1/rules/${rule.id}`)).status).toBe(204);
    expect((await org.api.get(`/api/v1/rules/${rule.id}`)).status).toBe(404);
  });

  it('refuses an invalid rule with a 400 naming each bad field: unknown event, field, operator, action, strategy, team', async () => {
    const org = await ctx.signup();
    const res = await org.api.post('/api/v1/rules', {
      name: 'Bad',
      trigger: { event: 'task.exploded', where: [{ field: 'colour', op: 'eq', value: 1 }, { field: 'data.x', op: 'like', value: 1 }] },
      actions: [{ type: 'send_fax' }, { type: 'create_task', title: 'T', assign: { strategy: 'random' } }],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const paths = res.body.errors.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['trigger.event', 'trigger.where.0.field', 'trigger.where.1.op', 'actions.0.type', 'actions.1.assign.strategy']));
    expect(res.body.errors.find((e: any) => e.path === 'actions.0.type').message).toMatch(/unknown action "send_fax"/);
    const noTeam = await org.api.post('/api/v1/rules', { name: 'R', trigger: { event: 'lead.created' }, actions: [{ type: 'create_task', title: 'T', assign: { strategy: 'round_robin', teamId: 'nope' } }] });
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.errors).toEqual([{ path: 'actions.0.assign.teamId', message: 'no such team' }]);
  });

  it('turns an outside event into a task with its rule and event as source, and logs the run', async () => {
    const org = await ctx.signup();
    const tech = await ctx.addUser(org, 'member', 'Tess Tech');
    const rule = await addRule(org.api, {
      trigger: { event: 'invoice.overdue', where: [{ field: 'data.amount', op: 'gt', value: 100 }] },
      actions: [{ type: 'create_task', title: 'Chase invoice {{data.number}}', description: 'Owed: {{data.amount}}', priority: 'high', due: 'PT2H', businessHours: true, checklist: ['Send a reminder'], assign: { strategy: 'user', userId: tech.id } }],
    });
    await postEvent(org.api, { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-1' }, data: { number: 'INV-1', amount: 50 } });
    const big = await postEvent(org.api, { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-2' }, data: { number: 'INV-2', amount: 500 } });
    await drain();
    const [task] = await tasksOf(org);
    expect(task).toMatchObject({
      title: 'Chase invoice INV-2',
      description: 'Owed: 500',
      priority: 'high',
      assigneeId: tech.id,
      dueAt: new Date(ctx.clock.now() + 2 * HOUR).toISOString(),
      source: { kind: 'rule', ruleId: rule.id, eventId: big.id },
      createdById: 'automation',
    });
    expect(task.checklist.map((c: any) => c.text)).toEqual(['Send a reminder']);
    const runs = await runsOf(org, `&ruleId=${rule.id}`);
    // The small invoice missed the conditions: counted on the rule, not logged as a run.
    expect(runs.map((r: any) => [r.eventId, r.outcome])).toEqual([[big.id, 'success']]);
    expect((await org.api.get(`/api/v1/rules/${rule.id}`)).body.stats).toMatchObject({ evaluated: 2, matched: 1, missed: 1 });
    expect(runs[0].createdTaskIds).toEqual([task.id]);
  });

  it('fails the round instead of deciding a rule on a task it could not read, and decides it once the task reads again', async () => {
    const org = await ctx.signup();
    const rule = await addRule(org.api, {
      trigger: { event: 'task.updated', where: [{ field: 'record.priority', op: 'eq', value: 'urgent' }] },
      actions: [{ type: 'create_task', title: 'Check on {{record.title}}' }],
    });
    const task = await ctx.createTask(org.api, { title: 'Boiler', priority: 'urgent' });
    await drain();
    expect((await org.api.patch(`/api/v1/tasks/${task.id}`, { title: 'Boiler service' })).status).toBe(200);
    // The stored task cannot be read (its checklist is not JSON): that is a failure, not a task that is gone.
    const db = ctx.server.deps.db;
    await db.updateTable('tasks').set({ checklist: '{' }).where('id', '=', task.id).execute();
    await expect(drain()).rejects.toThrow(SyntaxError);
    expect((await org.api.get(`/api/v1/rules/${rule.id}`)).body.stats).toMatchObject({ evaluated: 0, missed: 0 });
    // Once it reads again, the failed event still waits out its claim: it is not tried again at once.
    await db.updateTable('tasks').set({ checklist: '[]' }).where('id', '=', task.id).execute();
    await drain();
    expect((await org.api.get(`/api/v1/rules/${rule.id}`)).body.stats).toMatchObject({ evaluated: 0, missed: 0 });
    // Once the claim has run out, the event is handled, and the rule decided on the real task.
    const started = ctx.clock.now();
    ctx.clock.advance(ctx.server.automation.options.claimMs + 1);
    await drain();
    // The tests after this one count from the file's start time.
    ctx.clock.set(started);
    expect((await org.api.get(`/api/v1/rules/${rule.id}`)).body.stats).toMatchObject({ evaluated: 1, matched: 1, missed: 0 });
    expect((await tasksOf(org)).map((t) => t.title)).toContain('Check on Boiler service');
  });

  it('is idempotent on the event id, and a re-delivered event changes nothing', async () => {
    const org = await ctx.signup();
    await addRule(org.api, { trigger: { event: 'call.missed' }, actions: [{ type: 'create_task', title: 'Call {{data.from}} back', allowDuplicates: true }] });
    const first = await postEvent(org.api, { id: 'call-42', type: 'call.missed', subject: { type: 'call', id: '42' }, data: { from: '+44 7700 900123' } });
    const again = await postEvent(org.api, { id: 'call-42', type: 'call.missed', subject: { type: 'call', id: '42' }, data: { from: 'someone else' } });
    expect(again).toEqual(first);
    await drain();
    expect((await tasksOf(org)).length).toBe(1);
    // The worker is handed the same event again (a claim that expired after the work was done).
    const event = (await findEvent(ctx.server.deps.db, org.id, 'call-42'))!;
    const cache = new OrgCache(ctx.server.deps);
    await handleEvent(ctx.server.deps, event, { options: ctx.server.automation.options, cache });
    await handleEvent(ctx.server.deps, event, { options: ctx.server.automation.options, cache });
    await drain();
    expect((await tasksOf(org)).length).toBe(1);
    expect((await runsOf(org)).length).toBe(1);
    const rival = await ctx.signup('Rival');
    // Ids are each organisation's own (test/api/event-ids.test.ts): another organisation's call-42 is its own event.
    expect((await rival.api.post('/api/v1/events', { id: 'call-42', type: 'call.missed', subject: { type: 'call', id: '1' } })).status).toBe(202);
    expect((await org.api.post('/api/v1/events', { type: 'task.completed', subject: { type: 'task', id: 'x' } })).body.errors[0].path).toBe('type');
  });

  it('keeps one open task per rule and record unless the rule allows more; a new one once it is closed', async () => {
    const org = await ctx.signup();
    const rule = await addRule(org.api, { trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase {{event.subject.id}}' }] });
    for (let i = 0; i < 3; i++) await postEvent(org.api, { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-7' } });
    await postEvent(org.api, { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-8' } });
    await drain();
    const open = await tasksOf(org, '');
    expect(open.map((t) => t.title).sort()).toEqual(['Chase inv-7', 'Chase inv-8']);
    expect((await runsOf(org, `&ruleId=${rule.id}&outcome=duplicate`)).length).toBe(2);
    await org.api.patch(`/api/v1/tasks/${open.find((t) => t.title === 'Chase inv-7').id}`, { status: 'done' });
    await postEvent(org.api, { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-7' } });
    await drain();
    expect((await tasksOf(org, '')).map((t) => t.title).sort()).toEqual(['Chase inv-7', 'Chase inv-8']);
    expect((await tasksOf(org)).length).toBe(3);
  });

  it('closes a task by itself when its cause is gone (resolveWhen), with the reason in its history', async () => {
    const org = await ctx.signup();
    await addRule(org.api, {
      name: 'Chase unpaid invoices',
      trigger: { event: 'invoice.overdue' },
      actions: [{ type: 'create_task', title: 'Chase', resolveWhen: { event: 'invoice.paid', where: [{ field: 'data.full', op: 'eq', value: true }] } }],
    });
    await postEvent(org.api, { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-1' } });
    await postEvent(org.api, { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-2' } });
    await drain();
    await postEvent(org.api, { type: 'invoice.paid', subject: { type: 'invoice', id: 'inv-1' }, data: { full: false } });
    await drain();
    expect((await tasksOf(org, '')).length).toBe(2);
    await postEvent(org.api, { type: 'invoice.paid', subject: { type: 'invoice', id: 'inv-1' }, data: { full: true } });
    await drain();
    const tasks = await tasksOf(org);
    const closed = tasks.filter((t) => t.status === 'done');
    expect(closed.length).toBe(1);
    const history = (await org.api.get(`/api/v1/tasks/${closed[0].id}/history`)).body.items;
    expect(history.at(-1)).toMatchObject({ field: 'reason', actorId: 'automation', to: 'No longer needed: invoice.paid (rule "Chase unpaid invoices")' });
  });

  it('chains: completing one task creates the next, linked to the same records', async () => {
    const org = await ctx.signup();
    const first = await addRule(org.api, { trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Send a reminder' }] });
    await addRule(org.api, {
      trigger: { event: 'task.completed', where: [{ field: 'record.source.ruleId', op: 'eq', value: first.id }] },
      actions: [{ type: 'create_task', title: 'Call about {{record.title}}', priority: 'urgent' }],
    });
    const client = (await org.api.post('/api/v1/clients', { name: 'Pat’s Bakery' })).body;
    const manual = await ctx.createTask(org.api, { title: 'Manual', links: [{ type: 'client', id: client.id }] });
    await postEvent(org.api, { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-1' } });
    await drain();
    const [reminder] = (await tasksOf(org)).filter((t) => t.title === 'Send a reminder');
    await org.api.patch(`/api/v1/tasks/${reminder.id}`, { status: 'done' });
    await org.api.patch(`/api/v1/tasks/${manual.id}`, { status: 'done' });
    await drain();
    const next = (await tasksOf(org)).filter((t) => t.title === 'Call about Send a reminder');
    expect(next).toHaveLength(1);
    expect(next[0].priority).toBe('urgent');
  });

  it('stops a rule cycle at the depth limit and shows it in the run log', async () => {
    const org = await ctx.signup();
    const rule = await addRule(org.api, { trigger: { event: 'task.created' }, actions: [{ type: 'create_task', title: 'Again', allowDuplicates: true }] });
    await ctx.createTask(org.api, { title: 'Seed' });
    await drain();
    const tasks = await tasksOf(org);
    expect(tasks.length).toBe(1 + 8);
    const stopped = await runsOf(org, `&ruleId=${rule.id}&outcome=stopped`);
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatchObject({ depth: 8, error: expect.stringMatching(/limit 8.*cycle/) });
  });

  it('opens a task when every task it is blocked by is done', async () => {
    const org = await ctx.signup();
    const a = await ctx.createTask(org.api, { title: 'Order parts' });
    const b = await ctx.createTask(org.api, { title: 'Get approval' });
    const c = await ctx.createTask(org.api, { title: 'Fit the parts', blockedBy: [a.id, b.id] });
    expect(c).toMatchObject({ status: 'blocked', blockedReason: `Waits for ${a.key}, ${b.key}`, blockedBy: [a.id, b.id] });
    const missing = await org.api.post('/api/v1/tasks', { title: 'x', blockedBy: ['nope'] });
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].path).toBe('blockedBy.0');
    await org.api.patch(`/api/v1/tasks/${a.id}`, { status: 'done' });
    await drain();
    expect((await org.api.get(`/api/v1/tasks/${c.id}`)).body.status).toBe('blocked');
    await org.api.patch(`/api/v1/tasks/${b.id}`, { status: 'done' });
    await drain();
    expect((await org.api.get(`/api/v1/tasks/${c.id}`)).body).toMatchObject({ status: 'open', blockedReason: null });
  });

  it('creates playbook-style steps: the later step blocked by the earlier, due counted from its due date in business hours', async () => {
    const org = await ctx.signup();
    await addRule(org.api, {
      trigger: { event: 'part.backordered' },
      actions: [
        { type: 'create_task', step: 'order', title: 'Order', due: 'PT4H', businessHours: true },
        { type: 'create_task', blockedBy: ['order'], title: 'Fit', due: 'PT8H', businessHours: true },
      ],
    });
    await postEvent(org.api, { type: 'part.backordered', subject: { type: 'part', id: 'p1' } });
    await drain();
    const tasks = await tasksOf(org);
    const order = tasks.find((t) => t.title === 'Order');
    const fit = tasks.find((t) => t.title === 'Fit');
    // Monday 09:00 + 4 business hours = 13:00; + 8 more = Tuesday 12:00 (08:00–17:00 London).
    expect(order.dueAt).toBe('2026-03-02T13:00:00.000Z');
    expect(fit).toMatchObject({ status: 'blocked', blockedBy: [order.id], dueAt: new Date(Date.parse(order.dueAt) + 23 * HOUR).toISOString() });
  });
});

forEachDatabase('automation over time', (ctx) => {
  const drain = () => ctx.server.automation.drain();
  const addRule = async (api: Client, body: Record<string, unknown>) => {
    const res = await api.post('/api/v1/rules', { name: 'A rule', ...body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const eventTypes = async (org: Org, taskId: string) => (await eventsForSubject(ctx.server.deps.db, org.id, { type: 'task', id: taskId })).map((e) => e.type);

  it('fires task.due_soon and task.overdue once each, on time, and acts on them', async () => {
    const org = await ctx.signup();
    await addRule(org.api, { trigger: { event: 'task.overdue' }, actions: [{ type: 'set_priority', priority: 'urgent' }, { type: 'notify', to: 'assignee', message: '{{record.key}} is overdue' }] });
    const task = await ctx.createTask(org.api, { title: 'Send the quote', dueAt: new Date(ctx.clock.now() + 2 * HOUR).toISOString(), assigneeId: org.user.id });
    await drain();
    ctx.clock.advance(HOUR - 1000);
    await drain();
    expect(await eventTypes(org, task.id)).not.toContain('task.due_soon');
    ctx.clock.advance(1000);
    await drain();
    expect((await eventTypes(org, task.id)).filter((t) => t === 'task.due_soon')).toHaveLength(1);
    ctx.clock.advance(HOUR);
    await drain();
    await org.api.patch(`/api/v1/tasks/${task.id}`, { title: 'Send the quote today' });
    ctx.clock.advance(HOUR);
    await drain();
    const types = await eventTypes(org, task.id);
    expect(types.filter((t) => t === 'task.overdue')).toHaveLength(1);
    expect(types.filter((t) => t === 'task.due_soon')).toHaveLength(1);
    expect((await org.api.get(`/api/v1/tasks/${task.id}`)).body.priority).toBe('urgent');
    expect((await org.api.get('/api/v1/automation/notices')).body.items.map((n: any) => n.message)).toEqual([`${task.key} is overdue`]);
  });

  it('escalates to the team manager after N hours overdue, only if it is still overdue', async () => {
    const org = await ctx.signup();
    const boss = await ctx.addUser(org, 'manager', 'Bea Boss');
    const tech = await ctx.addUser(org, 'member');
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [tech.id], managerId: boss.id })).body;
    await addRule(org.api, {
      trigger: { event: 'task.overdue', delay: 'PT4H', where: [{ field: 'record.overdue', op: 'eq', value: true }] },
      actions: [{ type: 'escalate', to: 'team_manager' }],
    });
    const due = new Date(ctx.clock.now() + HOUR).toISOString();
    const late = await ctx.createTask(org.api, { title: 'Late', dueAt: due, assigneeId: tech.id, teamId: team.id });
    const rescued = await ctx.createTask(org.api, { title: 'Rescued', dueAt: due, assigneeId: tech.id, teamId: team.id });
    await drain();
    ctx.clock.advance(HOUR + 1);
    await drain();
    await org.api.patch(`/api/v1/tasks/${rescued.id}`, { status: 'done' });
    ctx.clock.advance(4 * HOUR - 1000);
    await drain();
    expect((await org.api.get(`/api/v1/tasks/${late.id}`)).body.assigneeId).toBe(tech.id);
    ctx.clock.advance(1000);
    await drain();
    expect((await org.api.get(`/api/v1/tasks/${late.id}`)).body).toMatchObject({ assigneeId: boss.id, priority: 'high' });
    expect((await boss.api.get('/api/v1/automation/notices')).body.items[0].message).toMatch(/^Escalated to you: T-\d+ Late/);
    const runs = (await org.api.get('/api/v1/automation/runs?limit=50')).body.items;
    expect(runs.map((r: any) => [r.outcome, r.detail])).toEqual(expect.arrayContaining([['success', null], ['skipped', 'the conditions no longer hold']]));
    expect(runs).toHaveLength(2);
  });

  it('runs a delayed rule once, after its delay, and logs it as skipped if the rule was disabled meanwhile', async () => {
    const org = await ctx.signup();
    const later = await addRule(org.api, { trigger: { event: 'quote.sent', delay: 'PT2H' }, actions: [{ type: 'create_task', title: 'Follow up quote {{data.number}}' }] });
    const disabled = await addRule(org.api, { trigger: { event: 'quote.sent', delay: 'PT2H' }, actions: [{ type: 'create_task', title: 'Never' }] });
    await org.api.post('/api/v1/events', { type: 'quote.sent', subject: { type: 'quote', id: 'q1' }, data: { number: 'Q-1' } });
    await drain();
    const runs = async (ruleId: string) => (await org.api.get(`/api/v1/automation/runs?ruleId=${ruleId}`)).body.items;
    expect((await runs(later.id)).map((r: any) => r.outcome)).toEqual(['scheduled']);
    await org.api.patch(`/api/v1/rules/${disabled.id}`, { enabled: false });
    ctx.clock.advance(2 * HOUR - 1000);
    await drain();
    expect((await org.api.get('/api/v1/tasks')).body.items).toEqual([]);
    ctx.clock.advance(1000);
    await drain();
    await drain();
    expect((await org.api.get('/api/v1/tasks')).body.items.map((t: any) => t.title)).toEqual(['Follow up quote Q-1']);
    expect((await runs(later.id)).map((r: any) => r.outcome)).toEqual(['success']);
    expect((await runs(disabled.id)).map((r: any) => [r.outcome, r.detail])).toEqual([['skipped', 'the rule was disabled before it ran']]);
  });

  it('returns a waiting task to open on its waitingUntil, and pauses its SLA while it waits', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api, { title: 'Quote', dueAt: new Date(ctx.clock.now() + 4 * HOUR).toISOString() });
    expect(task.sla).toEqual({ dueAt: task.dueAt, remainingMs: 4 * HOUR, paused: false });
    ctx.clock.advance(HOUR);
    const waiting = await org.api.patch(`/api/v1/tasks/${task.id}`, { status: 'waiting', waitingOn: 'Customer photos', waitingUntil: new Date(ctx.clock.now() + 2 * HOUR).toISOString() });
    expect(waiting.body.sla).toMatchObject({ remainingMs: 3 * HOUR, paused: true });
    await drain();
    ctx.clock.advance(2 * HOUR - 1000);
    await drain();
    expect((await org.api.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'waiting', sla: { remainingMs: 3 * HOUR, paused: true } });
    ctx.clock.advance(1000);
    await drain();
    const back = (await org.api.get(`/api/v1/tasks/${task.id}`)).body;
    expect(back).toMatchObject({ status: 'open', waitingUntil: null, sla: { remainingMs: 3 * HOUR, paused: false } });
    expect(back.dueAt).toBe(new Date(Date.parse(task.dueAt) + 2 * HOUR).toISOString());
  });

  it('assigns round-robin fairly and least-loaded by weighted open work, skipping people who are away', async () => {
    const org = await ctx.signup();
    const [a, b, c] = [await ctx.addUser(org, 'member', 'A'), await ctx.addUser(org, 'member', 'B'), await ctx.addUser(org, 'member', 'C')];
    await org.api.patch(`/api/v1/users/${c.id}`, { timeOff: [{ from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', note: 'Sabbatical' }] });
    const team = (await org.api.post('/api/v1/teams', { name: 'Office', memberIds: [a.id, b.id, c.id] })).body;
    await addRule(org.api, { trigger: { event: 'web.enquiry' }, actions: [{ type: 'create_task', title: 'Call', allowDuplicates: true, assign: { strategy: 'round_robin', teamId: team.id } }] });
    for (let i = 0; i < 6; i++) await org.api.post('/api/v1/events', { type: 'web.enquiry', subject: { type: 'web', id: `w${i}` } });
    await drain();
    const tasks = (await org.api.get('/api/v1/tasks?limit=50')).body.items;
    const counts = new Map<string, number>();
    for (const t of tasks) counts.set(t.assigneeId, (counts.get(t.assigneeId) ?? 0) + 1);
    expect(counts.get(c.id)).toBeUndefined();
    expect([counts.get(a.id), counts.get(b.id)]).toEqual([3, 3]);
    expect(tasks.every((t: any) => t.teamId === team.id)).toBe(true);

    const load = await org.api.post('/api/v1/rules', { name: 'Least loaded', trigger: { event: 'web.emergency' }, actions: [{ type: 'create_task', title: 'Urgent', priority: 'urgent', allowDuplicates: true, assign: { strategy: 'least_loaded', teamId: team.id } }] });
    expect(load.status).toBe(201);
    await ctx.createTask(org.api, { title: 'Extra for A', assigneeId: a.id, priority: 'low' });
    await org.api.post('/api/v1/events', { type: 'web.emergency', subject: { type: 'web', id: 'u1' } });
    await drain();
    const urgent = (await org.api.get('/api/v1/tasks?limit=50&priority=urgent')).body.items;
    expect(urgent.map((t: any) => t.assigneeId)).toEqual([b.id]);
  });

  it('reads what is due from an index range: the plan never scans the timers', async () => {
    const plan = await explainDueScan(ctx.server.deps.db, ctx.clock.now());
    if (ctx.dialect === 'sqlite') expect(plan).toMatch(/SEARCH automation_timers USING INDEX automation_timers_due \(fire_at<\?\)/);
    else expect(plan).toMatch(/Index Scan using automation_timers_due on automation_timers/);
    expect(plan).not.toMatch(/SCAN automation_timers|Seq Scan/);
  });

  it('dry-runs a rule over the last days of events: what it would create, writing nothing', async () => {
    const org = await ctx.signup();
    const tech = await ctx.addUser(org, 'member');
    for (const id of ['old', 'a', 'b']) {
      const occurredAt = new Date(ctx.clock.now() - (id === 'old' ? 40 : 2) * 24 * HOUR).toISOString();
      await org.api.post('/api/v1/events', { type: 'review.received', subject: { type: 'review', id }, data: { stars: id === 'b' ? 2 : 5 }, occurredAt });
    }
    await drain();
    const rule = await addRule(org.api, {
      enabled: false,
      trigger: { event: 'review.received', where: [{ field: 'data.stars', op: 'lt', value: 3 }] },
      actions: [{ type: 'create_task', title: 'Call about a {{data.stars}}-star review', assign: { strategy: 'user', userId: tech.id } }],
    });
    const res = await org.api.post(`/api/v1/rules/${rule.id}/dry-run`, {});
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ days: 30, eventsConsidered: 2, wouldCreate: 1, wouldChange: 0 });
    expect(res.body.results.map((r: any) => r.outcome)).toEqual(['skipped', 'success']);
    expect(res.body.results[1].wouldCreate).toEqual([expect.objectContaining({ title: 'Call about a 2-star review', assigneeId: tech.id })]);
    expect((await org.api.post(`/api/v1/rules/${rule.id}/dry-run`, { days: 60 })).body.eventsConsidered).toBe(3);
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toEqual([]);
    expect((await org.api.get(`/api/v1/automation/runs?ruleId=${rule.id}`)).body.items).toEqual([]);
  });

  it('lists playbooks for four trades and installs one without duplicating rules', async () => {
    const org = await ctx.signup();
    const list = (await org.api.get('/api/v1/playbooks')).body.items;
    expect(list.map((p: any) => p.key)).toEqual(['cleaning', 'plumbing', 'hvac', 'electrical']);
    const first = await org.api.post('/api/v1/playbooks/hvac/install', {});
    expect(first.status, first.text).toBe(200);
    expect(first.body.installed.length).toBe(list.find((p: any) => p.key === 'hvac').rules.length);
    const review = first.body.installed.find((r: any) => r.playbook === 'hvac/documentation-review');
    const assessment = first.body.installed.find((r: any) => r.playbook === 'hvac/assessment-follow-up');
    expect(review.trigger.where[0]).toEqual({ field: 'record.source.ruleId', op: 'eq', value: assessment.id });
    const again = await org.api.post('/api/v1/playbooks/hvac/install', {});
    expect(again.body).toMatchObject({ installed: [], skipped: first.body.installed.length });
    expect((await org.api.get('/api/v1/rules?limit=100')).body.items.length).toBe(first.body.installed.length);
    expect((await org.api.post('/api/v1/playbooks/roofing/install', {})).status).toBe(404);
  });
});
