// What differs between the engines when a query runs, worked out from the
// handle it runs on (a database or one of its transactions): row locks, the
// lease/claim of queued rows, and EXPLAIN. Callers say what they want; only
// this folder knows which engine spells it how.
import { type Compilable, PostgresAdapter, type RawBuilder, type SelectQueryBuilder, sql, type SqlBool } from 'kysely';
import { inTransaction, type DialectName } from './database.ts';
import type { Db } from './schema.ts';

/** The engine behind a handle (a transaction shares its database's adapter). */
export function dialectOfHandle(db: Db): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * True when the engine lets one writer at a time in (SQLite): there a group of
 * writes sharing one transaction costs one commit and blocks no one else
 * longer than writing them one by one would; PostgreSQL locks rows instead.
 */
export function hasSingleWriter(db: Db): boolean {
  return dialectOfHandle(db) === 'sqlite';
}

export interface RowLock {
  /** Rows another transaction holds are left out instead of waited for. */
  skipLocked?: boolean;
  /** Lock only this table (an alias) of a join. */
  of?: string;
}

/**
 * The rows `query` selects, locked until the transaction ends: on PostgreSQL
 * FOR UPDATE (OF, SKIP LOCKED as asked); on SQLite the query as it is, since a
 * write transaction there holds the whole database from its start (they begin
 * IMMEDIATE, see database.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lockRows<Q extends SelectQueryBuilder<any, any, any>>(db: Db, query: Q, lock: RowLock = {}): Q {
  if (dialectOfHandle(db) !== 'postgres') return query;
  let locked = query.forUpdate(lock.of) as Q;
  if (lock.skipLocked) locked = locked.skipLocked() as Q;
  return locked;
}

/**
 * Leases queued rows, the one way every queue here is claimed (the outbox,
 * webhook deliveries, emails and digests): in one transaction (the caller's,
 * when `db` is one), `pick(trx)` selects the keys of up to the rows to take —
 * rows another process is claiming at this moment are skipped on PostgreSQL,
 * waited for on SQLite — and `lease(trx, keys)` marks them taken. Returns the
 * keys leased, in the order picked (none: nothing was due).
 */
export function claimRows<K>(
  db: Db,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  pick: (trx: Db) => SelectQueryBuilder<any, any, { key: K }>,
  lease: (trx: Db, keys: K[]) => Promise<unknown>,
  options: { of?: string } = {},
): Promise<K[]> {
  return inTransaction(db, async (trx) => {
    const keys = (await lockRows(trx, pick(trx), { skipLocked: true, of: options.of }).execute()).map((row) => row.key);
    if (keys.length > 0) await lease(trx, keys);
    return keys;
  });
}

/**
 * The condition "`column` is among the keys `pick` selects", evaluated with
 * `pick` run once: on PostgreSQL `= any(array(pick))`, an InitPlan whose keys
 * are then looked up by the column's index (`in (pick)` may be planned as a
 * join that scans the whole table); on SQLite `in (pick)`, which it runs once.
 */
// A subquery is written in parentheses of its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function amongPicked(db: Db, column: string, pick: SelectQueryBuilder<any, any, any>): RawBuilder<SqlBool> {
  return dialectOfHandle(db) === 'postgres' ? sql<SqlBool>`${sql.ref(column)} = any(array${pick})` : sql<SqlBool>`${sql.ref(column)} in ${pick}`;
}

/** The plan the engine makes for `query`, as text (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL). */
export async function explainQuery(db: Db, query: Compilable<unknown>): Promise<string> {
  const result = await sql.raw<Record<string, unknown>>(explainSql(db, query)).execute(db);
  return result.rows.map((r) => String(r['QUERY PLAN'] ?? r.detail ?? JSON.stringify(r))).join('\n');
}

/** The EXPLAIN statement for `query`, its parameters written in, since EXPLAIN cannot always take bound ones. */
export function explainSql(db: Db, query: Compilable<unknown>): string {
  const { sql: statement, parameters } = query.compile();
  const literal = (value: unknown) => (typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`);
  if (dialectOfHandle(db) === 'postgres') return 'explain ' + statement.replace(/\$(\d+)/g, (_, n: string) => literal(parameters[Number(n) - 1]));
  let index = 0;
  return 'explain query plan ' + statement.replace(/\?/g, () => literal(parameters[index++]));
}
