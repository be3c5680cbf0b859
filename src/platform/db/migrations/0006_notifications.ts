// Migration 0006_notifications (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Notifications (notifications/): what each person is told, in the app and by
 * email, their choices per kind, and the daily digest sent to each of them.
 * Rule notices (automation_notices) become notifications of kind rule or escalated.
 */
export function notifications(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('source_key', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text')
        .addColumn('task_key', 'text')
        .addColumn('actor_id', 'text')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('in_app', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('read_at', 'bigint')
        .addColumn('email_state', 'text')
        .addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('email_next_at', 'bigint')
        .addColumn('email_claimed_until', 'bigint')
        .addColumn('email_sent_at', 'bigint')
        .addColumn('email_error', 'text')
        .execute();
      // A re-delivered event finds its notification already there: one per (event, person, kind).
      await s.createIndex('notifications_source').unique().on('notifications').columns(['source_key', 'user_id', 'kind']).execute();
      await s.createIndex('notifications_user').on('notifications').columns(['org_id', 'user_id', 'in_app', 'id']).execute();
      await s.createIndex('notifications_unread').on('notifications').columns(['org_id', 'user_id', 'id']).where(sql.ref('read_at'), 'is', null).execute();
      await s.createIndex('notifications_email_due').on('notifications').column('email_next_at').where(sql.ref('email_state'), '=', 'pending').execute();

      await s
        .createTable('notification_preferences')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('in_app', 'integer', (c) => c.notNull())
        .addColumn('email', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'kind'])
        .execute();

      await s
        .createTable('notification_digests')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('local_date', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_until', 'bigint')
        .addColumn('sent_at', 'bigint')
        .addColumn('error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // One digest per person per local date, however many processes look.
        .addPrimaryKeyConstraint('notification_digests_pk', ['user_id', 'local_date'])
        .execute();
      await s.createIndex('notification_digests_org_date').on('notification_digests').columns(['org_id', 'local_date']).execute();
      await s.createIndex('notification_digests_due').on('notification_digests').column('next_at').where(sql.ref('state'), '=', 'pending').execute();

      await sql`
        insert into notifications (id, org_id, user_id, kind, source_key, task_id, message, in_app, created_at, read_at, email_attempts)
        select id, org_id, user_id,
               case when message like 'Escalated to you%' then 'escalated' else 'rule' end,
               coalesce(event_id, id) || ':' || coalesce(rule_id, '') || ':' || id,
               task_id, message, 1, created_at, delivered_at, 0
        from automation_notices`.execute(db);
      await s.dropTable('automation_notices').execute();
    },
  };
}
