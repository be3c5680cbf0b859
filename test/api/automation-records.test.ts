import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { forEachDatabase, type Org } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

const MINUTE = 60_000;

forEachDatabase('automation on CRM records', (ctx) => {
  const drain = () => ctx.server.automation.drain();
  const addRule = async (api: Client, body: Record<string, unknown>) => {
    const res = await api.post('/api/v1/rules', { name: 'A rule', ...body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const make = async (api: Client, path: string, body: Record<string, unknown>) => {
    const res = await api.post(path, body);
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const tasksOf = async (org: Org, query = 'status=all') => (await org.api.get(`/api/v1/tasks?${query}&limit=200`)).body.items as any[];

  it('calls new website leads back: conditions on record.*, the record owner, links to the lead (the README example)', async () => {
    const org = await ctx.signup();
    const sales = await ctx.addUser(org, 'member', 'Sam Sales');
    // The README's example, exactly as written there.
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /<!-- automation-rule -->\s*```json\n([\s\S]*?)```/.exec(readme);
    expect(example, 'README.md has an automation-rule block').not.toBeNull();
    const created = await org.api.post('/api/v1/rules', JSON.parse(example![1]!));
    expect(created.status, created.text).toBe(201);
    const web = await make(org.api, '/api/v1/leads', { title: 'Dana Boiler', source: 'website', ownerId: sales.id });
    await make(org.api, '/api/v1/leads', { title: 'Phone-in', source: 'phone', ownerId: sales.id });
    await drain();
    const tasks = await tasksOf(org);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ title: 'Call Dana Boiler back', priority: 'high', assigneeId: sales.id, links: [{ type: 'lead', id: web.id }], dueAt: '2026-03-02T11:00:00.000Z' });
    expect(tasks[0].checklist.map((c: any) => c.text)).toEqual(['Confirm the address', 'Offer a visit slot']);
  });

  it('moves the lead to quoted when its "send quote" task is done, and closes its open follow-ups when it is won', async () => {
    const org = await ctx.signup();
    const sendQuote = await addRule(org.api, { trigger: { event: 'lead.created' }, actions: [{ type: 'create_task', title: 'Send the quote to {{record.title}}' }] });
    await addRule(org.api, {
      trigger: { event: 'task.completed', where: [{ field: 'record.source.ruleId', op: 'eq', value: sendQuote.id }] },
      actions: [{ type: 'update_record', record: 'lead', set: { stage: 'quoted' } }, { type: 'create_task', title: 'Follow up the quote' }],
    });
    await addRule(org.api, {
      trigger: { event: 'lead.stage_changed', where: [{ field: 'data.toStage', op: 'eq', value: 'won' }] },
      actions: [{ type: 'close_tasks', status: 'cancelled', reason: 'The lead was won' }],
    });
    const lead = await make(org.api, '/api/v1/leads', { title: 'Kitchen rewire' });
    await drain();
    const [quoteTask] = await tasksOf(org);
    await org.api.patch(`/api/v1/tasks/${quoteTask.id}`, { status: 'done' });
    await drain();
    expect((await org.api.get(`/api/v1/leads/${lead.id}`)).body.stage).toBe('quoted');
    const followUp = (await tasksOf(org, '')).find((t) => t.title === 'Follow up the quote');
    expect(followUp.links.map((l: any) => [l.type, l.id])).toEqual([['lead', lead.id]]);
    await org.api.patch(`/api/v1/leads/${lead.id}`, { stage: 'won' });
    await drain();
    expect((await org.api.get(`/api/v1/tasks/${followUp.id}`)).body.status).toBe('cancelled');
    const history = (await org.api.get(`/api/v1/tasks/${followUp.id}/history`)).body.items;
    expect(history.at(-1)).toMatchObject({ field: 'reason', to: 'The lead was won' });
  });

  it('marks a scheduled job not started within the grace period as a missed appointment, once, and acts on it', async () => {
    const org = await ctx.signup();
    const tech = await ctx.addUser(org, 'member');
    await addRule(org.api, {
      trigger: { event: 'appointment.missed' },
      actions: [{ type: 'create_task', title: 'Rebook {{record.title}}', priority: 'urgent', assign: { strategy: 'record_owner' } }],
    });
    const start = new Date(ctx.clock.now() + 60 * MINUTE).toISOString();
    const missed = await make(org.api, '/api/v1/jobs', { title: 'Boiler service at No. 4', scheduledStart: start, ownerId: tech.id });
    const started = await make(org.api, '/api/v1/jobs', { title: 'Leak at No. 9', scheduledStart: start });
    await drain();
    ctx.clock.advance(70 * MINUTE);
    await org.api.patch(`/api/v1/jobs/${started.id}`, { status: 'in_progress' });
    await drain();
    expect((await org.api.get(`/api/v1/jobs/${missed.id}`)).body.status).toBe('scheduled');
    ctx.clock.advance(20 * MINUTE + 1);
    await drain();
    await drain();
    expect((await org.api.get(`/api/v1/jobs/${missed.id}`)).body.status).toBe('missed');
    expect((await org.api.get(`/api/v1/jobs/${started.id}`)).body.status).toBe('in_progress');
    const tasks = await tasksOf(org);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ title: 'Rebook Boiler service at No. 4', priority: 'urgent', assigneeId: tech.id, links: [{ type: 'job', id: missed.id }] });
  });

  it('logs a run that fails (an update the record refuses) with its reason, and carries on', async () => {
    const org = await ctx.signup();
    const rule = await addRule(org.api, { trigger: { event: 'lead.created' }, actions: [{ type: 'update_record', record: 'lead', set: { stage: 'no-such-stage' } }] });
    await make(org.api, '/api/v1/leads', { title: 'Anything' });
    await drain();
    const runs = (await org.api.get(`/api/v1/automation/runs?ruleId=${rule.id}`)).body.items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/stage/) });
    expect((await org.api.get('/api/v1/automation/status')).body).toMatchObject({ pendingEvents: 0, runs: { failed: 1 } });
  });
});
