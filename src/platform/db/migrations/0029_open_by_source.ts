// Migration 0029_open_by_source (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * tasks_report_open also holds each task's source (source_kind, last), so the
 * reports narrowed to a source (the bottlenecks report's pile-ups, open work
 * by record type and leads' follow-ups) count the open tasks from the index
 * alone instead of reading every open task's row for its source: at
 * 1,000,000 tasks, three reads of 53,000 rows per request. The columns before
 * it are unchanged, so every other query reads it as before. On SQLite the
 * planner's statistics of the index are carried over (the new column is
 * unique within the rest of the key, as the task's id already makes it).
 */
export function openBySource(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const statistics = dialect === 'sqlite' ? await statisticsOf(db) : [];
      await db.schema.dropIndex('tasks_report_open').execute();
      await db.schema
        .createIndex('tasks_report_open')
        .on('tasks')
        .columns(['org_id', 'active', 'due_sort', 'id', 'assignee_id', 'team_id', 'priority', 'status', 'created_at', 'updated_at', 'source_kind'])
        .execute();
      for (const stat of statistics) await sql`insert into sqlite_stat1 (tbl, idx, stat) values ('tasks', 'tasks_report_open', ${`${stat} 1`})`.execute(db);
      // Reloads the statistics into the planner without analyzing anything.
      if (statistics.length > 0) await sql`analyze sqlite_schema`.execute(db);
    },
  };
}

async function statisticsOf(db: Kysely<unknown>): Promise<string[]> {
  const present = await sql<{ n: number }>`select count(*) as n from sqlite_schema where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (Number(present.rows[0]!.n) === 0) return [];
  const rows = await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = 'tasks' and idx = 'tasks_report_open'`.execute(db);
  // Dropping the index drops its row too; this says so whatever the version.
  await sql`delete from sqlite_stat1 where tbl = 'tasks' and idx = 'tasks_report_open'`.execute(db);
  return rows.rows.map((row) => row.stat);
}
