// Migration 0005_audit (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';

/** The audit log (audit/) and the per-account login throttle (people/). */
export function audit(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject_type', 'text')
        .addColumn('subject_id', 'text')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('ip', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await s.createIndex('audit_log_org').on('audit_log').columns(['org_id', 'id']).execute();
      await s.createIndex('audit_log_org_action').on('audit_log').columns(['org_id', 'action', 'id']).execute();

      await s
        .createTable('login_throttle')
        .addColumn('email', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
