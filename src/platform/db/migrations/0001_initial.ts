// Migration 0001_initial (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.ts';

type Schema = Kysely<unknown>['schema'];

export function initial(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createTable('orgs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('business_hours', 'text', (c) => c.notNull())
        .addColumn('holidays', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('task_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();

      await s
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('working_hours', 'text')
        .addColumn('time_off', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await s.createIndex('users_org').on('users').columns(['org_id', 'name']).execute();

      await s
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('manager_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await s.createIndex('teams_org_name').unique().on('teams').columns(['org_id', 'name']).execute();

      await s
        .createTable('team_members')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
        .execute();
      await s.createIndex('team_members_user').on('team_members').columns(['org_id', 'user_id']).execute();

      await s
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await s.createIndex('tokens_user').on('tokens').columns(['org_id', 'user_id', 'kind']).execute();

      await createTasks(s);
      await createEvents(s, dialect);

      await s
        .createTable('idempotency_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
        .execute();
    },
  };
}

async function createTasks(s: Schema): Promise<void> {
  await s
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('number', 'bigint', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('priority_rank', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'bigint')
    .addColumn('due_sort', 'bigint', (c) => c.notNull())
    .addColumn('assignee_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('links', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('checklist', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('waiting_on', 'text')
    .addColumn('blocked_reason', 'text')
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('source_rule_id', 'text')
    .addColumn('source_event_id', 'text')
    .addColumn('recurrence', 'text')
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('tasks_org_number').unique().on('tasks').columns(['org_id', 'number']).execute();
  // The lists people open all day: mine / a team's / everyone's, open first, by due date.
  await s.createIndex('tasks_assignee_due').on('tasks').columns(['org_id', 'assignee_id', 'active', 'due_sort', 'id']).execute();
  await s.createIndex('tasks_team_due').on('tasks').columns(['org_id', 'team_id', 'active', 'due_sort', 'id']).execute();
  await s.createIndex('tasks_org_due').on('tasks').columns(['org_id', 'active', 'due_sort', 'id']).execute();
  await s.createIndex('tasks_org_created').on('tasks').columns(['org_id', 'created_at', 'id']).execute();
  await s.createIndex('tasks_org_updated').on('tasks').columns(['org_id', 'updated_at', 'id']).execute();

  await s
    .createTable('task_links')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_links_pk', ['task_id', 'record_type', 'record_id'])
    .execute();
  await s.createIndex('task_links_record').on('task_links').columns(['org_id', 'record_type', 'record_id', 'task_id']).execute();

  await s
    .createTable('task_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .execute();
  await s.createIndex('task_history_task').on('task_history').columns(['task_id', 'at', 'id']).execute();

  await s
    .createTable('task_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('task_comments_task').on('task_comments').columns(['task_id', 'created_at', 'id']).execute();
}

async function createEvents(s: Schema, dialect: DialectName): Promise<void> {
  await s
    .createTable('events')
    .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'bigint')
    .execute();
  // A worker claims the oldest unprocessed events: a partial index keeps that
  // one short range however many events have been handled.
  await s
    .createIndex('events_pending')
    .on('events')
    .column('seq')
    .where(sql.ref('processed_at'), 'is', null)
    .execute();
  await s.createIndex('events_subject').on('events').columns(['org_id', 'subject_type', 'subject_id', 'seq']).execute();
}
