// On PostgreSQL the hot queries (those QueryShapes compiles once) run as named
// statements, parsed once per connection; a schema change under one (a
// migration by another process) must not fail the queries that follow.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase, QueryShapes } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrations.ts';
import { testDatabases } from '../support/databases.ts';

const choices = (await testDatabases()).filter((c) => c.name === 'postgres');

describe.each(choices)('named statements [$name]', (choice) => {
  describe.skipIf(choice.skip !== null)(choice.skip ? `skipped: ${choice.skip}` : 'one database', () => {
    const database = choice.make();
    let opened: OpenDatabase;

    beforeAll(async () => {
      opened = openDatabase(await database.create());
      await migrateToLatest(opened.db);
      await opened.db.insertInto('auth_epochs').values({ org_id: 'org_a', epoch: 3 }).execute();
    });
    afterAll(async () => {
      await opened?.close();
      await database.drop();
    });

    const shapes = new QueryShapes();
    const epochOf = (orgId: string) => shapes.run(opened.db, 'epoch', [orgId], () => opened.db.selectFrom('auth_epochs').selectAll().where('org_id', '=', orgId));

    it('runs a shaped query under a name, prepared on the connection', async () => {
      for (let i = 0; i < 3; i++) expect(await epochOf('org_a')).toEqual([{ org_id: 'org_a', epoch: 3 }]);
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements where name like 'fl_%'`.execute(opened.db);
      expect(prepared.rows.map((r) => r.statement)).toContain('select * from "auth_epochs" where "org_id" = $1');
    });

    it('answers as before when a column is added under a prepared statement', async () => {
      await sql`alter table auth_epochs add column extra integer not null default 7`.execute(opened.db);
      expect(await epochOf('org_a')).toEqual([{ org_id: 'org_a', epoch: 3, extra: 7 }]);
      expect(await epochOf('org_a')).toEqual([{ org_id: 'org_a', epoch: 3, extra: 7 }]);
    });
  });
});
