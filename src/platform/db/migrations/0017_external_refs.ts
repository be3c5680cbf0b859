// Migration 0017_external_refs (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';

const LINKABLE_TABLES = ['contacts', 'clients', 'leads', 'jobs', 'services'] as const;

/**
 * References to the same record in another system (a CRM's customer 4711):
 * external_refs finds a record by (organisation, type, source, id) and makes
 * that unique, and lets a record hold one reference per source; each record
 * table keeps a JSON copy of its references, written in the same transaction,
 * so a record is shown without a second read. An event may name more records
 * than its subject (links), which the tasks its rules create link to as well.
 */
export function externalRefs(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createTable('external_refs')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('record_type', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('external_refs_pk', ['org_id', 'record_type', 'source', 'external_id'])
        .execute();
      await s.createIndex('external_refs_record').on('external_refs').columns(['org_id', 'record_type', 'record_id', 'source']).unique().execute();
      for (const table of LINKABLE_TABLES) {
        await s.alterTable(table).addColumn('external_refs', 'text', (c) => c.notNull().defaultTo(sql.lit('[]'))).execute();
      }
      await s.alterTable('events').addColumn('links', 'text').execute();
    },
  };
}
