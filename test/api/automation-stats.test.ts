// Per-rule counters and the run log: only runs that did or tried something are
// logged; every check of a rule against an event is counted, exactly once.
import { expect, it } from 'vitest';
import { OrgCache } from '../../src/automation/ruleIndex.ts';
import { finishBatch, handleEvent, RuleTallies } from '../../src/automation/worker.ts';
import { claimEvents } from '../../src/platform/outbox.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

forEachDatabase('automation counters', (ctx) => {
  const drain = () => ctx.server.automation.drain();
  const addRule = async (api: Client, body: Record<string, unknown>) => {
    const res = await api.post('/api/v1/rules', { name: 'A rule', ...body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const postEvents = async (api: Client, events: Record<string, unknown>[]) => {
    const res = await api.post('/api/v1/events/batch', { events: events.map((e) => ({ data: {}, ...e })) });
    expect(res.status, res.text).toBe(202);
  };
  const invoices = (amounts: number[], prefix = 'inv') =>
    amounts.map((amount, i) => ({ type: 'invoice.overdue', subject: { type: 'invoice', id: `${prefix}-${i}` }, data: { number: `${prefix}-${i}`, amount } }));
  const runsOf = async (org: Org, query = '') => (await org.api.get(`/api/v1/automation/runs?limit=200${query}`)).body.items as any[];
  const statsOf = async (org: Org, ruleId: string) => (await org.api.get(`/api/v1/rules/${ruleId}`)).body.stats;

  it('counts every check of a rule, logs only the runs whose conditions held, and shows both on the rule', async () => {
    const org = await ctx.signup();
    const big = await addRule(org.api, { name: 'Big invoices', trigger: { event: 'invoice.overdue', where: [{ field: 'data.amount', op: 'gt', value: 500 }] }, actions: [{ type: 'create_task', title: 'Chase {{data.number}}' }] });
    const never = await addRule(org.api, { name: 'Never', trigger: { event: 'invoice.overdue', where: [{ field: 'data.amount', op: 'lt', value: 0 }] }, actions: [{ type: 'create_task', title: 'Refund' }] });
    const other = await addRule(org.api, { name: 'Other event', trigger: { event: 'quote.sent' }, actions: [{ type: 'create_task', title: 'Follow up' }] });
    expect(big.stats).toEqual({ evaluated: 0, matched: 0, missed: 0, lastEvaluatedAt: null, lastFiredAt: null });

    await postEvents(org.api, invoices([100, 900, 200, 1000, 300, 50, 700]));
    await drain();
    const at = new Date(ctx.clock.now()).toISOString();
    expect(await statsOf(org, big.id)).toEqual({ evaluated: 7, matched: 3, missed: 4, lastEvaluatedAt: at, lastFiredAt: at });
    expect(await statsOf(org, never.id)).toEqual({ evaluated: 7, matched: 0, missed: 7, lastEvaluatedAt: at, lastFiredAt: null });
    expect(await statsOf(org, other.id)).toEqual({ evaluated: 0, matched: 0, missed: 0, lastEvaluatedAt: null, lastFiredAt: null });
    const listed = (await org.api.get('/api/v1/rules')).body.items;
    expect(Object.fromEntries(listed.map((r: any) => [r.name, r.stats.evaluated]))).toEqual({ 'Big invoices': 7, Never: 7, 'Other event': 0 });

    const runs = await runsOf(org);
    expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([[big.id, 'success'], [big.id, 'success'], [big.id, 'success']]);
    expect((await org.api.get('/api/v1/automation/status')).body).toMatchObject({ pendingEvents: 0, evaluated: 14, missed: 11, runs: { success: 3, skipped: 0 } });

    // Later events add to the counters; the last-fired time stays where it was for a rule that missed.
    ctx.clock.advance(60_000);
    await postEvents(org.api, invoices([10, 20], 'later'));
    await drain();
    expect(await statsOf(org, big.id)).toEqual({ evaluated: 9, matched: 3, missed: 6, lastEvaluatedAt: new Date(ctx.clock.now()).toISOString(), lastFiredAt: at });
    // Another organisation's rule is not found, and its counters are its own.
    const rival = await ctx.signup('Rival');
    expect((await rival.api.get(`/api/v1/rules/${big.id}`)).status).toBe(404);
    expect((await rival.api.get('/api/v1/automation/status')).body).toMatchObject({ evaluated: 0, missed: 0 });
  });

  it('counts and runs each event once when a slow worker finishes events another process already took over', async () => {
    const org = await ctx.signup();
    const rule = await addRule(org.api, { trigger: { event: 'invoice.overdue', where: [{ field: 'data.amount', op: 'gt', value: 500 }] }, actions: [{ type: 'create_task', title: 'Chase {{data.number}}' }] });
    await postEvents(org.api, invoices([100, 900, 200, 1000]));
    const { deps } = ctx.server;
    const now = ctx.clock.now();
    // A slow worker claims the batch and does the work, but is not done before its claim runs out.
    const claimed = await claimEvents(deps.db, { worker: 'slow', now, until: now + 1000, limit: 100 });
    const mine = claimed.filter((e) => e.orgId === org.id);
    expect(mine).toHaveLength(4);
    const tallies = new RuleTallies();
    const cache = new OrgCache(deps);
    for (const event of claimed) await handleEvent(deps, event, { options: ctx.server.automation.options, cache, tallies });
    ctx.clock.advance(2000);
    // Another worker takes the events over: every run finds its slot taken.
    await drain();
    // The slow worker finishes late: the events are someone else's now, so it counts nothing.
    await finishBatch(deps, claimed.map((e) => e.seq), tallies);
    expect(await statsOf(org, rule.id)).toMatchObject({ evaluated: 4, matched: 2, missed: 2 });
    expect((await runsOf(org)).map((r) => r.outcome)).toEqual(['success', 'success']);
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toHaveLength(2);
    // Handed the same events yet again, outside any batch: nothing changes.
    for (const event of mine) await handleEvent(deps, event, { options: ctx.server.automation.options, cache });
    await drain();
    expect(await statsOf(org, rule.id)).toMatchObject({ evaluated: 4, matched: 2, missed: 2 });
    expect(await runsOf(org)).toHaveLength(2);
  });

  it('still logs a run that failed, with its reason, and counts it as matched', async () => {
    const org = await ctx.signup();
    const rule = await addRule(org.api, { trigger: { event: 'lead.created', where: [{ field: 'record.title', op: 'eq', value: 'Broken' }] }, actions: [{ type: 'update_record', record: 'lead', set: { stage: 'no-such-stage' } }] });
    for (const title of ['Broken', 'Fine']) expect((await org.api.post('/api/v1/leads', { title })).status).toBe(201);
    await drain();
    const runs = await runsOf(org, `&ruleId=${rule.id}`);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/stage/) });
    expect(await statsOf(org, rule.id)).toMatchObject({ evaluated: 2, matched: 1, missed: 1 });
  });

  it('undoes only the failing run: its own half-made task goes, the other rule on the same event and the other events keep theirs', async () => {
    const org = await ctx.signup();
    const half = await addRule(org.api, {
      name: 'Half done',
      trigger: { event: 'lead.created' },
      actions: [{ type: 'create_task', title: 'Half done {{record.title}}' }, { type: 'update_record', record: 'lead', set: { stage: 'no-such-stage' } }],
    });
    const welcome = await addRule(org.api, { name: 'Welcome', trigger: { event: 'lead.created' }, actions: [{ type: 'create_task', title: 'Welcome {{record.title}}' }] });
    for (const title of ['Ada', 'Bo', 'Cy']) expect((await org.api.post('/api/v1/leads', { title })).status).toBe(201);
    await drain();
    const titles = (await org.api.get('/api/v1/tasks?status=all')).body.items.map((t: { title: string }) => t.title);
    expect(titles.sort()).toEqual(['Welcome Ada', 'Welcome Bo', 'Welcome Cy']);
    const runs = await runsOf(org);
    expect(runs.filter((r) => r.ruleId === half.id).map((r) => [r.outcome, r.createdTaskIds])).toEqual([['failed', []], ['failed', []], ['failed', []]]);
    expect(runs.filter((r) => r.ruleId === welcome.id).map((r) => r.outcome)).toEqual(['success', 'success', 'success']);
    expect((await org.api.get('/api/v1/automation/status')).body).toMatchObject({ pendingEvents: 0, runs: { success: 3, failed: 3 } });
    // Handled again, nothing changes: the failed runs are logged, the others have their tasks.
    await drain();
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toHaveLength(3);
  });

  it('reports per rule: events checked, fired, tasks created and completed, duplicates and failures, and rules that never fire or always miss', async () => {
    ctx.clock.set('2026-03-02T09:00:00Z');
    const org = await ctx.signup('Report Co');
    const chase = await addRule(org.api, { name: 'Chase big invoices', trigger: { event: 'invoice.overdue', where: [{ field: 'data.amount', op: 'gt', value: 500 }] }, actions: [{ type: 'create_task', title: 'Chase {{event.subject.id}}' }] });
    const refund = await addRule(org.api, { name: 'Refunds', trigger: { event: 'invoice.overdue', where: [{ field: 'data.amount', op: 'lt', value: 0 }] }, actions: [{ type: 'create_task', title: 'Refund' }] });
    const broken = await addRule(org.api, { name: 'Broken stage', trigger: { event: 'lead.created' }, actions: [{ type: 'update_record', record: 'lead', set: { stage: 'no-such-stage' } }] });
    const quotes = await addRule(org.api, { name: 'Quotes', trigger: { event: 'quote.sent' }, actions: [{ type: 'create_task', title: 'Follow up' }] });
    // inv-1 twice: the second finds its chase task open (a duplicate); inv-2 is too small.
    await postEvents(org.api, [900, 900, 100, 1000].map((amount, i) => ({ type: 'invoice.overdue', subject: { type: 'invoice', id: `inv-${[1, 1, 2, 3][i]}` }, data: { amount } })));
    expect((await org.api.post('/api/v1/leads', { title: 'Dana' })).status).toBe(201);
    await drain();
    const [first] = (await org.api.get('/api/v1/tasks?sort=created')).body.items;
    expect((await org.api.patch(`/api/v1/tasks/${first.id}`, { status: 'done' })).status).toBe(200);

    const report = async (window: string) => (await org.api.get(`/api/v1/reports/automation?${window}`)).body;
    const today = await report('from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z');
    const row = (id: string) => today.rules.find((r: any) => r.ruleId === id);
    expect(row(chase.id)).toMatchObject({ evaluated: 4, matched: 3, missed: 1, fired: 3, succeeded: 2, duplicates: 1, failed: 0, created: 2, completed: 1, completionRate: 0.5, neverFired: false, alwaysMisses: false, silent: false });
    expect(row(refund.id)).toMatchObject({ evaluated: 4, matched: 0, missed: 4, fired: 0, created: 0, neverFired: true, alwaysMisses: true, silent: true });
    expect(row(broken.id)).toMatchObject({ evaluated: 1, matched: 1, missed: 0, fired: 1, succeeded: 0, failed: 1, created: 0, neverFired: false, alwaysMisses: false });
    expect(row(quotes.id)).toMatchObject({ evaluated: 0, matched: 0, fired: 0, neverFired: true, alwaysMisses: false });
    // Runs are counted in the window they happened in; the counters are the rule's whole life.
    const tomorrow = await report('from=2026-03-03T00:00:00Z&to=2026-03-04T00:00:00Z');
    expect(tomorrow.rules.find((r: any) => r.ruleId === chase.id)).toMatchObject({ evaluated: 4, fired: 0, succeeded: 0, duplicates: 0, created: 0 });
    const csv = (await org.api.get('/api/v1/reports/automation?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&format=csv')).text.trim().split('\n');
    expect(csv[0]).toBe('ruleId,name,enabled,evaluated,matched,missed,fired,succeeded,duplicates,failed,created,open,completed,cancelled,autoClosed,completionRate,autoCloseRate,withDueDate,onTime,onTimeRate,alwaysLate,silent,neverFired,alwaysMisses');
    expect(csv.find((line) => line.startsWith(refund.id))).toBe(`${refund.id},Refunds,true,4,0,4,0,0,0,0,0,0,0,0,0,,,0,0,,false,true,true,true`);
  });

  it('logs a resolving event only when it closed something', async () => {
    const org = await ctx.signup();
    const rule = await addRule(org.api, {
      trigger: { event: 'invoice.overdue' },
      actions: [{ type: 'create_task', title: 'Chase', resolveWhen: { event: 'invoice.paid', where: [{ field: 'data.full', op: 'eq', value: true }] } }],
    });
    await postEvents(org.api, invoices([100]));
    await drain();
    await postEvents(org.api, [{ type: 'invoice.paid', subject: { type: 'invoice', id: 'inv-0' }, data: { full: false } }]);
    await drain();
    expect((await runsOf(org)).map((r) => [r.eventType, r.outcome])).toEqual([['invoice.overdue', 'success']]);
    await postEvents(org.api, [{ type: 'invoice.paid', subject: { type: 'invoice', id: 'inv-0' }, data: { full: true } }]);
    await drain();
    expect((await runsOf(org)).map((r) => [r.eventType, r.outcome])).toEqual([['invoice.paid', 'success'], ['invoice.overdue', 'success']]);
    // Resolving events are not checks of the rule's trigger.
    expect(await statsOf(org, rule.id)).toMatchObject({ evaluated: 1, matched: 1, missed: 0 });
  });
});
