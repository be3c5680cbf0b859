// Migration 0021_two_factor_sso (recorded under this name in kysely_migration: never rename it or change what it does).
import type { Kysely, Migration } from 'kysely';

/**
 * Sign-ins halfway through: a password was right and the second step (a two-factor
 * code, or setting two-factor up when the organisation requires it) is still to come.
 * The token in the answer is stored only as its hash; it is not a session.
 */
export function twoFactorSso(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pending_logins')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('user_agent', 'text')
        .addColumn('address', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pending_logins_user').on('pending_logins').columns(['user_id']).execute();
    },
  };
}
