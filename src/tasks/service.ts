// Use cases of the task: each write is one transaction that stores the row,
// its history and its domain events together.
import type { Actor, Deps } from '../platform/context.ts';
import { groupedWrite } from '../platform/db/groupCommit.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, Forbidden, Invalid, NotFound, Stale } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { appendEvent } from '../platform/outbox.ts';
import { decodeCursor, encodeCursor, iso, pageOf } from '../platform/pagination.ts';
import { checkAssignable, orgTimezone, takeTaskNumber } from '../people/service.ts';
import { roleAtLeast } from '../people/person.ts';
import { checkLinks, linkKey, linkSummaries } from '../records/service.ts';
import type { LinkSummary } from '../records/records.ts';
import { nextOccurrence } from '../recurrence/recurrence.ts';
import * as recurrence from '../recurrence/service.ts';
import { keepStatusFlows } from '../reports/rollup.ts';
import './events.ts';
import * as store from './store.ts';
import {
  applyChange,
  type BulkAction,
  type BulkFilter,
  type BulkInput,
  BULK_MAX,
  type BulkPrevious,
  type ChecklistItem,
  type CountsQuery,
  type CreateTaskInput,
  type FieldChange,
  isFinal,
  isOverdue,
  type Link,
  type ListQuery,
  NO_DUE_DATE,
  slaOf,
  normaliseChecklist,
  parseTaskKey,
  PRIORITY_RANK,
  type Priority,
  type Status,
  STATUSES,
  type TaskState,
  type TaskView,
  taskKey,
  type UpdateTaskInput,
} from './task.ts';

export type SourceKind = 'manual' | 'api' | 'rule' | 'recurrence';

export interface TaskSource {
  kind: SourceKind;
  ruleId?: string;
  eventId?: string;
}

/** A task's API shape; `summaries` (from presentTasks) tells what each linked record is called. */
export function presentTask(
  row: store.TaskRow,
  now: number,
  summaries: Map<string, LinkSummary> = new Map(),
  series: Map<string, recurrence.SeriesView> = new Map(),
  links: Link[] = jsonList(row.links),
): TaskView {
  const source: TaskView['source'] = { kind: row.source_kind as SourceKind };
  if (row.source_rule_id) source.ruleId = row.source_rule_id;
  if (row.source_event_id) source.eventId = row.source_event_id;
  const place = series.get(row.id) ?? null;
  if (row.source_kind === 'recurrence' && place?.previousTaskId) source.previousTaskId = place.previousTaskId;
  const status = row.status as Status;
  return {
    id: row.id,
    key: taskKey(row.number),
    title: row.title,
    description: row.description,
    status,
    overdue: isOverdue({ status, dueAt: row.due_at }, now),
    priority: row.priority as Priority,
    dueAt: iso(row.due_at),
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    links: links.map((l) => summaries.get(linkKey(l)) ?? { ...l, name: null, archived: false }),
    checklist: jsonList<ChecklistItem>(row.checklist),
    waitingOn: row.waiting_on,
    blockedReason: row.blocked_reason,
    source,
    recurrence: row.recurrence,
    series: place,
    waitingUntil: iso(row.waiting_until),
    blockedBy: jsonList<string>(row.blocked_by),
    sla: presentSla(row, status, now),
    createdById: row.created_by_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    completedAt: iso(row.completed_at),
    version: row.version,
  };
}

function presentSla(row: store.TaskRow, status: Status, now: number): TaskView['sla'] {
  const sla = slaOf({ status, dueAt: row.due_at, waitingSince: row.waiting_since }, now);
  return sla && { dueAt: iso(sla.dueAt), remainingMs: sla.remainingMs, paused: sla.paused };
}

function stateOf(row: store.TaskRow): TaskState {
  return {
    status: row.status as Status,
    priority: row.priority as Priority,
    dueAt: row.due_at,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    waitingOn: row.waiting_on,
    blockedReason: row.blocked_reason,
    completedAt: row.completed_at,
    waitingUntil: row.waiting_until,
    waitingSince: row.waiting_since,
  };
}

