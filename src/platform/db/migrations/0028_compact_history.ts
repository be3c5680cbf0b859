// Migration 0028_compact_history (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * The history and the status-flow rollup were over half of the database's
 * bytes per task, each row stored twice: once in the table and once in the
 * index every read goes through.
 * - task_history's key is (task_id, at, id), the order a task's history is
 *   read in, instead of the id alone, which no query reads by (ids are still
 *   unique: each is a new ULID); task_history_task, which was that order, is
 *   dropped. On SQLite the table is that key's b-tree (WITHOUT ROWID), so the
 *   rows are stored once, in the order they are read.
 * - SQLite: report_status_flows and task_links are stored as their keys'
 *   b-trees (WITHOUT ROWID) instead of a table plus an index of the same
 *   columns. PostgreSQL keeps their tables and keys. The planner's statistics
 *   of the old tables (sqlite_stat1) are carried over to the same columns
 *   under their new names: dropped, they would be gathered again at start
 *   from a sample, which for an organisation with most of the rows misjudged
 *   the links by organisation as few (the overdue report went from 0.1 to
 *   1.9 s at 1,000,000 tasks).
 */
export function compactHistory(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table task_history drop constraint task_history_pkey`.execute(db);
        await sql`alter table task_history add constraint task_history_pk primary key (task_id, at, id)`.execute(db);
        await db.schema.dropIndex('task_history_task').execute();
        return;
      }
      const statistics = await statisticsOf(db);
      await db.transaction().execute(async (trx) => {
        await sql`
          create table task_history_0028 (
            "id" text not null, "org_id" text not null, "task_id" text not null, "actor_id" text, "at" bigint not null,
            "field" text not null, "from_value" text, "to_value" text,
            constraint "task_history_pk" primary key ("task_id", "at", "id")
          ) without rowid`.execute(trx);
        // In key order, so the new table's pages are filled one after another.
        await sql`
          insert into task_history_0028 (id, org_id, task_id, actor_id, at, field, from_value, to_value)
          select id, org_id, task_id, actor_id, at, field, from_value, to_value from task_history order by task_id, at, id`.execute(trx);
        await sql`drop table task_history`.execute(trx);
        await sql`alter table task_history_0028 rename to task_history`.execute(trx);
        await sql`create index task_history_status on task_history (org_id, at, task_id, from_value, to_value) where field = 'status'`.execute(trx);

        await sql`
          create table report_status_flows_0028 (
            "org_id" text not null, "day" integer not null, "team_key" text not null, "source_key" text not null, "link_type" text not null,
            "from_status" text not null, "to_status" text not null, "changes" integer not null, "offset_ms" bigint not null,
            constraint "report_status_flows_pk" primary key ("org_id", "day", "team_key", "link_type", "source_key", "from_status", "to_status")
          ) without rowid`.execute(trx);
        await sql`
          insert into report_status_flows_0028 (org_id, day, team_key, source_key, link_type, from_status, to_status, changes, offset_ms)
          select org_id, day, team_key, source_key, link_type, from_status, to_status, changes, offset_ms from report_status_flows
          order by org_id, day, team_key, link_type, source_key, from_status, to_status`.execute(trx);
        await sql`drop table report_status_flows`.execute(trx);
        await sql`alter table report_status_flows_0028 rename to report_status_flows`.execute(trx);

        await sql`
          create table task_links_0028 (
            "org_id" text not null, "task_id" text not null, "record_type" text not null, "record_id" text not null,
            constraint "task_links_pk" primary key ("task_id", "record_type", "record_id")
          ) without rowid`.execute(trx);
        await sql`
          insert into task_links_0028 (org_id, task_id, record_type, record_id)
          select org_id, task_id, record_type, record_id from task_links order by task_id, record_type, record_id`.execute(trx);
        await sql`drop table task_links`.execute(trx);
        await sql`alter table task_links_0028 rename to task_links`.execute(trx);
        await sql`create index task_links_record on task_links (org_id, record_type, record_id, task_id)`.execute(trx);
        for (const row of statistics) await sql`insert into sqlite_stat1 (tbl, idx, stat) values (${row.tbl}, ${row.idx}, ${row.stat})`.execute(trx);
      });
      // Reloads the statistics into the planner without analyzing anything.
      if (statistics.length > 0) await sql`analyze sqlite_schema`.execute(db);
    },
  };
}

/** The old tables' index statistics, under the names the same columns have after the rebuild (a key that is now the table is named as the table). */
const RENAMED: Record<string, string> = {
  task_history_task: 'task_history',
  task_history_status: 'task_history_status',
  sqlite_autoindex_task_links_1: 'task_links',
  task_links_record: 'task_links_record',
  sqlite_autoindex_report_status_flows_1: 'report_status_flows',
};

async function statisticsOf(db: Kysely<unknown>): Promise<{ tbl: string; idx: string; stat: string }[]> {
  const present = await sql<{ n: number }>`select count(*) as n from sqlite_schema where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (Number(present.rows[0]?.n ?? 0) === 0) return [];
  const rows = await sql<{ tbl: string; idx: string | null; stat: string }>`
    select tbl, idx, stat from sqlite_stat1 where tbl in ('task_history', 'task_links', 'report_status_flows')`.execute(db);
  return rows.rows.flatMap((row) => (row.idx !== null && RENAMED[row.idx] ? [{ tbl: row.tbl, idx: RENAMED[row.idx]!, stat: row.stat }] : []));
}
