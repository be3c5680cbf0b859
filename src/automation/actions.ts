// What a rule's actions do, each through the owning feature's service and
// inside the run's transaction, so a run's effects and its log entry commit together.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import type { StoredEvent } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import * as notifications from '../notifications/service.ts';
import * as people from '../people/service.ts';
import * as webhooks from '../webhooks/service.ts';
import * as tasks from '../tasks/service.ts';
import { LINK_TYPES, type Link, type Priority, type TaskView } from '../tasks/task.ts';
import type { Calendar } from './businessHours.ts';
import { dueAfter } from './businessHours.ts';
import type { PastTurns } from './pastTurns.ts';
import * as recordLinks from './records.ts';
import {
  type Action,
  type AssignSpec,
  type Candidate,
  chooseLeastLoaded,
  chooseRoundRobin,
  type CreateTaskAction,
  dedupeKey,
  raisePriority,
  render,
  type Rule,
  type Scope,
} from './rule.ts';
import * as store from './store.ts';

// Reports count what automation closed by this id.
export { AUTOMATION_ACTOR_ID } from '../events.ts';

export interface RunContext {
  trx: Db;
  deps: Deps;
  actor: Actor;
  now: number;
  /**
   * A dry run, acting as of the event's time (`now`): nothing it does is kept, its notes say what it would do,
   * and each would-be task lists what could not be worked out as of then.
   */
  dry: { turns: PastTurns; unknowns: Map<string, string[]> } | null;
  calendar: Calendar;
  rule: Rule;
  event: StoredEvent;
  scope: Scope;
  /** What the run did, for its log entry (and a dry run's answer). */
  created: TaskView[];
  changed: { taskId: string; fields: string[] }[];
  notices: { userId: string; message: string }[];
  notes: string[];
  duplicates: number;
  steps: Map<string, TaskView>;
}

export async function runAction(ctx: RunContext, action: Action, index: number): Promise<void> {
  switch (action.type) {
    case 'create_task':
      return createTask(ctx, action, index);
    case 'assign':
      return assignSubject(ctx, action.assign);
    case 'set_priority':
      return changeSubject(ctx, { priority: action.priority });
    case 'escalate':
      return escalate(ctx, action);
    case 'close_tasks':
      return closeTasks(ctx, action);
    case 'update_record':
      return updateRecord(ctx, action);
    case 'notify':
      return notify(ctx, action);
    case 'webhook':
      return queueWebhook(ctx, action, index);
  }
}

// --- create_task ------------------------------------------------------------

/**
 * The records a created task belongs to: the subject when it is a CRM record,
 * the subject task's links when it is a task, and the records the event names
 * besides its subject (an integration's links).
 */
function linksFor(ctx: RunContext): Link[] {
  const { subject } = ctx.event;
  const isRecord = (s: { type: string }) => (LINK_TYPES as readonly string[]).includes(s.type);
  let links: Link[] = [];
  if (isRecord(subject)) links = [{ type: subject.type as Link['type'], id: subject.id }];
  else if (subject.type === 'task' && ctx.scope.record) links = ((ctx.scope.record.links as Link[] | undefined) ?? []).map((l) => ({ type: l.type, id: l.id }));
  const seen = new Set(links.map((l) => `${l.type}:${l.id}`));
  for (const link of ctx.event.links ?? []) {
    if (!isRecord(link) || seen.has(`${link.type}:${link.id}`)) continue;
    seen.add(`${link.type}:${link.id}`);
    links.push({ type: link.type as Link['type'], id: link.id });
  }
  return links;
}

