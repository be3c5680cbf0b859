// Many rows read back as one JSON array, spelled the way each engine wants it.
// A report that needs tens of thousands of narrow rows in memory spends most of
// its time making one object per row; one aggregated value is parsed at once.
import { type Expression, sql } from 'kysely';
import { dialectOfHandle } from './dialect.ts';
import type { Db } from './schema.ts';

/** An aggregate: every row of the group as a JSON array of `values`, all in one JSON array. Read it with jsonRows. */
export function jsonRowsOf(db: Db, values: Expression<unknown>[]) {
  const row = sql.join(values);
  return dialectOfHandle(db) === 'postgres' ? sql<unknown>`json_agg(json_build_array(${row}))` : sql<unknown>`json_group_array(json_array(${row}))`;
}

/** The rows of a jsonRowsOf value (text on SQLite, parsed already by the PostgreSQL driver, null there for no rows). */
export function jsonRows<T extends unknown[]>(value: unknown): T[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as T[];
}
