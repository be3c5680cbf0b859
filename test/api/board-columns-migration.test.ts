// Migration 0030 on an existing database: the board's indexes are rebuilt with
// every task in them that belongs there, and on SQLite the planner's statistics
// of the rebuilt indexes are written, not left to defaults.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { migrateWhere } from '../support/migrate.ts';

const STATUSES = ['open', 'in_progress', 'done', 'done', 'cancelled'] as const;

describe.each(await testDatabases())('migration 0030 on an existing database [$name]', (choice) => {
  const database = choice.make();
  afterAll(() => database.drop());
  it.skipIf(choice.skip !== null)("rebuilds the board's indexes and keeps the planner's figures for them", async () => {
    const { db, close } = openDatabase(await database.create());
    try {
      expect((await migrateWhere(db, choice.name, (name) => name < '0030')).error).toBeUndefined();
      const tasks = Array.from({ length: 20 }, (_, i) => {
        const status = STATUSES[i % STATUSES.length]!;
        return {
          id: `t-${String(i).padStart(2, '0')}`,
          org_id: 'org-a',
          number: i + 1,
          title: `Task ${i}`,
          description: '',
          links: '[]',
          checklist: '[]',
          blocked_by: '[]',
          version: 1,
          status,
          active: status === 'done' || status === 'cancelled' ? 0 : 1,
          priority: 'normal',
          priority_rank: 2,
          due_at: null,
          due_sort: 9_000_000_000_000,
          team_id: `team-${i % 2}`,
          source_kind: 'manual',
          created_at: i,
          updated_at: i,
        };
      });
      await db.insertInto('tasks').values(tasks).execute();
      if (choice.name === 'sqlite') await sql`analyze`.execute(db);

      // Up to 0030 only: later migrations rebuild these indexes again (0032), with statistics of their own.
      const result = await migrateWhere(db, choice.name, (name) => name <= '0030_board_columns');
      expect(result.error).toBeUndefined();
      expect(result.results?.map((r) => r.migrationName)).toContain('0030_board_columns');

      const done = await db.selectFrom('tasks').select('id').where('org_id', '=', 'org-a').where('team_id', '=', 'team-0').where('status', '=', 'done').orderBy('updated_at', 'desc').orderBy('id', 'desc').execute();
      expect(done.map((r) => r.id)).toEqual(tasks.filter((t) => t.team_id === 'team-0' && t.status === 'done').map((t) => t.id).reverse());

      if (choice.name === 'sqlite') {
        const statistics = await sql<{ idx: string; stat: string }>`
          select idx, stat from sqlite_stat1 where tbl = 'tasks' and idx in ('tasks_counts_team', 'tasks_team_due', 'tasks_team_done') order by idx`.execute(db);
        // One figure per column after the row count: 10, 4 and 4 columns; the partial indexes count only their own tasks.
        expect(statistics.rows.map((r) => [r.idx, r.stat.split(' ').length, Number(r.stat.split(' ')[0])])).toEqual([
          ['tasks_counts_team', 11, 20],
          ['tasks_team_done', 5, 8],
          ['tasks_team_due', 5, 8],
        ]);
      }
    } finally {
      await close();
    }
  });
});
