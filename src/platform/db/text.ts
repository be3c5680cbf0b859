// Case-insensitive substring search, spelled the way each engine wants it.
import { type ExpressionBuilder, sql } from 'kysely';
import type { DialectName } from './database.ts';

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `column` contains `text`, ignoring case; LIKE wildcards in `text` are taken literally. */
export function containsText<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  dialect: DialectName,
  column: string,
  text: string,
) {
  const pattern = `%${escapeLike(text.toLowerCase())}%`;
  return dialect === 'postgres'
    ? sql<boolean>`${sql.ref(column)} ilike ${pattern} escape '\\'`
    : sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