async function createTask(ctx: RunContext, action: CreateTaskAction, index: number): Promise<void> {
  const key = dedupeKey(ctx.rule.id, index, ctx.event.subject);
  if (!action.allowDuplicates) {
    const open = await tasks.openTasksOfAutomationKey(ctx.trx, ctx.actor.orgId, key, ctx.now);
    if (open.length > 0) {
      ctx.duplicates++;
      ctx.notes.push(ctx.dry ? `would not create: one already open (${open[0]!.key})` : `${open[0]!.key} is still open for this record: no second task`);
      if (action.step) ctx.steps.set(action.step, open[0]!);
      return;
    }
  }
  const predecessors = action.blockedBy.map((step) => ctx.steps.get(step)).filter((t): t is TaskView => t !== undefined);
  const startFrom = Math.max(ctx.now, ...predecessors.map((t) => (t.dueAt ? Date.parse(t.dueAt) : ctx.now)));
  const dueAt = action.due ? dueAfter(ctx.calendar, startFrom, action.due, action.businessHours) : null;
  if (action.due && dueAt === null) ctx.notes.push('the organisation has no business hours: the task has no due date');
  const owner = action.assign ? await chooseOwner(ctx, action.assign) : { assigneeId: null, teamId: null };
  const row = await tasks.insertNewTask(ctx.trx, {
    actor: ctx.actor,
    input: {
      title: render(action.title, ctx.scope).trim().slice(0, 200) || ctx.rule.name.slice(0, 200),
      description: render(action.description, ctx.scope).slice(0, 20_000),
      status: 'open',
      priority: action.priority,
      dueAt,
      assigneeId: owner.assigneeId,
      teamId: action.teamId ?? owner.teamId,
      links: linksFor(ctx),
      checklist: action.checklist.map((item) => {
        const text = typeof item === 'string' ? item : item.text;
        const rendered = render(text, ctx.scope).slice(0, 500) || text;
        return typeof item === 'string' ? rendered : { text: rendered, done: false, photoRequired: item.photoRequired };
      }),
      waitingOn: null,
      blockedReason: null,
      waitingUntil: null,
      blockedBy: predecessors.map((t) => t.id),
    },
    source: { kind: 'rule', ruleId: ctx.rule.id, eventId: ctx.event.id },
    now: ctx.now,
    keys: { automationKey: key, dedupeKey: action.allowDuplicates ? null : key },
  });
  const view = tasks.presentTask(row, ctx.now);
  ctx.created.push(view);
  if (ctx.dry) ctx.dry.unknowns.set(view.id, unknownsOf(action));
  if (action.step) ctx.steps.set(action.step, view);
}

