// Bulk loads (the demo business, benchmarks): many rows of a few tables at
// once, in one transaction per batch. On SQLite through the raw
// better-sqlite3 handle, one prepared insert per table run row by row; on
// PostgreSQL one multi-row insert per table per batch
// (`insert … select * from unnest($1::text[], …)`). Rows are built in full by
// the caller, keys included; nothing else (events, rollups) is written.
import type SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { noteSqliteWrite, type OpenDatabase } from './database.ts';
import type { Db } from './schema.ts';

/** Table name → its rows; every row of a table has the same columns, in the same order. */
export type BulkRows = Record<string, readonly object[]>;

/** Inserts the rows, tables in the order given: in a transaction of its own, or inside `within` when the caller holds one (withoutSecondaryIndexes). */
export async function bulkInsert(database: OpenDatabase, rows: BulkRows, within?: Db): Promise<void> {
  if (database.sqlite) {
    // Inside an open transaction better-sqlite3 makes this a savepoint.
    insertWithSqlite(database.sqlite, rows);
    return;
  }
  const types = await columnTypes(database, Object.keys(rows));
  const insert = async (trx: Db) => {
    for (const [table, all] of Object.entries(rows) as [string, Record<string, unknown>[]][]) {
      if (all.length === 0) continue;
      // One array parameter per column, unnested into rows: a statement of any
      // length with a handful of parameters, which PostgreSQL parses once.
      const columns = Object.keys(all[0]!);
      const arrays = columns.map((column) => sql`${all.map((row) => row[column] ?? null)}::${sql.raw(types.get(`${table}.${column}`)!)}[]`);
      await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(trx);
    }
  };
  if (within) await insert(within);
  else await database.db.transaction().execute(insert);
}

const typeCache = new WeakMap<OpenDatabase, Map<string, string>>();

/** `table.column` → its PostgreSQL type name, for the unnest casts. */
async function columnTypes(database: OpenDatabase, tables: string[]): Promise<Map<string, string>> {
  const types = typeCache.get(database) ?? new Map<string, string>();
  typeCache.set(database, types);
  const missing = tables.filter((table) => ![...types.keys()].some((key) => key.startsWith(`${table}.`)));
  if (missing.length === 0) return types;
  const rows = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select table_name, column_name, data_type from information_schema.columns
    where table_schema = current_schema() and table_name in (${sql.join(missing)})`.execute(database.db);
  for (const r of rows.rows) types.set(`${r.table_name}.${r.column_name}`, r.data_type);
  return types;
}

/**
 * Runs a big load with the tables' secondary indexes dropped, then builds
 * them again from their own definitions: one sort per index instead of a
 * B-tree insert per row per index. Primary keys and constraints stay. It is
 * all one transaction (DDL is transactional on both engines), so a load that
 * fails or is killed leaves the tables, indexes included, as they were; on
 * PostgreSQL other sessions wait for the tables until it commits.
 */
export async function withoutSecondaryIndexes<T>(database: OpenDatabase, tables: readonly string[], load: (trx: Db) => Promise<T>): Promise<T> {
  return database.db.transaction().execute(async (trx) => {
    const indexes = await secondaryIndexes(database, trx, tables);
    for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(trx);
    const result = await load(trx);
    for (const index of indexes) await sql.raw(index.definition).execute(trx);
    return result;
  });
}

async function secondaryIndexes(database: OpenDatabase, db: Db, tables: readonly string[]): Promise<{ name: string; definition: string }[]> {
  if (database.sqlite) {
    const rows = await sql<{ name: string; definition: string }>`
      select name, sql as definition from sqlite_master
      where type = 'index' and sql is not null and tbl_name in (${sql.join([...tables])})`.execute(db);
    return rows.rows;
  }
  const rows = await sql<{ name: string; definition: string }>`
    select i.relname as name, pg_get_indexdef(i.oid) as definition
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = current_schema() and t.relname in (${sql.join([...tables])})
      and not exists (select 1 from pg_constraint c where c.conindid = i.oid)`.execute(db);
  return rows.rows;
}

const statements = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

function insertWithSqlite(sqlite: SqliteDatabase.Database, rows: BulkRows): void {
  const cache = statements.get(sqlite) ?? new Map<string, SqliteDatabase.Statement>();
  statements.set(sqlite, cache);
  const statementFor = (table: string, columns: string[]) => {
    const key = `${table}(${columns.join(',')})`;
    let statement = cache.get(key);
    if (!statement) {
      statement = sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
      cache.set(key, statement);
    }
    return statement;
  };
  noteSqliteWrite();
  sqlite.transaction(() => {
    for (const [table, all] of Object.entries(rows)) {
      if (all.length === 0) continue;
      const columns = Object.keys(all[0]!);
      const statement = statementFor(table, columns);
      for (const row of all) statement.run(columns.map((c) => (row as Record<string, unknown>)[c]));
    }
  })();
}
