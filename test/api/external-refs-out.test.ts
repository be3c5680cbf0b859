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
    expect(rows.map((r) => r[column])).toEqual(['contact:hubspot:4711; job:sheet:=1+2; job:jobber:j; 9', '']);
  });

  const csvImport = (org: Org, kind: string, csv: string, dryRun = false) => org.api.post(`/api/v1/imports/${kind}?dryRun=${dryRun}`, csv, { 'content-type': 'text/csv' });
  const snapshot = async (org: Org, plural: string) =>
    ((await org.api.get(`/api/v1/${plural}?limit=200`)).body.items as any[]).map((r) => ({ id: r.id, version: r.version, updatedAt: r.updatedAt, externalRefs: r.externalRefs })).sort((a, b) => a.id.localeCompare(b.id));

  it('imports by external reference: the same file twice changes nothing the second time, a changed row updates its record', async () => {
    const org = await ctx.signup();
    // A record an integration made first, with a link back to it: the import finds it and keeps its url.
    const url = 'https://app.hubspot.com/contacts/1/record/4711';
    const dana = (await org.api.put('/api/v1/contacts/external/hubspot/4711', { name: 'Dana', externalRefs: [{ source: 'hubspot', id: '4711', url }] })).body;
    const file = [
      'name,phone,email,external_refs',
      'Dana Reyes,+44 20 7946 0018,dana@example.test,hubspot:4711',
      'Sam Okafor,,sam@example.test,hubspot:4712; jobber:c-12',
      '"\'=HYPERLINK(""x"")",,,sheet:row;9',
      'No reference,,,',
    ].join('\n');
    const checked = await csvImport(org, 'contacts', file, true);
    expect(checked.status, checked.text).toBe(200);
    expect(checked.body).toEqual({ dryRun: true, created: 3, updated: 1, unchanged: 0, ids: [] });
    const first = await csvImport(org, 'contacts', file);
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ created: 3, updated: 1, unchanged: 0 });
    expect(first.body.ids).toHaveLength(3);
    const filled = (await org.api.get(`/api/v1/contacts/${dana.id}`)).body;
    expect(filled).toMatchObject({ name: 'Dana Reyes', phone: '+44 20 7946 0018', email: 'dana@example.test', externalRefs: [{ source: 'hubspot', id: '4711', url }], version: 2 });
    const [sam] = (await org.api.get('/api/v1/contacts?externalRef=jobber:c-12')).body.items;
    expect(sam).toMatchObject({ name: 'Sam Okafor', externalRefs: [{ source: 'hubspot', id: '4712' }, { source: 'jobber', id: 'c-12' }] });
    const [sheet] = (await org.api.get(`/api/v1/contacts?externalRef=${encodeURIComponent('sheet:row;9')}`)).body.items;
    expect(sheet, 'an id may hold a ;').toMatchObject({ name: '=HYPERLINK("x")', externalRefs: [{ source: 'sheet', id: 'row;9' }] });
    const before = await snapshot(org, 'contacts');
    expect(before).toHaveLength(4);

    ctx.clock.advance(60_000);
    const second = await csvImport(org, 'contacts', file);
    expect(second.status, second.text).toBe(201);
    expect(second.body, 'only the row without a reference is created again').toMatchObject({ created: 1, updated: 0, unchanged: 3 });
    const after = await snapshot(org, 'contacts');
    expect(after.filter((r) => before.some((b) => b.id === r.id))).toEqual(before);

    ctx.clock.advance(60_000);
    const changed = await csvImport(org, 'contacts', ['name,phone,external_refs', 'Dana Reyes,+44 20 7946 0099,hubspot:4711'].join('\n'));
    expect(changed.body).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect((await org.api.get(`/api/v1/contacts/${dana.id}`)).body).toMatchObject({ phone: '+44 20 7946 0099', email: 'dana@example.test', version: 3, externalRefs: [{ source: 'hubspot', id: '4711', url }] });
  });

  it('names the row and column of a reference it cannot take, importing nothing', async () => {
    const org = await ctx.signup();
    await org.api.put('/api/v1/clients/external/jobber/c-1', { name: 'Held' });
    await org.api.put('/api/v1/clients/external/hubspot/9', { name: 'Other' });
    const res = await csvImport(org, 'clients', ['name,External Ref', 'A,nocolon', 'B,Hub Spot:1', 'C,hubspot:9; jobber:c-1', 'D,sheet:1; sheet:2'].join('\n'));
    expect(res.status, res.text).toBe(422);
    expect(res.body.rows.map((r: any) => [r.row, r.column])).toEqual([[2, 'External Ref'], [3, 'External Ref'], [4, 'External Ref'], [5, 'External Ref']]);
    expect((await org.api.get('/api/v1/clients')).body.items).toHaveLength(2);
  });

  it('describes all of it in the OpenAPI document: the webhook body, the import column and counts, the CSV column', async () => {
    const doc = (await ctx.anonymous.get('/api/v1/openapi.json')).body;
    const delivery = doc.webhooks.event.post.requestBody.content['application/json'].schema;
    expect(delivery.properties.subject.properties.externalRefs.items.properties).toHaveProperty('url');
    expect(delivery.properties.links.items.properties.externalRefs.type).toBe('array');
    const imports = doc.paths['/api/v1/imports/contacts'].post;
    expect(imports.description).toContain('external_refs');
    expect(Object.keys(imports.responses['201'].content['application/json'].schema.properties)).toEqual(expect.arrayContaining(['created', 'updated', 'unchanged']));
    expect(doc.paths['/api/v1/tasks'].get.description).toContain('linkExternalRefs');
  });
}, { webhooks: { allowPrivate: true } });
