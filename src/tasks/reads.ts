// What tasks answer without changing anything: the list and its counts, a
// record's tasks, and the reads other features make (automation, the
// calendar feed, notifications).
import { DateTime } from 'luxon';
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Invalid } from '../platform/errors.ts';
import { type CursorPart, decodeCursor, encodeCursor, pageOf, readCursor } from '../platform/pagination.ts';
import { linkKey, linkSummaries, summariesBeside } from '../records/service.ts';
import type { LinkSummary } from '../records/records.ts';
import { orgTimezone } from '../people/service.ts';
import { ageRange, type ReportListFilter } from './listFilters.ts';
import { presentTask, presentTasks } from './present.ts';
import * as store from './store.ts';
import { type CountsQuery, type Link, type ListQuery, NO_DUE_DATE, OPEN_STATUSES, type Priority, type Status, STATUSES, type TaskView } from './task.ts';

export async function listTasks(deps: Deps, actor: Actor, query: Omit<ListQuery, 'format'>) {
  const now = deps.clock.now();
  const columns = store.sortColumns(query.sort.key);
  const after = query.cursor ? await pageAfter(deps.db, actor.orgId, query.cursor, columns.length, query.sort.descending) : undefined;
  const rows = await store.listTasks(deps.db, actor.orgId, await filterFor(deps, actor, query, now), query.sort, { limit: query.limit + 1, after }, summariesBeside(deps.db));
  const { items, nextCursor } = pageOf(rows, query.limit, (row) => encodeCursor(columns.map((c) => row[c])));
  return { items: await presentTasks(deps.db, actor.orgId, items, now), nextCursor };
}

/**
 * The sort values a list's cursor carries: every one an integer, the last the
 * task's number (its tiebreak). A cursor handed out while the tiebreak was
 * the task's id (before migration 0032) ends with the id instead; that task's
 * number takes its place, so the list goes on after the same task. Ids and
 * numbers both follow the order tasks were made in (but for creates that
 * overlapped), so tasks tied on every other sort value keep their order. If
 * that task was deleted since, the tasks tied with it come again rather than
 * being skipped.
 */
async function pageAfter(db: Db, orgId: string, cursor: string, length: number, descending: boolean): Promise<(string | number)[]> {
  const sorted = Array<CursorPart>(length - 1).fill('integer');
  const current = readCursor(cursor, [...sorted, 'integer']);
  if (current) return current;
  const older = decodeCursor(cursor, [...sorted, 'text']);
  const task = await store.findTask(db, orgId, String(older[length - 1]));
  return [...older.slice(0, -1), task ? Number(task.number) : descending ? Number.MAX_SAFE_INTEGER : 0];
}

/** Exact counts per status of the tasks a list with these filters would show (every status named, 0 when none). */
export async function countTasks(deps: Deps, actor: Actor, query: CountsQuery) {
  const { groupBy, ...filters } = query;
  const counted = await store.countTasksByStatus(deps.db, actor.orgId, await filterFor(deps, actor, filters, deps.clock.now()));
  const counts = Object.fromEntries(STATUSES.map((status) => [status, counted.get(status) ?? 0])) as Record<Status, number>;
  return { groupBy, counts, total: [...counted.values()].reduce((a, b) => a + b, 0) };
}

/** A record's open tasks (soonest due first, at most 50) and how many of its tasks are open, done and overdue. */
export async function tasksOfRecord(deps: Deps, actor: Actor, link: Link) {
  const now = deps.clock.now();
  const rows = await store.listTasks(deps.db, actor.orgId, { link, statuses: [...OPEN_STATUSES] }, { key: 'due', descending: false }, { limit: 50 });
  const counts = await store.countTasksOfRecord(deps.db, actor.orgId, link, now);
  return { open: await presentTasks(deps.db, actor.orgId, rows, now), counts };
}