function stateColumns(state: TaskState) {
  return {
    status: state.status,
    active: isFinal(state.status) ? 0 : 1,
    priority: state.priority,
    priority_rank: PRIORITY_RANK[state.priority],
    due_at: state.dueAt,
    due_sort: state.dueAt ?? NO_DUE_DATE,
    assignee_id: state.assigneeId,
    team_id: state.teamId,
    waiting_on: state.waitingOn,
    blocked_reason: state.blockedReason,
    completed_at: state.completedAt,
    waiting_until: state.waitingUntil ?? null,
    waiting_since: state.waitingSince ?? null,
  };
}

/** Tasks with a summary of each record they link to, fetched for all of them in one query (no N+1). */
export async function presentTasks(db: Db, orgId: string, rows: store.TaskRow[], now: number): Promise<TaskView[]> {
  const links = rows.map((row) => jsonList<Link>(row.links));
  const summaries = await linkSummaries(db, orgId, links.flat());
  const series = await recurrence.seriesViews(db, orgId, rows.filter((r) => r.recurrence !== null || r.source_kind === 'recurrence').map((r) => r.id));
  return rows.map((row, i) => presentTask(row, now, summaries, series, links[i]));
}

/** A JSON array column (links, checklist, blocked_by); most are empty, and those need no parsing. */
function jsonList<T>(text: string): T[] {
  return text === '[]' ? [] : (JSON.parse(text) as T[]);
}

async function presentOne(db: Db, row: store.TaskRow, now: number): Promise<TaskView> {
  return (await presentTasks(db, row.org_id, [row], now))[0]!;
}

export async function createTask(deps: Deps, actor: Actor, input: CreateTaskInput, source: TaskSource) {
  const now = deps.clock.now();
  return groupedWrite(deps, async (trx) => {
    const row = await insertNewTask(trx, actor, input, source, now);
    return presentOne(trx, row, now);
  });
}

/** What automation adds to a task it creates: the (rule step, record) it belongs to, and whether only one may be open. */
export interface AutomationKeys {
  automationKey: string;
  dedupeKey: string | null;
}

/** Creates a task inside the caller's transaction (automation creates tasks inside its own). */
export async function insertNewTask(trx: Db, actor: Actor, input: CreateTaskInput, source: TaskSource, now: number, keys?: AutomationKeys, previous?: PreviousOccurrence): Promise<store.TaskRow> {
  await checkAssignable({ db: trx }, actor.orgId, input);
  await checkLinks(trx, actor.orgId, input.links);
  const waitsFor = await unfinishedPredecessors(trx, actor.orgId, input.blockedBy);
  const blank: TaskState = { status: 'open', priority: input.priority, dueAt: input.dueAt, assigneeId: null, teamId: input.teamId, waitingOn: null, blockedReason: null, completedAt: null, waitingUntil: null, waitingSince: null };
  const blockedByOthers = waitsFor.length > 0 && !isFinal(input.status);
  const { next } = applyChange(
    blank,
    blockedByOthers
      ? { status: 'blocked', assigneeId: input.assigneeId, blockedReason: `Waits for ${waitsFor.map((t) => taskKey(t.number)).join(', ')}` }
      : { status: input.status, assigneeId: input.assigneeId, waitingOn: input.waitingOn, blockedReason: input.blockedReason, waitingUntil: input.waitingUntil },
    actor,
    now,
  );
  const number = await takeTaskNumber(trx, actor.orgId);
  const row: store.TaskRow = {
    id: newId(),
    org_id: actor.orgId,
    number,
    title: input.title,
    description: input.description,
    ...stateColumns(next),
    links: JSON.stringify(input.links),
    checklist: JSON.stringify(normaliseChecklist(input.checklist, newId)),
    source_kind: source.kind,
    source_rule_id: source.ruleId ?? null,
    source_event_id: source.eventId ?? null,
    recurrence: input.recurrence ?? null,
    created_by_id: actor.userId,
    created_at: now,
    updated_at: now,
    version: 1,
    blocked_by: JSON.stringify([...new Set(input.blockedBy)]),
    automation_key: keys?.automationKey ?? null,
    dedupe_key: keys?.dedupeKey ?? null,
  };
  await store.insertTask(trx, row, input.links);
  await store.insertDependencies(trx, actor.orgId, row.id, [...new Set(input.blockedBy)]);
  const created: FieldChange[] = [{ field: 'status', from: null, to: next.status }];
  if (next.assigneeId) created.push({ field: 'assigneeId', from: null, to: next.assigneeId });
  if (next.teamId) created.push({ field: 'teamId', from: null, to: next.teamId });
  if (next.dueAt !== null) created.push({ field: 'dueAt', from: null, to: iso(next.dueAt) });
  created.push({ field: 'priority', from: null, to: next.priority });
  const history = historyRows(row, created, actor.userId, now);
  await store.insertHistory(trx, history);
  await keepStatusFlows(trx, null, row, history);
  if (row.recurrence) await recurrence.placeNewTask(trx, await repeatingOf(trx, row), now, previous);
  const subject = { type: 'task', id: row.id };
  await appendEvent(trx, { orgId: actor.orgId, type: 'task.created', subject, data: { key: taskKey(number), title: row.title, source }, actorId: actor.userId, occurredAt: now });
  if (next.assigneeId || next.teamId) {
    await appendEvent(trx, { orgId: actor.orgId, type: 'task.assigned', subject, data: { fromAssigneeId: null, toAssigneeId: next.assigneeId, fromTeamId: null, toTeamId: next.teamId }, actorId: actor.userId, occurredAt: now });
  }
  return row;
}

