// Migration 0013_org_automation_timing (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';

/** Each organisation's own automation timing: the due-soon lead and the missed-appointment grace (null: the server's default). */
export function orgAutomationTiming(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('orgs').addColumn('due_soon_minutes', 'integer').execute();
      await db.schema.alterTable('orgs').addColumn('missed_grace_minutes', 'integer').execute();
    },
  };
}
