// Migration 0015_accounts (recorded under this name in kysely_migration: never rename it or change what it does).
import type { Kysely, Migration } from 'kysely';

/** Accounts a business runs on its own: invitations, password resets, two-factor sign-in, single sign-on, and where each session came from. */
export function accounts(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s.alterTable('orgs').addColumn('require_two_factor', 'text', (c) => c.notNull().defaultTo('none')).execute();
      await s.alterTable('orgs').addColumn('password_sign_in', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await s.alterTable('tokens').addColumn('user_agent', 'text').execute();
      await s.alterTable('tokens').addColumn('address', 'text').execute();

      await s
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('team_ids', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('invited_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addColumn('accepted_at', 'bigint')
        .addColumn('accepted_user_id', 'text')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await s.createIndex('invitations_org_email').on('invitations').columns(['org_id', 'email']).execute();

      await s
        .createTable('password_resets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await s.createIndex('password_resets_user').on('password_resets').columns(['user_id']).execute();

      // Requests counted per key ("reset-address:…", "reset-email:…") in a window, across every server over the database.
      await s
        .createTable('account_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .execute();

      await s
        .createTable('two_factor')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('confirmed_at', 'bigint')
        .addColumn('last_step', 'bigint')
        .execute();

      await s
        .createTable('recovery_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addUniqueConstraint('recovery_codes_user_code', ['user_id', 'code_hash'])
        .execute();

      await s
        .createTable('sso_providers')
        .addColumn('org_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('client_secret', 'text', (c) => c.notNull())
        .addColumn('allowed_domains', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();

      // A sign-in started at the provider and not yet come back: what the callback must match.
      await s
        .createTable('sso_logins')
        .addColumn('state', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