/** The predecessors named in blockedBy that are not done yet; an id that is not a task here is a 404 naming it. */
async function unfinishedPredecessors(trx: Db, orgId: string, ids: string[]): Promise<store.TaskRow[]> {
  if (ids.length === 0) return [];
  const rows = await store.findTasks(trx, orgId, [...new Set(ids)]);
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.flatMap((id, i) => (found.has(id) ? [] : [{ path: `blockedBy.${i}`, message: 'no such task' }]));
  if (missing.length > 0) throw new NotFound('Task', missing);
  return rows.filter((r) => r.status !== 'done');
}

export async function getTask(deps: Deps, actor: Actor, idOrKey: string) {
  const row = await loadTask(deps.db, actor.orgId, idOrKey);
  return presentOne(deps.db, row, deps.clock.now());
}

async function loadTask(db: Db, orgId: string, idOrKey: string): Promise<store.TaskRow> {
  const number = parseTaskKey(idOrKey);
  const row = number !== null ? await store.findTaskByNumber(db, orgId, number) : await store.findTask(db, orgId, idOrKey);
  if (!row) throw new NotFound('Task');
  return row;
}

export async function updateTask(deps: Deps, actor: Actor, idOrKey: string, input: UpdateTaskInput, ifVersion?: number) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await loadTask(trx, actor.orgId, idOrKey);
    if (ifVersion !== undefined && ifVersion !== row.version) throw new Stale(row.version);
    const updated = await changeTask(trx, actor, row, input, now);
    return presentOne(trx, updated, now);
  });
}

/** Applies one change to a loaded task inside the caller's transaction: row, history, events. */
export async function changeTask(trx: Db, actor: Actor, row: store.TaskRow, input: UpdateTaskInput, now: number): Promise<store.TaskRow> {
  await checkAssignable({ db: trx }, actor.orgId, input);
  if (input.links !== undefined) await checkLinks(trx, actor.orgId, input.links, JSON.parse(row.links) as Link[]);
  const before = stateOf(row);
  const { next, tracked } = applyChange(before, input, actor, now);
  const content = {
    ...(input.title !== undefined && { title: input.title }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.links !== undefined && { links: JSON.stringify(input.links) }),
    ...(input.checklist !== undefined && { checklist: JSON.stringify(normaliseChecklist(input.checklist, newId)) }),
    ...(input.recurrence !== undefined && { recurrence: input.recurrence }),
  };
  // A finished task no longer holds its rule's "one open task per record" place.
  const dedupe = isFinal(next.status) ? { dedupe_key: null } : {};
  const updated: store.TaskRow = { ...row, ...content, ...stateColumns(next), ...dedupe, updated_at: now, version: row.version + 1 };
  const written = await store.updateTask(trx, actor.orgId, row.id, row.version, {
    ...content,
    ...stateColumns(next),
    ...dedupe,
    updated_at: now,
    version: updated.version,
  });
  if (!written) throw new Stale(row.version + 1);
  if (input.links !== undefined) await store.replaceLinks(trx, actor.orgId, row.id, input.links);
  const history = historyRows(row, tracked, actor.userId, now);
  await store.insertHistory(trx, history);
  await keepStatusFlows(trx, row, updated, history);
  await appendChangeEvents(trx, actor, updated, before, next, Object.keys(input), now);
  if (input.recurrence !== undefined || (input.dueAt !== undefined && updated.recurrence)) {
    await recurrence.replace(trx, { ...(await repeatingOf(trx, updated)), rule: updated.recurrence }, input.recurrence !== undefined && input.recurrence !== row.recurrence, now);
  }
  if (updated.recurrence && next.status === 'done' && before.status !== 'done') await createNextOccurrence(trx, actor, updated, now);
  return updated;
}

