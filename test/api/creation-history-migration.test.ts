// Migration 0031 on an existing database: the creation rows stored before it
// (assignee, team, due date, priority) are deleted where the history endpoint
// derives them exactly, and kept where it would not; every history answers
// over HTTP as it did before, from fewer rows.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { newId } from '../../src/platform/ids.ts';
import { iso } from '../../src/platform/pagination.ts';
import { buildServer } from '../../src/server.ts';
import { presentedHistoryId } from '../../src/tasks/historyIds.ts';
import { testDatabases } from '../support/databases.ts';
import { client } from '../support/http.ts';

const PASSWORD = 'a long enough password';
const MINUTE = 60_000;

async function serve(databaseUrl: string, clock: ManualClock) {
  const server = await buildServer({ databaseUrl, logLevel: 'silent', sessionTtlMs: 3600_000, clock, automation: { loop: false }, secretKey: randomBytes(32).toString('hex') });
  const baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { server, baseUrl };
}

describe.each(await testDatabases())('migration 0031 on an existing database [$name]', (choice) => {
  const database = choice.make();
  afterAll(() => database.drop());
  it.skipIf(choice.skip !== null)('deletes the creation rows the history derives and answers every history as before', async () => {
    const url = await database.create();
    const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));

    // Tasks made and changed through the API…
    const first = await serve(url, clock);
    const signup = await client(first.baseUrl).post('/api/v1/signup', { orgName: 'Acme', timezone: 'Europe/London', name: 'Olive', email: 'olive@example.test', password: PASSWORD });
    const api = client(first.baseUrl, signup.body.token);
    const person = async (name: string) => (await api.post('/api/v1/users', { name, email: `${name}@example.test`, role: 'member', password: PASSWORD })).body.id as string;
    const [ann, bob] = [await person('ann'), await person('bob')];
    const team = (await api.post('/api/v1/teams', { name: 'Field', memberIds: [ann, bob] })).body.id as string;
    const create = async (body: Record<string, unknown>) => (await api.post('/api/v1/tasks', { title: 'Call back', ...body })).body.key as string;
    const changed = await create({ assigneeId: ann, teamId: team, dueAt: '2026-03-09T12:00:00.123Z', priority: 'high' });
    const sameInstant = await create({ assigneeId: null, priority: 'low' });
    await api.patch(`/api/v1/tasks/${sameInstant}`, { assigneeId: ann });
    const gap = await create({ assigneeId: ann, teamId: team });
    const crossed = await create({ assigneeId: bob, dueAt: '2026-03-10T08:00:00Z' });
    clock.advance(MINUTE);
    await api.patch(`/api/v1/tasks/${changed}`, { assigneeId: bob });
    clock.advance(MINUTE);
    await api.patch(`/api/v1/tasks/${changed}`, { priority: 'urgent', status: 'in_progress' });
    clock.advance(MINUTE);
    await api.patch(`/api/v1/tasks/${changed}`, { assigneeId: ann });
    const keys = [changed, sameInstant, gap, crossed];
    await first.server.close();
    // Each entry stored under a ULID of its own, as before history keys (the one the API showed for it).
    const written = openDatabase(url);
    for (const row of await written.db.selectFrom('task_history').select(['task_id', 'at', 'id']).execute()) {
      await written.db.updateTable('task_history').set({ id: presentedHistoryId(row.task_id, Number(row.at), row.id) }).where('task_id', '=', row.task_id).where('id', '=', row.id).execute();
    }
    await written.close();
    const keyless = await serve(url, clock);
    const derived = new Map<string, { id: string; at: string; actorId: string | null; field: string; from: string | null; to: string | null }[]>();
    for (const key of keys) derived.set(key, (await client(keyless.baseUrl, signup.body.token).get(`/api/v1/tasks/${key}/history`)).body.items);
    await keyless.server.close();

    // … then written as before 0031: every creation row stored, with the ids the endpoint gives them (the server's own: each the next after the status row's).
    const { db, close } = openDatabase(url);
    const tasks = await db.selectFrom('tasks').select(['id', 'number', 'org_id']).execute();
    const taskOf = (key: string) => tasks.find((t) => `T-${t.number}` === key)!;
    for (const key of keys) {
      const task = taskOf(key);
      const items = derived.get(key)!;
      const kept = new Set((await db.selectFrom('task_history').select('id').where('task_id', '=', task.id).execute()).map((r) => r.id));
      const creation = items.filter((e) => !kept.has(e.id));
      const rows = creation.map((e) => ({ id: e.id, org_id: task.org_id, task_id: task.id, actor_id: e.actorId, at: Date.parse(e.at), field: e.field, from_value: null, to_value: e.to }));
      // A row the endpoint would not derive (the task was changed without its history): kept, and so are the task's others.
      if (key === gap) rows[0]!.to_value = bob;
      // Ids that crossed a millisecond do not follow the status row's: kept.
      if (key === crossed) for (const row of rows) row.id = newId();
      await db.insertInto('task_history').values(rows).execute();
    }
    await sql`delete from kysely_migration where name = '0031_creation_history'`.execute(db);
    const stored = async (key: string) =>
      (await db.selectFrom('task_history').selectAll().where('task_id', '=', taskOf(key).id).orderBy('at').orderBy('id').execute()).map((r) => ({
        id: r.id,
        at: iso(Number(r.at)),
        actorId: r.actor_id,
        field: r.field,
        from: r.from_value,
        to: r.to_value,
      }));
    // What the endpoint answered before: the stored rows, in order.
    const before = new Map<string, unknown>();
    for (const key of keys) before.set(key, await stored(key));
    expect(before.get(changed)).toEqual(derived.get(changed));
    const count = async () => Number((await sql<{ n: number }>`select count(*) as n from task_history`.execute(db)).rows[0]!.n);
    const rowsBefore = await count();
    await close();

    const second = await serve(url, clock);
    try {
      const again = client(second.baseUrl, signup.body.token);
      for (const key of keys) expect((await again.get(`/api/v1/tasks/${key}/history`)).body.items, key).toEqual(before.get(key));
      const reopened = openDatabase(url);
      try {
        const left = Number((await sql<{ n: number }>`select count(*) as n from task_history`.execute(reopened.db)).rows[0]!.n);
        // changed: assignee, team, due date, priority. The gap's three and the crossed three stay, and so does sameInstant's priority:
        // a change from nothing in the creation's instant cannot be told from a creation row whose id crossed a millisecond.
        expect(rowsBefore - left).toBe(4);
        const applied = await sql<{ name: string }>`select name from kysely_migration where name = '0031_creation_history'`.execute(reopened.db);
        expect(applied.rows).toHaveLength(1);
      } finally {
        await reopened.close();
      }
    } finally {
      await second.server.close();
    }
  });
});
