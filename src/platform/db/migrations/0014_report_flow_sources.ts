// Migration 0014_report_flow_sources (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';
import { fillReportRollups } from './fillReportRollups.ts';

/**
 * The status-flow rollup gains the task's source (manual, api, rule,
 * recurrence), so a bottlenecks report narrowed to a source reads the rollup
 * too. The rollup is derived from the history: rebuilt, not altered.
 */
export function reportFlowSources(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropTable('report_status_flows').execute();
      await db.schema
        .createTable('report_status_flows')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('team_key', 'text', (c) => c.notNull())
        .addColumn('source_key', 'text', (c) => c.notNull())
        .addColumn('link_type', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text', (c) => c.notNull())
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('changes', 'integer', (c) => c.notNull())
        .addColumn('offset_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_status_flows_pk', ['org_id', 'day', 'team_key', 'link_type', 'source_key', 'from_status', 'to_status'])
        .execute();
      await fillReportRollups(db);
    },
  };
}
