// In-app notifications: who is told what, exactly once, as they chose; and
// each person reads and marks only their own.
import { expect, it } from 'vitest';
import { notificationConsumer } from '../../src/notifications/consumer.ts';
import { notifyIn } from '../../src/notifications/service.ts';
import { eventsForSubject } from '../../src/platform/outbox.ts';
import { forEachDatabase, type Member, type Org, type TestContext } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

const HOUR = 3600_000;

async function inbox(api: Client, query = ''): Promise<any[]> {
  const res = await api.get(`/api/v1/notifications${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

async function unread(api: Client): Promise<number> {
  const res = await api.get('/api/v1/notifications/unread-count');
  expect(res.status, res.text).toBe(200);
  return res.body.unread;
}

function savePreferences(api: Client, body: unknown) {
  return api.request('PUT', '/api/v1/notifications/preferences', { body });
}

async function team(ctx: TestContext): Promise<{ org: Org; dana: Member; sam: Member }> {
  const org = await ctx.signup();
  const dana = await ctx.addUser(org, 'member', 'Dana Reyes');
  const sam = await ctx.addUser(org, 'member', 'Sam Okafor');
  return { org, dana, sam };
}

forEachDatabase('notifications', (ctx) => {
  const drain = () => ctx.server.automation.drain();

  it('tells a person once when someone else assigns them a task, never when they take it themselves', async () => {
    const { org, dana } = await team(ctx);
    const task = await ctx.createTask(org.api, { title: 'Fix the boiler', assigneeId: dana.id });
    await ctx.createTask(dana.api, { title: 'My own errand', assigneeId: dana.id });
    await drain();
    await drain();
    const items = await inbox(dana.api);
    expect(items.map((n) => [n.kind, n.message, n.taskId, n.taskKey, n.actorId])).toEqual([['assigned', `Olive Owner assigned you ${task.key} Fix the boiler`, task.id, task.key, org.user.id]]);
    expect(await unread(dana.api)).toBe(1);
    expect(await inbox(org.api)).toEqual([]);
  });

  it('tells the people a comment mentions by first name, full name or email name, never its author', async () => {
    const { org, dana, sam } = await team(ctx);
    const task = await ctx.createTask(org.api, { title: 'Quote the bathroom' });
    const samHandle = sam.user.email.split('@')[0];
    const body = `@dana and @SamOkafor please look; cc @olive, @${samHandle}, @nobody and mail me at x@example.test`;
    expect((await dana.api.post(`/api/v1/tasks/${task.id}/comments`, { body: '@Dana note to self' })).status).toBe(201);
    expect((await org.api.post(`/api/v1/tasks/${task.id}/comments`, { body })).status).toBe(201);
    await drain();
    const danas = await inbox(dana.api);
    expect(danas.map((n) => n.kind)).toEqual(['mentioned']);
    expect(danas[0].message).toContain(`Olive Owner mentioned you on ${task.key}`);
    expect((await inbox(sam.api)).map((n) => n.kind)).toEqual(['mentioned']);
    expect(await inbox(org.api)).toEqual([]);
  });

  it('appends notification.created only for a notification that is new, told twice in one transaction', async () => {
    const { org, dana } = await team(ctx);
    const notice = { orgId: org.id, userId: dana.id, kind: 'assigned' as const, sourceKey: 'told-twice', task: null, actorId: null, message: 'Told twice' };
    const ids = await ctx.server.deps.db.transaction().execute(async (trx) => [await notifyIn(trx, notice, 1_000), await notifyIn(trx, notice, 2_000)]);
    expect(ids[0]).toEqual(expect.any(String));
    expect(ids[1]).toBeNull();
    const created = (await eventsForSubject(ctx.server.deps.db, org.id, { type: 'user', id: dana.id })).filter((event) => event.type === 'notification.created');
    expect(created.map((event) => event.data.notificationId)).toEqual([ids[0]]);
  });

  it('tells the assignee when their task is due soon and when it is overdue, once each', async () => {
    const { org, dana } = await team(ctx);
    const task = await ctx.createTask(org.api, { title: 'Send the quote', dueAt: new Date(ctx.clock.now() + 2 * HOUR).toISOString(), assigneeId: dana.id });
    await drain();
    ctx.clock.advance(HOUR);
    await drain();
    ctx.clock.advance(2 * HOUR);
    await drain();
    await drain();
    const kinds = (await inbox(dana.api)).map((n) => [n.kind, n.message]);
    expect(kinds).toEqual([
      ['overdue', `${task.key} Send the quote is overdue`],
      ['due_soon', `${task.key} Send the quote is due soon`],
      ['assigned', `Olive Owner assigned you ${task.key} Send the quote`],
    ]);
  });

  it('resolves overdue and due-soon notices once the task is completed, handed to someone else or rescheduled, and they leave the unread count', async () => {
    const { org, dana, sam } = await team(ctx);
    const due = new Date(ctx.clock.now() + 2 * HOUR).toISOString();
    const done = await ctx.createTask(org.api, { title: 'Send the quote', dueAt: due, assigneeId: dana.id });
    const handed = await ctx.createTask(org.api, { title: 'Order the valve', dueAt: due, assigneeId: dana.id });
    const moved = await ctx.createTask(org.api, { title: 'Book the scaffold', dueAt: due, assigneeId: dana.id });
    const stays = await ctx.createTask(org.api, { title: 'Call the landlord', dueAt: due, assigneeId: dana.id });
    await drain();
    ctx.clock.advance(HOUR);
    await drain();
    ctx.clock.advance(2 * HOUR);
    await drain();
    await drain();
    const deadlines = async () => (await inbox(dana.api)).filter((n) => n.kind === 'overdue' || n.kind === 'due_soon');
    expect((await deadlines()).map((n) => [n.taskKey, n.kind, n.resolvedAt, n.resolution])).toHaveLength(8);
    expect((await deadlines()).every((n) => n.resolvedAt === null && n.readAt === null)).toBe(true);
    // Dana read the overdue notice of one task, not the other notices.
    const readOne = (await deadlines()).find((n) => n.taskKey === handed.key && n.kind === 'overdue');
    await dana.api.post(`/api/v1/notifications/${readOne.id}/read`);
    expect(await unread(dana.api)).toBe(4 + 8 - 1);

    expect((await dana.api.patch(`/api/v1/tasks/${done.key}`, { status: 'done' })).status).toBe(200);
    expect((await org.api.patch(`/api/v1/tasks/${handed.key}`, { assigneeId: sam.id })).status).toBe(200);
    expect((await org.api.patch(`/api/v1/tasks/${moved.key}`, { dueAt: new Date(ctx.clock.now() + 24 * HOUR).toISOString() })).status).toBe(200);
    expect((await org.api.patch(`/api/v1/tasks/${stays.key}`, { title: 'Call the landlord today', dueAt: due })).status).toBe(200);
    await drain();
    await drain();

    const byTask = new Map<string, string[]>();
    for (const n of await deadlines()) byTask.set(n.taskKey, [...(byTask.get(n.taskKey) ?? []), `${n.kind}:${n.resolution}`]);
    expect(byTask.get(done.key)!.sort()).toEqual(['due_soon:completed', 'overdue:completed']);
    expect(byTask.get(handed.key)!.sort()).toEqual(['due_soon:reassigned', 'overdue:reassigned']);
    expect(byTask.get(moved.key)!.sort()).toEqual(['due_soon:rescheduled', 'overdue:rescheduled']);
    expect(byTask.get(stays.key)!.sort()).toEqual(['due_soon:null', 'overdue:null']);
    for (const n of await deadlines()) if (n.resolution) expect(n.readAt).not.toBeNull();
    // Left unread: the four assignments and the two notices of the task that is still overdue.
    expect(await unread(dana.api)).toBe(6);
    expect((await inbox(dana.api, '?unread=true')).map((n) => n.taskKey).filter((k) => k === stays.key)).toHaveLength(3);
    // The task handed on is now Sam's: nothing of Dana's is said to him, and his own notice is of the assignment.
    expect((await inbox(sam.api)).map((n) => n.kind)).toEqual(['assigned']);
  });

  it('tells the assignees of the tasks waiting on one that it is done', async () => {
    const { org, dana, sam } = await team(ctx);
    const first = await ctx.createTask(org.api, { title: 'Order the parts' });
    const next = await ctx.createTask(org.api, { title: 'Fit the parts', assigneeId: dana.id, blockedBy: [first.id] });
    await ctx.createTask(org.api, { title: 'Invoice', assigneeId: sam.id });
    await drain();
    await org.api.post('/api/v1/notifications/read-all', {});
    await dana.api.post('/api/v1/notifications/read-all', {});
    expect((await org.api.patch(`/api/v1/tasks/${first.id}`, { status: 'done' })).status).toBe(200);
    await drain();
    const news = await inbox(dana.api, '?unread=true');
    expect(news.map((n) => [n.kind, n.taskKey])).toEqual([['unblocked', next.key]]);
    expect(news[0].message).toBe(`${first.key} Order the parts is done: ${next.key} Fit the parts no longer waits on it`);
    expect((await inbox(sam.api)).map((n) => n.kind)).toEqual(['assigned']);
  });

  it('turns rule notices and escalations into notifications, still listed at /automation/notices', async () => {
    const { org, dana } = await team(ctx);
    const boss = await ctx.addUser(org, 'manager', 'Bea Boss');
    const field = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [dana.id], managerId: boss.id })).body;
    const rule = (await org.api.post('/api/v1/rules', {
      name: 'Escalate late work',
      trigger: { event: 'task.overdue' },
      actions: [{ type: 'notify', to: 'assignee', message: '{{record.key}} needs you' }, { type: 'escalate', to: 'team_manager' }],
    })).body;
    const task = await ctx.createTask(org.api, { title: 'Late job', dueAt: new Date(ctx.clock.now() + HOUR).toISOString(), assigneeId: dana.id, teamId: field.id });
    await drain();
    ctx.clock.advance(2 * HOUR);
    await drain();
    await drain();
    // The rules ran first: the task was already Bea's when it was overdue, so she is told that too.
    expect((await inbox(dana.api)).map((n) => n.kind)).toEqual(['rule', 'due_soon', 'assigned']);
    expect((await inbox(dana.api)).find((n) => n.kind === 'rule').message).toBe(`${task.key} needs you`);
    const bosses = await inbox(boss.api);
    expect(bosses.map((n) => n.kind).sort()).toEqual(['assigned', 'escalated', 'overdue']);
    expect(bosses.find((n) => n.kind === 'assigned').message).toBe(`Automation assigned you ${task.key} Late job`);
    const notices = (await boss.api.get('/api/v1/automation/notices')).body.items;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ userId: boss.id, taskId: task.id, ruleId: rule.id });
    expect(notices[0].message).toMatch(/^Escalated to you: T-\d+ Late job/);
  });

  it('never doubles a notification when an event is delivered again', async () => {
    const { org, dana } = await team(ctx);
    const task = await ctx.createTask(org.api, { title: 'Paint the fence', assigneeId: dana.id });
    await org.api.post(`/api/v1/tasks/${task.id}/comments`, { body: 'Over to you @dana' });
    await drain();
    const before = await inbox(dana.api);
    expect(before).toHaveLength(2);
    const consumer = notificationConsumer();
    for (const event of await eventsForSubject(ctx.server.deps.db, org.id, { type: 'task', id: task.id })) await consumer.handle(ctx.server.deps, event);
    expect(await inbox(dana.api)).toEqual(before);
  });

  it('respects each person’s preferences: a kind turned off in the app is not shown', async () => {
    const { org, dana } = await team(ctx);
    const defaults = (await dana.api.get('/api/v1/notifications/preferences')).body;
    expect(defaults.assigned).toEqual({ inApp: true, email: true });
    expect(defaults.due_soon).toEqual({ inApp: true, email: false });
    const saved = await savePreferences(dana.api, { assigned: { inApp: false }, digest: { email: false } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.assigned).toEqual({ inApp: false, email: true });
    expect(saved.body.digest).toEqual({ inApp: false, email: false });
    expect((await dana.api.get('/api/v1/notifications/preferences')).body.assigned).toEqual({ inApp: false, email: true });
    await ctx.createTask(org.api, { title: 'Hidden', assigneeId: dana.id });
    await drain();
    expect(await inbox(dana.api)).toEqual([]);
    expect(await unread(dana.api)).toBe(0);
    const bad = await savePreferences(dana.api, { assigned: { inApp: 'no' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('assigned.inApp');
    expect((await savePreferences(dana.api, { birthdays: { email: true } })).status).toBe(400);
  });

  it('reads, pages, counts and marks read; another person or organisation gets 404', async () => {
    const { org, dana, sam } = await team(ctx);
    for (let i = 0; i < 3; i++) await ctx.createTask(org.api, { title: `Job ${i}`, assigneeId: dana.id });
    await drain();
    const first = await dana.api.get('/api/v1/notifications?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await dana.api.get(`/api/v1/notifications?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const [newest] = first.body.items;
    expect(await unread(dana.api)).toBe(3);

    const rival = await ctx.signup('Rival Heating');
    expect((await sam.api.post(`/api/v1/notifications/${newest.id}/read`, {})).status).toBe(404);
    expect((await rival.api.post(`/api/v1/notifications/${newest.id}/read`, {})).status).toBe(404);
    expect(await inbox(sam.api)).toEqual([]);
    expect(await inbox(rival.api)).toEqual([]);
    expect(await unread(dana.api)).toBe(3);

    const marked = await dana.api.post(`/api/v1/notifications/${newest.id}/read`, {});
    expect(marked.status, marked.text).toBe(200);
    expect(marked.body.readAt).toBe(new Date(ctx.clock.now()).toISOString());
    expect(await unread(dana.api)).toBe(2);
    expect((await inbox(dana.api, '?unread=true')).map((n) => n.id)).not.toContain(newest.id);
    expect((await dana.api.post('/api/v1/notifications/read-all', {})).body).toEqual({ marked: 2 });
    expect(await unread(dana.api)).toBe(0);
    expect(await inbox(dana.api)).toHaveLength(3);
    expect((await dana.api.get('/api/v1/notifications?unread=maybe')).status).toBe(400);
  });

  it('streams a notification to its person only', async () => {
    const { org, dana, sam } = await team(ctx);
    const listen = async (token: string) => {
      const controller = new AbortController();
      const res = await fetch(`${ctx.baseUrl}/api/v1/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      const reader = res.body!.getReader();
      let text = '';
      const until = async (pattern: string) => {
        while (!text.includes(pattern)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        return text;
      };
      return { until, close: () => controller.abort() };
    };
    const danStream = await listen(dana.token);
    const samStream = await listen(sam.token);
    const task = await ctx.createTask(org.api, { title: 'Live one', assigneeId: dana.id });
    await drain();
    // Sam's stream sees the task change that follows, so everything before it has been sent to him.
    await org.api.patch(`/api/v1/tasks/${task.id}`, { title: 'Live one, renamed' });
    const seenByDana = await danStream.until('event: notification.created');
    const seenBySam = await samStream.until('event: task.updated');
    danStream.close();
    samStream.close();
    expect(seenByDana).toContain(`assigned you ${task.key}`);
    expect(seenBySam).not.toContain('notification.');
  });
});
