// Migration 0002_records (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';

/** CRM records (records/): pipelines, contacts, clients, leads and their history, jobs, services. */
export function records(): Migration {
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
