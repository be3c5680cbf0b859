// Every query the reports run. Counts and group-bys happen here, in SQL;
// what needs the org's calendar or a percentile comes back as narrow rows.
import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Database, Db } from '../platform/db/schema.ts';
import type { LinkType } from '../tasks/task.ts';
import { DAY, PRIMARY_LINK_ORDER, SLOT_MS, type Window } from './report.ts';

/** Which tasks a report looks at: always one organisation, optionally narrowed. */
export interface TaskScope {
  orgId: string;
  teamId?: string;
  /** null: unassigned tasks only. */
  assigneeId?: string | null;
  linkType?: LinkType;
  source?: string;
}

export function scoped(db: Db, scope: TaskScope) {
  return narrow(db.selectFrom('tasks'), scope);
}

/** A query over tasks (and perhaps other tables) narrowed to the scope. */
export function narrow<Q extends SelectQueryBuilder<Database & Record<string, object>, 'tasks' | never, object>>(query: Q, scope: TaskScope): Q {
  let narrowed = query.where('tasks.org_id', '=', scope.orgId);
  if (scope.teamId !== undefined) narrowed = narrowed.where('tasks.team_id', '=', scope.teamId);
  if (scope.assigneeId !== undefined) narrowed = narrowed.where('tasks.assignee_id', scope.assigneeId === null ? 'is' : '=', scope.assigneeId);
  if (scope.source !== undefined) narrowed = narrowed.where('tasks.source_kind', '=', scope.source);
  const linkType = scope.linkType;
  if (linkType !== undefined) narrowed = narrowed.where((eb) => eb.exists(linkOfType(eb as unknown as ExpressionBuilder<Database, 'tasks'>, scope.orgId, linkType)));
  return narrowed as Q;
}

function linkOfType(eb: ExpressionBuilder<Database, 'tasks'>, orgId: string, type: LinkType) {
  return eb
    .selectFrom('task_links')
    .select(sql.lit(1).as('one'))
    .whereRef('task_links.task_id', '=', 'tasks.id')
    .where('task_links.org_id', '=', orgId)
    .where('task_links.record_type', '=', type);
}

/**
 * Open, written into the SQL rather than bound: tasks_report_open holds the
 * open tasks only (active = 1), and PostgreSQL uses a partial index only where
 * the query's own text implies its condition — a bound 1 does not, in the
 * generic plan of a prepared statement.
 */
export const OPEN = sql.lit(1);

export const count = sql<number>`count(*)`;
export const when = (condition: ReturnType<typeof sql>) => sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;

// --- open work, now -----------------------------------------------------------------

export async function openCounts(db: Db, scope: TaskScope, now: number, endOfToday: number) {
  const row = await scoped(db, scope)
    .where('tasks.active', '=', OPEN)
    .select([
      count.as('open'),
      when(sql`tasks.due_sort < ${now}`).as('overdue'),
      when(sql`tasks.due_sort >= ${now} and tasks.due_sort < ${endOfToday}`).as('due_today'),
    ])
    .executeTakeFirstOrThrow();
  return { open: Number(row.open), overdue: Number(row.overdue), dueToday: Number(row.due_today) };
}

