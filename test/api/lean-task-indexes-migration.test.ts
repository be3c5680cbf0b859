// Migration 0032 on an existing database: the indexes on tasks rebuilt to
// hold what their queries read (open tasks, completed tasks), every task in
// them that belongs there, and on SQLite the planner's statistics of the
// rebuilt indexes written from the old ones, not left to defaults.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/database.ts';
import { listTasks } from '../../src/tasks/store.ts';
import { testDatabases } from '../support/databases.ts';
import { migrateWhere } from '../support/migrate.ts';

const STATUSES = ['open', 'in_progress', 'done', 'done', 'cancelled'] as const;
const OPEN = ['open', 'in_progress', 'waiting', 'blocked'] as const;

describe.each(await testDatabases())('migration 0032 on an existing database [$name]', (choice) => {
  const database = choice.make();
  afterAll(() => database.drop());
  it.skipIf(choice.skip !== null)('rebuilds the indexes on tasks leaner and keeps the planner\'s figures for them', async () => {
    const { db, close } = openDatabase(await database.create());
    try {
      expect((await migrateWhere(db, choice.name, (name) => name < '0032')).error).toBeUndefined();
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
          due_at: 1_000 - i,
          due_sort: 1_000 - i,
          assignee_id: `user-${i % 2}`,
          team_id: `team-${i % 2}`,
          source_kind: 'manual',
          created_at: i,
          updated_at: i,
          completed_at: status === 'done' ? 100 + i : null,
        };
      });
      await db.insertInto('tasks').values(tasks).execute();
      if (choice.name === 'sqlite') await sql`analyze`.execute(db);

      const result = await migrateWhere(db, choice.name, () => true);
      expect(result.error).toBeUndefined();
      expect(result.results?.map((r) => r.migrationName)).toContain('0032_lean_task_indexes');

      const byDue = (keep: (t: (typeof tasks)[number]) => boolean) => tasks.filter(keep).sort((a, b) => a.due_sort - b.due_sort).map((t) => t.id);
      const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
      const due = { key: 'due', descending: false } as const;
      expect(ids(await listTasks(db, 'org-a', { statuses: [...OPEN] }, due, { limit: 50 }))).toEqual(byDue((t) => t.active === 1));
      expect(ids(await listTasks(db, 'org-a', { statuses: ['done'] }, due, { limit: 50 }))).toEqual(byDue((t) => t.status === 'done'));
      expect(ids(await listTasks(db, 'org-a', { statuses: ['done', 'cancelled'] }, due, { limit: 50 }))).toEqual(byDue((t) => t.active === 0));
      expect(ids(await listTasks(db, 'org-a', { teamId: 'team-1', statuses: ['done', 'cancelled'] }, due, { limit: 50 }))).toEqual(byDue((t) => t.active === 0 && t.team_id === 'team-1'));
      expect(ids(await listTasks(db, 'org-a', { assigneeId: 'user-0', statuses: [...OPEN] }, due, { limit: 50 }))).toEqual(byDue((t) => t.active === 1 && t.assignee_id === 'user-0'));
      expect(ids(await listTasks(db, 'org-a', { assigneeId: 'user-1', statuses: ['cancelled'] }, due, { limit: 50 }))).toEqual(byDue((t) => t.status === 'cancelled' && t.assignee_id === 'user-1'));
      const completed = await db.selectFrom('tasks').select('id').where('org_id', '=', 'org-a').where('completed_at', '>=', 0).orderBy('completed_at').execute();
      expect(ids(completed)).toEqual(tasks.filter((t) => t.completed_at !== null).map((t) => t.id));

      if (choice.name === 'postgres') {
        const indexes = await sql<{ name: string; def: string }>`
          select indexname as name, indexdef as def from pg_indexes where tablename = 'tasks' and indexname in ('tasks_report_open', 'tasks_report_completed') order by indexname`.execute(db);
        expect(indexes.rows.map((r) => [r.name, /WHERE \((active = 1|completed_at IS NOT NULL)\)$/.test(r.def)])).toEqual([
          ['tasks_report_completed', true],
          ['tasks_report_open', true],
        ]);
        return;
      }
      const statistics = await sql<{ idx: string; stat: string }>`
        select idx, stat from sqlite_stat1 where tbl = 'tasks'
        and idx in ('tasks_report_open', 'tasks_counts_status', 'tasks_assignee_due', 'tasks_counts_assignee', 'tasks_team_due', 'tasks_counts_team', 'tasks_report_completed', 'tasks_report_team')
        order by idx`.execute(db);
      // One figure per column after the entries; the partial indexes count only their own tasks (8 open, 8 completed of 20).
      expect(statistics.rows.map((r) => [r.idx, r.stat.split(' ').length, Number(r.stat.split(' ')[0])])).toEqual([
        ['tasks_assignee_due', 5, 8],
        ['tasks_counts_assignee', 10, 20],
        ['tasks_counts_status', 8, 20],
        ['tasks_counts_team', 11, 20],
        ['tasks_report_completed', 10, 8],
        ['tasks_report_open', 12, 8],
        ['tasks_team_due', 6, 20],
      ]);
      const gone = await sql<{ name: string }>`select name from sqlite_schema where type = 'index' and name = 'tasks_report_team'`.execute(db);
      expect(gone.rows).toEqual([]);
    } finally {
      await close();
    }
  });
});
