// Use cases of maintenance plans. A plan repeats its service's due date: a
// timer at nextDueAt less the lead time makes the service's task (once per
// due date), and completing that task moves nextDueAt on to the rule's next
// occurrence, which plans the next task.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Invalid, NotFound } from '../platform/errors.ts';
import { appendEvent } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import { checkAssignable, orgTimezone } from '../people/service.ts';
import { changeService, findRecordView } from '../records/service.ts';
import type { ViewOf } from '../records/present.ts';
import { leadStart, nextOccurrence } from '../recurrence/recurrence.ts';
import { insertNewTask } from '../tasks/service.ts';
import './events.ts';
import { type PlanInput, planTaskTitle, type PlanView } from './plan.ts';
import * as store from './store.ts';

type Service = ViewOf['service'];

async function loadService(db: Db, orgId: string, serviceId: string): Promise<Service> {
  const service = await findRecordView(db, orgId, 'service', serviceId);
  if (!service) throw new NotFound('Service');
  return service;
}

function presentPlan(row: store.PlanRow, service: Service, zone: string): PlanView {
  const due = service.nextDueAt === null ? null : Date.parse(service.nextDueAt);
  return {
    serviceId: row.service_id,
    recurrence: row.recurrence,
    taskLeadTime: row.lead_time,
    title: row.title,
    taskTitle: planTaskTitle(row, service),
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    nextDueAt: service.nextDueAt,
    nextTaskAt: due === null ? null : iso(leadStart(due, row.lead_time, zone)),
    lastTaskId: row.task_id,
    lastTaskFor: iso(row.task_for),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function getPlan(deps: Deps, actor: Actor, serviceId: string): Promise<PlanView> {
  const service = await loadService(deps.db, actor.orgId, serviceId);
  const row = await store.findPlan(deps.db, actor.orgId, serviceId);
  if (!row) throw new NotFound('Maintenance plan');
  return presentPlan(row, service, await orgTimezone(deps.db, actor.orgId));
}

/** Sets (or replaces) a service's plan. The series starts at the service's next due date, which it must have. */
export async function setPlan(deps: Deps, actor: Actor, serviceId: string, input: PlanInput): Promise<PlanView> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const service = await loadService(trx, actor.orgId, serviceId);
    if (service.archivedAt !== null) throw Invalid.field('serviceId', 'the service is archived; restore it before planning it');
    if (service.nextDueAt === null) throw Invalid.field('recurrence', 'needs the service’s next due date (nextDueAt) to start from: set it first');
    await checkAssignable({ db: trx }, actor.orgId, input);
    const existing = await store.findPlan(trx, actor.orgId, serviceId);
    const due = Date.parse(service.nextDueAt);
    const row: store.PlanRow = {
      service_id: serviceId,
      org_id: actor.orgId,
      recurrence: input.recurrence,
      lead_time: input.taskLeadTime,
      // A new rule counts from the current due date; the same rule keeps counting from where it started.
      anchor_at: existing && existing.recurrence === input.recurrence ? existing.anchor_at : due,
      title: input.title,
      assignee_id: input.assigneeId,
      team_id: input.teamId,
      task_for: existing?.task_for ?? null,
      task_id: existing?.task_id ?? null,
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    await store.savePlan(trx, row);
    await appendEvent(trx, { orgId: actor.orgId, type: 'service.plan_changed', subject: { type: 'service', id: serviceId }, data: { recurrence: row.recurrence, taskLeadTime: row.lead_time }, actorId: actor.userId, occurredAt: now });
    return presentPlan(row, service, await orgTimezone(trx, actor.orgId));
  });
}

export async function removePlan(deps: Deps, actor: Actor, serviceId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await loadService(trx, actor.orgId, serviceId);
    if (!(await store.deletePlan(trx, actor.orgId, serviceId))) throw new NotFound('Maintenance plan');
    await appendEvent(trx, { orgId: actor.orgId, type: 'service.plan_changed', subject: { type: 'service', id: serviceId }, data: { recurrence: null, taskLeadTime: null }, actorId: actor.userId, occurredAt: now });
  });
}

/** When the plan's next task is due to be made, for the service's current due date; null without a live plan and date. */
export async function planTaskTime(db: Db, orgId: string, serviceId: string): Promise<{ dueAt: number; makeAt: number } | null> {
  const plan = await store.findPlan(db, orgId, serviceId);
  const service = plan && (await findRecordView(db, orgId, 'service', serviceId));
  if (!plan || !service || service.archivedAt !== null || service.nextDueAt === null) return null;
  const dueAt = Date.parse(service.nextDueAt);
  return { dueAt, makeAt: leadStart(dueAt, plan.lead_time, await orgTimezone(db, orgId)) };
}

/**
 * Makes the service's task for the due date `dueAt` (its timer fired), linked
 * to the service and its client — unless the date has moved since, the plan is
 * gone, or the task for that date was made already. Returns its id, or null.
 */
export async function makePlanTask(trx: Db, actor: Actor, input: { serviceId: string; dueAt: number; now: number }): Promise<string | null> {
  const { serviceId, dueAt, now } = input;
  const plan = await store.findPlan(trx, actor.orgId, serviceId);
  const service = plan && (await findRecordView(trx, actor.orgId, 'service', serviceId));
  if (!plan || !service || service.archivedAt !== null || service.nextDueAt === null || Date.parse(service.nextDueAt) !== dueAt || plan.task_for === dueAt) return null;
  const links = [{ type: 'service' as const, id: serviceId }, ...(service.clientId ? [{ type: 'client' as const, id: service.clientId }] : [])];
  const task = await insertNewTask(trx, {
    actor,
    input: {
      ...{ title: planTaskTitle(plan, service), description: `Planned ${service.kind.replace(/_/g, ' ')} (${plan.recurrence}).`, status: 'open', priority: 'normal', dueAt },
      ...{ assigneeId: plan.assignee_id, teamId: plan.team_id, links, checklist: [], waitingOn: null, blockedReason: null, waitingUntil: null, blockedBy: [] },
    },
    source: { kind: 'recurrence' },
    now,
    keys: { automationKey: `plan|${serviceId}|${dueAt}`, dedupeKey: null },
  });
  await store.markTaskMade(trx, actor.orgId, serviceId, dueAt, task.id, now);
  return task.id;
}

/**
 * A plan's task was completed: the service's next due date moves on to the
 * rule's next occurrence (none left: no next date). Only for the plan's
 * latest task while the service still has the date it was made for, so a
 * second delivery or a reopen-and-complete moves nothing.
 */
export async function advanceAfterTask(trx: Db, actor: Actor, input: { taskId: string; now: number }): Promise<boolean> {
  const { taskId, now } = input;
  const plan = await store.findPlanOfTask(trx, actor.orgId, taskId);
  const service = plan && (await findRecordView(trx, actor.orgId, 'service', plan.service_id));
  if (!plan || !service || service.archivedAt !== null || plan.task_for === null || service.nextDueAt === null || Date.parse(service.nextDueAt) !== plan.task_for) return false;
  const next = nextOccurrence({ rule: plan.recurrence, anchor: plan.anchor_at }, plan.task_for, await orgTimezone(trx, actor.orgId));
  await changeService(trx, { actor, id: plan.service_id, input: { nextDueAt: next }, now });
  return true;
}
