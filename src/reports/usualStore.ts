// The query behind each person's usual load (workload report): the tasks
// assigned and open at some moment of a window, read from the window's index
// ranges only.
import { sql } from 'kysely';
import { jsonRows, jsonRowsOf } from '../platform/db/json.ts';
import type { Db } from '../platform/db/schema.ts';
import { SLOT_MS, type Window } from './report.ts';
import { count, narrow, scoped, type TaskScope } from './store.ts';

/**
 * Each assigned task open at some moment of the window, as quarter-hour
 * slots: created, and closed (done or cancelled; null while still open) —
 * completed_at for a done task (it is set exactly while a task is done),
 * else the last status change that closed it, from the history — with how
 * many tasks share the same person, priority and slots.
 *
 * Only three kinds of task can be open inside the window, and each is read
 * from its own index range instead of every task ever created: the open ones
 * (active = 1, null close), the done ones completed since the window began
 * (tasks_report_completed), and the cancelled ones found from their
 * cancelling status changes since then (task_history_status). A cancelled
 * task's last status change is the one that cancelled it, so its last close
 * is its latest cancelling change, and it has one since the window began
 * exactly when it has any closing change since then. A closed task with
 * neither a completion nor a closing change in its history would have
 * counted as open forever; no write path leaves one (a task is closed by a
 * status change, which the history records in the same transaction).
 *
 * The open tasks created before the window are open at every instant of it:
 * they come back counted per person and priority, at the slot before the
 * window's (any slot before it says the same to every sample and to when the
 * person's history starts). Every other task is its own spell (they barely
 * group: grouping them in SQL cost more than it saved), read back as one JSON
 * array (at 1,000,000 tasks some 80,000 rows, most of the report's time when
 * each was made into an object).
 */
export async function openSpells(db: Db, scope: TaskScope, window: Window): Promise<SpellRow[]> {
  // Which index each part reads must not depend on statistics SQLite may not have: "created before the window's
  // end" (nearly every task) is written so that no index offers it, and "assigned" is left to the caller (an
  // assignee index would otherwise look as good as the window's ranges).
  const createdBefore = (instant: number) => sql<boolean>`tasks.created_at + 0 < ${instant}`;
  const createdSlot = sql<number>`tasks.created_at / ${sql.lit(SLOT_MS)}`;
  const openBefore = scoped(db, scope)
    .where('tasks.active', '=', 1)
    .where(createdBefore(window.from))
    .select(['tasks.assignee_id', 'tasks.priority', count.as('count')])
    .groupBy(['tasks.assignee_id', 'tasks.priority']);
  const openSince = scoped(db, scope)
    .where('tasks.active', '=', 1)
    .where(createdBefore(window.to))
    .where(sql<boolean>`tasks.created_at + 0 >= ${window.from}`)
    .select(['tasks.assignee_id', 'tasks.priority', createdSlot.as('created_slot'), sql<number | null>`cast(null as bigint)`.as('closed_slot')]);
  const done = scoped(db, scope)
    .where(createdBefore(window.to))
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
    .where(createdBefore(window.to))
    .where('tasks.active', '=', 0)
    .where('tasks.completed_at', 'is', null)
    .select(['tasks.assignee_id', 'tasks.priority', createdSlot.as('created_slot'), sql<number | null>`cancelled.closed_at / ${sql.lit(SLOT_MS)}`.as('closed_slot')]);
  const later = openSince.unionAll(done).unionAll(cancelled).as('spells');
  const [before, [packed]] = await Promise.all([
    openBefore.execute(),
    db
      .selectFrom(later)
      .select(jsonRowsOf(db, [sql.ref('spells.assignee_id'), sql.ref('spells.priority'), sql.ref('spells.created_slot'), sql.ref('spells.closed_slot')]).as('rows'))
      .execute(),
  ]);
  const beforeWindow = Math.floor(window.from / SLOT_MS) - 1;
  const rows: SpellRow[] = before.map((r) => ({ assignee_id: r.assignee_id!, priority: r.priority, created_slot: beforeWindow, closed_slot: null, count: Number(r.count) }));
  for (const [assignee, priority, created, closed] of jsonRows<[string | null, string, number, number | null]>(packed?.rows)) {
    rows.push({ assignee_id: assignee!, priority, created_slot: created, closed_slot: closed, count: 1 });
  }
  return rows.filter((r) => r.assignee_id !== null);
}

export interface SpellRow {
  assignee_id: string;
  priority: string;
  created_slot: number;
  closed_slot: number | null;
  count: number;
}
