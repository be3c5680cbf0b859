// What creating a task sends the database inside its write transaction. On
// PostgreSQL every statement is a round trip: the assignee and team are
// checked in one statement, and the task with its links, dependencies, place
// in a series, history, rollup and events goes in one more; the task's number
// is taken on another connection, committed at once, so that creates of one
// business never wait for each other's transactions. On SQLite, where a
// statement costs no round trip, each runs alone.
import { expect, it } from 'vitest';
import { forEachDatabase } from '../support/harness.ts';
import { sentDuring } from '../support/statements.ts';

const TAKES_NUMBER = /^update "orgs" set "task_seq"/;

/**
 * The statements of the write transaction `work` runs on its connection, begin
 * and commit included (what signing in reads is left out), and where the
 * task's number was taken: in it, or on another connection.
 */
async function transactionOf(work: () => Promise<unknown>): Promise<{ statements: string[]; numberTaken: 'inside' | 'outside' | 'not' }> {
  const sent = await sentDuring(work);
  const begin = sent.findIndex((s) => /^begin/.test(s.text));
  expect(begin).toBeGreaterThanOrEqual(0);
  const connection = sent[begin]!.connection;
  const ours = sent.slice(begin).filter((s) => s.connection === connection);
  const commit = ours.findIndex((s) => s.text === 'commit');
  expect(commit).toBeGreaterThan(0);
  const statements = ours.slice(0, commit + 1).map((s) => s.text);
  const numbered = sent.filter((s) => TAKES_NUMBER.test(s.text));
  expect(numbered.length).toBeLessThanOrEqual(1);
  const numberTaken = numbered.length === 0 ? 'not' : numbered[0]!.connection === connection ? 'inside' : 'outside';
  return { statements, numberTaken };
}

forEachDatabase('creating a task', (ctx) => {
  it('checks the assignee and team and writes the task with its history and events in four statements on PostgreSQL, its number taken outside', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const team = (await org.api.post('/api/v1/teams', { name: 'Office', memberIds: [member.id] })).body;
    let task: { key: string } | undefined;
    const sent = await transactionOf(async () => {
      task = await ctx.createTask(org.api, { assigneeId: member.id, teamId: team.id, priority: 'high' });
    });
    // begin; check; task, history, rollup and events; commit. SQLite runs each on its own, the number too.
    expect(sent.statements.length).toBe(ctx.dialect === 'postgres' ? 4 : 8);
    expect(sent.numberTaken).toBe(ctx.dialect === 'postgres' ? 'outside' : 'inside');
    const read = (await org.api.get(`/api/v1/tasks/${task!.key}`)).body;
    expect([read.assigneeId, read.teamId, read.priority, read.status]).toEqual([member.id, team.id, 'high', 'open']);
    const history = (await org.api.get(`/api/v1/tasks/${task!.key}/history`)).body.items;
    expect(history.map((h: { field: string }) => h.field).sort()).toEqual(['assigneeId', 'priority', 'status', 'teamId']);
    const events = await ctx.server.deps.db.selectFrom('events').select('type').where('subject_id', '=', read.id).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.assigned']);
  });

  it('writes a repeating task with its links and what it waits for in the same one statement, and a missing assignee in none', async () => {
    const org = await ctx.signup();
    const job = await ctx.createRecord(org.api, 'jobs');
    const first = await ctx.createTask(org.api, { title: 'Order the part' });
    let task: { key: string } | undefined;
    const sent = await transactionOf(async () => {
      task = await ctx.createTask(org.api, { title: 'Fit the part', links: [{ type: 'job', id: job.id }], blockedBy: [first.id], recurrence: 'FREQ=WEEKLY', dueAt: '2031-03-03T09:00:00.000Z' });
    });
    const writes = sent.statements.filter((s) => !/^(begin|commit|select)/.test(s));
    if (ctx.dialect === 'postgres') expect(writes.length).toBe(1);
    const read = (await org.api.get(`/api/v1/tasks/${task!.key}`)).body;
    expect(read.status).toBe('blocked');
    expect(read.blockedBy).toEqual([first.id]);
    expect(read.links.map((l: { id: string }) => l.id)).toEqual([job.id]);
    expect(read.series?.nextDueAt ?? null).not.toBeNull();
    const linked = (await org.api.get(`/api/v1/tasks?link=job:${job.id}`)).body.items;
    expect(linked.map((t: { key: string }) => t.key)).toEqual([task!.key]);

    // A failed check writes nothing and takes no number: the next task gets the next number.
    const before = (await org.api.get('/api/v1/tasks?status=all&sort=created&limit=100')).body.items.length;
    const missing = await org.api.post('/api/v1/tasks', { title: 'Nobody', assigneeId: 'u_nobody' });
    expect(missing.status).toBe(404);
    expect((await org.api.get('/api/v1/tasks?status=all&sort=created&limit=100')).body.items.length).toBe(before);
    const next = await ctx.createTask(org.api, { title: 'Next' });
    expect(Number(next.key.slice(2))).toBe(Number(task!.key.slice(2)) + 1);
  });
});
