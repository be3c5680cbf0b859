import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { OrgCache } from '../../src/automation/ruleIndex.ts';
import { handleEvent } from '../../src/automation/worker.ts';
import { findEvent } from '../../src/platform/outbox.ts';
import { forEachDatabase } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

const HOUR = 3600_000;

forEachDatabase('automation dry run', (ctx) => {
  const drain = () => ctx.server.automation.drain();
  const addRule = async (api: Client, body: Record<string, unknown>) => {
    const res = await api.post('/api/v1/rules', { name: 'A rule', ...body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  it('reports "would not create: one already open" when the worker already made the rule\'s task for the record', async () => {
    const org = await ctx.signup();
    const rule = await addRule(org.api, {
      trigger: { event: 'invoice.overdue' },
      actions: [{ type: 'create_task', title: 'Chase invoice {{data.number}}' }],
    });
    const occurredAt = new Date(ctx.clock.now() - 2 * HOUR).toISOString();
    for (const n of [1, 2]) await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'invoice', id: `inv-${n}` }, data: { number: `INV-${n}` }, occurredAt });
    await drain();
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toHaveLength(2);
    const res = await org.api.post(`/api/v1/rules/${rule.id}/dry-run`, {});
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ eventsConsidered: 2, wouldCreate: 0 });
    expect(res.body.results.map((r: any) => r.outcome)).toEqual(['duplicate', 'duplicate']);
    expect(res.body.results[0].notes).toEqual([expect.stringMatching(/^would not create: one already open \(T-\d+\)$/)]);
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toHaveLength(2);
  });

  it('waits for the worker making the same task at the same moment and reports it as already open, never a 500 (PostgreSQL)', async () => {
    // SQLite has one writer: the worker and a dry run never overlap there.
    if (ctx.dialect !== 'postgres') return;
    const org = await ctx.signup();
    const rule = await addRule(org.api, { trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase invoice {{data.number}}' }] });
    const posted = await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'invoice', id: 'inv-9' }, data: { number: 'INV-9' } });
    const event = (await findEvent(ctx.server.deps.db, org.id, posted.body.id))!;
    const db = ctx.server.deps.db;
    let answer: Promise<any> | undefined;
    // The worker's run has made the task and not committed yet when the dry run looks for one; the dry run's write then
    // waits for the worker's commit.
    await db.transaction().execute(async (trx) => {
      await handleEvent({ ...ctx.server.deps, db: trx }, event, { options: ctx.server.automation.options, cache: new OrgCache(ctx.server.deps) });
      answer = org.api.post(`/api/v1/rules/${rule.id}/dry-run`, {});
      for (;;) {
        const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`.execute(db);
        if (waiting.rows[0]!.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    const res = await answer!;
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ eventsConsidered: 1, wouldCreate: 0 });
    expect(res.body.results[0]).toMatchObject({ outcome: 'duplicate', notes: [expect.stringMatching(/^would not create: one already open/)] });
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toHaveLength(1);
  });

  it('works out each would-be task as of its own event: due in business hours from then, given to who was there then, and says what it cannot know', async () => {
    // Monday 2 March 09:00 London; business hours Monday to Friday 08:00-17:00.
    const org = await ctx.signup();
    const [first, second] = [await ctx.addUser(org, 'member', 'Ann Able'), await ctx.addUser(org, 'member', 'Bob Baker')].sort((a, b) => (a.id < b.id ? -1 : 1));
    const team = (await org.api.post('/api/v1/teams', { name: 'Office', memberIds: [first!.id, second!.id] })).body;
    // The one who comes first in turn was away on Thursday, and is back now.
    expect((await org.api.put(`/api/v1/users/${first!.id}/time-off`, { timeOff: [{ from: '2026-02-26T00:00:00Z', to: '2026-02-27T00:00:00Z' }] })).status).toBe(200);
    const rule = await addRule(org.api, {
      enabled: false,
      trigger: { event: 'invoice.overdue' },
      actions: [{ type: 'create_task', title: 'Chase invoice {{data.number}}', due: 'PT2H', businessHours: true, assign: { strategy: 'round_robin', teamId: team.id } }],
    });
    // Thursday 16:00 (an hour before closing) and Saturday 10:00 (closed until Monday 08:00).
    for (const [n, at] of [[1, '2026-02-26T16:00:00Z'], [2, '2026-02-28T10:00:00Z']] as const) {
      await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'invoice', id: `inv-${n}` }, data: { number: `INV-${n}` }, occurredAt: at });
    }
    await drain();
    const res = await org.api.post(`/api/v1/rules/${rule.id}/dry-run`, {});
    expect(res.status, res.text).toBe(200);
    const [thursday, saturday] = res.body.results;
    expect(thursday).toMatchObject({ asOf: '2026-02-26T16:00:00.000Z', wouldCreate: [{ title: 'Chase invoice INV-1', dueAt: '2026-02-27T09:00:00.000Z', assigneeId: second!.id }] });
    expect(saturday).toMatchObject({ asOf: '2026-02-28T10:00:00.000Z', wouldCreate: [{ title: 'Chase invoice INV-2', dueAt: '2026-03-02T10:00:00.000Z' }] });
    // Both are in on Saturday, and it is the team's second turn: the second in order.
    expect(saturday.wouldCreate[0].assigneeId).toBe(second!.id);
    expect(thursday.wouldCreate[0].cannotReconstruct).toEqual([
      "The team's members, and who is still active, are as they are today.",
      'Whose turn it was is estimated from the tasks rules gave the team since then.',
    ]);
  });

  it('takes a delayed rule as acting after its delay, and continues the turn the team had then', async () => {
    const org = await ctx.signup();
    const [first, second] = [await ctx.addUser(org, 'member'), await ctx.addUser(org, 'member')].sort((a, b) => (a.id < b.id ? -1 : 1));
    const team = (await org.api.post('/api/v1/teams', { name: 'Office', memberIds: [first!.id, second!.id] })).body;
    // A live rule gave the team one task last Wednesday: the next turn then was the second person's.
    await addRule(org.api, { trigger: { event: 'call.missed' }, actions: [{ type: 'create_task', title: 'Call back', assign: { strategy: 'round_robin', teamId: team.id } }] });
    await org.api.post('/api/v1/events', { type: 'call.missed', subject: { type: 'call', id: 'c1' }, occurredAt: '2026-02-25T10:00:00Z' });
    await drain();
    const rule = await addRule(org.api, {
      enabled: false,
      trigger: { event: 'invoice.overdue', delay: 'P1D' },
      actions: [{ type: 'create_task', title: 'Chase', due: 'PT1H', businessHours: true, assign: { strategy: 'round_robin', teamId: team.id } }],
    });
    await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'invoice', id: 'i1' }, occurredAt: '2026-02-24T10:00:00Z' });
    await drain();
    const [entry] = (await org.api.post(`/api/v1/rules/${rule.id}/dry-run`, {})).body.results;
    // A day after Tuesday 10:00 is Wednesday 10:00, before the live rule's task: the first person's turn.
    expect(entry).toMatchObject({ occurredAt: '2026-02-24T10:00:00.000Z', asOf: '2026-02-25T10:00:00.000Z', wouldCreate: [{ dueAt: '2026-02-25T11:00:00.000Z', assigneeId: first!.id }] });
  });

  it('dry-runs a rule not saved yet, as the form has it, writing nothing; a team of another business is a 400 naming the field', async () => {
    const org = await ctx.signup();
    const tech = await ctx.addUser(org, 'member');
    for (const n of [1, 2, 3]) await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'invoice', id: `inv-${n}` }, data: { number: `INV-${n}`, amount: n * 100 }, occurredAt: new Date(ctx.clock.now() - n * 24 * HOUR).toISOString() });
    await drain();
    const draft = { name: 'Chase big invoices', trigger: { event: 'invoice.overdue', where: [{ field: 'data.amount', op: 'gt', value: 150 }] }, actions: [{ type: 'create_task', title: 'Chase {{data.number}}', assign: { strategy: 'user', userId: tech.id } }] };
    const res = await org.api.post('/api/v1/rules/dry-run', { rule: draft });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ruleId: null, days: 30, eventsConsidered: 3, wouldCreate: 2 });
    expect(res.body.results.flatMap((r: any) => r.wouldCreate.map((t: any) => t.title)).sort()).toEqual(['Chase INV-2', 'Chase INV-3']);
    expect((await org.api.get('/api/v1/rules')).body.items).toEqual([]);
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toEqual([]);
    expect((await org.api.get('/api/v1/automation/runs')).body.items).toEqual([]);

    const member = await ctx.addUser(org, 'member');
    expect((await member.api.post('/api/v1/rules/dry-run', { rule: draft })).status).toBe(403);
    const other = await ctx.signup('Other Co');
    const theirTeam = (await other.api.post('/api/v1/teams', { name: 'Theirs', memberIds: [] })).body;
    const foreign = await org.api.post('/api/v1/rules/dry-run', { rule: { ...draft, actions: [{ type: 'create_task', title: 'T', assign: { strategy: 'round_robin', teamId: theirTeam.id } }] } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([{ path: 'rule.actions.0.assign.teamId', message: 'no such team' }]);
    const bad = await org.api.post('/api/v1/rules/dry-run', { rule: { ...draft, name: '' }, days: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['days', 'rule.name']);
  });
});