/** Open tasks due inside the window whose due date has passed by now: late, though not completed. */
export async function overdueDueIn(db: Db, scope: TaskScope, window: Window, now: number): Promise<number> {
  const row = await scoped(db, scope)
    .where('tasks.active', '=', OPEN)
    .where('tasks.due_sort', '>=', window.from)
    .where('tasks.due_sort', '<', Math.min(window.to, now))
    .select(count.as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

function overdueTasks(db: Db, scope: TaskScope, now: number) {
  return scoped(db, scope).where('tasks.active', '=', OPEN).where('tasks.due_sort', '<', now);
}

/** Overdue work per (person, team): one pass that both the per-person and the per-team figures are summed from. */
export function overdueByAssigneeAndTeam(db: Db, scope: TaskScope, now: number) {
  return overdueTasks(db, scope, now)
    .select([unordered('tasks.assignee_id').as('assignee_id'), unordered('tasks.team_id').as('team_id'), count.as('count')])
    .groupBy([unordered('tasks.assignee_id'), unordered('tasks.team_id')])
    .execute();
}

/**
 * Overdue linked tasks, each counted once under its primary record type: the
 * most specific record it is linked to (PRIMARY_LINK_ORDER), so the types add
 * up to the linked total.
 */
export async function overdueByPrimaryLinkType(db: Db, scope: TaskScope, now: number) {
  const rank = sql<number>`min(case task_links.record_type ${sql.join(
    PRIMARY_LINK_ORDER.map((type, i) => sql`when ${type} then ${sql.lit(i)}`),
    sql` `,
  )} else ${sql.lit(PRIMARY_LINK_ORDER.length)} end)`;
  const perTask = overdueTasks(db, scope, now)
    .innerJoin('task_links', (join) => join.onRef('task_links.task_id', '=', 'tasks.id').on('task_links.org_id', '=', scope.orgId))
    .select(['tasks.id', rank.as('rank')])
    .groupBy('tasks.id')
    .as('primary_links');
  const rows = await db.selectFrom(perTask).select(['primary_links.rank', count.as('count')]).groupBy('primary_links.rank').execute();
  return rows.map((r) => ({ key: PRIMARY_LINK_ORDER[Number(r.rank)] ?? 'other', count: Number(r.count) }));
}

export async function overdueUnlinked(db: Db, scope: TaskScope, now: number): Promise<number> {
  const row = await overdueTasks(db, scope, now)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('task_links').select(sql.lit(1).as('one')).whereRef('task_links.task_id', '=', 'tasks.id').where('task_links.org_id', '=', scope.orgId))),
    )
    .select(count.as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function oldestOverdue(db: Db, scope: TaskScope, now: number, limit: number) {
  return overdueTasks(db, scope, now)
    .select(['tasks.id', 'tasks.number', 'tasks.title', 'tasks.priority', 'tasks.due_at', 'tasks.assignee_id', 'tasks.team_id'])
    .orderBy('tasks.due_sort')
    .orderBy('tasks.number')
    .limit(limit)
    .execute();
}

/** Open work per person and priority: the counts a workload is weighed from, and how many were created before `since` (the usual load's window). */
export function openLoad(db: Db, scope: TaskScope, now: number, endOfWeek: number, since: number) {
  return scoped(db, scope)
    .where('tasks.active', '=', OPEN)
    .select([
      unordered('tasks.assignee_id').as('assignee_id'),
      unordered('tasks.priority').$castTo<string>().as('priority'),
      count.as('open'),
      when(sql`tasks.due_sort < ${now}`).as('overdue'),
      when(sql`tasks.due_sort >= ${now} and tasks.due_sort < ${endOfWeek}`).as('due_this_week'),
      when(sql`tasks.created_at < ${since}`).as('open_before'),
    ])
    .groupBy([unordered('tasks.assignee_id'), unordered('tasks.priority')])
    .execute();
}

/** Unresolved tasks per person and team, counted into the age buckets (each includes its lower bound). */
export function openByAge(db: Db, scope: TaskScope, now: number) {
  const olderThan = (days: number) => now - days * DAY;
  const between = (newest: number, oldest: number) => when(sql`tasks.created_at <= ${olderThan(newest)} and tasks.created_at > ${olderThan(oldest)}`);
  return scoped(db, scope)
    .where('tasks.active', '=', OPEN)
    .select([
      unordered('tasks.assignee_id').as('assignee_id'),
      unordered('tasks.team_id').as('team_id'),
      when(sql`tasks.created_at > ${olderThan(1)}`).as('under1d'),
      between(1, 3).as('d1to3'),
      between(3, 7).as('d3to7'),
      between(7, 30).as('d7to30'),
      when(sql`tasks.created_at <= ${olderThan(30)}`).as('over30d'),
    ])
    .groupBy([unordered('tasks.assignee_id'), unordered('tasks.team_id')])
    .execute();
}

// --- completions ----------------------------------------------------------------------

/**
 * Tasks completed inside the window (completed_at is set only while a task is
 * done): the groups each falls in, its time to complete, and whether it was
 * on time (null: no due date) — numbers worked out here, not in JavaScript.
 */
export function completions(db: Db, scope: TaskScope, window: Window) {
  return scoped(db, scope)
    .where('tasks.completed_at', '>=', window.from)
    .where('tasks.completed_at', '<', window.to)
    .select([
      'tasks.assignee_id',
      'tasks.team_id',
      'tasks.source_kind',
      'tasks.source_rule_id',
      'tasks.completed_at',
      sql<number>`tasks.completed_at - tasks.created_at`.as('ms'),
      sql<number | null>`case when tasks.due_at is null then null when tasks.completed_at <= tasks.due_at then 1 else 0 end`.as('on_time'),
    ])
    .$narrowType<{ completed_at: number }>()
    .execute();
}

/** Just the time to complete and whether it was on time (null: no due date), for every completion in the window. */
export function completionTimes(db: Db, scope: TaskScope, window: Window) {
  return scoped(db, scope)
    .where('tasks.completed_at', '>=', window.from)
    .where('tasks.completed_at', '<', window.to)
    .select([
      sql<number>`tasks.completed_at - tasks.created_at`.as('ms'),
      sql<number | null>`case when tasks.due_at is null then null when tasks.completed_at <= tasks.due_at then 1 else 0 end`.as('on_time'),
    ])
    .execute();
}

/** Tasks created (or completed) per UTC quarter-hour slot inside the window. */
export function createdPerSlot(db: Db, scope: TaskScope, window: Window) {
  const slot = sql<number>`tasks.created_at / ${sql.lit(SLOT_MS)}`;
  return scoped(db, scope)
    .where('tasks.created_at', '>=', window.from)
    .where('tasks.created_at', '<', window.to)
    .select([slot.as('slot'), count.as('count')])
    .groupBy(slot)
    .execute();
}

export function completedPerSlot(db: Db, scope: TaskScope, window: Window) {
  const slot = sql<number>`tasks.completed_at / ${sql.lit(SLOT_MS)}`;
  return scoped(db, scope)
    .where('tasks.completed_at', '>=', window.from)
    .where('tasks.completed_at', '<', window.to)
    .select([slot.as('slot'), count.as('count')])
    .groupBy(slot)
    .execute();
}

// --- status dwell ------------------------------------------------------------------------

/** Unresolved tasks now, per status and linked record type (a task linked to several types counts in each). */
export function openByStatusAndLinkType(db: Db, scope: TaskScope) {
  return scoped(db, scope)
    .where('tasks.active', '=', OPEN)
    .innerJoin('task_links', (join) => join.onRef('task_links.task_id', '=', 'tasks.id'))
    .select([unordered('tasks.status').$castTo<string>().as('status'), 'task_links.record_type', sql<number>`count(distinct tasks.id)`.as('count')])
    .groupBy([unordered('tasks.status'), 'task_links.record_type'])
    .execute();
}

/**
 * A column as an expression (column || ''; null stays null) to group by: a
 * bare column would let SQLite walk an index that starts with it over every
 * task of the organisation, for its order, instead of the range of the tasks
 * a report reads (unresolved ones, or a window's completions).
 */
export function unordered(column: 'tasks.team_id' | 'tasks.status' | 'tasks.assignee_id' | 'tasks.priority') {
  return sql<string | null>`${sql.ref(column)} || ''`;
}

/**
 * Status changes since the window began, summed per (from, to) and the
 * task's team: a range of the status-history index, never one row per change.
 */
export function statusFlowsByTeam(db: Db, scope: TaskScope, window: Window, now: number) {
  return scopedStatusChanges(db, scope, window.from, now)
    .select(['task_history.from_value', 'task_history.to_value', 'tasks.team_id as key', ...flowSums(window)])
    .groupBy(['task_history.from_value', 'task_history.to_value', 'tasks.team_id'])
    .execute();
}

/** Per linked record type: a task linked to several records of one type counts once for it (an entry is its task's, at its instant, by its id: since keys, ids are unique within a task only). */
export function statusFlowsByLinkType(db: Db, scope: TaskScope, window: Window, now: number) {
  return statusFlowsByLinkTypeQuery(db, scope, window, now).execute();
}

/** The query behind statusFlowsByLinkType (its plan is checked by a test). */
export function statusFlowsByLinkTypeQuery(db: Db, scope: TaskScope, window: Window, now: number) {
  const perType = scopedStatusChanges(db, scope, window.from, now)
    .crossJoin('task_links')
    .whereRef('task_links.task_id', '=', 'task_history.task_id')
    .where('task_links.org_id', '=', scope.orgId)
    .select(['task_history.task_id', 'task_history.id', 'task_history.at', 'task_history.from_value', 'task_history.to_value', 'task_links.record_type'])
    .groupBy(['task_history.task_id', 'task_history.id', 'task_history.at', 'task_history.from_value', 'task_history.to_value', 'task_links.record_type'])
    .as('task_history');
  return db
    .selectFrom(perType)
    .select(['task_history.from_value', 'task_history.to_value', 'task_history.record_type as key', ...flowSums(window)])
    .groupBy(['task_history.from_value', 'task_history.to_value', 'task_history.record_type']);
}

/**
 * The status changes in [from, now) of the scope's tasks, each with its task.
 * CROSS JOIN fixes SQLite's order (PostgreSQL plans it as any join): one
 * person's tasks are few, so they drive, each reading its own history range;
 * otherwise the organisation's history range drives and finds each task.
 */
function scopedStatusChanges(db: Db, scope: TaskScope, from: number, now: number) {
  const changes = (query: ReturnType<typeof tasksAndHistory> | ReturnType<typeof historyAndTasks>) =>
    query
      .where((eb) => scopeOfJoinedTasks(eb, scope))
      .whereRef('tasks.id', '=', 'task_history.task_id')
      .where('task_history.org_id', '=', scope.orgId)
      .where('task_history.field', '=', sql.lit('status'))
      .where('task_history.at', '>=', from)
      .where('task_history.at', '<', now);
  return changes(scope.assigneeId !== undefined ? tasksAndHistory(db) : historyAndTasks(db));
}

function tasksAndHistory(db: Db) {
  return db.selectFrom('tasks').crossJoin('task_history');
}

function historyAndTasks(db: Db) {
  return db.selectFrom('task_history').crossJoin('tasks');
}

function flowSums(window: Window) {
  return [
    count.as('since_start'),
    when(sql`task_history.at < ${window.to}`).as('in_window'),
    sql<number>`coalesce(sum(case when task_history.at < ${window.to} then ${window.to} - task_history.at else 0 end), 0)`.as('remaining_ms'),
  ];
}

/** The scope's filters, on a query that joined tasks to something else. */
function scopeOfJoinedTasks(eb: ExpressionBuilder<Database, 'tasks'>, scope: TaskScope) {
  const conditions = [eb('tasks.org_id', '=', scope.orgId)];
  if (scope.teamId !== undefined) conditions.push(eb('tasks.team_id', '=', scope.teamId));
  if (scope.assigneeId !== undefined) conditions.push(eb('tasks.assignee_id', scope.assigneeId === null ? 'is' : '=', scope.assigneeId));
  if (scope.source !== undefined) conditions.push(eb('tasks.source_kind', '=', scope.source));
  if (scope.linkType !== undefined) conditions.push(eb.exists(linkOfType(eb, scope.orgId, scope.linkType)));
  return eb.and(conditions);
}

/** Where unresolved work sits now: per team and status. */
export function pileUps(db: Db, scope: TaskScope, now: number) {
  return scoped(db, scope)
    .where('tasks.active', '=', OPEN)
    .select([
      unordered('tasks.team_id').as('team_id'),
      unordered('tasks.status').$castTo<string>().as('status'),
      count.as('count'),
      when(sql`tasks.due_sort < ${now}`).as('overdue'),
      sql<number>`min(tasks.created_at)`.as('oldest'),
    ])
    .groupBy([unordered('tasks.team_id'), unordered('tasks.status')])
    .execute();
}

/** Every unresolved task linked to a lead, with the lead and whether it is overdue: so a task linked to two leads at one stage counts once. */
export function openTasksOfLeads(db: Db, scope: TaskScope, now: number) {
  return scoped(db, scope)
    .where('tasks.active', '=', OPEN)
    .crossJoin('task_links')
    .whereRef('task_links.task_id', '=', 'tasks.id')
    .where('task_links.record_type', '=', 'lead')
    .select(['tasks.id as task_id', 'task_links.record_id', sql<number>`case when tasks.due_sort < ${now} then 1 else 0 end`.as('overdue')])
    .execute();
}

/**
 * Status changes on the whole UTC days [fromDay, toDay), per (from, to) and
 * the task's team (linkType '': each task once) or linked record type: how
 * many, and Σ (until − instant) over them.
 */
export function rolledUpFlows(db: Db, scope: Omit<TaskScope, 'assigneeId'>, days: { fromDay: number; toDay: number }, until: number) {
  let query = db
    .selectFrom('report_status_flows')
    .where('org_id', '=', scope.orgId)
    .where('day', '>=', days.fromDay)
    .where('day', '<', days.toDay);
  if (scope.teamId !== undefined) query = query.where('team_key', '=', scope.teamId);
  if (scope.linkType !== undefined) query = query.where('link_type', '=', scope.linkType);
  if (scope.source !== undefined) query = query.where('source_key', '=', scope.source);
  return query
    .select([
      'team_key',
      'link_type',
      'from_status',
      'to_status',
      sql<number>`sum(changes)`.as('changes'),
      sql<number>`sum(changes * (${until} - cast(day as bigint) * ${sql.lit(DAY)}) - offset_ms)`.as('remaining_ms'),
    ])
    .groupBy(['team_key', 'link_type', 'from_status', 'to_status'])
    .execute();
}
