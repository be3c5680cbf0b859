// Time triggers. Each is a timer row planned from its subject (a task's due
// date, a waiting task's wake-up, a job's start, a delayed rule run); the tick
// reads one index range of what is due and fires each timer once, in the same
// transaction that marks it fired.
import type { Deps } from '../platform/context.ts';
import { inTransaction } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { appendEvent, findEvent, type StoredEvent, withChainDepth } from '../platform/outbox.ts';
import { iso } from '../platform/pagination.ts';
import * as plans from '../plans/service.ts';
import { signalDueServices } from '../records/service.ts';
import * as tasks from '../tasks/service.ts';
import { automationActor } from './actions.ts';
import './events.ts';
import { jobSchedule, markJobMissed } from './records.ts';
import type { Rule } from './rule.ts';
import * as store from './store.ts';
import { executeRun, OrgCache, ruleOf } from './worker.ts';

export const TIMER_KINDS = ['task.due_soon', 'task.overdue', 'task.wake', 'job.missed', 'rule.delayed', 'service.plan_task'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

function timerKey(kind: TimerKind, subjectId: string, extra = ''): string {
  return `${kind}|${subjectId}${extra ? `|${extra}` : ''}`;
}

/** Re-plans a task's timers from its current due date, status and wake-up time. */
export async function planTaskTimers(db: Db, orgId: string, taskId: string, dueSoonLeadMs: number, isNew = false): Promise<void> {
  const subject = { type: 'task', id: taskId };
  const task = await tasks.taskTimes(db, orgId, taskId);
  const live = task && task.status !== 'done' && task.status !== 'cancelled' ? task : null;
  const dueAt = live?.dueAt ?? null;
  const wakeAt = live?.status === 'waiting' ? live.waitingUntil : null;
  const wanted: [TimerKind, number | null, number | null][] = [
    ['task.due_soon', dueAt, dueAt === null ? null : dueAt - dueSoonLeadMs],
    // Overdue means strictly past the due date.
    ['task.overdue', dueAt, dueAt === null ? null : dueAt + 1],
    ['task.wake', wakeAt, wakeAt],
  ];
  const drop = wanted.filter(([, basis]) => basis === null).map(([kind]) => kind);
  // A task just created has no timers to drop: the common case costs one read.
  if (drop.length > 0 && !isNew) await store.cancelTimers(db, orgId, subject, drop);
  for (const [kind, basis, fireAt] of wanted) {
    if (basis !== null && fireAt !== null) await store.planTimer(db, { orgId, key: timerKey(kind, taskId), kind, subject, basis, fireAt }, newId());
  }
}

/** A scheduled job gets a missed-appointment timer at its start plus the grace period. */
export async function planJobTimers(db: Db, orgId: string, jobId: string, graceMs: number): Promise<void> {
  const subject = { type: 'job', id: jobId };
  const job = await jobSchedule(db, orgId, jobId);
  if (!job || job.status !== 'scheduled' || job.scheduledStart === null) return store.cancelTimers(db, orgId, subject, ['job.missed']);
  await store.planTimer(db, { orgId, key: timerKey('job.missed', jobId), kind: 'job.missed', subject, basis: job.scheduledStart, fireAt: job.scheduledStart + graceMs }, newId());
}

/** The events after which a service's plan timer is planned again (its date, its plan, or whether it is live changed). */
const SERVICE_PLAN_EVENTS = new Set(['service.created', 'service.updated', 'service.archived', 'service.restored', 'service.plan_changed']);

/**
 * Keeps maintenance plans in step with events: a service's plan timer (its
 * task is made at nextDueAt less the lead time, once per date) follows the
 * service, and completing a plan's task moves the service's date on. Idempotent.
 */
export async function keepServicePlanInStep(deps: Deps, event: StoredEvent): Promise<void> {
  const { subject } = event;
  if (subject.type === 'service' && SERVICE_PLAN_EVENTS.has(event.type)) {
    const subjectRef = { type: 'service', id: subject.id };
    // A changed plan may have a new lead time for the same date: its unfired timer is planned afresh.
    if (event.type === 'service.plan_changed') await store.cancelTimers(deps.db, event.orgId, subjectRef, ['service.plan_task']);
    const time = await plans.planTaskTime(deps.db, event.orgId, subject.id);
    if (!time) return store.cancelTimers(deps.db, event.orgId, subjectRef, ['service.plan_task']);
    await store.planTimer(deps.db, { orgId: event.orgId, key: timerKey('service.plan_task', subject.id), kind: 'service.plan_task', subject: subjectRef, basis: time.dueAt, fireAt: time.makeAt }, newId());
  }
  if (subject.type === 'task' && event.type === 'task.completed') {
    await inTransaction(deps.db, (trx) =>
      withChainDepth(event.depth, () => plans.advanceAfterTask(trx, automationActor(event.orgId), subject.id, deps.clock.now())),
    );
  }
}

export async function planRuleTimer(db: Db, rule: Rule, event: StoredEvent, fireAt: number): Promise<void> {
  await store.planTimer(
    db,
    { orgId: event.orgId, key: timerKey('rule.delayed', event.id, rule.id), kind: 'rule.delayed', subject: event.subject, ruleId: rule.id, eventId: event.id, basis: event.occurredAt, fireAt },
    newId(),
  );
}

export interface SchedulerOptions {
  batchSize: number;
}

/** Fires every timer that is due. Returns how many it looked at (0: nothing due). */
export async function tickScheduler(deps: Deps, options: SchedulerOptions): Promise<number> {
  const due = await store.dueTimers(deps.db, deps.clock.now(), options.batchSize);
  const cache = new OrgCache(deps);
  for (const timer of due) await fireTimer(deps, cache, timer);
  // Service plans coming due: service.due once per due date, from the services' own indexed scan.
  const services = await signalDueServices(deps, options.batchSize);
  return due.length + services;
}

async function fireTimer(deps: Deps, cache: OrgCache, timer: store.TimerRow): Promise<void> {
  if (timer.kind === 'rule.delayed') return fireDelayedRule(deps, cache, timer);
  await deps.db.transaction().execute(async (trx) => {
    const locked = await store.lockTimer(trx, deps.dialect, timer.id);
    if (!locked || locked.fire_at !== timer.fire_at) return;
    const now = deps.clock.now();
    await store.markFired(trx, timer.id, now);
    if (timer.kind === 'task.due_soon' || timer.kind === 'task.overdue') await signalTaskTime(trx, locked, now);
    if (timer.kind === 'task.wake') await wakeTask(trx, locked, now);
    if (timer.kind === 'job.missed') await markMissed(trx, locked, now);
    if (timer.kind === 'service.plan_task') await plans.makePlanTask(trx, automationActor(timer.org_id), timer.subject_id, locked.basis ?? -1, now);
  });
}

/** task.due_soon / task.overdue, if the task is still open with the due date the timer was planned for (and not paused waiting). */
async function signalTaskTime(trx: Db, timer: store.TimerRow, now: number): Promise<void> {
  const task = await tasks.taskTimes(trx, timer.org_id, timer.subject_id);
  if (!task || task.dueAt === null || task.dueAt !== timer.basis || task.status === 'done' || task.status === 'cancelled' || task.status === 'waiting') return;
  if (timer.kind === 'task.due_soon' && now >= task.dueAt) return;
  const type = timer.kind as 'task.due_soon' | 'task.overdue';
  await appendEvent(trx, { orgId: timer.org_id, type, subject: { type: 'task', id: timer.subject_id }, data: { dueAt: iso(task.dueAt) }, actorId: null, occurredAt: timer.fire_at });
}

async function wakeTask(trx: Db, timer: store.TimerRow, now: number): Promise<void> {
  const task = await tasks.taskTimes(trx, timer.org_id, timer.subject_id);
  if (!task || task.status !== 'waiting' || task.waitingUntil !== timer.basis) return;
  await tasks.changeTaskIn(trx, automationActor(timer.org_id), timer.subject_id, { status: 'open' }, now);
}

async function markMissed(trx: Db, timer: store.TimerRow, now: number): Promise<void> {
  const job = await jobSchedule(trx, timer.org_id, timer.subject_id);
  if (!job || job.status !== 'scheduled' || job.scheduledStart !== timer.basis) return;
  await markJobMissed(trx, automationActor(timer.org_id), timer.subject_id, now);
}

async function fireDelayedRule(deps: Deps, cache: OrgCache, timer: store.TimerRow): Promise<void> {
  const [ruleRow, event] = await Promise.all([store.findRule(deps.db, timer.org_id, timer.rule_id ?? ''), findEvent(deps.db, timer.org_id, timer.event_id ?? '')]);
  if (!ruleRow || !event || ruleRow.enabled !== 1) {
    // The rule was disabled (or the event is gone) while the run waited: it ends as skipped, and says why.
    await deps.db.transaction().execute(async (trx) => {
      if (!(await store.lockTimer(trx, deps.dialect, timer.id))) return;
      await store.markFired(trx, timer.id, deps.clock.now());
      const run = timer.event_id && timer.rule_id ? await store.findRunOf(trx, timer.event_id, timer.rule_id) : undefined;
      if (run?.outcome === 'scheduled') await store.finishRun(trx, run.id, { outcome: 'skipped', detail: ruleRow ? 'the rule was disabled before it ran' : 'the event is gone' });
    });
    return;
  }
  await executeRun(deps, cache, ruleOf(ruleRow), event, { mode: 'delayed', timerId: timer.id });
}
