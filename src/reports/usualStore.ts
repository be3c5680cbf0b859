// The query behind each person's usual load (workload report): the tasks
// assigned and open at some moment of a window, read from the window's index
// ranges only.
import { sql } from 'kysely';
import { jsonRows, jsonRowsOf } from '../platform/db/json.ts';
import type { Db } from '../platform/db/schema.ts';
import { SLOT_MS, type Window } from './report.ts';
import { narrow, OPEN, scoped, type TaskScope } from './store.ts';

/**
 * Each assigned task open at some moment of the window and created inside it,
 * or closed inside it (the open ones created before it are counted with the
 * workload's open work, openLoad: open at every instant of the window), as
 * quarter-hour slots: created, and closed (done or cancelled; null while
 * still open) — completed_at for a done task (it is set exactly while a task
 * is done), else the last status change that closed it, from the history.
 *
 * Each kind is read from its own index range instead of every task ever
 * created: the open ones (active = 1, null close), the done ones completed
 * since the window began (tasks_report_completed), and the cancelled ones
 * found from their cancelling status changes since then
 * (task_history_status). A cancelled task's last status change is the one
 * that cancelled it, so its last close is its latest cancelling change, and it
 * has one since the window began exactly when it has any closing change since
 * then. A closed task with neither a completion nor a closing change in its
 * history would have counted as open forever; no write path leaves one (a
 * task is closed by a status change, which the history records in the same
 * transaction).
 *
 * Every task is its own spell (they barely group: grouping them in SQL cost
 * more than it saved), read back as one JSON array: at 1,000,000 tasks some
 * 80,000 rows, most of the report's time when each was made into an object.
 */
export async function openSpells(db: Db, scope: TaskScope, window: Window): Promise<SpellRow[]> {
  // Which index each part reads must not depend on statistics SQLite may not have: "created before the window's
  // end" (nearly every task) is written so that no index offers it, and "assigned" is left to the caller (an
  // assignee index would otherwise look as good as the window's ranges).
  const createdBefore = sql<boolean>`tasks.created_at + 0 < ${window.to}`;
  const createdSlot = sql<number>`tasks.created_at / ${sql.lit(SLOT_MS)}`;
  const openSince = scoped(db, scope)
    .where('tasks.active', '=', OPEN)
    .where(createdBefore)
    .where(sql<boolean>`tasks.created_at + 0 >= ${window.from}`)
    .select(['tasks.assignee_id', 'tasks.priority', createdSlot.as('created_slot'), sql<number | null>`cast(null as bigint)`.as('closed_slot')]);
  const done = scoped(db, scope)
    .where(createdBefore)
    .where('tasks.completed_at', '>=', window.from)
    .select(['tasks.assignee_id', 'tasks.priority', createdSlot.as('created_slot'), sql<number | null>`tasks.completed_at / ${sql.lit(SLOT_MS)}`.as('closed_slot')]);
  const cancelledSince = db
    .selectFrom('task_history')
    .select(['task_history.task_id', sql<number>`max(task_history.at)`.as('closed_at')])
    .where('task_history.org_id', '=', scope.orgId)
    .where('task_history.field', '=', sql.lit('status'))
    .where('task_history.at', '>=', window.from)
    .where('task_history.to_value', '=', 'cancelled')
    .groupBy('task_history.task_id')
    .as('cancelled');
  // Driven from the history (a cross join keeps SQLite from scanning the tasks for the join instead).
  const cancelled = narrow(db.selectFrom(cancelledSince).crossJoin('tasks').whereRef('tasks.id', '=', 'cancelled.task_id'), scope)
    .where(createdBefore)
    .where('tasks.active', '=', 0)
    .where('tasks.completed_at', 'is', null)
    .select(['tasks.assignee_id', 'tasks.priority', createdSlot.as('created_slot'), sql<number | null>`cancelled.closed_at / ${sql.lit(SLOT_MS)}`.as('closed_slot')]);
  const spells = openSince.unionAll(done).unionAll(cancelled).as('spells');
  const [packed] = await db
    .selectFrom(spells)
    .select(jsonRowsOf(db, [sql.ref('spells.assignee_id'), sql.ref('spells.priority'), sql.ref('spells.created_slot'), sql.ref('spells.closed_slot')]).as('rows'))
    .execute();
  const rows: SpellRow[] = [];
  for (const [assignee, priority, created, closed] of jsonRows<[string | null, string, number, number | null]>(packed?.rows)) {
    if (assignee !== null) rows.push({ assignee_id: assignee, priority, created_slot: created, closed_slot: closed });
  }
  return rows;
}

export interface SpellRow {
  assignee_id: string;
  priority: string;
  created_slot: number;
  closed_slot: number | null;
}
