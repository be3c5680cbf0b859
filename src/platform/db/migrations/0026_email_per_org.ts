// Migration 0026_email_per_org (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * A person's email is unique within their organisation only: the same address
 * may have an account in several businesses, so signing up or being added in
 * one says nothing about the others. PostgreSQL drops the column's unique
 * constraint; SQLite cannot drop a column constraint, so the table is rebuilt
 * from its own definition without it (rows and indexes kept). Both get one
 * unique index on (email, org_id), which also serves sign-in's lookup by email.
 */
export function emailPerOrg(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table users drop constraint if exists users_email_key`.execute(db);
      } else {
        await db.transaction().execute(async (trx) => {
          const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'users'`.execute(trx);
          const definition = table.rows[0]!.sql;
          const withoutUnique = definition.replace(/("email" text not null) unique/i, '$1');
          if (withoutUnique === definition) throw new Error('0026_email_per_org: the users table has no unique email column to relax');
          const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'users' and sql is not null`.execute(trx);
          await sql.raw(withoutUnique.replace(/^CREATE TABLE "users"/i, 'CREATE TABLE "users_0026"')).execute(trx);
          await sql`insert into users_0026 select * from users`.execute(trx);
          await sql`drop table users`.execute(trx);
          await sql`alter table users_0026 rename to users`.execute(trx);
          for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
        });
      }
      await db.schema.createIndex('users_email_org').on('users').columns(['email', 'org_id']).unique().execute();
    },
  };
}
