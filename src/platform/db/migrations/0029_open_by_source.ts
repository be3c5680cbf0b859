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
 *
 * On SQLite tasks_report_team (id, org, team) takes the source too, so a
 * status change's task is still found by its id from an index that holds all
 * the rollup reads: with tasks_report_open alone covering (org, …, team,
 * source), SQLite without statistics (a bulk load before its ANALYZE) read
 * that index's whole organisation for every change — 70 s instead of 0.2 s
 * to fill the rollup of 20,000 tasks.
 */
export function openBySource(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const statistics = dialect === 'sqlite' ? await statisticsOf(db, 'tasks_report_open') : [];
      await db.schema.dropIndex('tasks_report_open').execute();
      await db.schema
        .createIndex('tasks_report_open')
        .on('tasks')
        .columns(['org_id', 'active', 'due_sort', 'id', 'assignee_id', 'team_id', 'priority', 'status', 'created_at', 'updated_at', 'source_kind'])
        .execute();
      for (const stat of statistics) await sql`insert into sqlite_stat1 (tbl, idx, stat) values ('tasks', 'tasks_report_open', ${`${stat} 1`})`.execute(db);
      if (dialect === 'sqlite') {
        const team = await statisticsOf(db, 'tasks_report_team');
        await db.schema.dropIndex('tasks_report_team').execute();
        await db.schema.createIndex('tasks_report_team').on('tasks').columns(['id', 'org_id', 'team_id', 'source_kind']).execute();
        for (const stat of team) await sql`insert into sqlite_stat1 (tbl, idx, stat) values ('tasks', 'tasks_report_team', ${`${stat} 1`})`.execute(db);
        statistics.push(...team);
      }
      // Reloads the statistics into the planner without analyzing anything.
      if (statistics.length > 0) await sql`analyze sqlite_schema`.execute(db);
    },
  };
}

async function statisticsOf(db: Kysely<unknown>, index: string): Promise<string[]> {
  const present = await sql<{ n: number }>`select count(*) as n from sqlite_schema where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (Number(present.rows[0]!.n) === 0) return [];
  const rows = await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = 'tasks' and idx = ${index}`.execute(db);
  // Dropping the index drops its row too; this says so whatever the version.
  await sql`delete from sqlite_stat1 where tbl = 'tasks' and idx = ${index}`.execute(db);
  return rows.rows.map((row) => row.stat);
}
