// Migration 0004_reports (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';

/**
 * Indexes the reports read instead of the table: one over completions (every
 * column the completion, workload and throughput figures use), one over
 * unresolved work (it extends tasks_org_due's prefix, so the planner always
 * prefers it), and one over status changes by time, so the status flows of a
 * window are one index range.
 */
export function reports(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createIndex('tasks_report_completed')
        .on('tasks')
        .columns(['org_id', 'completed_at', 'created_at', 'due_at', 'assignee_id', 'team_id', 'priority', 'source_kind', 'source_rule_id'])
        .execute();
      await s
        .createIndex('tasks_report_open')
        .on('tasks')
        .columns(['org_id', 'active', 'due_sort', 'assignee_id', 'team_id', 'priority', 'status', 'created_at', 'updated_at'])
        .execute();
      await s.createIndex('task_history_status').on('task_history').columns(['org_id', 'field', 'at', 'task_id', 'from_value', 'to_value']).execute();
      // Each status change in that range finds its task's team in this index alone, not in the table.
      await s.createIndex('tasks_report_team').on('tasks').columns(['id', 'org_id', 'team_id']).execute();
    },
  };
}