/** What a dry run cannot know of a would-be task as of its event's time, in plain words. */
function unknownsOf(action: CreateTaskAction): string[] {
  const unknowns: string[] = [];
  const texts = [action.title, action.description, ...action.checklist.map((item) => (typeof item === 'string' ? item : item.text))];
  if (texts.some((text) => /\{\{\s*record\./.test(text))) unknowns.push("The record's details are as they are today, not as they were then.");
  const strategy = action.assign?.strategy;
  if (strategy === 'record_owner') unknowns.push("The record's owner is today's owner.");
  if (strategy === 'round_robin' || strategy === 'least_loaded') unknowns.push("The team's members, and who is still active, are as they are today.");
  if (strategy === 'round_robin') unknowns.push('Whose turn it was is estimated from the tasks rules gave the team since then.');
  if (strategy === 'least_loaded') unknowns.push("Each member's open work is counted as it is today, not as it was then.");
  return unknowns;
}

// --- assignment -------------------------------------------------------------

interface Owner {
  assigneeId: string | null;
  teamId: string | null;
}

async function chooseOwner(ctx: RunContext, spec: AssignSpec): Promise<Owner> {
  switch (spec.strategy) {
    case 'user':
      return { assigneeId: spec.userId, teamId: null };
    case 'record_owner':
      return { assigneeId: recordOwner(ctx), teamId: null };
    case 'round_robin': {
      const members = await teamCandidates(ctx, spec.teamId);
      const turn = ctx.dry ? ctx.dry.turns.take(spec.teamId, ctx.now) : await store.nextTurn(ctx.trx, ctx.actor.orgId, spec.teamId);
      return { assigneeId: chooseRoundRobin(members, turn, ctx.now, ctx.calendar.timezone), teamId: spec.teamId };
    }
    case 'least_loaded': {
      const members = await teamCandidates(ctx, spec.teamId);
      const work = await tasks.openWorkOf(ctx.trx, ctx.actor.orgId, members.map((m) => m.id));
      return { assigneeId: chooseLeastLoaded(members, work, ctx.now, ctx.calendar.timezone), teamId: spec.teamId };
    }
  }
}

/** A record's owner; for a task, its assignee. */
function recordOwner(ctx: RunContext): string | null {
  const record = ctx.scope.record;
  if (!record) return null;
  const owner = record.ownerId ?? record.assigneeId;
  return typeof owner === 'string' ? owner : null;
}

async function teamCandidates(ctx: RunContext, teamId: string): Promise<Candidate[]> {
  const deps = { ...ctx.deps, db: ctx.trx };
  const team = await people.getTeam(deps, ctx.actor, teamId);
  // Every member in one read, in the team's order; one no longer there is left out.
  const users = await people.getUsers(deps, ctx.actor, team.memberIds);
  return users.map((user) => ({ id: user.id, active: user.active, workingHours: user.workingHours, timeOff: user.timeOff }));
}

// --- changes to the subject task ----------------------------------------------

function subjectTaskId(ctx: RunContext): string | null {
  return ctx.event.subject.type === 'task' && ctx.scope.record ? ctx.event.subject.id : null;
}

async function changeSubject(ctx: RunContext, change: { priority?: Priority; assigneeId?: string | null; teamId?: string | null }): Promise<void> {
  const id = subjectTaskId(ctx);
  if (!id) {
    ctx.notes.push('the event is not about a task: nothing to change');
    return;
  }
  await changeTask(ctx, id, change);
}

/** Changes a task unless it already is that way (a no-op change would still emit task.updated and could feed a loop). */
async function changeTask(ctx: RunContext, id: string, change: { priority?: Priority; assigneeId?: string | null; teamId?: string | null }): Promise<TaskView | null> {
  const current = await tasks.getTask({ ...ctx.deps, db: ctx.trx }, ctx.actor, id);
  const fields = (Object.keys(change) as (keyof typeof change)[]).filter((f) => change[f] !== undefined && change[f] !== current[f]);
  if (fields.length === 0 || current.status === 'done' || current.status === 'cancelled') return null;
  const updated = await tasks.changeTaskIn(ctx.trx, ctx.actor, id, Object.fromEntries(fields.map((f) => [f, change[f]])), ctx.now);
  ctx.changed.push({ taskId: id, fields });
  return updated;
}

async function assignSubject(ctx: RunContext, spec: AssignSpec): Promise<void> {
  const owner = await chooseOwner(ctx, spec);
  await changeSubject(ctx, owner.teamId ? owner : { assigneeId: owner.assigneeId });
}

async function escalate(ctx: RunContext, action: Extract<Action, { type: 'escalate' }>): Promise<void> {
  const id = subjectTaskId(ctx);
  if (!id) {
    ctx.notes.push('the event is not about a task: nothing to escalate');
    return;
  }
  const task = ctx.scope.record as unknown as TaskView;
  let to: string | null = null;
  if (action.to === 'team_manager') {
    if (task.teamId) to = (await people.getTeam({ ...ctx.deps, db: ctx.trx }, ctx.actor, task.teamId)).managerId;
    if (!to) ctx.notes.push('the task has no team with a manager: escalated in priority only');
  } else {
    to = action.to.userId;
  }
  const updated = await changeTask(ctx, id, {
    ...(to && { assigneeId: to }),
    ...(action.raisePriority && { priority: raisePriority(task.priority) }),
  });
  if (action.notify && to) await addNotice(ctx, to, `Escalated to you: ${task.key} ${task.title}${task.dueAt ? ` (due ${task.dueAt})` : ''}`, task, 'escalated');
  if (!updated && !to) ctx.notes.push('nothing to escalate');
}

async function closeTasks(ctx: RunContext, action: Extract<Action, { type: 'close_tasks' }>): Promise<void> {
  const { subject } = ctx.event;
  if (!(LINK_TYPES as readonly string[]).includes(subject.type)) {
    ctx.notes.push(`close_tasks closes the tasks linked to a record; a ${subject.type} is not one`);
    return;
  }
  const justCreated = new Set(ctx.created.map((t) => t.id));
  const open = (await tasks.openTasksLinkedTo(ctx.trx, ctx.actor.orgId, { type: subject.type, id: subject.id }, ctx.now)).filter(
    (t) => !justCreated.has(t.id) && (!action.fromRules || (t.source.ruleId !== undefined && action.fromRules.includes(t.source.ruleId))),
  );
  const reason = action.reason ? render(action.reason, ctx.scope) : `Closed by rule "${ctx.rule.name}" on ${ctx.event.type}`;
  for (const task of open) {
    await tasks.closeTaskIn(ctx.trx, ctx.actor, task.id, action.status, reason, ctx.now);
    ctx.changed.push({ taskId: task.id, fields: ['status'] });
  }
}

/** Closes the open tasks a rule step made for this record, because the event says their cause is gone. */
export async function resolveTasks(ctx: RunContext, index: number): Promise<void> {
  const key = dedupeKey(ctx.rule.id, index, ctx.event.subject);
  const open = await tasks.openTasksOfAutomationKey(ctx.trx, ctx.actor.orgId, key, ctx.now);
  for (const task of open) {
    await tasks.closeTaskIn(ctx.trx, ctx.actor, task.id, 'done', `No longer needed: ${ctx.event.type} (rule "${ctx.rule.name}")`, ctx.now);
    ctx.changed.push({ taskId: task.id, fields: ['status'] });
  }
}

// --- records and notifications --------------------------------------------------------

async function updateRecord(ctx: RunContext, action: Extract<Action, { type: 'update_record' }>): Promise<void> {
  const { subject } = ctx.event;
  let target: { type: string; id: string } | undefined;
  if (subject.type === action.record) target = subject;
  else if (subject.type === 'task') target = ((ctx.scope.record?.links as Link[] | undefined) ?? []).find((l) => l.type === action.record);
  if (!target) {
    ctx.notes.push(`no ${action.record} to update: the event is about a ${subject.type}${subject.type === 'task' ? ' not linked to one' : ''}`);
    return;
  }
  await recordLinks.updateRecordIn(ctx.trx, ctx.actor, action.record, target.id, action.set, ctx.now);
  ctx.notes.push(`updated ${action.record} ${target.id}: ${Object.keys(action.set).join(', ')}`);
}

async function notify(ctx: RunContext, action: Extract<Action, { type: 'notify' }>): Promise<void> {
  const message = render(action.message, ctx.scope);
  const lastCreated = ctx.created[ctx.created.length - 1];
  const aboutTask = lastCreated ?? (subjectTaskId(ctx) ? (ctx.scope.record as unknown as TaskView) : undefined);
  const recipients = await recipientsOf(ctx, action.to, aboutTask);
  if (recipients.length === 0) ctx.notes.push('notify: nobody to tell');
  for (const userId of recipients) await addNotice(ctx, userId, message, aboutTask ?? null, 'rule');
}

async function recipientsOf(ctx: RunContext, to: Extract<Action, { type: 'notify' }>['to'], task: TaskView | undefined): Promise<string[]> {
  const deps = { ...ctx.deps, db: ctx.trx };
  if (to === 'assignee') return task?.assigneeId ? [task.assigneeId] : [];
  if (to === 'record_owner') return [recordOwner(ctx)].filter((id): id is string => id !== null);
  if (to === 'team_manager') {
    if (!task?.teamId) return [];
    const manager = (await people.getTeam(deps, ctx.actor, task.teamId)).managerId;
    return manager ? [manager] : [];
  }
  if ('userId' in to) return [to.userId];
  return (await people.getTeam(deps, ctx.actor, to.teamId)).memberIds;
}

/** A notification (kind rule or escalated), in the run's transaction: one per (event, rule, person). */
async function addNotice(ctx: RunContext, userId: string, message: string, task: { id: string; key: string } | null, kind: 'rule' | 'escalated'): Promise<void> {
  const source = { orgId: ctx.actor.orgId, userId, kind, sourceKey: `${ctx.event.id}:${ctx.rule.id}`, actorId: ctx.actor.userId, message };
  await notifications.notifyIn(ctx.trx, { ...source, task: task && { id: task.id, key: task.key } }, ctx.now);
  ctx.notices.push({ userId, message });
}

/** Queues the event for the webhook, with the run (the worker sends it after the rules); once per (event, rule, step). */
async function queueWebhook(ctx: RunContext, action: Extract<Action, { type: 'webhook' }>, index: number): Promise<void> {
  const outcome = await webhooks.queueRuleDelivery(ctx.trx, { event: ctx.event, webhookId: action.webhookId, ruleId: ctx.rule.id, step: index, now: ctx.now });
  if (outcome === 'queued') ctx.notes.push(`webhook ${action.webhookId}: delivery queued`);
  if (outcome === 'already_queued') ctx.notes.push(`webhook ${action.webhookId}: already queued for this event`);
  if (outcome === 'no_such_webhook') ctx.notes.push(`webhook ${action.webhookId} no longer exists: nothing sent`);
  if (outcome === 'webhook_off') ctx.notes.push(`webhook ${action.webhookId} is turned off: nothing sent`);
}

export function scopeOf(event: StoredEvent, record: Record<string, unknown> | null): Scope {
  return { data: event.data, record, event: { id: event.id, type: event.type, subject: event.subject, occurredAt: iso(event.occurredAt) } };
}
