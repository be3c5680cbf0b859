import { CompiledQuery, sql } from 'kysely';
import { loadDemo } from '../../src/demo/service.ts';
import { expect, it } from 'vitest';
import { countByStatusQuery, type TaskFilter } from '../../src/tasks/store.ts';
import type { Client } from '../support/http.ts';
import { forEachDatabase } from '../support/harness.ts';

const HOUR = 3600_000;

async function createMany(api: Client, count: number, body: Record<string, unknown>): Promise<void> {
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) => api.post('/api/v1/tasks', { title: `Board task ${i + j}`, ...body }));
    for (const res of await Promise.all(batch)) expect(res.status, res.text).toBe(201);
  }
}

forEachDatabase('task counts', (ctx) => {
  it('counts every status exactly, beyond the 200 a list page holds', async () => {
    const org = await ctx.signup();
    await createMany(org.api, 230, {});
    await createMany(org.api, 3, { status: 'in_progress' });
    await createMany(org.api, 2, { status: 'waiting', waitingOn: 'Customer' });
    await createMany(org.api, 4, { status: 'done' });
    const all = await org.api.get('/api/v1/tasks/counts?groupBy=status&status=all');
    expect(all.status, all.text).toBe(200);
    expect(all.body).toEqual({ groupBy: 'status', counts: { open: 230, in_progress: 3, waiting: 2, blocked: 0, done: 4, cancelled: 0 }, total: 239 });
    // Without a status filter, the same default as the list: what is not done or cancelled.
    const open = await org.api.get('/api/v1/tasks/counts');
    expect(open.body.counts).toEqual({ open: 230, in_progress: 3, waiting: 2, blocked: 0, done: 0, cancelled: 0 });
    expect(open.body.total).toBe(235);
  });

  it('takes the same filters as the list, and the sum is what the list pages through', async () => {
    const org = await ctx.signup();
    const tom = await ctx.addUser(org, 'member', 'Tom');
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [tom.id] })).body;
    const job = await ctx.createRecord(org.api, 'jobs', { title: 'Fit boiler' });
    const now = ctx.clock.now();
    const at = (h: number) => new Date(now + h * HOUR).toISOString();
    await ctx.createTask(org.api, { title: 'Fix leaking tap', assigneeId: tom.id, teamId: team.id, dueAt: at(-2), priority: 'urgent' });
    await ctx.createTask(org.api, { title: 'Order boiler part', teamId: team.id, status: 'blocked', blockedReason: 'Supplier', links: [{ type: 'job', id: job.id }] });
    await ctx.createTask(org.api, { title: 'Quote for Dana', priority: 'low', dueAt: at(5), assigneeId: null });
    await ctx.createTask(tom.api, { title: 'Send the invoice', assigneeId: tom.id, status: 'done' });
    const counts = async (query: string, api = org.api) => {
      const res = await api.get(`/api/v1/tasks/counts?${query}`);
      expect(res.status, res.text).toBe(200);
      const listed = await api.get(`/api/v1/tasks?${query}&limit=200`);
      expect(res.body.total).toBe(listed.body.items.length);
      return Object.fromEntries(Object.entries(res.body.counts as Record<string, number>).filter(([, n]) => n > 0));
    };
    expect(await counts(`team=${team.id}&status=all`)).toEqual({ open: 1, blocked: 1 });
    expect(await counts(`assignee=${tom.id}&status=all`)).toEqual({ open: 1, done: 1 });
    expect(await counts('assignee=me&status=all', tom.api)).toEqual({ open: 1, done: 1 });
    expect(await counts('assignee=none')).toEqual({ open: 1, blocked: 1 });
    expect(await counts('priority=urgent,low')).toEqual({ open: 2 });
    expect(await counts('overdue=true')).toEqual({ open: 1 });
    expect(await counts(`link=job:${job.id}`)).toEqual({ blocked: 1 });
    expect(await counts('q=BOILER')).toEqual({ blocked: 1 });
    expect(await counts('status=done,cancelled')).toEqual({ done: 1 });
  });

  it("counts only the caller's organisation, and names a bad filter", async () => {
    const mine = await ctx.signup('Mine');
    const theirs = await ctx.signup('Theirs');
    await ctx.createTask(theirs.api, { title: 'Not yours' });
    await ctx.createTask(mine.api, { title: 'Yours' });
    expect((await mine.api.get('/api/v1/tasks/counts')).body.total).toBe(1);
    const bad = await mine.api.get('/api/v1/tasks/counts?groupBy=colour&status=late');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['groupBy', 'status']);
    expect((await ctx.anonymous.get('/api/v1/tasks/counts')).status).toBe(401);
  });

  it('reads the counts from an index, not the table, for the board filters', async () => {
    if (ctx.dialect !== 'sqlite') return; // PostgreSQL's planner chooses by table size: see the next test.
    const { db } = ctx.server.deps;
    const plan = async (filter: TaskFilter) => {
      const compiled = countByStatusQuery(db, 'org', filter).compile();
      const rows = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]));
      return rows.rows.map((r) => r.detail).join('\n');
    };
    expect(await plan({})).toMatch(/USING COVERING INDEX tasks_counts_status/);
    expect(await plan({ teamId: 't' })).toMatch(/USING COVERING INDEX tasks_counts_team/);
    expect(await plan({ assigneeId: 'u', statuses: ['open', 'done'] })).toMatch(/USING COVERING INDEX tasks_counts_assignee/);
    expect(await plan({ teamId: 't', priorities: ['urgent'], overdueAt: 1 })).toMatch(/USING COVERING INDEX tasks_counts_team/);
    expect(await plan({ statuses: ['open', 'in_progress', 'waiting', 'blocked'] })).toMatch(/USING COVERING INDEX/);
  });

  it('reads the counts from an index on PostgreSQL too, once the table is big and analysed', async () => {
    if (ctx.dialect !== 'postgres') return; // SQLite's plans are checked in the test above.
    const { db } = ctx.server.deps;
    // Two businesses of realistic size, so one organisation is a part of the table and the planner weighs real statistics.
    const demo = await loadDemo(ctx.server.database, { seed: 11, scale: 15_000, clock: ctx.clock, batchSize: 5_000 });
    await loadDemo(ctx.server.database, { seed: 12, scale: 15_000, clock: ctx.clock, batchSize: 5_000 });
    await sql`vacuum analyze tasks`.execute(db);
    const team = (await db.selectFrom('tasks').select('team_id').where('org_id', '=', demo.orgId).where('team_id', 'is not', null).executeTakeFirstOrThrow()).team_id!;
    const person = (await db.selectFrom('tasks').select('assignee_id').where('org_id', '=', demo.orgId).where('assignee_id', 'is not', null).executeTakeFirstOrThrow()).assignee_id!;
    const plan = async (filter: TaskFilter) => {
      const compiled = countByStatusQuery(db, demo.orgId, filter).compile();
      const rows = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]));
      return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    expect(await plan({})).toMatch(/Index Only Scan using tasks_counts_status /);
    expect(await plan({ teamId: team })).toMatch(/Index Only Scan using tasks_counts_team /);
    expect(await plan({ assigneeId: person, statuses: ['open', 'done'] })).toMatch(/Index Only Scan using tasks_counts_assignee /);
    expect(await plan({ teamId: team, priorities: ['urgent'], overdueAt: ctx.clock.now() })).toMatch(/Index Only Scan using tasks_counts_team /);
    expect(await plan({ statuses: ['open', 'in_progress', 'waiting', 'blocked'] })).toMatch(/Index Only Scan using tasks_counts_/);
  }, 300_000);
});
