// What the query planner knows about the data. SQLite gathers statistics only
// when asked (ANALYZE); without them it guesses, and for some queries it
// guesses badly (a person's bottlenecks report read the organisation's whole
// history: ≈ 1 s instead of ≈ 3 ms at 100,000 tasks). PostgreSQL's autovacuum
// keeps its own statistics, so there is nothing to do there.
import { sql } from 'kysely';
import { dialectOfHandle } from './dialect.ts';
import type { Db } from './schema.ts';

/**
 * Rows ANALYZE reads per index: enough for the planner to tell a selective
 * index from a poor one, while a run stays a few milliseconds at any size.
 */
export const ANALYSIS_LIMIT = 1000;

/**
 * Brings the planner's statistics up to date where they are missing or stale:
 * `PRAGMA optimize` analyzes every table never analyzed, or whose size
 * changed a lot since (0x10000: all tables, not only those this connection
 * used). Cheap when nothing changed; run at start, after the migrations, and
 * now and then while the server runs.
 */
export async function refreshStatistics(db: Db): Promise<void> {
  if (dialectOfHandle(db) !== 'sqlite') return;
  await sql.raw(`pragma analysis_limit = ${ANALYSIS_LIMIT}`).execute(db);
  await sql`pragma optimize = 0x10002`.execute(db);
}
