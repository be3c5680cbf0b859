// Migrating a test's database part of the way: up to just before the
// migration under test, with old-style rows written there, then the rest.
import { type MigrationResultSet, Migrator } from 'kysely';
import type { DialectName } from '../../src/platform/db/database.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { migrationsFor } from '../../src/platform/db/migrations.ts';

/** Runs the migrations whose names `keep` accepts that have not run yet, in order. */
export function migrateWhere(db: Db, dialect: DialectName, keep: (name: string) => boolean): Promise<MigrationResultSet> {
  const chosen = Object.fromEntries(Object.entries(migrationsFor(dialect)).filter(([name]) => keep(name)));
  return new Migrator({ db, provider: { getMigrations: async () => chosen }, allowUnorderedMigrations: true }).migrateToLatest();
}
