import { expect, it } from 'vitest';
import { forEachDatabase, type Org } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

const DAY = { from: '2026-03-10T00:00:00Z', to: '2026-03-11T00:00:00Z' };

async function titles(api: Client, query: string): Promise<string[]> {
  const res = await api.get(`/api/v1/jobs${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body.items.map((j: { title: string }) => j.title).sort();
}

forEachDatabase('jobs by schedule window (the dispatch board’s reads)', (ctx) => {
  let org: Org;
  let tech: string;
  let other: string;

  const job = (title: string, start: string | null, end: string | null, technicianIds: string[] = []) =>
    ctx.createRecord(org.api, 'jobs', { title, scheduledStart: start, scheduledEnd: end, technicianIds });

  it('lists the jobs overlapping a day: those running into it from the night before, a moment at its start, not one that ended as it began', async () => {
    org = await ctx.signup();
    tech = (await ctx.addUser(org, 'member', 'Tom Tech')).id;
    other = (await ctx.addUser(org, 'member', 'Ola Other')).id;
    await job('Morning tap', '2026-03-10T08:00:00Z', '2026-03-10T10:00:00Z', [tech]);
    await job('Night leak', '2026-03-09T22:00:00Z', '2026-03-10T01:00:00Z', [other]);
    await job('Midnight check', '2026-03-10T00:00:00Z', null, [tech]);
    await job('Ended at midnight', '2026-03-09T23:00:00Z', '2026-03-10T00:00:00Z', [tech]);
    await job('Tomorrow boiler', '2026-03-11T09:00:00Z', '2026-03-11T11:00:00Z', [tech]);
    await job('Needs a slot', null, null);
    await job('Booked, nobody yet', '2026-03-10T13:00:00Z', '2026-03-10T14:00:00Z');

    const window = `?scheduledFrom=${DAY.from}&scheduledTo=${DAY.to}`;
    expect(await titles(org.api, window)).toEqual(['Booked, nobody yet', 'Midnight check', 'Morning tap', 'Night leak']);
    expect(await titles(org.api, `${window}&technician=${tech}`)).toEqual(['Midnight check', 'Morning tap']);
    expect(await titles(org.api, `${window}&technician=none`)).toEqual(['Booked, nobody yet']);
    expect(await titles(org.api, '?scheduled=false')).toEqual(['Needs a slot']);
    expect(await titles(org.api, '?scheduled=true&technician=none')).toEqual(['Booked, nobody yet']);
    expect(await titles(org.api, `?scheduledFrom=${DAY.from}&scheduledTo=2026-03-17T00:00:00Z&sort=scheduled`)).toHaveLength(5);
  });

  it('pages through a window with its cursor', async () => {
    const first = await org.api.get(`/api/v1/jobs?scheduledFrom=${DAY.from}&scheduledTo=${DAY.to}&sort=scheduled&limit=2`);
    expect(first.body.items.map((j: { title: string }) => j.title)).toEqual(['Night leak', 'Midnight check']);
    const next = await org.api.get(`/api/v1/jobs?scheduledFrom=${DAY.from}&scheduledTo=${DAY.to}&sort=scheduled&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(next.body.items.map((j: { title: string }) => j.title)).toEqual(['Morning tap', 'Booked, nobody yet']);
    expect(next.body.nextCursor).toBeNull();
  });

  it('names the field of a window that is half given, backwards or not an instant, and an unscheduled filter with a window', async () => {
    const problem = async (query: string) => {
      const res = await org.api.get(`/api/v1/jobs${query}`);
      expect(res.status, res.text).toBe(400);
      return res.body.errors.map((e: { path: string }) => e.path);
    };
    expect(await problem(`?scheduledFrom=${DAY.from}`)).toEqual(['scheduledTo']);
    expect(await problem(`?scheduledTo=${DAY.to}`)).toEqual(['scheduledFrom']);
    expect(await problem(`?scheduledFrom=${DAY.to}&scheduledTo=${DAY.from}`)).toEqual(['scheduledTo']);
    expect(await problem(`?scheduledFrom=${DAY.from}&scheduledTo=${DAY.from}`)).toEqual(['scheduledTo']);
    expect(await problem(`?scheduledFrom=tuesday&scheduledTo=${DAY.to}`)).toEqual(['scheduledFrom']);
    expect(await problem('?scheduled=maybe')).toEqual(['scheduled']);
    expect(await problem(`?scheduledFrom=${DAY.from}&scheduledTo=${DAY.to}&scheduled=false`)).toEqual(['scheduled']);
  });

  it('shows another organisation none of these jobs', async () => {
    const rival = await ctx.signup('Rival Heating');
    expect(await titles(rival.api, `?scheduledFrom=${DAY.from}&scheduledTo=${DAY.to}`)).toEqual([]);
    expect(await titles(rival.api, '?scheduled=false')).toEqual([]);
  });

  it('assigning and timing an unscheduled job in one change (a drop on the board) sends job.scheduled, and its rule makes the task', async () => {
    const rule = await org.api.post('/api/v1/rules', {
      name: 'Prepare booked jobs',
      trigger: { event: 'job.scheduled' },
      actions: [{ type: 'create_task', title: 'Prepare parts for {{record.title}}', assign: { strategy: 'user', userId: tech } }],
    });
    expect(rule.status, rule.text).toBe(201);
    const slot = (await org.api.get('/api/v1/jobs?scheduled=false')).body.items[0];
    const drop = await org.api.patch(`/api/v1/jobs/${slot.id}`, { scheduledStart: '2026-03-10T14:00:00Z', scheduledEnd: '2026-03-10T16:00:00Z', technicianIds: [tech] }, { 'if-match': `"${slot.version}"` });
    expect(drop.status, drop.text).toBe(200);
    expect(drop.body).toMatchObject({ technicianIds: [tech], scheduledStart: '2026-03-10T14:00:00.000Z' });
    await ctx.server.automation.drain();
    const tasks = (await org.api.get(`/api/v1/tasks?link=job:${slot.id}`)).body.items;
    expect(tasks.map((t: { title: string; assigneeId: string }) => [t.title, t.assigneeId])).toEqual([['Prepare parts for Needs a slot', tech]]);
    expect(await titles(org.api, `?scheduledFrom=${DAY.from}&scheduledTo=${DAY.to}&technician=${tech}`)).toEqual(['Midnight check', 'Morning tap', 'Needs a slot']);
  });
});
