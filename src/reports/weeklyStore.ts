// Every query about weekly summaries: one row per (organisation, person, ISO
// week), queued, leased, sent and settled as the morning digest is; and the
// late tasks each rule created in a week.
import { type Insertable, type Selectable, sql } from 'kysely';
import { claimRows } from '../platform/db/dialect.ts';
import type { Db, WeeklySummariesTable } from '../platform/db/schema.ts';
import type { Window } from './report.ts';
import { count, scoped, type TaskScope, when } from './store.ts';

export type WeeklyRow = Selectable<WeeklySummariesTable>;
type Key = Pick<WeeklyRow, 'org_id' | 'user_id' | 'week'>;

/** Queues a person's summary for a week; false when it was queued already (by this process or another). */
export async function insertWeekly(db: Db, row: Insertable<WeeklySummariesTable>): Promise<boolean> {
  const inserted = await db
    .insertInto('weekly_summaries')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'user_id', 'week']).doNothing())
    .returning('week')
    .executeTakeFirst();
  return inserted !== undefined;
}

export function dueWeekly(db: Db, now: number, limit: number) {
  return db
    .selectFrom('weekly_summaries')
    .selectAll()
    .where('state', '=', 'pending')
    .where('next_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('next_at')
    .limit(limit)
    .execute();
}

/** Takes a pending summary for `until`; false when another process holds it or it is no longer pending. */
export async function claimWeekly(db: Db, key: Key, now: number, until: number): Promise<boolean> {
  const claimed = await claimRows(
    db,
    (trx) =>
      trx
        .selectFrom('weekly_summaries')
        .select('week as key')
        .where('org_id', '=', key.org_id)
        .where('user_id', '=', key.user_id)
        .where('week', '=', key.week)
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)])),
    (trx) =>
      trx.updateTable('weekly_summaries').set({ claimed_until: until }).where('org_id', '=', key.org_id).where('user_id', '=', key.user_id).where('week', '=', key.week).execute(),
  );
  return claimed.length === 1;
}

export async function settleWeekly(db: Db, key: Key, set: Partial<Pick<WeeklyRow, 'state' | 'attempts' | 'next_at' | 'sent_at' | 'error'>>): Promise<void> {
  await db
    .updateTable('weekly_summaries')
    .set({ ...set, claimed_until: null })
    .where('org_id', '=', key.org_id)
    .where('user_id', '=', key.user_id)
    .where('week', '=', key.week)
    .execute();
}

/** Per rule, the tasks it created in the window and how many of them are late: done after their due date, or open past it now. */
export function lateByRule(db: Db, scope: TaskScope, window: Window, now: number) {
  return scoped(db, { ...scope, source: 'rule' })
    .where('tasks.created_at', '>=', window.from)
    .where('tasks.created_at', '<', window.to)
    .where('tasks.source_rule_id', 'is not', null)
    .select(['tasks.source_rule_id', count.as('created'), when(sql`tasks.completed_at > tasks.due_at or (tasks.active = 1 and tasks.due_sort < ${now})`).as('late')])
    .groupBy('tasks.source_rule_id')
    .$narrowType<{ source_rule_id: string }>()
    .execute();
}
