// Migration 0020_job_schedule_window (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A dispatch board asks for the jobs overlapping a day or a week: those that end
 * (or, with no end, start) at or after its start. This index holds that end per
 * organisation, so the query reads the jobs from the window on instead of every
 * job that ever started before the window's end.
 */
export function jobScheduleWindow(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`create index jobs_org_schedule_end on jobs (org_id, (coalesce(scheduled_end, scheduled_start)))`.execute(db);
    },
  };
}
