// Migration 0012_login_addresses (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';

/**
 * Log-in attempts per client address in the current window, shared by every
 * server process over the database (as login_throttle is per account), and an
 * index on each throttle table's window so expired rows are pruned by range.
 */
export function loginAddresses(): Migration {
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
