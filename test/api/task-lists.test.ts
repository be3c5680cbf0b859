import { expect, it } from 'vitest';
import { linkedRecords } from '../../src/records/store.ts';
import { forEachDatabase } from '../support/harness.ts';

const HOUR = 3600_000;

forEachDatabase('task lists', (ctx) => {
  it('shows each linked record on a list page as on the task itself: a lead with its contact\'s phone and address, a service with its client\'s address, archived ones marked', async () => {
    const org = await ctx.signup();
    const contact = await ctx.createRecord(org.api, 'contacts', { externalRefs: [{ source: 'hubspot', id: '4711' }] });
    const client = await ctx.createRecord(org.api, 'clients', { contactIds: [contact.id] });
    const lead = await ctx.createRecord(org.api, 'leads', { contactId: contact.id });
    const service = await ctx.createRecord(org.api, 'services', { clientId: client.id });
    const job = await ctx.createRecord(org.api, 'jobs');
    const links = [
      { type: 'lead', id: lead.id },
      { type: 'service', id: service.id },
      { type: 'job', id: job.id },
      { type: 'client', id: client.id },
      { type: 'contact', id: contact.id },
    ];
    const linked = await ctx.createTask(org.api, { title: 'Every kind of record', links });
    const plain = await ctx.createTask(org.api, { title: 'No records' });
    expect((await org.api.delete(`/api/v1/jobs/${job.id}`)).status).toBe(200);

    const page = (await org.api.get('/api/v1/tasks?limit=10')).body.items;
    const listed = page.find((t: { id: string }) => t.id === linked.id);
    expect(listed.links).toEqual((await org.api.get(`/api/v1/tasks/${linked.id}`)).body.links);
    expect(listed.links).toEqual([
      { type: 'lead', id: lead.id, name: lead.title, archived: false, externalRefs: [], phone: contact.phone, address: contact.address },
      { type: 'service', id: service.id, name: service.title, archived: false, externalRefs: [], address: client.address },
      { type: 'job', id: job.id, name: job.title, archived: true, externalRefs: [], address: job.address },
      { type: 'client', id: client.id, name: client.name, archived: false, externalRefs: [], address: client.address },
      { type: 'contact', id: contact.id, name: contact.name, archived: false, externalRefs: [{ source: 'hubspot', id: '4711' }], phone: contact.phone, address: contact.address },
    ]);
    expect(page.find((t: { id: string }) => t.id === plain.id).links).toEqual([]);
  });

  it('names the linked records of a page of many tasks, records shared between tasks too, and only the organisation\'s own', async () => {
    const org = await ctx.signup();
    const other = await ctx.signup('Other Plumbing');
    const jobs = await Promise.all(Array.from({ length: 9 }, (_, i) => ctx.createRecord(org.api, 'jobs', { title: `Job ${i}` })));
    const contacts = await Promise.all(Array.from({ length: 3 }, () => ctx.createRecord(org.api, 'contacts')));
    const tasks = [];
    for (const [i, job] of jobs.entries()) {
      const links = [{ type: 'job', id: job.id }, { type: 'contact', id: contacts[i % 3]!.id }, ...(i > 0 ? [{ type: 'job', id: jobs[0]!.id }] : [])];
      tasks.push(await ctx.createTask(org.api, { title: `Task ${i}`, links }));
    }
    const page = (await org.api.get('/api/v1/tasks?limit=50')).body.items as { id: string; links: { type: string; id: string; name: string | null }[] }[];
    for (const [i, task] of tasks.entries()) {
      const listed = page.find((t) => t.id === task.id)!;
      expect(listed.links.map((l) => l.name)).toEqual([`Job ${i}`, contacts[i % 3]!.name, ...(i > 0 ? ['Job 0'] : [])]);
    }
    // Asked for with another organisation, the same records are not found.
    const asked = [...jobs.map((j) => ({ type: 'job' as const, id: j.id })), ...contacts.map((c) => ({ type: 'contact' as const, id: c.id }))];
    expect(await linkedRecords(ctx.server.deps.db, other.id, asked)).toEqual([]);
    expect((await linkedRecords(ctx.server.deps.db, org.id, asked)).map((r) => r.id).sort()).toEqual(asked.map((a) => a.id).sort());
  });

  it('filters by assignee, team, status, priority, due window, link and text', async () => {
    const org = await ctx.signup();
    const tom = await ctx.addUser(org, 'member', 'Tom');
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [tom.id] })).body;
    const now = ctx.clock.now();
    const at = (h: number) => new Date(now + h * HOUR).toISOString();
    const mine = await ctx.createTask(tom.api, { title: 'Fix leaking tap', assigneeId: tom.id, dueAt: at(5), priority: 'urgent' });
    const job = await ctx.createRecord(org.api, 'jobs', { title: 'Fit boiler' });
    const teams = await ctx.createTask(org.api, { title: 'Order boiler part', teamId: team.id, dueAt: at(30), links: [{ type: 'job', id: job.id }] });
    const unowned = await ctx.createTask(org.api, { title: 'Quote for Dana', description: 'Bathroom refit, call before noon', priority: 'low', assigneeId: null });
    const waiting = await ctx.createTask(org.api, { title: 'Waiting for photos', status: 'waiting', waitingOn: 'Customer', assigneeId: null });
    const done = await ctx.createTask(org.api, { title: 'Old call', status: 'done', assigneeId: null });
    const keys = async (query: string, api = org.api) => {
      const res = await api.get(`/api/v1/tasks?${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((t: { key: string }) => t.key);
    };
    expect(await keys('assignee=me', tom.api)).toEqual([mine.key]);
    expect(await keys(`assignee=${tom.id}`)).toEqual([mine.key]);
    expect((await keys('assignee=none')).sort()).toEqual([teams.key, unowned.key, waiting.key].sort());
    expect(await keys(`team=${team.id}`)).toEqual([teams.key]);
    expect(await keys('status=waiting')).toEqual([waiting.key]);
    expect(await keys('status=done,cancelled')).toEqual([done.key]);
    expect(await keys('status=all')).toHaveLength(5);
    expect(await keys('')).toHaveLength(4);
    expect(await keys('priority=urgent,low')).toEqual([mine.key, unowned.key]);
    expect(await keys(`dueBefore=${encodeURIComponent(at(10))}`)).toEqual([mine.key]);
    expect(await keys(`dueAfter=${encodeURIComponent(at(10))}`)).toEqual([teams.key]);
    expect(await keys(`link=job:${job.id}`)).toEqual([teams.key]);
    expect(await keys('q=BATHROOM')).toEqual([unowned.key]);
    expect(await keys('q=boiler')).toEqual([teams.key]);
  });

  it('sorts by due date (no date last), priority, created and updated, either way', async () => {
    const org = await ctx.signup();
    const now = ctx.clock.now();
    const a = await ctx.createTask(org.api, { title: 'a', dueAt: new Date(now + 2 * HOUR).toISOString(), priority: 'low' });
    ctx.clock.advance(1000);
    const b = await ctx.createTask(org.api, { title: 'b', priority: 'urgent' });
    ctx.clock.advance(1000);
    const c = await ctx.createTask(org.api, { title: 'c', dueAt: new Date(now + HOUR).toISOString(), priority: 'high' });
    ctx.clock.advance(1000);
    await org.api.patch(`/api/v1/tasks/${a.key}`, { title: 'a2' });
    const keys = async (sort: string) => (await org.api.get(`/api/v1/tasks?sort=${sort}`)).body.items.map((t: { title: string }) => t.title[0]);
    expect(await keys('due')).toEqual(['c', 'a', 'b']);
    expect(await keys('-due')).toEqual(['b', 'a', 'c']);
    expect(await keys('priority')).toEqual(['b', 'c', 'a']);
    expect(await keys('created')).toEqual(['a', 'b', 'c']);
    expect(await keys('-created')).toEqual(['c', 'b', 'a']);
    expect(await keys('-updated')).toEqual(['a', 'c', 'b']);
    expect((await org.api.get('/api/v1/tasks?sort=colour')).body.errors[0].path).toBe('sort');
    void b;
    void c;
  });

  it('pages with a cursor: default 50, at most 200, no duplicates or gaps while others insert', async () => {
    const org = await ctx.signup();
    const before: string[] = [];
    for (let i = 0; i < 120; i++) before.push((await ctx.createTask(org.api, { title: `Existing ${i}`, dueAt: new Date(ctx.clock.now() + (i % 7) * HOUR).toISOString() })).key);
    expect((await org.api.get('/api/v1/tasks')).body.items).toHaveLength(50);
    expect((await org.api.get('/api/v1/tasks?limit=201')).status).toBe(400);
    for (const sort of ['due', 'created', '-created', 'priority']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let inserted = 0;
      do {
        const page: { body: { items: { key: string }[]; nextCursor: string | null } } = await org.api.get(`/api/v1/tasks?limit=17&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((t) => t.key));
        cursor = page.body.nextCursor;
        // Someone else keeps adding work while we page.
        await Promise.all([0, 1].map(() => ctx.createTask(org.api, { title: `Concurrent ${inserted++}`, dueAt: new Date(ctx.clock.now() + 3 * HOUR).toISOString() })));
      } while (cursor);
      expect(new Set(seen).size, `duplicates with sort=${sort}`).toBe(seen.length);
      const missing = before.filter((key) => !seen.includes(key));
      expect(missing, `gaps with sort=${sort}`).toEqual([]);
    }
  });

  it('goes on from a cursor handed out while ties were broken by id: after the same task, or from its ties again if it is gone', async () => {
    const org = await ctx.signup();
    const dueAt = new Date(ctx.clock.now() + 5 * HOUR).toISOString();
    for (let i = 0; i < 6; i++) await ctx.createTask(org.api, { title: `Tied ${i}`, dueAt });
    const all: { id: string; key: string }[] = (await org.api.get('/api/v1/tasks')).body.items;
    expect(all.map((t) => t.key)).toEqual(['T-1', 'T-2', 'T-3', 'T-4', 'T-5', 'T-6']);
    const older = (id: string) => Buffer.from(JSON.stringify([Date.parse(dueAt), id])).toString('base64url');
    const keysAfter = async (cursor: string) => {
      const res = await org.api.get(`/api/v1/tasks?limit=3&cursor=${cursor}`);
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((t: { key: string }) => t.key);
    };
    expect(await keysAfter(older(all[1]!.id))).toEqual(['T-3', 'T-4', 'T-5']);
    expect((await org.api.delete(`/api/v1/tasks/${all[1]!.id}`)).status).toBe(204);
    expect(await keysAfter(older(all[1]!.id))).toEqual(['T-1', 'T-3', 'T-4']);
  });

  it('pages through done and cancelled tasks together in due order, of everyone and of one person', async () => {
    const org = await ctx.signup();
    const closed: { key: string; due: number }[] = [];
    for (let i = 0; i < 7; i++) {
      const due = ctx.clock.now() + ((i * 5) % 7) * HOUR;
      const task = await ctx.createTask(org.api, { title: `Closed ${i}`, status: i % 3 === 0 ? 'cancelled' : 'done', dueAt: new Date(due).toISOString() });
      closed.push({ key: task.key, due });
    }
    await ctx.createTask(org.api, { title: 'Still open' });
    const expected = [...closed].sort((a, b) => a.due - b.due || Number(a.key.slice(2)) - Number(b.key.slice(2))).map((t) => t.key);
    for (const who of ['', `&assignee=${org.user.id}`]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { key: string }[]; nextCursor: string | null } } = await org.api.get(`/api/v1/tasks?status=done,cancelled${who}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((t) => t.key));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen, who).toEqual(expected);
    }
  });

  it('acknowledges 100 concurrent creates, each with its own key', async () => {
    const org = await ctx.signup();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => org.api.post('/api/v1/tasks', { title: `Concurrent ${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(201));
    const keys = results.map((r) => r.body.key);
    expect(new Set(keys).size).toBe(100);
    expect(keys.map((k: string) => Number(k.slice(2))).sort((x: number, y: number) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    let count = 0;
    let cursor: string | null = null;
    do {
      const page: { body: { items: unknown[]; nextCursor: string | null } } = await org.api.get(`/api/v1/tasks?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      count += page.body.items.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(count).toBe(100);
  });

  it('exports the list as CSV with names for people, teams and links, the ids in their own columns', async () => {
    const org = await ctx.signup();
    const ann = await ctx.addUser(org, 'member', 'Ann Office');
    const team = (await org.api.post('/api/v1/teams', { name: 'Office', memberIds: [ann.id] })).body.id;
    const job = await ctx.createRecord(org.api, 'jobs', { title: 'Boiler repair at 4 Elm Road' });
    const lead = await ctx.createRecord(org.api, 'leads', { title: 'Dana: new boiler' });
    const task = await ctx.createTask(org.api, { title: 'Named', assigneeId: ann.id, teamId: team, links: [{ type: 'job', id: job.id }, { type: 'lead', id: lead.id }] });
    const res = await org.api.get('/api/v1/tasks?format=csv');
    const [header, row] = res.text.trim().split('\n');
    expect(header).toBe('key,title,status,overdue,priority,dueAt,assignee,team,links,assigneeId,teamId,linkIds,linkExternalRefs,createdAt,completedAt,id');
    expect(row).toBe(
      `${task.key},Named,open,false,normal,,Ann Office,Office,Job: Boiler repair at 4 Elm Road; Lead: Dana: new boiler,${ann.id},${team},job:${job.id} lead:${lead.id},,${task.createdAt},,${task.id}`,
    );
  });

  it('exports the list as CSV with every matching row and proper quoting', async () => {
    const org = await ctx.signup();
    await ctx.createTask(org.api, { title: 'Quote, "urgent"\nfor Dana' });
    for (let i = 0; i < 205; i++) await org.api.post('/api/v1/tasks', { title: `Row ${i}` });
    const res = await org.api.get('/api/v1/tasks?format=csv&sort=created');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.text.startsWith('key,title,status,overdue,priority,dueAt,assignee,team,links,assigneeId,teamId,linkIds,linkExternalRefs,createdAt,completedAt,id\n')).toBe(true);
    expect(res.text).toContain('T-1,"Quote, ""urgent""\nfor Dana",open,false,normal,');
    expect(res.text.trim().split('\n')).toHaveLength(1 + 206 + 1);
  });

  it('changes many tasks in one transaction: all or none', async () => {
    const org = await ctx.signup();
    const tom = await ctx.addUser(org, 'member');
    const tasks = await Promise.all([1, 2, 3].map((i) => ctx.createTask(org.api, { title: `Bulk ${i}` })));
    const ids = tasks.map((t) => t.id);
    const changed = await org.api.post('/api/v1/tasks/bulk', { ids, set: { assigneeId: tom.id, priority: 'high', dueAt: '2026-03-10T09:00:00Z' } });
    expect(changed.status).toBe(200);
    expect(changed.body.items.map((t: any) => [t.assigneeId, t.priority, t.dueAt, t.version])).toEqual(Array(3).fill([tom.id, 'high', '2026-03-10T09:00:00.000Z', 2]));
    await org.api.patch(`/api/v1/tasks/${tasks[2].key}`, { status: 'done' });
    const refused = await org.api.post('/api/v1/tasks/bulk', { ids, set: { status: 'in_progress' } });
    expect(refused.status).toBe(409);
    const after = await Promise.all(tasks.map((t) => org.api.get(`/api/v1/tasks/${t.key}`)));
    expect(after.map((r) => r.body.status)).toEqual(['open', 'open', 'done']);
    const missing = await org.api.post('/api/v1/tasks/bulk', { ids: [ids[0], 'nope'], set: { priority: 'low' } });
    expect(missing.status).toBe(404);
    expect(missing.body.errors).toEqual([{ path: 'ids.1', message: 'no such task' }]);
    expect((await org.api.get(`/api/v1/tasks/${tasks[0].key}`)).body.priority).toBe('high');
    const needsReason = await org.api.post('/api/v1/tasks/bulk', { ids: ids.slice(0, 2), set: { status: 'waiting' } });
    expect(needsReason.status).toBe(400);
    expect(needsReason.body.errors[0].path).toBe('set.waitingOn');
    const empty = await org.api.post('/api/v1/tasks/bulk', { ids, set: {} });
    expect(empty.status).toBe(400);
    const deleted = await org.api.post('/api/v1/tasks/bulk', { ids, delete: true });
    expect(deleted.body.deleted).toBe(3);
    expect((await org.api.get('/api/v1/tasks?status=all')).body.items).toEqual([]);
  });

  it('refuses a bulk change a member may not make, changing nothing', async () => {
    const org = await ctx.signup();
    const tom = await ctx.addUser(org, 'member');
    const ann = await ctx.addUser(org, 'member');
    const mine = await ctx.createTask(tom.api, { title: 'Mine' });
    const others = await ctx.createTask(org.api, { title: 'Owner’s' });
    const res = await tom.api.post('/api/v1/tasks/bulk', { ids: [mine.id, others.id], delete: true });
    expect(res.status).toBe(403);
    expect((await org.api.get('/api/v1/tasks')).body.items).toHaveLength(2);
    expect((await tom.api.post('/api/v1/tasks/bulk', { ids: [mine.id], set: { assigneeId: ann.id } })).status).toBe(403);
  });
});
