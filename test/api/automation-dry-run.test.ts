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
});
