// The queries of the automation report: what rules created, and how it ended.
import { sql } from 'kysely';
import type { Db } from '../platform/db/schema.ts';
import type { Window } from './report.ts';
import { count, scoped, type TaskScope, when } from './store.ts';

function createdIn(db: Db, scope: TaskScope, window: Window) {
  return scoped(db, scope).where('tasks.created_at', '>=', window.from).where('tasks.created_at', '<', window.to);
}

export function createdBySource(db: Db, scope: TaskScope, window: Window) {
  return createdIn(db, scope, window)
    .select(['tasks.source_kind', count.as('created'), when(sql`tasks.status = 'done'`).as('completed')])
    .groupBy('tasks.source_kind')
    .execute();
}

export function ruleOutcomes(db: Db, scope: TaskScope, window: Window) {
  return createdIn(db, { ...scope, source: 'rule' }, window)
    .where('tasks.source_rule_id', 'is not', null)
    .select([
      'tasks.source_rule_id',
      count.as('created'),
      when(sql`tasks.active = 1`).as('open'),
      when(sql`tasks.status = 'done'`).as('completed'),
      when(sql`tasks.status = 'cancelled'`).as('cancelled'),
      when(sql`tasks.completed_at is not null and tasks.due_at is not null`).as('with_due_date'),
      when(sql`tasks.completed_at <= tasks.due_at`).as('on_time'),
    ])
    .groupBy('tasks.source_rule_id')
    .$narrowType<{ source_rule_id: string }>()
    .execute();
}

/** Rule-made tasks, now closed, whose closing change was made by the system (no actor, or the automation's). */
export function autoClosedByRule(db: Db, scope: TaskScope, window: Window, systemActorId: string) {
  return createdIn(db, { ...scope, source: 'rule' }, window)
    .where('tasks.active', '=', 0)
    .innerJoin('task_history', (join) =>
      join.onRef('task_history.task_id', '=', 'tasks.id').on('task_history.org_id', '=', scope.orgId).on('task_history.field', '=', sql.lit('status')),
    )
    .where('task_history.to_value', 'in', ['done', 'cancelled'])
    .where((eb) => eb.or([eb('task_history.actor_id', 'is', null), eb('task_history.actor_id', '=', systemActorId)]))
    .select(['tasks.source_rule_id', sql<number>`count(distinct tasks.id)`.as('count')])
    .groupBy('tasks.source_rule_id')
    .$narrowType<{ source_rule_id: string }>()
    .execute();
}
