// Migration 0022_event_ids_per_org (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * An event's id (an integration's own, e.g. inv-2000-overdue) is unique within
 * its organisation only: another organisation using the same id neither blocks
 * nor learns of it. PostgreSQL drops the column's unique constraint; SQLite
 * cannot drop a column constraint, so the table is rebuilt from its own
 * definition without it (rows, indexes and the sequence of seq kept).
 */
export function eventIdsPerOrg(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table events drop constraint if exists events_id_key`.execute(db);
      } else {
        await db.transaction().execute(async (trx) => {
          const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'events'`.execute(trx);
          const definition = table.rows[0]!.sql;
          const withoutUnique = definition.replace(/("id" text not null) unique/i, '$1');
          if (withoutUnique === definition) throw new Error('0022_event_ids_per_org: the events table has no unique id column to relax');
          const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'events' and sql is not null`.execute(trx);
          const sequence = await sql<{ seq: number }>`select seq from sqlite_sequence where name = 'events'`.execute(trx);
          await sql.raw(withoutUnique.replace(/^CREATE TABLE "events"/i, 'CREATE TABLE "events_0022"')).execute(trx);
          await sql`insert into events_0022 select * from events`.execute(trx);
          await sql`drop table events`.execute(trx);
          await sql`alter table events_0022 rename to events`.execute(trx);
          for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
          // seq never goes back (a stream's Last-Event-ID counts on it), even where the newest events were removed.
          const before = Number(sequence.rows[0]?.seq ?? 0);
          await sql`update sqlite_sequence set seq = max(seq, ${before}) where name = 'events'`.execute(trx);
        });
      }
      await db.schema.createIndex('events_org_event_id').on('events').columns(['org_id', 'id']).unique().execute();
    },
  };
}
