// Migration 0023_event_retention (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Handled events older than the retention period are deleted, except those a
 * delayed rule run still waits to fire with: this partial index holds the
 * pending timers' events, so that check is one lookup per event however many
 * timers have fired.
 */
export function eventRetention(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`create index automation_timers_pending_event on automation_timers (org_id, event_id) where fired_at is null and event_id is not null`.execute(db);
    },
  };
}
