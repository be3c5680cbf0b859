// Migration 0027_weekly_summary (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A person may keep their own time zone (null: the organisation's), which
 * their Monday-morning weekly summary follows; and each summary is one row per
 * (organisation, person, ISO week), so it is sent once however many processes
 * look or restart. The row remembers the week it covers, and is sent (claimed
 * with a lease, retried, settled) as the morning digest is.
 */
export function weeklySummary(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s.alterTable('users').addColumn('time_zone', 'text').execute();
      await s
        .createTable('weekly_summaries')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('week', 'text', (c) => c.notNull())
        .addColumn('period_from', 'bigint', (c) => c.notNull())
        .addColumn('period_to', 'bigint', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_until', 'bigint')
        .addColumn('sent_at', 'bigint')
        .addColumn('error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('weekly_summaries_pk', ['org_id', 'user_id', 'week'])
        .execute();
      await s.createIndex('weekly_summaries_due').on('weekly_summaries').column('next_at').where(sql.ref('state'), '=', 'pending').execute();
    },
  };
}