async function appendChangeEvents(trx: Db, actor: Actor, row: store.TaskRow, before: TaskState, after: TaskState, fields: string[], now: number) {
  const base = { orgId: actor.orgId, subject: { type: 'task', id: row.id }, actorId: actor.userId, occurredAt: now };
  const key = taskKey(row.number);
  if (before.assigneeId !== after.assigneeId || before.teamId !== after.teamId) {
    await appendEvent(trx, { ...base, type: 'task.assigned', data: { fromAssigneeId: before.assigneeId, toAssigneeId: after.assigneeId, fromTeamId: before.teamId, toTeamId: after.teamId } });
  }
  if (before.status !== after.status) {
    await appendEvent(trx, { ...base, type: 'task.status_changed', data: { key, from: before.status, to: after.status } });
    if (after.status === 'done') await appendEvent(trx, { ...base, type: 'task.completed', data: { key, completedAt: iso(now) } });
  }
  await appendEvent(trx, { ...base, type: 'task.updated', data: { key, fields, version: row.version } });
}

export async function deleteTask(deps: Deps, actor: Actor, idOrKey: string, ifVersion?: number): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadTask(trx, actor.orgId, idOrKey);
    if (ifVersion !== undefined && ifVersion !== row.version) throw new Stale(row.version);
    await removeTasks(trx, actor, [row], now);
  });
}

/** Members may delete what they created; managers and above anything. */
function mayDelete(actor: Actor, row: store.TaskRow): boolean {
  return roleAtLeast(actor.role, 'manager') || row.created_by_id === actor.userId;
}

async function removeTasks(trx: Db, actor: Actor, rows: store.TaskRow[], now: number): Promise<void> {
  const forbidden = rows.find((row) => !mayDelete(actor, row));
  if (forbidden) throw new Forbidden(`Only a manager or its creator may delete ${taskKey(forbidden.number)}`);
  for (const row of rows) await keepStatusFlows(trx, row, null, []);
  await store.deleteTasks(trx, actor.orgId, rows.map((r) => r.id));
  for (const row of rows) {
    await appendEvent(trx, { orgId: actor.orgId, type: 'task.deleted', subject: { type: 'task', id: row.id }, data: { key: taskKey(row.number), title: row.title }, actorId: actor.userId, occurredAt: now });
  }
}

/** What a bulk body asks to do to each task. */
export function bulkActionOf(input: BulkInput): BulkAction {
  return input.delete ? { delete: true } : { set: input.set! };
}

/** Changes or deletes the named tasks in one transaction: every one of them, or none. */
export async function bulkChange(deps: Deps, actor: Actor, ids: string[], action: BulkAction) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const numbers = ids.map(parseTaskKey).filter((n): n is number => n !== null);
    const rows = await store.findTasks(trx, actor.orgId, ids.filter((id) => parseTaskKey(id) === null), numbers);
    const byRef = new Map(rows.flatMap((r) => [[r.id, r] as const, [taskKey(r.number), r] as const]));
    // Keys are case-insensitive (t-7 is T-7); ids are taken as they are.
    const find = (ref: string) => byRef.get(parseTaskKey(ref) === null ? ref : taskKey(parseTaskKey(ref)!));
    const missing = ids.flatMap((ref, i) => (find(ref) ? [] : [{ path: `ids.${i}`, message: 'no such task' }]));
    if (missing.length > 0) throw new NotFound('Task', missing);
    const ordered = [...new Map(ids.map((ref) => [find(ref)!.id, find(ref)!])).values()];
    return applyBulk(trx, actor, ordered, action, now);
  });
}

