// Opens the configured database — SQLite (embedded default) or PostgreSQL —
// behind one Kysely instance. Dialect differences stay in this folder.
import { createRequire } from 'node:module';
import type SqliteDatabase from 'better-sqlite3';
import { type Compilable, CompiledQuery, Kysely, PostgresAdapter, PostgresDialect, sql } from 'kysely';
import type { Database, Db } from './schema.ts';
import { checkpointInBackground } from './checkpoints.ts';
import { immediateSqliteDialect, openSqliteFile, sqliteWrites, WAL_AUTOCHECKPOINT_PAGES, withStatementCache } from './sqlite.ts';

export { noteSqliteWrite } from './sqlite.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface OpenDatabase {
  db: Db;
  dialect: DialectName;
  /** On PostgreSQL, a handle on connections of the automation worker's own (the same database). */
  worker?: Db;
  /** The raw better-sqlite3 handle when on SQLite (bulk loads, pragmas). */
  sqlite?: SqliteDatabase.Database;
  close(): Promise<void>;
}

let postgresDriver: typeof import('pg') | undefined;

/** The PostgreSQL driver, loaded when a PostgreSQL database is opened: a SQLite server never needs it. */
function postgresClient(): typeof import('pg') {
  if (postgresDriver) return postgresDriver;
  postgresDriver = createRequire(import.meta.url)('pg') as typeof import('pg');
  // int8 (counts, bigint instants) and numeric come back from pg as strings by default.
  postgresDriver.types.setTypeParser(20, (value) => Number(value));
  postgresDriver.types.setTypeParser(1700, (value) => Number(value));
  return postgresDriver;
}

