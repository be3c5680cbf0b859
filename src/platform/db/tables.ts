// Every table of the migrated schema, read and written without knowing it in
// advance: what the JSON backup copies. The dialect differences of that — how
// a consistent snapshot is read, how parents are found, how counters are set
// again after rows arrive with their keys — stay in this file.
import SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { OpenDatabase } from './database.ts';
import { dialectOfHandle } from './dialect.ts';

export type Row = Record<string, unknown>;

export interface TableShape {
  name: string;
  columns: string[];
  /** Whether rows belong to one organisation (an `org_id` column). */
  orgScoped: boolean;
  /** Columns that must hold a value (NOT NULL, no default). */
  required?: string[];
}

/** Kysely's own bookkeeping: which migrations ran, and its lock. Never copied. */
export const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'] as const;

/**
 * The tables of the migrated schema (every table but the migration tables),
 * parents before children: `orgs` before anything with an `org_id`, and a
 * table before any table whose foreign key names it.
 */
export async function listTables(database: OpenDatabase): Promise<TableShape[]> {
  const metas = await database.db.introspection.getTables();
  const shapes = metas
    .filter((t) => !t.isView && !(MIGRATION_TABLES as readonly string[]).includes(t.name))
    .map((t) => ({ name: t.name, columns: t.columns.map((c) => c.name), orgScoped: t.columns.some((c) => c.name === 'org_id'), required: t.columns.filter((c) => !c.isNullable && !c.hasDefaultValue && !c.isAutoIncrementing).map((c) => c.name) }));
  const references = await foreignKeys(database, shapes.map((s) => s.name));
  return parentsFirst(shapes, references);
}

/** The tables each table's foreign keys point at. */
async function foreignKeys(database: OpenDatabase, tables: string[]): Promise<Map<string, Set<string>>> {
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  if (database.dialect === 'sqlite') {
    for (const table of tables) {
      const { rows } = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${table})`.execute(database.db);
      for (const row of rows) parents.get(table)!.add(row.table);
    }
    return parents;
  }
  const { rows } = await sql<{ child: string; parent: string }>`
    select tc.table_name as child, ccu.table_name as parent
    from information_schema.table_constraints tc
    join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
    where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`.execute(database.db);
  for (const row of rows) parents.get(row.child)?.add(row.parent);
  return parents;
}

/** A stable topological order: alphabetical among tables whose parents are all placed. */
export function parentsFirst(shapes: TableShape[], declared: Map<string, Set<string>>): TableShape[] {
  const names = new Set(shapes.map((s) => s.name));
  const parentsOf = (shape: TableShape) => {
    const parents = new Set([...(declared.get(shape.name) ?? [])].filter((p) => names.has(p) && p !== shape.name));
    if (shape.orgScoped && shape.name !== 'orgs' && names.has('orgs')) parents.add('orgs');
    return parents;
  };
  const pending = [...shapes].sort((a, b) => a.name.localeCompare(b.name));
  const placed = new Set<string>();
  const ordered: TableShape[] = [];
  while (pending.length) {
    const index = pending.findIndex((s) => [...parentsOf(s)].every((p) => placed.has(p)));
    // A cycle of foreign keys: take the first remaining table rather than loop forever.
    const [next] = pending.splice(index === -1 ? 0 : index, 1);
    ordered.push(next!);
    placed.add(next!.name);
  }
  return ordered;
}

/** Rows of one table as one consistent snapshot sees them, a batch at a time. */
export interface Snapshot {
  count(table: TableShape, orgId: string | null): Promise<number>;
  rows(table: TableShape, orgId: string | null, batchSize: number): AsyncIterable<Row[]>;
}

/**
 * Runs `read` against a snapshot that writers do not disturb and are not held
 * up by: on SQLite a read transaction on a connection of its own (WAL), on
 * PostgreSQL a repeatable-read transaction reading through a server-side cursor.
 */
export async function withSnapshot<T>(database: OpenDatabase, read: (snapshot: Snapshot) => Promise<T>): Promise<T> {
  if (database.dialect === 'sqlite') return withSqliteSnapshot(database, read);
  return database.db.connection().execute(async (connection) => {
    await sql`begin transaction isolation level repeatable read read only`.execute(connection);
    try {
      const result = await read({
        async count(table, orgId) {
          const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table.name)} ${orgFilter(table, orgId)}`.execute(connection);
          return Number(rows[0]!.n);
        },
        async *rows(table, orgId, batchSize) {
          await sql`declare finishline_backup no scroll cursor for select * from ${sql.table(table.name)} ${orgFilter(table, orgId)}`.execute(connection);
          for (;;) {
            const { rows } = await sql<Row>`fetch forward ${sql.raw(String(batchSize))} from finishline_backup`.execute(connection);
            if (rows.length === 0) break;
            yield rows;
          }
          await sql`close finishline_backup`.execute(connection);
        },
      });
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}

