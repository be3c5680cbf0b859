import { expect, it } from 'vitest';
import { forEachDatabase, type Org } from '../support/harness.ts';

const paths = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path).sort();

forEachDatabase('external references', (ctx) => {
  const drain = () => ctx.server.automation.drain();
  const byRef = async (org: Org, plural: string, ref: string) => (await org.api.get(`/api/v1/${plural}?externalRef=${encodeURIComponent(ref)}`)).body.items as any[];

  it('upserts every record type by its id in another system: 201, then 200, only the fields sent change, the same body changes nothing', async () => {
    const org = await ctx.signup();
    const bodies: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['contacts', { name: 'Dana Reyes', phone: '+44 20 7946 0018' }, { email: 'dana@example.test' }],
      ['clients', { name: 'Reyes household' }, { address: '4 Elm Road' }],
      ['leads', { title: 'Boiler quote', value: 2400 }, { value: 2600 }],
      ['jobs', { title: 'Boiler service', status: 'in_progress' }, { title: 'Annual boiler service' }],
      ['services', { title: 'Maintenance plan', kind: 'maintenance_plan' }, { nextDueAt: '2027-03-03T00:00:00Z' }],
    ];
    for (const [plural, body, change] of bodies) {
      const url = `/api/v1/${plural}/external/hubspot/4711`;
      const created = await org.api.put(url, { ...body, externalRefs: [{ source: 'hubspot', id: '4711', url: 'https://app.hubspot.com/contacts/1/record/4711' }] });
      expect(created.status, created.text).toBe(201);
      expect(created.headers.get('etag')).toBe('"1"');
      expect(created.body).toMatchObject({ ...body, externalRefs: [{ source: 'hubspot', id: '4711', url: 'https://app.hubspot.com/contacts/1/record/4711' }], version: 1 });
      const again = await org.api.put(url, { ...body });
      expect(again.status, plural).toBe(200);
      expect(again.body.version, plural).toBe(1);
      expect(again.body.id).toBe(created.body.id);
      expect(again.body.externalRefs[0].url, 'a reference sent without its url keeps it').toBe('https://app.hubspot.com/contacts/1/record/4711');
      const name = 'name' in body ? { name: body.name } : { title: (change.title as string | undefined) ?? body.title };
      const changed = await org.api.put(url, { ...name, ...change });
      expect(changed.status).toBe(200);
      expect(changed.body, plural).toMatchObject({ ...body, ...name, ...(plural === 'services' ? { nextDueAt: '2027-03-03T00:00:00.000Z' } : change), version: 2 });
      expect((await org.api.put(url, { ...name }, { 'if-match': '"1"' })).status, 'a stale If-Match').toBe(412);
      expect((await org.api.put(`/api/v1/${plural}/external/hubspot/9999`, body, { 'if-match': '"1"' })).status, 'If-Match on nothing').toBe(412);
      const found = await byRef(org, plural, 'hubspot:4711');
      expect(found.map((r) => r.id)).toEqual([created.body.id]);
      expect(await byRef(org, plural, 'hubspot:4712')).toEqual([]);
    }
  });

  it('refuses bad input naming the field, and a reference another record holds with a 409', async () => {
    const org = await ctx.signup();
    const bad = await org.api.put('/api/v1/contacts/external/Hub%20Spot/4711', { name: '' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(paths(bad)).toEqual(['source']);
    expect(paths(await org.api.put('/api/v1/contacts/external/hubspot/4711', { name: '', colour: 'red' }))).toEqual(['colour', 'name']);
    const nul = await org.api.put('/api/v1/contacts/external/hubspot/ab%00cd', { name: 'A' });
    expect(nul.status).toBe(400);
    expect((await org.api.get('/api/v1/contacts')).body.items).toEqual([]);
    const badRefs = await org.api.post('/api/v1/contacts', { name: 'A', externalRefs: [{ source: 'hubspot', id: '1' }, { source: 'hubspot', id: '2', url: 'javascript:alert(1)' }] });
    expect(badRefs.status).toBe(400);
    expect(paths(badRefs)).toEqual(['externalRefs', 'externalRefs.1.url']);
    expect(paths(await org.api.get('/api/v1/contacts?externalRef=nocolon'))).toEqual(['externalRef']);
    const mismatch = await org.api.put('/api/v1/contacts/external/hubspot/1', { name: 'A', externalRefs: [{ source: 'hubspot', id: '2' }] });
    expect(mismatch.status).toBe(400);
    expect(paths(mismatch)).toEqual(['externalRefs.0.id']);

    await ctx.createRecord(org.api, 'contacts', { name: 'First', externalRefs: [{ source: 'jobber', id: 'c-1' }] });
    const taken = await org.api.post('/api/v1/contacts', { name: 'Second', externalRefs: [{ source: 'jobber', id: 'c-1' }] });
    expect(taken.status).toBe(409);
    expect(paths(taken)).toEqual(['externalRefs.0']);
    // The same source and id on another type is another record's business.
    expect((await org.api.post('/api/v1/clients', { name: 'Client', externalRefs: [{ source: 'jobber', id: 'c-1' }] })).status).toBe(201);
  });

  it('makes one record when the same new reference is upserted many times at once', async () => {
    const org = await ctx.signup();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => org.api.put('/api/v1/clients/external/hubspot/race-1', { name: `Race ${i}` })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, results.map((r) => r.text).join('\n')).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await byRef(org, 'clients', 'hubspot:race-1')).toHaveLength(1);
  });

  it("keeps organisations apart: another organisation's references are invisible and never collide", async () => {
    const a = await ctx.signup('A Co');
    const b = await ctx.signup('B Co');
    const inA = await a.api.put('/api/v1/contacts/external/hubspot/42', { name: 'In A' });
    const inB = await b.api.put('/api/v1/contacts/external/hubspot/42', { name: 'In B' });
    expect([inA.status, inB.status]).toEqual([201, 201]);
    expect(inB.body.id).not.toBe(inA.body.id);
    expect((await byRef(a, 'contacts', 'hubspot:42')).map((r) => r.name)).toEqual(['In A']);
    expect((await byRef(b, 'contacts', 'hubspot:42')).map((r) => r.name)).toEqual(['In B']);
    expect((await a.api.get(`/api/v1/contacts/${inA.body.id}`)).body.name).toBe('In A');
    await b.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'contact', source: 'hubspot', externalId: '42' } });
    expect((await byRef(a, 'contacts', 'hubspot:42')).map((r) => r.name)).toEqual(['In A']);
    const link = await b.api.post('/api/v1/tasks', { title: 'Call', links: [{ type: 'contact', id: inA.body.id }] });
    expect(link.status).toBe(404);
  });

  it('creates a light record for an event about an outside record, links the rule task to it, and a later upsert fills it in', async () => {
    const org = await ctx.signup();
    const rule = await org.api.post('/api/v1/rules', { name: 'Chase', trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase invoice {{data.number}}' }] });
    expect(rule.status, rule.text).toBe(201);
    const event = await org.api.post('/api/v1/events', {
      type: 'invoice.overdue',
      subject: { type: 'client', source: 'hubspot', externalId: '4711' },
      links: [{ type: 'job', source: 'hubspot', externalId: 'j-9', name: 'Boiler repair' }],
      data: { number: 'INV-7', customerName: 'Reyes household' },
    });
    expect(event.status, event.text).toBe(202);
    const [client] = await byRef(org, 'clients', 'hubspot:4711');
    expect(client).toMatchObject({ name: 'Reyes household', externalRefs: [{ source: 'hubspot', id: '4711' }] });
    const [job] = await byRef(org, 'jobs', 'hubspot:j-9');
    expect(job).toMatchObject({ title: 'Boiler repair' });
    expect(event.body).toMatchObject({ subject: { type: 'client', id: client.id }, links: [{ type: 'job', id: job.id }] });
    await drain();
    const tasks = (await org.api.get('/api/v1/tasks?status=all')).body.items as any[];
    expect(tasks).toHaveLength(1);
    expect(tasks[0].links).toEqual([
      { type: 'client', id: client.id, name: 'Reyes household', archived: false, externalRefs: [{ source: 'hubspot', id: '4711' }] },
      { type: 'job', id: job.id, name: 'Boiler repair', archived: false, externalRefs: [{ source: 'hubspot', id: 'j-9' }] },
    ]);
    const page = await org.api.get(`/api/v1/clients/${client.id}`);
    expect(page.body.tasks.open.map((t: any) => t.id)).toEqual([tasks[0].id]);

    const filled = await org.api.put('/api/v1/clients/external/hubspot/4711', { name: 'The Reyes family', address: '4 Elm Road' });
    expect(filled.status).toBe(200);
    expect(filled.body).toMatchObject({ id: client.id, name: 'The Reyes family', address: '4 Elm Road', version: 2 });
    // A second event about the same record finds it.
    await org.api.post('/api/v1/events', { type: 'invoice.overdue', subject: { type: 'client', source: 'hubspot', externalId: '4711', name: 'Ignored' }, data: { number: 'INV-8' } });
    expect((await byRef(org, 'clients', 'hubspot:4711')).map((c) => c.name)).toEqual(['The Reyes family']);
  });

  it('creates an outside record once when events about it arrive at the same moment, singly or in batches', async () => {
    const org = await ctx.signup();
    const subject = { type: 'contact', source: 'twenty', externalId: 'p-1', name: 'Pat' };
    const posts = await Promise.all([
      ...Array.from({ length: 4 }, () => org.api.post('/api/v1/events', { type: 'call.missed', subject })),
      org.api.post('/api/v1/events/batch', { events: [{ type: 'call.missed', subject }, { type: 'call.missed', subject }] }),
    ]);
    expect(posts.map((p) => p.status), posts.map((p) => p.text).join('\n')).toEqual([202, 202, 202, 202, 202]);
    expect(await byRef(org, 'contacts', 'twenty:p-1')).toHaveLength(1);
    const bad = await org.api.post('/api/v1/events/batch', { events: [{ type: 'call.missed', subject: { type: 'invoice', source: 'twenty', externalId: '1' } }] });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['events.0.subject.type']);
    const both = await org.api.post('/api/v1/events', { type: 'call.missed', subject: { type: 'contact', id: 'x', source: 'twenty' } });
    expect(both.status).toBe(400);
    expect(paths(both)).toEqual(['subject.id']);
  });

  it('takes task links by reference, finding or creating the record', async () => {
    const org = await ctx.signup();
    const contact = (await org.api.put('/api/v1/contacts/external/jobber/c-5', { name: 'Sam' })).body;
    const task = await org.api.post('/api/v1/tasks', { title: 'Call Sam', links: [{ type: 'contact', source: 'jobber', externalId: 'c-5' }, { type: 'job', source: 'jobber', externalId: 'j-5', name: 'Gutter clean' }] });
    expect(task.status, task.text).toBe(201);
    const [job] = await byRef(org, 'jobs', 'jobber:j-5');
    expect(task.body.links.map((l: any) => [l.type, l.id, l.externalRefs])).toEqual([
      ['contact', contact.id, [{ source: 'jobber', id: 'c-5' }]],
      ['job', job.id, [{ source: 'jobber', id: 'j-5' }]],
    ]);
  });
});