export function dialectOf(url: string): DialectName {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  if (url.startsWith('sqlite:')) return 'sqlite';
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got "${url}"`);
}

/** Where a URL points, for people to read: an SQLite file's path, or just "PostgreSQL" (never its password). */
export function databaseLabel(url: string): string {
  return dialectOf(url) === 'sqlite' ? url : 'PostgreSQL';
}

export function openDatabase(url: string): OpenDatabase {
  const dialect = dialectOf(url);
  if (dialect === 'postgres') {
    const db = postgresHandle(url, { max: REQUEST_CONNECTIONS });
    // The automation worker's own connections: requests queueing for the main pool never keep it waiting.
    const worker = postgresHandle(url, { max: WORKER_CONNECTIONS });
    // Statements that must commit on their own whatever transaction asks for them. A row
    // lock waited for longer than a moment answers an error instead (the caller's own
    // transaction may be the one holding it, which PostgreSQL could not see as a deadlock).
    const own = postgresHandle(url, { max: 2, options: `-c lock_timeout=${ON_ITS_OWN_LOCK_TIMEOUT_MS}` });
    onItsOwn.set(db.getExecutor().adapter, own);
    onItsOwn.set(worker.getExecutor().adapter, own);
    return { db, worker, dialect, close: () => Promise.all([db.destroy(), worker.destroy(), own.destroy()]).then(() => undefined) };
  }
  const path = url.slice('sqlite:'.length);
  const sqlite = openSqliteFile(path);
  const db = new Kysely<Database>({ dialect: immediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  // Kysely closes the handle only if it ever ran a query on it.
  const closeHandle = async () => {
    await db.destroy();
    if (sqlite.open) sqlite.close();
  };
  if (path === ':memory:') return { db, dialect, sqlite, close: closeHandle };
  const stopCheckpoints = checkpointInBackground(sqlite, path, WAL_AUTOCHECKPOINT_PAGES);
  // The thread's connection closes first: the last to close copies the rest of the log and removes it.
  return { db, dialect, sqlite, close: () => stopCheckpoints().then(closeHandle) };
}

/** Connections of the server's own pool on PostgreSQL (requests, and everything but the worker and task numbers). */
export const REQUEST_CONNECTIONS = 10;

/** Connections of the automation worker's pool on PostgreSQL: one for each lane of a batch (CLAIMED_LANES) and one to claim and mark. */
export const WORKER_CONNECTIONS = 9;

/** A Kysely handle on a pool of its own. */
function postgresHandle(url: string, config: { max: number; options?: string }): Db {
  // No JIT compiling: the server's statements read a page or write a row, and
  // an estimate that crosses jit_above_cost (a page's linked records, guessed
  // at a hundred a task) compiled for 30 ms a statement that runs in 1.
  const options = ['-c jit=off', config.options].filter(Boolean).join(' ');
  const pool = new (postgresClient().Pool)({ connectionString: url, ...config, options });
  // An idle client's error (e.g. the server restarted) must not crash the process.
  pool.on('error', () => {});
  // A checked-out client whose server goes away emits 'error' too; unheard, it would
  // crash the process. Its queries still fail (and answer 503), so nothing is hidden.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    runNamedStatements(client);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** How long a statement run on its own waits for a row another transaction holds. */
const ON_ITS_OWN_LOCK_TIMEOUT_MS = 1000;

// Per dialect adapter, which a database handle shares with its transactions.
const onItsOwn = new WeakMap<object, Db>();

/**
 * A handle whose statements each commit on their own, never inside the
 * transaction `db` may be (PostgreSQL, from a small pool of its own): for a
 * short write that must not hold its row until the caller's transaction ends.
 * Undefined on SQLite, where one writer at a time holds the whole database
 * anyway, and for a handle openDatabase did not make. A row lock it waits for
 * longer than a second fails with the code isLockTimeout knows.
 */
export function onItsOwnOf(db: Db): Db | undefined {
  return onItsOwn.get(db.getExecutor().adapter);
}

/** True when a statement gave up waiting for a row lock (PostgreSQL's lock_timeout). */
export function isLockTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '55P03';
}

/**
 * SQL texts run as named (prepared) statements on PostgreSQL, by text: the hot
 * queries QueryShapes compiles once. The server parses and plans a named
 * statement once per connection instead of on every run, and each run sends
 * only its values (what the bare pg route does with `name`). Bounded: past
 * the limit, new texts simply run unnamed.
 */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 2000;
// Never reused: a connection keeps every name it prepared.
let statementsNamed = 0;

function nameStatement(text: string): void {
  if (!statementNames.has(text) && statementsNamed < MAX_NAMED_STATEMENTS) statementNames.set(text, `fl_${++statementsNamed}`);
}

type PgQuery = (...args: unknown[]) => Promise<unknown>;

/**
 * Makes `client` run the texts nameStatement named as named statements. A
 * statement prepared before the schema changed under it (a migration by
 * another process) fails once with "cached plan must not change result
 * type": its text goes back to running unnamed, and outside a transaction the
 * query is run again at once, so the caller never sees it.
 */
function runNamedStatements(client: import('pg').PoolClient): void {
  const query = client.query.bind(client) as unknown as PgQuery;
  (client as unknown as { query: PgQuery }).query = async (...args: unknown[]) => {
    const [text, values] = args;
    const name = typeof text === 'string' && Array.isArray(values) && args.length === 2 ? statementNames.get(text) : undefined;
    if (name === undefined) return query(...args);
    const idle = client.getTransactionStatus() === 'I';
    try {
      return await query({ name, text, values });
    } catch (error) {
      if ((error as { code?: unknown }).code !== '0A000' || statementNames.get(text as string) !== name) throw error;
      statementNames.delete(text as string);
      if (!idle) throw error;
      return query(text, values);
    }
  };
}

/**
 * Hot queries of one shape compiled to SQL once instead of on every request
 * (Kysely builds and compiles a query each time, which on a list page costs
 * as much as running it). `run(db, key, params, build)` executes the SQL
 * remembered for `key` with `params`; the first time, it compiles `build()`
 * and remembers it only if Kysely's own parameters are exactly `params`, so a
 * caller that lists them wrongly is slower, never wrong. `key` must name
 * everything that changes the SQL text (which filters, how many values in an
 * IN list), never the values.
 */
export class QueryShapes {
  // Per dialect adapter (shared by a database handle and its transactions), since the SQL differs.
  readonly #compiled = new WeakMap<object, Map<string, CompiledQuery | null>>();
  readonly #max: number;

  constructor(max = 500) {
    this.#max = max;
  }

  async run<R>(db: Db, key: string, params: readonly unknown[], build: () => Compilable<R>): Promise<R[]> {
    return (await db.executeQuery<R>(this.#compile(db, key, params, build))).rows;
  }

  #compile<R>(db: Db, key: string, params: readonly unknown[], build: () => Compilable<R>): CompiledQuery<R> {
    const adapter = db.getExecutor().adapter;
    let shapes = this.#compiled.get(adapter);
    if (!shapes) this.#compiled.set(adapter, (shapes = new Map()));
    const known = shapes.get(key);
    if (known) return { ...known, parameters: params } as CompiledQuery<R>;
    const compiled = build().compile();
    if (known === undefined) {
      if (shapes.size >= this.#max) shapes.clear();
      const same = sameValues(compiled.parameters, params);
      shapes.set(key, same ? compiled : null);
      if (same) nameStatement(compiled.sql);
    }
    return compiled;
  }

  /**
   * An insert of `rows` (or an upsert, as `build` says), compiled once per name, column list and row count when
   * rowsShape can key it; inside writeTogether on PostgreSQL it is held back and sent with the others.
   */
  async insert(db: Db, name: string, rows: readonly object[], build: () => Compilable<unknown>): Promise<void> {
    const shape = rowsShape(rows);
    const compiled = shape ? this.#compile(db, `${name}:${shape.key}`, shape.params, build) : build().compile();
    const held = heldInserts.get(db);
    if (held) held.push(compiled);
    else await db.executeQuery(compiled);
  }
}

/** Per PostgreSQL transaction inside writeTogether: the inserts held back to be sent as one statement. */
const heldInserts = new WeakMap<Db, CompiledQuery[]>();

/**
 * Runs `work` inside the transaction `trx`. On PostgreSQL the inserts it makes
 * through QueryShapes.insert (appends that answer nothing: history, rollups,
 * events) are held back and sent as one statement when it ends — one round
 * trip instead of one each — before this returns, so their failure is still
 * the caller's. `work` must not read what those inserts write. On SQLite,
 * where a statement costs no round trip, each runs at once.
 */
export async function writeTogether<T>(trx: Db, work: () => Promise<T>): Promise<T> {
  if (!trx.isTransaction || heldInserts.has(trx) || !(trx.getExecutor().adapter instanceof PostgresAdapter)) return work();
  const held: CompiledQuery[] = [];
  heldInserts.set(trx, held);
  let result: T;
  try {
    result = await work();
  } finally {
    heldInserts.delete(trx);
  }
  if (held.length > 0) await trx.executeQuery(held.length === 1 ? held[0]! : joinedInserts(held));
  return result;
}

/**
 * PostgreSQL inserts as one statement: all but the last become data-modifying
 * WITH parts (each runs exactly once, whether or not anything reads it), their
 * $n parameters renumbered in order.
 */
export function joinedInserts(queries: readonly CompiledQuery[]): CompiledQuery {
  const parameters: unknown[] = [];
  const parts = queries.map((query) => {
    const offset = parameters.length;
    parameters.push(...query.parameters);
    return query.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  const last = parts.pop()!;
  return CompiledQuery.raw(`with ${parts.map((part, i) => `held_${i} as (${part})`).join(', ')} ${last}`, parameters);
}

/**
 * An insert's shape and parameters for QueryShapes: rows that share one
 * column list, in one order, of plain values (Kysely would leave an undefined
 * one out, and write an object otherwise), give the key `n:columns` and their
 * values row by row; anything else gives null (compile it as usual).
 */
export function rowsShape(rows: readonly object[]): { key: string; params: unknown[] } | null {
  const columns = Object.keys(rows[0] ?? {});
  const params: unknown[] = [];
  for (const row of rows) {
    const values = Object.values(row);
    if (values.length !== columns.length) return null;
    let i = 0;
    for (const column in row) if (column !== columns[i++]) return null;
    for (const value of values) {
      if (value === undefined || (value !== null && typeof value === 'object')) return null;
      params.push(value);
    }
  }
  return { key: `${rows.length}:${columns.join(',')}`, params };
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}


const repeatedReads = new WeakMap<Db, Map<string, { writes: number; value: unknown }>>();

/**
 * `read()`, inside a SQLite transaction answered from the same transaction's
 * last answer to `key` when no statement since could have written; anywhere
 * else (PostgreSQL, where other transactions' commits show between
 * statements, or outside a transaction) read afresh. `key` must name
 * everything the read depends on. The answer is shared: callers must not
 * change it.
 */
export async function readOnceInTransaction<T>(db: Db, key: string, read: () => Promise<T>): Promise<T> {
  if (!db.isTransaction || db.getExecutor().adapter instanceof PostgresAdapter) return read();
  let known = repeatedReads.get(db);
  const hit = known?.get(key);
  if (hit && hit.writes === sqliteWrites()) return hit.value as T;
  const before = sqliteWrites();
  const value = await read();
  if (sqliteWrites() === before) {
    if (!known) repeatedReads.set(db, (known = new Map()));
    known.set(key, { writes: before, value });
  }
  return value;
}

/**
 * Runs `work` in a transaction: `db` itself when it already is one (the
 * automation worker handles a group of events in one), a new one otherwise.
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/**
 * Runs `work` inside a savepoint of the transaction `trx`: when it throws,
 * everything it wrote is undone, the error is passed on, and the transaction
 * can go on (on PostgreSQL too, where a failed statement otherwise spoils it).
 * `name` must be a plain identifier.
 */
export async function withSavepoint<T>(trx: Db, name: string, work: () => Promise<T>): Promise<T> {
  await sql.raw(`savepoint ${name}`).execute(trx);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await sql.raw(`rollback to savepoint ${name}`).execute(trx);
    await sql.raw(`release savepoint ${name}`).execute(trx);
    throw error;
  }
  await sql.raw(`release savepoint ${name}`).execute(trx);
  return result;
}

/** True when the error is a unique-constraint violation, on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when the error is a foreign-key violation (a row still named by another), on either engine. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** True when the database could not be reached (PostgreSQL down, connection refused). */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    (typeof code === 'string' && code.startsWith('08')) ||
    code === 'ETIMEDOUT' ||
    code === 'EPIPE' ||
    (error instanceof Error && /Connection terminated|not queryable|the database system is (starting up|shutting down)/i.test(error.message))
  );
}
