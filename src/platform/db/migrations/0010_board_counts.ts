// Migration 0010_board_counts (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';

/**
 * Indexes the board's counts per status read instead of the table: the whole
 * organisation, one team, or one person, each grouped by status with every
 * other filter column beside it.
 */
export function boardCounts(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s.createIndex('tasks_counts_status').on('tasks').columns(['org_id', 'status', 'active', 'priority', 'due_at', 'team_id', 'assignee_id']).execute();
      await s.createIndex('tasks_counts_team').on('tasks').columns(['org_id', 'team_id', 'status', 'active', 'priority', 'due_at', 'assignee_id']).execute();
      await s.createIndex('tasks_counts_assignee').on('tasks').columns(['org_id', 'assignee_id', 'status', 'active', 'priority', 'due_at', 'team_id']).execute();
    },
  };
}
