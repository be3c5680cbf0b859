// Migration 0008_recurrence_calendar (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';

/**
 * Recurring tasks, maintenance plans and calendar feeds (recurrence/, plans/,
 * calendar/): where each task stands in its series (one next occurrence per
 * series and occurrence, by a unique key), each service's plan, and each
 * person's secret feed address, stored only as a hash.
 */
export function recurrenceCalendar(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createTable('task_series')
        .addColumn('task_id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('series_id', 'text', (c) => c.notNull())
        .addColumn('previous_id', 'text')
        .addColumn('occurrence_at', 'bigint')
        .addColumn('anchor_at', 'bigint', (c) => c.notNull())
        .addColumn('next_at', 'bigint')
        .execute();
      await s.createIndex('task_series_occurrence').unique().on('task_series').columns(['org_id', 'series_id', 'occurrence_at']).execute();

      await s
        .createTable('service_plans')
        .addColumn('service_id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('recurrence', 'text', (c) => c.notNull())
        .addColumn('lead_time', 'text', (c) => c.notNull())
        .addColumn('anchor_at', 'bigint', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('assignee_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('task_for', 'bigint')
        .addColumn('task_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await s.createIndex('service_plans_task').on('service_plans').columns(['org_id', 'task_id']).execute();

      await s
        .createTable('calendar_feeds')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
