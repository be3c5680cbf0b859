// The query behind each person's usual load (workload report): the tasks
// assigned and open at some moment of a window, read from the window's index
// ranges only.
import { sql } from 'kysely';
import type { Db } from '../platform/db/schema.ts';
import { SLOT_MS, type Window } from './report.ts';
import { count, narrow, scoped, type TaskScope } from './store.ts';

/**
 * Each assigned task open at some moment of the window, as quarter-hour
 * slots: created, and closed (done or cancelled; null while still open) —
 * completed_at for a done task (it is set exactly while a task is done),
 * else the last status change that closed it, from the history.
 *
 * Only three kinds of task can be open inside the window, and each is read
 * from its own index range instead of every task ever created: the open ones
 * (active = 1, null close), the done ones completed since the window began
 * (tasks_report_completed), and the other closed ones found from their
 * closing status changes since then (task_history_status; each one's close is
 * then its latest closing change, as before). A closed task with neither a
 * completion nor a closing change in its history would have counted as open
 * forever; no write path leaves one (a task is closed by a status change,
 * which the history records in the same transaction).
 */
export function openSpells(db: Db, scope: TaskScope, window: Window) {
  // Which index each part reads must not depend on statistics SQLite may not have: "created before the window's
  // end" (nearly every task) is written so that no index offers it, and "assigned" is left to the caller (an
  // assignee index would otherwise look as good as the window's ranges).
  const createdBefore = sql<boolean>`tasks.created_at + 0 < ${window.to}`;
  const assigned = () => scoped(db, scope).where(createdBefore);
  const open = assigned()
    .where('tasks.active', '=', 1)
    .select(['tasks.assignee_id', 'tasks.priority', 'tasks.created_at', sql<number | null>`null`.as('closed_at')]);
  const done = assigned()
    .where('tasks.completed_at', '>=', window.from)
    .select(['tasks.assignee_id', 'tasks.priority', 'tasks.created_at', sql<number | null>`tasks.completed_at`.as('closed_at')]);
  const closedSince = db
    .selectFrom('task_history')
    .select('task_history.task_id')
    .distinct()
    .where('task_history.org_id', '=', scope.orgId)
    .where('task_history.field', '=', sql.lit('status'))
    .where('task_history.at', '>=', window.from)
    .where('task_history.to_value', 'in', ['done', 'cancelled'])
    .as('closed');
  // One task's history (its key, task_id first): the task, already of this organisation, names it.
  const lastClose = sql<number | null>`(select max(h.at) from task_history h where h.task_id = tasks.id and h.field = 'status' and h.to_value in ('done', 'cancelled'))`;
  // Driven from the history (a cross join keeps SQLite from scanning the tasks for the join instead).
  const otherwiseClosed = narrow(db.selectFrom(closedSince).crossJoin('tasks').whereRef('tasks.id', '=', 'closed.task_id'), scope)
    .where(createdBefore)
    .where('tasks.active', '=', 0)
    .where('tasks.completed_at', 'is', null)
    .select(['tasks.assignee_id', 'tasks.priority', 'tasks.created_at', lastClose.as('closed_at')]);
  const spells = open.unionAll(done).unionAll(otherwiseClosed).as('spells');
  return db
    .selectFrom(spells)
    .where((eb) => eb.or([eb('spells.closed_at', 'is', null), eb('spells.closed_at', '>=', window.from)]))
    .select([
      'spells.assignee_id',
      'spells.priority',
      sql<number>`spells.created_at / ${sql.lit(SLOT_MS)}`.as('created_slot'),
      sql<number | null>`spells.closed_at / ${sql.lit(SLOT_MS)}`.as('closed_slot'),
      count.as('count'),
    ])
    .groupBy(['spells.assignee_id', 'spells.priority', sql`spells.created_at / ${sql.lit(SLOT_MS)}`, sql`spells.closed_at / ${sql.lit(SLOT_MS)}`])
    .execute()
    .then((rows) => rows.filter((r): r is typeof r & { assignee_id: string } => r.assignee_id !== null));
}