/**
 * Changes or deletes every task the list's filters match, in one transaction,
 * provided they are still the `expected` number the user saw: a set that grew
 * or shrank since is refused (409), so nobody edits tasks they did not choose.
 */
export async function bulkChangeMatching(deps: Deps, actor: Actor, filter: BulkFilter, expected: number, action: BulkAction) {
  const now = deps.clock.now();
  const where = withFieldPrefix('filter', () => filterOf(actor, filter, now));
  return deps.db.transaction().execute(async (trx) => {
    const rows = await store.findMatchingTasks(trx, deps.dialect, actor.orgId, where, BULK_MAX + 1);
    if (rows.length > BULK_MAX) {
      throw Invalid.field('filter', `matches more than ${BULK_MAX} tasks, the most one bulk change takes; narrow the filters`);
    }
    if (rows.length !== expected) {
      throw new Conflict(`The filter matches ${rows.length} task${rows.length === 1 ? '' : 's'} now, not the ${expected} expected: the tasks changed since they were chosen, so nothing was changed`, [
        { path: 'expected', message: `${rows.length} match now` },
      ]);
    }
    return applyBulk(trx, actor, rows, action, now);
  });
}

/** A use case's field errors, renamed to where the client sent them (overdue → filter.overdue). */
function withFieldPrefix<T>(prefix: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    throw new Invalid(`${prefix}.${error.message}`, error.errors?.map((e) => ({ ...e, path: `${prefix}.${e.path}` })));
  }
}

async function applyBulk(trx: Db, actor: Actor, rows: store.TaskRow[], action: BulkAction, now: number) {
  if ('delete' in action) {
    await removeTasks(trx, actor, rows, now);
    return { items: [], deleted: rows.length, previous: [] };
  }
  const changed: store.TaskRow[] = [];
  for (const row of rows) {
    try {
      changed.push(await changeTask(trx, actor, row, action.set, now));
    } catch (error) {
      if (error instanceof Invalid) {
        throw new Invalid(`${taskKey(row.number)}: ${error.message}`, error.errors?.map((e) => ({ path: `set.${e.path}`, message: `${e.message} (${taskKey(row.number)})` })));
      }
      throw error;
    }
  }
  return { items: await presentTasks(trx, actor.orgId, changed, now), deleted: 0, previous: rows.map(presentPrevious) };
}

function presentPrevious(row: store.TaskRow): BulkPrevious {
  return {
    id: row.id,
    key: taskKey(row.number),
    status: row.status as Status,
    priority: row.priority as Priority,
    dueAt: iso(row.due_at),
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    waitingOn: row.waiting_on,
    blockedReason: row.blocked_reason,
  };
}

export async function listTasks(deps: Deps, actor: Actor, query: Omit<ListQuery, 'format'>) {
  const now = deps.clock.now();
  const columns = store.sortColumns(query.sort.key);
  const after = query.cursor ? decodeCursor(query.cursor, columns.length) : undefined;
  const rows = await store.listTasks(deps.db, deps.dialect, actor.orgId, filterOf(actor, query, now), query.sort, { limit: query.limit + 1, after });
  const { items, nextCursor } = pageOf(rows, query.limit, (row) => encodeCursor(columns.map((c) => row[c])));
  return { items: await presentTasks(deps.db, actor.orgId, items, now), nextCursor };
}

/** Exact counts per status of the tasks a list with these filters would show (every status named, 0 when none). */
export async function countTasks(deps: Deps, actor: Actor, query: CountsQuery) {
  const { groupBy, ...filters } = query;
  const counted = await store.countTasksByStatus(deps.db, deps.dialect, actor.orgId, filterOf(actor, filters, deps.clock.now()));
  const counts = Object.fromEntries(STATUSES.map((status) => [status, counted.get(status) ?? 0])) as Record<Status, number>;
  return { groupBy, counts, total: [...counted.values()].reduce((a, b) => a + b, 0) };
}

