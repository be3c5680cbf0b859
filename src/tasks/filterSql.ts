// The SQL of the list filters a report's figure links with (listFilters.ts):
// each counts the way the report it comes from counts.
import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { AUTOMATION_ACTOR_ID } from '../events.ts';
import type { Database } from '../platform/db/schema.ts';
import { PRIMARY_LINK_ORDER, type ReportListFilter } from './listFilters.ts';

/** The filters a report's figure links with (listFilters.ts), counted the way the reports count. */
export function narrowByReportFilters<O>(from: SelectQueryBuilder<Database, 'tasks', O>, orgId: string, filter: ReportListFilter): SelectQueryBuilder<Database, 'tasks', O> {
  let query = from;
  if (filter.createdFrom !== undefined) query = query.where('tasks.created_at', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) query = query.where('tasks.created_at', '<', filter.createdTo);
  if (filter.completedFrom !== undefined) query = query.where('tasks.completed_at', '>=', filter.completedFrom);
  if (filter.completedTo !== undefined) query = query.where('tasks.completed_at', '<', filter.completedTo);
  if (filter.completedFrom === undefined && filter.completedTo === undefined && filter.timing !== undefined) query = query.where('tasks.completed_at', 'is not', null);
  if (filter.dueFrom !== undefined) query = query.where('tasks.due_at', '>=', filter.dueFrom);
  if (filter.dueTo !== undefined) query = query.where('tasks.due_at', '<', filter.dueTo);
  if (filter.timing === 'onTime') query = query.where(sql<boolean>`tasks.completed_at <= tasks.due_at`);
  if (filter.timing === 'late') query = query.where(sql<boolean>`tasks.completed_at > tasks.due_at`);
  if (filter.source !== undefined) query = query.where('tasks.source_kind', '=', filter.source);
  if (filter.ruleId !== undefined) query = query.where('tasks.source_rule_id', '=', filter.ruleId);
  if (filter.closedBy === 'automation') {
    // As the automation report counts its "closed by automation": closed now, and a closing change the system made.
    query = query.where('tasks.active', '=', 0).where((eb) =>
      eb.exists(
        eb
          .selectFrom('task_history')
          .select(sql.lit(1).as('one'))
          .whereRef('task_history.task_id', '=', 'tasks.id')
          .where('task_history.org_id', '=', orgId)
          .where('task_history.field', '=', sql.lit('status'))
          .where('task_history.to_value', 'in', ['done', 'cancelled'])
          .where((inner) => inner.or([inner('task_history.actor_id', 'is', null), inner('task_history.actor_id', '=', AUTOMATION_ACTOR_ID)])),
      ),
    );
  }
  const lead = filter.leadStage;
  if (lead !== undefined) {
    // As the bottlenecks report counts leads by stage: open work linked to a lead now at the stage.
    query = query.where((eb) => {
      let leads = eb
        .selectFrom('task_links')
        .innerJoin('leads', (join) => join.onRef('leads.id', '=', 'task_links.record_id').on('leads.org_id', '=', orgId))
        .select(sql.lit(1).as('one'))
        .whereRef('task_links.task_id', '=', 'tasks.id')
        .where('task_links.org_id', '=', orgId)
        .where('task_links.record_type', '=', 'lead')
        .where('leads.stage', '=', lead.stage);
      if (lead.pipelineId !== undefined) leads = leads.where('leads.pipeline_id', '=', lead.pipelineId);
      return eb.exists(leads);
    });
  }
  const within = filter.createdWithin;
  if (within) {
    query = query.where((eb) =>
      eb.or(within.map((r) => eb.and([eb('tasks.created_at', '<=', r.createdAtMost), ...(r.createdAfter === null ? [] : [eb('tasks.created_at', '>', r.createdAfter)])]))),
    );
  }
  const type = filter.recordType;
  if (type !== undefined) {
    const linked = (types: readonly string[]) => (eb: ExpressionBuilder<Database, 'tasks'>) =>
      eb.exists(
        eb
          .selectFrom('task_links')
          .select(sql.lit(1).as('one'))
          .whereRef('task_links.task_id', '=', 'tasks.id')
          .where('task_links.org_id', '=', orgId)
          .where('task_links.record_type', 'in', types as string[]),
      );
    if (type === 'none') query = query.where((eb) => eb.not(linked(PRIMARY_LINK_ORDER)(eb)));
    else {
      const before = PRIMARY_LINK_ORDER.slice(0, PRIMARY_LINK_ORDER.indexOf(type));
      query = query.where(linked([type]));
      if (before.length > 0) query = query.where((eb) => eb.not(linked(before)(eb)));
    }
  }
  return query;
}
