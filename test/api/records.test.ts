import { expect, it } from 'vitest';
import { eventsForSubject } from '../../src/platform/outbox.ts';
import { signalDueServices } from '../../src/records/service.ts';
import { forEachDatabase, type RecordPlural } from '../support/harness.ts';

const paths = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path).sort();

forEachDatabase('records API', (ctx) => {
  it('creates, reads, changes and lists every kind of record, with ETags and the creator as owner', async () => {
    const org = await ctx.signup();
    const tech = await ctx.addUser(org, 'member', 'Tess Tech');
    const contact = await ctx.createRecord(org.api, 'contacts', { name: 'Dana Reyes', email: 'Dana@Example.test' });
    expect(contact).toMatchObject({ name: 'Dana Reyes', email: 'dana@example.test', phone: '+44 20 7946 0018', notes: '', ownerId: org.user.id, version: 1, archivedAt: null });
    const client = await ctx.createRecord(org.api, 'clients', { contactIds: [contact.id] });
    expect(client.contactIds).toEqual([contact.id]);
    const lead = await ctx.createRecord(org.api, 'leads', { contactId: contact.id, ownerId: tech.id });
    expect(lead).toMatchObject({ stage: 'new', value: 2400, source: 'website', contactId: contact.id, ownerId: tech.id });
    const job = await ctx.createRecord(org.api, 'jobs', {
      clientId: client.id,
      scheduledStart: '2026-03-03T08:00:00Z',
      scheduledEnd: '2026-03-03T10:00:00+00:00',
      technicianIds: [tech.id],
    });
    expect(job).toMatchObject({ status: 'scheduled', scheduledStart: '2026-03-03T08:00:00.000Z', scheduledEnd: '2026-03-03T10:00:00.000Z', technicianIds: [tech.id] });
    const service = await ctx.createRecord(org.api, 'services', { clientId: client.id, jobId: job.id, nextDueAt: '2027-03-03T00:00:00Z' });
    expect(service).toMatchObject({ kind: 'maintenance_plan', nextDueAt: '2027-03-03T00:00:00.000Z', clientId: client.id, jobId: job.id });
    const pipeline = await ctx.createRecord(org.api, 'pipelines');
    expect(pipeline).toMatchObject({ name: 'Commercial', isDefault: false, stages: [{ key: 'enquiry', name: 'Enquiry' }, { key: 'site_visit', name: 'Site visit' }, { key: 'won', name: 'Won' }] });

    const created: [RecordPlural, any][] = [['contacts', contact], ['clients', client], ['leads', lead], ['jobs', job], ['services', service], ['pipelines', pipeline]];
    for (const [plural, record] of created) {
      const read = await org.api.get(`/api/v1/${plural}/${record.id}`);
      expect(read.status, plural).toBe(200);
      expect(read.headers.get('etag')).toBe('"1"');
      expect(read.body).toMatchObject(record);
      const changed = await org.api.patch(`/api/v1/${plural}/${record.id}`, plural === 'leads' || plural === 'jobs' || plural === 'services' ? { title: 'Renamed' } : { name: 'Renamed' });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.headers.get('etag')).toBe('"2"');
      expect(changed.body.createdAt).toBe(record.createdAt);
      const list = await org.api.get(`/api/v1/${plural}`);
      expect(list.body.items.map((r: { id: string }) => r.id), plural).toContain(record.id);
    }
  });

  it('names every invalid field of a record in one 400', async () => {
    const org = await ctx.signup();
    const cases: [RecordPlural, Record<string, unknown>, string[]][] = [
      ['contacts', { name: '', email: 'not-an-email', colour: 'red' }, ['colour', 'email', 'name']],
      ['clients', { name: 'Acme', contactIds: ['a', 'a'] }, ['contactIds']],
      ['leads', { title: 'x', value: -5, stage: 'Not A Key' }, ['stage', 'value']],
      ['jobs', { title: 'x', status: 'done', scheduledStart: 'tomorrow' }, ['scheduledStart', 'status']],
      ['services', { title: 'x', kind: 'subscription', nextDueAt: 42 }, ['kind', 'nextDueAt']],
      ['pipelines', { name: 'P', stages: [{ key: 'a', name: 'A' }, { key: 'a', name: 'Again' }] }, ['stages']],
    ];
    for (const [plural, body, expected] of cases) {
      const res = await org.api.post(`/api/v1/${plural}`, body);
      expect(res.status, plural).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(paths(res), plural).toEqual(expected);
    }
    const badEnd = await org.api.post('/api/v1/jobs', { title: 'x', scheduledStart: '2026-03-03T10:00:00Z', scheduledEnd: '2026-03-03T09:00:00Z' });
    expect(badEnd.status).toBe(400);
    expect(paths(badEnd)).toEqual(['scheduledEnd']);
    const badStage = await org.api.post('/api/v1/leads', { title: 'x', stage: 'negotiating' });
    expect(badStage.status).toBe(400);
    expect(badStage.body.errors[0]).toEqual({ path: 'stage', message: "must be one of the pipeline's stages: new, contacted, quoted, won, lost" });
    const badQuery = await org.api.get('/api/v1/jobs?status=late&sort=price');
    expect(badQuery.status).toBe(400);
    expect(paths(badQuery)).toEqual(['sort', 'status']);
    const badOwner = await org.api.post('/api/v1/contacts', { name: 'x', ownerId: 'nobody' });
    expect(badOwner.status).toBe(404);
    expect(badOwner.body.errors).toEqual([{ path: 'ownerId', message: 'no such user' }]);
    const badTech = await org.api.post('/api/v1/jobs', { title: 'x', technicianIds: [org.user.id, 'ghost'] });
    expect(badTech.status).toBe(404);
    expect(badTech.body.errors).toEqual([{ path: 'technicianIds.1', message: 'no such user' }]);
  });

  it('never shows another organisation’s records: read, change, archive, history and references all say 404', async () => {
    const org = await ctx.signup();
    const rival = await ctx.signup('Rival Plumbing');
    const contact = await ctx.createRecord(org.api, 'contacts');
    const client = await ctx.createRecord(org.api, 'clients');
    const records: [RecordPlural, any][] = [
      ['contacts', contact],
      ['clients', client],
      ['leads', await ctx.createRecord(org.api, 'leads')],
      ['jobs', await ctx.createRecord(org.api, 'jobs')],
      ['services', await ctx.createRecord(org.api, 'services')],
      ['pipelines', await ctx.createRecord(org.api, 'pipelines')],
    ];
    for (const [plural, record] of records) {
      expect((await rival.api.get(`/api/v1/${plural}/${record.id}`)).status, plural).toBe(404);
      expect((await rival.api.patch(`/api/v1/${plural}/${record.id}`, {})).status, plural).toBe(404);
      expect((await rival.api.delete(`/api/v1/${plural}/${record.id}`)).status, plural).toBe(404);
      expect((await rival.api.get(`/api/v1/${plural}?archived=all`)).body.items.map((r: any) => r.id), plural).not.toContain(record.id);
    }
    expect((await rival.api.get(`/api/v1/leads/${records[2]![1].id}/history`)).status).toBe(404);
    const lead = await rival.api.post('/api/v1/leads', { title: 'Poached', contactId: contact.id });
    expect(lead.status).toBe(404);
    expect(lead.body.errors).toEqual([{ path: 'contactId', message: 'no such contact' }]);
    const job = await rival.api.post('/api/v1/jobs', { title: 'Poached', clientId: client.id, technicianIds: [org.user.id] });
    expect(job.status).toBe(404);
    expect(paths(job)).toEqual(['technicianIds.0']);
    const rivalContact = await ctx.createRecord(rival.api, 'contacts');
    const withContacts = await ctx.createRecord(org.api, 'clients', { contactIds: [contact.id] });
    const mixed = await org.api.patch(`/api/v1/clients/${withContacts.id}`, { contactIds: [contact.id, rivalContact.id] });
    expect(mixed.status).toBe(404);
    expect(mixed.body.errors).toEqual([{ path: 'contactIds.1', message: 'no such contact' }]);
  });

  it('lets any member create and change records, but only managers archive them or shape pipelines', async () => {
    const org = await ctx.signup();
    const member = await ctx.addUser(org, 'member');
    const manager = await ctx.addUser(org, 'manager');
    const lead = await ctx.createRecord(member.api, 'leads');
    expect(lead.ownerId).toBe(member.id);
    expect((await member.api.patch(`/api/v1/leads/${lead.id}`, { stage: 'contacted' })).status).toBe(200);
    expect((await member.api.delete(`/api/v1/leads/${lead.id}`)).status).toBe(403);
    expect((await member.api.post('/api/v1/pipelines', { name: 'Mine', stages: [{ key: 'a', name: 'A' }] })).status).toBe(403);
    const pipeline = await ctx.createRecord(manager.api, 'pipelines');
    expect((await member.api.patch(`/api/v1/pipelines/${pipeline.id}`, { name: 'Renamed' })).status).toBe(403);
    expect((await member.api.get(`/api/v1/pipelines/${pipeline.id}`)).status).toBe(200);
    const archived = await manager.api.delete(`/api/v1/leads/${lead.id}`);
    expect(archived.status).toBe(200);
    expect(archived.body.archivedAt).toBe(new Date(ctx.clock.now()).toISOString());
  });

  it('archives a record out of the lists, refuses changes to it, and restores it', async () => {
    const org = await ctx.signup();
    const contact = await ctx.createRecord(org.api, 'contacts', { name: 'Gone Soon' });
    const kept = await ctx.createRecord(org.api, 'contacts', { name: 'Still Here' });
    const archived = await org.api.delete(`/api/v1/contacts/${contact.id}`, { 'if-match': '"1"' });
    expect(archived.status).toBe(200);
    expect(archived.headers.get('etag')).toBe('"2"');
    const names = async (query: string) => (await org.api.get(`/api/v1/contacts${query}`)).body.items.map((c: { name: string }) => c.name);
    expect(await names('')).toEqual(['Still Here']);
    expect(await names('?archived=true')).toEqual(['Gone Soon']);
    expect(await names('?archived=all')).toEqual(['Gone Soon', 'Still Here']);
    expect((await org.api.patch(`/api/v1/contacts/${contact.id}`, { name: 'Back' })).status).toBe(409);
    const lead = await org.api.post('/api/v1/leads', { title: 'Uses an archived contact', contactId: contact.id });
    expect(lead.status).toBe(400);
    expect(lead.body.errors).toEqual([{ path: 'contactId', message: 'the contact is archived' }]);
    const restored = await org.api.post(`/api/v1/contacts/${contact.id}/restore`);
    expect(restored.body).toMatchObject({ archivedAt: null, version: 3 });
    expect(await names('')).toEqual(['Gone Soon', 'Still Here']);
    expect((await org.api.patch(`/api/v1/contacts/${kept.id}`, { name: 'x' }, { 'if-match': '"7"' })).status).toBe(412);
    const defaults = (await org.api.get('/api/v1/pipelines')).body.items.find((p: any) => p.isDefault);
    expect((await org.api.delete(`/api/v1/pipelines/${defaults.id}`)).status).toBe(409);
  });

  it('searches, filters and pages through records with a cursor', async () => {
    const org = await ctx.signup();
    for (const [name, phone] of [['Amy Archer', '0111'], ['Ben Brook', '0222'], ['Cal Cole', '0333'], ['Dee Dunn', '0444'], ['Eve Ennis', '0555']]) {
      await ctx.createRecord(org.api, 'contacts', { name, phone, address: `${name} House` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await org.api.get(`/api/v1/contacts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c: { name: string }) => c.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Amy Archer', 'Ben Brook', 'Cal Cole', 'Dee Dunn', 'Eve Ennis']);
    const byPhone = await org.api.get('/api/v1/contacts?q=0333');
    expect(byPhone.body.items.map((c: { name: string }) => c.name)).toEqual(['Cal Cole']);
    const caseless = await org.api.get('/api/v1/contacts?q=dUNN%20ho');
    expect(caseless.body.items.map((c: { name: string }) => c.name)).toEqual(['Dee Dunn']);
    const wildcard = await org.api.get('/api/v1/contacts?q=%25');
    expect(wildcard.body.items).toEqual([]);
    const newest = await org.api.get('/api/v1/contacts?sort=-created&limit=1');
    expect(newest.body.items[0].name).toBe('Eve Ennis');
    const otherOrder = await org.api.get(`/api/v1/contacts?sort=name&cursor=${newest.body.nextCursor}`);
    expect(otherOrder.status).toBe(400);
    expect(paths(otherOrder)).toEqual(['cursor']);

    const tech = await ctx.addUser(org, 'member');
    const client = await ctx.createRecord(org.api, 'clients');
    await ctx.createRecord(org.api, 'jobs', { title: 'Later', scheduledStart: '2026-03-10T08:00:00Z', technicianIds: [tech.id], clientId: client.id });
    await ctx.createRecord(org.api, 'jobs', { title: 'Sooner', scheduledStart: '2026-03-04T08:00:00Z', technicianIds: [tech.id] });
    await ctx.createRecord(org.api, 'jobs', { title: 'Unscheduled' });
    const titles = async (api: any, query: string) => (await api.get(`/api/v1/jobs${query}`)).body.items.map((j: { title: string }) => j.title);
    expect(await titles(org.api, '')).toEqual(['Sooner', 'Later', 'Unscheduled']);
    expect(await titles(tech.api, '?technician=me')).toEqual(['Sooner', 'Later']);
    expect(await titles(org.api, `?client=${client.id}`)).toEqual(['Later']);
    expect(await titles(org.api, '?scheduledAfter=2026-03-05T00:00:00Z')).toEqual(['Later']);

    await ctx.createRecord(org.api, 'leads', { title: 'Quoted one', stage: 'quoted' });
    await ctx.createRecord(org.api, 'leads', { title: 'New one', source: 'referral' });
    const quoted = await org.api.get('/api/v1/leads?stage=quoted');
    expect(quoted.body.items.map((l: { title: string }) => l.title)).toEqual(['Quoted one']);
    const referral = await org.api.get('/api/v1/leads?source=referral');
    expect(referral.body.items.map((l: { title: string }) => l.title)).toEqual(['New one']);
  });

  it('creates the Sales pipeline on first need, once, and keeps leads to its stages', async () => {
    const org = await ctx.signup();
    const [a, b] = await Promise.all([ctx.createRecord(org.api, 'leads'), ctx.createRecord(org.api, 'leads')]);
    expect(a.pipelineId).toBe(b.pipelineId);
    const pipelines = (await org.api.get('/api/v1/pipelines')).body.items;
    expect(pipelines).toHaveLength(1);
    expect(pipelines[0]).toMatchObject({ id: a.pipelineId, name: 'Sales', isDefault: true });
    expect(pipelines[0].stages.map((s: { key: string }) => s.key)).toEqual(['new', 'contacted', 'quoted', 'won', 'lost']);

    const commercial = await ctx.createRecord(org.api, 'pipelines');
    const moved = await org.api.patch(`/api/v1/leads/${a.id}`, { pipelineId: commercial.id });
    expect(moved.body).toMatchObject({ pipelineId: commercial.id, stage: 'enquiry' });
    const wrongStage = await org.api.patch(`/api/v1/leads/${a.id}`, { stage: 'quoted' });
    expect(wrongStage.status).toBe(400);
    expect(paths(wrongStage)).toEqual(['stage']);
    const shrink = await org.api.patch(`/api/v1/pipelines/${commercial.id}`, { stages: [{ key: 'won', name: 'Won' }] });
    expect(shrink.status).toBe(409);
    expect(paths(shrink)).toEqual(['stages']);
  });

  it("records a lead's stage change as exactly one event and one history entry", async () => {
    const org = await ctx.signup();
    const lead = await ctx.createRecord(org.api, 'leads');
    const before = (await org.api.get(`/api/v1/leads/${lead.id}/history`)).body.items;
    const eventsBefore = await eventsForSubject(ctx.server.deps.db, org.id, { type: 'lead', id: lead.id });
    expect(eventsBefore.map((e) => e.type)).toEqual(['lead.created']);

    const moved = await org.api.patch(`/api/v1/leads/${lead.id}`, { stage: 'quoted' });
    expect(moved.status).toBe(200);
    const history = (await org.api.get(`/api/v1/leads/${lead.id}/history`)).body.items;
    expect(history.slice(before.length)).toEqual([{ id: expect.any(String), at: new Date(ctx.clock.now()).toISOString(), actorId: org.user.id, field: 'stage', from: 'new', to: 'quoted' }]);
    const events = (await eventsForSubject(ctx.server.deps.db, org.id, { type: 'lead', id: lead.id })).slice(eventsBefore.length);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['lead.stage_changed', { pipelineId: lead.pipelineId, fromPipelineId: lead.pipelineId, fromStage: 'new', toStage: 'quoted' }],
    ]);

    const same = await org.api.patch(`/api/v1/leads/${lead.id}`, { stage: 'quoted' });
    expect(same.body.version).toBe(2);
    await org.api.patch(`/api/v1/leads/${lead.id}`, { value: 3100, source: 'phone' });
    const after = await eventsForSubject(ctx.server.deps.db, org.id, { type: 'lead', id: lead.id });
    expect(after.slice(-1).map((e) => [e.type, e.data])).toEqual([['lead.updated', { fields: ['value', 'source'], version: 3 }]]);
  });

  it('emits job.scheduled, job.status_changed, and appointment.missed when a job is missed', async () => {
    const org = await ctx.signup();
    const job = await ctx.createRecord(org.api, 'jobs', { scheduledStart: '2026-03-03T08:00:00Z' });
    const unscheduled = await ctx.createRecord(org.api, 'jobs');
    await org.api.patch(`/api/v1/jobs/${job.id}`, { status: 'missed' });
    await org.api.patch(`/api/v1/jobs/${unscheduled.id}`, { scheduledStart: '2026-03-05T08:00:00Z', address: '1 New Street' });
    const types = async (id: string) => (await eventsForSubject(ctx.server.deps.db, org.id, { type: 'job', id })).map((e) => e.type);
    expect(await types(job.id)).toEqual(['job.created', 'job.scheduled', 'job.status_changed', 'appointment.missed']);
    expect(await types(unscheduled.id)).toEqual(['job.created', 'job.scheduled', 'job.updated']);
    const missed = (await eventsForSubject(ctx.server.deps.db, org.id, { type: 'job', id: job.id }))[3]!;
    expect(missed.data).toEqual({ jobId: job.id, clientId: null, scheduledStart: '2026-03-03T08:00:00.000Z', technicianIds: [] });
  });

  it('emits service.due once per due date: at once when already due, or when the scan finds it', async () => {
    const org = await ctx.signup();
    const overdue = await ctx.createRecord(org.api, 'services', { nextDueAt: '2026-03-01T00:00:00Z' });
    const upcoming = await ctx.createRecord(org.api, 'services', { nextDueAt: new Date(ctx.clock.now() + 3600_000).toISOString() });
    const dueEvents = async (id: string) => (await eventsForSubject(ctx.server.deps.db, org.id, { type: 'service', id })).filter((e) => e.type === 'service.due');
    expect(await dueEvents(overdue.id)).toHaveLength(1);
    expect(await dueEvents(upcoming.id)).toHaveLength(0);
    ctx.clock.advance(2 * 3600_000);
    try {
      await signalDueServices(ctx.server.deps);
      await signalDueServices(ctx.server.deps);
      expect(await dueEvents(upcoming.id)).toHaveLength(1);
      expect(await dueEvents(overdue.id)).toHaveLength(1);
    } finally {
      ctx.clock.advance(-2 * 3600_000);
    }
  });
});

forEachDatabase('links between tasks and records', (ctx) => {
  it('refuses a link to a record that is missing, another organisation’s, or archived, naming the link', async () => {
    const org = await ctx.signup();
    const rival = await ctx.signup('Rival Plumbing');
    const mine = await ctx.createRecord(org.api, 'leads');
    const theirs = await ctx.createRecord(rival.api, 'leads');
    const gone = await ctx.createRecord(org.api, 'contacts');
    await org.api.delete(`/api/v1/contacts/${gone.id}`);

    const missing = await org.api.post('/api/v1/tasks', { title: 'x', links: [{ type: 'lead', id: mine.id }, { type: 'job', id: 'no-such-job' }] });
    expect(missing.status).toBe(404);
    expect(missing.body.errors).toEqual([{ path: 'links.1', message: 'no such job' }]);
    const foreign = await org.api.post('/api/v1/tasks', { title: 'x', links: [{ type: 'lead', id: theirs.id }] });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors).toEqual([{ path: 'links.0', message: 'no such lead' }]);
    const archived = await org.api.post('/api/v1/tasks', { title: 'x', links: [{ type: 'contact', id: gone.id }] });
    expect(archived.status).toBe(400);
    expect(archived.body.errors).toEqual([{ path: 'links.0', message: 'the contact is archived' }]);
    const task = await ctx.createTask(org.api, { links: [{ type: 'lead', id: mine.id }] });
    const patched = await org.api.patch(`/api/v1/tasks/${task.key}`, { links: [{ type: 'lead', id: mine.id }, { type: 'lead', id: theirs.id }] });
    expect(patched.status).toBe(404);
    expect(patched.body.errors).toEqual([{ path: 'links.1', message: 'no such lead' }]);
  });

  it("shows each linked record's name, phone, address and archived flag on tasks, and keeps archived links readable", async () => {
    const org = await ctx.signup();
    const contact = await ctx.createRecord(org.api, 'contacts', { name: 'Dana Reyes', phone: '07700 900123', address: '12 Elm Road' });
    const lead = await ctx.createRecord(org.api, 'leads', { title: 'Boiler quote', contactId: contact.id });
    const client = await ctx.createRecord(org.api, 'clients', { name: 'Reyes Household', address: '12 Elm Road' });
    const job = await ctx.createRecord(org.api, 'jobs', { title: 'Fit boiler', address: '12 Elm Road', clientId: client.id });
    const service = await ctx.createRecord(org.api, 'services', { title: 'Boiler plan', clientId: client.id });
    const task = await ctx.createTask(org.api, {
      links: [{ type: 'lead', id: lead.id }, { type: 'contact', id: contact.id }, { type: 'client', id: client.id }, { type: 'job', id: job.id }, { type: 'service', id: service.id }],
    });
    expect(task.links).toEqual([
      { type: 'lead', id: lead.id, name: 'Boiler quote', phone: '07700 900123', address: '12 Elm Road', archived: false, externalRefs: [] },
      { type: 'contact', id: contact.id, name: 'Dana Reyes', phone: '07700 900123', address: '12 Elm Road', archived: false, externalRefs: [] },
      { type: 'client', id: client.id, name: 'Reyes Household', address: '12 Elm Road', archived: false, externalRefs: [] },
      { type: 'job', id: job.id, name: 'Fit boiler', address: '12 Elm Road', archived: false, externalRefs: [] },
      { type: 'service', id: service.id, name: 'Boiler plan', address: '12 Elm Road', archived: false, externalRefs: [] },
    ]);
    await org.api.delete(`/api/v1/leads/${lead.id}`);
    const listed = (await org.api.get(`/api/v1/tasks?link=lead:${lead.id}`)).body.items;
    expect(listed.map((t: any) => t.id)).toEqual([task.id]);
    expect(listed[0].links[0]).toEqual({ type: 'lead', id: lead.id, name: 'Boiler quote', phone: '07700 900123', address: '12 Elm Road', archived: true, externalRefs: [] });
    // A list page shows every link as reading the task alone does.
    expect(listed[0]).toEqual((await org.api.get(`/api/v1/tasks/${task.id}`)).body);
    const kept = await org.api.patch(`/api/v1/tasks/${task.key}`, { title: 'Still about the archived lead', links: task.links.map((l: any) => ({ type: l.type, id: l.id })) });
    expect(kept.status).toBe(200);
  });

  it("includes a record's open tasks and its counts of open, done and overdue tasks", async () => {
    const org = await ctx.signup();
    const lead = await ctx.createRecord(org.api, 'leads');
    const other = await ctx.createRecord(org.api, 'leads');
    const links = [{ type: 'lead', id: lead.id }];
    const soon = new Date(ctx.clock.now() + 3600_000).toISOString();
    const late = new Date(ctx.clock.now() - 3600_000).toISOString();
    const later = await ctx.createTask(org.api, { title: 'Send the quote', links, dueAt: soon });
    const overdue = await ctx.createTask(org.api, { title: 'Call back', links, dueAt: late });
    const done = await ctx.createTask(org.api, { title: 'Log the enquiry', links });
    await org.api.patch(`/api/v1/tasks/${done.key}`, { status: 'done' });
    await ctx.createTask(org.api, { title: 'Elsewhere', links: [{ type: 'lead', id: other.id }] });

    const read = await org.api.get(`/api/v1/leads/${lead.id}`);
    expect(read.status).toBe(200);
    expect(read.body.tasks.open.map((t: any) => t.id)).toEqual([overdue.id, later.id]);
    expect(read.body.tasks.open[0].links[0]).toMatchObject({ type: 'lead', id: lead.id, name: lead.title });
    expect(read.body.tasks.counts).toEqual({ open: 2, done: 1, overdue: 1 });
    const empty = await org.api.get(`/api/v1/contacts/${(await ctx.createRecord(org.api, 'contacts')).id}`);
    expect(empty.body.tasks).toEqual({ open: [], counts: { open: 0, done: 0, overdue: 0 } });
  });
});
