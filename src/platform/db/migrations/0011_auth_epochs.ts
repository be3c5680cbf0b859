// Migration 0011_auth_epochs (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';

/** A per-organisation counter of changes that end sign-ins: what a server's cache of signed-in tokens is checked against. */
export function authEpochs(): Migration {
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
