// Use cases of the task: each write is one transaction that stores the row,
// its history and its domain events together. Presenting, bulk changes,
// comments and the reads live beside it (present.ts, bulk.ts, comments.ts,
// reads.ts).
import type { Actor, Deps } from '../platform/context.ts';
import { writeTogether } from '../platform/db/database.ts';
import { groupedWrite } from '../platform/db/groupCommit.ts';
import type { Db } from '../platform/db/schema.ts';
import { Forbidden, NotFound, Stale } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { appendEvent, appendEvents, type NewEvent } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import { checkAssignable, orgTimezone, takeTaskNumber } from '../people/service.ts';
import { roleAtLeast } from '../people/person.ts';
import { checkLinks, linkKey, linkSummaries, resolveRecordRefs } from '../records/service.ts';
import { nextOccurrence } from '../recurrence/recurrence.ts';
import * as recurrence from '../recurrence/service.ts';
import './events.ts';
import { applyChange, type FieldChange } from './change.ts';
import { creationChanges, withCreationEntries } from './creationHistory.ts';
import { historyKey, presentedHistoryId } from './historyIds.ts';
import { presentOne, presentTask } from './present.ts';
import { keepStatusFlows } from './statusFlows.ts';
import { checkPhotoProof } from './attachments.ts';
import * as store from './store.ts';
import {
  type ChecklistItem,
  type CreateTaskInput,
  type CreateTaskRequest,
  type UpdateTaskRequest,
  isFinal,
  type Link,
  NO_DUE_DATE,
  normaliseChecklist,
  ownedByCreator,
  parseTaskKey,
  PRIORITY_RANK,
  type Priority,
  type Status,
  type TaskSource,
  type TaskState,
  type TaskView,
  taskKey,
  type UpdateTaskInput,
} from './task.ts';

// What other features read of tasks: one door, whichever file does the work.
export { presentTask } from './present.ts';
export { dueTasksOf, listTasks, openTasksLinkedTo, openTasksOfAutomationKey, openWorkOf, taskLinks, tasksWaitingOn, taskTimes } from './reads.ts';
export type { TaskSource } from './task.ts';

/** A task a person (or their API token) creates: theirs unless they give it to someone, a team, or explicitly nobody. */
export async function createTask(deps: Deps, actor: Actor, request: CreateTaskRequest | CreateTaskInput, source: TaskSource) {
  const now = deps.clock.now();
  return groupedWrite(deps, async (trx) => {
    const input = ownedByCreator({ ...request, links: await recordLinks(trx, actor, request.links, now) }, actor.userId);
    const row = await insertNewTask(trx, { actor, input, source, now });
    return presentOne(trx, row, now);
  });
}

/** A request's links as Finishline's ids: records named by their id in another system are found, or created light, in this transaction. */
async function recordLinks(trx: Db, actor: Actor, links: CreateTaskRequest['links'], now: number): Promise<Link[]> {
  if (links.every((l) => l.id !== undefined)) return links as Link[];
  const paths = links.map((_, i) => `links.${i}`);
  // Existence and archiving of links by id are checked, naming the field, where the task is written.
  return (await resolveRecordRefs(trx, { actor, now, refs: links, paths, checkIds: () => false })) as Link[];
}

/** What automation adds to a task it creates: the (rule step, record) it belongs to, and whether only one may be open. */
export interface AutomationKeys {
  automationKey: string;
  dedupeKey: string | null;
}

/** A task to create: what was asked, by whom, from where, when; and what automation or a series adds. */
export interface NewTask {
  actor: Actor;
  input: CreateTaskInput;
  source: TaskSource;
  now: number;
  keys?: AutomationKeys;
  /** The occurrence this one follows, when it continues a series. */
  previous?: PreviousOccurrence;
}

