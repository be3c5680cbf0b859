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
  await keepQueuesShort(db);
}

/**
 * The partial indexes over work waiting to be done (events not yet handled,
 * timers not yet fired, mail, digests, weekly summaries and deliveries not yet sent). Each is one short
 * range read on every poll, however much work has been done.
 */
export const QUEUE_INDEXES = ['events_pending', 'automation_timers_due', 'notifications_email_due', 'notification_digests_due', 'weekly_summaries_due', 'webhook_deliveries_due'] as const;

/** What the planner is told a queue index holds: a few rows, one per key. */
const SHORT_QUEUE = '10 1';

/**
 * A queue is short in the steady state, but ANALYZE counts it as it is at that
 * moment: run while a backlog waits (a demo replayed, an import, a restart after
 * an outage), it records the pending index as large as the table, and SQLite
 * then finds walking the whole table in key order no worse than the index. That
 * plan stays after the backlog is gone, and every poll reads every event ever
 * kept (≈ 0.8 ms a poll at 600 events, and growing). So after each analysis the
 * queue indexes are recorded as what they usually are, and the planner reloads.
 */
async function keepQueuesShort(db: Db): Promise<void> {
  const statTable = await sql<{ n: number }>`select count(*) as n from sqlite_schema where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (Number(statTable.rows[0]?.n ?? 0) === 0) return;
  const present = await sql<{ name: string; tbl_name: string }>`
    select name, tbl_name from sqlite_schema where type = 'index' and name in (${sql.join(QUEUE_INDEXES.map((name) => sql.lit(name)))})`.execute(db);
  if (present.rows.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await sql`delete from sqlite_stat1 where idx in (${sql.join(present.rows.map((row) => row.name))})`.execute(trx);
    for (const row of present.rows) await sql`insert into sqlite_stat1 (tbl, idx, stat) values (${row.tbl_name}, ${row.name}, ${SHORT_QUEUE})`.execute(trx);
  });
  // ANALYZE of the schema table reloads the statistics into the planner without analyzing anything.
  await sql`analyze sqlite_schema`.execute(db);
}
