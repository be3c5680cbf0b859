// The filter form of POST /api/v1/tasks/bulk: every task a list filter matches,
// changed or deleted in one transaction, but only while it is still the set the
// user saw (the number they were shown), and never more than BULK_MAX.
import { expect, it } from 'vitest';
import { eventsForSubject } from '../../src/platform/outbox.ts';
import { BULK_MAX } from '../../src/tasks/task.ts';
import type { Client } from '../support/http.ts';
import { forEachDatabase } from '../support/harness.ts';

async function createMany(api: Client, count: number, body: (i: number) => Record<string, unknown>): Promise<any[]> {
  const created: any[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) => api.post('/api/v1/tasks', body(i + j)));
    for (const res of await Promise.all(batch)) {
      expect(res.status, res.text).toBe(201);
      created.push(res.body);
    }
  }
  return created;
}

forEachDatabase('bulk change by filter', (ctx) => {
  const count = async (api: Client, query: string) => (await api.get(`/api/v1/tasks/counts?${query}`)).body.total as number;

  it('changes every task the filter matches, beyond a list page, with history and events for each, and says what they were', async () => {
    const org = await ctx.signup();
    const tom = await ctx.addUser(org, 'member', 'Tom');
    const gutters = await createMany(org.api, 205, (i) => ({ title: `Clear gutters at house ${i + 1}`, priority: i % 2 ? 'low' : 'normal', assigneeId: i === 0 ? tom.id : null }));
    await createMany(org.api, 3, (i) => ({ title: `Quote roof repair ${i + 1}`, priority: 'low' }));

    const res = await org.api.post('/api/v1/tasks/bulk', { filter: { q: 'gutters' }, expected: 205, set: { priority: 'urgent', assigneeId: tom.id } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toHaveLength(205);
    expect(res.body.deleted).toBe(0);
    expect(new Set(res.body.items.map((t: any) => `${t.priority} ${t.assigneeId} ${t.version}`))).toEqual(new Set([`urgent ${tom.id} 2`]));
    // What Undo needs: every changed task's fields as they were.
    const before = new Map(gutters.map((t) => [t.id, t]));
    expect(res.body.previous).toHaveLength(205);
    for (const p of res.body.previous) {
      const was = before.get(p.id);
      expect(p).toEqual({ id: was.id, key: was.key, status: 'open', priority: was.priority, dueAt: null, assigneeId: was.assigneeId, teamId: null, waitingOn: null, blockedReason: null });
    }
    expect(await count(org.api, 'q=gutters&priority=urgent')).toBe(205);
    expect(await count(org.api, 'q=roof&priority=low')).toBe(3);

    const last = gutters[204];
    const history = (await org.api.get(`/api/v1/tasks/${last.id}/history`)).body.items.filter((h: any) => h.field === 'assigneeId' || (h.field === 'priority' && h.from !== null));
    expect(history.map((h: any) => [h.field, h.from, h.to]).sort()).toEqual([['assigneeId', null, tom.id], ['priority', last.priority, 'urgent']]);
    const events = (await eventsForSubject(ctx.server.deps.db, org.id, { type: 'task', id: last.id })).map((e) => e.type);
    expect(events).toEqual(['task.created', 'task.assigned', 'task.updated']);
  });

  it('refuses with 409 naming expected, changing nothing, when the matching tasks changed since they were counted', async () => {
    const org = await ctx.signup();
    await createMany(org.api, 4, (i) => ({ title: `Service boiler ${i}` }));
    const grown = await org.api.post('/api/v1/tasks/bulk', { filter: { q: 'boiler' }, expected: 3, set: { priority: 'high' } });
    expect(grown.status).toBe(409);
    expect(grown.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(grown.body.errors).toEqual([{ path: 'expected', message: '4 match now' }]);
    const shrunk = await org.api.post('/api/v1/tasks/bulk', { filter: { q: 'boiler' }, expected: 5, delete: true });
    expect(shrunk.status).toBe(409);
    expect(await count(org.api, 'q=boiler&priority=normal')).toBe(4);
    const none = await org.api.post('/api/v1/tasks/bulk', { filter: { q: 'nothing like this' }, expected: 0, set: { priority: 'high' } });
    expect(none.status, none.text).toBe(200);
    expect(none.body).toEqual({ items: [], deleted: 0, previous: [] });
  });

  it('takes the same filters as the list: status, assignee, team, priority, overdue, dates, link', async () => {
    const org = await ctx.signup();
    const tom = await ctx.addUser(org, 'member', 'Tom');
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [tom.id] })).body;
    const job = await ctx.createRecord(org.api, 'jobs', { title: 'Fit boiler' });
    const at = (h: number) => new Date(ctx.clock.now() + h * 3600_000).toISOString();
    await ctx.createTask(org.api, { title: 'Late and Tom’s', assigneeId: tom.id, teamId: team.id, dueAt: at(-2), priority: 'urgent' });
    await ctx.createTask(org.api, { title: 'On the job', links: [{ type: 'job', id: job.id }], dueAt: at(30), assigneeId: null });
    await ctx.createTask(org.api, { title: 'Already done', status: 'done', assigneeId: null });
    const cases: [Record<string, string>, number][] = [
      [{}, 2],
      [{ status: 'all' }, 3],
      [{ status: 'done' }, 1],
      [{ assignee: tom.id }, 1],
      [{ assignee: 'none' }, 1],
      [{ team: team.id }, 1],
      [{ priority: 'urgent,low' }, 1],
      [{ overdue: 'true' }, 1],
      [{ dueAfter: at(1) }, 1],
      [{ dueBefore: at(1) }, 1],
      [{ link: `job:${job.id}` }, 1],
      [{ q: 'JOB', status: 'open' }, 1],
    ];
    for (const [filter, matching] of cases) {
      // One more than match: the 409 says how many do, and nothing changes.
      const res = await org.api.post('/api/v1/tasks/bulk', { filter, expected: matching + 1, set: { priority: 'low' } });
      expect(res.status, JSON.stringify(filter)).toBe(409);
      expect(res.body.errors, JSON.stringify(filter)).toEqual([{ path: 'expected', message: `${matching} match now` }]);
    }
    const changed = await org.api.post('/api/v1/tasks/bulk', { filter: { overdue: 'true', team: team.id }, expected: 1, set: { priority: 'low' } });
    expect(changed.body.items.map((t: any) => [t.title, t.priority])).toEqual([['Late and Tom’s', 'low']]);
  });

  it('names every invalid field of the filter and of the body', async () => {
    const org = await ctx.signup();
    const paths = async (body: unknown) => {
      const res = await org.api.post('/api/v1/tasks/bulk', body);
      expect(res.status, res.text).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      return res.body.errors.map((e: { path: string }) => e.path).sort();
    };
    expect(await paths({ filter: { status: 'late', priority: 'meh', dueBefore: 'tuesday', dueAfter: '2026-13-01', link: 'boat:1', q: '', overdue: 'sometimes', assignee: '', team: '' }, expected: 1, set: { priority: 'high' } }))
      .toEqual(['filter.assignee', 'filter.dueAfter', 'filter.dueBefore', 'filter.link', 'filter.overdue', 'filter.priority', 'filter.q', 'filter.status', 'filter.team']);
    expect(await paths({ filter: { colour: 'red' }, expected: 1, set: { priority: 'high' } })).toEqual(['filter.colour']);
    expect(await paths({ filter: { sort: 'due' }, expected: 1, set: { priority: 'high' } })).toEqual(['filter.sort']);
    expect(await paths({ filter: { overdue: 'false' }, expected: 1, set: { priority: 'high' } })).toEqual(['filter.overdue']);
    expect(await paths({ filter: {}, set: { priority: 'high' } })).toEqual(['expected']);
    expect(await paths({ filter: {}, expected: -1, set: { priority: 'high' } })).toEqual(['expected']);
    expect(await paths({ filter: {}, expected: 1.5, set: { priority: 'high' } })).toEqual(['expected']);
    expect(await paths({ filter: {}, expected: 1 })).toEqual(['set']);
    expect(await paths({ filter: {}, expected: 1, set: { priority: 'high' }, delete: true })).toEqual(['set']);
    expect(await paths({ filter: {}, ids: ['T-1'], expected: 1, set: { priority: 'high' } })).toEqual(['ids']);
    expect(await paths({ ids: ['T-1'], expected: 1, set: { priority: 'high' } })).toEqual(['expected']);
    expect(await paths({ filter: {}, expected: 0, set: { priority: 'highest' } })).toEqual(['set.priority']);
  });

  it(`refuses a filter that matches more than ${BULK_MAX} tasks, naming filter`, async () => {
    const org = await ctx.signup();
    await createMany(org.api, BULK_MAX + 1, (i) => ({ title: `Flyer drop ${i}` }));
    const res = await org.api.post('/api/v1/tasks/bulk', { filter: { q: 'flyer' }, expected: BULK_MAX + 1, delete: true });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['filter']);
    expect(await count(org.api, 'q=flyer')).toBe(BULK_MAX + 1);
  }, 300_000);

  it('deletes every matching task as the id form does, and keeps a member to what they may do', async () => {
    const org = await ctx.signup();
    const tom = await ctx.addUser(org, 'member', 'Tom');
    const ann = await ctx.addUser(org, 'member', 'Ann');
    await createMany(tom.api, 2, (i) => ({ title: `Tom's leaflet ${i}`, assigneeId: null }));
    await createMany(org.api, 1, () => ({ title: `Owner's leaflet`, assigneeId: null }));
    const refused = await tom.api.post('/api/v1/tasks/bulk', { filter: { q: 'leaflet' }, expected: 3, delete: true });
    expect(refused.status).toBe(403);
    expect((await tom.api.post('/api/v1/tasks/bulk', { filter: { q: 'leaflet' }, expected: 3, set: { assigneeId: ann.id } })).status).toBe(403);
    expect(await count(org.api, 'q=leaflet&assignee=none')).toBe(3);
    const taken = await tom.api.post('/api/v1/tasks/bulk', { filter: { q: 'leaflet' }, expected: 3, set: { assigneeId: tom.id } });
    expect(taken.status, taken.text).toBe(200);
    const deleted = await org.api.post('/api/v1/tasks/bulk', { filter: { q: 'leaflet', assignee: tom.id }, expected: 3, delete: true });
    expect(deleted.body).toEqual({ items: [], deleted: 3, previous: [] });
    expect(await count(org.api, 'q=leaflet&status=all')).toBe(0);
  });

  it('sees only the caller’s organisation: another organisation’s team or people match nothing', async () => {
    const home = await ctx.signup('Home');
    const rival = await ctx.signup('Rival');
    const team = (await home.api.post('/api/v1/teams', { name: 'Field' })).body;
    await createMany(home.api, 2, () => ({ title: 'Home task', teamId: team.id, assigneeId: home.user.id }));
    for (const filter of [{ team: team.id }, { assignee: home.user.id }, {}]) {
      const res = await rival.api.post('/api/v1/tasks/bulk', { filter, expected: 2, delete: true });
      expect(res.status, JSON.stringify(filter)).toBe(409);
      expect(res.body.errors).toEqual([{ path: 'expected', message: '0 match now' }]);
    }
    expect(await count(home.api, `team=${team.id}`)).toBe(2);
  });
});