/** Creates a task inside the caller's transaction (automation creates tasks inside its own). */
export async function insertNewTask(trx: Db, { actor, input, source, now, keys, previous }: NewTask): Promise<store.TaskRow> {
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
  // Only the status entry is stored; the others are derived on read (creationHistory.ts).
  const history = historyRows(row, creationChanges({ ...next, dueAt: iso(next.dueAt) }).slice(0, 1), actor.userId, now);
  // The task, its links, history, rollup and events only append (a new task's rollup reads nothing): on PostgreSQL one statement.
  await writeTogether(trx, async () => {
    await store.insertTask(trx, row, input.links);
    await store.insertDependencies(trx, actor.orgId, row.id, [...new Set(input.blockedBy)]);
    await store.insertHistory(trx, history);
    await keepStatusFlows(trx, null, row, history);
    if (row.recurrence) await recurrence.placeNewTask(trx, await repeatingOf(trx, row), now, previous);
    const subject = { type: 'task', id: row.id };
    const events: NewEvent[] = [{ orgId: actor.orgId, type: 'task.created', subject, data: { key: taskKey(number), title: row.title, source, dueAt: iso(row.due_at), waitingUntil: iso(row.waiting_until) }, actorId: actor.userId, occurredAt: now }];
    if (next.assigneeId || next.teamId) {
      events.push({ orgId: actor.orgId, type: 'task.assigned', subject, data: { fromAssigneeId: null, toAssigneeId: next.assigneeId, fromTeamId: null, toTeamId: next.teamId }, actorId: actor.userId, occurredAt: now });
    }
    await appendEvents(trx, events);
  });
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

export async function loadTask(db: Db, orgId: string, idOrKey: string): Promise<store.TaskRow> {
  const number = parseTaskKey(idOrKey);
  const row = number !== null ? await store.findTaskByNumber(db, orgId, number) : await store.findTask(db, orgId, idOrKey);
  if (!row) throw new NotFound('Task');
  return row;
}

export async function updateTask(deps: Deps, actor: Actor, idOrKey: string, request: UpdateTaskRequest | UpdateTaskInput, ifVersion?: number) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await loadTask(trx, actor.orgId, idOrKey);
    if (ifVersion !== undefined && ifVersion !== row.version) throw new Stale(row.version);
    const input: UpdateTaskInput = { ...request, links: request.links && (await recordLinks(trx, actor, request.links, now)) };
    if (input.links === undefined) delete input.links;
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
  const checklist = input.checklist !== undefined ? keepPhotoRequired(JSON.parse(row.checklist) as ChecklistItem[], normaliseChecklist(input.checklist, newId)) : undefined;
  if (checklist) await checkPhotoProof(trx, actor.orgId, row.id, JSON.parse(row.checklist) as ChecklistItem[], checklist);
  const content = {
    ...(input.title !== undefined && { title: input.title }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.links !== undefined && { links: JSON.stringify(input.links) }),
    ...(checklist !== undefined && { checklist: JSON.stringify(checklist) }),
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
  const history = historyRows(updated, tracked, actor.userId, now);
  await store.insertHistory(trx, history);
  await keepStatusFlows(trx, row, updated, history);
  await appendChangeEvents(trx, actor, updated, before, next, Object.keys(input), now);
  if (input.recurrence !== undefined || (input.dueAt !== undefined && updated.recurrence)) {
    await recurrence.replace(trx, { ...(await repeatingOf(trx, updated)), rule: updated.recurrence }, input.recurrence !== undefined && input.recurrence !== row.recurrence, now);
  }
  if (updated.recurrence && next.status === 'done' && before.status !== 'done') await createNextOccurrence(trx, actor, updated, now);
  return updated;
}

/** The events of one change, in this order, written in one insert. */
async function appendChangeEvents(trx: Db, actor: Actor, row: store.TaskRow, before: TaskState, after: TaskState, fields: string[], now: number) {
  const base = { orgId: actor.orgId, subject: { type: 'task', id: row.id }, actorId: actor.userId, occurredAt: now };
  const key = taskKey(row.number);
  const events: NewEvent[] = [];
  if (before.assigneeId !== after.assigneeId || before.teamId !== after.teamId) {
    events.push({ ...base, type: 'task.assigned', data: { fromAssigneeId: before.assigneeId, toAssigneeId: after.assigneeId, fromTeamId: before.teamId, toTeamId: after.teamId } });
  }
  if (before.status !== after.status) {
    events.push({ ...base, type: 'task.status_changed', data: { key, from: before.status, to: after.status } });
    if (after.status === 'done') events.push({ ...base, type: 'task.completed', data: { key, completedAt: iso(now) } });
  }
  events.push({ ...base, type: 'task.updated', data: { key, fields, version: row.version } });
  await appendEvents(trx, events);
}

/** An item sent back without saying whether it needs a photo keeps what it had: a client that does not know of photos cannot drop the requirement. */
function keepPhotoRequired(before: ChecklistItem[], after: ChecklistItem[]): ChecklistItem[] {
  const required = new Set(before.filter((i) => i.photoRequired).map((i) => i.id));
  return after.map((item) => (item.photoRequired === undefined && required.has(item.id) ? { ...item, photoRequired: true } : item));
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

export async function removeTasks(trx: Db, actor: Actor, rows: store.TaskRow[], now: number): Promise<void> {
  const forbidden = rows.find((row) => !mayDelete(actor, row));
  if (forbidden) throw new Forbidden(`Only a manager or its creator may delete ${taskKey(forbidden.number)}`);
  for (const row of rows) await keepStatusFlows(trx, row, null, []);
  await store.deleteTasks(trx, actor.orgId, rows.map((r) => r.id));
  for (const row of rows) {
    await appendEvent(trx, { orgId: actor.orgId, type: 'task.deleted', subject: { type: 'task', id: row.id }, data: { key: taskKey(row.number), title: row.title }, actorId: actor.userId, occurredAt: now });
  }
}

export async function taskHistory(deps: Deps, actor: Actor, idOrKey: string) {
  const task = await loadTask(deps.db, actor.orgId, idOrKey);
  const rows = withCreationEntries(task, await store.listHistory(deps.db, actor.orgId, task.id));
  return {
    items: rows.map((r) => ({ id: presentedHistoryId(r.task_id, r.at, r.id), at: iso(r.at), actorId: r.actor_id, field: r.field, from: r.from_value, to: r.to_value })),
    nextCursor: null,
  };
}

/** The history of the change that made `task` as it is (its version). */
function historyRows(task: store.TaskRow, changes: FieldChange[], actorId: string, now: number): store.HistoryRow[] {
  return changes.map((c) => ({ id: historyKey(task.version, c.field), org_id: task.org_id, task_id: task.id, actor_id: actorId, at: now, field: c.field, from_value: c.from, to_value: c.to }));
}

// --- recurring tasks ----------------------------------------------------------

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
  const checklist = (JSON.parse(row.checklist) as ChecklistItem[]).map((item) => ({ text: item.text, done: false, ...(item.photoRequired && { photoRequired: true }) }));
  const input: CreateTaskInput = {
    ...{ title: row.title, description: row.description, status: 'open', priority: row.priority as Priority, dueAt },
    ...{ assigneeId: row.assignee_id, teamId: row.team_id, links, checklist, recurrence: row.recurrence },
    ...{ waitingOn: null, blockedReason: null, waitingUntil: null, blockedBy: [] },
  };
  // The series goes on as it was set up, whoever completes this occurrence (a member may finish a task they could not have assigned).
  const continuing: Actor = { ...actor, role: roleAtLeast(actor.role, 'manager') ? actor.role : 'manager' };
  await insertNewTask(trx, { actor: continuing, input, source: { kind: 'recurrence' }, now, previous: series });
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
  const closed = await changeTask(trx, actor, row, { status }, now);
  await store.insertHistory(trx, [{ id: historyKey(closed.version, 'reason'), org_id: row.org_id, task_id: row.id, actor_id: actor.userId, at: now, field: 'reason', from_value: null, to_value: reason }]);
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
