// SQLite as the server opens it: the file's settings, the prepared statements
// kept between queries (their rows built in JS), transactions that take the
// write lock when they begin, and the count of statements that may have written.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Dialect, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';

/**
 * Statements this process ran on SQLite that may have written (anything but a
 * plain select, begin and commit included), on any connection. A read
 * answered again inside one transaction is still true while this has not
 * moved: the transaction's snapshot is fixed, it holds the write lock, and
 * every statement on its connection passes through here.
 */
let writes = 0;

/** Counts a write made on a SQLite handle past Kysely (a bulk load through the raw handle). */
export function noteSqliteWrite(): void {
  writes += 1;
}

/** How many statements that may have written have run so far (readOnceInTransaction compares two readings). */
export function sqliteWrites(): number {
  return writes;
}

/**
 * Kysely prepares every query anew, and on a list page preparing costs as much
 * as running: keep the most recent prepared statements (SQLite recompiles one
 * by itself if the schema changes under it).
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, max = 1000): SqliteDialectConfig['database'] {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      // Kysely prepares each statement it runs: what is not a plain read may have written.
      if (!sql.startsWith('select ')) noteSqliteWrite();
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = objectRowsBuiltInJs(sqlite.prepare(sql));
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  } as SqliteDialectConfig['database'];
}

/**
 * A reading statement whose rows come out as arrays and are made into objects
 * by a function built once for its columns. better-sqlite3 builds each row
 * object natively, one property at a time; for a list page (50 rows of 30-odd
 * columns) that took half the query's time, and an object literal of the same
 * keys takes a fifth of it (bench/RESULTS.md). Same objects, same key order.
 */
function objectRowsBuiltInJs(statement: SqliteDatabase.Statement): SqliteDatabase.Statement {
  if (!statement.reader) return statement;
  const columns = statement.columns().map((column) => column.name);
  // A key that an object literal would treat otherwise keeps the native rows.
  if (columns.includes('__proto__')) return statement;
  statement.raw(true);
  // The keys are JSON string literals, so no column name can be more than a key.
  const row = new Function('r', `return { ${columns.map((name, i) => `${JSON.stringify(name)}: r[${i}]`).join(', ')} };`) as (values: unknown[]) => unknown;
  return {
    reader: true,
    all(parameters: unknown[]) {
      const rows = statement.all(parameters) as unknown[];
      for (let i = 0; i < rows.length; i++) rows[i] = row(rows[i] as unknown[]);
      return rows;
    },
    *iterate(parameters: unknown[]) {
      for (const values of statement.iterate(parameters)) yield row(values as unknown[]);
    },
    run: (parameters: unknown[]) => statement.run(parameters),
  } as unknown as SqliteDatabase.Statement;
}

/**
 * SQLite transactions that take the write lock when they begin. A deferred
 * transaction that reads, then writes, fails with SQLITE_BUSY_SNAPSHOT when
 * another process wrote in between, and busy_timeout cannot help it; one that
 * begins IMMEDIATE waits its turn instead (several server processes, or a
 * worker, over one WAL file).
 */
export function immediateSqliteDialect(config: SqliteDialectConfig): Dialect {
  const base = new SqliteDialect(config);
  return {
    createAdapter: () => base.createAdapter(),
    createDriver: () => new ImmediateSqliteDriver(config),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
  };
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * SQLite's own page cache, in KiB. The file's first 256 MB are mapped into
 * memory (mmap_size) and read straight from the OS's cache, so what SQLite
 * keeps is mostly the index pages that creates touched, each once: at
 * 1,000,000 tasks a 64 MB cache filled with them after ≈ 13,000 creates and
 * set the server's peak memory, while 16 MB cost under 0.5 more page reads
 * (from the OS's cache) a create than 64 MB; below it misses climb (8 MB: +2
 * a create, 2 MB: +12). bench/RESULTS.md has the figures.
 */
export const SQLITE_CACHE_KIB = 16 * 1024;

export function openSqliteFile(path: string): SqliteDatabase.Database {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  sqlite.pragma('mmap_size = 268435456');
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  return sqlite;
}

/**
 * Checkpoint every ~40 MB of WAL rather than SQLite's 4 MB: a task write
 * touches a few dozen pages (the row, its indexes, history, outbox), mostly
 * the same hot ones, and each checkpoint copies each page once however often
 * it changed — at the default, checkpoints were two thirds of a create's
 * commit time. A server's database is checkpointed on a thread of its own
 * instead (checkpoints.ts); this is where it falls back to.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;
