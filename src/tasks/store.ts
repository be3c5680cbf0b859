// Every query about tasks, their links, history and comments.
import { type AliasableExpression, type Expression, type Insertable, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { QueryShapes, readOnceInTransaction } from '../platform/db/database.ts';
import { lockRows } from '../platform/db/dialect.ts';
import type { Database, Db, TaskHistoryTable, TasksTable } from '../platform/db/schema.ts';
import { containsText } from '../platform/db/text.ts';
import { narrowByReportFilters } from './filterSql.ts';
import { everyOpenStatus, filterShape, type ListPage, type ListSort, listShape, type TaskFilter, withoutStatuses } from './listShapes.ts';
import type { Link, LinkType, SortKey, Status } from './task.ts';

export type { TaskFilter } from './listShapes.ts';

export type TaskRow = Selectable<TasksTable>;
export type HistoryRow = Insertable<TaskHistoryTable>;

// The create path's inserts and the one-task read, compiled once per shape.
const writes = new QueryShapes();

export async function insertTask(db: Db, row: TaskRow, links: Link[]): Promise<void> {
  await writes.insert(db, 'tasks', [row], () => db.insertInto('tasks').values(row));
  await insertLinks(db, row.org_id, row.id, links);
}

async function insertLinks(db: Db, orgId: string, taskId: string, links: Link[]): Promise<void> {
  if (links.length === 0) return;
  const rows = links.map((l) => ({ org_id: orgId, task_id: taskId, record_type: l.type, record_id: l.id }));
  await writes.insert(db, 'task_links', rows, () => db.insertInto('task_links').values(rows));
}

export async function replaceLinks(db: Db, orgId: string, taskId: string, links: Link[]): Promise<void> {
  await db.deleteFrom('task_links').where('org_id', '=', orgId).where('task_id', '=', taskId).execute();
  await insertLinks(db, orgId, taskId, links);
}

/**
 * One task by id: read for every task event the worker handles, so compiled
 * once, and read once per SQLite transaction while nothing has been written
 * since (a group of the worker's events often asks for the same task twice:
 * its timers, then its notifications). Each caller gets its own copy.
 */
export async function findTask(db: Db, orgId: string, id: string): Promise<TaskRow | undefined> {
  const row = await readOnceInTransaction(db, `findTask:${orgId}:${id}`, async () => {
    const [found] = await writes.run(db, 'findTask', [orgId, id], () => db.selectFrom('tasks').selectAll().where('org_id', '=', orgId).where('id', '=', id));
    return found && { ...found };
  });
  return row && { ...row };
}

export function findTaskByNumber(db: Db, orgId: string, number: number) {
  return db.selectFrom('tasks').selectAll().where('org_id', '=', orgId).where('number', '=', number).executeTakeFirst();
}

/** The tasks with these ids or numbers (keys T-n), in one query. */
export function findTasks(db: Db, orgId: string, ids: string[], numbers: number[] = []) {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((eb) => eb.or([eb('id', 'in', ids.length ? ids : ['']), eb('number', 'in', numbers.length ? numbers : [-1])]))
    .execute();
}

/** Writes the new state only if nobody changed the task since `version` was read. */
export async function updateTask(db: Db, orgId: string, id: string, version: number, set: Partial<TaskRow>): Promise<boolean> {
  const result = await db
    .updateTable('tasks')
    .set(set)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteTasks(db: Db, orgId: string, ids: string[]): Promise<void> {
  await db.deleteFrom('task_links').where('org_id', '=', orgId).where('task_id', 'in', ids).execute();
  await db.deleteFrom('task_comments').where('org_id', '=', orgId).where('task_id', 'in', ids).execute();
  await db.deleteFrom('task_history').where('org_id', '=', orgId).where('task_id', 'in', ids).execute();
  await db.deleteFrom('tasks').where('org_id', '=', orgId).where('id', 'in', ids).execute();
}

export async function insertHistory(db: Db, rows: HistoryRow[]): Promise<void> {
  if (rows.length > 0) await writes.insert(db, 'task_history', rows, () => db.insertInto('task_history').values(rows));
}

export function listHistory(db: Db, orgId: string, taskId: string) {
  return db.selectFrom('task_history').selectAll().where('org_id', '=', orgId).where('task_id', '=', taskId).orderBy('at').orderBy('id').execute();
}

export async function insertComment(db: Db, row: { id: string; org_id: string; task_id: string; author_id: string; body: string; created_at: number }) {
  await db.insertInto('task_comments').values(row).execute();
}

export function findComment(db: Db, orgId: string, id: string) {
  return db.selectFrom('task_comments').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function listComments(db: Db, orgId: string, taskId: string, page: { limit: number; after?: string }) {
  let query = db.selectFrom('task_comments').selectAll().where('org_id', '=', orgId).where('task_id', '=', taskId);
  if (page.after) query = query.where('id', '>', page.after);
  return query.orderBy('id').limit(page.limit).execute();
}


/**
 * Each sort's columns, the task's number last: unique in the organisation, so
 * the order is total, and a small integer in every index that serves a list
 * where the id (26 characters) was before (migration 0032).
 */
const SORT_COLUMNS: Record<SortKey, ('due_sort' | 'priority_rank' | 'created_at' | 'updated_at' | 'number')[]> = {
  due: ['due_sort', 'number'],
  priority: ['priority_rank', 'due_sort', 'number'],
  created: ['created_at', 'number'],
  updated: ['updated_at', 'number'],
};

/** How many of a record's tasks are open, done, and open past their due date. */
export async function countTasksOfRecord(db: Db, orgId: string, link: { type: LinkType; id: string }, now: number) {
  const row = await db
    .selectFrom('tasks')
    .select([
      sql<number>`coalesce(sum(case when active = 1 then 1 else 0 end), 0)`.as('open'),
      sql<number>`coalesce(sum(case when status = 'done' then 1 else 0 end), 0)`.as('done'),
      sql<number>`coalesce(sum(case when active = 1 and due_at < ${now} then 1 else 0 end), 0)`.as('overdue'),
    ])
    .where('org_id', '=', orgId)
    .where('id', 'in', (eb) =>
      eb.selectFrom('task_links').select('task_id').where('org_id', '=', orgId).where('record_type', '=', link.type).where('record_id', '=', link.id),
    )
    .executeTakeFirstOrThrow();
  return { open: Number(row.open), done: Number(row.done), overdue: Number(row.overdue) };
}

export function sortColumns(key: SortKey) {
  return SORT_COLUMNS[key];
}

/**
 * Open (1) or closed (0), written into the SQL rather than bound: PostgreSQL
 * estimates a bound value of a two-valued column at half the rows, not the few
 * percent that are open, so the generic plan of a named list statement looked
 * dearer than planning anew and every run was planned again (about half a
 * millisecond of the server's CPU each). And the indexes of open tasks only
 * (tasks_report_open, tasks_assignee_due, tasks_team_due) apply only where the
 * query's text says active = 1. Which one a query asks for is part of its
 * shape (filterShape), so the texts stay few.
 */
const OPEN = sql.lit(1);
const CLOSED = sql.lit(0);

/** The organisation's tasks that pass the filter: what the list pages through and the counts count. */
function matching<O>(db: Db, from: SelectQueryBuilder<Database, 'tasks', O>, orgId: string, filter: TaskFilter): SelectQueryBuilder<Database, 'tasks', O> {
  let query = from.where('tasks.org_id', '=', orgId);
  if (filter.assigneeId !== undefined) query = query.where('assignee_id', filter.assigneeId === null ? 'is' : '=', filter.assigneeId);
  if (filter.teamId !== undefined) query = query.where('team_id', filter.teamId === null ? 'is' : '=', filter.teamId);
  if (filter.statuses) {
    if (filter.statuses.every((s) => s !== 'done' && s !== 'cancelled')) query = query.where('active', '=', OPEN);
    else if (filter.statuses.every((s) => s === 'done' || s === 'cancelled')) query = query.where('active', '=', CLOSED);
    // One status is written as `status = 'done'`, a literal: so both engines see that a partial index on it (tasks_team_done) applies, SQLite
    // (which does not read `in (?)` so) and PostgreSQL's cached plan of a named statement alike.
    query = filter.statuses.length === 1 ? query.where('status', '=', sql.lit(filter.statuses[0]!)) : query.where('status', 'in', filter.statuses);
  }
  if (filter.overdueAt !== undefined) query = query.where('active', '=', OPEN).where('due_at', '<', filter.overdueAt);
  if (filter.priorities) query = query.where('priority', 'in', filter.priorities);
  if (filter.dueBefore !== undefined) query = query.where('due_at', '<', filter.dueBefore);
  if (filter.dueAfter !== undefined) query = query.where('due_at', '>', filter.dueAfter);
  if (filter.link) {
    const { type, id } = filter.link;
    query = query.where('tasks.id', 'in', (eb) =>
      eb
        .selectFrom('task_links')
        .select('task_links.task_id')
        .where('task_links.org_id', '=', orgId)
        .where('task_links.record_type', '=', type)
        .where('task_links.record_id', '=', id),
    );
  }
  if (filter.text) {
    const text = filter.text;
    query = query.where((eb) => eb.or([containsText(db, eb, 'title', text), containsText(db, eb, 'description', text)]));
  }
  return narrowByReportFilters(query, orgId, filter);
}

/** Counts per status of the tasks that pass the filter: read from a tasks_counts_* index alone unless a text or link filter needs the rows. */
export function countByStatusQuery(db: Db, orgId: string, filter: TaskFilter) {
  return matching(db, db.selectFrom('tasks').select(['status', (eb) => eb.fn.countAll<number>().as('count')]), orgId, filter).groupBy('status');
}

export async function countTasksByStatus(db: Db, orgId: string, filter: TaskFilter): Promise<Map<Status, number>> {
  const shape = filterShape(orgId, filter);
  const build = () => countByStatusQuery(db, orgId, filter);
  const rows = shape ? await listShapes.run(db, `counts:${shape.key.join(',')}`, shape.params, build) : await build().execute();
  return new Map(rows.map((r) => [r.status as Status, Number(r.count)]));
}

/** Up to `limit` of the tasks that pass the filter, soonest due first, locked until the transaction ends. */
export function findMatchingTasks(db: Db, orgId: string, filter: TaskFilter, limit: number) {
  return matchingTasksQuery(db, orgId, filter, limit).execute();
}

export function matchingTasksQuery(db: Db, orgId: string, filter: TaskFilter, limit: number) {
  return lockRows(db, matching(db, db.selectFrom('tasks').selectAll(), orgId, filter).orderBy('due_sort').orderBy('number').limit(limit));
}

/** A task's place in its series, read with the task on a list page (all null when it has none). */
export interface PlaceColumns {
  series_id: string | null;
  series_previous_id: string | null;
  series_next_at: number | null;
}


/**
 * One page of an organisation's tasks, keyset-paginated on the sort columns
 * (no OFFSET, no gaps), each with its place in a series joined in, so that
 * presenting the page needs no query of its own for it.
 */
export function listTasks<T = never>(
  db: Db,
  orgId: string,
  filter: TaskFilter,
  sort: ListSort,
  page: ListPage,
  beside?: BesideLinks<T>,
): Promise<(TaskRow & PlaceColumns & { linked?: T })[]> {
  if (mergesClosedPages(filter, sort)) return mergedClosedPagesQuery(db, orgId, filter, sort, page, beside).execute() as Promise<(TaskRow & PlaceColumns & { linked?: T })[]>;
  const build = () => listPageQuery(db, orgId, filter, sort, page, beside);
  const shape = listShape(orgId, filter, sort, page);
  return shape ? listShapes.run(db, `${shape.key}${beside ? ',linked' : ''}`, shape.params, build) : build().execute();
}

/**
 * What a page selects beside each row from the row's links column (and its
 * organisation), as `linked`: the records it links to, brought along. It must
 * bind no values of its own, so the page's parameters stay the filters'.
 */
export type BesideLinks<T> = (links: Expression<string>, orgId: Expression<string>) => AliasableExpression<T>;

/**
 * One list page as listTasks runs it (unexecuted: the index audit explains
 * it), with what `beside` selects beside each row. The page is a subquery
 * (its rows, in its order) and the linked records are selected over its rows,
 * so PostgreSQL plans the page as it would alone: with the linked records'
 * subquery (estimated at thousands a row) in the page's own select list, it
 * read My work from tasks_report_open (every open task of the organisation in
 * due order, the person's picked out of them), which grows with the
 * organisation, instead of tasks_assignee_due (the person's open tasks in due
 * order) as the page alone does.
 */
export function listPageQuery<T = never>(db: Db, orgId: string, filter: TaskFilter, sort: ListSort, page: ListPage, beside?: BesideLinks<T>) {
  const rows = listTasksQuery(db, orgId, filter, sort, page);
  if (!beside) return rows;
  let query = db
    .selectFrom(rows.as('tasks'))
    .selectAll('tasks')
    .select(beside(sql.ref('tasks.links'), sql.ref('tasks.org_id')).as('linked'));
  for (const column of SORT_COLUMNS[sort.key]) query = query.orderBy(sql.ref(`tasks.${column}`), sort.descending ? 'desc' : 'asc');
  return query;
}

/**
 * Done and cancelled tasks together by due date, of everyone or of one
 * person: no index holds them in due order across the two statuses
 * (tasks_counts_status and tasks_counts_assignee are per status, migration
 * 0032), so each status's page is read from its own range and the pages are
 * merged — two pages sorted instead of every closed task. A team's closed
 * tasks are one range of tasks_team_due already.
 */
function mergesClosedPages(filter: TaskFilter, sort: ListSort): boolean {
  const statuses = filter.statuses ?? [];
  return sort.key === 'due' && filter.teamId === undefined && statuses.length > 1 && statuses.every((s) => s === 'done' || s === 'cancelled');
}

/** The query of such a list page (mergesClosedPages): each status's page, merged. */
export function mergedClosedPagesQuery<T = never>(db: Db, orgId: string, filter: TaskFilter, sort: ListSort, page: ListPage, beside?: BesideLinks<T>) {
  const [first, ...rest] = [...new Set(filter.statuses)].map((status) => {
    const one = listTasksQuery(db, orgId, { ...filter, statuses: [status] }, sort, page);
    // What the page brings beside each row, selected in each status's page, where the row's columns are.
    const withLinked = (beside ? one.select(beside(sql.ref('tasks.links'), sql.ref('tasks.org_id')).as('linked')) : one) as typeof one;
    return db.selectFrom(withLinked.as('page')).selectAll();
  });
  const pages = rest.reduce((merged, next) => merged.unionAll(next), first!);
  let query = db.selectFrom(pages.as('tasks')).selectAll();
  for (const column of SORT_COLUMNS[sort.key]) query = query.orderBy(column, sort.descending ? 'desc' : 'asc');
  return query.limit(page.limit);
}

/** The query of one list page (listTasks), unexecuted: what the index audit explains. */
export function listTasksQuery(
  db: Db,
  orgId: string,
  filter: TaskFilter,
  sort: ListSort,
  page: ListPage,
) {
  // Every open status asked for is active = 1 alone (everyOpenStatus): a literal, so the page binds the same values minus the statuses.
  const open = everyOpenStatus(filter.statuses);
  let query = matching(db, db.selectFrom('tasks').selectAll('tasks'), orgId, open ? withoutStatuses(filter) : filter)
    .$if(open, (q) => q.where('active', '=', OPEN))
    .leftJoin('task_series', (join) => join.onRef('task_series.task_id', '=', 'tasks.id').onRef('task_series.org_id', '=', 'tasks.org_id'))
    .select(['task_series.series_id', 'task_series.previous_id as series_previous_id', 'task_series.next_at as series_next_at']);
  const columns = SORT_COLUMNS[sort.key];
  const direction = sort.descending ? 'desc' : 'asc';
  if (page.after) {
    const after = page.after;
    // Row-value comparison (a, b) > (x, y): one index range on both engines.
    query = query.where(sql<boolean>`(${sql.join(columns.map((c) => sql.ref(c)))}) ${sql.raw(sort.descending ? '<' : '>')} (${sql.join(after)})`);
  }
  for (const column of columns) query = query.orderBy(column, direction);
  return query.limit(page.limit);
}

const listShapes = new QueryShapes();
// --- what automation asks of tasks ------------------------------------------

export async function insertDependencies(db: Db, orgId: string, taskId: string, blockedByIds: string[]): Promise<void> {
  if (blockedByIds.length === 0) return;
  const rows = blockedByIds.map((blocked_by_id) => ({ org_id: orgId, task_id: taskId, blocked_by_id }));
  await writes.insert(db, 'task_dependencies', rows, () => db.insertInto('task_dependencies').values(rows));
}

/** The tasks that wait for this one. */
export function findDependents(db: Db, orgId: string, taskId: string) {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', 'in', (eb) => eb.selectFrom('task_dependencies').select('task_id').where('org_id', '=', orgId).where('blocked_by_id', '=', taskId))
    .execute();
}

/** Open tasks a rule step created for a record. */
export function findOpenByAutomationKey(db: Db, orgId: string, key: string) {
  return db.selectFrom('tasks').selectAll().where('org_id', '=', orgId).where('automation_key', '=', key).where('active', '=', OPEN).execute();
}

/** Open tasks linked to a record. */
export function findOpenLinkedTo(db: Db, orgId: string, link: { type: string; id: string }) {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('active', '=', OPEN)
    .where('id', 'in', (eb) =>
      eb.selectFrom('task_links').select('task_id').where('org_id', '=', orgId).where('record_type', '=', link.type).where('record_id', '=', link.id),
    )
    .orderBy('id')
    .execute();
}

/** Open tasks per assignee and priority, for these people. */
export function countOpenWork(db: Db, orgId: string, userIds: string[]) {
  return db
    .selectFrom('tasks')
    .select(['assignee_id', 'priority', (eb) => eb.fn.countAll<number>().as('count')])
    .where('org_id', '=', orgId)
    .where('active', '=', OPEN)
    .where('assignee_id', 'in', userIds)
    .groupBy(['assignee_id', 'priority'])
    .execute();
}
