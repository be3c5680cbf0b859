// Migration 0003_automation (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';

/** Automation (automation/): rules, their run log, time triggers, round-robin turns, notices (moved to notifications in 0006); task dependencies and timers. */
export function automation(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createTable('rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('playbook_key', 'text')
        .addColumn('created_by_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await s.createIndex('rules_org_event').on('rules').columns(['org_id', 'event_type', 'enabled']).execute();
      await s.createIndex('rules_org_playbook').unique().on('rules').columns(['org_id', 'playbook_key']).execute();

      await s
        .createTable('automation_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('depth', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('created_task_ids', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('changed_task_ids', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('error', 'text')
        .addColumn('detail', 'text')
        .execute();
      // One run per (event, rule): the guarantee that an event is acted on once, however often it is delivered.
      await s.createIndex('automation_runs_event_rule').unique().on('automation_runs').columns(['event_id', 'rule_id']).execute();
      await s.createIndex('automation_runs_org').on('automation_runs').columns(['org_id', 'id']).execute();
      await s.createIndex('automation_runs_org_rule').on('automation_runs').columns(['org_id', 'rule_id', 'id']).execute();

      await s
        .createTable('automation_timers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_type', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text')
        .addColumn('event_id', 'text')
        .addColumn('basis', 'bigint')
        .addColumn('fire_at', 'bigint', (c) => c.notNull())
        .addColumn('fired_at', 'bigint')
        .execute();
      // The scheduler reads one range of this partial index: what is due and not yet fired.
      await s.createIndex('automation_timers_due').on('automation_timers').column('fire_at').where(sql.ref('fired_at'), 'is', null).execute();
      await s.createIndex('automation_timers_subject').on('automation_timers').columns(['org_id', 'subject_type', 'subject_id']).execute();

      await s
        .createTable('automation_turns')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('turn', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('automation_turns_pk', ['org_id', 'team_id'])
        .execute();

      await s
        .createTable('automation_notices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text')
        .addColumn('rule_id', 'text')
        .addColumn('event_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute();
      await s.createIndex('automation_notices_user').on('automation_notices').columns(['org_id', 'user_id', 'id']).execute();

      await s
        .createTable('task_dependencies')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('blocked_by_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('task_dependencies_pk', ['task_id', 'blocked_by_id'])
        .execute();
      await s.createIndex('task_dependencies_blocker').on('task_dependencies').columns(['org_id', 'blocked_by_id']).execute();

      await s.alterTable('tasks').addColumn('waiting_until', 'bigint').execute();
      await s.alterTable('tasks').addColumn('waiting_since', 'bigint').execute();
      await s.alterTable('tasks').addColumn('blocked_by', 'text', (c) => c.notNull().defaultTo('[]')).execute();
      await s.alterTable('tasks').addColumn('automation_key', 'text').execute();
      await s.alterTable('tasks').addColumn('dedupe_key', 'text').execute();
      // At most one open task per (rule step, record): the key is cleared when the task is done or cancelled.
      await s.createIndex('tasks_org_dedupe').unique().on('tasks').columns(['org_id', 'dedupe_key']).execute();
      await s.createIndex('tasks_org_automation').on('tasks').columns(['org_id', 'automation_key']).execute();

      await s.alterTable('events').addColumn('depth', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      // A dry run replays an organisation's events of one type over a time range.
      await s.createIndex('events_org_type').on('events').columns(['org_id', 'type', 'occurred_at']).execute();
    },
  };
}