/** A record's open tasks (soonest due first, at most 50) and how many of its tasks are open, done and overdue. */
export async function tasksOfRecord(deps: Deps, actor: Actor, link: Link) {
  const now = deps.clock.now();
  const active = STATUSES.filter((status) => !isFinal(status));
  const rows = await store.listTasks(deps.db, deps.dialect, actor.orgId, { link, statuses: active }, { key: 'due', descending: false }, { limit: 50 });
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

function filterOf(actor: Actor, query: Omit<ListQuery, 'format' | 'sort' | 'limit' | 'cursor'>, now: number): store.TaskFilter {
  const statuses: Status[] | undefined =
    query.status === 'all' ? undefined : (query.status ?? ['open', 'in_progress', 'waiting', 'blocked']);
  const filter: store.TaskFilter = { statuses, priorities: query.priority, dueBefore: query.dueBefore, dueAfter: query.dueAfter, link: query.link, text: query.q, teamId: query.team };
  if (query.assignee !== undefined) filter.assigneeId = query.assignee === 'me' ? actor.userId : query.assignee === 'none' ? null : query.assignee;
  if (query.overdue === true) filter.overdueAt = now;
  if (query.overdue === false) throw Invalid.field('overdue', 'only overdue=true is a filter; leave it out for every task');
  return filter;
}

export async function taskHistory(deps: Deps, actor: Actor, idOrKey: string) {
  const task = await loadTask(deps.db, actor.orgId, idOrKey);
  const rows = await store.listHistory(deps.db, actor.orgId, task.id);
  return {
    items: rows.map((r) => ({ id: r.id, at: iso(r.at), actorId: r.actor_id, field: r.field, from: r.from_value, to: r.to_value })),
    nextCursor: null,
  };
}

export async function addComment(deps: Deps, actor: Actor, idOrKey: string, body: string) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const task = await loadTask(trx, actor.orgId, idOrKey);
    const comment = { id: newId(), org_id: actor.orgId, task_id: task.id, author_id: actor.userId, body, created_at: now };
    await store.insertComment(trx, comment);
    await appendEvent(trx, { orgId: actor.orgId, type: 'task.commented', subject: { type: 'task', id: task.id }, data: { key: taskKey(task.number), commentId: comment.id }, actorId: actor.userId, occurredAt: now });
    return presentComment(comment);
  });
}

export async function listComments(deps: Deps, actor: Actor, idOrKey: string, page: { limit: number; cursor?: string }) {
  const task = await loadTask(deps.db, actor.orgId, idOrKey);
  const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : undefined;
  const rows = await store.listComments(deps.db, actor.orgId, task.id, { limit: page.limit + 1, after });
  const result = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  return { items: result.items.map(presentComment), nextCursor: result.nextCursor };
}

function presentComment(row: { id: string; task_id: string; author_id: string; body: string; created_at: number }) {
  return { id: row.id, taskId: row.task_id, authorId: row.author_id, body: row.body, createdAt: iso(row.created_at) };
}

function historyRows(task: store.TaskRow, changes: FieldChange[], actorId: string, now: number): store.HistoryRow[] {
  return changes.map((c) => ({ id: newId(), org_id: task.org_id, task_id: task.id, actor_id: actorId, at: now, field: c.field, from_value: c.from, to_value: c.to }));
}

// --- recurring tasks ----------------------------------------------------------

/** The occurrence a new one follows in its series. */
export interface PreviousOccurrence {
  seriesId: string;
  previousId: string;
  anchorAt: number;
}

async function repeatingOf(trx: Db, row: store.TaskRow) {
  return { orgId: row.org_id, taskId: row.id, rule: row.recurrence ?? '', dueAt: row.due_at, zone: await orgTimezone(trx, row.org_id) };
}

/**
 * Completing (done) a repeating task makes its next occurrence in the same
 * transaction: the same work, due at the rule's next occurrence after this
 * one's due date (after now, without one), checklist unticked. Once per
 * (series, occurrence): completing it again after a reopen makes nothing new.
 * Cancelling makes no next occurrence: it ends the series.
 */