/**
 * Tables without an `org_id` that one organisation's rows still need: stored
 * contents are shared by every attachment with the same bytes, so an
 * organisation's export takes those its own attachments name.
 */
export const NAMED_BY_ORG_FILES = new Set(['file_blobs', 'file_chunks']);
/** The same for SQLite's prepared statements (the organisation's id three times). */
const FILES_OF_ORG = 'sha256 in (select sha256 from attachments where org_id = ? union select display_sha256 from attachments where org_id = ? union select thumb_sha256 from attachments where org_id = ?)';

function orgFilter(table: TableShape, orgId: string | null) {
  if (orgId === null) return sql``;
  if (NAMED_BY_ORG_FILES.has(table.name)) {
    return sql`where sha256 in (select sha256 from attachments where org_id = ${orgId} union select display_sha256 from attachments where org_id = ${orgId} union select thumb_sha256 from attachments where org_id = ${orgId})`;
  }
  return table.name === 'orgs' ? sql`where id = ${orgId}` : sql`where org_id = ${orgId}`;
}

async function withSqliteSnapshot<T>(database: OpenDatabase, read: (snapshot: Snapshot) => Promise<T>): Promise<T> {
  const file = database.sqlite!.name;
  const reader = new SqliteDatabase(file, { readonly: file !== ':memory:', fileMustExist: file !== ':memory:' });
  const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const where = (table: TableShape, orgId: string | null) =>
    orgId === null
      ? { clause: '', params: [] }
      : NAMED_BY_ORG_FILES.has(table.name)
        ? { clause: ` where ${FILES_OF_ORG}`, params: [orgId, orgId, orgId] }
        : { clause: table.name === 'orgs' ? ' where id = ?' : ' where org_id = ?', params: [orgId] };
  reader.exec('begin');
  try {
    return await read({
      async count(table, orgId) {
        const { clause, params } = where(table, orgId);
        const row = reader.prepare(`select count(*) as n from ${quoted(table.name)}${clause}`).get(...params) as { n: number };
        return row.n;
      },
      async *rows(table, orgId, batchSize) {
        const { clause, params } = where(table, orgId);
        let batch: Row[] = [];
        for (const row of reader.prepare(`select * from ${quoted(table.name)}${clause}`).iterate(...params)) {
          batch.push(row as Row);
          if (batch.length === batchSize) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length) yield batch;
      },
    });
  } finally {
    reader.exec('commit');
    reader.close();
  }
}

/**
 * Values as the target engine binds them: SQLite has no booleans, objects or
 * dates, so a row that came from PostgreSQL is written with 1/0, JSON text and
 * ISO instants.
 */
export function bindableRow(database: OpenDatabase, row: Row): Row {
  if (database.dialect !== 'sqlite') return row;
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    if (typeof value === 'boolean') out[column] = value ? 1 : 0;
    else if (value instanceof Date) out[column] = value.toISOString();
    else if (value !== null && typeof value === 'object') out[column] = JSON.stringify(value);
    else out[column] = value;
  }
  return out;
}

/** Rows per INSERT so the statement stays under both engines' bound-parameter limits. */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.floor(30_000 / Math.max(columns, 1)));
}

/** Inserts rows as they are, keys included, with the caller's transaction. */
export async function insertRows(trx: OpenDatabase['db'], table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  // The table is only known at run time; Kysely's typed builder cannot name it.
  await (trx as unknown as Kysely<Record<string, Row>>).insertInto(table).values(rows).execute();
}

/** How many rows the table has, whoever they belong to. */
export async function countRows(database: OpenDatabase, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db);
  return Number(rows[0]!.n);
}

/**
 * After rows arrived with their keys, the next generated key must follow the
 * largest: PostgreSQL sequences are set to it (SQLite's AUTOINCREMENT keeps
 * track by itself).
 */
export async function advanceSequences(trx: OpenDatabase['db']): Promise<void> {
  if (dialectOfHandle(trx) !== 'postgres') return;
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and column_default like 'nextval(%'`.execute(trx);
  for (const { table_name, column_name } of rows) {
    await sql`select setval(pg_get_serial_sequence(${table_name}, ${column_name}), coalesce((select max(${sql.ref(column_name)}) from ${sql.table(table_name)}), 0) + 1, false)`.execute(trx);
  }
}

/** The names of the migrations this database has run, in name order. */
export async function appliedMigrations(database: OpenDatabase): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
  return rows.map((r) => r.name);
}
