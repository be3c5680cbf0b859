// What the automation worker sends the database for a new task: on SQLite its
// events are read, handled and marked processed in one write transaction with
// no claim written; on PostgreSQL each batch is claimed by one statement. A
// task read twice inside one SQLite transaction is read once, unless
// something was written in between.
import { expect, it } from 'vitest';
import { findTask } from '../../src/tasks/store.ts';
import { forEachDatabase } from '../support/harness.ts';
import { statementsDuring } from '../support/statements.ts';

forEachDatabase('the worker on a new task', (ctx) => {
  it('tells the assignee and handles every event, claiming none on SQLite and each batch in one statement on PostgreSQL', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    await ctx.server.automation.drain();
    const task = await ctx.createTask(org.api, { assigneeId: member.id });
    const sent = await statementsDuring(() => ctx.server.automation.drain());

    const notices = (await member.api.get('/api/v1/notifications')).body.items;
    expect(notices.map((n: { kind: string; taskId: string }) => [n.kind, n.taskId])).toEqual([['assigned', task.id]]);
    const pending = await ctx.server.deps.db.selectFrom('events').select('seq').where('processed_at', 'is', null).execute();
    expect(pending).toEqual([]);
    const count = (pattern: RegExp) => sent.filter((statement) => pattern.test(statement)).length;
    expect(count(/^update "events" set "processed_at"/)).toBeGreaterThan(0);
    if (ctx.dialect === 'sqlite') {
      // Read, handled and marked processed in one write transaction: nothing to claim.
      expect(count(/^update "events" set "claimed_by"/)).toBe(0);
    } else {
      // Each batch is claimed by one statement that picks, leases and returns it: no pick of its own.
      expect(count(/^update "events" set "claimed_by"/)).toBeGreaterThan(0);
      expect(count(/^select "seq" as "key" from "events"/)).toBe(0);
    }
  });

  it('writes a notification and its notification.created in one statement on PostgreSQL, and reads no task for a notice nobody is owed', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    await ctx.server.automation.drain();
    await ctx.createTask(org.api, { assigneeId: member.id });
    const told = await statementsDuring(() => ctx.server.automation.drain());
    const count = (sent: string[], pattern: RegExp) => sent.filter((statement) => pattern.test(statement)).length;
    expect(count(told, /^with "inserted" as \(insert into "notifications"/)).toBe(ctx.dialect === 'postgres' ? 1 : 0);
    // notification.created goes in with the notification on PostgreSQL; the task's own events were appended by the create.
    expect(count(told, /^insert into "events"/)).toBe(ctx.dialect === 'postgres' ? 0 : 1);
    const created = await ctx.server.deps.db.selectFrom('events').select('data').where('type', '=', 'notification.created').where('subject_id', '=', member.id).execute();
    expect(created.length).toBe(1);

    // Assigned to its creator: nobody is told, the task has no deadline notices, and with no due date no timers: nothing reads it.
    await ctx.createTask(org.api, { title: 'Mine' });
    const quiet = await statementsDuring(() => ctx.server.automation.drain());
    expect(count(quiet, /^select \* from "tasks" where "org_id" = (\?|\$1) and "id" = (\?|\$2)$/)).toBe(0);
    expect(count(quiet, /insert into "notifications"/)).toBe(0);
  });

  it('tells a new task’s assignee with no transaction of its own on PostgreSQL, and reads no deadline notices for a new task', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    await ctx.server.automation.drain();
    const task = await ctx.createTask(org.api, { assigneeId: member.id });
    const sent = await statementsDuring(() => ctx.server.automation.drain());
    const count = (pattern: RegExp) => sent.filter((statement) => pattern.test(statement)).length;
    const notices = (await member.api.get('/api/v1/notifications')).body.items;
    expect(notices.map((n: { kind: string; taskId: string }) => [n.kind, n.taskId])).toEqual([['assigned', task.id]]);
    // A new task has no deadline notices for its assignment to end: none are read, and nothing is resolved.
    expect(count(/^select "id", "user_id", "due_at", "read_at" from "notifications"/)).toBe(0);
    expect(count(/^update "notifications"/)).toBe(0);
    // On PostgreSQL the one notice is one statement, atomic by itself: the batch that handles the task's events,
    // where no rule ran, opens no transaction (the scheduler's rounds after it may).
    if (ctx.dialect === 'postgres') {
      const batch = sent.slice(0, sent.findIndex((statement) => /^update "events" set "processed_at"/.test(statement)));
      expect(batch.some((statement) => /^with "inserted" as \(insert into "notifications"/.test(statement))).toBe(true);
      expect(batch.filter((statement) => /^begin/.test(statement))).toEqual([]);
    }
  });

  it('looks at a task’s deadline notices once per change that hands it on, and resolves them', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const task = await ctx.createTask(org.api, { title: 'Order the valve', dueAt: new Date(ctx.clock.now() + 2 * 3600_000).toISOString(), assigneeId: member.id });
    await ctx.server.automation.drain();
    ctx.clock.advance(3600_000);
    await ctx.server.automation.drain();
    ctx.clock.advance(2 * 3600_000);
    await ctx.server.automation.drain();
    await ctx.server.automation.drain();
    const deadlines = async () => ((await member.api.get('/api/v1/notifications')).body.items as { kind: string; resolution: string | null }[]).filter((n) => n.kind === 'overdue' || n.kind === 'due_soon');
    expect((await deadlines()).map((n) => n.resolution)).toEqual([null, null]);
    // Handed on: task.assigned then task.updated, in one write.
    expect((await org.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: org.user.id })).status).toBe(200);
    const sent = await statementsDuring(() => ctx.server.automation.drain());
    expect(sent.filter((statement) => /^select "id", "user_id", "due_at", "read_at" from "notifications"/.test(statement)).length).toBe(1);
    expect((await deadlines()).map((n) => n.resolution)).toEqual(['reassigned', 'reassigned']);
  });

  it('plans a new task’s timers without reading it when it has no due date and is not waiting, and from the task when it has one', async () => {
    const org = await ctx.signup();
    await ctx.server.automation.drain();
    const reads = (sent: string[]) => sent.filter((statement) => /^select \* from "tasks" where "org_id" = (\?|\$1) and "id" = (\?|\$2)$/.test(statement)).length;
    const timersOf = async (taskId: string) =>
      (await ctx.server.deps.db.selectFrom('automation_timers').select(['kind', 'fire_at']).where('subject_id', '=', taskId).where('fired_at', 'is', null).orderBy('kind').execute()).map((t) => t.kind);

    const plain = await ctx.createTask(org.api, { title: 'No date' });
    expect(reads(await statementsDuring(() => ctx.server.automation.drain()))).toBe(0);
    expect(await timersOf(plain.id)).toEqual([]);

    const dated = await ctx.createTask(org.api, { title: 'Dated', dueAt: new Date(ctx.clock.now() + 2 * 3600_000).toISOString() });
    expect(reads(await statementsDuring(() => ctx.server.automation.drain()))).toBe(1);
    expect(await timersOf(dated.id)).toEqual(['task.due_soon', 'task.overdue']);

    const waiting = await ctx.createTask(org.api, { title: 'Waits', status: 'waiting', waitingOn: 'the customer', waitingUntil: new Date(ctx.clock.now() + 3600_000).toISOString() });
    await ctx.server.automation.drain();
    expect(await timersOf(waiting.id)).toEqual(['task.wake']);

    // A due date given before the worker got to the task.created: its task.updated plans the timers.
    const later = await ctx.createTask(org.api, { title: 'Dated later' });
    expect((await org.api.patch(`/api/v1/tasks/${later.key}`, { dueAt: new Date(ctx.clock.now() + 5 * 3600_000).toISOString() })).status).toBe(200);
    await ctx.server.automation.drain();
    expect(await timersOf(later.id)).toEqual(['task.due_soon', 'task.overdue']);
  });

  it('writes a notice as the defaults say without reading the person’s preferences, and reads them only when they chose otherwise', async () => {
    const org = await ctx.signup();
    const people = await Promise.all(['Default', 'Other kind', 'Email only', 'Nothing', 'Same as default'].map((name) => ctx.addUser(org, 'member', name)));
    const [plain, otherKind, emailOnly, nothing, same] = people as [(typeof people)[number], (typeof people)[number], (typeof people)[number], (typeof people)[number], (typeof people)[number]];
    const choose = async (person: typeof plain, body: Record<string, unknown>) => expect((await person.api.request('PUT', '/api/v1/notifications/preferences', { body })).status).toBe(200);
    await choose(otherKind, { due_soon: { inApp: false } });
    await choose(emailOnly, { assigned: { inApp: false } });
    await choose(nothing, { assigned: { inApp: false, email: false } });
    await choose(same, { assigned: { inApp: true, email: true } });
    await ctx.server.automation.drain();
    const preferenceReads = (sent: string[]) => sent.filter((statement) => /from "notification_preferences"/.test(statement) && /^select/.test(statement)).length;
    const told = async (person: typeof plain) => {
      const task = await ctx.createTask(org.api, { title: `For ${person.user.name}`, assigneeId: person.id });
      const sent = await statementsDuring(() => ctx.server.automation.drain());
      const rows = await ctx.server.deps.db.selectFrom('notifications').select(['in_app', 'email_state', 'read_at']).where('user_id', '=', person.id).where('task_id', '=', task.id).execute();
      const live = await ctx.server.deps.db.selectFrom('events').select('id').where('type', '=', 'notification.created').where('subject_id', '=', person.id).execute();
      return { reads: preferenceReads(sent), rows: rows.map((r) => [r.in_app, r.email_state, r.read_at === null]), live: live.length };
    };
    expect(await told(plain)).toEqual({ reads: 0, rows: [[1, 'pending', true]], live: 1 });
    expect(await told(otherKind)).toEqual({ reads: 0, rows: [[1, 'pending', true]], live: 1 });
    expect(await told(same)).toEqual({ reads: 0, rows: [[1, 'pending', true]], live: 1 });
    expect(await told(emailOnly)).toEqual({ reads: 1, rows: [[0, 'pending', false]], live: 0 });
    expect(await told(nothing)).toEqual({ reads: 1, rows: [], live: 0 });
  });

  it('reads a task once inside a SQLite transaction while nothing is written, and afresh once something is', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api, { title: 'Before' });
    const reads = (sent: string[]) => sent.filter((statement) => /^select \* from "tasks" where "org_id" = (\?|\$1) and "id" = (\?|\$2)$/.test(statement)).length;
    await ctx.server.deps.db.transaction().execute(async (trx) => {
      const twice = await statementsDuring(async () => {
        expect((await findTask(trx, org.id, task.id))?.title).toBe('Before');
        expect((await findTask(trx, org.id, task.id))?.title).toBe('Before');
      });
      // PostgreSQL shows other transactions' commits between statements: there every read goes to the database.
      expect(reads(twice)).toBe(ctx.dialect === 'sqlite' ? 1 : 2);
      await trx.updateTable('tasks').set({ title: 'After' }).where('id', '=', task.id).execute();
      expect((await findTask(trx, org.id, task.id))?.title).toBe('After');
      // What a caller does to its copy is not what the next one reads.
      const copy = (await findTask(trx, org.id, task.id))!;
      copy.title = 'Changed in memory';
      expect((await findTask(trx, org.id, task.id))?.title).toBe('After');
    });
    // Outside a transaction, every read goes to the database.
    const outside = await statementsDuring(async () => {
      await findTask(ctx.server.deps.db, org.id, task.id);
      await findTask(ctx.server.deps.db, org.id, task.id);
    });
    expect(reads(outside)).toBe(2);
  });
});
