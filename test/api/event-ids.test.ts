// An integration's event ids are its organisation's own: another organisation
// posting the same id first neither blocks it nor learns of it, while the same
// organisation posting an id again is still the same event (idempotent).
import { Migrator, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrationsFor } from '../../src/platform/db/migrations.ts';
import { testDatabases } from '../support/databases.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';

forEachDatabase('event ids per organisation', (ctx) => {
  const tasksOf = async (org: Org) => (await org.api.get('/api/v1/tasks?status=all&limit=200')).body.items as { title: string }[];
  const chaseRule = (org: Org) =>
    org.api.post('/api/v1/rules', { name: 'Chase', trigger: { event: 'invoice.overdue' }, actions: [{ type: 'create_task', title: 'Chase {{data.number}}', allowDuplicates: true }] });

  it('lets an organisation use an id another organisation used first, as its own event; the same organisation again is the same event', async () => {
    const a = await ctx.signup('A Plumbing');
    const b = await ctx.signup('B Heating');
    expect((await chaseRule(a)).status).toBe(201);
    const squat = await b.api.post('/api/v1/events', { id: 'inv-2000-overdue', type: 'invoice.overdue', subject: { type: 'invoice', id: 'b-1' }, data: { number: 'B-1' } });
    expect(squat.status, squat.text).toBe(202);

    const mine = await a.api.post('/api/v1/events', { id: 'inv-2000-overdue', type: 'invoice.overdue', subject: { type: 'invoice', id: '2000' }, data: { number: 'INV-2000' } });
    expect(mine.status, mine.text).toBe(202);
    expect(mine.body).toMatchObject({ id: 'inv-2000-overdue', subject: { type: 'invoice', id: '2000' }, data: { number: 'INV-2000' } });
    // Posting it again is the same event, not a second one (nor a 409).
    const again = await a.api.post('/api/v1/events', { id: 'inv-2000-overdue', type: 'invoice.overdue', subject: { type: 'invoice', id: '2000' }, data: { number: 'other' } });
    expect(again.status, again.text).toBe(202);
    expect(again.body).toEqual(mine.body);
    // B's event is still B's.
    const theirs = await b.api.post('/api/v1/events', { id: 'inv-2000-overdue', type: 'invoice.overdue', subject: { type: 'invoice', id: 'x' } });
    expect(theirs.body.subject).toEqual({ type: 'invoice', id: 'b-1' });

    await ctx.server.automation.drain();
    expect((await tasksOf(a)).map((t) => t.title)).toEqual(['Chase INV-2000']);
    expect(await tasksOf(b)).toEqual([]);
    const runs = (await a.api.get('/api/v1/automation/runs?eventId=inv-2000-overdue')).body.items as unknown[];
    expect(runs.length).toBe(1);
  });

  it('takes a batch holding ids another organisation used, and a batch again is idempotent per id', async () => {
    const a = await ctx.signup('A Plumbing');
    const b = await ctx.signup('B Heating');
    const events = (prefix: string) => [1, 2, 3].map((n) => ({ id: `call-${n}`, type: 'call.missed', subject: { type: 'call', id: `${prefix}${n}` }, data: {} }));
    expect((await b.api.post('/api/v1/events/batch', { events: events('b') })).status).toBe(202);

    const first = await a.api.post('/api/v1/events/batch', { events: events('a') });
    expect(first.status, first.text).toBe(202);
    expect(first.body).toEqual({ ids: ['call-1', 'call-2', 'call-3'], created: 3 });
    const again = await a.api.post('/api/v1/events/batch', { events: [...events('a'), { id: 'call-4', type: 'call.missed', subject: { type: 'call', id: 'a4' }, data: {} }] });
    expect(again.status, again.text).toBe(202);
    expect(again.body).toEqual({ ids: ['call-1', 'call-2', 'call-3', 'call-4'], created: 1 });
    // A single post of an id the batch recorded is the batch's event.
    const single = await a.api.post('/api/v1/events', { id: 'call-2', type: 'call.missed', subject: { type: 'call', id: 'zzz' } });
    expect(single.body.subject).toEqual({ type: 'call', id: 'a2' });
  });

  it('records one event when the same organisation posts one id many times at once', async () => {
    const a = await ctx.signup();
    const b = await ctx.signup();
    await b.api.post('/api/v1/events', { id: 'race-1', type: 'call.missed', subject: { type: 'call', id: 'b' } });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0
        ? a.api.post('/api/v1/events', { id: 'race-1', type: 'call.missed', subject: { type: 'call', id: 'a' } })
        : a.api.post('/api/v1/events/batch', { events: [{ id: 'race-1', type: 'call.missed', subject: { type: 'call', id: 'a' } }] })));
    for (const answer of answers) expect(answer.status, answer.text).toBe(202);
    const created = answers.filter((r) => r.body.created !== undefined).reduce((sum, r) => sum + (r.body.created as number), 0);
    expect(created).toBeLessThanOrEqual(1);
    const count = await ctx.server.deps.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '=', 'race-1').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
  });
});

