// Task creates that arrive together on SQLite share one transaction and one
// commit (src/platform/db/groupCommit.ts): each is still all-or-nothing on its
// own, its caller hears of it only after the commit, and a failing one takes
// back only its own rows. On PostgreSQL each is its own transaction; the same
// assertions hold.
import { beforeAll, expect, it } from 'vitest';
import { groupedWrite } from '../../src/platform/db/groupCommit.ts';
import * as tasks from '../../src/tasks/service.ts';
import { createTaskBody } from '../../src/tasks/task.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';

forEachDatabase('group commit of task creates', (ctx) => {
  let org: Org;
  beforeAll(async () => {
    org = await ctx.signup('Grouped Plumbing');
  });
  const actor = () => ({ orgId: org.id, userId: org.user.id, role: 'owner' as const });
  const titles = async () =>
    (await ctx.server.deps.db.selectFrom('tasks').select(['title', 'number']).where('org_id', '=', org.id).orderBy('number').execute()).map((t) => t.title);

  it('writes queued in one turn each stand alone: the one that fails leaves no row, the others are all kept', async () => {
    const deps = ctx.server.deps;
    const input = (title: string) => createTaskBody.parse({ title });
    const writes = ['First', 'Second', 'Broken', 'Fourth', 'Fifth'].map((title) =>
      groupedWrite(deps, async (trx) => {
        const row = await tasks.insertNewTask(trx, { actor: actor(), input: input(title), source: { kind: 'manual' }, now: deps.clock.now() });
        // Fails after its task, history and event rows are written.
        if (title === 'Broken') throw new Error('broken on purpose');
        return row.number;
      }),
    );
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason.message).toBe('broken on purpose');
    const kept = await titles();
    // One SQLite group numbers them in the order they came; PostgreSQL's separate transactions race for numbers.
    if (ctx.dialect === 'sqlite') expect(kept).toEqual(['First', 'Second', 'Fourth', 'Fifth']);
    else expect([...kept].sort()).toEqual(['Fifth', 'First', 'Fourth', 'Second']);
    const history = await deps.db.selectFrom('task_history').innerJoin('tasks', 'tasks.id', 'task_history.task_id').select('tasks.title').where('tasks.org_id', '=', org.id).execute();
    expect(new Set(history.map((h) => h.title))).toEqual(new Set(['First', 'Second', 'Fourth', 'Fifth']));
    const events = await deps.db.selectFrom('events').select('subject_id').where('org_id', '=', org.id).where('type', '=', 'task.created').execute();
    expect(events).toHaveLength(4);
  });

  it('answers each of many concurrent creates over HTTP on its own: the invalid one a 4xx naming its field, every 201 stored', async () => {
    const before = (await titles()).length;
    const bodies = Array.from({ length: 30 }, (_, i) => (i === 17 ? { title: 'Nobody', assigneeId: 'usr_nobody' } : { title: `Together ${i}` }));
    const replies = await Promise.all(bodies.map((body) => org.api.post('/api/v1/tasks', body)));
    const refused = replies.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.status).toBeGreaterThanOrEqual(400);
    expect(refused[0]!.status).toBeLessThan(500);
    expect(JSON.stringify(refused[0]!.body)).toContain('assigneeId');
    const stored = await titles();
    expect(stored).toHaveLength(before + 29);
    for (const reply of replies.filter((r) => r.status === 201)) expect(stored).toContain(reply.body.title);
    expect(stored).not.toContain('Nobody');
  });
});