async function createNextOccurrence(trx: Db, actor: Actor, row: store.TaskRow, now: number): Promise<void> {
  const place = await recurrence.findPlace(trx, row.org_id, row.id);
  const series = { seriesId: place?.seriesId ?? row.id, previousId: row.id, anchorAt: place?.anchorAt ?? row.due_at ?? now };
  const dueAt = nextOccurrence({ rule: row.recurrence!, anchor: series.anchorAt }, row.due_at ?? now, await orgTimezone(trx, row.org_id));
  if (dueAt === null || (await recurrence.occurrenceExists(trx, row.org_id, series.seriesId, dueAt))) return;
  // An archived record is not linked afresh: the next occurrence keeps the links that are still live.
  const summaries = await linkSummaries(trx, row.org_id, JSON.parse(row.links) as Link[]);
  const links = (JSON.parse(row.links) as Link[]).filter((l) => summaries.get(linkKey(l))?.archived === false);
  const checklist = (JSON.parse(row.checklist) as ChecklistItem[]).map((item) => ({ text: item.text, done: false }));
  const input: CreateTaskInput = {
    ...{ title: row.title, description: row.description, status: 'open', priority: row.priority as Priority, dueAt },
    ...{ assigneeId: row.assignee_id, teamId: row.team_id, links, checklist, recurrence: row.recurrence },
    ...{ waitingOn: null, blockedReason: null, waitingUntil: null, blockedBy: [] },
  };
  // The series goes on as it was set up, whoever completes this occurrence (a member may finish a task they could not have assigned).
  const continuing: Actor = { ...actor, role: roleAtLeast(actor.role, 'manager') ? actor.role : 'manager' };
  await insertNewTask(trx, continuing, input, { kind: 'recurrence' }, now, undefined, series);
}

// --- what automation does to tasks, inside its own transaction ----------------

/** Changes a task inside the caller's transaction. */
export async function changeTaskIn(trx: Db, actor: Actor, idOrKey: string, input: UpdateTaskInput, now: number): Promise<TaskView> {
  const row = await loadTask(trx, actor.orgId, idOrKey);
  return presentTask(await changeTask(trx, actor, row, input, now), now);
}

/** Closes a task (done or cancelled) and keeps why in its history. */
export async function closeTaskIn(trx: Db, actor: Actor, id: string, status: 'done' | 'cancelled', reason: string, now: number): Promise<void> {
  const row = await loadTask(trx, actor.orgId, id);
  if (isFinal(row.status as Status)) return;
  await changeTask(trx, actor, row, { status }, now);
  await store.insertHistory(trx, [{ id: newId(), org_id: row.org_id, task_id: row.id, actor_id: actor.userId, at: now, field: 'reason', from_value: null, to_value: reason }]);
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

/** Opens the blocked tasks that waited for this one, once every task they wait for is done. Returns their ids. */
export async function openUnblockedDependents(trx: Db, actor: Actor, taskId: string, now: number): Promise<string[]> {
  const opened: string[] = [];
  for (const dependent of await store.findDependents(trx, actor.orgId, taskId)) {
    if (dependent.status !== 'blocked') continue;
    const waitsFor = JSON.parse(dependent.blocked_by) as string[];
    const predecessors = await store.findTasks(trx, actor.orgId, waitsFor);
    if (predecessors.some((p) => p.status !== 'done')) continue;
    await changeTask(trx, actor, dependent, { status: 'open' }, now);
    opened.push(dependent.id);
  }
  return opened;
}

/** The tasks that list this one in blockedBy (notifications tell their assignees it is done). */
export async function tasksWaitingOn(db: Db, orgId: string, taskId: string, now: number): Promise<TaskView[]> {
  return (await store.findDependents(db, orgId, taskId)).map((row) => presentTask(row, now));
}

/** One comment by its id, or undefined when it is gone. */
export async function findComment(db: Db, orgId: string, commentId: string) {
  const row = await store.findComment(db, orgId, commentId);
  return row && presentComment(row);
}

/** A person's unfinished tasks that have a due date, soonest first (at most `limit`): what their calendar feed lists. */
export async function dueTasksOf(deps: Deps, orgId: string, userId: string, limit: number): Promise<TaskView[]> {
  const active = STATUSES.filter((status) => !isFinal(status));
  const rows = await store.listTasks(deps.db, deps.dialect, orgId, { assigneeId: userId, statuses: active, dueBefore: NO_DUE_DATE }, { key: 'due', descending: false }, { limit });
  return presentTasks(deps.db, orgId, rows, deps.clock.now());
}

/** What the scheduler plans timers from: a task's status, due date and wake-up time, or undefined when it is gone. */
export async function taskTimes(db: Db, orgId: string, id: string) {
  const row = await store.findTask(db, orgId, id);
  return row && { status: row.status as Status, dueAt: row.due_at, waitingUntil: row.waiting_until, createdAt: row.created_at };
}
