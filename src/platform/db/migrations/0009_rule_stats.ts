// Migration 0009_rule_stats (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';

/**
 * Per-rule counters (automation/): how many events each rule was checked
 * against and how many missed its conditions. The run log keeps only runs that
 * did or tried something; these count the rest, one upsert per worker batch.
 */
export function ruleStats(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rule_stats')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('evaluated', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('missed', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_evaluated_at', 'bigint')
        .addColumn('last_fired_at', 'bigint')
        .addPrimaryKeyConstraint('rule_stats_pk', ['org_id', 'rule_id'])
        .execute();
    },
  };
}
