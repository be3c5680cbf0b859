// Schema migrations, in order. The same list runs on SQLite and PostgreSQL;
// the only dialect difference is how an auto-increment key is spelled.
import { type Kysely, type Migration, type MigrationProvider, Migrator, type QueryExecutorProvider, sql } from 'kysely';
import type { DialectName } from './database.ts';
import type { Db } from './schema.ts';

type Schema = Kysely<unknown>['schema'];

function initial(dialect: DialectName): Migration {
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

/** CRM records (records/): pipelines, contacts, clients, leads and their history, jobs, services. */
function records(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      const recordTable = (name: string) =>
        s
          .createTable(name)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('archived_at', 'bigint');
      // Every list pages by (sort column, id) within one organisation.
      const listIndexes = async (table: string, columns: string[]) => {
        for (const column of columns) {
          await s.createIndex(`${table}_org_${column}`).on(table).columns(['org_id', column, 'id']).execute();
        }
      };

      await recordTable('pipelines')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('stages', 'text', (c) => c.notNull())
        .addColumn('is_default', 'integer')
        .execute();
      await listIndexes('pipelines', ['name', 'created_at', 'updated_at']);
      await s.createIndex('pipelines_org_default').unique().on('pipelines').columns(['org_id', 'is_default']).where(sql.ref('is_default'), '=', 1).execute();

      await recordTable('contacts')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('address', 'text')
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await listIndexes('contacts', ['name', 'created_at', 'updated_at']);

      await recordTable('clients')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('contact_ids', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('address', 'text')
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await listIndexes('clients', ['name', 'created_at', 'updated_at']);

      await recordTable('leads')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text')
        .addColumn('pipeline_id', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision')
        .addColumn('source', 'text')
        .execute();
      await listIndexes('leads', ['title', 'created_at', 'updated_at']);
      await s.createIndex('leads_org_stage').on('leads').columns(['org_id', 'pipeline_id', 'stage', 'created_at', 'id']).execute();
      await s.createIndex('leads_org_contact').on('leads').columns(['org_id', 'contact_id']).execute();

      await s
        .createTable('lead_history')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('lead_id', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('from_value', 'text')
        .addColumn('to_value', 'text')
        .execute();
      await s.createIndex('lead_history_lead').on('lead_history').columns(['org_id', 'lead_id', 'at', 'id']).execute();

      await recordTable('jobs')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text')
        .addColumn('address', 'text')
        .addColumn('scheduled_start', 'bigint')
        .addColumn('scheduled_end', 'bigint')
        .addColumn('start_sort', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('technician_ids', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await listIndexes('jobs', ['title', 'created_at', 'updated_at', 'start_sort']);
      await s.createIndex('jobs_org_client').on('jobs').columns(['org_id', 'client_id', 'start_sort', 'id']).execute();

      await recordTable('services')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text')
        .addColumn('job_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('next_due_at', 'bigint')
        .addColumn('due_sort', 'bigint', (c) => c.notNull())
        .addColumn('due_signalled_for', 'bigint')
        .execute();
      await listIndexes('services', ['title', 'created_at', 'updated_at', 'due_sort']);
      await s.createIndex('services_org_client').on('services').columns(['org_id', 'client_id', 'due_sort', 'id']).execute();
      // The due-date scan looks across organisations; a partial index keeps it to live plans.
      await s.createIndex('services_due_scan').on('services').column('next_due_at').where(sql.ref('archived_at'), 'is', null).execute();
    },
  };
}

/** Automation (automation/): rules, their run log, time triggers, round-robin turns, notices (moved to notifications in 0006); task dependencies and timers. */
function automation(): Migration {
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

/** The audit log (audit/) and the per-account login throttle (people/). */
function audit(): Migration {
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

/**
 * Indexes the reports read instead of the table: one over completions (every
 * column the completion, workload and throughput figures use), one over
 * unresolved work (it extends tasks_org_due's prefix, so the planner always
 * prefers it), and one over status changes by time, so the status flows of a
 * window are one index range.
 */
function reports(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createIndex('tasks_report_completed')
        .on('tasks')
        .columns(['org_id', 'completed_at', 'created_at', 'due_at', 'assignee_id', 'team_id', 'priority', 'source_kind', 'source_rule_id'])
        .execute();
      await s
        .createIndex('tasks_report_open')
        .on('tasks')
        .columns(['org_id', 'active', 'due_sort', 'assignee_id', 'team_id', 'priority', 'status', 'created_at', 'updated_at'])
        .execute();
      await s.createIndex('task_history_status').on('task_history').columns(['org_id', 'field', 'at', 'task_id', 'from_value', 'to_value']).execute();
      // Each status change in that range finds its task's team in this index alone, not in the table.
      await s.createIndex('tasks_report_team').on('tasks').columns(['id', 'org_id', 'team_id']).execute();
    },
  };
}

/** Outbound webhooks (webhooks/): subscriptions and their delivery log, which is also the retry queue. */
function webhooks(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('dead_in_a_row', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('disabled_at', 'bigint')
        .addColumn('disabled_reason', 'text')
        .addColumn('created_by_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await s.createIndex('webhooks_org').on('webhooks').columns(['org_id', 'active', 'id']).execute();

      await s
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('webhook_id', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_seq', 'bigint', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('leased_by', 'text')
        .addColumn('leased_until', 'bigint')
        .addColumn('response_status', 'integer')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('delivered_at', 'bigint')
        .execute();
      // One delivery per (subscription, event) — or per (rule step, event) — however often the event is handed out.
      await s.createIndex('webhook_deliveries_dedupe').unique().on('webhook_deliveries').columns(['webhook_id', 'dedupe_key']).execute();
      // What is due: one range of a partial index over the pending deliveries.
      await s.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['next_attempt_at']).where(sql.ref('status'), '=', 'pending').execute();
      // A subscription's queue in event order (its head is the one to send) and its log, newest first.
      await s.createIndex('webhook_deliveries_queue').on('webhook_deliveries').columns(['webhook_id', 'status', 'event_seq', 'id']).execute();
      await s.createIndex('webhook_deliveries_log').on('webhook_deliveries').columns(['org_id', 'webhook_id', 'id']).execute();
    },
  };
}

/**
 * Per-rule counters (automation/): how many events each rule was checked
 * against and how many missed its conditions. The run log keeps only runs that
 * did or tried something; these count the rest, one upsert per worker batch.
 */
function ruleStats(): Migration {
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

/**
 * Indexes the board's counts per status read instead of the table: the whole
 * organisation, one team, or one person, each grouped by status with every
 * other filter column beside it.
 */
function boardCounts(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s.createIndex('tasks_counts_status').on('tasks').columns(['org_id', 'status', 'active', 'priority', 'due_at', 'team_id', 'assignee_id']).execute();
      await s.createIndex('tasks_counts_team').on('tasks').columns(['org_id', 'team_id', 'status', 'active', 'priority', 'due_at', 'assignee_id']).execute();
      await s.createIndex('tasks_counts_assignee').on('tasks').columns(['org_id', 'assignee_id', 'status', 'active', 'priority', 'due_at', 'team_id']).execute();
    },
  };
}

/**
 * Notifications (notifications/): what each person is told, in the app and by
 * email, their choices per kind, and the daily digest sent to each of them.
 * Rule notices (automation_notices) become notifications of kind rule or escalated.
 */
function notifications(): Migration {
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

/**
 * The status-flow rollup the bottlenecks report reads instead of the history
 * (see src/tasks/statusFlows.ts): one row per organisation, UTC day, team, linked
 * record type and (from, to) status, filled from the history that exists; and
 * the unresolved-work index with the task id, so the reports' joins to links
 * read no table rows.
 */
function reportRollups(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('report_status_flows')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('team_key', 'text', (c) => c.notNull())
        .addColumn('link_type', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text', (c) => c.notNull())
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('changes', 'integer', (c) => c.notNull())
        .addColumn('offset_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_status_flows_pk', ['org_id', 'day', 'team_key', 'link_type', 'from_status', 'to_status'])
        .execute();
      // Filled by 0014_report_flow_sources, which rebuilds the table with each task's source.
      // Unresolved work joined to its links (by record type, lead, status) needs each task's id: in the index, not the table.
      await db.schema.dropIndex('tasks_report_open').execute();
      await db.schema
        .createIndex('tasks_report_open')
        .on('tasks')
        .columns(['org_id', 'active', 'due_sort', 'assignee_id', 'team_id', 'priority', 'status', 'created_at', 'updated_at', 'id'])
        .execute();
    },
  };
}

/**
 * (Re)builds the status-flow rollup from task_history — of one organisation,
 * or of all: what the migration backfills, and what bulk loads that write
 * history directly (demo, benchmark) call afterwards.
 */
export async function fillReportRollups(db: QueryExecutorProvider, orgId?: string): Promise<void> {
  const ofOrg = orgId === undefined ? sql.raw('') : sql`and h.org_id = ${orgId}`;
  if (orgId !== undefined) await sql`delete from report_status_flows where org_id = ${orgId}`.execute(db);
  const day = sql`h.at / 86400000`;
  const columns = sql`h.org_id, ${day}, coalesce(t.team_id, ''), t.source_kind, coalesce(h.from_value, ''), coalesce(h.to_value, '')`;
  await sql`
    insert into report_status_flows (org_id, day, team_key, source_key, from_status, to_status, link_type, changes, offset_ms)
    select ${columns}, '', count(*), sum(h.at % 86400000)
    from task_history h join tasks t on t.id = h.task_id and t.org_id = h.org_id
    where h.field = 'status' ${ofOrg}
    group by ${columns}`.execute(db);
  // A task linked to several records of one type counts once for that type:
  // one row per (change, type) first. The history drives, each change finding
  // its task and then its links by the links' key, the task id (a link is its
  // task's: the task is the org check). CROSS JOIN keeps SQLite in that order;
  // before it, and with no ANALYZE yet, SQLite scanned the links and searched
  // the org's whole status history for each: hours at a million tasks.
  await sql`
    insert into report_status_flows (org_id, day, team_key, source_key, from_status, to_status, link_type, changes, offset_ms)
    select org_id, day, team_key, source_key, from_status, to_status, record_type, count(*), sum(at_ms)
    from (
      select distinct h.id, h.org_id, ${day} as day, coalesce(t.team_id, '') as team_key, t.source_kind as source_key, coalesce(h.from_value, '') as from_status,
        coalesce(h.to_value, '') as to_status, l.record_type, h.at % 86400000 as at_ms
      from task_history h cross join tasks t cross join task_links l
      where h.field = 'status' ${ofOrg} and t.id = h.task_id and t.org_id = h.org_id and l.task_id = t.id
    ) changes
    group by org_id, day, team_key, source_key, from_status, to_status, record_type`.execute(db);
}

/**
 * Recurring tasks, maintenance plans and calendar feeds (recurrence/, plans/,
 * calendar/): where each task stands in its series (one next occurrence per
 * series and occurrence, by a unique key), each service's plan, and each
 * person's secret feed address, stored only as a hash.
 */
function recurrenceCalendar(): Migration {
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

/** A per-organisation counter of changes that end sign-ins: what a server's cache of signed-in tokens is checked against. */
function authEpochs(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('auth_epochs')
        .addColumn('org_id', 'text', (c) => c.primaryKey())
        .addColumn('epoch', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * Log-in attempts per client address in the current window, shared by every
 * server process over the database (as login_throttle is per account), and an
 * index on each throttle table's window so expired rows are pruned by range.
 */
function loginAddresses(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createTable('login_address_throttle')
        .addColumn('ip', 'text', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .execute();
      await s.createIndex('login_address_throttle_window').on('login_address_throttle').columns(['window_start']).execute();
      await s.createIndex('login_throttle_window').on('login_throttle').columns(['window_start']).execute();
    },
  };
}

/**
 * The status-flow rollup gains the task's source (manual, api, rule,
 * recurrence), so a bottlenecks report narrowed to a source reads the rollup
 * too. The rollup is derived from the history: rebuilt, not altered.
 */
function reportFlowSources(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropTable('report_status_flows').execute();
      await db.schema
        .createTable('report_status_flows')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('team_key', 'text', (c) => c.notNull())
        .addColumn('source_key', 'text', (c) => c.notNull())
        .addColumn('link_type', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text', (c) => c.notNull())
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('changes', 'integer', (c) => c.notNull())
        .addColumn('offset_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_status_flows_pk', ['org_id', 'day', 'team_key', 'link_type', 'source_key', 'from_status', 'to_status'])
        .execute();
      await fillReportRollups(db);
    },
  };
}

/** Each organisation's own automation timing: the due-soon lead and the missed-appointment grace (null: the server's default). */
function orgAutomationTiming(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('orgs').addColumn('due_soon_minutes', 'integer').execute();
      await db.schema.alterTable('orgs').addColumn('missed_grace_minutes', 'integer').execute();
    },
  };
}

export function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_records': records(),
    '0003_automation': automation(),
    '0004_reports': reports(),
    '0005_audit': audit(),
    '0006_notifications': notifications(),
    '0009_rule_stats': ruleStats(),
    '0007_webhooks': webhooks(),
    '0008_recurrence_calendar': recurrenceCalendar(),
    '0010_board_counts': boardCounts(),
    '0010_report_rollups': reportRollups(),
    '0011_auth_epochs': authEpochs(),
    '0012_login_addresses': loginAddresses(),
    '0013_org_automation_timing': orgAutomationTiming(),
    '0014_report_flow_sources': reportFlowSources(),
  };
}

export async function migrateToLatest(db: Db, dialect: DialectName): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  // Features land their migrations independently: a database that already ran a later
  // one (e.g. 0005) must still accept an earlier-numbered one added after it (e.g. 0004).
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
