// External references going out again and coming back: webhook deliveries to a
// real receiver carry them, the task CSV names them, and a CSV import upserts by
// them so the same file imported twice changes nothing the second time.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/webhooks/signature.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';
import { receiver } from '../support/receiver.ts';

forEachDatabase('external references out and back', (ctx) => {
  const hooks = receiver();
  let base: string;
  beforeAll(async () => {
    base = await hooks.start();
  });
  afterAll(() => hooks.stop());
  const drain = () => ctx.server.automation.drain();

  const subscribe = async (org: Org, path: string, events: string[]) => {
    const res = await org.api.post('/api/v1/webhooks', { url: `${base}${path}`, events });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; secret: string };
  };

  it("sends a record's references with its webhooks, and a task's linked records with theirs when it is done", async () => {
    const org = await ctx.signup();
    const records = await subscribe(org, '/records', ['client.created', 'client.updated']);
    const done = await subscribe(org, '/done', ['task.completed']);
    const rule = await org.api.post('/api/v1/rules', { name: 'Chase', trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase invoice {{data.number}}' }] });
    expect(rule.status, rule.text).toBe(201);

    const url = 'https://app.hubspot.com/contacts/1/company/4711';
    const client = await org.api.put('/api/v1/clients/external/hubspot/4711', { name: 'Reyes household', externalRefs: [{ source: 'hubspot', id: '4711', url }] });
    expect(client.status, client.text).toBe(201);
    await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'client', source: 'hubspot', externalId: '4711' }, data: { number: 'INV-7' } });
    await drain();
    const [task] = (await org.api.get('/api/v1/tasks')).body.items as any[];
    expect(task.title).toBe('Chase invoice INV-7');
    expect((await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'done' })).status).toBe(200);
    await drain();

    const created = hooks.to('/records');
    expect(created.map((r) => r.body.type)).toEqual(['client.created']);
    expect(created[0]!.body.subject).toEqual({ type: 'client', id: client.body.id, externalRefs: [{ source: 'hubspot', id: '4711', url }] });
    expect(verifyWebhookSignature(records.secret, created[0]!.headers['finishline-signature'] as string, created[0]!.raw, { now: ctx.clock.now() }).valid).toBe(true);

    const completed = hooks.to('/done');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.body).toMatchObject({ type: 'task.completed', subject: { type: 'task', id: task.id } });
    expect(completed[0]!.body.links).toEqual([{ type: 'client', id: client.body.id, name: 'Reyes household', archived: false, externalRefs: [{ source: 'hubspot', id: '4711', url }] }]);
    expect(verifyWebhookSignature(done.secret, completed[0]!.headers['finishline-signature'] as string, completed[0]!.raw, { now: ctx.clock.now() }).valid).toBe(true);
  });

  it("writes the linked records' references in the task CSV, as type:source:id", async () => {
    const org = await ctx.signup();
    await org.api.put('/api/v1/contacts/external/hubspot/4711', { name: 'Dana' });
    await org.api.put('/api/v1/jobs/external/sheet/=1+2', { title: 'Boiler repair', externalRefs: [{ source: 'sheet', id: '=1+2' }, { source: 'jobber', id: 'j; 9' }] });
    const task = await org.api.post('/api/v1/tasks', { title: 'Call Dana', links: [{ type: 'contact', source: 'hubspot', externalId: '4711' }, { type: 'job', source: 'sheet', externalId: '=1+2' }] });
    expect(task.status, task.text).toBe(201);
    await org.api.post('/api/v1/tasks', { title: 'Unlinked' });
    const res = await org.api.get('/api/v1/tasks?format=csv&sort=created');
    const [header, ...rows] = parse(res.text) as string[][];
    const column = header!.indexOf('linkExternalRefs');
    expect(column).toBeGreaterThan(-1);
    expect(rows.map((r) => r[column])).toEqual(['contact:hubspot:4711; job:jobber:j; 9; job:sheet:=1+2', '']);
  });
}, { webhooks: { allowPrivate: true } });