/** Every task matching the query, page by page — what a CSV export streams. */
export async function* allTasks(deps: Deps, actor: Actor, query: Omit<ListQuery, 'format'>): AsyncGenerator<TaskView[]> {
  let cursor: string | undefined = query.cursor;
  do {
    const page = await listTasks(deps, actor, { ...query, limit: 200, cursor });
    yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

type FilterQuery = Omit<ListQuery, 'format' | 'sort' | 'limit' | 'cursor'>;

/** The list's filters as the store takes them; `due` (today, this week) needs the organisation's calendar, read only then. */
export async function filterFor(deps: Deps, actor: Actor, query: FilterQuery, now: number): Promise<store.TaskFilter> {
  return filterOf(actor, query, now, query.due ? await orgTimezone(deps.db, actor.orgId) : undefined);
}

export function filterOf(actor: Actor, query: FilterQuery, now: number, zone?: string): store.TaskFilter {
  const statuses: Status[] | undefined =
    query.status === 'all' ? undefined : (query.status ?? ['open', 'in_progress', 'waiting', 'blocked']);
  const filter: store.TaskFilter = { statuses, priorities: query.priority, dueBefore: query.dueBefore, dueAfter: query.dueAfter, link: query.link, text: query.q, teamId: query.team === 'none' ? null : query.team };
  if (query.assignee !== undefined) filter.assigneeId = query.assignee === 'me' ? actor.userId : query.assignee === 'none' ? null : query.assignee;
  if (query.overdue === true) filter.overdueAt = now;
  if (query.overdue === false) throw Invalid.field('overdue', 'only overdue=true is a filter; leave it out for every task');
  return definedOf(filter, reportFilterOf(query, now, zone));
}

function reportFilterOf(query: FilterQuery, now: number, zone: string | undefined): ReportListFilter {
  const filter: ReportListFilter = {
    createdFrom: query.createdFrom,
    createdTo: query.createdTo,
    completedFrom: query.completedFrom,
    completedTo: query.completedTo,
    dueFrom: query.dueFrom,
    dueTo: query.dueTo,
    timing: query.timing,
    source: query.source,
    ruleId: query.rule,
    recordType: query.recordType,
    closedBy: query.closedBy,
    leadStage: query.leadStage === undefined ? undefined : { stage: query.leadStage, ...(query.leadPipeline !== undefined && { pipelineId: query.leadPipeline }) },
    createdWithin: query.age?.map((key) => ageRange(key, now)),
  };
  if (query.leadPipeline !== undefined && query.leadStage === undefined) throw Invalid.field('leadPipeline', 'names the pipeline of a leadStage; give leadStage too');
  if (query.due !== undefined && zone !== undefined) {
    const local = DateTime.fromMillis(now, { zone });
    const edge = (query.due === 'today' ? local.startOf('day').plus({ days: 1 }) : local.startOf('week').plus({ weeks: 1 })).toMillis();
    filter.dueFrom = Math.max(filter.dueFrom ?? now, now);
    filter.dueTo = Math.min(filter.dueTo ?? edge, edge);
  }
  return filter;
}

/** The keys of both (they share none) that have a value: a loop, not spreads of twenty-odd keys and an array of pairs, on every list request. */
function definedOf<A extends object, B extends object>(a: A, b: B): A & B {
  const out: Record<string, unknown> = {};
  for (const part of [a, b] as Record<string, unknown>[]) {
    for (const key in part) if (part[key] !== undefined) out[key] = part[key];
  }
  return out as A & B;
}

export async function openTasksOfAutomationKey(db: Db, orgId: string, key: string, now: number): Promise<TaskView[]> {
  return (await store.findOpenByAutomationKey(db, orgId, key)).map((row) => presentTask(row, now));
}

export async function openTasksLinkedTo(db: Db, orgId: string, link: { type: string; id: string }, now: number): Promise<TaskView[]> {
  return (await store.findOpenLinkedTo(db, orgId, link)).map((row) => presentTask(row, now));
}

/** Open tasks per person and priority. */
export async function openWorkOf(db: Db, orgId: string, userIds: string[]): Promise<Map<string, Partial<Record<Priority, number>>>> {
  const work = new Map<string, Partial<Record<Priority, number>>>();
  if (userIds.length === 0) return work;
  for (const row of await store.countOpenWork(db, orgId, userIds)) {
    const counts = work.get(row.assignee_id!) ?? {};
    counts[row.priority as Priority] = Number(row.count);
    work.set(row.assignee_id!, counts);
  }
  return work;
}

/** The tasks that list this one in blockedBy (notifications tell their assignees it is done). */
export async function tasksWaitingOn(db: Db, orgId: string, taskId: string, now: number): Promise<TaskView[]> {
  return (await store.findDependents(db, orgId, taskId)).map((row) => presentTask(row, now));
}

/** A person's unfinished tasks that have a due date, soonest first (at most `limit`): what their calendar feed lists. */
export async function dueTasksOf(deps: Deps, orgId: string, userId: string, limit: number): Promise<TaskView[]> {
  const rows = await store.listTasks(deps.db, orgId, { assigneeId: userId, statuses: [...OPEN_STATUSES], dueBefore: NO_DUE_DATE }, { key: 'due', descending: false }, { limit });
  return presentTasks(deps.db, orgId, rows, deps.clock.now());
}

/** What the scheduler plans timers from: a task's status, due date and wake-up time, or undefined when it is gone. */
export async function taskTimes(db: Db, orgId: string, id: string) {
  const row = await store.findTask(db, orgId, id);
  return row && { status: row.status as Status, dueAt: row.due_at, waitingUntil: row.waiting_until, createdAt: row.created_at };
}


/** The records a task links to, as its list shows them (names, external references), or undefined when it is gone. */
export async function taskLinks(db: Db, orgId: string, id: string): Promise<LinkSummary[] | undefined> {
  const row = await store.findTask(db, orgId, id);
  if (!row) return undefined;
  const links = JSON.parse(row.links) as Link[];
  const summaries = await linkSummaries(db, orgId, links);
  return links.map((l) => summaries.get(linkKey(l)) ?? { ...l, name: null, archived: false, externalRefs: [] });
}

/** The names of the organisation's people and teams, by id: what an export shows beside each id. */
export { namesById as directory } from '../people/service.ts';
