// Migration 0028 on an existing database: the history, links and status-flow
// rollup keep every row; the history's key becomes (task_id, at, id); on
// SQLite the three tables become their keys' b-trees and keep the planner's
// statistics under the new names.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { migrateWhere } from '../support/migrate.ts';

describe.each(await testDatabases())('migration 0028 on an existing database [$name]', (choice) => {
  const database = choice.make();
  afterAll(() => database.drop());
  it.skipIf(choice.skip !== null)('keeps the history, links and rollup, keyed as they are read', async () => {
    const { db, close } = openDatabase(await database.create());
    try {
      expect((await migrateWhere(db, choice.name, (name) => name < '0028')).error).toBeUndefined();
      const history = [
        { id: 'h-3', org_id: 'org-a', task_id: 't-2', actor_id: null, at: 5, field: 'status', from_value: null, to_value: 'open' },
        { id: 'h-1', org_id: 'org-a', task_id: 't-1', actor_id: 'u-1', at: 9, field: 'status', from_value: 'open', to_value: 'done' },
        { id: 'h-2', org_id: 'org-a', task_id: 't-1', actor_id: 'u-1', at: 1, field: 'priority', from_value: null, to_value: 'high' },
      ];
      await db.insertInto('task_history').values(history).execute();
      await db.insertInto('task_links').values({ org_id: 'org-a', task_id: 't-1', record_type: 'job', record_id: 'j-1' }).execute();
      const flow = { org_id: 'org-a', day: 3, team_key: '', source_key: 'manual', link_type: '', from_status: '', to_status: 'open', changes: 2, offset_ms: 10 };
      await db.insertInto('report_status_flows').values(flow).execute();
      if (choice.name === 'sqlite') await sql`analyze`.execute(db);

      const result = await migrateWhere(db, choice.name, () => true);
      expect(result.error).toBeUndefined();
      expect(result.results?.map((r) => r.migrationName)).toContain('0028_compact_history');

      const kept = await db.selectFrom('task_history').selectAll().orderBy('task_id').orderBy('at').orderBy('id').execute();
      expect(kept.map((r) => ({ ...r, at: Number(r.at) }))).toEqual([history[2], history[1], history[0]]);
      expect(await db.selectFrom('task_links').selectAll().execute()).toEqual([{ org_id: 'org-a', task_id: 't-1', record_type: 'job', record_id: 'j-1' }]);
      expect((await db.selectFrom('report_status_flows').selectAll().execute()).map((r) => ({ ...r, changes: Number(r.changes), offset_ms: Number(r.offset_ms) }))).toEqual([flow]);
      // The key: the same entry twice is refused, another id at the same instant is not.
      await expect(db.insertInto('task_history').values(history[0]!).execute()).rejects.toThrow();
      await db.insertInto('task_history').values({ ...history[0]!, id: 'h-4' }).execute();

      if (choice.name === 'sqlite') {
        const tables = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'table' and name in ('task_history', 'task_links', 'report_status_flows') order by name`.execute(db);
        for (const table of tables.rows) expect(table.sql, table.name).toMatch(/without rowid$/i);
        const indexes = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name in ('task_history', 'task_links', 'report_status_flows') order by name`.execute(db);
        expect(indexes.rows.map((r) => r.name)).toEqual(['task_history_status', 'task_links_record']);
        const statistics = await sql<{ tbl: string; idx: string }>`select tbl, idx from sqlite_stat1 where tbl in ('task_history', 'task_links', 'report_status_flows') order by tbl, idx`.execute(db);
        expect(statistics.rows).toEqual([
          { tbl: 'report_status_flows', idx: 'report_status_flows' },
          { tbl: 'task_history', idx: 'task_history' },
          { tbl: 'task_history', idx: 'task_history_status' },
          { tbl: 'task_links', idx: 'task_links' },
          { tbl: 'task_links', idx: 'task_links_record' },
        ]);
      } else {
        const key = await sql<{ definition: string }>`select pg_get_constraintdef(oid) as definition from pg_constraint where conrelid = 'task_history'::regclass and contype = 'p'`.execute(db);
        expect(key.rows.map((r) => r.definition)).toEqual(['PRIMARY KEY (task_id, at, id)']);
      }
    } finally {
      await close();
    }
  });
});
