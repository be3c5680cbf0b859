// A task's history as the API answers it, from its creation on: the creation's
// entries (status, and the assignee, team, due date and priority it was
// created with) then every change, each with an id that stays the same from
// one read to the next.
import { expect, it } from 'vitest';
import { forEachDatabase } from '../support/harness.ts';

const ULID = /^[0-9a-hjkmnp-tv-z]{26}$/;

interface Entry {
  id: string;
  at: string;
  actorId: string | null;
  field: string;
  from: string | null;
  to: string | null;
}

forEachDatabase('a task history from its creation', (ctx) => {
  const MINUTE = 60_000;

  it('shows the creation with its assignee, team, due date and priority, then each change, with the same ids on every read', async () => {
    const org = await ctx.signup();
    const [ann, bob] = [await ctx.addUser(org, 'member', 'Ann'), await ctx.addUser(org, 'member', 'Bob')];
    const team = (await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [ann.id, bob.id] })).body;
    const created = ctx.clock.now();
    const task = await ctx.createTask(org.api, { assigneeId: ann.id, teamId: team.id, dueAt: '2026-03-09T12:00:00Z', priority: 'high' });
    ctx.clock.advance(MINUTE);
    await org.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: bob.id });
    ctx.clock.advance(MINUTE);
    await org.api.patch(`/api/v1/tasks/${task.key}`, { priority: 'urgent' });
    ctx.clock.advance(MINUTE);
    await org.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: ann.id, status: 'in_progress' });

    const read = async () => (await org.api.get(`/api/v1/tasks/${task.key}/history`)).body as { items: Entry[]; nextCursor: null };
    const history = await read();
    const at = (minutes: number) => new Date(created + minutes * MINUTE).toISOString();
    expect(history.items.map(({ id: _id, ...entry }) => entry)).toEqual([
      { at: at(0), actorId: org.user.id, field: 'status', from: null, to: 'open' },
      { at: at(0), actorId: org.user.id, field: 'assigneeId', from: null, to: ann.id },
      { at: at(0), actorId: org.user.id, field: 'teamId', from: null, to: team.id },
      { at: at(0), actorId: org.user.id, field: 'dueAt', from: null, to: '2026-03-09T12:00:00.000Z' },
      { at: at(0), actorId: org.user.id, field: 'priority', from: null, to: 'high' },
      { at: at(1), actorId: org.user.id, field: 'assigneeId', from: ann.id, to: bob.id },
      { at: at(2), actorId: org.user.id, field: 'priority', from: 'high', to: 'urgent' },
      { at: at(3), actorId: org.user.id, field: 'status', from: 'open', to: 'in_progress' },
      { at: at(3), actorId: org.user.id, field: 'assigneeId', from: bob.id, to: ann.id },
    ]);
    expect(history.nextCursor).toBeNull();
    const ids = history.items.map((e) => e.id);
    for (const id of ids) expect(id).toMatch(ULID);
    expect(new Set(ids).size).toBe(ids.length);
    // In the order they are listed: ids rise within an instant.
    expect(ids.slice(0, 5)).toEqual([...ids.slice(0, 5)].sort());
    expect(await read()).toEqual(history);
  });

  it('shows only what the task was created with, and a change in the same instant as a change', async () => {
    const org = await ctx.signup();
    const ann = await ctx.addUser(org, 'member', 'Ann');
    const task = await ctx.createTask(org.api, { assigneeId: null, priority: 'low' });
    await org.api.patch(`/api/v1/tasks/${task.key}`, { assigneeId: ann.id, dueAt: '2026-03-09T12:00:00Z' });
    const history = (await org.api.get(`/api/v1/tasks/${task.key}/history`)).body.items as Entry[];
    expect(history.map((e) => [e.field, e.from, e.to])).toEqual([
      ['status', null, 'open'],
      ['priority', null, 'low'],
      ['assigneeId', null, ann.id],
      ['dueAt', null, '2026-03-09T12:00:00.000Z'],
    ]);
    expect(new Set(history.map((e) => e.at))).toEqual(new Set([new Date(ctx.clock.now()).toISOString()]));
    expect((await org.api.get(`/api/v1/tasks/${task.key}/history`)).body.items).toEqual(history);
  });

  it('keeps apart the entries of changes made in the same instant, each under ids of its own, in the order they were made', async () => {
    const org = await ctx.signup();
    const task = await ctx.createTask(org.api, { priority: 'low' });
    for (const priority of ['normal', 'high', 'urgent']) expect((await org.api.patch(`/api/v1/tasks/${task.key}`, { priority })).status).toBe(200);
    expect((await org.api.patch(`/api/v1/tasks/${task.key}`, { status: 'done' })).status).toBe(200);
    const history = (await org.api.get(`/api/v1/tasks/${task.key}/history`)).body.items as Entry[];
    expect(history.map((e) => [e.field, e.from, e.to])).toEqual([
      ['status', null, 'open'],
      ['assigneeId', null, org.user.id],
      ['priority', null, 'low'],
      ['priority', 'low', 'normal'],
      ['priority', 'normal', 'high'],
      ['priority', 'high', 'urgent'],
      ['status', 'open', 'done'],
    ]);
    const ids = history.map((e) => e.id);
    for (const id of ids) expect(id).toMatch(ULID);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // Another task's entries of the same instant have ids of their own.
    const other = await ctx.createTask(org.api, { priority: 'low' });
    const theirs = (await org.api.get(`/api/v1/tasks/${other.key}/history`)).body.items as Entry[];
    expect(theirs.map((e) => e.id).filter((id) => ids.includes(id))).toEqual([]);
  });

  it('shows the creation of a task made by someone for themselves, and of one whose due date moved while it waited', async () => {
    const org = await ctx.signup();
    const ann = await ctx.addUser(org, 'member', 'Ann');
    const mine = await ctx.createTask(ann.api, { title: 'Order the part' });
    const waiting = await ctx.createTask(org.api, { assigneeId: ann.id, dueAt: '2026-03-09T12:00:00Z' });
    await org.api.patch(`/api/v1/tasks/${waiting.key}`, { status: 'waiting', waitingOn: 'Customer' });
    ctx.clock.advance(60 * MINUTE);
    await org.api.patch(`/api/v1/tasks/${waiting.key}`, { status: 'in_progress' });
    const fields = async (key: string) => ((await org.api.get(`/api/v1/tasks/${key}/history`)).body.items as Entry[]).map((e) => [e.field, e.from, e.to, e.actorId]);
    expect(await fields(mine.key)).toEqual([
      ['status', null, 'open', ann.id],
      ['assigneeId', null, ann.id, ann.id],
      ['priority', null, 'normal', ann.id],
    ]);
    expect(await fields(waiting.key)).toEqual([
      ['status', null, 'open', org.user.id],
      ['assigneeId', null, ann.id, org.user.id],
      ['dueAt', null, '2026-03-09T12:00:00.000Z', org.user.id],
      ['priority', null, 'normal', org.user.id],
      ['status', 'open', 'waiting', org.user.id],
      ['status', 'waiting', 'in_progress', org.user.id],
      ['dueAt', '2026-03-09T12:00:00.000Z', '2026-03-09T13:00:00.000Z', org.user.id],
    ]);
  });
});
