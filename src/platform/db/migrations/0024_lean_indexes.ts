// Migration 0024_lean_indexes (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Every index on tasks, task_history, task_links and events is paired with
 * the query that needs it in test/api/index-audit.test.ts; this drops or
 * shrinks what no query needed:
 * - tasks_org_due (org, active, due, id) was the leading part of
 *   tasks_report_open: that index now starts with the same four columns and
 *   serves both everyone's list by due date and the reports.
 * - tasks_org_dedupe and tasks_org_automation hold only the tasks that have
 *   such a key (rules' tasks); the automation one takes `active` too, so the
 *   lookup of a rule's open tasks for a subject is one range.
 * - task_history_status holds only the status changes (under half the
 *   history), without the field's name in every entry; the queries name
 *   'status' as a literal so both engines know the partial index applies.
 * - events_subject: no query reads an organisation's events by subject.
 * - PostgreSQL only: tasks_report_team (id, org, team) — PostgreSQL joins the
 *   history to the tasks by hashing the primary key's range, and finds a task
 *   by id through its primary key; SQLite reads the team from it without
 *   touching the table, so it stays there.
 */
export function leanIndexes(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s.dropIndex('tasks_report_open').execute();
      await s
        .createIndex('tasks_report_open')
        .on('tasks')
        .columns(['org_id', 'active', 'due_sort', 'id', 'assignee_id', 'team_id', 'priority', 'status', 'created_at', 'updated_at'])
        .execute();
      await s.dropIndex('tasks_org_due').execute();
      await s.dropIndex('tasks_org_dedupe').execute();
      await sql`create unique index tasks_org_dedupe on tasks (org_id, dedupe_key) where dedupe_key is not null`.execute(db);
      await s.dropIndex('tasks_org_automation').execute();
      await sql`create index tasks_org_automation on tasks (org_id, automation_key, active) where automation_key is not null`.execute(db);
      await s.dropIndex('task_history_status').execute();
      await sql`create index task_history_status on task_history (org_id, at, task_id, from_value, to_value) where field = 'status'`.execute(db);
      await s.dropIndex('events_subject').execute();
      if (dialect === 'postgres') await s.dropIndex('tasks_report_team').execute();
    },
  };
}
