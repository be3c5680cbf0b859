// intake/'s table: lead-form submissions counted per client address.
import { sql } from 'kysely';
import type { Db } from '../platform/db/schema.ts';

/** Counts one submission from `ip`, starting a new window when the last one ended; the count and window after it. */
export async function addSubmission(db: Db, ip: string, now: number, windowStart: number): Promise<{ attempts: number; windowStart: number }> {
  const expired = sql<boolean>`${sql.ref('lead_form_throttle.window_start')} <= ${windowStart}`;
  const row = await db
    .insertInto('lead_form_throttle')
    .values({ ip, attempts: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('ip').doUpdateSet({
        attempts: sql<number>`case when ${expired} then 1 else ${sql.ref('lead_form_throttle.attempts')} + 1 end`,
        window_start: sql<number>`case when ${expired} then ${now} else ${sql.ref('lead_form_throttle.window_start')} end`,
      }),
    )
    .returning(['attempts', 'window_start'])
    .executeTakeFirstOrThrow();
  return { attempts: Number(row.attempts), windowStart: Number(row.window_start) };
}

/** Drops the counts of windows that ended. */
export async function pruneSubmissions(db: Db, windowStart: number): Promise<void> {
  await db.deleteFrom('lead_form_throttle').where('window_start', '<=', windowStart).execute();
}
