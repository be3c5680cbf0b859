// Case-insensitive substring search, spelled the way each engine wants it.
import { type ExpressionBuilder, sql } from 'kysely';
import { dialectOfHandle } from './dialect.ts';
import type { Db } from './schema.ts';

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `column` contains `text`, ignoring case; LIKE wildcards in `text` are taken literally. */
export function containsText<DB, TB extends keyof DB>(db: Db, eb: ExpressionBuilder<DB, TB>, column: string, text: string) {
  const pattern = `%${escapeLike(text.toLowerCase())}%`;
  return dialectOfHandle(db) === 'postgres'
    ? sql<boolean>`${sql.ref(column)} ilike ${pattern} escape '\\'`
    : sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
