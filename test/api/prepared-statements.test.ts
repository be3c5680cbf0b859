// On PostgreSQL the hot queries (those QueryShapes compiles once) run as named
// statements, parsed once per connection; a schema change under one (a
// migration by another process) must not fail the queries that follow.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase, QueryShapes } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrations.ts';
import type { TaskRow } from '../../src/tasks/store.ts';
import * as tasks from '../../src/tasks/store.ts';
import { testDatabases } from '../support/databases.ts';

const choices = (await testDatabases()).filter((c) => c.name === 'postgres');

describe.each(choices)('named statements [$name]', (choice) => {
  describe.skipIf(choice.skip !== null)(choice.skip ? `skipped: ${choice.skip}` : 'one database', () => {
    const database = choice.make();
    let opened: OpenDatabase;

    beforeAll(async () => {
      opened = openDatabase(await database.create());
      await migrateToLatest(opened.db);
      await opened.db.insertInto('auth_epochs').values({ org_id: 'org_a', epoch: 3 }).execute();
    });
    afterAll(async () => {
      await opened?.close();
      await database.drop();
    });

    const shapes = new QueryShapes();
    const epochOf = (orgId: string) => shapes.run(opened.db, 'epoch', [orgId], () => opened.db.selectFrom('auth_epochs').selectAll().where('org_id', '=', orgId));

    it('runs a shaped query under a name, prepared on the connection', async () => {
      for (let i = 0; i < 3; i++) expect(await epochOf('org_a')).toEqual([{ org_id: 'org_a', epoch: 3 }]);
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements where name like 'fl_%'`.execute(opened.db);
      expect(prepared.rows.map((r) => r.statement)).toContain('select * from "auth_epochs" where "org_id" = $1');
    });

    it("keeps one plan for a person's open tasks, instead of planning the list again on every run", async () => {
      // Like a business some years in: one task in fifty still open, twenty people with a thousand each.
      const rows: TaskRow[] = Array.from({ length: 20_000 }, (_, i) => {
        const open = i % 50 === 0;
        return {
          id: `task_${i}`, org_id: 'org_plans', number: i + 1, title: `Task ${i}`, description: '', status: open ? 'open' : 'done', active: open ? 1 : 0,
          priority: 'normal', priority_rank: 2, due_at: null, due_sort: 8_640_000_000_000_000, assignee_id: `user_${Math.floor(i / 1000)}`, team_id: null, links: '[]', checklist: '[]',
          waiting_on: null, blocked_reason: null, source_kind: 'manual', source_rule_id: null, source_event_id: null, recurrence: null, created_by_id: null,
          created_at: i, updated_at: i, completed_at: open ? null : i, version: 1, waiting_until: null, waiting_since: null, blocked_by: '[]', automation_key: null, dedupe_key: null,
        };
      });
      for (let i = 0; i < rows.length; i += 1000) await opened.db.insertInto('tasks').values(rows.slice(i, i + 1000)).execute();
      await sql`analyze tasks`.execute(opened.db);
      const plans = await opened.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 12; i++) {
          const page = await tasks.listTasks(trx, 'org_plans', { assigneeId: `user_${i % 20}`, statuses: ['open', 'in_progress', 'waiting', 'blocked'] }, { key: 'due', descending: false }, { limit: 51 });
          expect(page).toHaveLength(20);
        }
        return sql<{ generic_plans: number }>`select generic_plans from pg_prepared_statements where statement like '%from "tasks" left join "task_series"%'`.execute(trx);
      });
      expect(plans.rows).toHaveLength(1);
      expect(Number(plans.rows[0]!.generic_plans)).toBeGreaterThan(0);
    });

    it('answers as before when a column is added under a prepared statement', async () => {
      await sql`alter table auth_epochs add column extra integer not null default 7`.execute(opened.db);
      expect(await epochOf('org_a')).toEqual([{ org_id: 'org_a', epoch: 3, extra: 7 }]);
      expect(await epochOf('org_a')).toEqual([{ org_id: 'org_a', epoch: 3, extra: 7 }]);
    });
  });
});
