// Migration 0010_report_rollups (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';

/**
 * The status-flow rollup the bottlenecks report reads instead of the history
 * (see src/tasks/statusFlows.ts): one row per organisation, UTC day, team, linked
 * record type and (from, to) status, filled from the history that exists; and
 * the unresolved-work index with the task id, so the reports' joins to links
 * read no table rows.
 */
export function reportRollups(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('report_status_flows')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('team_key', 'text', (c) => c.notNull())
        .addColumn('link_type', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text', (c) => c.notNull())
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('changes', 'integer', (c) => c.notNull())
        .addColumn('offset_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_status_flows_pk', ['org_id', 'day', 'team_key', 'link_type', 'from_status', 'to_status'])
        .execute();
      // Filled by 0014_report_flow_sources, which rebuilds the table with each task's source.
      // Unresolved work joined to its links (by record type, lead, status) needs each task's id: in the index, not the table.
      await db.schema.dropIndex('tasks_report_open').execute();
      await db.schema
        .createIndex('tasks_report_open')
        .on('tasks')
        .columns(['org_id', 'active', 'due_sort', 'assignee_id', 'team_id', 'priority', 'status', 'created_at', 'updated_at', 'id'])
        .execute();
    },
  };
}