// The upgrade keeps every event, its seq and the sequence, and only then allows one id per organisation.
describe.each(await testDatabases())('migration 0022 on an existing database [$name]', (choice) => {
  const database = choice.make();
  afterAll(() => database.drop());
  it.skipIf(choice.skip !== null)('keeps the events and their seqs, and relaxes the id to unique per organisation', async () => {
    const { db, close } = openDatabase(await database.create());
    try {
      const all = migrationsFor(choice.name);
      const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0022'));
      const upTo = new Migrator({ db, provider: { getMigrations: async () => before }, allowUnorderedMigrations: true });
      expect((await upTo.migrateToLatest()).error).toBeUndefined();
      const row = (id: string, org: string) => ({ id, org_id: org, type: 'call.missed', subject_type: 'call', subject_id: '1', data: '{}', actor_id: null, occurred_at: 1, depth: 0 });
      for (const [id, org] of [['e-1', 'org-a'], ['e-2', 'org-a'], ['e-3', 'org-b']] as const) await db.insertInto('events').values(row(id, org)).execute();
      const seqs = (await db.selectFrom('events').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
      await db.deleteFrom('events').where('id', '=', 'e-3').execute();
      await expect(db.insertInto('events').values(row('e-1', 'org-b')).execute()).rejects.toThrow();

      const latest = new Migrator({ db, provider: { getMigrations: async () => all }, allowUnorderedMigrations: true });
      const result = await latest.migrateToLatest();
      expect(result.error).toBeUndefined();
      expect(result.results?.map((r) => r.migrationName)).toContain('0022_event_ids_per_org');

      const kept = await db.selectFrom('events').select(['seq', 'id', 'org_id']).orderBy('seq').execute();
      expect(kept.map((r) => ({ ...r, seq: Number(r.seq) }))).toEqual([{ seq: seqs[0], id: 'e-1', org_id: 'org-a' }, { seq: seqs[1], id: 'e-2', org_id: 'org-a' }]);
      await db.insertInto('events').values(row('e-1', 'org-b')).execute();
      // seq goes on after the highest ever given (e-3's), not the highest kept.
      const added = await db.selectFrom('events').select('seq').where('org_id', '=', 'org-b').executeTakeFirstOrThrow();
      expect(Number(added.seq)).toBeGreaterThan(seqs[2]!);
      await expect(db.insertInto('events').values(row('e-1', 'org-a')).execute()).rejects.toThrow();
      if (choice.name === 'sqlite') {
        const indexes = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'events' order by name`.execute(db);
        expect(indexes.rows.map((r) => r.name)).toEqual(['events_org_event_id', 'events_org_type', 'events_pending']);
      }
    } finally {
      await close();
    }
  });
});
